/** Conveniences over the loaders: open a dataset by name, carve a validation set, summarise. */
import { InputError } from '../errors.js';
import { fitItemEncoder, fitUserEncoder } from './features.js';
import { type ProgressCallback, ensureDataset } from './fetch.js';
import { type MovieLens100K, type SplitName, isSplitName, loadMovieLens100K, readSplit, SPLIT_NAMES } from './movielens.js';
import { holdout } from './split.js';
import type { Ratings } from './types.js';

/** Options of {@link openDataset}. */
export interface OpenOptions {
  /** The data folder holding dataset folders (see resolveDataDir). */
  readonly dataDir: string;
  /** Download the dataset when it is missing (default true). */
  readonly fetch?: boolean;
  /** Download progress. */
  readonly onProgress?: ProgressCallback;
  /** Download idle timeout in ms. */
  readonly timeoutMs?: number;
}

/**
 * Finds (downloading when allowed and missing) and loads a dataset by name.
 *
 * @throws InputError for an unknown name, a missing dataset without fetch, or malformed files
 */
export async function openDataset(name: string, opts: OpenOptions): Promise<MovieLens100K> {
  const dir = await ensureDataset(name, {
    dataDir: opts.dataDir,
    fetch: opts.fetch ?? true,
    onProgress: opts.onProgress,
    timeoutMs: opts.timeoutMs,
  });
  return loadMovieLens100K(dir);
}

/** How to build train/validation/test from a predefined split. */
export interface SplitOptions {
  /** Predefined split whose `.base` is divided into train and validation and whose `.test` is the test set. */
  readonly split: SplitName;
  /** Share of the base ratings held out for validation, in (0, 1). */
  readonly valFraction: number;
  /** Seed of the hold-out shuffle. */
  readonly seed: number;
}

/** A predefined split with a validation set carved from its base. */
export interface PreparedSplit {
  readonly name: SplitName;
  readonly train: Ratings;
  readonly validation: Ratings;
  readonly test: Ratings;
  /** Number of users (rows of user matrices), from u.info. */
  readonly nUsers: number;
  /** Number of items, from u.info. */
  readonly nItems: number;
}

/**
 * Reads `<split>.base` / `<split>.test` and holds out `valFraction` of the base (see {@link holdout}) as validation.
 *
 * @throws InputError for an unknown split or a bad fraction, ParseError for malformed files
 */
export async function prepareSplit(ds: MovieLens100K, opts: SplitOptions): Promise<PreparedSplit> {
  if (!isSplitName(opts.split)) {
    throw new InputError(`unknown split ${JSON.stringify(opts.split)}; known splits: ${SPLIT_NAMES.join(', ')}`);
  }
  const { base, test } = await readSplit(ds, opts.split);
  const { train, validation } = holdout(base, opts.valFraction, opts.seed);
  return { name: opts.split, train, validation, test, nUsers: ds.info.users, nItems: ds.info.items };
}

/** Summary of a dataset, as `rsattae data info` shows it. */
export interface DatasetInfo {
  readonly dataset: string;
  readonly dir: string;
  readonly users: number;
  readonly items: number;
  /** Ratings in u.data. */
  readonly ratings: number;
  /** ratings / (users · items). */
  readonly density: number;
  /** Smallest and largest rating in u.data. */
  readonly ratingScale: readonly [number, number];
  readonly userFeatures: number;
  readonly itemFeatures: number;
  /** Present when a split was asked for. */
  readonly split?: {
    readonly name: SplitName;
    readonly valFraction: number;
    readonly seed: number;
    readonly train: number;
    readonly validation: number;
    readonly test: number;
  };
}

/**
 * Summarises a loaded dataset (reads u.data; with `split`, also that split's files).
 *
 * @param name the dataset's name for the report (e.g. `ml-100k`)
 */
export async function datasetInfo(ds: MovieLens100K, name: string, split?: SplitOptions): Promise<DatasetInfo> {
  const all = await ds.readRatings('u.data');
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const r of all.rating) {
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  const n = all.rating.length;
  const info: DatasetInfo = {
    dataset: name,
    dir: ds.dir,
    users: ds.info.users,
    items: ds.info.items,
    ratings: n,
    density: n / (ds.info.users * ds.info.items),
    ratingScale: n > 0 ? [lo, hi] : [1, 5],
    userFeatures: fitUserEncoder(ds).names.length,
    itemFeatures: fitItemEncoder(ds).names.length,
  };
  if (split === undefined) return info;
  const s = await prepareSplit(ds, split);
  return {
    ...info,
    split: {
      name: s.name,
      valFraction: split.valFraction,
      seed: split.seed,
      train: s.train.user.length,
      validation: s.validation.user.length,
      test: s.test.user.length,
    },
  };
}
