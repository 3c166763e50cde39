/**
 * Gibbs sampling of a factorization machine over relational blocks (Rendle, "Scaling Factorization Machines to
 * Relational Data", VLDB 2013), in the update order and with the priors of libFM's MCMC as myFM (tohtsky/myFM,
 * `FMTrainer.hpp`) implements it: α, w₀, the λ and μ of the linear weights per group, the linear weights, the λ and μ
 * of the factors per group and factor, the factors, then the residuals afresh.
 *
 * A training row is (one entity per block): the user, the item, the day. Each block holds one sparse feature row per
 * entity (its id, side features, implicit set), stored once however many ratings share it, and each parameter's
 * conditional is computed from per-entity sums over the entity's rows (its count, Σe, Σq, Σq², Σe·q of the other
 * blocks), so the cost of a sweep grows with the rows times the blocks, plus the blocks' stored entries, and not with
 * the rows times the width of a block.
 *
 * Residuals are e = ŷ − y (myFM's sign). The ordered-probit output samples a latent rating z per row, given the
 * cut-points, in place of y (Albert and Chib), with α fixed at 1.
 */
import type { Rng } from '../core/rng.js';
import { type FmContext, type FmKernels, jsFmContext, jsFmKernels } from './kernels.js';
import { createFmWasmContext, fmWasmAvailable } from './wasm-kernels.js';

/** One relational block: a sparse feature row per entity, over the block's own columns. */
export interface RelationBlock {
  /** What its entities are, e.g. `user`. */
  readonly name: string;
  readonly entities: number;
  readonly columns: number;
  /** CSR over entities: entity e's entries are `[indptr[e], indptr[e + 1])`. */
  readonly indptr: Int32Array;
  /** Column (of this block) of each entry. */
  readonly indices: Int32Array;
  readonly values: Float64Array;
  /** Prior group of each column (an index into the problem's groups). */
  readonly groups: Int32Array;
}

/** Training data of the sampler: the blocks, each row's entity in each, and the ratings. */
export interface GibbsProblem {
  readonly blocks: readonly RelationBlock[];
  /** Per block, the entity of each training row (-1: none, the block adds nothing to that row). */
  readonly rowEntity: readonly Int32Array[];
  readonly target: Float64Array;
  readonly groups: number;
}

/** The hyper-priors (libFM's and myFM's defaults: {@link DEFAULT_PRIORS}). */
export interface Priors {
  /** Gamma prior of the noise precision α and of every λ: shape α₀/2, rate β₀/2. */
  readonly alpha0: number;
  readonly beta0: number;
  /** Normal prior of every μ given its λ: mean μ₀, precision γ₀·λ. */
  readonly gamma0: number;
  readonly mu0: number;
  /** Precision of w₀'s N(0, 1/reg0) prior. */
  readonly reg0: number;
}

/** libFM's and myFM's hyper-priors. */
export const DEFAULT_PRIORS: Priors = Object.freeze({ alpha0: 1, beta0: 1, gamma0: 1, mu0: 0, reg0: 1 });

/** One sample of the model's parameters and hyper-parameters. */
export interface FmSample {
  w0: number;
  /** Linear weights, one per column of all blocks in order. */
  readonly w: Float64Array;
  /** Factors, factor-major: `v[f · columns + c]`. */
  readonly v: Float64Array;
  alpha: number;
  /** Per group. */
  readonly muW: Float64Array;
  readonly lamW: Float64Array;
  /** Per factor and group: `[f · groups + g]`. */
  readonly muV: Float64Array;
  readonly lamV: Float64Array;
  /** Ordered probit only: the cut-points between consecutive grades (empty for regression). */
  readonly cuts: Float64Array;
}

/** A draw from N(lin/quad, 1/quad): the conditional of a parameter whose log-density is −quad·x²/2 + lin·x. */
export function sampleNormal(rng: Rng, quad: number, lin: number): number {
  return lin / quad + rng.nextNormal() / Math.sqrt(quad);
}

/** A draw from Gamma(shape, rate) (Marsaglia and Tsang; shape below 1 by the boost u^(1/shape)). */
export function sampleGamma(rng: Rng, shape: number, rate: number): number {
  if (shape < 1) return sampleGamma(rng, shape + 1, rate) * (1 - rng.next()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.nextNormal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = 1 - rng.next();
    if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return (d * v) / rate;
  }
}

