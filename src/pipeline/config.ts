/**
 * The end-to-end configuration, validated with zod. Defaults are the paper's configuration (Table II setup 4,
 * d = 64, 10 % validation) and, where the paper is silent, the reference code's.
 */
import { z } from 'zod';
import { InputError } from '../errors.js';

const autoencoderSchema = z
  .object({
    /** 'attention' is RSAttAE; 'vanilla' the plain autoencoder of the paper's Fig. 4B. */
    model: z.enum(['attention', 'vanilla']).default('attention'),
    /** Embedding width d (paper Fig. 4A: 64 is best). */
    dim: z.number().int().min(1).max(4096).default(64),
    /** Full-batch epochs (reference: 1000). */
    epochs: z.number().int().min(1).default(1000),
    /** Stop after this many epochs without a better validation RMSE (off by default, as the reference). */
    patience: z.number().int().min(1).optional(),
    /** Input dropout (reference: 0.5). */
    dropout: z.number().min(0).lt(1).default(0.5),
    /** ADOPT learning rate (reference: 1e-3). */
    learningRate: z.number().positive().default(1e-3),
    /** ADOPT weight decay added to the gradient (reference: 1e-5). */
    weightDecay: z.number().min(0).default(1e-5),
    /** Which weights embed: the best-validation epoch's (default) or the last epoch's (reference). */
    restore: z.enum(['best', 'last']).default('best'),
    /** Kernels: 'wasm' (WebAssembly SIMD, default) or 'cpu' (plain TypeScript). */
    backend: z.enum(['wasm', 'cpu']).default('wasm'),
    /**
     * Train the user and movie modules at the same time in two worker threads (when the machine has 2+ cores;
     * 'always' uses the threads on one core too, so tests can check the worker path anywhere).
     * Results are identical either way; only the wall time differs.
     */
    parallel: z.union([z.boolean(), z.literal('always')]).default(true),
  })
  .strict();

const xgboostSchema = z
  .object({
    nEstimators: z.number().int().min(1).default(1900),
    maxDepth: z.number().int().min(0).default(9),
    learningRate: z.number().positive().default(0.01),
    subsample: z.number().gt(0).max(1).default(1),
    colsampleBytree: z.number().gt(0).max(1).default(0.2),
    regLambda: z.number().min(0).default(1),
    regAlpha: z.number().min(0).default(3),
    minChildWeight: z.number().min(0).default(1),
    treeMethod: z.enum(['hist', 'approx', 'exact', 'auto']).default('hist'),
    /** Threads; all cores when omitted. */
    nThread: z.number().int().min(1).optional(),
  })
  .strict();

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
    autoencoder: autoencoderSchema.default(autoencoderSchema.parse({})),
    xgboost: xgboostSchema.default(xgboostSchema.parse({})),
  })
  .strict();

/** A fully resolved configuration. */
export type RSAttAEConfig = z.infer<typeof configSchema>;
/** What callers pass: any subset, nested objects partial too. */
export type RSAttAEConfigInput = {
  seed?: number;
  valFraction?: number;
  embeddings?: RSAttAEConfig['embeddings'];
  folds?: number;
  autoencoder?: Partial<RSAttAEConfig['autoencoder']>;
  xgboost?: Partial<RSAttAEConfig['xgboost']>;
};

/**
 * Validates a partial configuration and fills the defaults.
 * @throws InputError naming each offending field, e.g. `autoencoder.dim: Too small: expected number to be >=1`
 */
export function resolveConfig(input: RSAttAEConfigInput = {}): RSAttAEConfig {
  const r = configSchema.safeParse(input);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `${i.path.join('.') || '(config)'}: ${i.message}`);
    throw new InputError(`invalid configuration: ${lines.join('; ')}`);
  }
  return r.data;
}
