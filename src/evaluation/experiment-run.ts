/**
 * Runs an experiment's plan: each run not yet recorded is executed and leaves one record file, written atomically,
 * so an interrupted sweep (killed, or aborted through the signal) continues where it stopped when run again. Runs of
 * one split and seed that need the same trained autoencoders (table3's rsattae and rsattae-attended, table2's four
 * setups, fig4's two sides) share one training within the process; each record still holds its whole result.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg, release, totalmem, type } from 'node:os';
import { fitBaseline } from '../baselines/index.js';
import { removeStaleSiblings, writeFileAtomic } from '../core/atomic-fs.js';
import { errorMetrics } from '../core/error-metrics.js';
import { deriveSeed } from '../core/seeds.js';
import type { Float32Matrix } from '../core/types.js';
import { VERSION } from '../core/version.js';
import { concatRatings } from '../data/split.js';
import { clipTo, pairRowSource, type RowBlocks } from '../model/booster-rows.js';
import type { FitProgress } from '../model/model-types.js';
import type { PreparedData } from '../model/prepare-data.js';
import { autoencoderSettings, fitRowBooster } from '../model/rsattae.js';
import { type RSAttAEConfig, type RSAttAEConfigInput, resolveConfig } from '../model/rsattae-config.js';
import { scaleOf } from '../model/stack.js';
import { trainSides } from '../model/train-sides.js';
import type { TrainedAutoencoder } from '../nn/index.js';
import {
  ExperimentData,
  type ExperimentOptions,
  type ExperimentSettings,
  isBaselineMethod,
  methodAutoencoder,
  type PlannedRun,
  pairKey,
  parseExperimentName,
  planExperiment,
  resolveSettings,
  type Table3Method,
} from './experiment-plan.js';
import { type ExperimentName, type ExperimentRecord, experimentRecordSchema, type RunConfig, type RunMeta } from './experiment-record.js';
import { featureDistributions } from './feature-distributions.js';


/** What {@link planRuns} returns: every run, and the estimated seconds of those not done. */
export interface ExperimentPlan {
  readonly experiment: ExperimentName;
  readonly settings: ExperimentSettings;
  readonly runs: readonly PlannedRun[];
  readonly estimatedSeconds: number;
}

/** Progress of {@link runExperiment}. `index` is the run's 0-based place in the plan. */
export type ExperimentEvent =
  | { readonly type: 'plan'; readonly plan: ExperimentPlan }
  | { readonly type: 'start'; readonly index: number; readonly run: PlannedRun }
  | {
      readonly type: 'progress';
      readonly index: number;
      /** An autoencoder's epochs or XGBoost's trees within the run. */
      readonly stage: 'users' | 'movies' | 'xgboost';
      readonly done: number;
      readonly total: number;
    }
  | { readonly type: 'done'; readonly index: number; readonly run: PlannedRun; readonly record: ExperimentRecord };

/** Options of {@link runExperiment}. */
export interface RunExperimentOptions extends ExperimentOptions {
  /** The folder records go to: `<out>/<experiment>/<key>.json`. */
  readonly out: string;
  /** The command line recorded in each record's meta. */
  readonly command: string;
  readonly onEvent?: (e: ExperimentEvent) => void;
  /** Stops the sweep before its next run (a run under way finishes and is recorded). */
  readonly signal?: AbortSignal;
}

/** What {@link runExperiment} did. */
export interface ExperimentSummary {
  readonly experiment: ExperimentName;
  /** Runs executed now, and runs skipped because their record existed. */
  readonly ran: number;
  readonly skipped: number;
  /** Every run's record, in plan order (the skipped ones read back). */
  readonly records: readonly ExperimentRecord[];
}