/** Column offset of each block in the parameter vectors, and their total. */
export function blockOffsets(blocks: readonly RelationBlock[]): { offsets: Int32Array; columns: number } {
  const offsets = new Int32Array(blocks.length);
  let columns = 0;
  blocks.forEach((b, i) => {
    offsets[i] = columns;
    columns += b.columns;
  });
  return { offsets, columns };
}

/** Per-entity terms of one block under one sample: Σx·w − ½Σ_f Σx²·v_f² (`constant`) and q_f = Σx·v_f (`q`, k per entity). */
export interface EntityTerms {
  readonly constant: Float64Array;
  readonly q: Float64Array;
}

/** {@link EntityTerms} of block `b` (its columns from `offset`) under the parameters `w`, `v` of `columns` columns. */
export function entityTerms(b: RelationBlock, offset: number, columns: number, w: Float64Array, v: Float64Array, k: number): EntityTerms {
  const constant = new Float64Array(b.entities);
  const q = new Float64Array(b.entities * k);
  jsFmKernels.entityTerms(b.entities, b.indptr, b.indices, b.values, w, offset, v, offset, columns, k, constant, q);
  return { constant, q };
}

/**
 * The FM's score of rows given each block's entity terms: w₀ + Σ_b constant_b + ½ Σ_f (Σ_b q_bf)², added into `out`
 * times `weight` (so samples can be averaged in place). An entity below 0 in a block adds nothing.
 */
export function scoreRows(w0: number, terms: readonly EntityTerms[], rowEntity: readonly Int32Array[], k: number, out: Float64Array, weight = 1): void {
  const scores = new Float64Array(out.length);
  jsFmKernels.scoreRows(out.length, k, w0, terms.map((t, b) => ({ re: rowEntity[b], constant: t.constant, q: t.q })), null, scores);
  for (let i = 0; i < out.length; i++) out[i] += weight * scores[i];
}

/** The columns of each group, as global column indices. */
function groupColumns(blocks: readonly RelationBlock[], offsets: Int32Array, groups: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: groups }, () => []);
  blocks.forEach((b, i) => {
    for (let c = 0; c < b.columns; c++) lists[b.groups[c]].push(offsets[i] + c);
  });
  return lists.map((l) => Int32Array.from(l));
}

/**
 * A block as the kernels read it, in the context's memory: its rows (CSR), its columns as lists of (entity, value)
 * (the transpose, for the per-column updates), each column's group, each entity's training rows (`card`), each
 * training row's entity (`re`), and the scratch q and qs of the factor being drawn.
 */
interface KernelBlock {
  readonly entities: number;
  readonly columns: number;
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float64Array;
  readonly colptr: Int32Array;
  readonly entity: Int32Array;
  readonly value: Float64Array;
  readonly groups: Int32Array;
  readonly card: Float64Array;
  readonly re: Int32Array;
  readonly q: Float64Array;
  readonly qs: Float64Array;
  /** The entities' terms of the current sample ({@link FmKernels.entityTerms}): what the residuals are computed from. */
  readonly constant: Float64Array;
  readonly terms: Float64Array;
}

/** Bytes of the context arrays of {@link kernelBlock} for `b` and `n` rows, 16-byte aligned each. */
function kernelBlockBytes(b: RelationBlock, n: number, k: number): number {
  const a = (bytes: number): number => Math.ceil(bytes / 16) * 16;
  const nnz = b.indices.length;
  return a(4 * (b.entities + 1)) + 2 * a(4 * nnz) + 2 * a(8 * nnz) + a(4 * (b.columns + 1)) + a(4 * b.columns) + 4 * a(8 * b.entities) + a(8 * k * b.entities) + a(4 * n);
}

