/**
 * Which embedding of a side XGBoost reads (config `boosterEmbeddings`): the encoder's E (paper), the attention
 * module's Ê, or both side by side. One place builds it, so fit, its held-out validation rows, update and fold-in
 * agree on the columns.
 */
import type { Float32Matrix } from '../core/types.js';
import { attendedEmbeddings, layerNormRows } from '../nn/attend.js';
import type { TrainedAutoencoder } from '../nn/index.js';
import type { RowBlocks } from './booster-rows.js';
import type { RSAttAEConfig } from './rsattae-config.js';

/** One of `encoder`, `attended`, `both`; see {@link RSAttAEConfig.boosterEmbeddings}. */
export type BoosterEmbeddings = RSAttAEConfig['boosterEmbeddings'];

/** Rows of `a` and `b` side by side (same row count). */
function concatColumns(a: Float32Matrix, b: Float32Matrix): Float32Matrix {
  const cols = a.cols + b.cols;
  const data = new Float32Array(a.rows * cols);
  for (let i = 0; i < a.rows; i++) {
    data.set(a.data.subarray(i * a.cols, (i + 1) * a.cols), i * cols);
    data.set(b.data.subarray(i * b.cols, (i + 1) * b.cols), i * cols + a.cols);
  }
  return { rows: a.rows, cols, data };
}

/**
 * The booster's embedding block of one side from its encoder output `e` (one row per entity) and `features`. With
 * `e` the module's own training embeddings, Ê is the one the network computed ({@link TrainedAutoencoder.attended});
 * for any other `e` (e.g. of the train ratings alone) it is rebuilt over that population.
 */
export function boosterEmbeddingBlock(ae: TrainedAutoencoder, e: Float32Matrix, features: Float32Matrix, mode: BoosterEmbeddings): Float32Matrix {
  if (mode === 'encoder') return e;
  const ehat = e === ae.embeddings && ae.attended ? ae.attended : attendedEmbeddings(ae, e, features);
  return mode === 'attended' ? ehat : concatColumns(e, ehat);
}

/**
 * The booster's row blocks of both sides from the modules' own training embeddings and the feature matrices: the rows
 * fit trains on, and update retrains on.
 */
export function trainedRowBlocks(users: TrainedAutoencoder, movies: TrainedAutoencoder, userFeatures: Float32Matrix, itemFeatures: Float32Matrix, mode: BoosterEmbeddings): RowBlocks {
  return {
    userEmbeddings: boosterEmbeddingBlock(users, users.embeddings, userFeatures, mode),
    userFeatures,
    itemEmbeddings: boosterEmbeddingBlock(movies, movies.embeddings, itemFeatures, mode),
    itemFeatures,
  };
}

/** The booster's embedding of one folded-in entity from its E-like vector (α·A + (1−α)·E of the fold-in). */
export function boosterEmbeddingRow(ae: TrainedAutoencoder, e: Float32Array, mode: BoosterEmbeddings): Float32Array {
  if (mode === 'encoder') return e;
  const ehat = layerNormRows(ae, e, 1);
  if (mode === 'attended') return ehat;
  const row = (v: Float32Array): Float32Matrix => ({ rows: 1, cols: v.length, data: v });
  return concatColumns(row(e), row(ehat)).data;
}
