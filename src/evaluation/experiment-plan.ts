/**
 * What an experiment runs: its options, validated, expanded into one run per config (see experiment-record.ts for the record
 * each run leaves), with an estimated time per run from a simple cost model. Every config holds everything that
 * changes the result (dataset and its data fingerprint, split, seed, epochs, trees, dim, …) with the paper's defaults
 * filled in, so a quick run (`epochs: 5`) never reuses or overwrites the records of a full one.
 */
import { basename } from 'node:path';
import { z } from 'zod';
import { BASELINE_ALGORITHMS, type BaselineAlgorithm } from '../baselines/index.js';
import { sha256 } from '../core/atomic-fs.js';
import { InputError, parseInput } from '../core/errors.js';
import type { RatingsDataset } from '../data/dataset.js';
import { type DatasetDescriptor, descriptorSplit, type LoadDatasetOptions, loadDataset } from '../data/descriptor.js';
import { type PreparedData, prepareData } from '../model/prepare-data.js';
import { configSchema } from '../model/rsattae-config.js';
import { canonicalJson, EXPERIMENT_NAMES, type ExperimentName, PUBLISHED, type RunConfig, recordPath, runKey } from './experiment-record.js';

/**
 * The methods of `table3` and `cv`:
 * - `rsattae`: the paper's pipeline (`preset: 'paper'`; Fig. 3, the reference code): attention modules, XGBoost on
 *   [E_u, F_u, E_m, F_m] where E is the encoder's output. Attention shapes E through training but is not applied
 *   when the rows are built, so this row is also "RSAttAE without attention at inference".
 * - `rsattae-attended`: the same trained modules, XGBoost on Ê = LayerNorm(α·A·E + (1−α)·E) instead of E for every
 *   pair (training, validation and test rows alike): attention applied at inference, as `RSAttAE.fit` does by default.
 * - `vanilla-ae-xgboost`: the ablation of attention altogether: vanilla autoencoders, the same XGBoost.
 * - `xgboost-features`: the same XGBoost on [F_u, F_m] alone, no embeddings.
 * - the baselines of src/baselines, fitted on train + validation as `train --algorithm` does.
 */
export const TABLE3_METHODS = ['rsattae', 'rsattae-attended', 'vanilla-ae-xgboost', 'xgboost-features', ...BASELINE_ALGORITHMS] as const;
/** One of {@link TABLE3_METHODS}. */
export type Table3Method = (typeof TABLE3_METHODS)[number];
/** Fig. 4A's embedding dimensions. */
export const FIG4A_DIMS = [8, 16, 32, 64, 128, 256] as const;
/** The official ML-100K folds `cv` runs over. */
export const CV_SPLITS = ['u1', 'u2', 'u3', 'u4', 'u5'] as const;

const config = configSchema.shape;
const autoencoder = config.autoencoder.unwrap().shape;
const xgboost = config.xgboost.unwrap().shape;

/**
 * Schema of the sweep settings of {@link ExperimentOptions}. Each setting is the configuration's own field (its range,
 * description and default: the schema's defaults are the paper's), so an unset one takes the paper's value.
 */
export const experimentSettingsSchema = z
  .object({
    seeds: z
      .array(config.seed.unwrap())
      .min(1)
      .describe('seeds, one run each, e.g. 42,1,2')
      .default([config.seed.parse(undefined)]),
    epochs: autoencoder.epochs,
    trees: xgboost.nEstimators.describe("XGBoost trees of table3 and cv, by default the paper's (Table II setup 4); table2 scales the paper's four setups in proportion"),
    dim: autoencoder.dim,
    dims: z.array(autoencoder.dim.unwrap()).min(1).describe("fig4a's embedding dimensions").default([...FIG4A_DIMS]),
    valFraction: config.valFraction,
    /** table3/cv: the methods to run (default all). */
    methods: z.array(z.enum(TABLE3_METHODS)).min(1).default([...TABLE3_METHODS]),
  })
  .strict();
/** Resolved sweep settings. */
export type ExperimentSettings = z.output<typeof experimentSettingsSchema>;