function kernelBlock(ctx: FmContext, b: RelationBlock, rowEntity: Int32Array, k: number): KernelBlock {
  const copy = <A extends Int32Array | Float64Array>(make: (n: number) => A, from: ArrayLike<number>): A => {
    const a = make(from.length);
    a.set(from);
    return a;
  };
  const i32 = (from: ArrayLike<number>): Int32Array => copy((n) => ctx.i32(n), from);
  const f64 = (from: ArrayLike<number>): Float64Array => copy((n) => ctx.f64(n), from);
  const colptr = new Int32Array(b.columns + 1);
  for (let p = 0; p < b.indices.length; p++) colptr[b.indices[p] + 1]++;
  for (let c = 0; c < b.columns; c++) colptr[c + 1] += colptr[c];
  const fill = colptr.slice(0, b.columns);
  const entity = new Int32Array(b.indices.length);
  const value = new Float64Array(b.indices.length);
  for (let e = 0; e < b.entities; e++) {
    for (let p = b.indptr[e]; p < b.indptr[e + 1]; p++) {
      const at = fill[b.indices[p]]++;
      entity[at] = e;
      value[at] = b.values[p];
    }
  }
  const card = new Float64Array(b.entities);
  for (const e of rowEntity) if (e >= 0) card[e]++;
  return {
    entities: b.entities,
    columns: b.columns,
    indptr: i32(b.indptr),
    indices: i32(b.indices),
    values: f64(b.values),
    colptr: i32(colptr),
    entity: i32(entity),
    value: f64(value),
    groups: i32(b.groups),
    card: f64(card),
    re: i32(rowEntity),
    q: ctx.f64(b.entities),
    qs: ctx.f64(b.entities),
    constant: ctx.f64(b.entities),
    terms: ctx.f64(b.entities * k),
  };
}

/** Which kernels a sampler runs: the WebAssembly ones (the default where the runtime has them) or the TypeScript oracle. */
export type FmBackend = 'wasm' | 'js';

/** Settings of a {@link GibbsSampler} besides its problem, rank and generator. */
export interface SamplerOptions {
  /** Standard deviation of the factors at the start (default 0.1). */
  readonly initStd?: number;
  readonly priors?: Priors;
  /** Ordered probit over these grades instead of regression on the target. */
  readonly ordinal?: OrdinalTarget;
  readonly backend?: FmBackend;
  /** Continue a chain from this sample (same columns and groups) instead of the prior's start. */
  readonly start?: FmSample;
}

/** Ordered probit: the grade (0-based) of each row and the number of grades. */
export interface OrdinalTarget {
  readonly grade: Int32Array;
  readonly grades: number;
}

/**
 * The sampler's state and one sweep ({@link GibbsSampler.step}). Deterministic: the same problem, rank, settings and
 * generator give the same samples.
 */
export class GibbsSampler {
  readonly k: number;
  readonly columns: number;
  readonly offsets: Int32Array;
  /** The current sample (updated in place by each step). */
  readonly sample: FmSample;
  private readonly problem: GibbsProblem;
  private readonly rng: Rng;
  private readonly priors: Priors;
  private readonly groupCols: Int32Array[];
  private readonly kernels: FmKernels;
  private readonly kb: KernelBlock[];
  /** Per entity of the block being drawn: the four sums of {@link FmKernels.gatherRows}. */
  private readonly sums: Float64Array;
  /** The standard normals of the block's columns being drawn. */
  private readonly normals: Float64Array;
  /** Which kernels run. */
  readonly backend: FmBackend;
  /** e = ŷ − target of each row. */
  private readonly e: Float64Array;
  /** What e is taken against: the ratings, or the ordered probit's latent ratings. */
  private readonly target: Float64Array;
  private readonly ordinal?: OrdinalTarget;
  private readonly qTrain: Float64Array;

