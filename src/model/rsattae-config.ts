/**
 * The end-to-end configuration, validated with zod: the one place each setting's type, range, default and
 * description live (the CLI's `train` flags, their help and their validation are generated from it). It composes the
 * components' own schemas: the autoencoder's (src/nn/autoencoder-config.ts) and XGBRegressor's
 * (src/gbdt/regressor-params.ts) hold their ranges and descriptions; this file adds what only the pipeline knows: the
 * seed (its range from src/core/seeds.ts), the validation share, the embedding mode, the paper's defaults where they
 * differ from the components' own, the presets and the large-data defaults.
 */
import { channel } from 'node:diagnostics_channel';
import { z } from 'zod';
import { InputError, parseInput } from '../core/errors.js';
import { seedSchema } from '../core/seeds.js';
import { BFM_FIELDS, BFM_OUTPUTS } from '../fm/bfm-config.js';
import { xgbRegressorParamsSchema } from '../gbdt/regressor-params.js';
import { autoencoderSettingsSchema } from '../nn/autoencoder-config.js';

const autoencoderSchema = autoencoderSettingsSchema.extend({
  // 'always' uses the threads on one core too, so tests can check the worker path anywhere
  parallel: z
    .union([z.boolean(), z.literal('always')])
    .describe("train the user and movie modules at once in two worker threads on 2+ cores ('always': on one core too); the results are identical either way")
    .default(true),
});

const xgb = xgbRegressorParamsSchema.shape;
/** XGBRegressor's ranges with the paper's Table II setup 4 as defaults (tree method hist, as the reference). */
const xgboostSchema = z
  .object({
    nEstimators: xgb.nEstimators.unwrap().describe("XGBoost trees, by default the paper's (Table II setup 4)").default(1900),
    maxDepth: xgb.maxDepth.unwrap().default(9),
    learningRate: xgb.learningRate.unwrap().describe("XGBoost learning rate η, by default the paper's (Table II setup 4)").default(0.01),
    subsample: xgb.subsample.unwrap().default(1),
    colsampleBytree: xgb.colsampleBytree.unwrap().default(0.2),
    regLambda: xgb.regLambda.unwrap().default(1),
    regAlpha: xgb.regAlpha.unwrap().default(3),
    minChildWeight: xgb.minChildWeight.unwrap().default(1),
    treeMethod: xgb.treeMethod.unwrap().default('hist'),
    nThread: xgb.nThread,
    earlyStoppingRounds: z
      .number()
      .int()
      .min(1)
      .max(1_000_000)
      .describe(
        "stop XGBoost after this many rounds without a better validation RMSE and predict with the best round's trees (unset: every tree, as the paper; honest only with held-out validation rows)",
      )
      .optional(),
  })
  .strict();

/** Members `blend` may mix with the booster: the baselines (src/baselines, with their Surprise defaults) and the Bayesian FM (src/fm). */
export const BLEND_ALGORITHMS = ['baseline-only', 'svd', 'svdpp', 'knn-baseline', 'bfm'] as const;
/** One of {@link BLEND_ALGORITHMS}. */
export type BlendAlgorithm = (typeof BLEND_ALGORITHMS)[number];

/** The Bayesian FM member's settings (src/fm/bfm-config.ts, their ranges and defaults); its seed is derived from the pipeline's. */
const bfmMemberSchema = z
  .object({
    rank: BFM_FIELDS.rank,
    iterations: BFM_FIELDS.iterations,
    burnIn: BFM_FIELDS.burnIn,
    samples: BFM_FIELDS.samples,
    sampleMemory: BFM_FIELDS.sampleMemory,
    initStd: BFM_FIELDS.initStd,
    // the ordered probit scored better as the member on ML-100K; a grid too fine for it (e.g. ratings 1–100) gets regression
    output: z
      .enum([...BFM_OUTPUTS, 'auto'])
      .describe('regression, ordinal, or auto: ordinal when the training ratings take at most 20 distinct values, else regression')
      .default('auto'),
    implicit: BFM_FIELDS.implicit,
    features: BFM_FIELDS.features,
    // a served prediction has no time, and a member that learned the days scores pairs without one (on a typical
    // day) worse than one that never saw them; the stacker would weigh it by its day-aware validation figures
    time: BFM_FIELDS.time
      .unwrap()
      .describe('the day of the rating as a block of the FM member (its predictions then need each pair’s time; without one a pair is scored on a typical training day)')
      .default(false),
  })
  .strict()
  .refine((c) => c.burnIn < c.iterations, { message: 'burnIn must be below iterations', path: ['burnIn'] });

