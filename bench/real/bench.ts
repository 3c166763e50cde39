/**
 * RSAttAE against the Surprise-style baselines on the real shared datasets (bench/real/datasets.ts). For each dataset
 * and seed there is one prepared split — loadData with that seed: the dataset's own test file or its seeded random
 * split, then the seeded validation hold-out — and every method runs on it: RSAttAE.fit on train with the validation
 * part (its report.validation is the validation figure), each baseline on train + validation, as
 * `rsattae train --algorithm X` fits it. Test RMSE is also split into warm pairs and cold ones (user or item without a
 * train + validation rating: the cold-start path).
 *
 * Each (dataset, seed, method) runs in a child process, so its peak RSS is its own and a crash loses one result. A
 * result is appended to --out as one JSON line as soon as it is done, and a rerun skips the (dataset, seed, method)
 * already there, so a long run can be stopped and resumed. At the end a summary over --out (per dataset and method:
 * mean ± sd over the seeds, and whether RSAttAE's mean test RMSE is at most the best baseline's) is printed as JSON
 * and written to --summary when given.
 *
 *   node dist/bench/real/bench.js --datasets flixster,yahoo-music,coat --seeds 42,1,2 --out bench/real/results-X.jsonl
 *     [--methods rsattae,global-mean,baseline-only,svd,svdpp,knn-baseline,bfm] [--config '{"preset":"accurate"}']
 *     [--bfm-config '{"output":"ordinal"}'] [--data-dir DIR] [--summary FILE]
 *
 * --config is RSAttAE's configuration (RSAttAEConfigInput) for every run; the seed comes from --seeds, and its
 * valFraction (if any) is used for the hold-out of every method so that all of them share the split. --bfm-config is
 * the Bayesian FM's (BfmConfigInput) for the method `bfm`, fitted as `train --algorithm bfm` fits it (on train +
 * validation) and evaluated with each test pair on its day.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { BASELINE_ALGORITHMS, type BaselineAlgorithm, fitBaseline } from '../../src/baselines/index.js';
import { writeFileAtomic } from '../../src/core/atomic-fs.js';
import { type BfmConfigInput, fitBfm } from '../../src/fm/index.js';
import { errorMetrics } from '../../src/core/error-metrics.js';
import type { Ratings } from '../../src/core/types.js';
import { concatRatings } from '../../src/data/split.js';
import { type ColdTest, coldFlags, loadData } from '../../src/model/prepare-data.js';
import { RSAttAE } from '../../src/model/rsattae.js';
import { checkConfigInput, type RSAttAEConfigInput } from '../../src/model/rsattae-config.js';
import { peakRssMB } from '../rss.js';
import { isSharedDataset, SHARED_DATASETS, type SharedDataset, sharedDescriptor } from './datasets.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

/** The methods: RSAttAE, every baseline, and the Bayesian FM (configured by --bfm-config). */
const METHODS = ['rsattae', ...BASELINE_ALGORITHMS, 'bfm'] as const;
type Method = (typeof METHODS)[number];

const { values: args } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'flixster,yahoo-music,coat' },
    seeds: { type: 'string', default: '42,1,2' },
    methods: { type: 'string', default: METHODS.join(',') },
    config: { type: 'string', default: '{}' },
    'bfm-config': { type: 'string', default: '{}' },
    'data-dir': { type: 'string', default: process.env.RSATTAE_DATA_DIR ?? join(ROOT, '..', 'shared', 'datasets') },
    out: { type: 'string' },
    summary: { type: 'string' },
    // child mode: run one (dataset, seed, method) and print its result
    child: { type: 'boolean', default: false },
  },
});

const log = (msg: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};
const round = (x: number, d = 4): number => Number(x.toFixed(d));

/** RMSE and MAE over some test pairs, and how many. */
interface Metrics {
  readonly rmse: number;
  readonly mae: number;
  readonly count: number;
}

