/**
 * The end-to-end configuration, validated with zod. It composes the components' own schemas: the autoencoder's
 * (src/nn/autoencoder-config.ts) and XGBRegressor's (src/gbdt/regressor-params.ts) hold the ranges; this file adds what only the pipeline
 * knows: the seed, the validation share, the embedding mode and the paper's defaults (Table II setup 4, d = 64,
 * 10 % validation) where they differ from the components' own.
 */
import { z } from 'zod';
import { InputError, parseInput } from '../core/errors.js';
import { xgbRegressorParamsSchema } from '../gbdt/regressor-params.js';
import { autoencoderSettingsSchema } from '../nn/autoencoder-config.js';

const autoencoderSchema = autoencoderSettingsSchema.extend({
  /**
   * Train the user and movie modules at the same time in two worker threads (when the machine has 2+ cores;
   * 'always' uses the threads on one core too, so tests can check the worker path anywhere).
   * Results are identical either way; only the wall time differs.
   */
  parallel: z.union([z.boolean(), z.literal('always')]).default(true),
});

const xgb = xgbRegressorParamsSchema.shape;
/** XGBRegressor's ranges with the paper's Table II setup 4 as defaults (tree method hist, as the reference). */
const xgboostSchema = z
  .object({
    nEstimators: xgb.nEstimators.unwrap().default(1900),
    maxDepth: xgb.maxDepth.unwrap().default(9),
    learningRate: xgb.learningRate.unwrap().default(0.01),
    subsample: xgb.subsample.unwrap().default(1),
    colsampleBytree: xgb.colsampleBytree.unwrap().default(0.2),
    regLambda: xgb.regLambda.unwrap().default(1),
    regAlpha: xgb.regAlpha.unwrap().default(3),
    minChildWeight: xgb.minChildWeight.unwrap().default(1),
    treeMethod: xgb.treeMethod.unwrap().default('hist'),
    /** Threads; all cores when omitted. */
    nThread: xgb.nThread,
    /**
     * Stop boosting when the validation RMSE has not improved for this many rounds and predict with the trees up to
     * the best round; unset = always `nEstimators` trees (the paper). Honest only with `validationRows: 'held-out'`.
     */
    earlyStoppingRounds: z.number().int().min(1).max(1_000_000).optional(),
  })
  .strict();

/** Baselines `blend` may mix with the booster (src/baselines, with their Surprise defaults). */
export const BLEND_ALGORITHMS = ['baseline-only', 'svd', 'svdpp', 'knn-baseline'] as const;
/** One of {@link BLEND_ALGORITHMS}. */
export type BlendAlgorithm = (typeof BLEND_ALGORITHMS)[number];

/** Schema of {@link RSAttAEConfig}; `parse` fills every default. */
export const configSchema = z
  .object({
    /** Seed of the validation holdout, initialisation, dropout, folds and XGBoost. */
    seed: z.number().int().min(0).max(2 ** 31 - 1).default(42),
    /** Fraction of the base split held out for validation (paper: 0.1; reference code: 0.15). */
    valFraction: z.number().gt(0).lt(1).default(0.1),
    /**
     * How the XGBoost training rows get their embeddings. 'in-sample' (paper and reference): from the encoders on
     * all train + validation ratings, so each row's own rating is in the encoders' input, as no test pair's is.
     * 'leave-one-out': each pair's embeddings come from the encoders with that one rating removed from the input,
     * as a test pair stands (but it leaks the other way and scores worst; see BENCHMARKS.md). 'out-of-fold': the
     * pairs are dealt into `folds` folds and a pair's embeddings come from the encoders with its whole fold removed.
     */
    embeddings: z.enum(['in-sample', 'leave-one-out', 'out-of-fold']).default('in-sample'),
    /** Number of folds for 'out-of-fold' embeddings. */
    folds: z.number().int().min(2).max(50).default(5),
    /**
     * The booster's validation rows. 'in-sample' (paper): embeddings from the encoders on train + validation
     * ratings, so each validation rating is in the input that predicts it and the validation RMSE is optimistic.
     * 'held-out': from the encoders on the train ratings only, as a test rating stands; the honest figure that
     * early stopping and blend weights are chosen on.
     */
    validationRows: z.enum(['in-sample', 'held-out']).default('in-sample'),
    /**
     * The embedding each side gives XGBoost. 'encoder' (paper and reference): E, the encoder's output. 'attended': Ê =
     * LayerNorm(α·A·E + (1−α)·E), the attention module's output that the decoder reads. 'both': E and Ê side by side
     * (2d columns per side). 'attended' and 'both' need the attention model and in-sample embeddings.
     * {@link resolveConfig} leaves it unset to 'attended' where that applies (see {@link defaultBoosterEmbeddings});
     * the schema's own default stays 'encoder' because a stored configuration without the field predates it.
     */
    boosterEmbeddings: z.enum(['encoder', 'attended', 'both']).default('encoder'),
    /**
     * Baselines blended with the booster: each is fitted on the train ratings, the weights of
     * w₀·booster + Σ wₖ·baselineₖ + c are least squares on the held-out validation rows, then the baselines are
     * refitted on train + validation (as the embeddings are) for prediction. Empty = the booster alone (paper).
     */
    blend: z
      .array(z.enum(BLEND_ALGORITHMS))
      .max(BLEND_ALGORITHMS.length)
      .refine((a) => new Set(a).size === a.length, 'each algorithm once')
      .default([]),
    autoencoder: autoencoderSchema.default(autoencoderSchema.parse({})),
    xgboost: xgboostSchema.default(xgboostSchema.parse({})),
  })
  .strict();

