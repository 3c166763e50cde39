/**
 * XGBoost benchmark: ours (XGBRegressor over libxgboost via koffi) vs Python's xgboost.XGBRegressor, same data,
 * same parameters, same run, alternating which goes first.
 *
 * Setup: the paper's Table II setup 4 (1900 trees, max_depth 9, learning_rate 0.01, subsample 1,
 * colsample_bytree 0.2, reg_lambda 1, reg_alpha 3, hist, nthread 2) on a seeded synthetic 68,000 x 178 float32
 * matrix shaped like RSAttAE's XGBoost input (user embedding 64 + user one-hots 30 + movie embedding 64 + movie
 * one-hots 20), with ratings 1..5 from a latent-factor model, so trees grow deep. Predictions are timed on a
 * 20,000-row test matrix (the size of MovieLens u1.test) and compared between the two implementations.
 *
 * Usage: node dist/bench/xgboost/bench.js [--trees 1900] [--repeats 1] [--threads 2] [--async] [--out results.json]
 *          [--data-dir DIR]
 *   --data-dir keep the raw float32 data files (x.f32, y.f32, xt.f32) in DIR instead of a temporary folder
 *   --async   train ours with fitAsync + an onIteration callback (what a progress bar costs)
 * Run under `flock /tmp/rsattae-bench.lock ...` so benchmarks do not overlap.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Float32Matrix } from '../../src/core/types.js';
import { XGBRegressor, xgboostLibraryPath, xgboostVersion } from '../../src/gbdt/index.js';

const { values: args } = parseArgs({
  options: {
    trees: { type: 'string', default: '1900' },
    repeats: { type: 'string', default: '1' },
    threads: { type: 'string', default: '2' },
    rows: { type: 'string', default: '68000' },
    'test-rows': { type: 'string', default: '20000' },
    python: { type: 'string', default: process.env.XGBOOST_PYTHON ?? '/usr/bin/python3' },
    async: { type: 'boolean', default: false },
    out: { type: 'string' },
    'data-dir': { type: 'string' },
  },
});
const trees = Number(args.trees);
const repeats = Number(args.repeats);
const threads = Number(args.threads);
const rows = Number(args.rows);
const testRows = Number(args['test-rows']);
const COLS = 178;

/** mulberry32, seeded: the data is identical on every run. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/**
 * RSAttAE-shaped features for (user, movie) pairs: 943 users and 1682 movies (MovieLens 100K sizes) with 8 latent
 * factors; embeddings are tanh of random projections of the latent factors plus noise; user one-hots are age (7),
 * gender (2), occupation (21); movie multi-hots are 19 genres plus a scaled release year. The rating mixes the latent
 * dot product, per-entity biases and a genre x occupation interaction, rounded to 1..5.
 */
function makeData(nTrain: number, nTest: number, seed: number): { X: Float32Matrix; y: Float32Array; Xt: Float32Matrix } {
  const u = rng(seed);
  const K = 8;
  const E = 64;
  const nUsers = 943;
  const nItems = 1682;
  const latent = (n: number) => Array.from({ length: n }, () => Float64Array.from({ length: K }, () => normal(u)));
  const zu = latent(nUsers);
  const zi = latent(nItems);
  const proj = (n: number) => Array.from({ length: E }, () => Float64Array.from({ length: n }, () => normal(u) / Math.sqrt(n)));
  const pu = proj(K);
  const pi = proj(K);
  const embed = (z: Float64Array[], p: Float64Array[]) =>
    z.map((v) => Float32Array.from(p, (row) => Math.tanh(row.reduce((s, w, k) => s + w * v[k]!, 0) * 1.5 + 0.3 * normal(u))));
  const eu = embed(zu, pu);
  const ei = embed(zi, pi);
  const userFeat = zu.map(() => {
    const f = new Float32Array(30);
    f[Math.floor(u() * 7)] = 1;
    f[7 + Math.floor(u() * 2)] = 1;
    f[9 + Math.floor(u() * 21)] = 1;
    return f;
  });
  const itemFeat = zi.map(() => {
    const f = new Float32Array(20);
    for (let g = 0; g < 19; g++) if (u() < 0.12) f[g] = 1;
    f[19] = u();
    return f;
  });
  const bu = zu.map(() => 0.4 * normal(u));
  const bi = zi.map(() => 0.5 * normal(u));
  const taste = Array.from({ length: 21 }, () => Float64Array.from({ length: 19 }, () => 0.6 * normal(u)));

  const build = (n: number) => {
    const data = new Float32Array(n * COLS);
    const y = new Float32Array(n);
    for (let r = 0; r < n; r++) {
      const a = Math.floor(u() * nUsers);
      const b = Math.floor(u() * nItems);
      const o = r * COLS;
      data.set(eu[a]!, o);
      data.set(userFeat[a]!, o + 64);
      data.set(ei[b]!, o + 94);
      data.set(itemFeat[b]!, o + 158);
      let dot = 0;
      for (let k = 0; k < K; k++) dot += zu[a]![k]! * zi[b]![k]!;
      const occ = userFeat[a]!.subarray(9).indexOf(1);
      let inter = 0;
      for (let g = 0; g < 19; g++) inter += itemFeat[b]![g]! * taste[occ]![g]!;
      const score = 3.5 + (0.8 * dot) / Math.sqrt(K) + bu[a]! + bi[b]! + inter + 0.7 * normal(u);
      y[r] = Math.min(5, Math.max(1, Math.round(score)));
    }
    return { X: { rows: n, cols: COLS, data }, y };
  };
  const train = build(nTrain);
  const test = build(nTest);
  return { X: train.X, y: train.y, Xt: test.X };
}

