/**
 * The standard baselines, as Surprise (NicolasHug/Surprise) implements them, on typed arrays: GlobalMean,
 * BaselineOnly, SVD, SVD++ and KNNBaseline. Each follows Surprise's update order (see trainset.ts), its fallbacks for
 * users and items without training ratings, and its clipping of predictions to the rating scale.
 */

import { errorMetrics } from '../core/error-metrics.js';
import { InputError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import type { Ratings } from '../core/types.js';
import type { RatingScale } from '../data/dataset.js';
import { type BaselineAlgorithm, type BaselineConfig, type BaselineConfigInput, resolveBaselineConfig } from './baseline-config.js';
import { foldInSimilarities, type NeighbourLists, neighbourLists, type SimilarityOptions, similarityMatrix } from './similarity.js';
import { alsBiasStep, baselineAls, buildTrainSet, clip, type Grouped, knows, type TrainSet } from './trainset.js';

/** What a baseline fits on: 0-based training ratings and the index space they live in. */
export interface BaselineData {
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Ratings;
  /** Predictions are clipped to it; default the training ratings' range. */
  readonly scale?: RatingScale;
}

/**
 * What is known of an entity a baseline was not fitted on (a fold-in): the 0-based indices of the other side's
 * entities it rated, and the ratings, in the same order.
 */
export interface FoldInProfile {
  readonly others: Int32Array;
  readonly ratings: ArrayLike<number>;
}

/** Learned arrays of a baseline, by name (what a bundle stores besides the training ratings). */
export type BaselineArrays = Readonly<Record<string, Float64Array>>;

/**
 * A fitted baseline. Every algorithm shares this shape; {@link fitBaseline} makes one, {@link loadBaseline} reads a
 * saved one back.
 */
export interface BaselineModel {
  readonly algorithm: BaselineAlgorithm;
  readonly config: BaselineConfig;
  readonly nUsers: number;
  readonly nItems: number;
  /** The mean training rating μ (the fallback for a user and an item both without training ratings). */
  readonly globalMean: number;
  /** The scale predictions are clipped to. */
  readonly scale: { readonly min: number; readonly max: number };
  /** The ratings it was fitted on. */
  readonly train: Ratings;
  /** The learned parameters, for saving. */
  readonly arrays: BaselineArrays;
  /**
   * Predicted ratings of pairs given as 0-based indices, clipped to the scale. A user or an item without training
   * ratings (an index outside the model included) gets Surprise's fallback: its bias and factor terms are dropped.
   * @throws InputError when the two arrays differ in length
   */
  predictIndices(users: Int32Array, items: Int32Array): Float32Array;
  /** RMSE and MAE on ratings given as 0-based indices. @throws InputError for no ratings */
  evaluate(ratings: Ratings): { rmse: number; mae: number; count: number };
  /**
   * Predicted ratings of a new `kind` entity, placed by its `profile` without refitting, paired with each of
   * `partners` (0-based indices of the other side), clipped. Its own parameters are fitted as the algorithm fits an
   * entity's, every learned parameter of the model held fixed: its bias by one step of the baselines' alternating
   * least squares; its SVD / SVD++ factor and bias by the algorithm's SGD epochs over its ratings (from zero); its
   * KNNBaseline neighbourhood from its ratings (and, on the similarity side, its similarities computed from them).
   * Ratings of entities the model has no training rating of are ignored; with none left, and for a partner without
   * training ratings, the algorithm's fallback applies, as in {@link BaselineModel.predictIndices}.
   * @throws InputError when the profile's two arrays differ in length or an index is outside the model
   */
  predictFoldIn(kind: 'user' | 'item', profile: FoldInProfile, partners: Int32Array): Float32Array;
}

/** How a fold-in is scored against a partner (whether the model knows it): the unclipped estimate. */
type FoldInEstimator = (partner: number, known: boolean) => number;

/** The shared part: clipping, fallbacks, batch prediction and metrics over one `estimate`. */
abstract class Base implements BaselineModel {
  readonly nUsers: number;
  readonly nItems: number;
  readonly globalMean: number;
  readonly scale: TrainSet['scale'];
  abstract readonly arrays: BaselineArrays;

  constructor(
    readonly config: BaselineConfig,
    protected readonly ts: TrainSet,
    readonly train: Ratings,
  ) {
    this.nUsers = ts.nUsers;
    this.nItems = ts.nItems;
    this.globalMean = ts.globalMean;
    this.scale = ts.scale;
  }

  get algorithm(): BaselineAlgorithm {
    return this.config.algorithm;
  }

  /** The unclipped estimate (Surprise's `estimate`); `ku` / `ki`: the user / item has training ratings. */
  protected abstract estimate(u: number, i: number, ku: boolean, ki: boolean): number;

  /**
   * In which order to estimate the pairs of a batch (a permutation of their positions), or undefined for their
   * own order. Each estimate is independent of the others, so this changes speed only.
   */
  protected visitOrder(_users: Int32Array, _items: Int32Array): Int32Array | undefined {
    return undefined;
  }

  predictIndices(users: Int32Array, items: Int32Array): Float32Array {
    if (users.length !== items.length) throw new InputError(`${users.length} users for ${items.length} items`);
    const out = new Float32Array(users.length);
    const order = this.visitOrder(users, items);
    for (let j = 0; j < users.length; j++) {
      const k = order ? order[j] : j;
      const u = users[k];
      const i = items[k];
      out[k] = clip(this.estimate(u, i, knows(this.ts.byUser, u), knows(this.ts.byItem, i)), this.scale);
    }
    return out;
  }

  evaluate(ratings: Ratings): { rmse: number; mae: number; count: number } {
    if (ratings.rating.length === 0) throw new InputError('no ratings to evaluate on');
    return { ...errorMetrics(this.predictIndices(ratings.user, ratings.item), ratings.rating), count: ratings.rating.length };
  }

  predictFoldIn(kind: 'user' | 'item', profile: FoldInProfile, partners: Int32Array): Float32Array {
    const { others, ratings } = profile;
    if (others.length !== ratings.length) throw new InputError(`fold-in profile: ${others.length} indices for ${ratings.length} ratings`);
    // the entities it rated and the partners are both of the other side
    const [otherSide, nOthers] = kind === 'user' ? [this.ts.byItem, this.nItems] : [this.ts.byUser, this.nUsers];
    const keep: number[] = [];
    for (let k = 0; k < others.length; k++) {
      const j = others[k];
      if (!Number.isInteger(j) || j < 0 || j >= nOthers) throw new InputError(`fold-in profile: index ${j} is outside the model's ${nOthers}`);
      if (!Number.isFinite(ratings[k])) throw new InputError(`fold-in profile: rating ${k + 1} is ${ratings[k]}, not a number`);
      if (knows(otherSide, j)) keep.push(k);
    }
    const known: FoldInProfile = { others: Int32Array.from(keep, (k) => others[k]), ratings: Float64Array.from(keep, (k) => ratings[k]) };
    const est = keep.length > 0 ? this.foldInEstimator(kind, known) : undefined;
    const out = new Float32Array(partners.length);
    for (let k = 0; k < partners.length; k++) {
      const p = partners[k];
      if (!Number.isInteger(p) || p < 0 || p >= nOthers) throw new InputError(`fold-in partner index ${p} is outside the model's ${nOthers}`);
      const kp = knows(otherSide, p);
      const v = est ? est(p, kp) : kind === 'user' ? this.estimate(-1, p, false, kp) : this.estimate(p, -1, kp, false);
      out[k] = clip(v, this.scale);
    }
    return out;
  }

  /** The estimator of a fold-in with at least one rating, every one of a known entity. */
  protected abstract foldInEstimator(kind: 'user' | 'item', profile: FoldInProfile): FoldInEstimator;

  /** A new entity's bias by {@link alsBiasStep}, with the regularisation of its side. */
  protected foldInBias(kind: 'user' | 'item', profile: FoldInProfile, theirs: Float64Array, als: { readonly regU: number; readonly regI: number }): number {
    return alsBiasStep(this.globalMean, theirs, profile.others, profile.ratings, kind === 'user' ? als.regU : als.regI);
  }
}

/** μ for every pair (Surprise has no such class; it is `BaselineOnly` with every bias 0). */
class GlobalMean extends Base {
  readonly arrays = {};
  protected estimate(): number {
    return this.globalMean;
  }
  protected foldInEstimator(): FoldInEstimator {
    return () => this.globalMean;
  }
}

/** μ + b_u + b_i, a bias dropped when its user or item has no training ratings (Surprise's `BaselineOnly`). */
class BaselineOnly extends Base {
  constructor(config: BaselineConfig, ts: TrainSet, train: Ratings, readonly arrays: { bu: Float64Array; bi: Float64Array }) {
    super(config, ts, train);
  }
  protected estimate(u: number, i: number, ku: boolean, ki: boolean): number {
    return this.globalMean + (ku ? this.arrays.bu[u] : 0) + (ki ? this.arrays.bi[i] : 0);
  }
  protected foldInEstimator(kind: 'user' | 'item', profile: FoldInProfile): FoldInEstimator {
    const theirs = kind === 'user' ? this.arrays.bi : this.arrays.bu;
    const b = this.globalMean + this.foldInBias(kind, profile, theirs, (this.config as Extract<BaselineConfig, { algorithm: 'baseline-only' }>).baseline);
    return (p, kp) => b + (kp ? theirs[p] : 0);
  }
}

/** Row-major n × f draws from N(mean, std), in Surprise's order (row by row). */
function normalMatrix(rng: Rng, n: number, f: number, mean: number, std: number): Float64Array {
  const m = new Float64Array(n * f);
  for (let k = 0; k < m.length; k++) m[k] = mean + std * rng.nextNormal();
  return m;
}

type MfConfig = Extract<BaselineConfig, { algorithm: 'svd' | 'svdpp' }>;

/**
 * Surprise's `SVD` (biased): r̂ = μ + b_u + b_i + q_iᵀp_u, fitted by SGD over the ratings user by user, biases then
 * factors updated from the same error. An unknown user or item drops its bias, and the dot product.
 */
class Svd extends Base {
  constructor(config: MfConfig, ts: TrainSet, train: Ratings, readonly arrays: { bu: Float64Array; bi: Float64Array; pu: Float64Array; qi: Float64Array }) {
    super(config, ts, train);
  }

  static fit(c: MfConfig, ts: TrainSet, train: Ratings): Svd {
    const F = c.factors;
    const rng = createRng(c.seed);
    const pu = normalMatrix(rng, ts.nUsers, F, c.initMean, c.initStd);
    const qi = normalMatrix(rng, ts.nItems, F, c.initMean, c.initStd);
    const bu = new Float64Array(ts.nUsers);
    const bi = new Float64Array(ts.nItems);
    const { ptr, other, rating, order } = ts.byUser;
    const mu = ts.globalMean;
    const { lr, reg } = c;
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      for (const u of order) {
        const uo = u * F;
        for (let p = ptr[u]; p < ptr[u + 1]; p++) {
          const i = other[p];
          const io = i * F;
          let dot = 0;
          for (let f = 0; f < F; f++) dot += qi[io + f] * pu[uo + f];
          const err = rating[p] - (mu + bu[u] + bi[i] + dot);
          bu[u] += lr * (err - reg * bu[u]);
          bi[i] += lr * (err - reg * bi[i]);
          for (let f = 0; f < F; f++) {
            const puf = pu[uo + f];
            const qif = qi[io + f];
            pu[uo + f] += lr * (err * qif - reg * puf);
            qi[io + f] += lr * (err * puf - reg * qif);
          }
        }
      }
    }
    return new Svd(c, ts, train, { bu, bi, pu, qi });
  }

  protected estimate(u: number, i: number, ku: boolean, ki: boolean): number {
    const { bu, bi, pu, qi } = this.arrays;
    let est = this.globalMean + (ku ? bu[u] : 0) + (ki ? bi[i] : 0);
    if (ku && ki) {
      const F = (this.config as MfConfig).factors;
      for (let f = 0; f < F; f++) est += qi[i * F + f] * pu[u * F + f];
    }
    return est;
  }
  protected foldInEstimator(kind: 'user' | 'item', profile: FoldInProfile): FoldInEstimator {
    const { bu, bi, pu, qi } = this.arrays;
    const [theirB, theirF] = kind === 'user' ? [bi, qi] : [bu, pu];
    const { b, f } = sgdFoldIn(this.config as MfConfig, this.globalMean, profile, theirB, theirF);
    return (p, kp) => this.globalMean + b + (kp ? theirB[p] + dotAt(f, theirF, p) : 0);
  }
}

