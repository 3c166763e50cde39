/**
 * A straightforward Gibbs sampler of a factorization machine on a dense design matrix (one full row of every column
 * per rating), in the same update order and with the same draws as the relational sampler (src/fm/gibbs.ts), written
 * from the model's equations as myFM's "main table" code is: the oracle the relational sampler is tested against.
 */
import type { Rng } from '../../src/core/rng.js';
import { DEFAULT_PRIORS, type FmSample, type RelationBlock, sampleGamma, sampleNormal } from '../../src/fm/gibbs.js';

/** The dense rows of a relational problem: row i is the concatenation of its entities' block rows. */
export function flatten(blocks: readonly RelationBlock[], rowEntity: readonly Int32Array[], n: number): { x: Float64Array[]; columns: number; groupOf: Int32Array } {
  const columns = blocks.reduce((s, b) => s + b.columns, 0);
  const groupOf = new Int32Array(columns);
  const x = Array.from({ length: n }, () => new Float64Array(columns));
  let off = 0;
  blocks.forEach((b, bi) => {
    for (let c = 0; c < b.columns; c++) groupOf[off + c] = b.groups[c];
    for (let i = 0; i < n; i++) {
      const e = rowEntity[bi][i];
      if (e < 0) continue;
      for (let p = b.indptr[e]; p < b.indptr[e + 1]; p++) x[i][off + b.indices[p]] = b.values[p];
    }
    off += b.columns;
  });
  return { x, columns, groupOf };
}

/** The FM's score of a dense row: w₀ + Σ w·x + ½ Σ_f ((Σ v_f·x)² − Σ v_f²·x²). */
export function flatScore(s: FmSample, x: Float64Array, k: number): number {
  const cols = x.length;
  let y = s.w0;
  for (let c = 0; c < cols; c++) y += s.w[c] * x[c];
  for (let f = 0; f < k; f++) {
    let a = 0;
    let b = 0;
    for (let c = 0; c < cols; c++) {
      const t = s.v[f * cols + c] * x[c];
      a += t;
      b += t * t;
    }
    y += 0.5 * (a * a - b);
  }
  return y;
}

/** The dense sampler: regression only, the relational sampler's order of draws. */
export class DenseGibbs {
  readonly sample: FmSample;
  private readonly e: Float64Array;
  private readonly groupCols: number[][];

  constructor(
    private readonly x: Float64Array[],
    private readonly y: Float64Array,
    private readonly groupOf: Int32Array,
    groups: number,
    private readonly k: number,
    private readonly rng: Rng,
    initStd: number,
  ) {
    const cols = groupOf.length;
    const v = new Float64Array(k * cols);
    for (let i = 0; i < v.length; i++) v[i] = initStd * rng.nextNormal();
    this.sample = {
      w0: 0,
      w: new Float64Array(cols),
      v,
      alpha: 1,
      muW: new Float64Array(groups),
      lamW: new Float64Array(groups).fill(1e-5),
      muV: new Float64Array(groups * k),
      lamV: new Float64Array(groups * k).fill(1e-5),
      cuts: new Float64Array(0),
    };
    this.groupCols = Array.from({ length: groups }, () => []);
    for (let c = 0; c < cols; c++) this.groupCols[groupOf[c]].push(c);
    this.e = new Float64Array(y.length);
    this.refresh();
  }

  private refresh(): void {
    for (let i = 0; i < this.y.length; i++) this.e[i] = flatScore(this.sample, this.x[i], this.k) - this.y[i];
  }

  private hyper(values: (c: number) => number, mu: Float64Array, lam: Float64Array, g0: number): void {
    const p = DEFAULT_PRIORS;
    this.groupCols.forEach((cols, g) => {
      let beta = p.beta0;
      for (const c of cols) beta += (values(c) - mu[g0 + g]) ** 2;
      lam[g0 + g] = sampleGamma(this.rng, (p.alpha0 + cols.length) / 2, beta / 2);
    });
  }

  private means(values: (c: number) => number, mu: Float64Array, lam: Float64Array, g0: number): void {
    const p = DEFAULT_PRIORS;
    this.groupCols.forEach((cols, g) => {
      let sum = p.gamma0 * p.mu0;
      for (const c of cols) sum += values(c);
      mu[g0 + g] = sampleNormal(this.rng, lam[g0 + g] * (p.gamma0 + cols.length), lam[g0 + g] * sum);
    });
  }

  step(): void {
    const s = this.sample;
    const { e, x, k, rng } = this;
    const n = e.length;
    const cols = this.groupOf.length;
    const p = DEFAULT_PRIORS;
    let sse = 0;
    for (const r of e) sse += r * r;
    s.alpha = sampleGamma(rng, (p.alpha0 + n) / 2, (p.beta0 + sse) / 2);
    let lin = 0;
    for (let i = 0; i < n; i++) lin += s.w0 - e[i];
    const w0 = sampleNormal(rng, s.alpha * n + p.reg0, s.alpha * lin);
    for (let i = 0; i < n; i++) e[i] += w0 - s.w0;
    s.w0 = w0;
    this.hyper((c) => s.w[c], s.muW, s.lamW, 0);
    this.means((c) => s.w[c], s.muW, s.lamW, 0);
    for (let c = 0; c < cols; c++) {
      const g = this.groupOf[c];
      let sq = 0;
      let ln = 0;
      for (let i = 0; i < n; i++) {
        const h = x[i][c];
        sq += h * h;
        ln -= h * (e[i] - h * s.w[c]);
      }
      const next = sampleNormal(rng, s.lamW[g] + s.alpha * sq, s.alpha * ln + s.lamW[g] * s.muW[g]);
      for (let i = 0; i < n; i++) e[i] += x[i][c] * (next - s.w[c]);
      s.w[c] = next;
    }
    const G = this.groupCols.length;
    for (let f = 0; f < k; f++) this.hyper((c) => s.v[f * cols + c], s.muV, s.lamV, f * G);
    for (let f = 0; f < k; f++) this.means((c) => s.v[f * cols + c], s.muV, s.lamV, f * G);
    for (let f = 0; f < k; f++) {
      const q = new Float64Array(n);
      for (let i = 0; i < n; i++) for (let c = 0; c < cols; c++) q[i] += s.v[f * cols + c] * x[i][c];
      for (let c = 0; c < cols; c++) {
        const at = f * cols + c;
        const g = f * G + this.groupOf[c];
        const old = s.v[at];
        let sq = 0;
        let ln = 0;
        for (let i = 0; i < n; i++) {
          const h = x[i][c] * (q[i] - x[i][c] * old);
          sq += h * h;
          ln -= h * (e[i] - h * old);
        }
        const next = sampleNormal(rng, s.alpha * sq + s.lamV[g], s.alpha * ln + s.lamV[g] * s.muV[g]);
        for (let i = 0; i < n; i++) {
          const h = x[i][c] * (q[i] - x[i][c] * old);
          e[i] += h * (next - old);
          q[i] += x[i][c] * (next - old);
        }
        s.v[at] = next;
      }
    }
    this.refresh();
  }
}
