/**
 * Loads the FM's WebAssembly kernels (src/fm/wasm/kernels.c, embedded as base64) and wraps them as {@link FmKernels}.
 * Each context gets its own instance and a memory sized once for the problem, so its arrays never detach and a kernel
 * call passes byte offsets only.
 */
import type { FmContext, FmKernels, ScoredBlock } from './kernels.js';
import { FM_KERNELS_WASM_BASE64 } from './wasm-binary.js';

interface Exports {
  blockQ(entities: number, indptr: number, indices: number, values: number, v: number, q: number, qs: number): void;
  addRows(n: number, re: number, q: number, qt: number): void;
  gatherRows(n: number, re: number, q: number, qs: number, qt: number, e: number, sums: number): void;
  drawColumns(
    cols: number,
    colptr: number,
    entity: number,
    value: number,
    card: number,
    q: number,
    qs: number,
    sums: number,
    v: number,
    groups: number,
    g0: number,
    lamV: number,
    muV: number,
    alpha: number,
    normals: number,
  ): void;
  scatterRows(n: number, re: number, q: number, qs: number, qt: number, e: number): void;
  entityTerms(entities: number, indptr: number, indices: number, values: number, w: number, v: number, stride: number, k: number, constant: number, q: number): void;
  scoreRows3(n: number, k: number, w0: number, re0: number, c0: number, q0: number, re1: number, c1: number, q1: number, re2: number, c2: number, q2: number, target: number, out: number): void;
  __heap_base: { value: number };
}

/** The slice of the WebAssembly JS API used here (the project's lib settings do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: object };
  Memory: new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
}

const WA = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;
const PAGE = 65_536;
const ALIGN = 16;

let compiled: object | null | undefined;

function module(): object | null {
  if (compiled === undefined) {
    try {
      compiled = WA ? new WA.Module(Buffer.from(FM_KERNELS_WASM_BASE64, 'base64')) : null;
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** Whether this runtime can run the FM's WebAssembly kernels. */
export function fmWasmAvailable(): boolean {
  return module() !== null;
}

/**
 * A context whose arrays live in a fresh WebAssembly memory of at least `bytes` capacity.
 * @throws Error when the runtime has no WebAssembly, or (on allocation) when `bytes` runs out
 */
export function createFmWasmContext(bytes: number): FmContext {
  const mod = module();
  if (!mod || !WA) throw new Error('WebAssembly is not available in this runtime');
  const pages = Math.ceil((bytes + 2 * PAGE + ALIGN) / PAGE);
  const memory = new WA.Memory({ initial: pages });
  const x = new WA.Instance(mod, { env: { memory } }).exports as unknown as Exports;
  const buffer = memory.buffer;
  let next = Math.ceil(x.__heap_base.value / ALIGN) * ALIGN;
  const take = (bytesNeeded: number): number => {
    const at = next;
    next += Math.ceil(bytesNeeded / ALIGN) * ALIGN;
    if (next > buffer.byteLength) throw new RangeError(`FM kernel memory exhausted (${next} > ${buffer.byteLength} bytes)`);
    return at;
  };
  const ptr = (a: Float64Array | Int32Array, at = 0): number => {
    if (a.buffer !== buffer) throw new Error('an FM kernel operand is not in this context memory');
    return a.byteOffset + at * a.BYTES_PER_ELEMENT;
  };
  const kernels: FmKernels = {
    blockQ: (entities, indptr, indices, values, v, vAt, q, qs) => x.blockQ(entities, ptr(indptr), ptr(indices), ptr(values), ptr(v, vAt), ptr(q), ptr(qs)),
    addRows: (n, re, q, qt) => x.addRows(n, ptr(re), ptr(q), ptr(qt)),
    gatherRows: (n, re, q, qs, qt, e, sums) => x.gatherRows(n, ptr(re), ptr(q), ptr(qs), ptr(qt), ptr(e), ptr(sums)),
    drawColumns: (cols, colptr, entity, value, card, q, qs, sums, v, vAt, groups, g0, lamV, muV, alpha, normals) =>
      x.drawColumns(cols, ptr(colptr), ptr(entity), ptr(value), ptr(card), ptr(q), ptr(qs), ptr(sums), ptr(v, vAt), ptr(groups), g0, ptr(lamV), ptr(muV), alpha, ptr(normals)),
    scatterRows: (n, re, q, qs, qt, e) => x.scatterRows(n, ptr(re), ptr(q), ptr(qs), ptr(qt), ptr(e)),
    entityTerms: (entities, indptr, indices, values, w, wAt, v, vAt, stride, k, constant, q) =>
      x.entityTerms(entities, ptr(indptr), ptr(indices), ptr(values), ptr(w, wAt), ptr(v, vAt), stride, k, ptr(constant), ptr(q)),
    scoreRows: (n, k, w0, blocks, target, out) => {
      if (blocks.length < 1 || blocks.length > 3) throw new Error(`the FM kernels score rows of one to three blocks, not ${blocks.length}`);
      const [b0, b1, b2] = blocks;
      const p3 = (b: ScoredBlock | undefined): [number, number, number] => (b ? [ptr(b.re), ptr(b.constant), ptr(b.q)] : [0, 0, 0]);
      x.scoreRows3(n, k, w0, ...p3(b0), ...p3(b1), ...p3(b2), target ? ptr(target) : 0, ptr(out));
    },
  };
  return {
    kind: 'wasm',
    kernels,
    f64: (n) => new Float64Array(buffer, take(n * 8), n),
    i32: (n) => new Int32Array(buffer, take(n * 4), n),
  };
}