/** f · rows[p] for row-major rows as wide as f. */
function dotAt(f: Float64Array, rows: Float64Array, p: number): number {
  const F = f.length;
  let s = 0;
  for (let c = 0; c < F; c++) s += f[c] * rows[p * F + c];
  return s;
}

/**
 * A new entity's bias and factor by the SGD of SVD over its own ratings, the other side's biases and factors
 * (`theirF`, row-major; `implicit` added to each of its rows when given, SVD++'s z) held fixed: the config's epochs,
 * learning rate and regularisation, from zero. `shift`, when given, is added to the new factor in every estimate
 * (SVD++'s implicit sum of a new user) and left out of the returned `f`.
 */
function sgdFoldIn(c: MfConfig, mu: number, profile: FoldInProfile, theirB: Float64Array, theirF: Float64Array, shift?: Float64Array): { b: number; f: Float64Array } {
  const F = c.factors;
  const f = new Float64Array(F);
  let b = 0;
  const { lr, reg } = c;
  for (let epoch = 0; epoch < c.epochs; epoch++) {
    for (let k = 0; k < profile.others.length; k++) {
      const j = profile.others[k];
      const o = j * F;
      let dot = 0;
      for (let x = 0; x < F; x++) dot += theirF[o + x] * (f[x] + (shift ? shift[x] : 0));
      const err = profile.ratings[k] - (mu + b + theirB[j] + dot);
      b += lr * (err - reg * b);
      for (let x = 0; x < F; x++) f[x] += lr * (err * theirF[o + x] - reg * f[x]);
    }
  }
  return { b, f };
}