/** Options of {@link planExperiment} and runExperiment. */
export interface ExperimentOptions extends Partial<Omit<ExperimentSettings, 'methods'>>, LoadDatasetOptions {
  /** The dataset, as `train` takes it (a preset or your own files); its split is the one table3 and fig4 use. */
  readonly dataset: DatasetDescriptor;
  readonly methods?: readonly string[];
}

/** One run of a plan. */
export interface PlannedRun {
  readonly experiment: ExperimentName;
  readonly config: RunConfig;
  /** {@link runKey} of the config. */
  readonly key: string;
  /** Where its record is (or will be) written. */
  readonly file: string;
  /** Seconds this run is expected to take, by the cost model ({@link COST_MODEL}); 0 for a done run. */
  readonly estimatedSeconds: number;
  /** Whether its record already exists (the run is skipped). */
  readonly done: boolean;
  /** @internal The trained autoencoder pair it shares with other runs, if any (see pairKey). */
  readonly pair?: string;
}

/**
 * Seconds per unit of work, measured on this project's 2-core machine at the paper's configuration on ML-100K u1
 * (BENCHMARKS.md "End to end" and "Baselines", load average 5–12, so they err on the slow side):
 * - an autoencoder pair (both modules, trained at once in two threads): 26.3 s for 1000 epochs over 80,000 input
 *   ratings at d = 64 → per rating·epoch, scaled by d / 64 (at least 1/4: small d does not get cheaper);
 * - XGBoost: 80.9 s for 1900 trees on 72,000 rows of width 178 → per row·tree, scaled by width / 178 (at least 1/5);
 * - a baseline: its fit time on one 80,000-rating fold → per training rating.
 */
export const COST_MODEL = {
  autoencoderPairPerRatingEpoch: 26.3 / (1000 * 80_000),
  xgboostPerRowTree: 80.9 / (1900 * 72_000),
  xgboostReferenceWidth: 178,
  baselinePerRating: { 'global-mean': 0.04 / 80_000, 'baseline-only': 0.15 / 80_000, svd: 7.8 / 80_000, svdpp: 3.5 / 80_000, 'knn-baseline': 5.1 / 80_000 },
} as const;

/** The sizes the cost model needs, of one prepared split. */
interface Sizes {
  readonly train: number;
  readonly validation: number;
  readonly userFeatures: number;
  readonly itemFeatures: number;
}

/**
 * The datasets of an experiment, read once per split and prepared once per (split, seed, validation share): what
 * plans and runs share.
 */
export class ExperimentData {
  private readonly datasets = new Map<string, Promise<RatingsDataset>>();
  private readonly prepared = new Map<string, PreparedData>();

  constructor(
    readonly descriptor: DatasetDescriptor,
    private readonly load: LoadDatasetOptions,
  ) {}

  /** The split table3 and fig4 use: the descriptor's (ML-100K: u1). */
  get defaultSplit(): string {
    return descriptorSplit(this.descriptor);
  }

  /** The dataset read for `split` (for ML-100K each fold is its own pair of files). */
  dataset(split: string): Promise<RatingsDataset> {
    let ds = this.datasets.get(split);
    if (!ds) {
      const d = this.descriptor.test !== undefined ? this.descriptor : { ...this.descriptor, split };
      ds = loadDataset(d, this.load);
      this.datasets.set(split, ds);
    }
    return ds;
  }

  /** `split` prepared with this seed's validation hold-out. */
  async prepare(split: string, seed: number, valFraction: number): Promise<PreparedData> {
    const key = `${split}\n${seed}\n${valFraction}`;
    let p = this.prepared.get(key);
    if (!p) {
      p = prepareData(await this.dataset(split), { split, seed, valFraction });
      this.prepared.set(key, p);
    }
    return p;
  }

  /**
   * The identity of `split`'s data in a config: the dataset's name and a fingerprint of its files' SHA-256 and of
   * the descriptor's reading options (file paths left out: moving the data keeps the records valid).
   */
  async identity(split: string): Promise<{ dataset: string; data: string }> {
    const ds = await this.dataset(split);
    const { name: _n, split: _s, seed: _e, valFraction: _v, ratings, test, userFeatures, itemFeatures, ...reading } = this.descriptor;
    const files = (f?: { readonly file: string }) => (f ? { ...f, file: basename(f.file) } : undefined);
    const described = { ...reading, ratings: ratings && basename(ratings), test: test && basename(test), userFeatures: files(userFeatures), itemFeatures: files(itemFeatures) };
    return { dataset: ds.name, data: sha256(canonicalJson({ files: ds.files, described })).slice(0, 16) };
  }

