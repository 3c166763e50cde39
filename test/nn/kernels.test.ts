import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../src/data/rng.js';
import { createJsContext, type KernelContext } from '../../src/nn/kernels.js';
import { chooseOrientation, STREAM_THRESHOLD_BYTES } from '../../src/nn/model.js';
import { cscOf } from '../../src/nn/sparse.js';
import { createWasmContext } from '../../src/nn/wasm-kernels.js';
import { maxAbsDiff, randomProblem } from './helpers.js';

/** A random n × m pattern (some values 0, like dropped inputs) and dense operands, copied into the context's memory. */
function operands(ctx: KernelContext, n: number, m: number, k: number, seed: number) {
  const { train } = randomProblem(seed, n, m, 0, 1, 0.5);
  const nnz = train.indptr[n];
  const rng = createRng(seed + 1);
  const fill = (len: number, zeros = 0): Float32Array => {
    const a = ctx.f32(len);
    for (let i = 0; i < len; i++) a[i] = rng.next() < zeros ? 0 : rng.nextNormal();
    return a;
  };
  const i32 = (src: Int32Array): Int32Array => {
    const a = ctx.i32(src.length);
    a.set(src);
    return a;
  };
  const csc = cscOf(train);
  return {
    nnz,
    indptr: i32(train.indptr),
    indices: i32(train.indices.subarray(0, nnz)),
    colptr: i32(csc.colptr),
    rowidx: i32(csc.rowidx),
    perm: i32(csc.perm),
    vals: fill(nnz, 0.3),
    nByK: fill(n * k),
    out1: ctx.f32(Math.max(n, m) * k),
    out2: ctx.f32(Math.max(n, m) * k),
    sums1: ctx.f32(m),
    sums2: ctx.f32(m),
  };
}

const contexts: [string, () => KernelContext][] = [
  ['cpu', createJsContext],
  ['wasm', () => createWasmContext(1 << 22)],
];

describe('spmmTByRows equals spmmT bit for bit', () => {
  for (const [name, make] of contexts) {
    // k = 128 is the production width (hidden h = 2d at d = 64); 5 and 6 exercise the scalar tails
    for (const [n, m, k] of [
      [37, 23, 128],
      [19, 41, 5],
      [8, 8, 6],
    ] as const) {
      it(`${name} n=${n} m=${m} k=${k}`, () => {
        const ctx = make();
        const K = ctx.kernels;
        const o = operands(ctx, n, m, k, n * 100 + k);
        K.spmmT(o.colptr, o.rowidx, o.perm, o.vals, o.nByK, k, o.out1, 0, m, o.sums1);
        // garbage in the outputs: the streamed kernel must overwrite, not accumulate
        o.out2.fill(7);
        o.sums2.fill(7);
        K.spmmTByRows(o.indptr, o.indices, o.vals, o.nByK, k, o.out2, n, m, o.sums2);
        assert.deepEqual(o.out2.subarray(0, m * k), o.out1.subarray(0, m * k), 'spmmT');
        assert.deepEqual(o.sums2, o.sums1, 'spmmT column sums');
        assert.ok(o.sums1.some((s) => s !== 0));
        K.spmmTByRows(o.indptr, o.indices, o.vals, o.nByK, k, o.out2, n, m, null);
        assert.deepEqual(o.out2.subarray(0, m * k), o.out1.subarray(0, m * k), 'spmmT without sums');
      });
    }
  }

  it('wasm spmmTByRows agrees with the TypeScript one within float32 rounding', () => {
    const [n, m, k] = [29, 31, 128];
    const run = (ctx: KernelContext) => {
      const o = operands(ctx, n, m, k, 3);
      const K = ctx.kernels;
      K.spmmTByRows(o.indptr, o.indices, o.vals, o.nByK, k, o.out2, n, m, o.sums1);
      return [o.out2.slice(0, m * k), o.sums1.slice()];
    };
    const js = run(createJsContext());
    const wa = run(createWasmContext(1 << 22));
    for (let i = 0; i < js.length; i++) {
      const scale = Math.max(1, ...js[i].map(Math.abs));
      assert.ok(js[i].some((v) => v !== 0));
      assert.ok(maxAbsDiff(js[i], wa[i]) <= 1e-5 * scale, `output ${i}: ${maxAbsDiff(js[i], wa[i])}`);
    }
  });
});

describe('chooseOrientation', () => {
  it('streams the rows only when they are the bigger side and above the threshold (ML-20M shapes, h = 128)', () => {
    assert.deepEqual(chooseOrientation(138493, 26744, 128), { rows: true });
    // the movie side (rows are the smaller side) and ML-1M / ML-100K stay on the classic kernel
    assert.deepEqual(chooseOrientation(26744, 138493, 128), { rows: false });
    assert.deepEqual(chooseOrientation(6040, 3706, 128), { rows: false });
    assert.deepEqual(chooseOrientation(1682, 943, 128), { rows: false });
    assert.ok(6040 * 128 * 4 < STREAM_THRESHOLD_BYTES);
    assert.deepEqual(chooseOrientation(13, 11, 8, 0), { rows: true });
    assert.deepEqual(chooseOrientation(11, 13, 8, 0), { rows: false });
    assert.deepEqual(chooseOrientation(13, 11, 8, Number.POSITIVE_INFINITY), { rows: false });
  });
});