/**
 * Surprise's `SVDpp`: r̂ = μ + b_u + b_i + q_iᵀ(p_u + |I_u|^-½ Σ_{j∈I_u} y_j), by SGD user by user: before each
 * rating the implicit sum, after it every y_j of the user updated, as Surprise does (the y_j updates are deferred to
 * the end of the user's turn, see fit).
 */
class SvdPP extends Base {
  /** p_u + |I_u|^-½ Σ y_j for each user, computed once for prediction (zeros for users without ratings). */
  private readonly z: Float64Array;

  constructor(
    config: MfConfig,
    ts: TrainSet,
    train: Ratings,
    readonly arrays: { bu: Float64Array; bi: Float64Array; pu: Float64Array; qi: Float64Array; yj: Float64Array },
  ) {
    super(config, ts, train);
    const F = config.factors;
    const { ptr, other } = ts.byUser;
    const { pu, yj } = arrays;
    this.z = new Float64Array(ts.nUsers * F);
    const sum = new Float64Array(F);
    for (const u of ts.byUser.order) {
      sum.fill(0);
      for (let p = ptr[u]; p < ptr[u + 1]; p++) for (let f = 0; f < F; f++) sum[f] += yj[other[p] * F + f];
      const s = Math.sqrt(ptr[u + 1] - ptr[u]);
      for (let f = 0; f < F; f++) this.z[u * F + f] = pu[u * F + f] + sum[f] / s;
    }
  }

