/**
 * The RSAttAE network with a hand-derived, fused forward and backward pass over the {@link Kernels}.
 *
 * Forward (n entities, m inputs, h = 2d):
 *   H1 = lrelu(X̃·W1 + b1)            X̃ = dropout(X) on the observed entries only (sparse × dense)
 *   E  = lrelu(H1·W2 + b2)
 *   attention: per feature group a (G distinct feature rows, c_a members), q̂_a, k̂_a = L2-normalised projections,
 *     P_ag = c_g·exp(q̂_a·k̂_g) / Σ_h c_h·exp(q̂_a·k̂_h)   (softmax over all n keys, identical keys merged),
 *     (A·E)_i = Σ_g P_{a(i),g}·Ē_g with Ē_g the mean of E over group g — exact, O(G²·d + n·d) instead of O(n²·d);
 *   Ê  = LayerNorm(α·A·E + (1−α)·E)   (vanilla model: Ê = E)
 *   D1 = lrelu(Ê·W3 + b3)
 *   ŷ_e = lrelu(D1_r·W4_j + b4_j) only at the target entries e = (r, j) (sampled product; never n×m)
 *   loss = sqrt(mean_e (ŷ_e − y_e)²)
 */
import type { CsrMatrix } from '../core/types.js';
import { type Allocator, blockCount, columnBlocks, type KernelContext, type Kernels } from './kernels.js';
import { type ModelShape, type ParamSpec, type ParamViews, paramCount, paramSpecs, paramViews } from './param-layout.js';
import { type CscView, cscOf, type FeatureGroups } from './sparse.js';

/** @internal The LayerNorm's ε (also used by attend.ts to rebuild Ê outside the network). */
export const LN_EPS = 1e-5;

/** A column view copied into kernel memory. */
interface DevCsc {
  readonly colptr: Int32Array;
  readonly rowidx: Int32Array;
  readonly perm: Int32Array;
}

/**
 * A CSR matrix copied into kernel memory, with its column view when the classic spmmT needs it and its column-block
 * boundaries ({@link columnBlocks}) when the blocked kernels run.
 */
interface DevCsr {
  readonly indptr: Int32Array;
  readonly indices: Int32Array;
  readonly values: Float32Array;
  readonly nnz: number;
  readonly csc: DevCsc | null;
  readonly blockptr: Int32Array | null;
  readonly blocks: number;
}

/**
 * Which traversal the sparse kernels use (see {@link chooseOrientation}); all give bit-identical results. For a big
 * column side, walking the column view (stream W1/W4, scatter into the n-row outputs) was measured and left out: at
 * the ML-20M movie shape it ran several times slower than the gathers, because reaching each entry's value or output
 * through the CSR permutation costs a cache miss per rating (BENCHMARKS.md, "Scale: kernel traversal"); column
 * blocks over the CSR rows themselves ({@link Orientation.blockCols}) need no permutation and are used instead.
 */
export interface Orientation {
  /**
   * dW1, dW4 by {@link Kernels.spmmTByRows}: stream the n-row activations in order and scatter into the m-row
   * gradients, instead of gathering activation rows at random for every column.
   */
  readonly rows: boolean;
  /**
   * Columns per block of the column-blocked kernels ({@link Kernels.spmmBlocked}, sddmmBlocked, spmmTBlocked), 0 for
   * the row-wise ones: when the m-row operands W1, W4 and their gradients are far larger than the cache, each pass
   * over the rows touches only one cache-sized block of them.
   */
  readonly blockCols: number;
}

/**
 * Default of {@link chooseOrientation}'s threshold: 16 MiB, about half the L3 share of one of two modules trained at
 * once on the benchmark machine, and well above ML-1M's largest operand (6040 × 128 floats, 3 MB).
 */
export const STREAM_THRESHOLD_BYTES = 16 * 2 ** 20;

/**
 * Default of {@link chooseOrientation}'s block width: 4,096 columns × h = 128 floats = 2 MiB per block of W1/W4, which
 * stays in L3 next to the 13.7 MB output; measured fastest of 1,024–8,192 at the ML-20M movie shape (BENCHMARKS.md,
 * "Scale: column-blocked kernels").
 */
export const BLOCK_COLS = 4096;