/** Schema of {@link RSAttAEConfig}; `parse` fills every default. */
export const configSchema = z
  .object({
    seed: seedSchema
      .describe('seed of the split, the validation hold-out, the initialisation, dropout, folds, XGBoost and the stack (each stream is derived from it)')
      .default(42),
    valFraction: z.number().gt(0).lt(1).describe('share of the training part held out for validation (paper: 0.1; reference code: 0.15)').default(0.1),
    // in-sample puts each row's own rating in the encoders' input, as no test pair's is; leave-one-out stands as a
    // test pair does but leaks the other way and scores worst (BENCHMARKS.md)
    embeddings: z
      .enum(['in-sample', 'leave-one-out', 'out-of-fold'])
      .describe("XGBoost training rows' embeddings: in-sample (paper), leave-one-out (each pair's own rating left out of the encoders' input) or out-of-fold (its whole fold left out)")
      .default('in-sample'),
    folds: z.number().int().min(2).max(50).describe('folds of out-of-fold embeddings').default(5),
    // held-out gives the honest figure that early stopping and the stack are chosen on
    validationRows: z
      .enum(['in-sample', 'held-out'])
      .describe(
        "XGBoost validation rows' embeddings: held-out (from the train ratings only, as a test rating stands) or in-sample (paper: the validation ratings in the encoders' input, so the validation figures are optimistic)",
      )
      .default('in-sample'),
    // Ê = LayerNorm(α·A·E + (1−α)·E) is what the decoder reads; 'both' gives 2d columns per side. resolveConfig turns
    // an unset field into 'attended' where that applies (defaultBoosterEmbeddings); the schema's own default stays
    // 'encoder' because a stored configuration without the field predates it
    boosterEmbeddings: z
      .enum(['encoder', 'attended', 'both'])
      .describe(
        "the embedding XGBoost reads per side: encoder (E, paper), attended (Ê, the attention module's output) or both (E and Ê); attended and both need the attention model and in-sample embeddings",
      )
      .default('encoder'),
    // each baseline is fitted on the train ratings, the stacker (w₀·booster + Σ wₖ·baselineₖ + c, or count-gated)
    // on the held-out validation rows, then the baselines are refitted on train + validation as the embeddings are
    blend: z
      .array(z.enum(BLEND_ALGORITHMS))
      .max(BLEND_ALGORITHMS.length)
      .refine((a) => new Set(a).size === a.length, 'name each algorithm once')
      .describe('the members stacked with the booster (baselines and the Bayesian FM), the stacker and weights chosen on held-out validation (none: the booster alone)')
      .default([]),
    autoencoder: autoencoderSchema.default(autoencoderSchema.parse({})),
    xgboost: xgboostSchema.default(xgboostSchema.parse({})),
    bfm: bfmMemberSchema.default(bfmMemberSchema.parse({})),
  })
  .strict();

/**
 * What `train` runs when no preset is named, for the fields the caller leaves unset: the honest, validated pipeline.
 * Validation rows embedded from the train ratings alone (as a test pair is), on which the booster stops early, the
 * stack of the booster with the four baselines and the Bayesian FM is chosen and weighted, and cold pairs get their
 * rule; the autoencoders stop after `patience` epochs without a better validation RMSE (their best weights are kept). The
 * schema's own defaults stay the paper's: a stored configuration holds every field, and an old one must load as it
 * was trained.
 */
export const DEFAULT_PIPELINE = {
  validationRows: 'held-out',
  blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline', 'bfm'],
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
  /** The Bayesian FM member of the stack (when `blend` names `bfm`). */
  bfm?: Partial<RSAttAEConfig['bfm']>;
};

/**
 * Training ratings from which {@link LARGE_DATA_DEFAULTS} replace the paper's defaults. By the measured rates (about
 * 1 ms per training rating for 1000 epochs and 1900 trees on this project's 2-core machine, BENCHMARKS.md "Scale"),
 * the paper's configuration takes under ~1.5 h below this size and does not fit 2 h much above it.
 */
export const LARGE_DATA_FROM = 5_000_000;

/**
 * Defaults that take the place of the paper's on {@link LARGE_DATA_FROM} training ratings or more, for fields the
 * caller leaves unset: fewer autoencoder epochs, and fewer trees at a larger η (fewer, larger steps; the tree is what
 * costs time, not η). Chosen by measurement: BENCHMARKS.md "Scale defaults".
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

/** Sections added after configurations were first stored: a stored configuration without one is still complete. */
const ADDED_LATER: readonly string[] = ['bfm'];

/**
 * Whether `x` holds every field that has a default, nested sections included: a configuration resolved before (e.g.
 * read back from a bundle's manifest), whose unset optional fields (patience, early stopping) mean "never" and must
 * not take the default pipeline's. An input that only sets every top-level field is not one.
 */