/**
 * What `train` runs when no preset is named, for the fields the caller leaves unset: the honest, validated pipeline.
 * Validation rows embedded from the train ratings alone (as a test pair is), on which the booster stops early, the
 * stack of the booster with the four baselines is chosen and weighted, and cold pairs get their rule; the
 * autoencoders stop after `patience` epochs without a better validation RMSE (their best weights are kept). The
 * schema's own defaults stay the paper's: a stored configuration holds every field, and an old one must load as it
 * was trained.
 */
export const DEFAULT_PIPELINE = {
  validationRows: 'held-out',
  blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline'],
  autoencoder: { patience: 100 },
  xgboost: { earlyStoppingRounds: 100 },
} as const satisfies Partial<z.input<typeof configSchema>>;

/**
 * Named starting points, plain data (as Surprise's dataset presets are): a preset fills the fields the caller leaves
 * unset, in place of {@link DEFAULT_PIPELINE}. `paper`: the paper's and the reference's pipeline exactly (XGBoost on
 * E, in-sample validation rows, no blend, every epoch and tree). `accurate`: the default pipeline, by the name it had
 * before it became the default.
 */
export const CONFIG_PRESETS = {
  paper: { boosterEmbeddings: 'encoder', validationRows: 'in-sample', blend: [] },
  accurate: DEFAULT_PIPELINE,
} as const satisfies Record<string, Partial<z.input<typeof configSchema>>>;
/** One of {@link CONFIG_PRESETS}. */
export type ConfigPresetName = keyof typeof CONFIG_PRESETS;
/** The preset names, for messages and the CLI. */
export const CONFIG_PRESET_NAMES = Object.keys(CONFIG_PRESETS) as ConfigPresetName[];

/** A fully resolved configuration. */
export type RSAttAEConfig = z.infer<typeof configSchema>;
/** What callers pass: any subset, nested objects partial too. */
export type RSAttAEConfigInput = {
  /** A named starting point for the unset fields (see {@link CONFIG_PRESETS}); the defaults are used as they are without. */
  preset?: ConfigPresetName;
  seed?: number;
  valFraction?: number;
  embeddings?: RSAttAEConfig['embeddings'];
  folds?: number;
  validationRows?: RSAttAEConfig['validationRows'];
  boosterEmbeddings?: RSAttAEConfig['boosterEmbeddings'];
  blend?: RSAttAEConfig['blend'];
  autoencoder?: Partial<RSAttAEConfig['autoencoder']>;
  xgboost?: Partial<RSAttAEConfig['xgboost']>;
};

/**
 * Training ratings from which {@link LARGE_DATA_DEFAULTS} replace the paper's defaults. By the measured rates (about
 * 1 ms per training rating for 1000 epochs and 1900 trees on this project's 2-core machine, BENCHMARKS.md "Scale"),
 * the paper's configuration takes under ~1.5 h below this size and does not fit 2 h much above it.
 */
export const LARGE_DATA_FROM = 5_000_000;

/**
 * Defaults that take the place of the paper's on {@link LARGE_DATA_FROM} training ratings or more, for fields the
 * caller leaves unset: 300 autoencoder epochs instead of 1000, and 300 trees at η = 0.05 instead of 1900 at 0.01
 * (fewer, larger steps; the tree is what costs time, not η). Chosen by measurement: BENCHMARKS.md "Scale defaults".
 */
export const LARGE_DATA_DEFAULTS = {
  autoencoder: { epochs: 300 },
  xgboost: { nEstimators: 300, learningRate: 0.05 },
} as const;

/**
 * The stack's members on {@link LARGE_DATA_FROM} training ratings or more, where SVD++ and the kNN member would cost
 * more than the rest of training: the bias model (which also scores cold pairs) and SVD.
 */
export const LARGE_DATA_BLEND = ['baseline-only', 'svd'] as const;

/**
 * The booster's embeddings when the caller leaves `boosterEmbeddings` unset: Ê ('attended'), which beat the paper's
 * E on validation and on test on every ML-100K fold and on ML-1M-shaped data (BENCHMARKS.md "Accuracy: Ê into the
 * booster"); E ('encoder') where Ê does not exist (the vanilla model, per-pair embeddings) and on large data, where
 * Ê is not yet measured.
 */