  /** Sizes of `split` prepared with the first seed, for the cost model. */
  async sizes(split: string, seed: number, valFraction: number): Promise<Sizes> {
    const { data } = await this.prepare(split, seed, valFraction);
    return { train: data.train.rating.length, validation: data.validation.rating.length, userFeatures: data.userFeatures.cols, itemFeatures: data.itemFeatures.cols };
  }
}

/** Resolves and checks the options. @throws InputError naming the field and, for a method, the valid names */
export function resolveSettings(opts: Partial<Omit<ExperimentSettings, 'methods'>> & { readonly methods?: readonly string[] }): ExperimentSettings {
  const { seeds, epochs, trees, dim, dims, valFraction, methods } = opts;
  const s = parseInput(experimentSettingsSchema, { seeds, epochs, trees, dim, dims, valFraction, methods }, 'invalid experiment options');
  if (new Set(s.seeds).size !== s.seeds.length) throw new InputError(`seeds are repeated: ${s.seeds.join(',')}`);
  return s;
}

/** @throws InputError listing the valid names */
export function parseExperimentName(name: string): ExperimentName {
  if (!(EXPERIMENT_NAMES as readonly string[]).includes(name)) throw new InputError(`unknown experiment ${JSON.stringify(name)}; the experiments are ${EXPERIMENT_NAMES.join(', ')}`);
  return name as ExperimentName;
}

const aeSeconds = (s: Sizes, epochs: number, dim: number): number =>
  COST_MODEL.autoencoderPairPerRatingEpoch * (s.train + s.validation) * epochs * Math.max(0.25, dim / 64);
const xgbSeconds = (s: Sizes, trees: number, embeddingCols: number): number =>
  COST_MODEL.xgboostPerRowTree * s.train * trees * Math.max(0.2, (embeddingCols + s.userFeatures + s.itemFeatures) / COST_MODEL.xgboostReferenceWidth);

/** A run still to plan: its config, and what it costs given which autoencoder pairs are already paid for. */
interface Draft {
  readonly config: RunConfig;
  /** The autoencoder pair it needs (runs sharing one pay for it once), if any. */
  readonly pair?: { readonly key: string; readonly seconds: number };
  readonly seconds: number;
}

/** @internal The key of an autoencoder pair: everything its training depends on. */
export function pairKey(c: RunConfig, model: string): string {
  return canonicalJson({ data: c.data, split: c.split, seed: c.seed, valFraction: c.valFraction, epochs: c.epochs, dim: c.dim, model });
}

/** Whether a table3/cv method is one of the baselines. */
export function isBaselineMethod(method: Table3Method): method is BaselineAlgorithm {
  return (BASELINE_ALGORITHMS as readonly string[]).includes(method);
}

/** Which autoencoder a table3/cv method needs, if any. */
export function methodAutoencoder(method: Table3Method): 'attention' | 'vanilla' | undefined {
  return method === 'rsattae' || method === 'rsattae-attended' ? 'attention' : method === 'vanilla-ae-xgboost' ? 'vanilla' : undefined;
}