/** One (dataset, seed, method) result: one line of --out. */
interface Result {
  readonly dataset: string;
  readonly seed: number;
  readonly method: string;
  readonly split: string;
  readonly data: {
    readonly users: number;
    readonly items: number;
    readonly train: number;
    readonly validation: number;
    readonly test: number;
    readonly warm: number;
    readonly coldTest: ColdTest;
    /** A digest of the split's train, validation and test pairs: equal for every method of a (dataset, seed). */
    readonly splitHash: string;
  };
  readonly test: Metrics;
  /** Pairs whose user and item both have train + validation ratings; null when there are none. */
  readonly warm: Metrics | null;
  /** Pairs whose user or item has none (scored through the cold-start path); null when there are none. */
  readonly cold: Metrics | null;
  /** RSAttAE's validation figure (report.validation); null for a baseline, which fits on the validation part too. */
  readonly validation: Metrics | null;
  /** The resolved configuration, summarised. */
  readonly config: Readonly<Record<string, unknown>>;
  /** RSAttAE: --config as given (a resumed run must give the same). */
  readonly configInput?: RSAttAEConfigInput;
  readonly seconds: { readonly load: number; readonly fit: number; readonly predict: number; readonly total: number };
  /** This run's own peak RSS (its child process's). */
  readonly peakRssMB: number;
  readonly date: string;
}