/**
 * The traversal for n rows × m columns at hidden width h: when the rows are the bigger side and their h-wide
 * activations exceed `thresholdBytes` (they cannot stay in cache while gathered at random), stream them and scatter
 * into the m-row gradients. When the columns' h-wide operands exceed it, walk the sparse kernels by column blocks of
 * `blockCols`. Otherwise the classic row-wise kernels (and column-wise spmmT) run.
 */
export function chooseOrientation(
  n: number,
  m: number,
  h: number,
  thresholdBytes: number = STREAM_THRESHOLD_BYTES,
  blockCols: number = BLOCK_COLS,
): Orientation {
  return { rows: n >= m && n * h * 4 > thresholdBytes, blockCols: m * h * 4 > thresholdBytes ? blockCols : 0 };
}

/** The problem a {@link Net} trains on: training input/targets, train+validation input, validation targets, feature groups. */
export interface NetProblem {
  /** Training ratings (n × m), no explicit zeros; input (with dropout) and loss targets. */
  readonly train: CsrMatrix;
  /** Train + validation ratings: the evaluation-mode input. */
  readonly all: CsrMatrix;
  /** Validation ratings: the evaluation targets. */
  readonly validation: CsrMatrix;
  /** Feature groups (attention model only). */
  readonly groups?: FeatureGroups;
}

/** Optimizer hyper-parameters of {@link Net.step}. */
export interface StepOptions {
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
}

function allocCsc(a: Allocator, cols: number, nnz: number): DevCsc {
  return { colptr: a.i32(cols + 1), rowidx: a.i32(nnz), perm: a.i32(nnz) };
}

function allocCsr(a: Allocator, m: CsrMatrix, blockCols: number, withCsc = false): DevCsr {
  const nnz = m.indptr[m.rows];
  const blocks = blockCols > 0 ? blockCount(m.cols, blockCols) : 0;
  return {
    indptr: a.i32(m.rows + 1),
    indices: a.i32(nnz),
    values: a.f32(nnz),
    nnz,
    csc: withCsc ? allocCsc(a, m.cols, nnz) : null,
    blockptr: blocks > 0 ? a.i32((blocks + 1) * m.rows) : null,
    blocks,
  };
}

function fillCsr(dst: DevCsr, m: CsrMatrix, blockCols: number): void {
  dst.indptr.set(m.indptr);
  dst.indices.set(m.indices.subarray(0, dst.nnz));
  dst.values.set(m.values.subarray(0, dst.nnz));
  if (dst.csc) fillCsc(dst.csc, cscOf(m));
  if (dst.blockptr) columnBlocks(dst.indptr, dst.indices, m.rows, m.cols, blockCols, dst.blockptr);
}

function fillCsc(dst: DevCsc, src: CscView): void {
  dst.colptr.set(src.colptr);
  dst.rowidx.set(src.rowidx);
  dst.perm.set(src.perm);
}



function buffers(a: Allocator, s: ModelShape, p: NetProblem, specs: readonly ParamSpec[], o: Orientation) {
  const n = p.train.rows;
  const { d, nf } = s;
  const h = 2 * d;
  const count = paramCount(specs);
  const G = s.attention ? p.groups!.count.length : 0;
  // the training matrix's column view serves the classic spmmT only
  const train = allocCsr(a, p.train, o.blockCols, !o.rows && o.blockCols === 0);
  const nTargets = Math.max(train.nnz, p.validation.indptr[n]);
  return {
    params: a.f32(count),
    grads: a.f32(count),
    adoptM: a.f32(count),
    adoptV: a.f32(count),
    train,
    masked: a.f32(train.nnz),
    all: allocCsr(a, p.all, o.blockCols),
    validation: allocCsr(a, p.validation, o.blockCols),
    h1: a.f32(n * h),
    e: a.f32(n * d),
    d1: a.f32(n * h),
    out: a.f32(nTargets),
    gOut: a.f32(nTargets),
    dD1: a.f32(n * h),
    dEhat: a.f32(n * d),
    dE: a.f32(n * d),
    dH1: a.f32(n * h),
    // attention (length 0 for the vanilla model)
    // F̃ = [F̂, 1] (G × (nf+1)) and its rows scaled by 1/‖q‖, 1/‖k‖; low-rank products go through these
    ft: a.f32(G * (nf + 1)),
    fq: a.f32(G * (nf + 1)),
    fk: a.f32(G * (nf + 1)),
    lowA: a.f32(G * (nf + 1)),
    qr: a.f32(G * h),
    kr: a.f32(G * h),
    qn: a.f32(G),
    kn: a.f32(G),
    group: a.i32(s.attention ? n : 0),
    count: a.f32(G),
    invCount: a.f32(G),
    prob: a.f32(G * G),
    ebar: a.f32(G * d),
    mm: a.f32(G * d),
    xhat: a.f32(s.attention ? n * d : 0),
    rstd: a.f32(s.attention ? n : 0),
    ehat: a.f32(s.attention ? n * d : 0),
    dM: a.f32(G * d),
    dP: a.f32(G * G),
    dEbar: a.f32(G * d),
    dq: a.f32(G * h),
    dk: a.f32(G * h),
  };
}

