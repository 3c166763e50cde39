/**
 * Scaling benchmark (issue #10): trains the whole pipeline through the library on data of growing size and records
 * where the time and memory go. Each shape runs in a child process of its own, so its peak RSS (VmHWM) is that
 * shape's alone. `ml-100k` is the real ML-100K u1 split; the other shapes are written by the library's generator
 * (src/data/synth.ts, seed 42) into a temp folder first (generation time reported, not part of the child's figures).
 *
 * Configuration (stated in the output): attention autoencoders, d = 64, `--epochs` with early stopping after
 * `--patience` epochs without a better validation RMSE (`--patience 0`: never stop early), the two modules trained
 * one after the other (parallel off, so each stage's seconds are its own), XGBoost with the paper's parameters and
 * `--trees` trees on all cores.
 *
 * `--parallel` trains the two modules at the same time (the library default) for end-to-end wall time;
 * `--reference ml-100k,ml-1m` also runs the PyTorch reference on those shapes, on the same files, with the same epochs
 * and trees (synthetic shapes it runs on are then written in the ML-100K layout: u1.base/u1.test 80/20).
 *
 *   flock /tmp/rsattae-bench.lock node dist/bench/scale/bench.js [--shapes ml-100k,ml-1m] [--epochs 200]
 *       [--patience 20] [--trees 300] [--dim 64] [--seed 42] [--parallel] [--booster-embeddings encoder|attended|both] [--reference SHAPES] [--ml100k-layout] [--data-dir DIR] [--out FILE]
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadData, loadMovieLensSplit, type PreparedData, RSAttAE, readDescriptorFile, resolveConfig } from 'rsattae';
import { resolveSynthOptions, SYNTH_SHAPES, type SynthShape, synthesize } from 'rsattae/data';
import type { BoosterEmbeddings } from '../../src/model/booster-embeddings.js';
import { epochCost } from './cost.js';

const SELF = fileURLToPath(import.meta.url);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

/** Peak RSS of this process in MB (VmHWM starts afresh at exec, unlike getrusage's maxRSS). */
function peakRssMB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Math.round(Number(m[1]) / 1024) : Math.round(process.resourceUsage().maxRSS / 1024);
}

interface ChildOptions {
  readonly shape: string;
  readonly datasetFile?: string;
  readonly dataDir: string;
  readonly epochs: number;
  readonly patience: number;
  readonly trees: number;
  readonly dim: number;
  readonly seed: number;
  readonly parallel: boolean;
  readonly boosterEmbeddings: BoosterEmbeddings;
}