/** RSAttAE's configuration from --config, checked; the seed is not its to give. */
function configInput(text: string): RSAttAEConfigInput {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`--config is not JSON: ${(err as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('--config must be a JSON object');
  if ('seed' in value) throw new Error('--config must not set seed: give the seeds with --seeds');
  const input = value as RSAttAEConfigInput;
  checkConfigInput(input); // an invalid field fails here, before any run, naming it
  return input;
}

function splitHash(parts: readonly Ratings[]): string {
  const h = createHash('sha256');
  for (const r of parts) {
    h.update(new Uint8Array(r.user.buffer, r.user.byteOffset, r.user.byteLength));
    h.update(new Uint8Array(r.item.buffer, r.item.byteOffset, r.item.byteLength));
    h.update('|');
  }
  return h.digest('hex').slice(0, 16);
}

/** Metrics of the predictions at the test positions whose flag `keep` accepts; null when there are none. */
function metricsWhere(predicted: Float32Array, target: Float32Array, flags: Uint8Array, keep: (flag: number) => boolean): Metrics | null {
  const rows: number[] = [];
  for (let k = 0; k < flags.length; k++) if (keep(flags[k])) rows.push(k);
  if (rows.length === 0) return null;
  const m = errorMetrics(Float32Array.from(rows, (k) => predicted[k]), Float32Array.from(rows, (k) => target[k]));
  return { rmse: round(m.rmse), mae: round(m.mae), count: rows.length };
}

/** Child mode: one method on one prepared split. */
async function runOne(dataset: SharedDataset, seed: number, method: Method, input: RSAttAEConfigInput, dataDir: string): Promise<Result> {
  const t0 = performance.now();
  const p = await loadData(sharedDescriptor(dataset, dataDir), { dataDir, fetch: false, seed, valFraction: input.valFraction });
  const { data, test } = p;
  const known = [data.train, data.validation];
  const flags = coldFlags(known, test, data.nUsers, data.nItems);
  const t1 = performance.now();
  log(`${dataset} seed ${seed} ${method}: ${data.nUsers} users, ${data.nItems} items, ${data.train.rating.length} / ${data.validation.rating.length} / ${test.rating.length} train / validation / test (${p.coldTest.ratings} cold), loaded in ${((t1 - t0) / 1000).toFixed(1)} s`);
  let predicted: Float32Array;
  let validation: Metrics | null = null;
  let config: Record<string, unknown>;
  let fitSeconds: number;
  let predictSeconds: number;
  if (method === 'rsattae') {
    let lastLog = performance.now();
    const model = await RSAttAE.fit(
      data,
      { ...input, seed },
      {
        onStage: (stage) => log(`${dataset} seed ${seed} rsattae: ${stage}`),
        onProgress(q) {
          // a line every half minute at most: a full run is 1000 epochs a side
          if (performance.now() - lastLog < 30_000) return;
          lastLog = performance.now();
          if (q.stage === 'xgboost') log(`${dataset} seed ${seed} rsattae: tree ${q.iteration + 1}/${q.nIterations}, validation rmse ${q.eval?.toFixed(4) ?? '-'}`);
          else log(`${dataset} seed ${seed} rsattae: ${q.stage} epoch ${q.epoch}/${q.epochs}, validation rmse ${q.validationRmse.toFixed(4)} (best ${q.bestValidationRmse.toFixed(4)})`);
        },
      },
    );
    try {
      fitSeconds = (performance.now() - t1) / 1000;
      const t2 = performance.now();
      predicted = model.predictIndices(test.user, test.item);
      predictSeconds = (performance.now() - t2) / 1000;
      const report = model.report!;
      validation = { rmse: round(report.validation.rmse), mae: round(report.validation.mae), count: data.validation.rating.length };
      const c = model.config;
      const best = model.parts.xgb.bestIteration;
      config = {
        preset: input.preset ?? null,
        defaults: report.defaults,
        model: c.autoencoder.model,
        dim: c.autoencoder.dim,
        epochs: c.autoencoder.epochs,
        patience: c.autoencoder.patience ?? null,
        bestEpoch: { users: report.autoencoders.users.bestEpoch, movies: report.autoencoders.movies.bestEpoch },
        trees: c.xgboost.nEstimators,
        treesUsed: best === undefined ? c.xgboost.nEstimators : best + 1,
        learningRate: c.xgboost.learningRate,
        earlyStoppingRounds: c.xgboost.earlyStoppingRounds ?? null,
        boosterEmbeddings: c.boosterEmbeddings,
        embeddings: c.embeddings,
        validationRows: c.validationRows,
        blend: c.blend,
        valFraction: c.valFraction,
        // what the stack chose on validation, with its cross-fitted figures
        stack: report.choices?.stack ?? null,
      };
    } finally {
      model.dispose();
    }
  } else if (method === 'bfm') {
    // what `rsattae train --algorithm bfm` fits and evaluates: the whole training part; test pairs on their days
    const bfmInput = JSON.parse(args['bfm-config'] ?? '{}') as BfmConfigInput;
    const train = concatRatings(data.train, data.validation);
    const model = fitBfm({ nUsers: data.nUsers, nItems: data.nItems, train, scale: data.scale, userFeatures: data.userFeatures, itemFeatures: data.itemFeatures }, { ...bfmInput, seed });
    fitSeconds = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    predicted = model.predict(test.user, test.item, test.timestamp);
    predictSeconds = (performance.now() - t2) / 1000;
    config = { ...model.config, blocks: model.layout.groupNames };
  } else {
    // what `rsattae train --algorithm X` fits: the whole training part, a baseline having no use for a hold-out
    const model = fitBaseline({ nUsers: data.nUsers, nItems: data.nItems, train: concatRatings(data.train, data.validation), scale: data.scale }, { algorithm: method as BaselineAlgorithm, seed });
    fitSeconds = (performance.now() - t1) / 1000;
    const t2 = performance.now();
    predicted = model.predictIndices(test.user, test.item);
    predictSeconds = (performance.now() - t2) / 1000;
    config = { ...model.config };
  }
  const all = errorMetrics(predicted, test.rating);
  const warm = metricsWhere(predicted, test.rating, flags, (f) => f === 0);
  return {
    dataset,
    seed,
    method,
    split: p.split,
    data: {
      users: data.nUsers,
      items: data.nItems,
      train: data.train.rating.length,
      validation: data.validation.rating.length,
      test: test.rating.length,
      warm: warm?.count ?? 0,
      coldTest: p.coldTest,
      splitHash: splitHash([data.train, data.validation, test]),
    },
    test: { rmse: round(all.rmse), mae: round(all.mae), count: test.rating.length },
    warm,
    cold: metricsWhere(predicted, test.rating, flags, (f) => f !== 0),
    validation,
    config,
    ...(method === 'rsattae' ? { configInput: input } : {}),
    seconds: { load: round((t1 - t0) / 1000, 2), fit: round(fitSeconds, 2), predict: round(predictSeconds, 2), total: round((performance.now() - t0) / 1000, 2) },
    peakRssMB: peakRssMB(),
    date: new Date().toISOString(),
  };
}

/** The results already in --out; a line cut short by a crash is passed over (its run is redone). */
function readResults(file: string): Result[] {
  if (!existsSync(file)) return [];
  const out: Result[] = [];
  for (const [n, line] of readFileSync(file, 'utf8').split('\n').entries()) {
    if (line.trim() === '') continue;
    try {
      const r = JSON.parse(line) as Result;
      if (typeof r.dataset === 'string' && typeof r.seed === 'number' && typeof r.method === 'string' && typeof r.test?.rmse === 'number') out.push(r);
      else log(`${file}:${n + 1}: not a result, passed over`);
    } catch {
      log(`${file}:${n + 1}: not JSON (cut short?), passed over`);
    }
  }
  return out;
}

const key = (dataset: string, seed: number, method: string): string => `${dataset}\u0000${seed}\u0000${method}`;

/** Mean and sample standard deviation (0 for one value), rounded. */
function meanSd(xs: readonly number[]): { mean: number; sd: number } {
  const m = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = xs.length < 2 ? 0 : Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
  return { mean: round(m), sd: round(sd) };
}

/** Per dataset and method, the figures over the seeds asked for, and how RSAttAE compares with the best baseline. */
function summarise(results: readonly Result[], datasets: readonly string[], seeds: readonly number[], methods: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const dataset of datasets) {
    const rows = results.filter((r) => r.dataset === dataset && seeds.includes(r.seed));
    const byMethod: Record<string, Record<string, unknown>> = {};
    const meanRmse: Record<string, number> = {};
    for (const method of methods) {
      const rs = rows.filter((r) => r.method === method);
      if (rs.length === 0) continue;
      const over = (pick: (r: Result) => number | undefined): { mean: number; sd: number } | null => {
        const xs = rs.map(pick).filter((x): x is number => x !== undefined);
        return xs.length === 0 ? null : meanSd(xs);
      };
      const test = meanSd(rs.map((r) => r.test.rmse));
      meanRmse[method] = test.mean;
      byMethod[method] = {
        seeds: rs.map((r) => r.seed),
        testRmse: test,
        testMae: over((r) => r.test.mae),
        warmRmse: over((r) => r.warm?.rmse),
        coldRmse: over((r) => r.cold?.rmse),
        validationRmse: over((r) => r.validation?.rmse),
        seconds: over((r) => r.seconds.total),
        peakRssMB: Math.max(...rs.map((r) => r.peakRssMB)),
      };
    }
    const baselines = Object.keys(meanRmse).filter((m) => m !== 'rsattae');
    const best = baselines.sort((a, b) => meanRmse[a] - meanRmse[b])[0];
    // every method of a (dataset, seed) must have run on the same split for the comparison to mean anything
    const sameSplit = seeds.every((s) => new Set(rows.filter((r) => r.seed === s).map((r) => r.data.splitHash)).size <= 1);
    out[dataset] = {
      sameSplit,
      methods: byMethod,
      bestBaseline: best === undefined ? null : { method: best, testRmse: meanRmse[best] },
      rsattaeAtMostBestBaseline: best === undefined || meanRmse.rsattae === undefined ? null : meanRmse.rsattae <= meanRmse[best],
    };
  }
  return out;
}

function list(text: string): string[] {
  return text.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

async function main(): Promise<void> {
  const datasets = list(args.datasets);
  const seeds = list(args.seeds).map(Number);
  const methods = list(args.methods);
  for (const d of datasets) if (!isSharedDataset(d)) throw new Error(`unknown dataset ${d}; choose from ${SHARED_DATASETS.join(', ')}`);
  for (const m of methods) if (!(METHODS as readonly string[]).includes(m)) throw new Error(`unknown method ${m}; choose from ${METHODS.join(', ')}`);
  for (const s of seeds) if (!Number.isInteger(s) || s < 0) throw new Error(`--seeds: ${s} is not a whole number ≥ 0`);
  const input = configInput(args.config);
  const dataDir = resolve(args['data-dir']);

  if (args.child) {
    const result = await runOne(datasets[0] as SharedDataset, seeds[0], methods[0] as Method, input, dataDir);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }

  if (args.out === undefined) throw new Error('--out FILE is required (results are appended to it, one JSON line each)');
  const out = resolve(args.out);
  mkdirSync(dirname(out), { recursive: true });
  const done = new Map(readResults(out).map((r) => [key(r.dataset, r.seed, r.method), r]));
  const started = new Date().toISOString();
  const loadBefore = loadavg();
  let failed = 0;
  for (const dataset of datasets) {
    for (const seed of seeds) {
      for (const method of methods) {
        const prior = done.get(key(dataset, seed, method));
        if (prior !== undefined) {
          if (method === 'rsattae' && JSON.stringify(prior.configInput ?? {}) !== JSON.stringify(input)) {
            throw new Error(`${out} has rsattae on ${dataset} seed ${seed} with --config ${JSON.stringify(prior.configInput ?? {})}, not ${JSON.stringify(input)}: use another --out`);
          }
          log(`${dataset} seed ${seed} ${method}: in ${args.out} already`);
          continue;
        }
        const child = [SELF, '--child', '--datasets', dataset, '--seeds', String(seed), '--methods', method, '--config', JSON.stringify(input), '--bfm-config', args['bfm-config'] ?? '{}', '--data-dir', dataDir];
        const r = spawnSync(process.execPath, child, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
        const last = r.stdout.trimEnd().split('\n').pop() ?? '';
        if (r.status !== 0 || !last.startsWith('{')) {
          failed++;
          log(`${dataset} seed ${seed} ${method}: FAILED (exit ${r.status ?? r.signal}); not recorded, a rerun tries it again`);
          continue;
        }
        const result = JSON.parse(last) as Result;
        // one write per line; a line left unfinished by a crash is passed over on reading
        const text = readFileSync(out, { encoding: 'utf8', flag: 'a+' });
        appendFileSync(out, `${text.length > 0 && !text.endsWith('\n') ? '\n' : ''}${last}\n`);
        done.set(key(dataset, seed, method), result);
        const part = (name: string, m: Metrics | null): string => (m === null ? '' : `, ${name} ${m.rmse.toFixed(4)} (${m.count})`);
        log(`${dataset} seed ${seed} ${method}: test RMSE ${result.test.rmse.toFixed(4)} MAE ${result.test.mae.toFixed(4)}${part('warm', result.warm)}${part('cold', result.cold)}${part('validation', result.validation)}, ${result.seconds.total} s, ${result.peakRssMB} MB`);
      }
    }
  }
  const summary = {
    bench: 'real',
    command: `node dist/bench/real/bench.js ${process.argv.slice(2).join(' ')}`.trim(),
    started,
    finished: new Date().toISOString(),
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGB: round(totalmem() / 2 ** 30, 1), node: process.version, loadavgBefore: loadBefore.map((x) => round(x, 2)), loadavgAfter: loadavg().map((x) => round(x, 2)) },
    results: args.out,
    config: input,
    seeds,
    failed,
    datasets: summarise([...done.values()], datasets, seeds, methods),
  };
  const json = `${JSON.stringify(summary, null, 2)}\n`;
  process.stdout.write(json);
  if (args.summary !== undefined) await writeFileAtomic(resolve(args.summary), json);
  if (failed > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
