/**
 * The autoencoder's hyper-parameters as one zod schema: the single source of their ranges and defaults.
 * {@link trainAutoencoder} validates with it, and the pipeline's configuration composes it.
 */
import { z } from 'zod';
import { parseInput } from '../core/errors.js';

/** Compute backend name. */
export type BackendName = 'wasm' | 'cpu';

/**
 * The hyper-parameters the pipeline exposes (everything but the seed, which the pipeline sets per module). Defaults
 * are the reference code's: d = 64, 1000 epochs, dropout 0.5, ADOPT lr 1e-3 and weight decay 1e-5.
 */
export const autoencoderSettingsSchema = z
  .object({
    /** `attention` = RSAttAE; `vanilla` = the same encoder/decoder without attention and LayerNorm (paper Fig. 4B). */
    model: z.enum(['attention', 'vanilla']).default('attention'),
    /** Embedding size d (hidden layers are 2d wide; paper Fig. 4A: 64 is best). */
    dim: z.number().int().min(1).max(4096).default(64),
    /** Maximum number of epochs (one full-batch step + one validation pass each). */
    epochs: z.number().int().min(1).default(1000),
    /** Stop after this many epochs without a new best validation RMSE (unset or 0 = never, as the reference). */
    patience: z.number().int().min(0).optional(),
    /** Input dropout probability. */
    dropout: z.number().min(0).lt(1).default(0.5),
    /** ADOPT learning rate. */
    learningRate: z.number().positive().default(1e-3),
    /** ADOPT weight decay (added to the gradient). */
    weightDecay: z.number().min(0).default(1e-5),
    /** Weights kept at the end: the best validation epoch's (default), or the last (the reference). */
    restore: z.enum(['best', 'last']).default('best'),
    /** Kernels: `wasm` (WebAssembly SIMD, default) or `cpu` (plain TypeScript). Same seed + backend → same result. */
    backend: z.enum(['wasm', 'cpu']).default('wasm'),
  })
  .strict();

/** Everything {@link trainAutoencoder} takes: the settings plus the seed of the initialisation and dropout masks. */
export const autoencoderConfigSchema = autoencoderSettingsSchema.extend({
  /** Seed of the weight initialisation and the dropout masks (any safe integer). */
  seed: z.number().int().default(42),
});

/** Hyper-parameters of {@link trainAutoencoder}, every default filled. */
export type AutoencoderConfig = z.output<typeof autoencoderConfigSchema>;

/** The reference's settings: d = 64, 1000 epochs, dropout 0.5, ADOPT lr 1e-3, weight decay 1e-5; best weights restored. */
export const defaultAutoencoderConfig: Readonly<AutoencoderConfig> = Object.freeze(autoencoderConfigSchema.parse({}));

/**
 * Validates a partial configuration and fills the defaults.
 * @throws InputError `invalid autoencoder configuration: dim: Too small: …`, with the issues as data
 */
export function resolveAutoencoderConfig(config: unknown): AutoencoderConfig {
  return parseInput(autoencoderConfigSchema, config ?? {}, 'invalid autoencoder configuration', '(config)');
}

/** ADOPT hyper-parameters (defaults: the reference's). */
export interface AdoptConfig {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: number;
}

/** Defaults of the reference implementation, with the reference run's weight decay. */
export const defaultAdoptConfig: Readonly<AdoptConfig> = { learningRate: 1e-3, beta1: 0.9, beta2: 0.9999, epsilon: 1e-6, weightDecay: 1e-5 };