export function defaultBoosterEmbeddings(cfg: Pick<RSAttAEConfig, 'autoencoder' | 'embeddings'>, profile: DefaultsProfile = 'paper'): RSAttAEConfig['boosterEmbeddings'] {
  return profile === 'paper' && cfg.autoencoder.model === 'attention' && cfg.embeddings === 'in-sample' ? 'attended' : 'encoder';
}

/** Which defaults a configuration was resolved with. */
export type DefaultsProfile = 'paper' | 'large-data';

/** The defaults profile for a training set of `trainingRatings` ratings. */
export function defaultsProfile(trainingRatings: number): DefaultsProfile {
  return trainingRatings >= LARGE_DATA_FROM ? 'large-data' : 'paper';
}

/** `over` with its undefined fields dropped, spread over `base` (so an unset CLI option keeps the default). */
function defined(base: object, over: object | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over ?? {})) if (v !== undefined) out[k] = v;
  return out;
}

/** {@link defined} one level deeper too: the nested `autoencoder` and `xgboost` objects are merged field by field. */
function definedNested(base: Partial<RSAttAEConfigInput>, over: Omit<RSAttAEConfigInput, 'preset'>): Omit<RSAttAEConfigInput, 'preset'> {
  const out = defined(base, over) as Omit<RSAttAEConfigInput, 'preset'>;
  for (const k of ['autoencoder', 'xgboost'] as const) {
    const b = base[k];
    const o = over[k];
    if (b !== undefined && o !== undefined && o !== null && typeof o === 'object') (out as Record<string, unknown>)[k] = defined(b, o);
  }
  return out;
}

/**
 * Validates a partial configuration and fills the defaults: first the `preset`'s fields, or without one
 * {@link DEFAULT_PIPELINE}'s (its blend {@link LARGE_DATA_BLEND} on large data), then the paper's, or with `data` of
 * {@link LARGE_DATA_FROM} training ratings or more, {@link LARGE_DATA_DEFAULTS} where the input leaves a field unset.
 * An unset `boosterEmbeddings` is {@link defaultBoosterEmbeddings}' choice ('attended' below LARGE_DATA_FROM with the
 * attention model); `preset: 'paper'` gives the paper's pipeline exactly. A configuration with every field set (one
 * resolved before) is validated as it is.
 * @throws InputError naming each offending field, e.g. `autoencoder.dim: Too small: expected number to be >=1`,
 *   with the issues as data (`code`, `path`)
 */
export function resolveConfig(input: RSAttAEConfigInput = {}, data?: { readonly trainingRatings: number }): RSAttAEConfig {
  // not an object (from untyped callers): the schema says so with its path
  if (input === null || typeof input !== 'object') return parseInput(configSchema, input, 'invalid configuration', '(config)');
  const { preset, ...rest } = input;
  if (preset !== undefined && !Object.hasOwn(CONFIG_PRESETS, preset)) {
    const message = `unknown preset ${JSON.stringify(preset)}; the presets are ${CONFIG_PRESET_NAMES.join(', ')}`;
    throw new InputError(`invalid configuration: ${message}`, { issues: [{ code: 'invalid_value', path: ['preset'], message }] });
  }
  const profile: DefaultsProfile = data === undefined ? 'paper' : defaultsProfile(data.trainingRatings);
  // a configuration resolved before (every field set, e.g. the CLI's, handed on to fit) is taken as it is
  const resolved = preset === undefined && Object.keys(configSchema.shape).every((k) => (rest as Record<string, unknown>)[k] !== undefined);
  const base: Partial<RSAttAEConfigInput> = resolved
    ? {}
    : preset !== undefined && preset !== 'accurate'
      ? CONFIG_PRESETS[preset]
      : { ...DEFAULT_PIPELINE, blend: profile === 'large-data' ? [...LARGE_DATA_BLEND] : [...DEFAULT_PIPELINE.blend] };
  const given = definedNested(base, rest);
  const merged =
    profile === 'large-data'
      ? {
          ...given,
          autoencoder: defined(LARGE_DATA_DEFAULTS.autoencoder, given.autoencoder),
          xgboost: defined(LARGE_DATA_DEFAULTS.xgboost, given.xgboost),
        }
      : given;
  const cfg = parseInput(configSchema, merged, 'invalid configuration', '(config)');
  if (given.boosterEmbeddings === undefined) cfg.boosterEmbeddings = defaultBoosterEmbeddings(cfg, profile);
  else if (cfg.boosterEmbeddings !== 'encoder') {
    // Ê exists only in an attention module, and only for the population it was computed on (no per-pair inputs)
    const why = cfg.autoencoder.model !== 'attention' ? 'autoencoder.model "attention"' : cfg.embeddings !== 'in-sample' ? 'embeddings "in-sample"' : undefined;
    if (why) {
      const message = `boosterEmbeddings "${cfg.boosterEmbeddings}" needs ${why}; use boosterEmbeddings "encoder" with this configuration`;
      throw new InputError(`invalid configuration: ${message}`, { issues: [{ code: 'invalid_combination', path: ['boosterEmbeddings'], message }] });
    }
  }
  return cfg;
}