function isComplete(x: Record<string, unknown>): boolean {
  const sections: Record<string, z.ZodObject> = { autoencoder: autoencoderSchema, xgboost: xgboostSchema };
  const filled = (shape: Record<string, z.ZodType>, o: Record<string, unknown>): boolean =>
    Object.entries(shape).every(([k, field]) => field instanceof z.ZodOptional || ADDED_LATER.includes(k) || o[k] !== undefined);
  return (
    filled(configSchema.shape, x) &&
    Object.entries(sections).every(([k, section]) => {
      const o = x[k];
      return o !== null && typeof o === 'object' && filled(section.shape, o as Record<string, unknown>);
    })
  );
}

/** The configuration `input` resolves to with the defaults of `profile` (see {@link resolveConfig}), not yet frozen. */
function resolveWith(input: RSAttAEConfigInput, profile: DefaultsProfile): RSAttAEConfig {
  // not an object (from untyped callers): the schema says so with its path
  if (input === null || typeof input !== 'object') return parseInput(configSchema, input, 'invalid configuration', '(config)');
  const { preset, ...rest } = input;
  if (preset !== undefined && !Object.hasOwn(CONFIG_PRESETS, preset)) {
    const message = `unknown preset ${JSON.stringify(preset)}; the presets are ${CONFIG_PRESET_NAMES.join(', ')}`;
    throw new InputError(`invalid configuration: ${message}`, { issues: [{ code: 'invalid_value', path: ['preset'], message }] });
  }
  const complete = preset === undefined && isComplete(rest);
  const base: Partial<RSAttAEConfigInput> = complete
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

/** The configurations {@link resolveConfig} returned: taken as they are wherever a configuration is resolved again. */
const resolvedConfigs = new WeakSet<object>();

/**
 * Name of the diagnostics channel on which {@link resolveConfig} publishes each call, as
 * `{ input, trainingRatings, config }` (subscribe with `node:diagnostics_channel`; nothing is built without a
 * subscriber). It lets a caller or a test see how often, and from what, the configuration of a run was resolved.
 */
export const RESOLVE_CONFIG_CHANNEL = 'rsattae:resolve-config';
const resolutions = channel(RESOLVE_CONFIG_CHANNEL);

/**
 * Validates a partial configuration and fills the defaults: first the `preset`'s fields, or without one
 * {@link DEFAULT_PIPELINE}'s (its blend {@link LARGE_DATA_BLEND} on large data), then the paper's, or with `data` of
 * {@link LARGE_DATA_FROM} training ratings or more, {@link LARGE_DATA_DEFAULTS} where the input leaves a field unset.
 * An unset `boosterEmbeddings` is {@link defaultBoosterEmbeddings}' choice ('attended' below LARGE_DATA_FROM with the
 * attention model); `preset: 'paper'` gives the paper's pipeline exactly. A configuration with every field set (one
 * resolved before, e.g. read back from a bundle) is validated as it is.
 *
 * The result is frozen, and recognised ({@link isResolvedConfig}): passed to `RSAttAE.fit` or to resolveConfig again
 * it is used as it is, so a run resolves its configuration once. For a variant, spread it into a new input.
 * @throws InputError naming each offending field, e.g. `autoencoder.dim: Too small: expected number to be >=1`,
 *   with the issues as data (`code`, `path`)
 */
export function resolveConfig(input: RSAttAEConfigInput = {}, data?: { readonly trainingRatings: number }): RSAttAEConfig {
  let config: RSAttAEConfig;
  if (isResolvedConfig(input)) config = input;
  else {
    config = resolveWith(input, data === undefined ? 'paper' : defaultsProfile(data.trainingRatings));
    Object.freeze(config.blend);
    Object.freeze(config.autoencoder);
    Object.freeze(config.xgboost);
    resolvedConfigs.add(Object.freeze(config));
  }
  if (resolutions.hasSubscribers) resolutions.publish({ input, trainingRatings: data?.trainingRatings, config });
  return config;
}

/** Whether `x` is a configuration {@link resolveConfig} returned (frozen, every default filled). */
export function isResolvedConfig(x: unknown): x is RSAttAEConfig {
  return x !== null && typeof x === 'object' && resolvedConfigs.has(x);
}

/** What preparing the data needs of a configuration: the seed of the split and hold-out, and the validation share. */
export interface DataPreparation {
  readonly seed: number;
  readonly valFraction: number;
}

/**
 * Checks `input` as {@link resolveConfig} will once the data is read, and returns the seed and validation share the
 * data is prepared with. The data's size only picks defaults for the fields left unset, so an input valid here is
 * valid for any data, and these two fields have no size-dependent default: a caller can refuse a bad configuration,
 * and split the data, before reading it, then resolve the configuration once with the data's size.
 * @throws InputError as resolveConfig does
 */
export function checkConfigInput(input: RSAttAEConfigInput = {}): DataPreparation {
  const { seed, valFraction } = isResolvedConfig(input) ? input : resolveWith(input, 'paper');
  return { seed, valFraction };
}
