/**
 * The compute kernels of the autoencoder and the memory they run on. Every hot loop of a training step is one of
 * these seven kernels; the model code only orchestrates them and does O(n·d) elementwise glue. Two implementations:
 * plain TypeScript ({@link createJsContext}, backend `cpu`) and WebAssembly SIMD ({@link createWasmContext} in
 * `wasm-kernels.ts`, backend `wasm`), whose buffers all live inside the module's memory so nothing is copied per step.
 *
 * Conventions: matrices are row-major Float32Arrays; `k` is the row width of the dense operand; kernels overwrite their
 * output unless stated otherwise; sparse kernels take a row (or column) range so a mini-batch mode can reuse them.
 */

/** The kernel set; all arrays must come from the same {@link KernelContext} that provided the kernels. */
export interface Kernels {
  /**
   * Sparse × dense: `out[r,:] = act(bias + Σ_e vals[e]·w[indices[e],:])` for rows r0 ≤ r < r1 (e over row r);
   * entries with value 0 are skipped (dropped-out inputs). `bias` null = no bias; `leaky` applies LeakyReLU(0.01).
   */
  spmm(
    indptr: Int32Array,
    indices: Int32Array,
    vals: Float32Array,
    w: Float32Array,
    k: number,
    bias: Float32Array | null,
    out: Float32Array,
    r0: number,
    r1: number,
    leaky: boolean,
  ): void;
  /**
   * Transposed sparse × dense through a column view: `g[c,:] = Σ_e vals[perm[e]]·y[rowidx[e],:]` for columns c0 ≤ c < c1;
   * zero values skipped. If `sums` is given, also `sums[c] = Σ_e vals[perm[e]]` (a bias gradient).
   */
  spmmT(
    colptr: Int32Array,
    rowidx: Int32Array,
    perm: Int32Array,
    vals: Float32Array,
    y: Float32Array,
    k: number,
    g: Float32Array,
    c0: number,
    c1: number,
    sums: Float32Array | null,
  ): void;
  /** Sampled dense-dense product: `out[e] = leaky(bias[j] + a[r,:]·b[j,:])` for the entries e = (r, j) of rows r0..r1. */
  sddmm(
    indptr: Int32Array,
    indices: Int32Array,
    a: Float32Array,
    b: Float32Array,
    k: number,
    bias: Float32Array,
    out: Float32Array,
    r0: number,
    r1: number,
  ): void;
  /**
   * {@link Kernels.spmmT} over all m columns, computed from the CSR rows 0..n: `y` (n × k) is read once in order and
   * `g` (m × k) takes the scattered updates. Bit-identical to spmmT over 0..m (columns still sum in ascending row
   * order); pays off when `y` is far larger than the cache and `g` is not (the user side of a large dataset).
   */
  spmmTByRows(
    indptr: Int32Array,
    indices: Int32Array,
    vals: Float32Array,
    y: Float32Array,
    k: number,
    g: Float32Array,
    n: number,
    m: number,
    sums: Float32Array | null,
  ): void;
  /**
   * {@link Kernels.spmm} over rows 0..n, walking column blocks (see {@link columnBlocks}): for each block, every row
   * adds its entries in that block, so the block of `w` stays in cache. Same float additions in the same order as
   * spmm: bit-identical.
   */
  spmmBlocked(
    blockptr: Int32Array,
    blocks: number,
    indices: Int32Array,
    vals: Float32Array,
    w: Float32Array,
    k: number,
    bias: Float32Array | null,
    out: Float32Array,
    n: number,
    leaky: boolean,
  ): void;
  /** {@link Kernels.sddmm} over rows 0..n, block by block of columns (see {@link columnBlocks}); bit-identical. */
  sddmmBlocked(
    blockptr: Int32Array,
    blocks: number,
    indices: Int32Array,
    a: Float32Array,
    b: Float32Array,
    k: number,
    bias: Float32Array,
    out: Float32Array,
    n: number,
  ): void;
  /**
   * {@link Kernels.spmmTByRows} block by block of columns (see {@link columnBlocks}), so the block of `g` being
   * scattered into stays in cache; columns still sum in ascending row order: bit-identical to spmmT.
   */
  spmmTBlocked(
    blockptr: Int32Array,
    blocks: number,
    indices: Int32Array,
    vals: Float32Array,
    y: Float32Array,
    k: number,
    g: Float32Array,
    n: number,
    m: number,
    sums: Float32Array | null,
  ): void;
  /** `c[n×k] = act(a[n×p]·b[p×k] + bias)`. */
  gemmNN(a: Float32Array, b: Float32Array, c: Float32Array, n: number, p: number, k: number, bias: Float32Array | null, leaky: boolean): void;
  /** `c[p×k] = a[n×p]ᵀ·y[n×k]`. */
  gemmTN(a: Float32Array, y: Float32Array, c: Float32Array, n: number, p: number, k: number): void;
  /** `c[n×p] = y[n×k]·b[p×k]ᵀ`. */
  gemmNT(y: Float32Array, b: Float32Array, c: Float32Array, n: number, k: number, p: number): void;
  /**
   * One ADOPT step over `count` parameters (see `adopt.ts`); `step` is the number of earlier steps (0 only sets v).
   * Weight decay is added to the gradient, as the reference does.
   */
  adopt(
    params: Float32Array,
    grads: Float32Array,
    m: Float32Array,
    v: Float32Array,
    lr: number,
    beta1: number,
    beta2: number,
    eps: number,
    weightDecay: number,
    step: number,
  ): void;
  /** Backward of LeakyReLU in place, `dx ⊙= lrelu'(y)` (y the activation output, n × k), and its column sums into `sums`. */
  leakyBwdColsum(dx: Float32Array, y: Float32Array, n: number, k: number, sums: Float32Array): void;
  /** `ebar[g,:] = invCount[g]·Σ_{group[i]=g} e[i,:]` (G × d). */
  segmentMean(e: Float32Array, group: Int32Array, invCount: Float32Array, n: number, d: number, G: number, ebar: Float32Array): void;
  /** `de[i,:] += invCount[group[i]]·debar[group[i],:]`. */
  segmentAddScaled(de: Float32Array, debar: Float32Array, group: Int32Array, invCount: Float32Array, n: number, d: number): void;
  /**
   * z_i = α·mm[group[i]] + (1−α)·e_i, then LayerNorm: `xhat` = normalised z, `rstd` = 1/√(var + eps),
   * `ehat` = γ⊙xhat + β.
   */
  mixLayerNorm(
    e: Float32Array,
    mm: Float32Array,
    group: Int32Array,
    n: number,
    d: number,
    alpha: number,
    gamma: Float32Array,
    beta: Float32Array,
    eps: number,
    xhat: Float32Array,
    rstd: Float32Array,
    ehat: Float32Array,
  ): void;
  /**
   * Backward of {@link Kernels.mixLayerNorm}: overwrites `ggamma`, `gbeta`, `de` = (1−α)·dz; accumulates
   * `dm[group[i]] += α·dz_i`; returns dLoss/dα.
   */
  mixLayerNormBwd(
    dehat: Float32Array,
    xhat: Float32Array,
    rstd: Float32Array,
    e: Float32Array,
    mm: Float32Array,
    group: Int32Array,
    n: number,
    d: number,
    alpha: number,
    gamma: Float32Array,
    ggamma: Float32Array,
    gbeta: Float32Array,
    dm: Float32Array,
    de: Float32Array,
  ): number;
  /** Row softmax in place of a G × G logit matrix with key multiplicities: `p[a,g] ∝ count[g]·exp(l[a,g])`. */
  softmaxCounts(prob: Float32Array, count: Float32Array, G: number): void;
  /** Softmax backward in place: `dp[a,g] = p[a,g]·(dp[a,g] − Σ_h p[a,h]·dp[a,h])`. */
  softmaxBwd(prob: Float32Array, dp: Float32Array, G: number): void;
  /** Row-wise L2 normalisation in place; norms to `norms`. */
  normalizeRows(x: Float32Array, norms: Float32Array, n: number, k: number): void;
  /** Backward of x̂ = x/‖x‖ in place: `dx = (dx − x̂·(x̂·dx))/‖x‖`. */
  normalizeBwd(dx: Float32Array, xhat: Float32Array, norms: Float32Array, n: number, k: number): void;
  /** `out = diag(1/norms)·x`. */
  scaleRows(x: Float32Array, norms: Float32Array, out: Float32Array, n: number, k: number): void;
  /** Σ_e (out[e] − y[e])² over the first n entries (float64 accumulation). */
  sse(out: Float32Array, y: Float32Array, n: number): number;
  /** `g[e] = lrelu'(out[e])·scale·(out[e] − y[e])`: the loss gradient through the output LeakyReLU. */
  lossGrad(out: Float32Array, y: Float32Array, n: number, scale: number, g: Float32Array): void;
}

