/** Turns a MovieLens-100K split into {@link RecommenderData} (the preset path of the general dataset model). */

import type { ProgressCallback } from '../data/fetch.js';
import { ensureDataset } from '../data/fetch.js';
import { loadMovieLens100KDataset } from '../data/ml100k.js';
import { type PreparedData, prepareData } from './prepare-data.js';

/** Options of {@link loadMovieLensSplit}. */
export interface MovieLensSplitOptions {
  /** The data folder holding dataset folders (see resolveDataDir). */
  readonly dataDir: string;
  /** Download the dataset when it is missing (default true). */
  readonly fetch?: boolean;
  /** Download progress. */
  readonly onProgress?: ProgressCallback;
  /** Download idle timeout in ms. */
  readonly timeoutMs?: number;
  /** Dataset name: `ml-100k`. */
  readonly dataset: string;
  /** A predefined split (`u1`…`u5`, `ua`, `ub`) or a split spec (`random:0.1`, `temporal:0.1`, `user:0.1`). */
  readonly split: string;
  readonly valFraction: number;
  /** Seed of the validation holdout (and of a split spec). */
  readonly seed: number;
}

/** A split ready for {@link RSAttAE.fit} plus its test ratings. */
export type MovieLensSplit = PreparedData;

/**
 * Opens (downloading when missing) MovieLens-100K and prepares `split`: train and validation carved from
 * `<split>.base`, test from `<split>.test`, the reference's user and item features, titles and the SHA-256 of every
 * file read, for the bundle's data fingerprint.
 */
export async function loadMovieLensSplit(opts: MovieLensSplitOptions): Promise<MovieLensSplit> {
  const dir = await ensureDataset(opts.dataset, {
    dataDir: opts.dataDir,
    fetch: opts.fetch ?? true,
    onProgress: opts.onProgress,
    timeoutMs: opts.timeoutMs,
  });
  const ds = await loadMovieLens100KDataset(dir, opts.split);
  return prepareData(ds, { split: opts.split, valFraction: opts.valFraction, seed: opts.seed });
}