  static fit(c: MfConfig, ts: TrainSet, train: Ratings): SvdPP {
    const F = c.factors;
    const rng = createRng(c.seed);
    const pu = normalMatrix(rng, ts.nUsers, F, c.initMean, c.initStd);
    const qi = normalMatrix(rng, ts.nItems, F, c.initMean, c.initStd);
    const yj = normalMatrix(rng, ts.nItems, F, c.initMean, c.initStd);
    const bu = new Float64Array(ts.nUsers);
    const bi = new Float64Array(ts.nItems);
    const impl = new Float64Array(F);
    const sum = new Float64Array(F);
    const shift = new Float64Array(F);
    const { ptr, other, rating, order } = ts.byUser;
    const mu = ts.globalMean;
    const { lr, reg } = c;
    const decay = 1 - lr * reg;
    for (let epoch = 0; epoch < c.epochs; epoch++) {
      for (const u of order) {
        const uo = u * F;
        const from = ptr[u];
        const to = ptr[u + 1];
        const n = to - from;
        const sqrtIu = Math.sqrt(n);
        // Surprise recomputes Σ_{j∈I_u} y_j before each of u's ratings and then updates every y_j of u by the same
        // map y ← (1 − lr·reg)·y + lr·step. Only u's ratings touch those y_j during u's turn, so the sum can follow
        // the map and the map be applied once at the end of the turn: y_j = scale·y_j + shift. Same algorithm, same
        // order, O(|I_u|) instead of O(|I_u|²) factor updates per user and epoch (only rounding differs).
        sum.fill(0);
        for (let q = from; q < to; q++) {
          const jo = other[q] * F;
          for (let f = 0; f < F; f++) sum[f] += yj[jo + f];
        }
        let scale = 1;
        shift.fill(0);
        for (let p = from; p < to; p++) {
          const i = other[p];
          const io = i * F;
          for (let f = 0; f < F; f++) impl[f] = sum[f] / sqrtIu;
          let dot = 0;
          for (let f = 0; f < F; f++) dot += qi[io + f] * (pu[uo + f] + impl[f]);
          const err = rating[p] - (mu + bu[u] + bi[i] + dot);
          bu[u] += lr * (err - reg * bu[u]);
          bi[i] += lr * (err - reg * bi[i]);
          scale *= decay;
          for (let f = 0; f < F; f++) {
            const puf = pu[uo + f];
            const qif = qi[io + f];
            pu[uo + f] += lr * (err * qif - reg * puf);
            qi[io + f] += lr * (err * (puf + impl[f]) - reg * qif);
            const step = lr * ((err * qif) / sqrtIu); // Surprise's lr · err_qif_sqrt, from q_i before its update
            shift[f] = decay * shift[f] + step;
            sum[f] = decay * sum[f] + n * step;
          }
        }
        for (let q = from; q < to; q++) {
          const jo = other[q] * F;
          for (let f = 0; f < F; f++) yj[jo + f] = scale * yj[jo + f] + shift[f];
        }
      }
    }
    return new SvdPP(c, ts, train, { bu, bi, pu, qi, yj });
  }