/** Hands out typed arrays; a {@link KernelContext} hands out arrays in its kernels' memory. */
export interface Allocator {
  /** A zero-filled float32 array of `len` elements. */
  f32(len: number): Float32Array;
  /** A zero-filled int32 array of `len` elements. */
  i32(len: number): Int32Array;
}

/** Kernels plus the memory their operands must live in. */
export interface KernelContext extends Allocator {
  /** Which implementation. */
  readonly kind: 'wasm' | 'js';
  /** The kernels. */
  readonly kernels: Kernels;
}

/** Alignment of every allocation (a cache line), in bytes. */
export const ALIGN = 64;

/** Counts the bytes a layout function would allocate (returns empty arrays), so a fixed-size memory can be created first. */
export class SizeCounter implements Allocator {
  /** Bytes requested so far, each allocation rounded up to {@link ALIGN}. */
  bytes = 0;
  /** Counts a float32 allocation. */
  f32(len: number): Float32Array {
    this.bytes += Math.ceil((len * 4) / ALIGN) * ALIGN;
    return new Float32Array(0);
  }
  /** Counts an int32 allocation. */
  i32(len: number): Int32Array {
    this.bytes += Math.ceil((len * 4) / ALIGN) * ALIGN;
    return new Int32Array(0);
  }
}

