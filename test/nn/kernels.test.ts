import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createRng } from '../../src/core/rng.js';
import type { CsrMatrix } from '../../src/core/types.js';
import { blockCount, columnBlocks, createJsContext, type KernelContext } from '../../src/nn/kernels.js';
import { BLOCK_COLS, chooseOrientation, STREAM_THRESHOLD_BYTES } from '../../src/nn/network.js';
import { cscOf } from '../../src/nn/sparse.js';
import { createWasmContext } from '../../src/nn/wasm-kernels.js';
import { maxAbsDiff, randomProblem } from './helpers.js';

/** `x` without the entries of every fifth row (from row 2), so kernels meet empty rows. */
function emptyRows(x: CsrMatrix): CsrMatrix {
  const indptr = new Int32Array(x.rows + 1);
  const keep: number[] = [];
  for (let r = 0; r < x.rows; r++) {
    if (r % 5 !== 2) for (let e = x.indptr[r]; e < x.indptr[r + 1]; e++) keep.push(e);
    indptr[r + 1] = keep.length;
  }
  return { rows: x.rows, cols: x.cols, indptr, indices: Int32Array.from(keep, (e) => x.indices[e]), values: Float32Array.from(keep, (e) => x.values[e]) };
}

/**
 * A random n × m pattern (some values 0, like dropped inputs; some rows empty) and dense operands, copied into the
 * context's memory.
 */
function operands(ctx: KernelContext, n: number, m: number, k: number, seed: number) {
  const train = emptyRows(randomProblem(seed, n, m, 0, 1, 0.5).train);
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
    mByK: fill(m * k),
    biasK: fill(k),
    biasM: fill(m),
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

/** n × m × k problem sizes: k = 128 is the production width (hidden h = 2d at d = 64); 5 and 6 exercise the scalar tails. */
const SIZES = [
  [37, 23, 128],
  [19, 41, 5],
  [8, 8, 6],
] as const;

describe('spmmTByRows equals spmmT bit for bit', () => {
  for (const [name, make] of contexts) {
    for (const [n, m, k] of SIZES) {
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

describe('column-blocked kernels equal the row-wise ones bit for bit', () => {
  for (const [name, make] of contexts) {
    for (const [n, m, k] of SIZES) {
      // blocks of 1 column, uneven blocks, exactly one block, one block wider than m
      for (const blockCols of [1, 3, 7, m, m + 5]) {
        it(`${name} n=${n} m=${m} k=${k} blockCols=${blockCols}`, () => {
          const ctx = make();
          const K = ctx.kernels;
          const o = operands(ctx, n, m, k, n * 100 + k);
          const blocks = blockCount(m, blockCols);
          const bp = ctx.i32((blocks + 1) * n);
          columnBlocks(o.indptr, o.indices, n, m, blockCols, bp);
          assert.ok(o.nnz > 0 && o.indptr[3] === o.indptr[2], 'row 2 is empty');
          for (const [bias, leaky] of [
            [o.biasK, true],
            [null, false],
          ] as const) {
            K.spmm(o.indptr, o.indices, o.vals, o.mByK, k, bias, o.out1, 0, n, leaky);
            o.out2.fill(7);
            K.spmmBlocked(bp, blocks, o.indices, o.vals, o.mByK, k, bias, o.out2, n, leaky);
            assert.deepEqual(o.out2.subarray(0, n * k), o.out1.subarray(0, n * k), `spmm leaky=${leaky}`);
          }
          const sd1 = ctx.f32(o.nnz);
          const sd2 = ctx.f32(o.nnz);
          K.sddmm(o.indptr, o.indices, o.nByK, o.mByK, k, o.biasM, sd1, 0, n);
          K.sddmmBlocked(bp, blocks, o.indices, o.nByK, o.mByK, k, o.biasM, sd2, n);
          assert.deepEqual(sd2, sd1, 'sddmm');
          K.spmmT(o.colptr, o.rowidx, o.perm, o.vals, o.nByK, k, o.out1, 0, m, o.sums1);
          o.out2.fill(7);
          o.sums2.fill(7);
          K.spmmTBlocked(bp, blocks, o.indices, o.vals, o.nByK, k, o.out2, n, m, o.sums2);
          assert.deepEqual(o.out2.subarray(0, m * k), o.out1.subarray(0, m * k), 'spmmT');
          assert.deepEqual(o.sums2, o.sums1, 'spmmT column sums');
          assert.ok(o.out1.subarray(0, m * k).some((v) => v !== 0));
        });
      }
    }
  }

  it('columnBlocks slices each row at the block boundaries', () => {
    // rows: [0, 2, 5], [], [1, 3, 4, 6]; blocks of 2 columns over m = 7 → 4 blocks
    const indptr = Int32Array.of(0, 3, 3, 7);
    const indices = Int32Array.of(0, 2, 5, 1, 3, 4, 6);
    const bp = new Int32Array(5 * 3);
    columnBlocks(indptr, indices, 3, 7, 2, bp);
    assert.deepEqual(Array.from(bp), [0, 3, 3, 1, 3, 4, 2, 3, 5, 3, 3, 6, 3, 3, 7]);
  });
});

describe('chooseOrientation', () => {
  it('streams the rows only when they are the bigger side and above the threshold (ML-20M shapes, h = 128)', () => {
    assert.deepEqual(chooseOrientation(138493, 26744, 128), { rows: true, blockCols: 0 });
    // the movie side (138k-row W1/W4 far above the threshold) walks column blocks
    assert.deepEqual(chooseOrientation(26744, 138493, 128), { rows: false, blockCols: BLOCK_COLS });
    // ML-1M / ML-100K stay on the classic kernels
    assert.deepEqual(chooseOrientation(6040, 3706, 128), { rows: false, blockCols: 0 });
    assert.deepEqual(chooseOrientation(3706, 6040, 128), { rows: false, blockCols: 0 });
    assert.deepEqual(chooseOrientation(1682, 943, 128), { rows: false, blockCols: 0 });
    assert.ok(6040 * 128 * 4 < STREAM_THRESHOLD_BYTES);
    assert.deepEqual(chooseOrientation(13, 11, 8, 0), { rows: true, blockCols: BLOCK_COLS });
    assert.deepEqual(chooseOrientation(11, 13, 8, 0, 4), { rows: false, blockCols: 4 });
    assert.deepEqual(chooseOrientation(13, 11, 8, Number.POSITIVE_INFINITY), { rows: false, blockCols: 0 });
  });
});
