/** Turns a MovieLens dataset split into {@link RecommenderData} (the bridge between src/data and the model). */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type OpenOptions, openDataset, prepareSplit } from '../data/dataset.js';
import { fitItemEncoder, fitUserEncoder, itemFeatures, userFeatures } from '../data/features.js';
import type { MovieLens100K, SplitName } from '../data/movielens.js';
import type { Ratings } from '../data/types.js';
import { sha256 } from '../util/fs.js';
import type { RecommenderData } from './model.js';

/** Options of {@link loadMovieLensSplit}. */
export interface MovieLensSplitOptions extends OpenOptions {
  /** Dataset name, e.g. `ml-100k`. */
  readonly dataset: string;
  readonly split: SplitName;
  readonly valFraction: number;
  /** Seed of the validation holdout. */
  readonly seed: number;
}

/** A split ready for {@link RSAttAE.fit} plus its test ratings. */
export interface MovieLensSplit {
  readonly data: RecommenderData;
  readonly test: Ratings;
  readonly dataset: MovieLens100K;
}

const SIDE_FILES = ['u.info', 'u.user', 'u.item', 'u.occupation', 'u.genre'];

/**
 * Opens (downloading when missing) a MovieLens dataset and prepares `split`: train and validation carved from
 * `<split>.base`, test from `<split>.test`, the reference's user and item features, titles and the SHA-256 of every
 * file read, for the bundle's data fingerprint.
 */
export async function loadMovieLensSplit(opts: MovieLensSplitOptions): Promise<MovieLensSplit> {
  const ds = await openDataset(opts.dataset, opts);
  const split = await prepareSplit(ds, { split: opts.split, valFraction: opts.valFraction, seed: opts.seed });
  const userEncoder = fitUserEncoder(ds);
  const itemEncoder = fitItemEncoder(ds);
  const files: Record<string, string> = {};
  for (const f of [...SIDE_FILES, `${opts.split}.base`, `${opts.split}.test`]) {
    files[f] = sha256(await readFile(join(ds.dir, f)));
  }
  return {
    dataset: ds,
    test: split.test,
    data: {
      nUsers: split.nUsers,
      nItems: split.nItems,
      train: split.train,
      validation: split.validation,
      userFeatures: userFeatures(ds, userEncoder),
      itemFeatures: itemFeatures(ds, itemEncoder),
      itemTitles: ds.items.map((i) => i.title),
      userEncoder,
      itemEncoder,
      source: { dataset: opts.dataset, split: opts.split, files },
    },
  };
}
