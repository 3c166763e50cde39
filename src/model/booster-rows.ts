/** Supervised rows for XGBoost: x = [E_u, F_u, E_m, F_m] per (user, item) pair, the reference's column order. */
import type { Float32Matrix, Ratings } from '../core/types.js';
import type { RowSource, Rows, TREE_METHODS } from '../gbdt/index.js';

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
  checkPerPair(user.length, perPair);
  const cols = rowWidth(blocks);
  const data = new Float32Array(user.length * cols);
  fillRows(user, item, blocks, perPair, 0, user.length, data);
  return { rows: user.length, cols, data };
}

/** Rows per batch of {@link pairRowSource}: 65,536 rows of ML-100K's width are about 10 MB of float32. */
export const PAIR_BATCH_ROWS = 65_536;

/**
 * The rows of {@link buildRows} as a {@link RowSource}: each batch of up to `batchRows` pairs is assembled into one
 * reused buffer, so the full matrix never exists (memory: one batch, plus whatever the consumer keeps).
 */
export function pairRowSource(
  user: Int32Array,
  item: Int32Array,
  blocks: RowBlocks,
  perPair?: PairEmbeddings,
  batchRows: number = PAIR_BATCH_ROWS,
): RowSource {
  checkPerPair(user.length, perPair);
  if (item.length !== user.length) throw new RangeError(`pairRowSource: ${user.length} users for ${item.length} items`);
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw new RangeError(`pairRowSource: batchRows must be a positive integer, got ${batchRows}`);
  const n = user.length;
  const cols = rowWidth(blocks);
  return {
    rows: n,
    cols,
    *batches() {
      const buffer = new Float32Array(Math.min(batchRows, n) * cols);
      for (let from = 0; from < n; from += batchRows) {
        const to = Math.min(from + batchRows, n);
        const data = buffer.subarray(0, (to - from) * cols);
        fillRows(user, item, blocks, perPair, from, to, data);
        yield { rows: to - from, data };
      }
    },
  };
}

function checkPerPair(n: number, perPair: PairEmbeddings | undefined): void {
  if (perPair && (perPair.userEmbeddings.rows !== n || perPair.itemEmbeddings.rows !== n)) {
    throw new RangeError(`buildRows: per-pair embeddings have ${perPair.userEmbeddings.rows} / ${perPair.itemEmbeddings.rows} rows for ${n} pairs`);
  }
}

/** Writes the rows of pairs `from` … `to - 1` into `out` from its start. */
function fillRows(
  user: Int32Array,
  item: Int32Array,
  blocks: RowBlocks,
  perPair: PairEmbeddings | undefined,
  from: number,
  to: number,
  out: Float32Array,
): void {
  let at = 0;
  for (let k = from; k < to; k++) {
    at = perPair ? copyRow(perPair.userEmbeddings, k, out, at) : copyRow(blocks.userEmbeddings, user[k], out, at);
    at = copyRow(blocks.userFeatures, user[k], out, at);
    at = perPair ? copyRow(perPair.itemEmbeddings, k, out, at) : copyRow(blocks.itemEmbeddings, item[k], out, at);
    at = copyRow(blocks.itemFeatures, item[k], out, at);
  }
}

function copyRow(m: Float32Matrix, row: number, out: Float32Array, at: number): number {
  out.set(m.data.subarray(row * m.cols, (row + 1) * m.cols), at);
  return at + m.cols;
}

/**
 * Training pairs from which the pipeline (`RSAttAE.fit`, `updateModel`) feeds XGBoost in batches (a callback-fed QuantileDMatrix) instead
 * of one dense float matrix. Both paths give the bit-identical model (libxgboost 1.7.4 sketches them alike; see
 * test/gbdt/source.test.ts), so the threshold only trades speed for memory: below it (ML-100K, ML-1M) the
 * dense path is kept as it was, above it the rows (width × 4 bytes each) are never materialised at once. Only with
 * `treeMethod` `'hist'`/`'auto'` (the default): XGBoost's other methods cannot read callback-fed data.
 */
export const BATCHED_ROWS_FROM = 1_000_000;

/**
 * How a fit's XGBoost rows are built: batched ({@link pairRowSource}) or dense ({@link buildRows}), decided once by
 * the size of the training set so that its evaluation sets take the same path. Only the hist method (`'hist'`,
 * `'auto'`) reads callback-fed data; the others keep the dense matrix whatever the size.
 * @example
 * const rowsOf = boosterRows(blocks, 'hist', train.rating.length);
 * const xTrain = rowsOf(train), xVal = rowsOf(validation);
 */
export function boosterRows(
  blocks: RowBlocks,
  treeMethod: (typeof TREE_METHODS)[number],
  trainPairs: number,
  batchedFrom: number = BATCHED_ROWS_FROM,
): (pairs: Pick<Ratings, 'user' | 'item'>, perPair?: PairEmbeddings) => Rows {
  const batched = (treeMethod === 'hist' || treeMethod === 'auto') && trainPairs >= batchedFrom;
  return (p, perPair) => (batched ? pairRowSource(p.user, p.item, blocks, perPair) : buildRows(p.user, p.item, blocks, perPair));
}

/** `p` clipped to the rating scale in place (no scale: left as it is); returns `p`. */
export function clipTo(p: Float32Array, scale: { readonly min: number; readonly max: number } | undefined): Float32Array {
  if (scale) for (let k = 0; k < p.length; k++) p[k] = Math.min(scale.max, Math.max(scale.min, p[k]));
  return p;
}