interface Timing {
  fitSeconds: number;
  predictSeconds: number;
}

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const params = {
  nEstimators: trees,
  maxDepth: 9,
  learningRate: 0.01,
  subsample: 1,
  colsampleBytree: 0.2,
  regLambda: 1,
  regAlpha: 3,
  treeMethod: 'hist' as const,
  nThread: threads,
  seed: 42,
};
const pyParams = {
  objective: 'reg:squarederror',
  n_estimators: trees,
  max_depth: 9,
  learning_rate: 0.01,
  subsample: 1,
  colsample_bytree: 0.2,
  reg_lambda: 1,
  reg_alpha: 3,
  tree_method: 'hist',
  n_jobs: threads,
  random_state: 42,
};

async function runOurs(X: Float32Matrix, y: Float32Array, Xt: Float32Matrix): Promise<Timing & { pred: Float32Array }> {
  const model = new XGBRegressor(params);
  const t0 = performance.now();
  if (args.async) await model.fitAsync(X, y, { onIteration: () => {} });
  else model.fit(X, y);
  const t1 = performance.now();
  const pred = model.predict(Xt);
  const t2 = performance.now();
  model.dispose();
  return { fitSeconds: (t1 - t0) / 1000, predictSeconds: (t2 - t1) / 1000, pred };
}

function runPython(dir: string, files: { x: string; y: string; xt: string }): Timing & { pred: Float32Array; version: string } {
  const script = fileURLToPath(new URL('../../../bench/xgboost/py_bench.py', import.meta.url));
  const out = path.join(dir, 'pred_py.f32');
  const spec = path.join(dir, 'spec.json');
  writeFileSync(spec, JSON.stringify({ ...files, rows, cols: COLS, trows: testRows, params: pyParams, out }));
  const r = spawnSync(args.python!, [script, spec], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`python benchmark failed: ${r.stderr || r.error?.message}`);
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { fit_seconds: number; predict_seconds: number; xgboost: string };
  return {
    fitSeconds: res.fit_seconds,
    predictSeconds: res.predict_seconds,
    version: res.xgboost,
    pred: new Float32Array(new Uint8Array(readFileSync(out)).buffer),
  };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const { X, y, Xt } = makeData(rows, testRows, 20240601);
  const genSeconds = (performance.now() - t0) / 1000;
  const dir = args['data-dir'] ?? mkdtempSync(path.join(tmpdir(), 'rsattae-xgb-bench-'));
  mkdirSync(dir, { recursive: true });
  try {
    const write = (name: string, a: Float32Array) => {
      const file = path.join(dir, name);
      writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
      return file;
    };
    const files = { x: write('x.f32', X.data), y: write('y.f32', y), xt: write('xt.f32', Xt.data) };
    const runs: {
      order: string;
      ours: Timing;
      python: Timing;
      fitRatio: number;
      predictRatio: number;
      maxAbsPredictionDiff: number;
    }[] = [];
    let pythonVersion = '';
    for (let r = 0; r < repeats; r++) {
      const oursFirst = r % 2 === 0;
      let ours: Awaited<ReturnType<typeof runOurs>>;
      let py: ReturnType<typeof runPython>;
      if (oursFirst) {
        ours = await runOurs(X, y, Xt);
        py = runPython(dir, files);
      } else {
        py = runPython(dir, files);
        ours = await runOurs(X, y, Xt);
      }
      pythonVersion = py.version;
      let diff = 0;
      for (let i = 0; i < ours.pred.length; i++) diff = Math.max(diff, Math.abs(ours.pred[i]! - py.pred[i]!));
      const run = {
        order: oursFirst ? 'ours,python' : 'python,ours',
        ours: { fitSeconds: ours.fitSeconds, predictSeconds: ours.predictSeconds },
        python: { fitSeconds: py.fitSeconds, predictSeconds: py.predictSeconds },
        fitRatio: ours.fitSeconds / py.fitSeconds,
        predictRatio: ours.predictSeconds / py.predictSeconds,
        maxAbsPredictionDiff: diff,
      };
      runs.push(run);
      process.stderr.write(`repeat ${r + 1}/${repeats}: ${JSON.stringify(run)}\n`);
    }
    const result = {
      benchmark: 'xgboost fit/predict, ours vs python',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model ?? 'unknown' },
      libxgboost: { version: xgboostVersion(), path: xgboostLibraryPath() },
      pythonXgboost: pythonVersion,
      node: process.version,
      variant: args.async ? 'fitAsync + onIteration' : 'fit (sync)',
      data: { trainRows: rows, testRows, cols: COLS, generationSeconds: genSeconds },
      params,
      runs,
      ...(repeats > 1
        ? {
            median: {
              oursFitSeconds: median(runs.map((r) => r.ours.fitSeconds)),
              pythonFitSeconds: median(runs.map((r) => r.python.fitSeconds)),
              fitRatio: median(runs.map((r) => r.fitRatio)),
              oursPredictSeconds: median(runs.map((r) => r.ours.predictSeconds)),
              pythonPredictSeconds: median(runs.map((r) => r.python.predictSeconds)),
              predictRatio: median(runs.map((r) => r.predictRatio)),
            },
          }
        : {}),
    };
    const text = JSON.stringify(result, null, 2);
    if (args.out) writeFileSync(args.out, `${text}\n`);
    process.stdout.write(`${text}\n`);
  } finally {
    if (!args['data-dir']) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
