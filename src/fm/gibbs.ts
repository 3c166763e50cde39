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
  for (let e = 0; e < b.entities; e++) {
    let c = 0;
    for (let p = b.indptr[e]; p < b.indptr[e + 1]; p++) c += b.values[p] * w[offset + b.indices[p]];
    for (let f = 0; f < k; f++) {
      const vf = f * columns + offset;
      let s = 0;
      let s2 = 0;
      for (let p = b.indptr[e]; p < b.indptr[e + 1]; p++) {
        const x = b.values[p];
        const vv = v[vf + b.indices[p]];
        s += x * vv;
        s2 += x * x * vv * vv;
      }
      q[e * k + f] = s;
      c -= 0.5 * s2;
    }
    constant[e] = c;
  }
  return { constant, q };
}

/**
 * The FM's score of rows given each block's entity terms: w₀ + Σ_b constant_b + ½ Σ_f (Σ_b q_bf)², added into `out`
 * times `weight` (so samples can be averaged in place). An entity of -1 in a block adds nothing.
 */
export function scoreRows(w0: number, terms: readonly EntityTerms[], rowEntity: readonly Int32Array[], k: number, out: Float64Array, weight = 1): void {
  const n = out.length;
  const nb = terms.length;
  const t = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    let s = w0;
    t.fill(0);
    for (let b = 0; b < nb; b++) {
      const e = rowEntity[b][i];
      if (e < 0) continue;
      s += terms[b].constant[e];
      const q = terms[b].q;
      const base = e * k;
      for (let f = 0; f < k; f++) t[f] += q[base + f];
    }
    for (let f = 0; f < k; f++) s += 0.5 * t[f] * t[f];
    out[i] += weight * s;
  }
}

/** The columns of each group, as global column indices. */
function groupColumns(blocks: readonly RelationBlock[], offsets: Int32Array, groups: number): Int32Array[] {
  const lists: number[][] = Array.from({ length: groups }, () => []);
  blocks.forEach((b, i) => {
    for (let c = 0; c < b.columns; c++) lists[b.groups[c]].push(offsets[i] + c);
  });
  return lists.map((l) => Int32Array.from(l));
}

/** A block's columns as lists of (entity, value): the transpose of its rows, for the per-column updates. */
interface Transposed {
  readonly colptr: Int32Array;
  readonly entity: Int32Array;
  readonly value: Float64Array;
}