  constructor(problem: GibbsProblem, k: number, rng: Rng, options: SamplerOptions = {}) {
    const { initStd = 0.1, priors = DEFAULT_PRIORS, ordinal, backend = fmWasmAvailable() ? 'wasm' : 'js', start } = options;
    this.problem = problem;
    this.k = k;
    this.rng = rng;
    this.priors = priors;
    const { offsets, columns } = blockOffsets(problem.blocks);
    this.offsets = offsets;
    this.columns = columns;
    this.groupCols = groupColumns(problem.blocks, offsets, problem.groups);
    const n = problem.target.length;
    const g = problem.groups;
    const maxEntities = Math.max(...problem.blocks.map((b) => b.entities));
    const maxColumns = Math.max(...problem.blocks.map((b) => b.columns));
    const a = (bytes: number): number => Math.ceil(bytes / 16) * 16;
    const bytes =
      problem.blocks.reduce((t, b) => t + kernelBlockBytes(b, n, k), 0) + 3 * a(8 * n) + a(8 * columns) + a(8 * k * columns) + 2 * a(8 * g * k) + a(32 * maxEntities) + a(8 * maxColumns);
    const ctx = backend === 'wasm' ? createFmWasmContext(bytes) : jsFmContext();
    this.backend = backend;
    this.kernels = ctx.kernels;
    if (problem.blocks.length < 1 || problem.blocks.length > 3) throw new Error(`the sampler takes one to three blocks, not ${problem.blocks.length}`);
    this.kb = problem.blocks.map((b, bi) => kernelBlock(ctx, b, problem.rowEntity[bi], k));
    this.sums = ctx.f64(4 * maxEntities);
    this.normals = ctx.f64(maxColumns);
    const v = ctx.f64(k * columns);
    for (let i = 0; i < v.length; i++) v[i] = initStd * rng.nextNormal();
    const lamV = ctx.f64(g * k);
    lamV.fill(1e-5);
    this.sample = {
      w0: 0,
      w: ctx.f64(columns),
      v,
      alpha: 1,
      muW: new Float64Array(g),
      lamW: new Float64Array(g).fill(1e-5),
      muV: ctx.f64(g * k),
      lamV,
      cuts: new Float64Array(ordinal ? ordinal.grades - 1 : 0),
    };
    this.e = ctx.f64(n);
    this.qTrain = ctx.f64(n);
    this.ordinal = ordinal;
    this.target = ctx.f64(n);
    this.target.set(problem.target);
    if (start) this.restart(start);
    else if (ordinal) {
      // cut-points half-way between grades, the latent ratings at their grades: a start the sweeps move from
      for (let c = 0; c < this.sample.cuts.length; c++) this.sample.cuts[c] = c + 0.5;
      for (let i = 0; i < n; i++) this.target[i] = ordinal.grade[i];
    }
    this.refreshResiduals();
  }

  /**
   * Takes every parameter and hyper-parameter from `start` (a sample of a chain on the same columns); an ordinal
   * output's latent ratings start at the predictions, moved inside their grades' intervals.
   */
  private restart(start: FmSample): void {
    const s = this.sample;
    const fit = (name: string, a: ArrayLike<number>, b: ArrayLike<number>): void => {
      if (a.length !== b.length) throw new Error(`a start sample's ${name} holds ${a.length} values, not ${b.length}`);
    };
    for (const key of ['w', 'v', 'muW', 'lamW', 'muV', 'lamV', 'cuts'] as const) {
      fit(key, start[key], s[key]);
      s[key].set(start[key]);
    }
    s.w0 = start.w0;
    s.alpha = start.alpha;
    const o = this.ordinal;
    if (!o) return;
    this.target.fill(0);
    this.refreshResiduals();
    const cuts = s.cuts;
    for (let i = 0; i < this.e.length; i++) {
      const g = o.grade[i];
      const lower = g === 0 ? Number.NEGATIVE_INFINITY : cuts[g - 1];
      const upper = g === cuts.length ? Number.POSITIVE_INFINITY : cuts[g];
      const mid = Number.isFinite(lower) && Number.isFinite(upper) ? (lower + upper) / 2 : Number.isFinite(lower) ? lower + 0.5 : upper - 0.5;
      // e holds the predictions here (the target is 0)
      this.target[i] = this.e[i] > lower && this.e[i] < upper ? this.e[i] : mid;
    }
  }

  /** One sweep over every parameter, in libFM's order. */
  step(): void {
    this.updateAlpha();
    this.updateW0();
    this.updateLambda(this.sample.w, 0, this.sample.muW, this.sample.lamW, 0);
    this.updateMu(this.sample.w, 0, this.sample.muW, this.sample.lamW, 0);
    this.updateW();
    for (let f = 0; f < this.k; f++) this.updateLambda(this.sample.v, f * this.columns, this.sample.muV, this.sample.lamV, f * this.problem.groups);
    for (let f = 0; f < this.k; f++) this.updateMu(this.sample.v, f * this.columns, this.sample.muV, this.sample.lamV, f * this.problem.groups);
    for (let f = 0; f < this.k; f++) this.updateV(f);
    if (this.ordinal) this.updateLatent();
    this.refreshResiduals();
  }

