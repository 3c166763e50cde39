/**
 * Dataset descriptors of the real datasets in the project's shared data folder (`../shared/datasets`, described by
 * its README.md). That folder is our development data, not something a user has, so the descriptors live with the
 * benchmarks (and the tests import them from here) rather than in src/. Nothing here holds any of the data: only
 * file names and how to read them.
 */
import { join } from 'node:path';
import { absolutePaths, type DatasetDescriptor, parseDescriptor } from '../../src/data/descriptor.js';

/** The shared datasets by the name the benchmarks and tests use. */
export const SHARED_DATASETS = Object.freeze(['ml-100k-u1', 'ml-100k-u2', 'ml-100k-u3', 'ml-100k-u4', 'ml-100k-u5', 'ml-1m', 'flixster', 'yahoo-music', 'epinions', 'yelp', 'coat'] as const);

/** One of {@link SHARED_DATASETS}. */
export type SharedDataset = (typeof SHARED_DATASETS)[number];

/** Whether `name` is one of {@link SHARED_DATASETS}. */
export function isSharedDataset(name: string): name is SharedDataset {
  return (SHARED_DATASETS as readonly string[]).includes(name);
}

/** The folder under the data folder each dataset is read from. */
export const SHARED_FOLDERS: Readonly<Record<SharedDataset, string>> = Object.freeze({
  'ml-100k-u1': 'ml-100k',
  'ml-100k-u2': 'ml-100k',
  'ml-100k-u3': 'ml-100k',
  'ml-100k-u4': 'ml-100k',
  'ml-100k-u5': 'ml-100k',
  'ml-1m': 'ml-1m-nots',
  flixster: 'flixster',
  'yahoo-music': 'yahoo-music',
  epinions: 'epinions',
  yelp: 'yelp',
  coat: 'coat',
});

/** The `user,item,rating` CSV layout (with a header) that every non-MovieLens folder uses. */
const CSV = { sep: ',', header: 'yes', columns: 'user,item,rating' } as const;

/** Each descriptor with paths relative to its folder (resolved in {@link sharedDescriptor}). */
const RELATIVE: Readonly<Record<SharedDataset, Readonly<Record<string, unknown>>>> = {
  // the preset reads <dataDir>/ml-100k itself, and its u1 is the paper's split
  'ml-100k-u1': { name: 'ml-100k-u1', preset: 'ml-100k', split: 'u1' },
  // the other four of ML-100K's five-fold cross-validation splits, for the u1–u5 mean
  'ml-100k-u2': { name: 'ml-100k-u2', preset: 'ml-100k', split: 'u2' },
  'ml-100k-u3': { name: 'ml-100k-u3', preset: 'ml-100k', split: 'u3' },
  'ml-100k-u4': { name: 'ml-100k-u4', preset: 'ml-100k', split: 'u4' },
  'ml-100k-u5': { name: 'ml-100k-u5', preset: 'ml-100k', split: 'u5' },
  // what ml-1m-nots/dataset.json says (the ml-1m preset expects the official ratings.dat with timestamps), plus the scale
  'ml-1m': {
    name: 'ml-1m',
    ratings: 'ratings.dat',
    sep: '::',
    header: 'no',
    encoding: 'latin1',
    ratingScale: { min: 1, max: 5, step: 1 },
    split: 'random:0.1',
    userFeatures: { file: 'users.dat', sep: '::', header: 'no', columns: 'id:id,gender:category,age:category,occupation:category,zip:ignore' },
    itemFeatures: { file: 'movies.dat', sep: '::', header: 'no', encoding: 'latin1', columns: 'id:id,title:ignore,genres:multi(|)' },
  },
  // Monti et al.'s split: the given test file, half stars
  flixster: { name: 'flixster', ratings: 'train.csv', test: 'test.csv', ...CSV, ratingScale: { min: 0.5, max: 5, step: 0.5 } },
  // whole numbers 1–100 (the files hold 71 distinct values; neither end is guaranteed to occur in train.csv alone)
  'yahoo-music': { name: 'yahoo-music', ratings: 'train.csv', test: 'test.csv', ...CSV, ratingScale: { min: 1, max: 100, step: 1 } },
  // 6,886 (user, item) pairs occur more than once (16,712 rows; the source's fold union, see its SOURCE.txt): one
  // rating each, their mean, so no copy is picked by file order
  epinions: { name: 'epinions', ratings: 'ratings.csv', ...CSV, duplicates: 'mean', ratingScale: { min: 1, max: 5, step: 1 }, split: 'random:0.1' },
  yelp: {
    name: 'yelp',
    ratings: 'ratings.csv',
    ...CSV,
    ratingScale: { min: 1, max: 5, step: 1 },
    split: 'random:0.1',
    itemFeatures: { file: 'items.csv', sep: ',', header: 'yes', columns: 'item:id,categories:multi(|),city:category' },
  },
  // test.csv is the missing-at-random test set (16 uniformly drawn items per user), train.csv the self-selected
  // ratings; 366 pairs are in both (a drawn item the user had also picked, same rating): they leave the training
  // side, so the random test set stays whole and no test rating is seen in training
  coat: {
    name: 'coat',
    ratings: 'train.csv',
    test: 'test.csv',
    testOverlap: 'drop-train',
    ...CSV,
    ratingScale: { min: 1, max: 5, step: 1 },
    userFeatures: { file: 'users.csv', sep: ',', header: 'yes', columns: 'id:id,gender:category,age:category,location:category,fashioninterest:category' },
    itemFeatures: { file: 'items.csv', sep: ',', header: 'yes', columns: 'id:id,gender:category,jackettype:category,color:category,onfrontpage:category' },
  },
};

/**
 * The descriptor of a shared dataset in `dataDir` (the folder holding `flixster/`, `coat/`, …), its file paths
 * absolute. A preset's (ml-100k-u1) has no paths: pass the same `dataDir` to loadData, with `fetch: false`.
 * @throws InputError if a descriptor above does not validate (a bug here, not in the data)
 */
export function sharedDescriptor(name: SharedDataset, dataDir: string): DatasetDescriptor {
  return absolutePaths(parseDescriptor(RELATIVE[name], `of shared dataset ${name}`), join(dataDir, SHARED_FOLDERS[name]));
}
