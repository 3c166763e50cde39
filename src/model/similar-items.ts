/** Nearest items by embedding: cosine similarity over the item embeddings E_m a trained model holds. */

import { InputError } from '../core/errors.js';
import type { Float32Matrix } from '../core/types.js';
import type { RSAttAE } from './rsattae.js';

/** One item similar to another. */
export interface SimilarItem {
  /** The item's external id, as in the data files. */
  readonly item: string;
  readonly title?: string;
  /** Cosine similarity of the two embeddings, in [-1, 1] (0 when either embedding is all zeros). */
  readonly similarity: number;
}

// norms are computed once per matrix: a model's embeddings never change after training or loading
const normCache = new WeakMap<Float32Matrix, Float32Array>();

function rowNorms(m: Float32Matrix): Float32Array {
  let norms = normCache.get(m);
  if (!norms) {
    norms = new Float32Array(m.rows);
    for (let r = 0; r < m.rows; r++) {
      let s = 0;
      for (let c = r * m.cols; c < (r + 1) * m.cols; c++) s += m.data[c] * m.data[c];
      norms[r] = Math.sqrt(s);
    }
    normCache.set(m, norms);
  }
  return norms;
}

/**
 * The `k` rows of `m` with the highest cosine similarity to row `row`, excluding `row` itself; ties go to the lower
 * index, so the answer is deterministic. Fewer than `k` when the matrix has fewer other rows.
 * @throws InputError when k is not a positive integer
 */
export function cosineNeighbours(m: Float32Matrix, row: number, k: number): { index: number; similarity: number }[] {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k must be a positive integer, got ${k}`);
  if (!Number.isInteger(row) || row < 0 || row >= m.rows) throw new RangeError(`cosineNeighbours: row ${row} outside 0..${m.rows - 1}`);
  const norms = rowNorms(m);
  const d = m.cols;
  const q = m.data.subarray(row * d, (row + 1) * d);
  const qn = norms[row];
  const sims = new Float64Array(m.rows);
  for (let r = 0; r < m.rows; r++) {
    const denom = qn * norms[r];
    if (denom === 0) continue;
    let dot = 0;
    const o = r * d;
    for (let c = 0; c < d; c++) dot += q[c] * m.data[o + c];
    sims[r] = dot / denom;
  }
  const order: number[] = [];
  for (let r = 0; r < m.rows; r++) if (r !== row) order.push(r);
  order.sort((a, b) => sims[b] - sims[a] || a - b);
  return order.slice(0, k).map((index) => ({ index, similarity: sims[index] }));
}

/**
 * The `k` items whose embeddings are nearest to `item`'s by cosine similarity (the item itself excluded). Uses the
 * embeddings the model predicts with, so it needs no autoencoder weights.
 * @throws InputError for an unknown item id (issue code `unknown_id`) or a k that is not a positive integer
 */
export function similarItems(model: RSAttAE, item: string | number, k = 10): SimilarItem[] {
  const i = model.itemIndex(item);
  const { items, itemTitles, blocks } = model.parts;
  return cosineNeighbours(blocks.itemEmbeddings, i, k).map(({ index, similarity }) => ({
    item: items.id(index),
    ...(itemTitles ? { title: itemTitles[index] } : {}),
    similarity,
  }));
}