  protected estimate(u: number, i: number, ku: boolean, ki: boolean): number {
    const { bu, bi, qi } = this.arrays;
    let est = this.globalMean + (ku ? bu[u] : 0) + (ki ? bi[i] : 0);
    if (ku && ki) {
      const F = (this.config as MfConfig).factors;
      for (let f = 0; f < F; f++) est += qi[i * F + f] * this.z[u * F + f];
    }
    return est;
  }
  protected foldInEstimator(kind: 'user' | 'item', profile: FoldInProfile): FoldInEstimator {
    const c = this.config as MfConfig;
    const { bu, bi, qi, yj } = this.arrays;
    if (kind === 'item') {
      // a new item meets each rater's fixed z = p_u + |I_u|^-½ Σ y_j; its own y_j would only move its raters' sums
      const { b, f } = sgdFoldIn(c, this.globalMean, profile, bu, this.z);
      return (u, ku) => this.globalMean + b + (ku ? bu[u] + dotAt(f, this.z, u) : 0);
    }
    const F = c.factors;
    const implicit = new Float64Array(F);
    for (const j of profile.others) for (let x = 0; x < F; x++) implicit[x] += yj[j * F + x];
    const s = Math.sqrt(profile.others.length);
    for (let x = 0; x < F; x++) implicit[x] /= s;
    const { b, f } = sgdFoldIn(c, this.globalMean, profile, bi, qi, implicit);
    for (let x = 0; x < F; x++) f[x] += implicit[x];
    return (i, ki) => this.globalMean + b + (ki ? bi[i] + dotAt(f, qi, i) : 0);
  }
}

type KnnConfig = Extract<BaselineConfig, { algorithm: 'knn-baseline' }>;

/**
 * Up to this many entities (items when item-based) KNNBaseline builds Surprise's dense similarity matrix; above it,
 * lists of each entity's positive similarities ({@link neighbourLists}). The two predict the same. The matrix visits
 * each pair once and the lists twice (once from each row), so where n is small and rows nearly full the matrix is as
 * fast or faster, and it is Surprise's own layout. Past a couple of thousand entities the lists win: their O(n)
 * scratch stays in cache while the matrix is read and written at random, and its memory grows as n² (28 bytes an
 * entry while building) where theirs grows with the positive pairs.
 */
export const DENSE_SIMILARITY_MAX_ENTITIES = 2_000;

/**
 * How KNNBaseline holds its similarities: `auto` by {@link DENSE_SIMILARITY_MAX_ENTITIES}, or forced (`dense` still
 * refuses the sizes {@link similarityMatrix} refuses, before computing any similarity).
 */
export type SimilarityLayout = 'auto' | 'dense' | 'sparse';

