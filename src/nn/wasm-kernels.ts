/**
 * Loads the WebAssembly SIMD kernels (src/nn/wasm/kernels.c, embedded as base64) and wraps them as {@link Kernels}.
 * Each context gets its own instance and a memory sized once for the problem, so the typed arrays it hands out never
 * detach, and a kernel call is just pointer arithmetic — no copies.
 */
import { ALIGN, type KernelContext, type Kernels } from './kernels.js';
import { KERNELS_WASM_BASE64 } from './wasm-binary.js';

interface KernelExports {
  spmm(indptr: number, indices: number, vals: number, w: number, k: number, bias: number, out: number, r0: number, r1: number, leaky: number): void;
  spmmT(colptr: number, rowidx: number, perm: number, vals: number, y: number, k: number, g: number, c0: number, c1: number, sums: number): void;
  sddmm(indptr: number, indices: number, a: number, b: number, k: number, bias: number, out: number, r0: number, r1: number): void;
  spmmTByRows(indptr: number, indices: number, vals: number, y: number, k: number, g: number, n: number, m: number, sums: number): void;
  spmmBlocked(bp: number, blocks: number, indices: number, vals: number, w: number, k: number, bias: number, out: number, n: number, leaky: number): void;
  sddmmBlocked(bp: number, blocks: number, indices: number, a: number, b: number, k: number, bias: number, out: number, n: number): void;
  spmmTBlocked(bp: number, blocks: number, indices: number, vals: number, y: number, k: number, g: number, n: number, m: number, sums: number): void;
  gemmNN(a: number, b: number, c: number, n: number, p: number, k: number, bias: number, leaky: number): void;
  gemmTN(a: number, y: number, c: number, n: number, p: number, k: number): void;
  gemmNT(y: number, b: number, c: number, n: number, k: number, p: number): void;
  adopt(params: number, grads: number, m: number, v: number, n: number, lr: number, b1: number, b2: number, eps: number, wd: number, step: number, clip: number): void;
  leakyBwdColsum(dx: number, y: number, n: number, k: number, sums: number): void;
  segmentMean(e: number, group: number, invCount: number, n: number, d: number, G: number, ebar: number): void;
  segmentAddScaled(de: number, debar: number, group: number, invCount: number, n: number, d: number): void;
  mixLayerNorm(e: number, mm: number, group: number, n: number, d: number, alpha: number, gamma: number, beta: number, eps: number, xhat: number, rstd: number, ehat: number): void;
  mixLayerNormBwd(dehat: number, xhat: number, rstd: number, e: number, mm: number, group: number, n: number, d: number, alpha: number, gamma: number, ggamma: number, gbeta: number, dm: number, de: number): number;
  softmaxCounts(prob: number, count: number, G: number): void;
  softmaxBwd(prob: number, dp: number, G: number): void;
  normalizeRows(x: number, norms: number, n: number, k: number): void;
  normalizeBwd(dx: number, xhat: number, norms: number, n: number, k: number): void;
  scaleRows(x: number, norms: number, out: number, n: number, k: number): void;
  sse(out: number, y: number, n: number): number;
  lossGrad(out: number, y: number, n: number, scale: number, g: number): void;
  __heap_base: { value: number };
}

/** The slice of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

let compiled: object | null | undefined;

function module(): object | null {
  if (compiled === undefined) {
    try {
      compiled = new WA.Module(Buffer.from(KERNELS_WASM_BASE64, 'base64'));
    } catch {
      compiled = null; // no SIMD support in this runtime
    }
  }
  return compiled;
}

/** Whether this runtime can run the WebAssembly SIMD kernels. */
export function wasmKernelsAvailable(): boolean {
  return module() !== null;
}

const PAGE = 65536;

