/**
 * A Bayesian factorization machine (Rendle, "Factorization Machines with libFM", 2012) over relational blocks: Gibbs
 * sampling of every parameter and hyper-parameter (gibbs.ts), predictions averaged over the kept samples. Its shape is
 * the baselines' (`predictIndices`, `predictFoldIn`, `arrays`), so the stack takes it as a member.
 */
import { errorMetrics } from '../core/error-metrics.js';
import { InputError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import type { FeatureMatrix, Ratings } from '../core/types.js';
import { type BfmConfig, type BfmConfigInput, resolveBfmConfig } from './bfm-config.js';
import { type BfmData, type BfmLayout, buildLayout, rowEntities, UNKNOWN_DAY } from './blocks.js';
import { blockOffsets, type EntityTerms, entityTerms, type FmBackend, type FmSample, GibbsSampler, normalCdf, sampleNormal, truncatedNormal } from './gibbs.js';

/** Progress of a fit: iterations done of all. */
export type BfmProgress = (done: number, total: number) => void;

/** How {@link fitBfm} computes, not what: the same samples either way. */
export interface FitBfmOptions {
  /** Called after each sampling iteration. */
  readonly onProgress?: BfmProgress;
  /** The sampler's kernels: WebAssembly (the default where the runtime has it) or the TypeScript oracle. */
  readonly backend?: FmBackend;
  /**
   * Continue the chain of another fit on the same entities and configuration (its last sample, e.g. a fit on fewer
   * ratings) instead of starting from the prior: fewer iterations then reach its posterior.
   * @throws Error when the sample's shape differs
   */
  readonly start?: FmSample;
}

/** What is known of a fold-in: the other side's entities it rated (0-based) and the ratings, in the same order. */
export interface BfmFoldInProfile {
  readonly others: Int32Array;
  readonly ratings: ArrayLike<number>;
}

/** The most grades the ordinal output takes (a rating grid finer than this is a regression problem). */
export const MAX_ORDINAL_GRADES = 20;

/** Index of the day block among the blocks (after the user's and the item's). */
const DAY_BLOCK = 2;

/** Conditional Gibbs sweeps of a fold-in's own parameters per kept sample. */
const FOLD_IN_SWEEPS = 8;

/** Φ on a grid of step 1/512 over [−8, 8], for {@link tabulatedCdf}. */
const CDF_STEP = 1 / 512;
const CDF_TABLE = Float64Array.from({ length: 16 * 512 + 1 }, (_, j) => normalCdf(-8 + j * CDF_STEP));

/**
 * Φ(x) interpolated linearly on {@link CDF_TABLE} (error below 2e-7, the table's own): the ordinal output evaluates it
 * for every grade, kept sample and predicted pair, where an exp per call is most of the cost.
 */
function tabulatedCdf(x: number): number {
  if (x <= -8) return 0;
  if (x >= 8) return 1;
  const t = (x + 8) / CDF_STEP;
  const j = Math.floor(t);
  const lo = CDF_TABLE[j];
  return lo + (CDF_TABLE[j + 1] - lo) * (t - j);
}

/** The distinct ratings of the training set, ascending: the ordinal output's grades. */
function gradesOf(r: Float32Array): Float64Array {
  return Float64Array.from(new Set(r)).sort();
}

/**
 * How many samples fit the configuration's `sampleMemory`: each holds a weight and `rank` factors per column, the
 * hyper-parameters, and (for prediction) a constant and `rank` terms per entity of every block, in doubles.
 */
export function samplesWithin(c: Pick<BfmConfig, 'rank' | 'sampleMemory'>, layout: BfmLayout): number {
  const { columns } = blockOffsets(layout.blocks);
  const entities = layout.blocks.reduce((n, b) => n + b.entities + 1, 0);
  const bytes = 8 * ((columns + entities) * (c.rank + 1) + layout.groupNames.length * 2 * (c.rank + 1));
  return Math.max(1, Math.floor(c.sampleMemory / bytes));
}

/**
 * Iterations whose samples are kept: `samples` (at most `most`) evenly spaced over those after the burn-in, the last
 * one included.
 */
export function keptIterations(c: Pick<BfmConfig, 'iterations' | 'burnIn' | 'samples'>, most = c.samples): Set<number> {
  const span = c.iterations - c.burnIn;
  const n = Math.min(c.samples, span, most);
  const kept = new Set<number>();
  for (let j = 0; j < n; j++) kept.add(c.iterations - 1 - Math.floor((j * span) / n));
  return kept;
}

function copySample(s: FmSample): FmSample {
  return {
    w0: s.w0,
    w: s.w.slice(),
    v: s.v.slice(),
    alpha: s.alpha,
    muW: s.muW.slice(),
    lamW: s.lamW.slice(),
    muV: s.muV.slice(),
    lamV: s.lamV.slice(),
    cuts: s.cuts.slice(),
  };
}

/** A fitted Bayesian FM. {@link fitBfm} makes one; {@link restoreBfm} rebuilds a saved one. */
export class BayesianFM {
  readonly algorithm = 'bfm';
  readonly config: BfmConfig;
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Ratings;
  /** The feature tables it was fitted with (a saved model rebuilds its blocks from them). */
  readonly userFeatures?: FeatureMatrix;
  readonly itemFeatures?: FeatureMatrix;
  readonly globalMean: number;
  readonly scale: { readonly min: number; readonly max: number };
  readonly layout: BfmLayout;
  /** The kept samples, oldest first. */
  readonly samples: readonly FmSample[];
  /** The ordinal output's grades (the rating of each grade); empty for regression. */
  readonly grades: Float64Array;
  private readonly columns: number;
  private readonly offsets: Int32Array;
  private terms?: EntityTerms[];

  constructor(config: BfmConfig, data: BfmData, layout: BfmLayout, samples: readonly FmSample[], grades: Float64Array) {
    this.config = config;
    this.nUsers = data.nUsers;
    this.nItems = data.nItems;
    this.train = data.train;
    if (data.userFeatures) this.userFeatures = data.userFeatures;
    if (data.itemFeatures) this.itemFeatures = data.itemFeatures;
    this.layout = layout;
    this.samples = samples;
    this.grades = grades;
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const r of data.train.rating) {
      sum += r;
      if (r < min) min = r;
      if (r > max) max = r;
    }
    this.globalMean = sum / Math.max(1, data.train.rating.length);
    this.scale = data.scale ? { min: data.scale.min, max: data.scale.max } : { min, max };
    const { offsets, columns } = blockOffsets(layout.blocks);
    this.offsets = offsets;
    this.columns = columns;
  }

  /** The parameters of every kept sample, by name (what a bundle stores). */
  get arrays(): Readonly<Record<string, Float64Array>> {
    const s = this.samples;
    const cat = (pick: (x: FmSample) => Float64Array): Float64Array => {
      const n = pick(s[0]).length;
      const out = new Float64Array(n * s.length);
      for (let i = 0; i < s.length; i++) out.set(pick(s[i]), i * n);
      return out;
    };
    return {
      w0: Float64Array.from(s, (x) => x.w0),
      alpha: Float64Array.from(s, (x) => x.alpha),
      w: cat((x) => x.w),
      v: cat((x) => x.v),
      muW: cat((x) => x.muW),
      lamW: cat((x) => x.lamW),
      muV: cat((x) => x.muV),
      lamV: cat((x) => x.lamV),
      cuts: cat((x) => x.cuts),
    };
  }

  /**
   * Each block's entity terms under every kept sample (computed once, on first use), entity-major so that a pair's
   * prediction reads contiguous memory: `constant[e·S + s]`, `q[(e·S + s)·k + f]` for S samples. The day block gets one
   * more entity, the typical day, whose terms make its score the average of the scores over the training days weighted
   * by their ratings (a day's score is linear in its weight and factors).
   */
  private entityTerms(): EntityTerms[] {
    if (this.terms) return this.terms;
    const k = this.config.rank;
    const S = this.samples.length;
    const weights = this.layout.dayRatings;
    this.terms = this.layout.blocks.map((b, i) => {
      const typical = i === DAY_BLOCK && weights !== undefined;
      const E = b.entities + (typical ? 1 : 0);
      const constant = new Float64Array(E * S);
      const q = new Float64Array(E * S * k);
      this.samples.forEach((sample, j) => {
        const t = entityTerms(b, this.offsets[i], this.columns, sample.w, sample.v, k);
        for (let e = 0; e < b.entities; e++) {
          constant[e * S + j] = t.constant[e];
          q.set(t.q.subarray(e * k, (e + 1) * k), (e * S + j) * k);
        }
        if (!typical) return;
        let total = 0;
        for (const x of weights) total += x;
        // the average of the scores: the day's own square ½q² moves from the squared sum into the constant
        const at = (b.entities * S + j) * k;
        let c = 0;
        for (let e = 0; e < b.entities; e++) {
          const p = weights[e] / total;
          let own = t.constant[e];
          for (let f = 0; f < k; f++) {
            const x = t.q[e * k + f];
            own += 0.5 * x * x;
            q[at + f] += p * x;
          }
          c += p * own;
        }
        for (let f = 0; f < k; f++) c -= 0.5 * q[at + f] ** 2;
        constant[b.entities * S + j] = c;
      });
      return { constant, q };
    });
    return this.terms;
  }

  /** {@link rowEntities} with an unknown day placed on the typical day. */
  private rowsOf(users: Int32Array, items: Int32Array, timestamps?: Int32Array): Int32Array[] {
    const rows = rowEntities(this.layout, users, items, timestamps);
    if (rows.length > DAY_BLOCK) {
      const typical = this.layout.blocks[DAY_BLOCK].entities;
      const d = rows[DAY_BLOCK];
      for (let j = 0; j < d.length; j++) if (d[j] === UNKNOWN_DAY) d[j] = typical;
    }
    return rows;
  }

  /**
   * The prediction from one sample's score: the score itself, or the ordinal output's expected rating,
   * Σ_g grade_g·(Φ(c_g − score) − Φ(c_{g−1} − score)) = top grade − Σ_g (grade_{g+1} − grade_g)·Φ(c_g − score).
   */
  private rating(score: number, cuts: Float64Array): number {
    const grades = this.grades;
    if (grades.length === 0) return score;
    let expected = grades[grades.length - 1];
    for (let g = 0; g < cuts.length; g++) expected -= (grades[g + 1] - grades[g]) * tabulatedCdf(cuts[g] - score);
    return expected;
  }

  /**
   * Predicted ratings of pairs (0-based indices; one outside the model adds nothing of its block), averaged over the
   * kept samples and clipped to the scale. `timestamps` place each pair on its day when the model has a day block;
   * without them, or on a day not seen in training, the pair is scored on the typical training day (the prediction
   * averaged over the days the training ratings were made).
   * @throws InputError when the arrays differ in length
   */
  predict(users: Int32Array, items: Int32Array, timestamps?: Int32Array): Float32Array {
    if (users.length !== items.length || (timestamps && timestamps.length !== users.length)) {
      throw new InputError(`bfm: ${users.length} users, ${items.length} items${timestamps ? ` and ${timestamps.length} timestamps` : ''} to pair`);
    }
    const rows = this.rowsOf(users, items, timestamps);
    const n = users.length;
    const terms = this.entityTerms();
    const k = this.config.rank;
    const S = this.samples.length;
    const w0 = Float64Array.from(this.samples, (x) => x.w0);
    // the user and item blocks, and the day's when there is one (a missing block: an empty one)
    const none = { constant: new Float64Array(S), q: new Float64Array(S * k) };
    const [c0, q0] = [terms[0].constant, terms[0].q];
    const [c1, q1] = [terms[1].constant, terms[1].q];
    const t2 = terms[DAY_BLOCK] ?? none;
    const [c2, q2] = [t2.constant, t2.q];
    const [r0, r1] = [rows[0], rows[1]];
    const r2 = rows[DAY_BLOCK];
    const ordinal = this.grades.length > 0;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      const e0 = r0[i];
      const e1 = r1[i];
      const e2 = r2 ? r2[i] : -1;
      let acc = 0;
      for (let s = 0; s < S; s++) {
        // an entity outside the model reads the empty block's zeros
        const a0 = e0 < 0 ? -1 : e0 * S + s;
        const a1 = e1 < 0 ? -1 : e1 * S + s;
        const a2 = e2 < 0 ? -1 : e2 * S + s;
        let score = w0[s] + (a0 < 0 ? 0 : c0[a0]) + (a1 < 0 ? 0 : c1[a1]) + (a2 < 0 ? 0 : c2[a2]);
        const b0 = a0 * k;
        const b1 = a1 * k;
        const b2 = a2 * k;
        for (let f = 0; f < k; f++) {
          const t = (a0 < 0 ? 0 : q0[b0 + f]) + (a1 < 0 ? 0 : q1[b1 + f]) + (a2 < 0 ? 0 : q2[b2 + f]);
          score += 0.5 * t * t;
        }
        acc += ordinal ? this.rating(score, this.samples[s].cuts) : score;
      }
      out[i] = Math.min(this.scale.max, Math.max(this.scale.min, acc / S));
    }
    return out;
  }

  /** {@link BayesianFM.predict} without timestamps: the shape the stack's members share. */
  predictIndices(users: Int32Array, items: Int32Array): Float32Array {
    return this.predict(users, items);
  }

  /** RMSE and MAE on ratings given as 0-based indices (with their timestamps). @throws InputError for no ratings */
  evaluate(ratings: Ratings): { rmse: number; mae: number; count: number } {
    if (ratings.rating.length === 0) throw new InputError('bfm: no ratings to evaluate');
    return { ...errorMetrics(this.predict(ratings.user, ratings.item, ratings.timestamp), ratings.rating), count: ratings.rating.length };
  }

  /**
   * Predicted ratings of a new `kind` entity placed by its ratings, paired with each of `partners`, clipped. Every
   * learned parameter is held at each kept sample's value; the new entity's block row is its implicit set (the
   * entities it rated, 1/√count) and an id column of its own, whose weight and factors are drawn by a few conditional
   * Gibbs sweeps over its ratings (prior: the sample's μ and λ of the id group), predictions averaged over the sweeps
   * and the samples. Seeded by the configuration's seed, so the same fold-in gets the same predictions. Ratings of
   * entities outside the model are ignored.
   * @throws InputError when the profile's arrays differ in length or an index is outside the model
   */
  predictFoldIn(kind: 'user' | 'item', profile: BfmFoldInProfile, partners: Int32Array): Float32Array {
    if (profile.others.length !== profile.ratings.length) throw new InputError(`bfm: a fold-in with ${profile.others.length} entities and ${profile.ratings.length} ratings`);
    const nOther = kind === 'user' ? this.nItems : this.nUsers;
    for (const p of partners) if (!(p >= 0 && p < nOther)) throw new InputError(`bfm: partner ${p} is outside the model's ${nOther} ${kind === 'user' ? 'items' : 'users'}`);
    const pairs: number[] = [];
    for (let r = 0; r < profile.others.length; r++) {
      const o = profile.others[r];
      if (!(Number.isInteger(o) && o >= 0)) throw new InputError(`bfm: a fold-in rated entity ${o}`);
      if (o < nOther) pairs.push(r);
    }
    const own = kind === 'user' ? 0 : 1;
    const otherBlock = 1 - own;
    const block = this.layout.blocks[own];
    const idGroup = block.groups[0];
    const ratedFrom = kind === 'user' ? this.layout.userRatedFrom : this.layout.itemRatedFrom;
    const rated = Int32Array.from(new Set(pairs.map((r) => profile.others[r])));
    const others = Int32Array.from(pairs, (r) => profile.others[r]);
    const y = Float64Array.from(pairs, (r) => profile.ratings[r]);
    const k = this.config.rank;
    const cols = this.columns;
    const off = this.offsets[own];
    const terms = this.entityTerms();
    const S = this.samples.length;
    const rng = createRng(this.config.seed);
    const acc = new Float64Array(partners.length);
    const ordinal = this.grades.length > 0;
    const gradeOf = ordinal ? Int32Array.from(y, (r) => this.grades.indexOf(r)) : undefined;
    const q0 = new Float64Array(k);
    const qs0 = new Float64Array(k);
    const vNew = new Float64Array(k);
    const z = Float64Array.from(y);
    const score = new Float64Array(others.length);
    const dq = new Float64Array(k);
    this.samples.forEach((s, j) => {
      const t = terms[otherBlock];
      // a fold-in's ratings and predictions have no day: the typical day's terms join the partner's
      let dc = 0;
      dq.fill(0);
      const day = terms[DAY_BLOCK];
      if (day) {
        const typical = this.layout.blocks[DAY_BLOCK].entities * S + j;
        dc = day.constant[typical];
        for (let f = 0; f < k; f++) dq[f] = day.q[typical * k + f];
      }
      // the fixed part of the new entity's row: its implicit set
      let lin0 = 0;
      q0.fill(0);
      qs0.fill(0);
      if (ratedFrom >= 0 && rated.length > 0) {
        const x = 1 / Math.sqrt(rated.length);
        for (const o of rated) {
          const c = off + ratedFrom + o;
          lin0 += x * s.w[c];
          for (let f = 0; f < k; f++) {
            const vv = s.v[f * cols + c];
            q0[f] += x * vv;
            qs0[f] += x * x * vv * vv;
          }
        }
      }
      let wNew = s.muW[idGroup];
      for (let f = 0; f < k; f++) vNew[f] = s.muV[f * this.layout.groupNames.length + idGroup];
      const alpha = ordinal ? 1 : s.alpha;
      const scoreOf = (other: number): number => {
        const o = other * S + j;
        let v = s.w0 + t.constant[o] + dc + lin0 + wNew;
        for (let f = 0; f < k; f++) {
          const total = q0[f] + vNew[f] + t.q[o * k + f] + dq[f];
          v += -0.5 * (qs0[f] + vNew[f] * vNew[f]) + 0.5 * total * total;
        }
        return v;
      };
      for (let sweep = 0; sweep < FOLD_IN_SWEEPS; sweep++) {
        for (let r = 0; r < others.length; r++) score[r] = scoreOf(others[r]);
        if (ordinal && gradeOf) {
          const cuts = s.cuts;
          for (let r = 0; r < others.length; r++) {
            const g = gradeOf[r];
            z[r] = truncatedNormal(rng, score[r], g === 0 ? Number.NEGATIVE_INFINITY : cuts[g - 1], g === cuts.length ? Number.POSITIVE_INFINITY : cuts[g]);
          }
        }
        const lw = s.lamW[idGroup];
        let lin = 0;
        for (let r = 0; r < others.length; r++) lin += wNew - (score[r] - z[r]);
        const next = sampleNormal(rng, alpha * others.length + lw, alpha * lin + lw * s.muW[idGroup]);
        for (let r = 0; r < others.length; r++) score[r] += next - wNew;
        wNew = next;
        for (let f = 0; f < k; f++) {
          const gi = f * this.layout.groupNames.length + idGroup;
          let sq = 0;
          let ln = 0;
          for (let r = 0; r < others.length; r++) {
            // ŷ is linear in the id's factor f with slope h = (the rest of the row's q_f) = q0 + partner's q
            const h = q0[f] + t.q[(others[r] * S + j) * k + f] + dq[f];
            sq += h * h;
            ln -= h * (score[r] - z[r] - vNew[f] * h);
          }
          const nv = sampleNormal(rng, alpha * sq + s.lamV[gi], alpha * ln + s.lamV[gi] * s.muV[gi]);
          for (let r = 0; r < others.length; r++) score[r] += (nv - vNew[f]) * (q0[f] + t.q[(others[r] * S + j) * k + f] + dq[f]);
          vNew[f] = nv;
        }
        for (let p = 0; p < partners.length; p++) acc[p] += this.rating(scoreOf(partners[p]), s.cuts);
      }
    });
    const n = this.samples.length * FOLD_IN_SWEEPS;
    return Float32Array.from(acc, (x) => Math.min(this.scale.max, Math.max(this.scale.min, x / n)));
  }
}

