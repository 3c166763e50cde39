/**
 * Out-of-sample embeddings for XGBoost's training rows. In the paper (and the reference) a training pair's E_u and
 * E_m come from the encoders applied to all train + validation ratings, its own rating included, while a test
 * pair's rating is never in that input: the booster learns from embeddings that have seen the answer. These
 * functions compute each pair's embeddings with its own rating (or its whole fold) removed from the encoder input.
 */

import { createRng } from '../core/rng.js';
import type { CsrMatrix, Float32Matrix, Ratings } from '../core/types.js';
import { ratingsToCsr } from '../data/csr.js';
import { selectRatings } from '../data/split.js';
import type { TrainedAutoencoder } from '../nn/index.js';
import type { PairEmbeddings } from './booster-rows.js';

/** Something that embeds rating rows: a trained autoencoder's encoder. */
export type Embedder = Pick<TrainedAutoencoder, 'embed'>;

/** Pairs embedded per call in leave-one-out, to bound memory on large data. */
const CHUNK = 16384;

/**
 * Leave-one-out: pair k's user embedding is the encoder of user u's row with item i's rating removed (and likewise
 * for the item), as a test pair stands. The encoder treats rows independently, so one sparse row per pair is all it
 * takes. Beware: across one user's pairs the embeddings then differ only by the removed rating, which the booster
 * can learn to read (as with leave-one-out target encoding); on ML-100K it is the least accurate choice.
 *
 * @param input the ratings the encoders embed from (train + validation), rows = entities of that side
 */
export function leaveOneOutEmbeddings(
  user: Int32Array,
  item: Int32Array,
  byUser: CsrMatrix,
  byItem: CsrMatrix,
  users: Embedder,
  movies: Embedder,
): PairEmbeddings {
  return {
    userEmbeddings: embedWithout(user, item, byUser, users),
    itemEmbeddings: embedWithout(item, user, byItem, movies),
  };
}

/** For each k: embed row `row[k]` of `m` without its entry in column `drop[k]`. */
function embedWithout(row: Int32Array, drop: Int32Array, m: CsrMatrix, enc: Embedder): Float32Matrix {
  const n = row.length;
  let out: Float32Array | undefined;
  let dim = 0;
  for (let start = 0; start < n; start += CHUNK) {
    const end = Math.min(n, start + CHUNK);
    const indptr = new Int32Array(end - start + 1);
    for (let k = start; k < end; k++) {
      const r = row[k];
      indptr[k - start + 1] = indptr[k - start] + (m.indptr[r + 1] - m.indptr[r]) - 1;
    }
    const nnz = indptr[end - start];
    const indices = new Int32Array(nnz);
    const values = new Float32Array(nnz);
    let at = 0;
    for (let k = start; k < end; k++) {
      const r = row[k];
      let dropped = false;
      for (let p = m.indptr[r]; p < m.indptr[r + 1]; p++) {
        if (m.indices[p] === drop[k] && !dropped) {
          dropped = true;
          continue;
        }
        indices[at] = m.indices[p];
        values[at++] = m.values[p];
      }
      if (!dropped) throw new RangeError(`leave-one-out: row ${r} has no entry in column ${drop[k]}`);
    }
    const e = enc.embed({ rows: end - start, cols: m.cols, indptr, indices, values });
    dim = e.cols;
    out ??= new Float32Array(n * dim);
    out.set(e.data, start * dim);
  }
  return { rows: n, cols: dim, data: out ?? new Float32Array(0) };
}

/**
 * K-fold: the pairs are dealt into `folds` folds at random (seeded); pair k's embeddings come from the encoders with
 * all of its fold's ratings removed from the input. Coarser than {@link leaveOneOutEmbeddings}: removing a whole
 * fold also thins the rest of each row, which the test-time input does not.
 */
export function kFoldEmbeddings(
  pairs: Ratings,
  nUsers: number,
  nItems: number,
  users: Embedder,
  movies: Embedder,
  folds: number,
  seed: number,
): PairEmbeddings {
  const n = pairs.rating.length;
  const perm = createRng(seed).permutation(n);
  const fold = new Int32Array(n);
  for (let k = 0; k < n; k++) fold[perm[k]] = k % folds;
  let ue: Float32Array | undefined;
  let ie: Float32Array | undefined;
  let du = 0;
  let di = 0;
  for (let f = 0; f < folds; f++) {
    const keep: number[] = [];
    for (let k = 0; k < n; k++) if (fold[k] !== f) keep.push(k);
    const rest = selectRatings(pairs, keep);
    const eu = users.embed(ratingsToCsr(rest, nUsers, nItems, 'user'));
    const em = movies.embed(ratingsToCsr(rest, nItems, nUsers, 'item'));
    du = eu.cols;
    di = em.cols;
    ue ??= new Float32Array(n * du);
    ie ??= new Float32Array(n * di);
    for (let k = 0; k < n; k++) {
      if (fold[k] !== f) continue;
      ue.set(eu.data.subarray(pairs.user[k] * du, (pairs.user[k] + 1) * du), k * du);
      ie.set(em.data.subarray(pairs.item[k] * di, (pairs.item[k] + 1) * di), k * di);
    }
  }
  return {
    userEmbeddings: { rows: n, cols: du, data: ue ?? new Float32Array(0) },
    itemEmbeddings: { rows: n, cols: di, data: ie ?? new Float32Array(0) },
  };
}