const SLOPE = 0.01;

let scratch = new Float64Array(0);

/** A zeroed float64 scratch of at least `len` entries, kept between calls so a training step allocates nothing. */
function sumScratch(len: number): Float64Array {
  if (scratch.length < len) scratch = new Float64Array(len);
  else scratch.fill(0, 0, len);
  return scratch;
}

/** Number of column blocks of `blockCols` columns covering m columns (at least 1). */
export function blockCount(m: number, blockCols: number): number {
  return Math.max(1, Math.ceil(m / blockCols));
}

/**
 * Column-block boundaries of a CSR matrix for the blocked kernels: `out[b·n + r]` (0 ≤ b ≤ B, B = {@link blockCount})
 * is the first entry of row r whose column is ≥ b·blockCols, so row r's entries in block b are the contiguous slice
 * `out[b·n + r] .. out[(b+1)·n + r]` of the original arrays (rows are sorted by column). `out` has (B+1)·n entries.
 */
export function columnBlocks(indptr: Int32Array, indices: Int32Array, n: number, m: number, blockCols: number, out: Int32Array): void {
  const B = blockCount(m, blockCols);
  for (let r = 0; r < n; r++) {
    let e = indptr[r];
    const end = indptr[r + 1];
    for (let b = 0; b < B; b++) {
      out[b * n + r] = e;
      const limit = (b + 1) * blockCols;
      while (e < end && indices[e] < limit) e++;
    }
    out[B * n + r] = end;
  }
}

/** `g[indices[e],:] += vals[e]·y[yo..yo+k)` for e0 ≤ e < e1, zero values skipped; float64 column sums into `s`. */
function scatterRange(e0: number, e1: number, indices: Int32Array, vals: Float32Array, y: Float32Array, yo: number, k: number, g: Float32Array, s: Float64Array | null): void {
  for (let e = e0; e < e1; e++) {
    const x = vals[e];
    if (x === 0) continue;
    const c = indices[e];
    if (s) s[c] += x;
    const o = c * k;
    for (let j = 0; j < k; j++) g[o + j] += x * y[yo + j];
  }
}

/** `leaky(bias[j] + a[ao..]·b[j,:])` for column j. */
function sampledDot(a: Float32Array, ao: number, b: Float32Array, j: number, k: number, bias: Float32Array): number {
  const bo = j * k;
  let s = 0;
  for (let c = 0; c < k; c++) s += a[ao + c] * b[bo + c];
  s += bias[j];
  return s > 0 ? s : s * SLOPE;
}