/**
 * Surprise's `KNNBaseline`: r̂ = b_ui + Σ_{j∈N^k} sim(i, j)(r_uj − b_uj) / Σ sim(i, j) over the k most similar
 * items the user rated (item-based; users who rated the item when user-based), only positive similarities counted,
 * the baseline alone below `minK` of them. Baselines by ALS. The similarities are rebuilt from the training ratings
 * and baselines (they are a pure function of them), so a bundle need not store them.
 */
class KnnBaseline extends Base {
  /** The dense matrix (small n), or else the positive similarities of each entity. */
  private readonly dense: Float64Array | undefined;
  private readonly lists: NeighbourLists | undefined;
  /** Whose neighbours: rows of the similarity matrix (items when item-based). */
  private readonly n: number;
  /** Scratch space of a prediction: the candidates' similarities, and sorted. */
  private readonly buffer: Float64Array;
  private readonly sorted: Float64Array;
  /** Scratch space of a prediction: the candidates' residuals r − b. */
  private readonly resid: Float64Array;
  /** The similarity's options but the two sides' baselines. */
  private readonly similarityOptions: Omit<SimilarityOptions, 'bx' | 'by'>;
  /** Scratch row of a prediction with the lists: entity `scattered`'s similarities by index (−1: none), else 0. */
  private readonly row: Float64Array;
  private scattered = -1;

  constructor(config: KnnConfig, ts: TrainSet, train: Ratings, readonly arrays: { bu: Float64Array; bi: Float64Array }, layout: SimilarityLayout = 'auto') {
    super(config, ts, train);
    const c = config;
    const { bu, bi } = arrays;
    this.n = c.userBased ? ts.nUsers : ts.nItems;
    const yr = c.userBased ? ts.byItem : ts.byUser;
    let longest = 0;
    for (let y = 0; y < yr.ptr.length - 1; y++) longest = Math.max(longest, yr.ptr[y + 1] - yr.ptr[y]);
    this.buffer = new Float64Array(longest);
    this.sorted = new Float64Array(longest);
    this.resid = new Float64Array(longest);
    this.similarityOptions = { similarity: c.similarity, minSupport: c.minSupport, shrinkage: c.shrinkage, globalMean: ts.globalMean };
    const options: SimilarityOptions = { ...this.similarityOptions, bx: c.userBased ? bu : bi, by: c.userBased ? bi : bu };
    const sparse = layout === 'sparse' || (layout === 'auto' && this.n > DENSE_SIMILARITY_MAX_ENTITIES);
    this.dense = sparse ? undefined : similarityMatrix(yr, this.n, options);
    this.lists = sparse ? neighbourLists(yr, this.n, options) : undefined;
    this.row = new Float64Array(sparse ? this.n : 0);
  }

  static fit(c: KnnConfig, ts: TrainSet, train: Ratings, layout?: SimilarityLayout): KnnBaseline {
    return new KnnBaseline(c, ts, train, baselineAls(ts, c.baseline), layout);
  }

  /** The similarities of x to the candidates `yr.other[from..from+len)`, into `this.buffer`. */
  private candidateSimilarities(x: number, yr: Grouped, from: number, len: number): Float64Array {
    const sims = this.buffer.subarray(0, len);
    if (this.dense) {
      const row = x * this.n;
      for (let p = 0; p < len; p++) sims[p] = this.dense[row + yr.other[from + p]];
      return sims;
    }
    const row = this.row;
    if (this.scattered !== x) {
      const { ptr, idx, sim } = this.lists as NeighbourLists;
      const old = this.scattered;
      if (old >= 0) {
        for (let q = ptr[old]; q < ptr[old + 1]; q++) row[idx[q]] = 0;
        row[old] = 0;
      }
      for (let q = ptr[x]; q < ptr[x + 1]; q++) row[idx[q]] = sim[q];
      // the matrix's diagonal: x is its own candidate when the pair is a training rating
      row[x] = 1;
      this.scattered = x;
    }
    for (let p = 0; p < len; p++) sims[p] = row[yr.other[from + p]];
    return sims;
  }

  /** With the lists, the pairs grouped by x (stably), so that each x's row is scattered once per batch. */
  protected override visitOrder(users: Int32Array, items: Int32Array): Int32Array | undefined {
    if (!this.lists) return undefined;
    const xs = (this.config as KnnConfig).userBased ? users : items;
    return Int32Array.from(xs.keys()).sort((a, b) => xs[a] - xs[b] || a - b);
  }