type Buffers = ReturnType<typeof buffers>;

/**
 * One autoencoder on one problem: owns its parameters, optimizer state and every activation buffer (allocated once in
 * the kernel context's memory; a training step allocates nothing).
 */
export class Net {
  /** Parameter tensor layout. */
  readonly specs: ParamSpec[];
  /** Flat parameters (in kernel memory). */
  readonly params: Float32Array;
  /** Flat gradients of the last {@link Net.trainStep}. */
  readonly grads: Float32Array;
  /** Named parameter views. */
  readonly p: ParamViews;
  /** Named gradient views. */
  readonly g: ParamViews;
  /** Entities (rows). */
  readonly n: number;
  /** Optimizer steps taken. */
  steps = 0;
  private readonly b: Buffers;
  private readonly k: Kernels;
  private readonly h: number;
  private readonly groups?: FeatureGroups;
  private readonly wqt: Float32Array;
  private readonly wkt: Float32Array;
  private readonly gwqt: Float32Array;
  private readonly gwkt: Float32Array;
  private readonly lowRank: boolean;
  /** Optimizer step count for which the attention weights P are current (−1: stale). */
  private projectedAt = -1;

  /**
   * @param ctx kernel context (memory must be large enough: see {@link Net.bytesNeeded})
   * @param shape module shape
   * @param problem data (copied into kernel memory)
   * @param orientation kernel traversal (default {@link chooseOrientation} of the problem; must match the one given
   *   to {@link Net.bytesNeeded})
   */
  constructor(
    ctx: KernelContext,
    readonly shape: ModelShape,
    problem: NetProblem,
    readonly orientation: Orientation = chooseOrientation(problem.train.rows, shape.m, 2 * shape.d),
  ) {
    this.specs = paramSpecs(shape);
    this.n = problem.train.rows;
    this.h = 2 * shape.d;
    this.k = ctx.kernels;
    this.groups = shape.attention ? problem.groups : undefined;
    if (shape.attention && !problem.groups) throw new Error('attention model needs feature groups');
    const b = buffers(ctx, shape, problem, this.specs, orientation);
    this.b = b;
    this.params = b.params;
    this.grads = b.grads;
    this.p = paramViews(b.params, this.specs);
    this.g = paramViews(b.grads, this.specs);
    fillCsr(b.train, problem.train, orientation.blockCols);
    fillCsr(b.all, problem.all, orientation.blockCols);
    fillCsr(b.validation, problem.validation, orientation.blockCols);
    if (this.groups) {
      b.group.set(this.groups.group);
      b.count.set(this.groups.count);
      for (let g = 0; g < this.groups.count.length; g++) b.invCount[g] = 1 / this.groups.count[g];
      const f1 = shape.nf + 1;
      const rows = this.groups.rows.data;
      for (let g = 0; g < this.groups.count.length; g++) {
        b.ft.set(rows.subarray(g * shape.nf, (g + 1) * shape.nf), g * f1);
        b.ft[g * f1 + shape.nf] = 1;
      }
    }
    // [W; b] as one (nf+1) × h matrix: the bias row follows the weight rows in the flat layout
    const tilde = (w: Float32Array, flat: Float32Array): Float32Array => {
      const at = (w.byteOffset - flat.byteOffset) / 4;
      return flat.subarray(at, at + (shape.nf + 1) * this.h);
    };
    this.wqt = shape.attention ? tilde(this.p.wq, b.params) : b.params.subarray(0, 0);
    this.wkt = shape.attention ? tilde(this.p.wk, b.params) : b.params.subarray(0, 0);
    this.gwqt = shape.attention ? tilde(this.g.wq, b.grads) : b.grads.subarray(0, 0);
    this.gwkt = shape.attention ? tilde(this.g.wk, b.grads) : b.grads.subarray(0, 0);
    // the rank of q̂k̂ᵀ is at most nf+1: route the G×G products through that space when it is narrower than h
    this.lowRank = shape.nf + 1 < this.h;
  }