  private refreshResiduals(): void {
    const { w, v, w0 } = this.sample;
    const kern = this.kernels;
    const scored = this.kb.map((b, bi) => {
      kern.entityTerms(b.entities, b.indptr, b.indices, b.values, w, this.offsets[bi], v, this.offsets[bi], this.columns, this.k, b.constant, b.terms);
      return { re: b.re, constant: b.constant, q: b.terms };
    });
    kern.scoreRows(this.e.length, this.k, w0, scored, this.target, this.e);
  }

  private updateAlpha(): void {
    if (this.ordinal) {
      this.sample.alpha = 1;
      return;
    }
    let s = 0;
    for (const x of this.e) s += x * x;
    this.sample.alpha = sampleGamma(this.rng, (this.priors.alpha0 + this.e.length) / 2, (this.priors.beta0 + s) / 2);
  }

  private updateW0(): void {
    const a = this.sample.alpha;
    const e = this.e;
    const w0 = this.sample.w0;
    let lin = 0;
    for (let i = 0; i < e.length; i++) lin += w0 - e[i];
    const next = sampleNormal(this.rng, a * e.length + this.priors.reg0, a * lin);
    for (let i = 0; i < e.length; i++) e[i] += next - w0;
    this.sample.w0 = next;
  }

  /** λ of each group for the values `x[at + column]`, their means `mu[g0 + g]`. */
  private updateLambda(x: Float64Array, at: number, mu: Float64Array, lam: Float64Array, g0: number): void {
    const p = this.priors;
    this.groupCols.forEach((cols, g) => {
      const m = mu[g0 + g];
      let beta = p.beta0;
      for (const c of cols) {
        const d = x[at + c] - m;
        beta += d * d;
      }
      lam[g0 + g] = sampleGamma(this.rng, (p.alpha0 + cols.length) / 2, beta / 2);
    });
  }

  private updateMu(x: Float64Array, at: number, mu: Float64Array, lam: Float64Array, g0: number): void {
    const p = this.priors;
    this.groupCols.forEach((cols, g) => {
      let sum = p.gamma0 * p.mu0;
      for (const c of cols) sum += x[at + c];
      const l = lam[g0 + g];
      mu[g0 + g] = sampleNormal(this.rng, l * (p.gamma0 + cols.length), l * sum);
    });
  }

  private updateW(): void {
    const { w, muW, lamW, alpha } = this.sample;
    const e = this.e;
    const n = e.length;
    this.kb.forEach((b, bi) => {
      const off = this.offsets[bi];
      const { re, card, colptr, entity, value, indptr, indices, values } = b;
      const q = new Float64Array(b.entities);
      const eb = new Float64Array(b.entities);
      const linear = (): void => {
        for (let en = 0; en < b.entities; en++) {
          let s = 0;
          for (let p = indptr[en]; p < indptr[en + 1]; p++) s += values[p] * w[off + indices[p]];
          q[en] = s;
        }
      };
      linear();
      for (let i = 0; i < n; i++) {
        const en = re[i];
        if (en < 0) continue;
        eb[en] += e[i];
        e[i] -= q[en];
      }
      for (let c = 0; c < b.columns; c++) {
        const g = b.groups[c];
        const old = w[off + c];
        let sq = 0;
        let lin = 0;
        for (let p = colptr[c]; p < colptr[c + 1]; p++) {
          const x = value[p];
          const en = entity[p];
          sq += x * x * card[en];
          lin -= x * eb[en];
        }
        lin += sq * old;
        const next = sampleNormal(this.rng, lamW[g] + alpha * sq, alpha * lin + lamW[g] * muW[g]);
        w[off + c] = next;
        const d = next - old;
        for (let p = colptr[c]; p < colptr[c + 1]; p++) eb[entity[p]] += value[p] * card[entity[p]] * d;
      }
      linear();
      for (let i = 0; i < n; i++) if (re[i] >= 0) e[i] += q[re[i]];
    });
  }

