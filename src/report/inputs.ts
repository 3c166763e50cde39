/**
 * What the report is made of, read and validated: the experiment records under `--from`, and optionally a model
 * bundle's learning curves, an `rsattae evaluate --json` output and the cold-start study's results. Every file that
 * does not have the expected shape is an InputError naming the file and the field.
 */
import { readFile, stat } from 'node:fs/promises';
import { z } from 'zod';
import { InputError } from '../core/errors.js';
import {
  EXPERIMENT_NAMES,
  type ExperimentName,
  type ExperimentRecord,
  type RunMeta,
  readExperimentRecords,
  recordPath,
} from '../evaluation/experiment-record.js';
import { type BundleManifest, readManifest, readVerified } from '../store/model-bundle.js';

const finite = z.number().finite();
const seed = z.number().int().optional();

/** Table III and the cross-validation record the same thing per method. */
const METHOD_SHAPE = {
  config: z.looseObject({ method: z.string(), split: z.string(), seed }),
  // test metrics are null on a dataset without test ratings
  result: z.looseObject({ valRmse: finite.optional(), testRmse: finite.nullable(), testMae: finite.nullable().optional(), fitSeconds: z.number().nonnegative() }),
};

/** Per-experiment schemas of a record's config and result (src/evaluation/experiment-record.ts documents the shapes). */
const SHAPES = {
  fig2: {
    config: z.looseObject({}),
    result: z.looseObject({
      distributions: z.array(
        z.object({
          side: z.enum(['users', 'items']),
          feature: z.string(),
          bins: z.array(z.object({ label: z.string(), count: z.number().nonnegative() })),
        }),
      ),
    }),
  },
  fig4a: {
    config: z.looseObject({ side: z.string(), dim: z.number().int().positive(), seed }),
    result: z.looseObject({ bestValRmse: finite, bestEpoch: z.number().int().nonnegative() }),
  },
  fig4b: {
    config: z.looseObject({ side: z.string(), model: z.string(), seed }),
    result: z.looseObject({ valRmse: z.array(finite).min(1) }),
  },
  table2: {
    config: z.looseObject({ setup: z.number().int().min(1).max(4), seed }),
    result: z.looseObject({ valRmse: finite }),
  },
  table3: METHOD_SHAPE,
  cv: METHOD_SHAPE,
} as const;

type Shapes = typeof SHAPES;
/** A record whose config and result were checked against its experiment's shape. */
export interface Run<Config, Result> {
  readonly config: Config;
  readonly result: Result;
  readonly meta: RunMeta;
}
/** The checked runs of experiment `E`. */
export type RunOf<E extends ExperimentName> = Run<z.infer<Shapes[E]['config']>, z.infer<Shapes[E]['result']>>;
/** The runs of every experiment, by experiment; an experiment with no record has an empty list. */
export type ExperimentRuns = { readonly [E in ExperimentName]: readonly RunOf<E>[] };

/** One autoencoder's learning curve, as a model bundle stores it (one value per epoch, both in rating points). */
export interface Curve {
  readonly trainLoss: readonly number[];
  readonly validationRmse: readonly number[];
  /** The epoch (1-based) whose weights were kept, when the manifest records it. */
  readonly bestEpoch?: number;
}

/** The learning curves of a trained model and the facts its manifest records about it. */
export interface ModelCurves {
  readonly dir: string;
  readonly createdAt: string;
  readonly versions: BundleManifest['versions'];
  readonly dataset?: string;
  readonly split?: string;
  readonly epochs: number;
  readonly dims: { readonly users: number; readonly movies: number };
  readonly metrics: BundleManifest['metrics'];
  readonly curves: { readonly users: Curve; readonly movies: Curve };
}

const rankingSchema = z.looseObject({
  k: z.number().int().positive(),
  relevance: finite,
  users: z.number().int().nonnegative(),
  precision: finite,
  recall: finite,
  ndcg: finite,
  map: finite,
  hitRate: finite,
  coverage: finite,
});
const evaluationSchema = z.looseObject({
  dataset: z.string(),
  split: z.string(),
  algorithm: z.string().optional(),
  test: z.object({ rmse: finite, mae: finite, count: z.number().int().nonnegative() }),
  ranking: rankingSchema.optional(),
});
/** What `rsattae evaluate --json` printed, with the file it was read from and that file's modification time. */
export type Evaluation = z.infer<typeof evaluationSchema> & { readonly file: string; readonly modifiedAt: string };

const coldSideSchema = z.looseObject({
  k: z.array(z.number().int().nonnegative()).min(1),
  rmse: z.record(z.string(), z.array(z.number().nullable())),
  ceilingRetrainedWithFirst20: finite.optional(),
  scoredEntities: z.number().int().optional(),
  scoredRatings: z.number().int().optional(),
});
const coldstartSchema = z.looseObject({
  date: z.string(),
  command: z.string(),
  machine: z.looseObject({ cpu: z.string().optional(), cores: z.number().optional(), memGB: z.number().optional(), node: z.string().optional() }),
  users: coldSideSchema.optional(),
  items: coldSideSchema.optional(),
});
/** bench/coldstart's results.json: RMSE of each fold-in method against k, the ratings known of the new entity. */
export type ColdStart = z.infer<typeof coldstartSchema> & { readonly file: string };

/** Everything a report is built from; absent parts are stated in the report, not errors. */
export interface ReportInputs {
  /** The experiments folder the runs were read from. */
  readonly from: string;
  readonly runs: ExperimentRuns;
  readonly model?: ModelCurves;
  readonly evaluation?: Evaluation;
  readonly coldstart?: ColdStart;
}