const jsBlocked: Pick<Kernels, 'spmmBlocked' | 'sddmmBlocked' | 'spmmTBlocked'> = {
  spmmBlocked(bp, blocks, indices, vals, w, k, bias, out, n, leaky) {
    for (let r = 0; r < n; r++) {
      if (bias) out.set(bias.subarray(0, k), r * k);
      else out.fill(0, r * k, (r + 1) * k);
    }
    for (let b = 0; b < blocks; b++) {
      for (let r = 0; r < n; r++) {
        const o = r * k;
        for (let e = bp[b * n + r]; e < bp[(b + 1) * n + r]; e++) {
          const x = vals[e];
          if (x === 0) continue;
          const wo = indices[e] * k;
          for (let c = 0; c < k; c++) out[o + c] += x * w[wo + c];
        }
      }
    }
    if (leaky) {
      for (let t = 0; t < n * k; t++) {
        const z = out[t];
        if (!(z > 0)) out[t] = z * SLOPE;
      }
    }
  },
  sddmmBlocked(bp, blocks, indices, a, b, k, bias, out, n) {
    for (let q = 0; q < blocks; q++) {
      for (let r = 0; r < n; r++) {
        for (let e = bp[q * n + r]; e < bp[(q + 1) * n + r]; e++) out[e] = sampledDot(a, r * k, b, indices[e], k, bias);
      }
    }
  },
  spmmTBlocked(bp, blocks, indices, vals, y, k, g, n, m, sums) {
    g.fill(0, 0, m * k);
    // float64 column sums, like spmmT's running sum, so the result is bit-identical
    const s = sums ? sumScratch(m) : null;
    for (let b = 0; b < blocks; b++) {
      for (let r = 0; r < n; r++) scatterRange(bp[b * n + r], bp[(b + 1) * n + r], indices, vals, y, r * k, k, g, s);
    }
    if (sums && s) for (let c = 0; c < m; c++) sums[c] = s[c];
  },
};

const jsCore: Pick<
  Kernels,
  'spmm' | 'spmmT' | 'sddmm' | 'spmmTByRows' | 'gemmNN' | 'gemmTN' | 'gemmNT' | 'adopt'> = {
  spmm(indptr, indices, vals, w, k, bias, out, r0, r1, leaky) {
    for (let r = r0; r < r1; r++) {
      const o = r * k;
      if (bias) for (let c = 0; c < k; c++) out[o + c] = bias[c];
      else out.fill(0, o, o + k);
      for (let e = indptr[r]; e < indptr[r + 1]; e++) {
        const x = vals[e];
        if (x === 0) continue;
        const wo = indices[e] * k;
        for (let c = 0; c < k; c++) out[o + c] += x * w[wo + c];
      }
      if (leaky) {
        for (let c = 0; c < k; c++) {
          const z = out[o + c];
          if (!(z > 0)) out[o + c] = z * SLOPE;
        }
      }
    }
  },
  spmmT(colptr, rowidx, perm, vals, y, k, g, c0, c1, sums) {
    for (let c = c0; c < c1; c++) {
      const o = c * k;
      g.fill(0, o, o + k);
      let s = 0;
      for (let e = colptr[c]; e < colptr[c + 1]; e++) {
        const x = vals[perm[e]];
        if (x === 0) continue;
        s += x;
        const yo = rowidx[e] * k;
        for (let j = 0; j < k; j++) g[o + j] += x * y[yo + j];
      }
      if (sums) sums[c] = s;
    }
  },
  sddmm(indptr, indices, a, b, k, bias, out, r0, r1) {
    for (let r = r0; r < r1; r++) {
      const ao = r * k;
      for (let e = indptr[r]; e < indptr[r + 1]; e++) out[e] = sampledDot(a, ao, b, indices[e], k, bias);
    }
  },
  spmmTByRows(indptr, indices, vals, y, k, g, n, m, sums) {
    g.fill(0, 0, m * k);
    // float64 column sums, like spmmT's running sum, so the result is bit-identical
    const s = sums ? sumScratch(m) : null;
    for (let r = 0; r < n; r++) scatterRange(indptr[r], indptr[r + 1], indices, vals, y, r * k, k, g, s);
    if (sums && s) for (let c = 0; c < m; c++) sums[c] = s[c];
  },
  gemmNN(a, b, c, n, p, k, bias, leaky) {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      if (bias) for (let j = 0; j < k; j++) c[o + j] = bias[j];
      else c.fill(0, o, o + k);
      for (let q = 0; q < p; q++) {
        const x = a[i * p + q];
        if (x === 0) continue;
        const bo = q * k;
        for (let j = 0; j < k; j++) c[o + j] += x * b[bo + j];
      }
      if (leaky) {
        for (let j = 0; j < k; j++) {
          const z = c[o + j];
          if (!(z > 0)) c[o + j] = z * SLOPE;
        }
      }
    }
  },
  gemmTN(a, y, c, n, p, k) {
    c.fill(0, 0, p * k);
    for (let i = 0; i < n; i++) {
      const yo = i * k;
      for (let q = 0; q < p; q++) {
        const x = a[i * p + q];
        if (x === 0) continue;
        const o = q * k;
        for (let j = 0; j < k; j++) c[o + j] += x * y[yo + j];
      }
    }
  },
  gemmNT(y, b, c, n, k, p) {
    for (let i = 0; i < n; i++) {
      const yo = i * k;
      for (let q = 0; q < p; q++) {
        const bo = q * k;
        let s = 0;
        for (let j = 0; j < k; j++) s += y[yo + j] * b[bo + j];
        c[i * p + q] = s;
      }
    }
  },
  adopt(params, grads, m, v, lr, beta1, beta2, eps, weightDecay, step) {
    const n = params.length;
    if (step === 0) {
      for (let i = 0; i < n; i++) {
        const g = Math.fround(grads[i] + weightDecay * params[i]);
        v[i] = g * g;
      }
      return;
    }
    const clip = step ** 0.25;
    for (let i = 0; i < n; i++) {
      const g = Math.fround(grads[i] + weightDecay * params[i]);
      const den = Math.max(Math.sqrt(v[i]), eps);
      let z = Math.fround(g / den);
      if (z > clip) z = clip;
      else if (z < -clip) z = -clip;
      const mi = Math.fround(m[i] + (1 - beta1) * (z - m[i]));
      m[i] = mi;
      params[i] -= lr * mi;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
    }
  },
};