  /**
   * The factors f of every block's columns: each block's q_f and qs_f per entity, their sum over the blocks per row,
   * then block by block the rows' sums over the other blocks gathered per entity (count, Σo, Σo², Σe, Σe·o), each
   * column drawn from them, and the rows' residuals brought up to date.
   */
  private updateV(f: number): void {
    const { v, muV, lamV, alpha } = this.sample;
    const kern = this.kernels;
    const n = this.e.length;
    const qt = this.qTrain;
    qt.fill(0);
    this.kb.forEach((b, bi) => {
      kern.blockQ(b.entities, b.indptr, b.indices, b.values, v, f * this.columns + this.offsets[bi], b.q, b.qs);
      kern.addRows(n, b.re, b.q, qt);
    });
    this.kb.forEach((b, bi) => {
      const sums = this.sums.subarray(0, 4 * b.entities);
      sums.fill(0);
      kern.gatherRows(n, b.re, b.q, b.qs, qt, this.e, sums);
      for (let c = 0; c < b.columns; c++) this.normals[c] = this.rng.nextNormal();
      kern.drawColumns(b.columns, b.colptr, b.entity, b.value, b.card, b.q, b.qs, sums, v, f * this.columns + this.offsets[bi], b.groups, f * this.problem.groups, lamV, muV, alpha, this.normals);
      kern.scatterRows(n, b.re, b.q, b.qs, qt, this.e);
    });
  }

  /**
   * Ordered probit: the cut-points, each uniform between the highest latent rating of the grades below it and the
   * lowest of the grades above (Albert and Chib's Gibbs step), then each row's latent rating from N(ŷ, 1) truncated
   * to its grade's interval.
   */
  private updateLatent(): void {
    const o = this.ordinal as OrdinalTarget;
    const cuts = this.sample.cuts;
    const z = this.target;
    const m = cuts.length;
    const hi = new Float64Array(o.grades).fill(Number.NEGATIVE_INFINITY);
    const lo = new Float64Array(o.grades).fill(Number.POSITIVE_INFINITY);
    for (let i = 0; i < z.length; i++) {
      const g = o.grade[i];
      if (z[i] > hi[g]) hi[g] = z[i];
      if (z[i] < lo[g]) lo[g] = z[i];
    }
    for (let c = 0; c < m; c++) {
      // the first cut-point stays fixed: the FM's w₀ carries the location
      if (c === 0) continue;
      let a = Number.NEGATIVE_INFINITY;
      for (let g = 0; g <= c; g++) a = Math.max(a, hi[g]);
      let b = Number.POSITIVE_INFINITY;
      for (let g = c + 1; g < o.grades; g++) b = Math.min(b, lo[g]);
      a = Math.max(a, cuts[c - 1]);
      if (c + 1 < m) b = Math.min(b, cuts[c + 1]);
      if (Number.isFinite(a) && Number.isFinite(b) && b > a) cuts[c] = a + (b - a) * this.rng.next();
    }
    for (let i = 0; i < z.length; i++) {
      const mean = z[i] + this.e[i];
      const g = o.grade[i];
      const lower = g === 0 ? Number.NEGATIVE_INFINITY : cuts[g - 1];
      const upper = g === m ? Number.POSITIVE_INFINITY : cuts[g];
      z[i] = truncatedNormal(this.rng, mean, lower, upper);
    }
  }
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26 on erf; absolute error below 1.5e-7). */
export function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Inverse of {@link normalCdf} (Acklam's rational approximation, refined by one Newton step). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const a = [-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716, 2.506628277459239];
  const b = [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572];
  const c = [-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const pl = 0.02425;
  let x: number;
  if (p < pl) {
    const q = Math.sqrt(-2 * Math.log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - pl) {
    const q = p - 0.5;
    const r = q * q;
    x = ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) / (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  return x;
}

/** A draw from N(mean, 1) truncated to (lower, upper), by the inverse CDF (clamped away from 0 and 1). */
export function truncatedNormal(rng: Rng, mean: number, lower: number, upper: number): number {
  const a = normalCdf(lower - mean);
  const b = normalCdf(upper - mean);
  const u = a + (b - a) * rng.next();
  const p = Math.min(1 - 1e-12, Math.max(1e-12, u));
  const x = mean + normalQuantile(p);
  // far in a tail the CDF's resolution runs out: stay inside the interval
  return Math.min(upper, Math.max(lower, x));
}
