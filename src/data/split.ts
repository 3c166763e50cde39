/** Seeded hold-out splits and small helpers on {@link Ratings}. */
import { InputError } from '../errors.js';
import { createRng } from './rng.js';
import type { Ratings } from './types.js';

/** The ratings at the given positions, in that order. */
export function selectRatings(r: Ratings, rows: ArrayLike<number>): Ratings {
  const n = rows.length;
  const out = {
    user: new Int32Array(n),
    item: new Int32Array(n),
    rating: new Float32Array(n),
    timestamp: new Int32Array(n),
  };
  for (let k = 0; k < n; k++) {
    const j = rows[k];
    out.user[k] = r.user[j];
    out.item[k] = r.item[j];
    out.rating[k] = r.rating[j];
    out.timestamp[k] = r.timestamp[j];
  }
  return out;
}

/** `a` followed by `b` (e.g. train + validation, the input of the final embeddings). */
export function concatRatings(a: Ratings, b: Ratings): Ratings {
  const cat = <T extends Int32Array | Float32Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    user: cat(a.user, b.user, (n) => new Int32Array(n)),
    item: cat(a.item, b.item, (n) => new Int32Array(n)),
    rating: cat(a.rating, b.rating, (n) => new Float32Array(n)),
    timestamp: cat(a.timestamp, b.timestamp, (n) => new Int32Array(n)),
  };
}

/**
 * Splits ratings into train and validation at random, reproducibly: a {@link createRng} (mulberry32) stream seeded
 * with `seed` drives a Fisher–Yates shuffle of the row positions 0..n-1, the first round(fraction · n) shuffled
 * positions become the validation set, and both parts keep the input's row order. Same input, fraction and seed
 * give the same split on every machine. (Not the same rows as scikit-learn's train_test_split in the reference,
 * which uses NumPy's generator and sizes the test part with ceil.)
 *
 * @param fraction share of rows for validation, strictly between 0 and 1
 * @throws InputError when `fraction` is not in (0, 1)
 */
export function holdout(ratings: Ratings, fraction: number, seed: number): { train: Ratings; validation: Ratings } {
  if (!(fraction > 0 && fraction < 1)) throw new InputError(`validation fraction must be in (0, 1), got ${fraction}`);
  const n = ratings.user.length;
  const k = Math.round(fraction * n);
  const perm = createRng(seed).permutation(n);
  const inValidation = new Uint8Array(n);
  for (let j = 0; j < k; j++) inValidation[perm[j]] = 1;
  const train = new Int32Array(n - k);
  const validation = new Int32Array(k);
  let t = 0;
  let v = 0;
  for (let j = 0; j < n; j++) {
    if (inValidation[j] === 1) validation[v++] = j;
    else train[t++] = j;
  }
  return { train: selectRatings(ratings, train), validation: selectRatings(ratings, validation) };
}