async function drafts(experiment: ExperimentName, s: ExperimentSettings, data: ExperimentData): Promise<Draft[]> {
  const out: Draft[] = [];
  const seed0 = s.seeds[0];
  const perSplit = async (split: string, each: (base: RunConfig, sizes: Sizes) => void): Promise<void> => {
    const base = { ...(await data.identity(split)), split };
    each(base, await data.sizes(split, seed0, s.valFraction));
  };
  const ae = (config: RunConfig, sizes: Sizes, model: string, dim = s.dim) => ({ key: pairKey(config, model), seconds: aeSeconds(sizes, s.epochs, dim) });
  switch (experiment) {
    case 'fig2': {
      const id = await data.identity(data.defaultSplit);
      out.push({ config: { ...id }, seconds: 0.5 });
      break;
    }
    case 'fig4a':
    case 'fig4b':
      await perSplit(data.defaultSplit, (base, sizes) => {
        for (const seed of s.seeds) {
          const models = experiment === 'fig4b' ? (['attention', 'vanilla'] as const) : (['attention'] as const);
          const dims = experiment === 'fig4a' ? s.dims : [s.dim];
          for (const model of models) {
            for (const dim of dims) {
              for (const side of ['users', 'movies'] as const) {
                const config = { ...base, seed, valFraction: s.valFraction, epochs: s.epochs, dim, side, ...(experiment === 'fig4b' ? { model } : {}) };
                out.push({ config, pair: ae(config, sizes, model, dim), seconds: 0 });
              }
            }
          }
        }
      });
      break;
    case 'table2':
      await perSplit(data.defaultSplit, (base, sizes) => {
        for (const seed of s.seeds) {
          for (const setup of PUBLISHED.table2.setups) {
            const p = PUBLISHED.table2.params;
            const nEstimators = Math.max(1, Math.round((setup.nEstimators * s.trees) / 1900));
            const config = {
              ...base,
              seed,
              valFraction: s.valFraction,
              epochs: s.epochs,
              dim: s.dim,
              setup: setup.setup,
              nEstimators,
              maxDepth: p.max_depth,
              learningRate: p.learning_rate,
              subsample: p.subsample,
              colsampleBytree: p.colsample_bytree,
              regLambda: p.reg_lambda,
              regAlpha: p.reg_alpha,
            };
            out.push({ config, pair: ae(config, sizes, 'attention'), seconds: xgbSeconds(sizes, nEstimators, 2 * s.dim) });
          }
        }
      });
      break;
    case 'table3':
    case 'cv': {
      if (experiment === 'cv' && data.descriptor.preset !== 'ml-100k') {
        throw new InputError(`cv runs over ML-100K's five official folds (${CV_SPLITS.join(', ')}); this dataset has none (run table3 with --seeds, or --split for another split)`);
      }
      const splits = experiment === 'cv' ? CV_SPLITS : [data.defaultSplit];
      for (const split of splits) {
        await perSplit(split, (base, sizes) => {
          for (const seed of s.seeds) {
            for (const method of s.methods) {
              const model = methodAutoencoder(method);
              if (model) {
                const config = { ...base, seed, method, valFraction: s.valFraction, epochs: s.epochs, dim: s.dim, trees: s.trees };
                out.push({ config, pair: ae(config, sizes, model), seconds: xgbSeconds(sizes, s.trees, 2 * s.dim) });
              } else if (method === 'xgboost-features') {
                out.push({ config: { ...base, seed, method, valFraction: s.valFraction, trees: s.trees }, seconds: xgbSeconds(sizes, s.trees, 0) });
              } else if (isBaselineMethod(method)) {
                const per = COST_MODEL.baselinePerRating[method];
                out.push({ config: { ...base, seed, method }, seconds: per * (sizes.train + sizes.validation) });
              }
            }
          }
        });
      }
      break;
    }
  }
  return out;
}

/**
 * Every run of `experiment` with these options, in the order they run (grouped by split and seed, so that runs
 * sharing trained autoencoders follow each other), each with its record file and estimated seconds. Reads the
 * dataset (each split once) for its fingerprint and sizes; trains nothing.
 * @throws InputError for invalid options or a dataset that does not fit the experiment (cv needs ML-100K's folds)
 */
export async function planExperiment(
  experiment: ExperimentName,
  settings: ExperimentSettings,
  data: ExperimentData,
  outDir: string,
  isDone: (file: string, key: string) => boolean,
): Promise<PlannedRun[]> {
  const paid = new Set<string>();
  return (await drafts(experiment, settings, data)).map((d) => {
    const key = runKey(experiment, d.config);
    const file = recordPath(outDir, experiment, key);
    const done = isDone(file, key);
    let seconds = done ? 0 : d.seconds;
    if (!done && d.pair && !paid.has(d.pair.key)) {
      paid.add(d.pair.key);
      seconds += d.pair.seconds;
    }
    return { experiment, config: d.config, key, file, done, estimatedSeconds: seconds, pair: d.pair?.key };
  });
}