/** Where {@link readReportInputs} reads from (paths as given by the user). */
export interface ReportSources {
  /** The folder `rsattae experiment --out` wrote records to. */
  readonly from: string;
  /** A model bundle (`rsattae train --out DIR`): its learning curves. */
  readonly model?: string;
  /** The output of `rsattae evaluate --json` (test RMSE and ranking metrics). */
  readonly evaluation?: string;
  /** bench/coldstart's results.json (fold-in RMSE against k). */
  readonly coldstart?: string;
}

function fieldOf(issue: z.core.$ZodIssue): string {
  return issue.path.length > 0 ? issue.path.join('.') : '(top level)';
}

function parseFile<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new InputError(`${file}: ${fieldOf(issue)}: ${issue.message}`);
}

async function readJson(file: string, what: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') throw new InputError(`${what} ${file}: no such file`);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${what} ${file}: not JSON (${(err as Error).message})`);
  }
}

function checkRun<E extends ExperimentName>(experiment: E, record: ExperimentRecord, from: string): RunOf<E> {
  const file = recordPath(from, experiment, record.key);
  const shape = SHAPES[experiment];
  // TypeScript cannot narrow SHAPES[E] through the generic; the schemas are the ones Run<E> is inferred from
  const config = parseFile(shape.config as unknown as z.ZodType<RunOf<E>['config']>, record.config, `${file}: config`);
  const result = parseFile(shape.result as unknown as z.ZodType<RunOf<E>['result']>, record.result, `${file}: result`);
  return { config, result, meta: record.meta };
}

/**
 * The runs under `from`, checked against each experiment's shape.
 * @throws InputError when `from` is not a folder, or names the file and field of a record it cannot read
 */
export async function readExperimentRuns(from: string): Promise<ExperimentRuns> {
  const info = await stat(from).catch(() => undefined);
  if (!info?.isDirectory()) throw new InputError(`experiments folder ${from} does not exist (write one with \`rsattae experiment <name> --out ${from}\`)`);
  const records = await readExperimentRecords(from);
  const runs = Object.fromEntries(EXPERIMENT_NAMES.map((e) => [e, [] as RunOf<ExperimentName>[]])) as Record<ExperimentName, RunOf<ExperimentName>[]>;
  for (const r of records) runs[r.experiment].push(checkRun(r.experiment, r, from));
  return runs as unknown as ExperimentRuns;
}

const curveSchema = z.object({ trainLoss: z.array(finite), validationRmse: z.array(finite) });
const metaSchema = z.looseObject({ curves: z.object({ users: curveSchema, movies: curveSchema }).optional() });

/**
 * The learning curves a model bundle stores (meta.json), after verifying the bundle's checksums.
 * @throws InputError when `dir` is not a bundle, is damaged, or holds no curves (e.g. a baseline or an imported model)
 */
export async function readModelCurves(dir: string): Promise<ModelCurves> {
  const m = await readManifest(dir);
  const files = await readVerified(dir, { files: Object.fromEntries(Object.entries(m.files).filter(([name]) => name === 'meta.json')) });
  const text = files.get('meta.json');
  if (!text) throw new InputError(`model bundle ${dir}: manifest.json does not list meta.json`);
  const meta = parseFile(metaSchema, JSON.parse(text.toString('utf8')), `model bundle ${dir}: meta.json`);
  if (!meta.curves) throw new InputError(`model bundle ${dir}: it records no learning curves (it was not trained by this rsattae)`);
  const ae = m.autoencoders;
  return {
    dir,
    createdAt: m.createdAt,
    versions: m.versions,
    dataset: m.data?.dataset,
    split: m.data?.split,
    epochs: m.config.autoencoder.epochs,
    dims: { users: m.shapes.userEmbeddingDim, movies: m.shapes.itemEmbeddingDim },
    metrics: m.metrics,
    curves: {
      users: { ...meta.curves.users, bestEpoch: ae?.users.bestEpoch },
      movies: { ...meta.curves.movies, bestEpoch: ae?.movies.bestEpoch },
    },
  };
}

/** Reads an `rsattae evaluate --json` output. @throws InputError naming the file and field when it is not one */
export async function readEvaluation(file: string): Promise<Evaluation> {
  const parsed = parseFile(evaluationSchema, await readJson(file, 'evaluation'), `evaluation ${file}`);
  return { ...parsed, file, modifiedAt: (await stat(file)).mtime.toISOString() };
}

/** Reads bench/coldstart's results.json. @throws InputError naming the file and field when it is not one */
export async function readColdStart(file: string): Promise<ColdStart> {
  const parsed = parseFile(coldstartSchema, await readJson(file, 'cold-start results'), `cold-start results ${file}`);
  if (!parsed.users && !parsed.items) throw new InputError(`cold-start results ${file}: neither a users nor an items study`);
  for (const side of ['users', 'items'] as const) {
    const s = parsed[side];
    if (!s) continue;
    for (const [method, values] of Object.entries(s.rmse)) {
      if (values.length !== s.k.length) throw new InputError(`cold-start results ${file}: ${side}.rmse.${method}: ${values.length} values for ${s.k.length} values of k`);
    }
  }
  return { ...parsed, file };
}

/** Reads and checks everything the report is built from. @throws InputError naming the bad file and field */
export async function readReportInputs(sources: ReportSources): Promise<ReportInputs> {
  return {
    from: sources.from,
    runs: await readExperimentRuns(sources.from),
    model: sources.model === undefined ? undefined : await readModelCurves(sources.model),
    evaluation: sources.evaluation === undefined ? undefined : await readEvaluation(sources.evaluation),
    coldstart: sources.coldstart === undefined ? undefined : await readColdStart(sources.coldstart),
  };
}

