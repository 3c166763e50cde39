/** Supervised rows for XGBoost: x = [E_u, F_u, E_m, F_m] per (user, item) pair, the reference's column order. */
import type { Float32Matrix } from '../data/types.js';

/** The four blocks a row is assembled from; all row-major, one row per user (E_u, F_u) or item (E_m, F_m). */
export interface RowBlocks {
  readonly userEmbeddings: Float32Matrix;
  readonly userFeatures: Float32Matrix;
  readonly itemEmbeddings: Float32Matrix;
  readonly itemFeatures: Float32Matrix;
}

/** Width of a supervised row: d_u + f_u + d_m + f_m. */
export function rowWidth(b: RowBlocks): number {
  return b.userEmbeddings.cols + b.userFeatures.cols + b.itemEmbeddings.cols + b.itemFeatures.cols;
}

/** Embeddings given per pair (row k belongs to pair k) instead of per entity; see {@link buildRows}. */
export interface PairEmbeddings {
  readonly userEmbeddings: Float32Matrix;
  readonly itemEmbeddings: Float32Matrix;
}

/**
 * Builds X for the pairs (user[k], item[k]) (0-based indices). With `perPair`, pair k's E_u and E_m are row k of
 * those matrices (how out-of-sample embeddings give each pair its own); otherwise they come from `blocks`.
 */
export function buildRows(user: Int32Array, item: Int32Array, blocks: RowBlocks, perPair?: PairEmbeddings): Float32Matrix {
  const n = user.length;
  if (perPair && (perPair.userEmbeddings.rows !== n || perPair.itemEmbeddings.rows !== n)) {
    throw new RangeError(`buildRows: per-pair embeddings have ${perPair.userEmbeddings.rows} / ${perPair.itemEmbeddings.rows} rows for ${n} pairs`);
  }
  const cols = rowWidth(blocks);
  const data = new Float32Array(n * cols);
  for (let k = 0; k < n; k++) {
    let at = k * cols;
    at = perPair ? copyRow(perPair.userEmbeddings, k, data, at) : copyRow(blocks.userEmbeddings, user[k], data, at);
    at = copyRow(blocks.userFeatures, user[k], data, at);
    at = perPair ? copyRow(perPair.itemEmbeddings, k, data, at) : copyRow(blocks.itemEmbeddings, item[k], data, at);
    copyRow(blocks.itemFeatures, item[k], data, at);
  }
  return { rows: n, cols, data };
}

function copyRow(m: Float32Matrix, row: number, out: Float32Array, at: number): number {
  out.set(m.data.subarray(row * m.cols, (row + 1) * m.cols), at);
  return at + m.cols;
}

/** Root mean squared error and mean absolute error of predictions against targets. */
export function errorMetrics(predicted: Float32Array, target: Float32Array): { rmse: number; mae: number } {
  if (predicted.length !== target.length || target.length === 0) {
    throw new RangeError(`errorMetrics: ${predicted.length} predictions for ${target.length} targets`);
  }
  let se = 0;
  let ae = 0;
  for (let k = 0; k < target.length; k++) {
    const e = predicted[k] - target[k];
    se += e * e;
    ae += Math.abs(e);
  }
  return { rmse: Math.sqrt(se / target.length), mae: ae / target.length };
}
