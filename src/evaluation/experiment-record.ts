/**
 * The on-disk contract between `rsattae experiment` (which writes one record per finished run) and
 * `rsattae report` (which reads them all). A record is one JSON file,
 * `<out>/<experiment>/<key>.json`, where `key` is {@link runKey} of the run's full config: a rerun with the same
 * config finds the file and skips the run, so an interrupted sweep continues where it stopped.
 *
 * @example
 * const records = await readExperimentRecords('experiments');
 * const table3 = records.filter((r) => r.experiment === 'table3');
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { InputError } from '../core/errors.js';

/** The experiments `rsattae experiment <name>` knows, in the paper's order. */
export const EXPERIMENT_NAMES = ['fig2', 'fig4a', 'fig4b', 'table2', 'table3', 'cv'] as const;
/** One of {@link EXPERIMENT_NAMES}. */
export type ExperimentName = (typeof EXPERIMENT_NAMES)[number];

/** A run's config: plain JSON values only, so that {@link runKey} is well defined. */
export type RunConfig = { readonly [key: string]: string | number | boolean | null | readonly (string | number)[] };

/** Where and how a record was produced; the report prints it under each chart. */
export const runMetaSchema = z.object({
  /** The command line that produced the run, as the user would type it. */
  command: z.string(),
  /** ISO 8601 times. */
  startedAt: z.string(),
  finishedAt: z.string(),
  seconds: z.number(),
  /** e.g. "AMD EPYC 7B13, 2 cores, 24 GB, Linux 6.1, Node v20.19.0". */
  machine: z.string(),
  /** rsattae's VERSION. */
  version: z.string(),
  /** os.loadavg() when the run started (1, 5, 15 minutes): how shared the machine was. */
  loadAverage: z.array(z.number()).optional(),
});
/** See {@link runMetaSchema}. */
export type RunMeta = z.infer<typeof runMetaSchema>;

/**
 * One finished run. `result`'s shape depends on `experiment`:
 * - `fig2`: `{ distributions: [{ side: 'users'|'items', feature, bins: [{ label, count }] }] }`
 * - `fig4a`: `{ bestValRmse, bestEpoch, epochsRun }` for config `{ side: 'users'|'movies', dim, seed, … }`
 * - `fig4b`: `{ valRmse: number[], trainLoss: number[], bestEpoch }` (one per epoch) for config
 *   `{ side: 'users'|'movies', model: 'attention'|'vanilla', seed, … }`
 * - `table2`: `{ valRmse, testRmse }` for config `{ setup: 1..4, nEstimators, seed, … }`
 * - `table3`, `cv`: `{ valRmse?, testRmse, testMae, fitSeconds, autoencoders? }` for config `{ method, split, seed, … }`
 *   (method: one of TABLE3_METHODS in experiment-plan.ts; valRmse for the XGBoost methods only, autoencoders
 *   `{ users, movies: { bestValRmse, bestEpoch, alpha? } }` for those with autoencoders; testRmse and testMae are
 *   null on a dataset without test ratings; fitSeconds is what a stand-alone fit takes: the modules' training, even
 *   when shared with another method's run, plus the booster)
 * Every config also holds `dataset` (its name) and `data` (a fingerprint of its files), and `split` except fig2's.
 * The report validates each with its own schema and names the file of any record it cannot read.
 */
export const experimentRecordSchema = z.object({
  experiment: z.enum(EXPERIMENT_NAMES),
  key: z.string().regex(/^[0-9a-f]{16}$/),
  config: z.record(z.string(), z.unknown()),
  result: z.record(z.string(), z.unknown()),
  meta: runMetaSchema,
});
/** See {@link experimentRecordSchema}. */
export type ExperimentRecord = z.infer<typeof experimentRecordSchema>;

/** JSON with object keys sorted and undefined fields dropped: equal values give equal text (what keys are hashed from). */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The 16-hex-digit key of a run: sha256 of the experiment name and the config with sorted keys. */
export function runKey(experiment: ExperimentName, config: RunConfig): string {
  return createHash('sha256').update(`${experiment}\n${canonicalJson(config)}`).digest('hex').slice(0, 16);
}

/** The file a run's record lives in. */
export function recordPath(outDir: string, experiment: ExperimentName, key: string): string {
  return join(outDir, experiment, `${key}.json`);
}

/**
 * Every record under `dir` (`<dir>/<experiment>/*.json`), sorted by experiment then key. A file that is not a valid
 * record throws an InputError naming the file and the field; an I/O failure keeps its errno error.
 */
export async function readExperimentRecords(dir: string): Promise<ExperimentRecord[]> {
  const out: ExperimentRecord[] = [];
  for (const experiment of EXPERIMENT_NAMES) {
    let names: string[];
    try {
      names = (await readdir(join(dir, experiment))).filter((n) => n.endsWith('.json')).sort();
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw e;
    }
    for (const name of names) {
      const file = join(dir, experiment, name);
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw new InputError(`${file}: not JSON (${(e as Error).message})`);
      }
      const parsed = experimentRecordSchema.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new InputError(`${file}: ${issue.path.join('.') || '(record)'}: ${issue.message}`);
      }
      out.push(parsed.data);
    }
  }
  return out;
}

/**
 * The paper's own numbers (../shared/paper/RSAttAE.md), for the report's "published" rows and its comparison table.
 * Table II's RMSE row (0.8705 … 0.8694) disagrees with its text (0.9006 in setup 1 … 0.8989 in setup 4); both are
 * kept, and the report says which it compares with.
 */
export const PUBLISHED = {
  /** Fig 4A: the best validation (reconstruction) RMSE, at d = 64 on both sides. */
  fig4a: { bestDim: 64, usersValRmse: 0.938, moviesValRmse: 0.892 },
  /** Table II: XGBoost setups, varying only n_estimators. */
  table2: {
    params: { max_depth: 9, learning_rate: 0.01, subsample: 1, colsample_bytree: 0.2, reg_lambda: 1, reg_alpha: 3 },
    setups: [
      { setup: 1, nEstimators: 1300, tableRmse: 0.8705, textRmse: 0.9006 },
      { setup: 2, nEstimators: 1500, tableRmse: 0.8699, textRmse: null },
      { setup: 3, nEstimators: 1700, tableRmse: 0.8695, textRmse: null },
      { setup: 4, nEstimators: 1900, tableRmse: 0.8694, textRmse: 0.8989 },
    ],
  },
  /** Table III: test RMSE on ML-100K u1, as published. */
  table3: [
    { method: 'WMLFF', rmse: 0.928 },
    { method: 'GLocal-K', rmse: 0.888 },
    { method: 'MG-GAT', rmse: 0.89 },
    { method: 'GRAEM', rmse: 0.917 },
    { method: 'GraphRec', rmse: 0.904 },
    { method: 'FactorizedEAE', rmse: 0.92 },
    { method: 'RSAttAE', rmse: 0.898 },
  ],
} as const;
