/**
 * Column-blocked sparse kernels (issue #10), single thread, WebAssembly SIMD: seconds per call of spmm, sddmm and
 * spmmT in their row-wise / column-view forms against the column-blocked ones (`Kernels.spmmBlocked` etc.) at several
 * block widths, on a random pattern of the ML-20M movie module's shape (26,744 rows × 138,493 columns, ~16M entries,
 * skewed columns, 20 % zero values, k = 128). Variants run interleaved, `--reps` times; medians of the process CPU
 * seconds per call are printed (wall seconds too: on a shared, loaded machine CPU time is the steadier measure), and
 * each blocked result is checked bit for bit against the row-wise one.
 *
 *   node dist/bench/scale/blocked.js [--shape 26744,138493,16000000] [--k 128] [--blocks 512,1024,2048,4096] [--reps 3]
 */
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { blockCount, columnBlocks, SizeCounter } from '../../src/nn/kernels.js';
import { cscOf } from '../../src/nn/sparse.js';
import { createWasmContext } from '../../src/nn/wasm-kernels.js';

const { values: args } = parseArgs({
  options: {
    shape: { type: 'string', default: '26744,138493,16000000' },
    k: { type: 'string', default: '128' },
    blocks: { type: 'string', default: '512,1024,2048,4096' },
    reps: { type: 'string', default: '3' },
  },
});
const [n, m, nnzWanted] = args.shape.split(',').map(Number);
const k = Number(args.k);
const widths = args.blocks.split(',').map(Number);
const reps = Number(args.reps);

// a fixed LCG: the pattern is the same in every run
let state = 12345;
const rnd = (): number => {
  state = (Math.imul(state, 1103515245) + 12345) >>> 0;
  return state / 4294967296;
};
const per = Math.floor(nnzWanted / n);
const indptr = new Int32Array(n + 1);
const idx: number[] = [];
for (let r = 0; r < n; r++) {
  const set = new Set<number>();
  while (set.size < per) set.add(Math.floor(m * rnd() ** 2));
  for (const c of [...set].sort((a, b) => a - b)) idx.push(c);
  indptr[r + 1] = idx.length;
}
const nnz = idx.length;
const csr = { rows: n, cols: m, indptr, indices: Int32Array.from(idx), values: new Float32Array(nnz) };
const csc = cscOf(csr);

const counter = new SizeCounter();
const layout = (a: SizeCounter | ReturnType<typeof createWasmContext>) => ({
  indptr: a.i32(n + 1),
  indices: a.i32(nnz),
  colptr: a.i32(m + 1),
  rowidx: a.i32(nnz),
  perm: a.i32(nnz),
  vals: a.f32(nnz),
  y: a.f32(n * k),
  w: a.f32(m * k),
  biasK: a.f32(k),
  biasM: a.f32(m),
  outN: [a.f32(n * k), a.f32(n * k)],
  outM: [a.f32(m * k), a.f32(m * k)],
  outE: [a.f32(nnz), a.f32(nnz)],
  sums: [a.f32(m), a.f32(m)],
  bp: widths.map((b) => a.i32((blockCount(m, b) + 1) * n)),
});
layout(counter);
const ctx = createWasmContext(counter.bytes);
const o = layout(ctx);
o.indptr.set(indptr);
o.indices.set(csr.indices);
o.colptr.set(csc.colptr);
o.rowidx.set(csc.rowidx);
o.perm.set(csc.perm);
for (let e = 0; e < nnz; e++) o.vals[e] = rnd() < 0.2 ? 0 : rnd();
for (const a of [o.y, o.w, o.biasK, o.biasM]) for (let i = 0; i < a.length; i++) a[i] = rnd() - 0.5;
for (const [i, b] of widths.entries()) columnBlocks(o.indptr, o.indices, n, m, b, o.bp[i]);
const K = ctx.kernels;

