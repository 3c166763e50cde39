/**
 * The hot loops of the FM's Gibbs sampler (the factor update of a block, run rank × blocks times per sweep), behind
 * one interface with two backends: the WebAssembly kernels (src/fm/wasm/kernels.c, built by scripts/build-nn-wasm.sh)
 * and this file's plain TypeScript, their oracle. Both compute in double precision in the same order of operations,
 * so they give the same samples.
 *
 * A context allocates the arrays the kernels work on (in the WebAssembly memory for that backend); a kernel takes
 * arrays and offsets into them, never copies.
 */

/** The kernels. Arrays are the context's; `vAt` etc. are element offsets. */
export interface FmKernels {
  /** q[e] = Σ x·v[vAt + col], qs[e] = Σ (x·v[vAt + col])² over entity e's entries of a block (CSR). */
  blockQ(entities: number, indptr: Int32Array, indices: Int32Array, values: Float64Array, v: Float64Array, vAt: number, q: Float64Array, qs: Float64Array): void;
  /** qt[i] += q[re[i]] for each row with an entity (re[i] ≥ 0). */
  addRows(n: number, re: Int32Array, q: Float64Array, qt: Float64Array): void;
  /**
   * For each row with an entity: o = qt[i] − q[e]; sums[4e..4e+4) += (o, o², e_i, e_i·o); qt[i] = o; and the block's
   * own terms o·q + ½q² − ½qs taken out of e_i.
   */
  gatherRows(n: number, re: Int32Array, q: Float64Array, qs: Float64Array, qt: Float64Array, e: Float64Array, sums: Float64Array): void;
  /**
   * Draws the block's columns in order from their conditionals, column c from N(lin/quad, 1/quad) with the standard
   * normal `normals[c]`, its prior that of group `g0 + groups[c]`; v[vAt + c] is the column's factor. Keeps q, qs
   * and the sums of {@link FmKernels.gatherRows} up to date.
   */
  drawColumns(
    cols: number,
    colptr: Int32Array,
    entity: Int32Array,
    value: Float64Array,
    card: Float64Array,
    q: Float64Array,
    qs: Float64Array,
    sums: Float64Array,
    v: Float64Array,
    vAt: number,
    groups: Int32Array,
    g0: number,
    lamV: Float64Array,
    muV: Float64Array,
    alpha: number,
    normals: Float64Array,
  ): void;
  /** For each row with an entity: the block's terms put back into e_i, and q[e] into qt[i]. */
  scatterRows(n: number, re: Int32Array, q: Float64Array, qs: Float64Array, qt: Float64Array, e: Float64Array): void;
  /**
   * A block's per-entity terms: constant[e] = Σx·w − ½ Σ_f Σ(x·v_f)², q[e·k + f] = Σx·v_f, with the block's first
   * column at w[wAt] and its factor f at v[vAt + f·stride].
   */
  entityTerms(
    entities: number,
    indptr: Int32Array,
    indices: Int32Array,
    values: Float64Array,
    w: Float64Array,
    wAt: number,
    v: Float64Array,
    vAt: number,
    stride: number,
    k: number,
    constant: Float64Array,
    q: Float64Array,
  ): void;
  /**
   * out[i] = w₀ + Σ_b constant_b[e_b] + ½ Σ_f (Σ_b q_b[e_b·k + f])² − target[i] (target null: 0) over one to three
   * blocks; an entity below 0 adds nothing of its block.
   */
  scoreRows(n: number, k: number, w0: number, blocks: readonly ScoredBlock[], target: Float64Array | null, out: Float64Array): void;
}

/** One block's part of {@link FmKernels.scoreRows}: each row's entity and the entities' terms. */
export interface ScoredBlock {
  readonly re: Int32Array;
  readonly constant: Float64Array;
  readonly q: Float64Array;
}

/** Where the sampler's arrays live and the kernels that work on them. */
export interface FmContext {
  readonly kind: 'js' | 'wasm';
  readonly kernels: FmKernels;
  f64(length: number): Float64Array;
  i32(length: number): Int32Array;
}

/** The plain TypeScript kernels: the oracle of the WebAssembly ones. */
export const jsFmKernels: FmKernels = {
  blockQ(entities, indptr, indices, values, v, vAt, q, qs) {
    for (let e = 0; e < entities; e++) {
      let s = 0;
      let s2 = 0;
      for (let p = indptr[e]; p < indptr[e + 1]; p++) {
        const xv = values[p] * v[vAt + indices[p]];
        s += xv;
        s2 += xv * xv;
      }
      q[e] = s;
      qs[e] = s2;
    }
  },
  addRows(n, re, q, qt) {
    for (let i = 0; i < n; i++) {
      const e = re[i];
      if (e >= 0) qt[i] += q[e];
    }
  },
  gatherRows(n, re, q, qs, qt, e, sums) {
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
  },
  drawColumns(cols, colptr, entity, value, card, q, qs, sums, v, vAt, groups, g0, lamV, muV, alpha, normals) {
    for (let c = 0; c < cols; c++) {
      const gi = g0 + groups[c];
      const old = v[vAt + c];
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
      const quad = alpha * sq + lam;
      const next = (alpha * lin + lam * muV[gi]) / quad + normals[c] / Math.sqrt(quad);
      const d = next - old;
      v[vAt + c] = next;
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
  },
  scatterRows(n, re, q, qs, qt, e) {
    for (let i = 0; i < n; i++) {
      const en = re[i];
      if (en < 0) continue;
      const qe = q[en];
      e[i] += qt[i] * qe + 0.5 * qe * qe - 0.5 * qs[en];
      qt[i] += qe;
    }
  },
  entityTerms(entities, indptr, indices, values, w, wAt, v, vAt, stride, k, constant, q) {
    for (let e = 0; e < entities; e++) {
      let c = 0;
      for (let p = indptr[e]; p < indptr[e + 1]; p++) c += values[p] * w[wAt + indices[p]];
      for (let f = 0; f < k; f++) {
        const vf = vAt + f * stride;
        let s = 0;
        let s2 = 0;
        for (let p = indptr[e]; p < indptr[e + 1]; p++) {
          const xv = values[p] * v[vf + indices[p]];
          s += xv;
          s2 += xv * xv;
        }
        q[e * k + f] = s;
        c -= 0.5 * s2;
      }
      constant[e] = c;
    }
  },
  scoreRows(n, k, w0, blocks, target, out) {
    const nb = blocks.length;
    for (let i = 0; i < n; i++) {
      let s = w0;
      for (let b = 0; b < nb; b++) {
        const e = blocks[b].re[i];
        if (e >= 0) s += blocks[b].constant[e];
      }
      for (let f = 0; f < k; f++) {
        let t = 0;
        for (let b = 0; b < nb; b++) {
          const e = blocks[b].re[i];
          if (e >= 0) t += blocks[b].q[e * k + f];
        }
        s += 0.5 * t * t;
      }
      out[i] = target ? s - target[i] : s;
    }
  },
};

/** A context of ordinary typed arrays and the TypeScript kernels. */
export function jsFmContext(): FmContext {
  return { kind: 'js', kernels: jsFmKernels, f64: (n) => new Float64Array(n), i32: (n) => new Int32Array(n) };
}