  /** Bytes of kernel memory a {@link Net} on this problem allocates. */
  static bytesNeeded(
    counter: Allocator & { bytes: number },
    shape: ModelShape,
    problem: NetProblem,
    orientation: Orientation = chooseOrientation(problem.train.rows, shape.m, 2 * shape.d),
  ): number {
    buffers(counter, shape, problem, paramSpecs(shape), orientation);
    return counter.bytes;
  }

  /** Number of training targets. */
  get trainCount(): number {
    return this.b.train.nnz;
  }

  /** Number of validation targets. */
  get validationCount(): number {
    return this.b.validation.nnz;
  }

  /**
   * Draws the dropout mask (each observed input kept with probability 1−p, kept values scaled by 1/(1−p)) into the
   * masked-input buffer. `next` yields uniform 32-bit integers.
   */
  drawDropout(p: number, next: () => number): void {
    const { values, nnz } = this.b.train;
    const masked = this.b.masked;
    if (p <= 0) {
      masked.set(values);
      return;
    }
    const threshold = p * 4294967296;
    const scale = 1 / (1 - p);
    for (let e = 0; e < nnz; e++) masked[e] = next() < threshold ? 0 : values[e] * scale;
  }

  /** Sets the masked input explicitly (tests): `vals` in training CSR order. */
  setMaskedInput(vals: Float32Array): void {
    this.b.masked.set(vals);
  }

  /** `g = xᵀ·y` (m × h) through the training matrix's pattern with values `vals`, in this net's orientation. */
  private spmmT(vals: Float32Array, y: Float32Array, g: Float32Array, sums: Float32Array | null): void {
    const { k, n, h } = this;
    const { m } = this.shape;
    const x = this.b.train;
    if (x.blockptr) k.spmmTBlocked(x.blockptr, x.blocks, x.indices, vals, y, h, g, n, m, sums);
    else if (this.orientation.rows || !x.csc) k.spmmTByRows(x.indptr, x.indices, vals, y, h, g, n, m, sums);
    else k.spmmT(x.csc.colptr, x.csc.rowidx, x.csc.perm, vals, y, h, g, 0, m, sums);
  }

  /** `out = act(x·w + bias)` over all n rows, blocked by columns when this net's orientation says so. */
  private spmm(x: DevCsr, vals: Float32Array, w: Float32Array, bias: Float32Array | null, out: Float32Array, leaky: boolean): void {
    const { k, n, h } = this;
    if (x.blockptr) k.spmmBlocked(x.blockptr, x.blocks, x.indices, vals, w, h, bias, out, n, leaky);
    else k.spmm(x.indptr, x.indices, vals, w, h, bias, out, 0, n, leaky);
  }

  /** Encoder on a device CSR: fills h1 and e. */
  private encode(x: DevCsr, vals: Float32Array): void {
    const { k, b, p, n, h } = this;
    const d = this.shape.d;
    this.spmm(x, vals, p.w1, p.b1, b.h1, true);
    k.gemmNN(b.h1, p.w2, b.e, n, h, d, p.b2, true);
  }

  /**
   * Attention weights between feature groups: q̂, k̂ (normalised projections) and P (softmax over keys weighted by
   * their multiplicity). They depend only on the projection weights, so the evaluation pass's P is reused by the next
   * training step (no update in between).
   */
  private project(): void {
    if (this.projectedAt === this.steps) return;
    this.projectedAt = this.steps;
    const { k, b, h } = this;
    const gr = this.groups!;
    const G = gr.count.length;
    const f1 = this.shape.nf + 1;
    k.gemmNN(b.ft, this.wqt, b.qr, G, f1, h, null, false);
    k.gemmNN(b.ft, this.wkt, b.kr, G, f1, h, null, false);
    k.normalizeRows(b.qr, b.qn, G, h);
    k.normalizeRows(b.kr, b.kn, G, h);
    if (this.lowRank) {
      // q̂·k̂ᵀ = (q̂·W̃kᵀ)·(diag(1/‖k‖)·F̃)ᵀ
      k.scaleRows(b.ft, b.kn, b.fk, G, f1);
      k.scaleRows(b.ft, b.qn, b.fq, G, f1);
      k.gemmNT(b.qr, this.wkt, b.lowA, G, h, f1);
      k.gemmNT(b.lowA, b.fk, b.prob, G, f1, G);
    } else {
      k.gemmNT(b.qr, b.kr, b.prob, G, h, G);
    }
    k.softmaxCounts(b.prob, b.count, G);
  }

