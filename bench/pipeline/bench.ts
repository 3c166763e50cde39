/**
 * End-to-end benchmark: `rsattae train` against the PyTorch + xgboost reference (reference_rsattae.py) on ML-100K
 * u1, seeds run alternately in one process so both see the same machine load. Prints one JSON object: per-run test
 * RMSE, wall time and peak RSS (GNU time's %M), then mean ± std of RMSE, median times and the time ratio.
 *
 *   node dist/bench/pipeline/bench.js [--seeds 42,1,2] [--epochs 1000] [--trees 1900] [--data-dir DIR]
 *                                     [--reference PATH] [--skip-reference] [--extra "--embeddings out-of-fold"]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

interface Run {
  readonly seed: number;
  readonly testRmse: number;
  readonly wallSeconds: number;
  readonly peakRssMB: number;
  readonly detail: unknown;
}

function timed(cmd: string, args: string[]): { stdout: string; wallSeconds: number; peakRssMB: number } {
  const dir = mkdtempSync(join(tmpdir(), 'rsattae-bench-'));
  const rssFile = join(dir, 'rss');
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const wallSeconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}`);
  const peakRssMB = Math.round(Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024);
  rmSync(dir, { recursive: true, force: true });
  return { stdout: r.stdout, wallSeconds, peakRssMB };
}

function lastJson(stdout: string): Record<string, unknown> {
  const line = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!line) throw new Error(`no JSON in output:\n${stdout}`);
  return JSON.parse(line) as Record<string, unknown>;
}

function stats(xs: number[]): { mean: number; std: number; median: number } {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const std = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, xs.length - 1));
  const s = [...xs].sort((a, b) => a - b);
  const median = s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  return { mean, std, median };
}

function main(): void {
  const seeds = arg('seeds', '42,1,2').split(',').map(Number);
  const epochs = arg('epochs', '1000');
  const trees = arg('trees', '1900');
  const dataDir = arg('data-dir', process.env.RSATTAE_DATA_DIR ?? join(ROOT, '..', 'shared', 'datasets'));
  const reference = arg('reference', join(ROOT, '..', 'shared', 'bench', 'reference_rsattae.py'));
  const skipReference = process.argv.includes('--skip-reference') || !existsSync(reference);
  const extra = arg('extra', '').split(' ').filter(Boolean);
  const ours: Run[] = [];
  const ref: Run[] = [];
  for (const seed of seeds) {
    const out = mkdtempSync(join(tmpdir(), 'rsattae-model-'));
    const o = timed(process.execPath, [
      join(ROOT, 'bin', 'rsattae'), 'train', '--json', '--seed', String(seed), '--epochs', epochs,
      '--n-estimators', trees, '--data-dir', dataDir, '--out', join(out, 'model'), ...extra,
    ]);
    rmSync(out, { recursive: true, force: true });
    const oj = lastJson(o.stdout) as { metrics: { test: { rmse: number } } };
    ours.push({ seed, testRmse: oj.metrics.test.rmse, wallSeconds: o.wallSeconds, peakRssMB: o.peakRssMB, detail: oj });
    process.stderr.write(`ours seed ${seed}: test rmse ${oj.metrics.test.rmse}, ${o.wallSeconds.toFixed(1)} s\n`);
    if (skipReference) continue;
    const r = timed('/usr/bin/python3', [reference, join(dataDir, 'ml-100k'), '--seed', String(seed), '--epochs', epochs, '--trees', trees, '--threads', '2']);
    const rj = lastJson(r.stdout) as { test_rmse: number };
    ref.push({ seed, testRmse: rj.test_rmse, wallSeconds: r.wallSeconds, peakRssMB: r.peakRssMB, detail: rj });
    process.stderr.write(`reference seed ${seed}: test rmse ${rj.test_rmse}, ${r.wallSeconds.toFixed(1)} s\n`);
  }
  const summary = (runs: Run[]) =>
    runs.length === 0
      ? null
      : {
          testRmse: stats(runs.map((r) => r.testRmse)),
          wallSeconds: stats(runs.map((r) => r.wallSeconds)),
          peakRssMB: stats(runs.map((r) => r.peakRssMB)),
        };
  const so = summary(ours);
  const sr = summary(ref);
  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'pipeline',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version },
      config: { seeds, epochs: Number(epochs), trees: Number(trees), extra },
      ours: so,
      reference: sr,
      ratios: so && sr ? { timeMedian: so.wallSeconds.median / sr.wallSeconds.median, speedup: sr.wallSeconds.median / so.wallSeconds.median, rmseMeanDiff: so.testRmse.mean - sr.testRmse.mean } : null,
      runs: { ours, reference: ref },
    })}\n`,
  );
}

main();