function transpose(b: RelationBlock): Transposed {
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
  return { colptr, entity, value };
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
  private readonly transposed: Transposed[];
  private readonly card: Float64Array[];
  /** e = ŷ − target of each row. */
  private readonly e: Float64Array;
  /** What e is taken against: the ratings, or the ordered probit's latent ratings. */
  private readonly target: Float64Array;
  private readonly ordinal?: OrdinalTarget;
  private readonly qTrain: Float64Array;

  constructor(problem: GibbsProblem, k: number, rng: Rng, initStd: number, priors: Priors = DEFAULT_PRIORS, ordinal?: OrdinalTarget) {
    this.problem = problem;
    this.k = k;
    this.rng = rng;
    this.priors = priors;
    const { offsets, columns } = blockOffsets(problem.blocks);
    this.offsets = offsets;
    this.columns = columns;
    this.groupCols = groupColumns(problem.blocks, offsets, problem.groups);
    this.transposed = problem.blocks.map(transpose);
    const n = problem.target.length;
    this.card = problem.blocks.map((b, bi) => {
      const c = new Float64Array(b.entities);
      const re = problem.rowEntity[bi];
      for (let i = 0; i < n; i++) if (re[i] >= 0) c[re[i]]++;
      return c;
    });
    const v = new Float64Array(k * columns);
    for (let i = 0; i < v.length; i++) v[i] = initStd * rng.nextNormal();
    const g = problem.groups;
    this.sample = {
      w0: 0,
      w: new Float64Array(columns),
      v,
      alpha: 1,
      muW: new Float64Array(g),
      lamW: new Float64Array(g).fill(1e-5),
      muV: new Float64Array(g * k),
      lamV: new Float64Array(g * k).fill(1e-5),
      cuts: new Float64Array(ordinal ? ordinal.grades - 1 : 0),
    };
    this.e = new Float64Array(n);
    this.qTrain = new Float64Array(n);
    this.ordinal = ordinal;
    this.target = Float64Array.from(problem.target);
    if (ordinal) {
      // cut-points half-way between grades, the latent ratings at their grades: a start the sweeps move from
      for (let c = 0; c < this.sample.cuts.length; c++) this.sample.cuts[c] = c + 0.5;
      for (let i = 0; i < n; i++) this.target[i] = ordinal.grade[i];
    }
    this.refreshResiduals();
  }

  /** The current predictions ŷ of the training rows. */
  trainScores(): Float64Array {
    const out = new Float64Array(this.e.length);
    const terms = this.problem.blocks.map((b, i) => entityTerms(b, this.offsets[i], this.columns, this.sample.w, this.sample.v, this.k));
    scoreRows(this.sample.w0, terms, this.problem.rowEntity, this.k, out);
    return out;
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
    const s = this.trainScores();
    for (let i = 0; i < s.length; i++) this.e[i] = s[i] - this.target[i];
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
    this.problem.blocks.forEach((b, bi) => {
      const off = this.offsets[bi];
      const re = this.problem.rowEntity[bi];
      const card = this.card[bi];
      const t = this.transposed[bi];
      const q = new Float64Array(b.entities);
      const eb = new Float64Array(b.entities);
      const linear = (): void => {
        for (let en = 0; en < b.entities; en++) {
          let s = 0;
          for (let p = b.indptr[en]; p < b.indptr[en + 1]; p++) s += b.values[p] * w[off + b.indices[p]];
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
        for (let p = t.colptr[c]; p < t.colptr[c + 1]; p++) {
          const x = t.value[p];
          const en = t.entity[p];
          sq += x * x * card[en];
          lin -= x * eb[en];
        }
        lin += sq * old;
        const next = sampleNormal(this.rng, lamW[g] + alpha * sq, alpha * lin + lamW[g] * muW[g]);
        w[off + c] = next;
        const d = next - old;
        for (let p = t.colptr[c]; p < t.colptr[c + 1]; p++) eb[t.entity[p]] += t.value[p] * card[t.entity[p]] * d;
      }
      linear();
      for (let i = 0; i < n; i++) if (re[i] >= 0) e[i] += q[re[i]];
    });
  }

  private updateV(f: number): void {
    const { v } = this.sample;
    const { blocks, rowEntity } = this.problem;
    const e = this.e;
    const n = e.length;
    const cols = this.columns;
    const qt = this.qTrain;
    qt.fill(0);
    const qb = blocks.map((b, bi) => {
      const off = f * cols + this.offsets[bi];
      const q = new Float64Array(b.entities);
      for (let en = 0; en < b.entities; en++) {
        let s = 0;
        for (let p = b.indptr[en]; p < b.indptr[en + 1]; p++) s += b.values[p] * v[off + b.indices[p]];
        q[en] = s;
      }
      const re = rowEntity[bi];
      for (let i = 0; i < n; i++) if (re[i] >= 0) qt[i] += q[re[i]];
      return q;
    });
    for (let bi = 0; bi < blocks.length; bi++) this.updateBlockV(f, bi, qb[bi]);
  }

  /**
   * The factors f of block `bi`'s columns, given q (the block's q_f per entity). The rows' sums over the other blocks
   * are gathered per entity (count, Σo, Σo², Σe, Σe·o, interleaved in `sums`), each column is drawn from them, and the
   * rows' residuals are brought up to date at the end.
   */
  private updateBlockV(f: number, bi: number, q: Float64Array): void {
    const b = this.problem.blocks[bi];
    const { v, muV, lamV, alpha } = this.sample;
    const groups = this.problem.groups;
    const e = this.e;
    const n = e.length;
    const qt = this.qTrain;
    const off = f * this.columns + this.offsets[bi];
    const re = this.problem.rowEntity[bi];
    const card = this.card[bi];
    const { colptr, entity, value } = this.transposed[bi];
    const E = b.entities;
    const { indptr, indices, values } = b;
    const rng = this.rng;
    const qs = new Float64Array(E);
    for (let en = 0; en < E; en++) {
      let acc = 0;
      for (let p = indptr[en]; p < indptr[en + 1]; p++) {
        const xv = values[p] * v[off + indices[p]];
        acc += xv * xv;
      }
      qs[en] = acc;
    }
    // per entity: Σo, Σo², Σe, Σe·o over its rows (o: the row's q_f of the other blocks)
    const sums = new Float64Array(4 * E);
    for (let i = 0; i < n; i++) {
      const en = re[i];
      if (en < 0) continue;
      const qe = q[en];
      const other = qt[i] - qe;
      const ei = e[i];
      const at = 4 * en;
      sums[at] += other;
      sums[at + 1] += other * other;
      sums[at + 2] += ei;
      sums[at + 3] += ei * other;
      qt[i] = other;
      e[i] = ei - (other * qe + 0.5 * qe * qe - 0.5 * qs[en]);
    }
    const cols = b.columns;
    for (let c = 0; c < cols; c++) {
      const gi = f * groups + b.groups[c];
      const old = v[off + c];
      let sq = 0;
      let lin = 0;
      const p1 = colptr[c + 1];
      for (let p = colptr[c]; p < p1; p++) {
        const en = entity[p];
        const x = value[p];
        const h = q[en] - x * old;
        const at = 4 * en;
        const c1 = sums[at];
        sq += x * x * (h * h * card[en] + 2 * c1 * h + sums[at + 1]);
        lin -= (sums[at + 2] * h + sums[at + 3]) * x;
      }
      lin += sq * old;
      const lam = lamV[gi];
      const next = sampleNormal(rng, alpha * sq + lam, alpha * lin + lam * muV[gi]);
      const d = next - old;
      v[off + c] = next;
      for (let p = colptr[c]; p < p1; p++) {
        const en = entity[p];
        const x = value[p];
        const h = q[en] - x * old;
        const at = 4 * en;
        const c1 = sums[at];
        q[en] += d * x;
        qs[en] += d * (next + old) * x * x;
        sums[at + 2] += x * d * (h * card[en] + c1);
        sums[at + 3] += x * d * (h * c1 + sums[at + 1]);
      }
    }
    for (let i = 0; i < n; i++) {
      const en = re[i];
      if (en < 0) continue;
      const qe = q[en];
      e[i] += qt[i] * qe + 0.5 * qe * qe - 0.5 * qs[en];
      qt[i] += qe;
    }
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