/** The record in `file` when it is a valid record of `key`; undefined otherwise (then the run is redone). */
function readRecord(file: string, key: string): ExperimentRecord | undefined {
  try {
    const parsed = experimentRecordSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    return parsed.success && parsed.data.key === key ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every run of experiment `name` with these options, and whether each is done (its record exists in `opts.out`).
 * Reads the dataset (for its fingerprint and sizes) and trains nothing: what `--dry-run` shows.
 * @throws InputError for an unknown experiment (listing the valid names), invalid options, or unreadable data
 */
export async function planRuns(name: string, opts: ExperimentOptions & { readonly out: string }): Promise<ExperimentPlan> {
  return (await planWithData(name, opts)).plan;
}

async function planWithData(name: string, opts: ExperimentOptions & { readonly out: string }): Promise<{ plan: ExperimentPlan; data: ExperimentData }> {
  const experiment = parseExperimentName(name);
  const settings = resolveSettings(opts);
  const data = new ExperimentData(opts.dataset, { dataDir: opts.dataDir, fetch: opts.fetch, onDownload: opts.onDownload, onRead: opts.onRead });
  const runs = await planExperiment(experiment, settings, data, opts.out, (file, key) => readRecord(file, key) !== undefined);
  const plan = { experiment, settings, runs, estimatedSeconds: runs.reduce((a, r) => a + r.estimatedSeconds, 0) };
  return { plan, data };
}

/** The machine line of a record's meta, e.g. "AMD EPYC 7B13, 2 cores, 24 GB, Linux 6.1.0, Node v20.19.0". */
export function machineDescription(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpu}, ${availableParallelism()} cores, ${Math.round(totalmem() / 2 ** 30)} GB, ${type()} ${release()}, Node ${process.version}`;
}

/** Trained autoencoder pairs shared by the runs of one process, dropped once no run still to do needs them. */
class PairCache {
  private readonly pairs = new Map<string, Promise<{ users: TrainedAutoencoder; movies: TrainedAutoencoder; seconds: number }>>();

  get(key: string, prepared: PreparedData, cfg: RSAttAEConfig, onProgress: (p: FitProgress) => void) {
    let pair = this.pairs.get(key);
    if (!pair) {
      const t0 = performance.now();
      pair = trainSides(prepared.data, autoencoderSettings(cfg), { parallel: cfg.autoencoder.parallel, seed: cfg.seed, onProgress }).then((s) => ({
        users: s.users[0],
        movies: s.movies[0],
        seconds: (performance.now() - t0) / 1000,
      }));
      this.pairs.set(key, pair);
      // a failed training is not cached: the next run tries again
      pair.catch(() => this.pairs.delete(key));
    }
    return pair;
  }

  /** Disposes the pairs no key in `needed` names. */
  async keep(needed: ReadonlySet<string>): Promise<void> {
    for (const [key, pair] of this.pairs) {
      if (needed.has(key)) continue;
      this.pairs.delete(key);
      const p = await pair.catch(() => undefined);
      p?.users.dispose();
      p?.movies.dispose();
    }
  }
}

const num = (c: RunConfig, k: string): number => c[k] as number;
const str = (c: RunConfig, k: string): string => c[k] as string;

/** The pipeline configuration of a run (the paper's preset for what its config does not set: these are its experiments). */
function pipelineConfig(c: RunConfig, model: 'attention' | 'vanilla', xgboost: RSAttAEConfigInput['xgboost'] = {}): RSAttAEConfig {
  return resolveConfig({
    preset: 'paper',
    seed: num(c, 'seed'),
    valFraction: num(c, 'valFraction'),
    autoencoder: c.epochs === undefined ? {} : { model, epochs: num(c, 'epochs'), dim: num(c, 'dim') },
    xgboost,
  });
}

const noEmbeddings = (rows: number): Float32Matrix => ({ rows, cols: 0, data: new Float32Array(0) });

/** Executes one run and returns its result (see experiment-record.ts for the shapes). */
async function execute(
  run: PlannedRun,
  data: ExperimentData,
  settings: ExperimentSettings,
  pairs: PairCache,
  progress: (stage: 'users' | 'movies' | 'xgboost', done: number, total: number) => void,
): Promise<Record<string, unknown>> {
  const c = run.config;
  const onProgress = (p: FitProgress): void => (p.stage === 'xgboost' ? progress('xgboost', p.iteration + 1, p.nIterations) : progress(p.stage, p.epoch, p.epochs));
  if (run.experiment === 'fig2') {
    const prepared = await data.prepare(data.defaultSplit, settings.seeds[0], settings.valFraction);
    const ds = prepared.dataset;
    const { userEncoder, itemEncoder } = prepared.data;
    return {
      distributions: [
        ...(ds.userFeatures && userEncoder ? featureDistributions('users', ds.userFeatures, userEncoder) : []),
        ...(ds.itemFeatures && itemEncoder ? featureDistributions('items', ds.itemFeatures, itemEncoder) : []),
      ],
    };
  }
  const prepared = await data.prepare(str(c, 'split'), num(c, 'seed'), num(c, 'valFraction') ?? settings.valFraction);
  const d = prepared.data;
  const test = prepared.test;

  if (run.experiment === 'fig4a' || run.experiment === 'fig4b') {
    const model = run.experiment === 'fig4b' ? (str(c, 'model') as 'attention' | 'vanilla') : 'attention';
    const pair = await pairs.get(pairKey(c, model), prepared, pipelineConfig(c, model), onProgress);
    const ae = str(c, 'side') === 'users' ? pair.users : pair.movies;
    if (run.experiment === 'fig4a') return { bestValRmse: ae.bestValidationRmse, bestEpoch: ae.bestEpoch, epochsRun: ae.epochsRun };
    return { valRmse: Array.from(ae.history.validationRmse), trainLoss: Array.from(ae.history.trainLoss), bestEpoch: ae.bestEpoch };
  }

  /** XGBoost on blocks built from `embeddings`, its validation and test metrics; the booster is freed. */
  const boost = async (cfg: RSAttAEConfig, users: Float32Matrix, movies: Float32Matrix) => {
    const blocks: RowBlocks = { userEmbeddings: users, userFeatures: d.userFeatures, itemEmbeddings: movies, itemFeatures: d.itemFeatures };
    const fitted = await fitRowBooster(d, blocks, cfg, { onProgress });
    try {
      const t = test.rating.length === 0 ? undefined : errorMetrics(clipTo(fitted.xgb.predict(pairRowSource(test.user, test.item, blocks)), scaleOf(d)), test.rating);
      return { valRmse: fitted.validation.rmse, testRmse: t?.rmse ?? null, testMae: t?.mae ?? null, boosterSeconds: fitted.seconds };
    } finally {
      fitted.xgb.dispose();
    }
  };

  if (run.experiment === 'table2') {
    const xgb = {
      nEstimators: num(c, 'nEstimators'),
      maxDepth: num(c, 'maxDepth'),
      learningRate: num(c, 'learningRate'),
      subsample: num(c, 'subsample'),
      colsampleBytree: num(c, 'colsampleBytree'),
      regLambda: num(c, 'regLambda'),
      regAlpha: num(c, 'regAlpha'),
    };
    const cfg = pipelineConfig(c, 'attention', xgb);
    const pair = await pairs.get(pairKey(c, 'attention'), prepared, cfg, onProgress);
    const r = await boost(cfg, pair.users.embeddings, pair.movies.embeddings);
    return { valRmse: r.valRmse, testRmse: r.testRmse };
  }

  // table3 and cv
  const method = str(c, 'method') as Table3Method;
  const model = methodAutoencoder(method);
  if (model) {
    const cfg = pipelineConfig(c, model, { nEstimators: num(c, 'trees') });
    const pair = await pairs.get(pairKey(c, model), prepared, cfg, onProgress);
    const embeddings = (ae: TrainedAutoencoder): Float32Matrix => {
      if (method !== 'rsattae-attended') return ae.embeddings;
      if (!ae.attended) throw new Error('an attention module without attended embeddings');
      return ae.attended;
    };
    const r = await boost(cfg, embeddings(pair.users), embeddings(pair.movies));
    const ae = (m: TrainedAutoencoder) => ({ bestValRmse: m.bestValidationRmse, bestEpoch: m.bestEpoch, ...(model === 'attention' ? { alpha: m.alpha } : {}) });
    return {
      valRmse: r.valRmse,
      testRmse: r.testRmse,
      testMae: r.testMae,
      fitSeconds: pair.seconds + r.boosterSeconds,
      autoencoders: { users: ae(pair.users), movies: ae(pair.movies) },
    };
  }
  if (method === 'xgboost-features') {
    const cfg = pipelineConfig(c, 'attention', { nEstimators: num(c, 'trees') });
    const r = await boost(cfg, noEmbeddings(d.nUsers), noEmbeddings(d.nItems));
    return { valRmse: r.valRmse, testRmse: r.testRmse, testMae: r.testMae, fitSeconds: r.boosterSeconds };
  }
  if (!isBaselineMethod(method)) throw new Error(`unhandled method ${method}`);
  const t0 = performance.now();
  // a baseline has no use for a hold-out: it fits on train + validation, as `train --algorithm` does
  const baseline = fitBaseline({ nUsers: d.nUsers, nItems: d.nItems, train: concatRatings(d.train, d.validation), scale: d.scale }, { algorithm: method, seed: deriveSeed(num(c, 'seed'), 'baselines') });
  const fitSeconds = (performance.now() - t0) / 1000;
  if (test.rating.length === 0) return { testRmse: null, testMae: null, fitSeconds };
  const m = baseline.evaluate(test);
  return { testRmse: m.rmse, testMae: m.mae, fitSeconds };
}

/**
 * Runs experiment `name`: plans it (see {@link planRuns}), skips each run whose record exists in `opts.out`, executes
 * the others in order and writes each one's record atomically as soon as it finishes.
 * @throws InputError for an unknown experiment, invalid options or unreadable data; the signal's reason when aborted
 */
export async function runExperiment(name: string, opts: RunExperimentOptions): Promise<ExperimentSummary> {
  const { plan, data } = await planWithData(name, opts);
  opts.onEvent?.({ type: 'plan', plan });
  const pairs = new PairCache();
  const records: ExperimentRecord[] = [];
  let ran = 0;
  try {
    for (const [index, run] of plan.runs.entries()) {
      const existing = run.done ? readRecord(run.file, run.key) : undefined;
      if (existing) {
        records.push(existing);
        continue;
      }
      opts.signal?.throwIfAborted();
      opts.onEvent?.({ type: 'start', index, run });
      const startedAt = new Date();
      const load = loadavg();
      const result = await execute(run, data, plan.settings, pairs, (stage, done, total) => opts.onEvent?.({ type: 'progress', index, stage, done, total }));
      const finishedAt = new Date();
      const meta: RunMeta = {
        command: opts.command,
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
        machine: machineDescription(),
        version: VERSION,
        loadAverage: load.map((x) => Math.round(x * 100) / 100),
      };
      const record = experimentRecordSchema.parse({ experiment: plan.experiment, key: run.key, config: run.config, result, meta });
      await removeStaleSiblings(run.file, 'tmp');
      await writeFileAtomic(run.file, `${JSON.stringify(record, null, 1)}\n`);
      records.push(record);
      ran++;
      opts.onEvent?.({ type: 'done', index, run, record });
      await pairs.keep(new Set(plan.runs.slice(index + 1).flatMap((r) => (!r.done && r.pair ? [r.pair] : []))));
    }
  } finally {
    await pairs.keep(new Set());
  }
  return { experiment: plan.experiment, ran, skipped: plan.runs.length - ran, records };
}