/** A context whose allocations live in a fresh WebAssembly memory of at least `bytes` capacity (plus the module's stack). */
export function createWasmContext(bytes: number): KernelContext {
  const mod = module();
  if (!mod) throw new Error('WebAssembly SIMD kernels are not supported by this runtime');
  // the stack (64 KiB) sits below __heap_base; reserve 2 pages for it plus the requested bytes
  const pages = Math.ceil((bytes + 2 * PAGE + ALIGN) / PAGE);
  const memory = new WA.Memory({ initial: pages });
  const instance = new WA.Instance(mod, { env: { memory } });
  const x = instance.exports as unknown as KernelExports;
  const buffer = memory.buffer;
  let next = Math.ceil(x.__heap_base.value / ALIGN) * ALIGN;
  const limit = buffer.byteLength;
  const take = (len: number): number => {
    const at = next;
    next += Math.ceil((len * 4) / ALIGN) * ALIGN;
    if (next > limit) throw new RangeError(`wasm kernel memory exhausted (${next} > ${limit} bytes)`);
    return at;
  };
  const ptr = (a: Float32Array | Int32Array | null): number => {
    if (a === null) return 0;
    if (a.buffer !== buffer) throw new Error('kernel operand is not in this context memory');
    return a.byteOffset;
  };
  const kernels: Kernels = {
    spmm: (indptr, indices, vals, w, k, bias, out, r0, r1, leaky) =>
      x.spmm(ptr(indptr), ptr(indices), ptr(vals), ptr(w), k, ptr(bias), ptr(out), r0, r1, leaky ? 1 : 0),
    spmmT: (colptr, rowidx, perm, vals, y, k, g, c0, c1, sums) =>
      x.spmmT(ptr(colptr), ptr(rowidx), ptr(perm), ptr(vals), ptr(y), k, ptr(g), c0, c1, ptr(sums)),
    sddmm: (indptr, indices, a, b, k, bias, out, r0, r1) => x.sddmm(ptr(indptr), ptr(indices), ptr(a), ptr(b), k, ptr(bias), ptr(out), r0, r1),
    spmmTByRows: (indptr, indices, vals, y, k, g, n, m, sums) => x.spmmTByRows(ptr(indptr), ptr(indices), ptr(vals), ptr(y), k, ptr(g), n, m, ptr(sums)),
    spmmBlocked: (bp, blocks, indices, vals, w, k, bias, out, n, leaky) =>
      x.spmmBlocked(ptr(bp), blocks, ptr(indices), ptr(vals), ptr(w), k, ptr(bias), ptr(out), n, leaky ? 1 : 0),
    sddmmBlocked: (bp, blocks, indices, a, b, k, bias, out, n) => x.sddmmBlocked(ptr(bp), blocks, ptr(indices), ptr(a), ptr(b), k, ptr(bias), ptr(out), n),
    spmmTBlocked: (bp, blocks, indices, vals, y, k, g, n, m, sums) =>
      x.spmmTBlocked(ptr(bp), blocks, ptr(indices), ptr(vals), ptr(y), k, ptr(g), n, m, ptr(sums)),
    gemmNN: (a, b, c, n, p, k, bias, leaky) => x.gemmNN(ptr(a), ptr(b), ptr(c), n, p, k, ptr(bias), leaky ? 1 : 0),
    gemmTN: (a, y, c, n, p, k) => x.gemmTN(ptr(a), ptr(y), ptr(c), n, p, k),
    gemmNT: (y, b, c, n, k, p) => x.gemmNT(ptr(y), ptr(b), ptr(c), n, k, p),
    adopt: (params, grads, m, v, lr, beta1, beta2, eps, weightDecay, step) =>
      x.adopt(ptr(params), ptr(grads), ptr(m), ptr(v), params.length, lr, beta1, beta2, eps, weightDecay, step, step ** 0.25),
    leakyBwdColsum: (dx, y, n, k, sums) => x.leakyBwdColsum(ptr(dx), ptr(y), n, k, ptr(sums)),
    segmentMean: (e, group, invCount, n, d, G, ebar) => x.segmentMean(ptr(e), ptr(group), ptr(invCount), n, d, G, ptr(ebar)),
    segmentAddScaled: (de, debar, group, invCount, n, d) => x.segmentAddScaled(ptr(de), ptr(debar), ptr(group), ptr(invCount), n, d),
    mixLayerNorm: (e, mm, group, n, d, alpha, gamma, beta, eps, xhat, rstd, ehat) =>
      x.mixLayerNorm(ptr(e), ptr(mm), ptr(group), n, d, alpha, ptr(gamma), ptr(beta), eps, ptr(xhat), ptr(rstd), ptr(ehat)),
    mixLayerNormBwd: (dehat, xhat, rstd, e, mm, group, n, d, alpha, gamma, ggamma, gbeta, dm, de) =>
      x.mixLayerNormBwd(ptr(dehat), ptr(xhat), ptr(rstd), ptr(e), ptr(mm), ptr(group), n, d, alpha, ptr(gamma), ptr(ggamma), ptr(gbeta), ptr(dm), ptr(de)),
    softmaxCounts: (prob, count, G) => x.softmaxCounts(ptr(prob), ptr(count), G),
    softmaxBwd: (prob, dp, G) => x.softmaxBwd(ptr(prob), ptr(dp), G),
    normalizeRows: (xs, norms, n, k) => x.normalizeRows(ptr(xs), ptr(norms), n, k),
    normalizeBwd: (dx, xhat, norms, n, k) => x.normalizeBwd(ptr(dx), ptr(xhat), ptr(norms), n, k),
    scaleRows: (xs, norms, out, n, k) => x.scaleRows(ptr(xs), ptr(norms), ptr(out), n, k),
    sse: (out, y, n) => x.sse(ptr(out), ptr(y), n),
    lossGrad: (out, y, n, scale, g) => x.lossGrad(ptr(out), ptr(y), n, scale, ptr(g)),
  };
  return {
    kind: 'wasm',
    kernels,
    f32: (len) => new Float32Array(buffer, take(len), len),
    i32: (len) => new Int32Array(buffer, take(len), len),
  };
}