  /** Marks the attention weights stale (call after changing {@link Net.params} directly). */
  paramsChanged(): void {
    this.projectedAt = -1;
  }

  /** Attention + LayerNorm: e → ehat (attention model only). */
  private attend(): void {
    const { k, b, p, n } = this;
    const d = this.shape.d;
    const G = this.groups!.count.length;
    this.project();
    // group means of E, attended group rows M = P·Ē, then Z = α·M_{g(i)} + (1−α)·E_i and LayerNorm
    k.segmentMean(b.e, b.group, b.invCount, n, d, G, b.ebar);
    k.gemmNN(b.prob, b.ebar, b.mm, G, G, d, null, false);
    k.mixLayerNorm(b.e, b.mm, b.group, n, d, p.alpha[0], p.gamma, p.beta, LN_EPS, b.xhat, b.rstd, b.ehat);
  }

  /** Forward pass from a device CSR input to the outputs at the target entries; returns the sum of squared errors. */
  private forward(input: DevCsr, vals: Float32Array, target: DevCsr): number {
    const { k, b, p, n, h } = this;
    const d = this.shape.d;
    this.encode(input, vals);
    let ehat = b.e;
    if (this.shape.attention) {
      this.attend();
      ehat = b.ehat;
    }
    k.gemmNN(ehat, p.w3, b.d1, n, d, h, p.b3, true);
    if (target.blockptr) k.sddmmBlocked(target.blockptr, target.blocks, target.indices, b.d1, p.w4, h, p.b4, b.out, n);
    else k.sddmm(target.indptr, target.indices, b.d1, p.w4, h, p.b4, b.out, 0, n);
    return k.sse(b.out, target.values, target.nnz);
  }

  /**
   * Forward and backward on the training targets with the current masked input (see {@link Net.drawDropout});
   * fills {@link Net.grads} and returns the training loss (masked RMSE).
   */
  lossAndGrads(): number {
    const { k, b, p, g, n, h } = this;
    const { d } = this.shape;
    const train = b.train;
    const N = train.nnz;
    const loss = Math.sqrt(this.forward(train, b.masked, train) / N);
    // d loss / d ŷ_e = (ŷ_e − y_e) / (N·loss), through the output LeakyReLU
    const scale = loss > 0 ? 1 / (N * loss) : 0;
    const gOut = b.gOut;
    k.lossGrad(b.out, train.values, N, scale, gOut);
    // sampled product: dD1 rows from W4 rows, dW4/db4 per output column through the column view
    this.spmm(train, gOut, p.w4, null, b.dD1, false);
    this.spmmT(gOut, b.d1, g.w4, g.b4);
    k.leakyBwdColsum(b.dD1, b.d1, n, h, g.b3);
    const ehat = this.shape.attention ? b.ehat : b.e;
    k.gemmTN(ehat, b.dD1, g.w3, n, d, h);
    k.gemmNT(b.dD1, p.w3, b.dEhat, n, h, d);
    if (this.shape.attention) this.attendBackward();
    else b.dE.set(b.dEhat);
    k.leakyBwdColsum(b.dE, b.e, n, d, g.b2);
    k.gemmTN(b.h1, b.dE, g.w2, n, h, d);
    k.gemmNT(b.dE, p.w2, b.dH1, n, d, h);
    k.leakyBwdColsum(b.dH1, b.h1, n, h, g.b1);
    this.spmmT(b.masked, b.dH1, g.w1, null);
    return loss;
  }