type Variant = { name: string; kernel: string; slot: number; run: () => void; out: () => Float32Array };
const variants: Variant[] = [
  { name: 'spmm row-wise', kernel: 'spmm', slot: 0, run: () => K.spmm(o.indptr, o.indices, o.vals, o.w, k, o.biasK, o.outN[0], 0, n, true), out: () => o.outN[0] },
  { name: 'sddmm row-wise', kernel: 'sddmm', slot: 0, run: () => K.sddmm(o.indptr, o.indices, o.y, o.w, k, o.biasM, o.outE[0], 0, n), out: () => o.outE[0] },
  {
    name: 'spmmT column view',
    kernel: 'spmmT',
    slot: 0,
    run: () => K.spmmT(o.colptr, o.rowidx, o.perm, o.vals, o.y, k, o.outM[0], 0, m, o.sums[0]),
    out: () => o.outM[0],
  },
  {
    name: 'spmmTByRows',
    kernel: 'spmmT',
    slot: 1,
    run: () => K.spmmTByRows(o.indptr, o.indices, o.vals, o.y, k, o.outM[1], n, m, o.sums[1]),
    out: () => o.outM[1],
  },
];
widths.forEach((b, i) => {
  const B = blockCount(m, b);
  const bp = o.bp[i];
  variants.push(
    { name: `spmmBlocked ${b}`, kernel: 'spmm', slot: 1, run: () => K.spmmBlocked(bp, B, o.indices, o.vals, o.w, k, o.biasK, o.outN[1], n, true), out: () => o.outN[1] },
    { name: `sddmmBlocked ${b}`, kernel: 'sddmm', slot: 1, run: () => K.sddmmBlocked(bp, B, o.indices, o.y, o.w, k, o.biasM, o.outE[1], n), out: () => o.outE[1] },
    {
      name: `spmmTBlocked ${b}`,
      kernel: 'spmmT',
      slot: 1,
      run: () => K.spmmTBlocked(bp, B, o.indices, o.vals, o.y, k, o.outM[1], n, m, o.sums[1]),
      out: () => o.outM[1],
    },
  );
});

const reference = new Map<string, Float32Array>();
const identical = new Map<string, boolean>();
const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
const cpuTimes = new Map<string, number[]>(variants.map((v) => [v.name, []]));
const loadBefore = loadavg();
for (let rep = 0; rep < reps; rep++) {
  for (const v of variants) {
    const t = performance.now();
    const c = process.cpuUsage();
    v.run();
    const used = process.cpuUsage(c);
    times.get(v.name)?.push((performance.now() - t) / 1000);
    cpuTimes.get(v.name)?.push((used.user + used.system) / 1e6);
    if (rep > 0) continue;
    // row-wise results (slot 0) run first for each kernel: compare every other variant's output to them
    if (v.slot === 0) reference.set(v.kernel, v.out().slice());
    else {
      const ref = reference.get(v.kernel);
      const got = v.out();
      identical.set(v.name, ref !== undefined && Buffer.from(ref.buffer).equals(Buffer.from(got.buffer, got.byteOffset, got.byteLength)));
    }
  }
}
const median = (a: number[]): number => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
const round = (x: number): number => Number(x.toFixed(3));
const summary = (t: Map<string, number[]>) =>
  Object.fromEntries(variants.map((v) => [v.name, { median: round(median(t.get(v.name) ?? [])), runs: (t.get(v.name) ?? []).map(round) }]));
process.stdout.write(
  `${JSON.stringify({
    benchmark: 'scale-blocked-kernels',
    date: new Date().toISOString(),
    command: `node dist/bench/scale/blocked.js ${process.argv.slice(2).join(' ')}`,
    shape: { n, m, nnz, k },
    loadAverageBefore: loadBefore,
    loadAverageAfter: loadavg(),
    cpuSecondsPerCall: summary(cpuTimes),
    wallSecondsPerCall: summary(times),
    bitIdenticalToRowWise: Object.fromEntries(identical),
  })}\n`,
);