/** Plain TypeScript elementwise glue kernels (the second half of {@link jsKernels}). */
const jsGlue: Pick<
  Kernels,
  | 'leakyBwdColsum'
  | 'segmentMean'
  | 'segmentAddScaled'
  | 'mixLayerNorm'
  | 'mixLayerNormBwd'
  | 'softmaxCounts'
  | 'softmaxBwd'
  | 'normalizeRows'
  | 'normalizeBwd'
  | 'scaleRows'
  | 'sse'
  | 'lossGrad'
> = {
  leakyBwdColsum(dx, y, n, k, sums) {
    sums.fill(0, 0, k);
    for (let i = 0; i < n; i++) {
      const o = i * k;
      for (let c = 0; c < k; c++) {
        const g = y[o + c] > 0 ? dx[o + c] : dx[o + c] * SLOPE;
        dx[o + c] = g;
        sums[c] += g;
      }
    }
  },
  segmentMean(e, group, invCount, n, d, G, ebar) {
    ebar.fill(0, 0, G * d);
    for (let i = 0; i < n; i++) {
      const o = group[i] * d;
      for (let c = 0; c < d; c++) ebar[o + c] += e[i * d + c];
    }
    for (let g = 0; g < G; g++) for (let c = 0; c < d; c++) ebar[g * d + c] *= invCount[g];
  },
  segmentAddScaled(de, debar, group, invCount, n, d) {
    for (let i = 0; i < n; i++) {
      const g = group[i];
      const s = invCount[g];
      for (let c = 0; c < d; c++) de[i * d + c] += debar[g * d + c] * s;
    }
  },
  mixLayerNorm(e, mm, group, n, d, alpha, gamma, beta, eps, xhat, rstd, ehat) {
    for (let i = 0; i < n; i++) {
      const io = i * d;
      const mo = group[i] * d;
      let mean = 0;
      for (let c = 0; c < d; c++) {
        const z = alpha * mm[mo + c] + (1 - alpha) * e[io + c];
        xhat[io + c] = z;
        mean += z;
      }
      mean /= d;
      let vr = 0;
      for (let c = 0; c < d; c++) {
        const t = xhat[io + c] - mean;
        vr += t * t;
      }
      const r = 1 / Math.sqrt(vr / d + eps);
      rstd[i] = r;
      for (let c = 0; c < d; c++) {
        const x = (xhat[io + c] - mean) * r;
        xhat[io + c] = x;
        ehat[io + c] = x * gamma[c] + beta[c];
      }
    }
  },
  mixLayerNormBwd(dehat, xhat, rstd, e, mm, group, n, d, alpha, gamma, ggamma, gbeta, dm, de) {
    ggamma.fill(0, 0, d);
    gbeta.fill(0, 0, d);
    let dAlpha = 0;
    for (let i = 0; i < n; i++) {
      const io = i * d;
      // dx̂ = dÊ⊙γ; dz = rstd·(dx̂ − mean(dx̂) − x̂·mean(dx̂⊙x̂))
      let s1 = 0;
      let s2 = 0;
      for (let c = 0; c < d; c++) {
        const dy = dehat[io + c];
        const x = xhat[io + c];
        ggamma[c] += dy * x;
        gbeta[c] += dy;
        const dx = dy * gamma[c];
        s1 += dx;
        s2 += dx * x;
      }
      s1 /= d;
      s2 /= d;
      const r = rstd[i];
      const mo = group[i] * d;
      for (let c = 0; c < d; c++) {
        const dz = r * (dehat[io + c] * gamma[c] - s1 - xhat[io + c] * s2);
        dAlpha += dz * (mm[mo + c] - e[io + c]);
        dm[mo + c] += alpha * dz;
        de[io + c] = (1 - alpha) * dz;
      }
    }
    return dAlpha;
  },
  softmaxCounts(prob, count, G) {
    for (let a = 0; a < G; a++) {
      const o = a * G;
      let mx = Number.NEGATIVE_INFINITY;
      for (let g = 0; g < G; g++) if (prob[o + g] > mx) mx = prob[o + g];
      let z = 0;
      for (let g = 0; g < G; g++) {
        const w = count[g] * Math.exp(prob[o + g] - mx);
        prob[o + g] = w;
        z += w;
      }
      const inv = 1 / z;
      for (let g = 0; g < G; g++) prob[o + g] *= inv;
    }
  },
  softmaxBwd(prob, dp, G) {
    for (let a = 0; a < G; a++) {
      const o = a * G;
      let s = 0;
      for (let g = 0; g < G; g++) s += prob[o + g] * dp[o + g];
      for (let g = 0; g < G; g++) dp[o + g] = prob[o + g] * (dp[o + g] - s);
    }
  },
  normalizeRows(x, norms, n, k) {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let s = 0;
      for (let c = 0; c < k; c++) s += x[o + c] * x[o + c];
      const r = Math.sqrt(s);
      norms[i] = r;
      const inv = 1 / r;
      for (let c = 0; c < k; c++) x[o + c] *= inv;
    }
  },
  normalizeBwd(dx, xhat, norms, n, k) {
    for (let i = 0; i < n; i++) {
      const o = i * k;
      let s = 0;
      for (let c = 0; c < k; c++) s += xhat[o + c] * dx[o + c];
      const inv = 1 / norms[i];
      for (let c = 0; c < k; c++) dx[o + c] = (dx[o + c] - xhat[o + c] * s) * inv;
    }
  },
  scaleRows(x, norms, out, n, k) {
    for (let i = 0; i < n; i++) {
      const inv = 1 / norms[i];
      for (let c = 0; c < k; c++) out[i * k + c] = x[i * k + c] * inv;
    }
  },
  sse(out, y, n) {
    let s = 0;
    for (let e = 0; e < n; e++) {
      const t = out[e] - y[e];
      s += t * t;
    }
    return s;
  },
  lossGrad(out, y, n, scale, g) {
    for (let e = 0; e < n; e++) {
      const o = out[e];
      const t = (o - y[e]) * scale;
      g[e] = o > 0 ? t : t * SLOPE;
    }
  },
};

/** Plain TypeScript kernels (float32 storage, some float64 accumulators); the reference for the WebAssembly ones. */
export const jsKernels: Kernels = { ...jsCore, ...jsBlocked, ...jsGlue };

/** A context backed by ordinary JS typed arrays and {@link jsKernels}. */
export function createJsContext(): KernelContext {
  return {
    kind: 'js',
    kernels: jsKernels,
    f32: (len) => new Float32Array(len),
    i32: (len) => new Int32Array(len),
  };
}