  protected estimate(u: number, i: number, ku: boolean, ki: boolean): number {
    const c = this.config as KnnConfig;
    const { bu, bi } = this.arrays;
    const mu = this.globalMean;
    const est = mu + (ku ? bu[u] : 0) + (ki ? bi[i] : 0);
    if (!(ku && ki)) return est;
    // x: whose similarities; y: the other side, whose ratings list the candidate neighbours
    const [x, y, yr, bx, by]: [number, number, Grouped, Float64Array, Float64Array] = c.userBased ? [u, i, this.ts.byItem, bu, bi] : [i, u, this.ts.byUser, bi, bu];
    const from = yr.ptr[y];
    const len = yr.ptr[y + 1] - from;
    const sims = this.candidateSimilarities(x, yr, from, len);
    const resid = this.resid.subarray(0, len);
    for (let p = 0; p < len; p++) resid[p] = yr.rating[from + p] - (mu + bx[yr.other[from + p]] + by[y]);
    return est + neighbourhood(sims, resid, c, this.sorted);
  }

  protected foldInEstimator(kind: 'user' | 'item', profile: FoldInProfile): FoldInEstimator {
    const c = this.config as KnnConfig;
    const { bu, bi } = this.arrays;
    const mu = this.globalMean;
    const theirs = kind === 'user' ? bi : bu;
    const bNew = this.foldInBias(kind, profile, theirs, c.baseline);
    const len = profile.others.length;
    const onX = (kind === 'user') === c.userBased;
    if (!onX) {
      // the new entity is on the y side: its own ratings are the candidates, their similarities to the partner x
      // are the model's
      const sorted = new Float64Array(len);
      const resid = new Float64Array(len);
      for (let p = 0; p < len; p++) resid[p] = profile.ratings[p] - (mu + theirs[profile.others[p]] + bNew);
      const sims = new Float64Array(len);
      // each candidate's position, built once: with the lists, a partner's neighbours are looked up in it
      const at = new Map(Array.from(profile.others, (x, p) => [x, p]));
      return (x, kx) => {
        const est = mu + bNew + (kx ? theirs[x] : 0);
        if (!kx) return est;
        this.similaritiesTo(x, profile.others, sims, at);
        return est + neighbourhood(sims, resid, c, sorted);
      };
    }
    // the new entity is on the x side: its similarities to every x from its ratings, the partner's ratings the
    // candidates
    const yr = c.userBased ? this.ts.byItem : this.ts.byUser;
    const [bx, by] = c.userBased ? [bu, bi] : [bi, bu];
    const row = foldInSimilarities(yr, this.n, { ...this.similarityOptions, bx, by }, profile.others, profile.ratings, bNew);
    return (y, ky) => {
      const est = mu + bNew + (ky ? by[y] : 0);
      if (!ky) return est;
      const from = yr.ptr[y];
      const n = yr.ptr[y + 1] - from;
      // the partner's ratings are one of the lists the prediction scratch space was sized for
      const sims = this.buffer.subarray(0, n);
      const resid = this.resid.subarray(0, n);
      for (let p = 0; p < n; p++) {
        const x = yr.other[from + p];
        sims[p] = row[x];
        resid[p] = yr.rating[from + p] - (mu + bx[x] + by[y]);
      }
      return est + neighbourhood(sims, resid, c, this.sorted);
    };
  }

  /** The model's similarities of x to each of `xs`, into `out`; with the lists, `at` maps each of `xs` to its position. */
  private similaritiesTo(x: number, xs: Int32Array, out: Float64Array, at: ReadonlyMap<number, number>): void {
    if (this.dense) {
      for (let p = 0; p < xs.length; p++) out[p] = this.dense[x * this.n + xs[p]];
      return;
    }
    const { ptr, idx, sim } = this.lists as NeighbourLists;
    out.fill(0);
    for (let q = ptr[x]; q < ptr[x + 1]; q++) {
      const p = at.get(idx[q]);
      if (p !== undefined) out[p] = sim[q];
    }
    const self = at.get(x);
    if (self !== undefined) out[self] = 1;
  }
}