  /** Backward through LayerNorm and grouped attention: dEhat → dE and the attention parameter gradients. */
  private attendBackward(): void {
    const { k, b, p, g, n, h } = this;
    const { d, nf } = this.shape;
    const G = this.groups!.count.length;
    b.dM.fill(0);
    g.alpha[0] = k.mixLayerNormBwd(b.dEhat, b.xhat, b.rstd, b.e, b.mm, b.group, n, d, p.alpha[0], p.gamma, g.gamma, g.beta, b.dM, b.dE);
    // M = P·Ē: dP = dM·Ēᵀ, dĒ = Pᵀ·dM; Ē = group mean of E
    k.gemmNT(b.dM, b.ebar, b.dP, G, d, G);
    k.gemmTN(b.prob, b.dM, b.dEbar, G, G, d);
    k.segmentAddScaled(b.dE, b.dEbar, b.group, b.invCount, n, d);
    // softmax backward (the log-count shift is a constant)
    const dP = b.dP;
    k.softmaxBwd(b.prob, dP, G);
    // L = q̂·k̂ᵀ: dq̂ = dL·k̂, dk̂ = dLᵀ·q̂ (through the feature space when narrower: k̂ = diag(1/‖k‖)·F̃·W̃k)
    const f1 = nf + 1;
    if (this.lowRank) {
      k.gemmNN(dP, b.fk, b.lowA, G, G, f1, null, false);
      k.gemmNN(b.lowA, this.wkt, b.dq, G, f1, h, null, false);
      k.gemmTN(dP, b.fq, b.lowA, G, G, f1);
      k.gemmNN(b.lowA, this.wqt, b.dk, G, f1, h, null, false);
    } else {
      k.gemmNN(dP, b.kr, b.dq, G, G, h, null, false);
      k.gemmTN(dP, b.qr, b.dk, G, G, h);
    }
    k.normalizeBwd(b.dq, b.qr, b.qn, G, h);
    k.normalizeBwd(b.dk, b.kr, b.kn, G, h);
    // [dW; db] = F̃ᵀ·dQ in one product (F̃'s last column is ones)
    k.gemmTN(b.ft, b.dq, this.gwqt, G, f1, h);
    k.gemmTN(b.ft, b.dk, this.gwkt, G, f1, h);
  }

  /** One ADOPT step with the current gradients. */
  applyAdopt(o: StepOptions): void {
    const b = this.b;
    this.k.adopt(b.params, b.grads, b.adoptM, b.adoptV, o.learningRate, o.beta1, o.beta2, o.eps, o.weightDecay, this.steps);
    this.steps++;
  }

  /** Evaluation-mode pass: input train+validation, RMSE at the validation entries (NaN if there are none). */
  validationRmse(): number {
    const v = this.b.validation;
    if (v.nnz === 0) return Number.NaN;
    const all = this.b.all;
    return Math.sqrt(this.forward(all, all.values, v) / v.nnz);
  }

  /** Evaluation-mode embeddings on train+validation input: E (n × d) and, for the attention model, Ê. */
  embeddings(): { e: Float32Array; ehat?: Float32Array } {
    const all = this.b.all;
    this.encode(all, all.values);
    const e = this.b.e.slice();
    if (!this.shape.attention) return { e };
    this.paramsChanged();
    this.attend();
    return { e, ehat: this.b.ehat.slice() };
  }

  /** Optimizer state (for tests and checkpoints): first and second moments. */
  get optimizerState(): { m: Float32Array; v: Float32Array } {
    return { m: this.b.adoptM, v: this.b.adoptV };
  }
}

/** Runs the encoder alone on an arbitrary CSR (eval mode) with the given first two layers; returns E (rows × d). */
export function encodeCsr(ctx: KernelContext, p: Pick<ParamViews, 'w1' | 'b1' | 'w2' | 'b2'>, d: number, input: CsrMatrix): Float32Array {
  const h = 2 * d;
  const n = input.rows;
  const x = allocCsr(ctx, input, 0);
  fillCsr(x, input, 0);
  const w1 = ctx.f32(p.w1.length);
  const b1 = ctx.f32(h);
  const w2 = ctx.f32(p.w2.length);
  const b2 = ctx.f32(d);
  w1.set(p.w1);
  b1.set(p.b1);
  w2.set(p.w2);
  b2.set(p.b2);
  const h1 = ctx.f32(n * h);
  const e = ctx.f32(n * d);
  ctx.kernels.spmm(x.indptr, x.indices, x.values, w1, h, b1, h1, 0, n, true);
  ctx.kernels.gemmNN(h1, w2, e, n, h, d, b2, true);
  return e.slice();
}

/** Bytes {@link encodeCsr} allocates for an input. */
export function encodeBytes(counter: Allocator & { bytes: number }, m: number, d: number, input: CsrMatrix): number {
  const h = 2 * d;
  allocCsr(counter, input, 0);
  counter.f32(m * h);
  counter.f32(h);
  counter.f32(h * d);
  counter.f32(d);
  counter.f32(input.rows * h);
  counter.f32(input.rows * d);
  return counter.bytes;
}