/**
 * Fits a Bayesian FM by Gibbs sampling. Deterministic: the same data, configuration and seed give the same samples.
 * @throws InputError for a bad configuration, no training ratings, an index outside nUsers × nItems, or an ordinal
 * output over more than {@link MAX_ORDINAL_GRADES} distinct ratings
 */
export function fitBfm(data: BfmData, config: BfmConfigInput = {}, options: FitBfmOptions = {}): BayesianFM {
  const c = resolveBfmConfig(config);
  if (data.train.rating.length === 0) throw new InputError('bfm: no training ratings');
  const layout = buildLayout(data, c);
  const grades = c.output === 'ordinal' ? gradesOf(data.train.rating) : new Float64Array(0);
  if (grades.length > MAX_ORDINAL_GRADES) {
    throw new InputError(`bfm: the ordinal output takes at most ${MAX_ORDINAL_GRADES} distinct ratings; these ratings have ${grades.length} (use the regression output)`);
  }
  const rows = rowEntities(layout, data.train.user, data.train.item, data.train.timestamp);
  const target = Float64Array.from(data.train.rating);
  const rng: Rng = createRng(c.seed);
  const ordinal = grades.length > 0 ? { grade: Int32Array.from(data.train.rating, (r) => grades.indexOf(r)), grades: grades.length } : undefined;
  const sampler = new GibbsSampler({ blocks: layout.blocks, rowEntity: rows, target, groups: layout.groupNames.length }, c.rank, rng, {
    initStd: c.initStd,
    ...(ordinal ? { ordinal } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    ...(options.start ? { start: options.start } : {}),
  });
  const kept = keptIterations(c, samplesWithin(c, layout));
  const samples: FmSample[] = [];
  for (let t = 0; t < c.iterations; t++) {
    sampler.step();
    if (kept.has(t)) samples.push(copySample(sampler.sample));
    options.onProgress?.(t + 1, c.iterations);
  }
  return new BayesianFM(c, data, layout, samples, grades);
}

/**
 * Rebuilds a saved Bayesian FM from its configuration, its training data (the blocks are rebuilt from it) and the
 * kept samples' arrays ({@link BayesianFM.arrays}).
 * @throws InputError when an array is missing or does not fit the layout
 */
export function restoreBfm(config: BfmConfigInput, data: BfmData, arrays: Readonly<Record<string, Float64Array>>): BayesianFM {
  const c = resolveBfmConfig(config);
  const layout = buildLayout(data, c);
  const grades = c.output === 'ordinal' ? gradesOf(data.train.rating) : new Float64Array(0);
  const { columns } = blockOffsets(layout.blocks);
  const w0 = arrays.w0;
  if (!w0 || w0.length === 0) throw new InputError('bfm: the parameters lack w0');
  const n = w0.length;
  const groups = layout.groupNames.length;
  const need = (name: string, per: number): Float64Array => {
    const a = arrays[name];
    if (!a) throw new InputError(`bfm: the parameters lack ${name}`);
    if (a.length !== per * n) throw new InputError(`bfm: ${name} holds ${a.length} values, expected ${per * n} (${n} samples × ${per})`);
    return a;
  };
  const alpha = need('alpha', 1);
  const w = need('w', columns);
  const v = need('v', columns * c.rank);
  const muW = need('muW', groups);
  const lamW = need('lamW', groups);
  const muV = need('muV', groups * c.rank);
  const lamV = need('lamV', groups * c.rank);
  const cuts = need('cuts', Math.max(0, grades.length - 1));
  const part = (a: Float64Array, per: number, i: number): Float64Array => a.slice(i * per, (i + 1) * per);
  const samples = Array.from({ length: n }, (_, i) => ({
    w0: w0[i],
    alpha: alpha[i],
    w: part(w, columns, i),
    v: part(v, columns * c.rank, i),
    muW: part(muW, groups, i),
    lamW: part(lamW, groups, i),
    muV: part(muV, groups * c.rank, i),
    lamV: part(lamV, groups * c.rank, i),
    cuts: part(cuts, Math.max(0, grades.length - 1), i),
  }));
  return new BayesianFM(c, data, layout, samples, grades);
}
