/**
 * Dense matrix vs callback-fed QuantileDMatrix (issue #10): peak RSS and fit time of XGBRegressor.fit on the
 * pipeline's own rows, once as one `buildRows` matrix and once as a `pairRowSource` (65,536-row batches).
 *
 * Data: seeded RSAttAE-shaped tables (10,000 users and 3,000 items, 64-d embeddings, 30 / 20 one-hot features:
 * rows of 178 values) and `--rows` random (user, item) pairs with a latent-factor rating. Each measurement is a fresh
 * child process (peak RSS = its VmHWM), the two paths alternate, and the median of `--repeats` is reported. The
 * children also hash their predictions, so the run checks that both paths give the same model.
 *
 * Usage: node dist/bench/xgboost/dmatrix.js [--rows 500000] [--trees 20] [--repeats 3] [--out FILE]
 * Run under `flock /tmp/rsattae-bench.lock ...` so benchmarks do not overlap.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Float32Matrix } from '../../src/core/types.js';
import { XGBRegressor } from '../../src/gbdt/index.js';
import { buildRows, pairRowSource, type RowBlocks } from '../../src/model/booster-rows.js';
// the tests' seeded mulberry32, so the data is identical in every child
import { rng } from '../../test/gbdt/helpers.js';

const { values: args } = parseArgs({
  options: {
    rows: { type: 'string', default: '500000' },
    trees: { type: 'string', default: '20' },
    repeats: { type: 'string', default: '3' },
    child: { type: 'string' },
    out: { type: 'string' },
  },
});
const rows = Number(args.rows);
const trees = Number(args.trees);

function table(n: number, dim: number, oneHot: number, u: () => number): [Float32Matrix, Float32Matrix] {
  const emb = Float32Array.from({ length: n * dim }, () => u() * 2 - 1);
  const feat = new Float32Array(n * oneHot);
  for (let r = 0; r < n; r++) feat[r * oneHot + Math.floor(u() * oneHot)] = 1;
  return [
    { rows: n, cols: dim, data: emb },
    { rows: n, cols: oneHot, data: feat },
  ];
}

/** The blocks, pairs and ratings every child rebuilds from the same seed. */
function problem(): { blocks: RowBlocks; user: Int32Array; item: Int32Array; y: Float32Array } {
  const u = rng(7);
  const [userEmbeddings, userFeatures] = table(10_000, 64, 30, u);
  const [itemEmbeddings, itemFeatures] = table(3_000, 64, 20, u);
  const user = Int32Array.from({ length: rows }, () => Math.floor(u() * 10_000));
  const item = Int32Array.from({ length: rows }, () => Math.floor(u() * 3_000));
  const y = new Float32Array(rows);
  for (let k = 0; k < rows; k++) {
    let s = 3;
    for (let f = 0; f < 4; f++) s += userEmbeddings.data[user[k] * 64 + f] * itemEmbeddings.data[item[k] * 64 + f];
    y[k] = Math.min(5, Math.max(1, Math.round(s + (u() - 0.5))));
  }
  return { blocks: { userEmbeddings, userFeatures, itemEmbeddings, itemFeatures }, user, item, y };
}

function vmHWM(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) / 1024 : Number.NaN;
}

function child(kind: 'dense' | 'source'): void {
  const { blocks, user, item, y } = problem();
  const before = vmHWM();
  const t0 = performance.now();
  const X = kind === 'dense' ? buildRows(user, item, blocks) : pairRowSource(user, item, blocks);
  const model = new XGBRegressor({ nEstimators: trees, maxDepth: 8, learningRate: 0.1, colsampleBytree: 0.5, nThread: 2 });
  model.fit(X, y);
  const fitSeconds = (performance.now() - t0) / 1000;
  const probe = pairRowSource(user.subarray(0, 20_000), item.subarray(0, 20_000), blocks);
  const hash = createHash('sha256').update(model.predict(probe)).digest('hex').slice(0, 16);
  model.dispose();
  process.stdout.write(`${JSON.stringify({ kind, fitSeconds, peakRssMB: vmHWM(), dataRssMB: before, hash })}\n`);
}

type Result = { kind: string; fitSeconds: number; peakRssMB: number; dataRssMB: number; hash: string };

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

function main(): void {
  const self = fileURLToPath(import.meta.url);
  const results: Result[] = [];
  for (let r = 0; r < Number(args.repeats); r++) {
    // alternate which path goes first, so drift in the machine's load hits both alike
    const order: ('dense' | 'source')[] = r % 2 === 0 ? ['dense', 'source'] : ['source', 'dense'];
    for (const kind of order) {
      const p = spawnSync(process.execPath, [self, '--child', kind, '--rows', String(rows), '--trees', String(trees)], { encoding: 'utf8' });
      if (p.status !== 0) throw new Error(`child ${kind} failed: ${p.stderr}`);
      const res = JSON.parse(p.stdout) as Result;
      results.push(res);
      process.stderr.write(`${JSON.stringify(res)}\n`);
    }
  }
  const summary = (['dense', 'source'] as const).map((kind) => {
    const mine = results.filter((x) => x.kind === kind);
    return {
      kind,
      fitSecondsMedian: median(mine.map((x) => x.fitSeconds)),
      peakRssMBMedian: median(mine.map((x) => x.peakRssMB)),
      dataRssMBMedian: median(mine.map((x) => x.dataRssMB)),
    };
  });
  const identical = new Set(results.map((x) => x.hash)).size === 1;
  const out = { date: new Date().toISOString(), rows, cols: 178, trees, repeats: Number(args.repeats), identicalPredictions: identical, summary, runs: results };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  if (args.out) writeFileSync(args.out, `${JSON.stringify(out, null, 2)}\n`);
}

if (args.child === 'dense' || args.child === 'source') child(args.child);
else main();
