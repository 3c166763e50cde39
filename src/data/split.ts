/** Seeded hold-out splits and small helpers on {@link Ratings}. */
import { InputError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import type { Ratings } from '../core/types.js';
import type { IdMap } from './dataset.js';

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

/** How a dataset without a separate test file is split: a share of ratings, of each user's latest, or of users. */
export interface SplitSpec {
  /**
   * `random`: a seeded share of all ratings; `temporal`: the latest share of each user's ratings by timestamp (ties
   * by file order); `user`: a seeded share of whole users, all of their ratings (the cold-start protocol).
   */
  readonly kind: 'random' | 'temporal' | 'user';
  /** The share held out, in (0, 1). */
  readonly fraction: number;
}

/** The split kinds of {@link SplitSpec}, for messages. */
export const SPLIT_KINDS: readonly SplitSpec['kind'][] = Object.freeze(['random', 'temporal', 'user']);

/**
 * Parses `random:0.1`, `temporal:0.2`, `user:0.1`.
 * @throws InputError saying what a valid split looks like
 */
export function parseSplitSpec(text: string): SplitSpec {
  const m = /^(random|temporal|user):([0-9.eE+-]+)$/.exec(text.trim());
  const fraction = m ? Number(m[2]) : Number.NaN;
  if (!m || !(fraction > 0 && fraction < 1)) {
    throw new InputError(`invalid split ${JSON.stringify(text)}: expected KIND:F with KIND one of ${SPLIT_KINDS.join(', ')} and F in (0, 1), e.g. random:0.1`);
  }
  return { kind: m[1] as SplitSpec['kind'], fraction };
}

/** Row positions of `ratings` grouped by user (users in first-seen order), each group in file order. */
function rowsByUser(ratings: Ratings): Int32Array[] {
  const n = ratings.user.length;
  let maxUser = -1;
  for (let k = 0; k < n; k++) if (ratings.user[k] > maxUser) maxUser = ratings.user[k];
  const counts = new Int32Array(maxUser + 2);
  for (let k = 0; k < n; k++) counts[ratings.user[k] + 1]++;
  for (let u = 0; u <= maxUser; u++) counts[u + 1] += counts[u];
  const order = new Int32Array(n);
  const fill = counts.slice(0, maxUser + 1);
  for (let k = 0; k < n; k++) order[fill[ratings.user[k]]++] = k;
  const groups: Int32Array[] = [];
  for (let u = 0; u <= maxUser; u++) if (counts[u + 1] > counts[u]) groups.push(order.subarray(counts[u], counts[u + 1]));
  return groups;
}

/** Rows flagged in `held` go to `test`, the others to `train`, both in input order. */
function partition(ratings: Ratings, held: Uint8Array): { train: Ratings; test: Ratings } {
  const train: number[] = [];
  const test: number[] = [];
  for (let k = 0; k < held.length; k++) (held[k] ? test : train).push(k);
  return { train: selectRatings(ratings, train), test: selectRatings(ratings, test) };
}

/**
 * Splits ratings into train and test by `spec`, reproducibly for a seed. `random` is {@link holdout} with the seed;
 * `temporal` holds out round(F · n_u) of each user's latest ratings (at least one when the user has two or more);
 * `user` shuffles the users who have ratings (mulberry32 + Fisher–Yates) and holds out the first round(F · users).
 *
 * @param hasTimestamps whether `ratings.timestamp` is real; a temporal split without timestamps is refused
 * @throws InputError for a temporal split without timestamps, or a split that leaves train or test empty
 */
export function splitRatings(ratings: Ratings, spec: SplitSpec, seed: number, hasTimestamps = true): { train: Ratings; test: Ratings } {
  let out: { train: Ratings; test: Ratings };
  if (spec.kind === 'random') {
    const h = holdout(ratings, spec.fraction, seed);
    out = { train: h.train, test: h.validation };
  } else if (spec.kind === 'temporal') {
    if (!hasTimestamps) throw new InputError('a temporal split needs timestamps, and these ratings have none (give a timestamp column, or use random:F)');
    const held = new Uint8Array(ratings.user.length);
    for (const rows of rowsByUser(ratings)) {
      if (rows.length < 2) continue;
      const k = Math.min(rows.length - 1, Math.max(1, Math.round(spec.fraction * rows.length)));
      // stable sort by time keeps file order among equal timestamps
      const byTime = Array.from(rows).sort((a, b) => ratings.timestamp[a] - ratings.timestamp[b] || a - b);
      for (let j = byTime.length - k; j < byTime.length; j++) held[byTime[j]] = 1;
    }
    out = partition(ratings, held);
  } else {
    const groups = rowsByUser(ratings);
    const k = Math.round(spec.fraction * groups.length);
    const perm = createRng(seed).permutation(groups.length);
    const held = new Uint8Array(ratings.user.length);
    for (let j = 0; j < k; j++) for (const row of groups[perm[j]]) held[row] = 1;
    out = partition(ratings, held);
  }
  if (out.train.rating.length === 0 || out.test.rating.length === 0) {
    throw new InputError(`split ${spec.kind}:${spec.fraction} of ${ratings.rating.length} ratings leaves ${out.train.rating.length} for training and ${out.test.rating.length} for test`);
  }
  return out;
}

/** Names the place of rating k of a file in messages, e.g. `u1.base:17`. */
export type RowLocator = (k: number) => string;

/** A (user, item) pair as one exact double, for up to 2^27 users and 2^26 items. */
const pairKey = (u: number, i: number): number => u * 2 ** 26 + i;

/**
 * `ratings` without the rows whose (user, item) pair also occurs in `other` (in input order), and how many went: what
 * a descriptor's `testOverlap` drops from one side when the training and test files share pairs.
 */
export function withoutPairsOf(ratings: Ratings, other: Ratings): { ratings: Ratings; dropped: number } {
  const inOther = new Set<number>();
  for (let k = 0; k < other.user.length; k++) inOther.add(pairKey(other.user[k], other.item[k]));
  const kept: number[] = [];
  for (let k = 0; k < ratings.user.length; k++) if (!inOther.has(pairKey(ratings.user[k], ratings.item[k]))) kept.push(k);
  return { ratings: selectRatings(ratings, kept), dropped: ratings.user.length - kept.length };
}

/**
 * Checks that no (user, item) pair is in both `train` and `test`.
 * @throws InputError naming the first overlapping pair (by test order) and where each copy is
 */
export function checkDisjoint(
  train: Ratings,
  test: Ratings,
  at: { readonly users: { id(k: number): string }; readonly items: { id(k: number): string }; readonly train: RowLocator; readonly test: RowLocator },
): void {
  // index the (usually smaller) test set, then scan train once
  const inTest = new Map<number, number>();
  for (let k = 0; k < test.user.length; k++) inTest.set(pairKey(test.user[k], test.item[k]), k);
  let k = -1;
  let first = -1;
  for (let j = 0; j < train.user.length; j++) {
    const t = inTest.get(pairKey(train.user[j], train.item[j]));
    if (t !== undefined && (k < 0 || t < k)) {
      k = t;
      first = j;
    }
  }
  if (k >= 0) {
    throw new InputError(
      `${at.test(k)}: the rating of item ${JSON.stringify(at.items.id(test.item[k]))} by user ${JSON.stringify(at.users.id(test.user[k]))} is also in the training data (${at.train(first)}); a test set must not overlap the training data`,
    );
  }
}

/** Ratings re-indexed to another pair of id maps, and what had no place there. */
export interface AlignedRatings {
  readonly ratings: Ratings;
  /** Ratings dropped because their user or item is not in the target maps. */
  readonly unknown: { readonly ratings: number; readonly users: number; readonly items: number };
}

/**
 * Re-indexes ratings read with one pair of id maps (`from`) to another (`to`, e.g. a saved model's), through the
 * external ids; ratings of users or items that `to` does not know are dropped and counted (distinct ids).
 */
export function alignRatings(
  r: Ratings,
  from: { readonly users: IdMap; readonly items: IdMap },
  to: { readonly users: IdMap; readonly items: IdMap },
): AlignedRatings {
  const mapAll = (a: IdMap, b: IdMap): Int32Array => Int32Array.from(a.ids(), (id) => b.index(id) ?? -1);
  const u = mapAll(from.users, to.users);
  const i = mapAll(from.items, to.items);
  const keep: number[] = [];
  const badUsers = new Set<number>();
  const badItems = new Set<number>();
  for (let k = 0; k < r.user.length; k++) {
    const uu = u[r.user[k]];
    const ii = i[r.item[k]];
    if (uu < 0) badUsers.add(r.user[k]);
    if (ii < 0) badItems.add(r.item[k]);
    if (uu >= 0 && ii >= 0) keep.push(k);
  }
  const kept = selectRatings(r, keep);
  for (let k = 0; k < keep.length; k++) {
    kept.user[k] = u[kept.user[k]];
    kept.item[k] = i[kept.item[k]];
  }
  return { ratings: kept, unknown: { ratings: r.user.length - keep.length, users: badUsers.size, items: badItems.size } };
}