/**
 * KNNBaseline's correction Σ sim·resid / Σ sim over the k most similar candidates with a positive similarity (0
 * below `minK` of them, or with none): heapq.nlargest(k) by similarity, ties to the earlier in the list (Python's
 * sort is stable). The k-th largest similarity is the threshold, above it all are in, at it the first ones up to k.
 * The sum then runs in list order rather than by similarity (only rounding differs). With the lists, a candidate that
 * is not a neighbour reads 0 where the matrix holds a similarity ≤ 0: the top k can then differ only in candidates
 * ≤ 0, which are never counted, and ties among positive ones fall to the same list order, so the prediction is the
 * matrix's to the bit. `sorted` is scratch space at least as long as `sims`.
 */
function neighbourhood(sims: Float64Array, resid: Float64Array, c: KnnConfig, sorted: Float64Array): number {
  const len = sims.length;
  let threshold = Number.NEGATIVE_INFINITY;
  let tiesIn = len;
  if (len > c.k) {
    const s = sorted.subarray(0, len);
    s.set(sims);
    s.sort();
    threshold = s[len - c.k];
    let above = 0;
    for (let p = len - c.k + 1; p < len; p++) if (s[p] > threshold) above++;
    tiesIn = c.k - above;
  }
  let sumSim = 0;
  let sumRatings = 0;
  let actualK = 0;
  for (let p = 0; p < len; p++) {
    const s = sims[p];
    if (s < threshold || (s === threshold && tiesIn-- <= 0)) continue;
    if (s > 0) {
      sumSim += s;
      sumRatings += s * resid[p];
      actualK++;
    }
  }
  if (actualK < c.minK) sumRatings = 0;
  return sumSim === 0 ? 0 : sumRatings / sumSim;
}

/** Builds the model of `config` from a train set and learned arrays (a saved bundle's). Not in the public entries: the stack and the baseline bundles use it. */
export function restoreBaseline(config: BaselineConfig, ts: TrainSet, train: Ratings, arrays: BaselineArrays): BaselineModel {
  const need = (name: string, length: number): Float64Array => {
    const a = arrays[name];
    if (!a) throw new InputError(`${config.algorithm}: the parameters lack ${name}`);
    if (a.length !== length) throw new InputError(`${config.algorithm}: ${name} holds ${a.length} values, expected ${length}`);
    return a;
  };
  const biases = () => ({ bu: need('bu', ts.nUsers), bi: need('bi', ts.nItems) });
  switch (config.algorithm) {
    case 'global-mean':
      return new GlobalMean(config, ts, train);
    case 'baseline-only':
      return new BaselineOnly(config, ts, train, biases());
    case 'svd':
      return new Svd(config, ts, train, { ...biases(), pu: need('pu', ts.nUsers * config.factors), qi: need('qi', ts.nItems * config.factors) });
    case 'svdpp':
      return new SvdPP(config, ts, train, {
        ...biases(),
        pu: need('pu', ts.nUsers * config.factors),
        qi: need('qi', ts.nItems * config.factors),
        yj: need('yj', ts.nItems * config.factors),
      });
    case 'knn-baseline':
      return new KnnBaseline(config, ts, train, biases());
  }
}

/** How {@link fitBaseline} computes, not what: the fitted model predicts the same either way. */
export interface FitBaselineOptions {
  /** KNNBaseline's similarity layout; default `auto` (see {@link DENSE_SIMILARITY_MAX_ENTITIES}). */
  readonly similarityLayout?: SimilarityLayout;
}

/**
 * Fits a baseline on training ratings. Deterministic: the same data (in the same order), configuration and seed
 * give bit-identical parameters. Users and items come in Surprise's order (first appearance in `data.train`), so
 * the order of the training list matters as it does in Surprise.
 * @throws InputError for a bad configuration, no training ratings, or an index outside nUsers × nItems
 */
export function fitBaseline(data: BaselineData, config: BaselineConfigInput, options: FitBaselineOptions = {}): BaselineModel {
  const c = resolveBaselineConfig(config);
  const ts = buildTrainSet(data.train, data.nUsers, data.nItems, data.scale);
  switch (c.algorithm) {
    case 'global-mean':
      return new GlobalMean(c, ts, data.train);
    case 'baseline-only':
      return new BaselineOnly(c, ts, data.train, baselineAls(ts, c.baseline));
    case 'svd':
      return Svd.fit(c, ts, data.train);
    case 'svdpp':
      return SvdPP.fit(c, ts, data.train);
    case 'knn-baseline':
      return KnnBaseline.fit(c, ts, data.train, options.similarityLayout);
  }
}