/** One shape, in this (child) process: read + prepare, fit (users, movies, booster), evaluate; prints one JSON line. */
async function child(o: ChildOptions): Promise<void> {
  const t0 = performance.now();
  const prepared: PreparedData =
    o.datasetFile === undefined
      ? await loadMovieLensSplit({ dataset: 'ml-100k', split: 'u1', valFraction: 0.1, seed: o.seed, dataDir: o.dataDir, fetch: false })
      : await loadData(await readDescriptorFile(o.datasetFile), { dataDir: o.dataDir, fetch: false, seed: o.seed });
  const readSeconds = (performance.now() - t0) / 1000;
  const { data, test } = prepared;
  const model = await RSAttAE.fit(data, {
    seed: o.seed,
    // --patience 0 = never stop early (the paper's setting)
    autoencoder: { model: 'attention', dim: o.dim, epochs: o.epochs, patience: o.patience, parallel: o.parallel },
    xgboost: { nEstimators: o.trees },
    boosterEmbeddings: o.boosterEmbeddings,
  });
  const t1 = performance.now();
  const testMetrics = model.evaluate(test);
  const evaluateSeconds = (performance.now() - t1) / 1000;
  const report = model.report!;
  const nTrain = data.train.rating.length;
  const nVal = data.validation.rating.length;
  const side = (which: 'users' | 'movies') => {
    const s = report.autoencoders[which];
    const n = which === 'users' ? data.nUsers : data.nItems;
    const nf = (which === 'users' ? data.userFeatures : data.itemFeatures).cols;
    const cost = epochCost({ n, nf, d: o.dim, groups: s.groups, nnzTrain: nTrain, nnzValidation: nVal });
    return {
      n,
      features: nf,
      groups: s.groups,
      seconds: s.seconds,
      epochs: s.epochs,
      bestEpoch: s.bestEpoch,
      bestValidationRmse: s.bestValidationRmse,
      msPerEpoch: s.msPerEpoch,
      multiplyAddsPerEpoch: cost,
      gmacPerSecond: cost.total / (s.msPerEpoch * 1e6),
      // per epoch, so the stop epoch of any patience can be read off a run without early stopping
      validationCurve: Array.from(report.curves[which].validationRmse, (v) => Number(v.toFixed(6))),
    };
  };
  const result = {
    shape: o.shape,
    data: { users: data.nUsers, items: data.nItems, ratings: nTrain + nVal + test.rating.length, train: nTrain, validation: nVal, test: test.rating.length, split: prepared.split },
    seconds: {
      readPrepare: readSeconds,
      users: report.seconds.users,
      movies: report.seconds.movies,
      booster: report.seconds.xgboost,
      evaluate: evaluateSeconds,
      total: (performance.now() - t0) / 1000,
    },
    autoencoders: { users: side('users'), movies: side('movies') },
    // booster seconds include building the rows and the DMatrix, so this is an upper bound of one tree's cost
    booster: { trees: o.trees, learningRate: model.config.xgboost.learningRate, msPerTree: (report.seconds.xgboost * 1000) / o.trees, trainPairs: nTrain },
    // from 5M training ratings the unset fields (here the learning rate) take the large-data defaults
    defaults: report.defaults,
    metrics: { validationRmse: report.validation.rmse, testRmse: testMetrics.rmse, testMae: testMetrics.mae },
    peakRssMB: peakRssMB(),
  };
  model.dispose();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

/**
 * The PyTorch reference on the same files, in this invocation (wall time and peak RSS from GNU time, its own JSON
 * line for the stages and RMSEs). It holds out 15 % of the base for validation where we hold out 10 %.
 */
function runReference(python: string, dir: string, epochs: string, trees: string, seed: string): Record<string, unknown> {
  const script = join(ROOT, '..', 'shared', 'bench', 'reference_rsattae.py');
  const t = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', 'MAXRSS_KB %M', python, script, dir, '--epochs', epochs, '--trees', trees, '--seed', seed, '--threads', '2'], {
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  const wallSeconds = (performance.now() - t) / 1000;
  if (r.status !== 0) throw new Error(`reference exited ${r.status}: ${r.stderr.slice(-2000)}`);
  const last = r.stdout.trim().split('\n').pop() ?? '{}';
  const rss = /MAXRSS_KB (\d+)/.exec(r.stderr);
  return { ...(JSON.parse(last) as Record<string, unknown>), wallSeconds, peakRssMB: rss ? Math.round(Number(rss[1]) / 1024) : null };
}

/** ML-20M's sizes and the extrapolated cost of the stated configuration there, from one measured synthetic shape. */
function extrapolate(measured: Record<string, unknown>, epochs: number, trees: number, dim: number) {
  const m = measured as {
    shape: string;
    data: { train: number; validation: number };
    autoencoders: Record<'users' | 'movies', { features: number; groups: number; gmacPerSecond: number }>;
    booster: { msPerTree: number; trainPairs: number };
  };
  const big = resolveSynthOptions({ out: '', seed: 0, shape: 'ml-20m' });
  // the same split shares as the measured shape (random:0.1 test, 10 % of the rest for validation)
  const nTrain = Math.round(big.ratings * 0.9 * 0.9);
  const nVal = Math.round(big.ratings * 0.9 * 0.1);
  const side = (which: 'users' | 'movies', n: number, nf: number, groupsLow: number) => {
    const rate = m.autoencoders[which].gmacPerSecond * 1e9;
    const at = (G: number) => {
      const c = epochCost({ n, nf, d: dim, groups: G, nnzTrain: nTrain, nnzValidation: nVal });
      return { groups: G, multiplyAddsPerEpoch: c.total, secondsPerEpoch: c.total / rate, secondsForEpochs: (epochs * c.total) / rate };
    };
    // without features G is exactly 1; otherwise at most one group per entity
    return { n, features: nf, atMeasuredRate: `${(rate / 1e9).toFixed(2)} GMAC/s (${m.shape} ${which})`, low: at(groupsLow), high: at(nf === 0 ? 1 : n) };
  };
  const h = 2 * dim;
  const floats = (x: number) => ({ bytes: x * 4, GiB: (x * 4) / 2 ** 30 });
  return {
    note: `COMPUTED, NOT MEASURED: ML-20M sizes, ${epochs} epochs (no early stop), ${trees} trees, rates measured on ${m.shape}`,
    data: { users: big.users, items: big.items, ratings: big.ratings, train: nTrain, validation: nVal },
    // ml-20m has no users.csv: every user has the empty feature row, one group; items G between the measured shape's and one per item
    users: side('users', big.users, 0, 1),
    movies: side('movies', big.items, m.autoencoders.movies.features, m.autoencoders.movies.groups),
    booster: { secondsForTrees: (trees * m.booster.msPerTree * (nTrain / m.booster.trainPairs)) / 1000, assumption: 'per-tree time linear in training pairs' },
    denseReferenceBytes: {
      usersR: floats(big.users * big.items),
      usersAttention: floats(big.users * big.users),
      itemsR: floats(big.items * big.users),
      itemsAttention: floats(big.items * big.items),
      usersActivationsOursNxH: floats(big.users * h),
    },
  };
}

function main(): void {
  if (process.argv.includes('--child')) {
    const file = arg('dataset-file', '');
    void child({
      shape: arg('child', ''),
      datasetFile: file === '' ? undefined : file,
      dataDir: arg('data-dir', ''),
      epochs: Number(arg('epochs', '200')),
      patience: Number(arg('patience', '20')),
      trees: Number(arg('trees', '300')),
      dim: Number(arg('dim', '64')),
      seed: Number(arg('seed', '42')),
      parallel: process.argv.includes('--parallel'),
      boosterEmbeddings: resolveConfig({ boosterEmbeddings: arg('booster-embeddings', 'encoder') as BoosterEmbeddings }).boosterEmbeddings,
    }).catch((e: unknown) => {
      process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
      process.exit(1);
    });
    return;
  }
  const shapes = arg('shapes', 'ml-100k,ml-1m').split(',');
  const epochs = arg('epochs', '200');
  const patience = arg('patience', '20');
  const trees = arg('trees', '300');
  const dim = arg('dim', '64');
  const seed = arg('seed', '42');
  const out = arg('out', '');
  const parallel = process.argv.includes('--parallel');
  // E unless asked: the scale figures in BENCHMARKS.md (and the large-data default) are on E
  const boosterEmbeddings = arg('booster-embeddings', 'encoder');
  // shapes the PyTorch reference also runs on, on the same files (synthetic shapes then use the ML-100K layout)
  const reference = arg('reference', '').split(',').filter((s) => s !== '');
  const python = arg('python', '/usr/bin/python3');
  const dataDir = arg('data-dir', process.env.RSATTAE_DATA_DIR ?? join(ROOT, '..', 'shared', 'datasets'));
  for (const s of shapes) if (s !== 'ml-100k' && !(SYNTH_SHAPES as readonly string[]).includes(s)) throw new Error(`unknown shape ${s}`);
  const loadBefore = loadavg();
  const started = new Date().toISOString();
  void (async () => {
    const results: Record<string, unknown>[] = [];
    for (const shape of shapes) {
      const tmp = mkdtempSync(join(tmpdir(), 'rsattae-scale-'));
      try {
        let synthSeconds: number | null = null;
        let datasetFile: string[] = [];
        if (shape !== 'ml-100k') {
          const t = performance.now();
          // --ml100k-layout: the files (and split) a --reference run of the same seed uses, without the reference
          const format = reference.includes(shape) || process.argv.includes('--ml100k-layout') ? 'ml-100k' : 'csv';
          await synthesize({ out: tmp, seed: Number(seed), shape: shape as SynthShape, format });
          synthSeconds = (performance.now() - t) / 1000;
          datasetFile = ['--dataset-file', join(tmp, 'dataset.json')];
        }
        const args = [SELF, '--child', shape, ...datasetFile, '--data-dir', dataDir, '--epochs', epochs, '--patience', patience, '--trees', trees, '--dim', dim, '--seed', seed, '--booster-embeddings', boosterEmbeddings, ...(parallel ? ['--parallel'] : [])];
        const r = spawnSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 << 20 });
        if (r.status !== 0) throw new Error(`${shape}: child exited ${r.status}`);
        const res: Record<string, unknown> = { ...(JSON.parse(r.stdout) as Record<string, unknown>), synthSeconds };
        if (reference.includes(shape)) res.reference = runReference(python, shape === 'ml-100k' ? join(dataDir, 'ml-100k') : tmp, epochs, trees, seed);
        process.stderr.write(`${shape}: ${JSON.stringify(res)}\n`);
        results.push(res);
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    }
    const synthetic = results.filter((r) => r.shape !== 'ml-100k').pop();
    const json = {
      benchmark: 'scale',
      started,
      finished: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
      command: `node dist/bench/scale/bench.js ${process.argv.slice(2).join(' ')}`.trim(),
      config: {
        model: 'attention',
        dim: Number(dim),
        epochs: Number(epochs),
        patience: Number(patience),
        parallel,
        trees: Number(trees),
        boosterEmbeddings,
        xgboost: 'paper defaults (depth 9, colsample 0.2, hist), all cores; eta 0.01, or the large-data default 0.05 from 5M training ratings (per shape: booster.learningRate)',
        seed: Number(seed),
        split: 'ml-100k: u1 + 10 % validation; synthetic: random:0.1 test + 10 % validation',
      },
      costModel:
        'per autoencoder epoch, h = 2d: (5·nnz_tr + nnz_tr+val + nnz_val)·h + 8·n·h·d + 4·G²·d + 3·G²·min(nf+1, h) + (7 or 4)·G·(nf+1)·h multiply-adds',
      results,
      ml20mExtrapolated: synthetic ? extrapolate(synthetic, Number(epochs), Number(trees), Number(dim)) : null,
    };
    const text = `${JSON.stringify(json, null, 2)}\n`;
    if (out) writeFileSync(out, text);
    process.stdout.write(text);
  })().catch((e: unknown) => {
    process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}

main();
