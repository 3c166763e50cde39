/**
 * The training ratings indexed the way Surprise's `Trainset` holds them, so the baselines visit ratings in Surprise's
 * order: users in order of first appearance in the training list (Surprise's inner ids), each user's ratings (`ur`)
 * and each item's ratings (`ir`) in list order. SGD's update order and every floating-point sum then follow
 * Surprise's, not our index order.
 */

import { InputError } from '../core/errors.js';
import type { Ratings } from '../core/types.js';
import type { RatingScale } from '../data/dataset.js';

/** Ratings grouped by one side: entity e's entries are `other/rating[ptr[e]..ptr[e+1])`, in training-list order. */
export interface Grouped {
  /** Length n + 1. */
  readonly ptr: Int32Array;
  /** The entity on the other side of each rating (the item of a user's rating, the user of an item's). */
  readonly other: Int32Array;
  readonly rating: Float64Array;
  /** Entities with at least one rating, in order of first appearance (Surprise's inner-id order). */
  readonly order: Int32Array;
}

/** What every baseline fits on. */
export interface TrainSet {
  readonly nUsers: number;
  readonly nItems: number;
  /** Surprise's `ur`. */
  readonly byUser: Grouped;
  /** Surprise's `ir`. */
  readonly byItem: Grouped;
  /** Mean of all training ratings (μ). */
  readonly globalMean: number;
  /** Predictions are clipped to [min, max]. */
  readonly scale: { readonly min: number; readonly max: number };
}

/** Stable grouping of `key` (values in [0, n)): counting sort, then each entity's entries in list order. */
function group(key: Int32Array, other: Int32Array, rating: Float32Array, n: number): Grouped {
  const ptr = new Int32Array(n + 1);
  const seen = new Uint8Array(n);
  const order: number[] = [];
  for (let k = 0; k < key.length; k++) {
    const e = key[k];
    ptr[e + 1]++;
    if (seen[e] === 0) {
      seen[e] = 1;
      order.push(e);
    }
  }
  for (let e = 0; e < n; e++) ptr[e + 1] += ptr[e];
  const next = ptr.slice(0, n);
  const o = new Int32Array(key.length);
  const r = new Float64Array(key.length);
  for (let k = 0; k < key.length; k++) {
    const p = next[key[k]]++;
    o[p] = other[k];
    r[p] = rating[k];
  }
  return { ptr, other: o, rating: r, order: Int32Array.from(order) };
}

/**
 * Indexes training ratings for the baselines. `scale` defaults to the training ratings' own range (Surprise clips
 * to its reader's `rating_scale`; a dataset's declared scale is the same thing).
 * @throws InputError for no ratings, an index outside nUsers × nItems or a rating that is not finite
 */
export function buildTrainSet(train: Ratings, nUsers: number, nItems: number, scale?: RatingScale): TrainSet {
  const n = train.rating.length;
  if (n === 0) throw new InputError('no training ratings');
  let sum = 0;
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < n; k++) {
    const u = train.user[k];
    const i = train.item[k];
    const r = train.rating[k];
    if (u < 0 || u >= nUsers || i < 0 || i >= nItems) {
      throw new InputError(`training rating ${k + 1} names user index ${u} / item index ${i}, outside ${nUsers} users and ${nItems} items`);
    }
    if (!Number.isFinite(r)) throw new InputError(`training rating ${k + 1} is ${r}, not a number`);
    sum += r;
    if (r < lo) lo = r;
    if (r > hi) hi = r;
  }
  return {
    nUsers,
    nItems,
    byUser: group(train.user, train.item, train.rating, nUsers),
    byItem: group(train.item, train.user, train.rating, nItems),
    globalMean: sum / n,
    scale: scale ? { min: scale.min, max: scale.max } : { min: lo, max: hi },
  };
}

/** Whether entity e has a training rating (Surprise's `knows_user` / `knows_item`); false outside [0, n). */
export function knows(g: Grouped, e: number): boolean {
  return e >= 0 && e < g.ptr.length - 1 && g.ptr[e + 1] > g.ptr[e];
}

/** Clips to the rating scale, as Surprise's `predict(clip=True)`. */
export function clip(x: number, scale: TrainSet['scale']): number {
  return Math.max(scale.min, Math.min(scale.max, x));
}

/**
 * The bias of an entity outside the ratings by one step of {@link baselineAls}, the other side's biases `theirs`
 * fixed: Σ (r − μ − b_j) / (reg + n) over its `ratings` of the entities `others`, `reg` that of its own side.
 */
export function alsBiasStep(mu: number, theirs: ArrayLike<number>, others: ArrayLike<number>, ratings: ArrayLike<number>, reg: number): number {
  let dev = 0;
  for (let k = 0; k < ratings.length; k++) dev += ratings[k] - mu - theirs[others[k]];
  return dev / (reg + ratings.length);
}

/**
 * Baseline estimates b_u, b_i by alternating least squares, exactly as Surprise's `baseline_als` (its defaults:
 * 10 epochs, reg_u 15, reg_i 10): each epoch sets every b_i = Σ_u (r_ui − μ − b_u) / (reg_i + |U_i|), then every
 * b_u = Σ_i (r_ui − μ − b_i) / (reg_u + |I_u|). Entities without ratings keep 0.
 */
export function baselineAls(ts: TrainSet, opts: { readonly epochs: number; readonly regU: number; readonly regI: number }): { bu: Float64Array; bi: Float64Array } {
  const bu = new Float64Array(ts.nUsers);
  const bi = new Float64Array(ts.nItems);
  const mu = ts.globalMean;
  const half = (g: Grouped, own: Float64Array, other: Float64Array, reg: number): void => {
    for (const e of g.order) {
      let dev = 0;
      for (let p = g.ptr[e]; p < g.ptr[e + 1]; p++) dev += g.rating[p] - mu - other[g.other[p]];
      own[e] = dev / (reg + (g.ptr[e + 1] - g.ptr[e]));
    }
  };
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    half(ts.byItem, bi, bu, opts.regI);
    half(ts.byUser, bu, bi, opts.regU);
  }
  return { bu, bi };
}
