/**
 * The autoencoder's hyper-parameters as one zod schema: the single source of their ranges, defaults and descriptions.
 * {@link trainAutoencoder} validates with it, and the pipeline's configuration composes it.
 */
import { z } from 'zod';
import { parseInput } from '../core/errors.js';

/** Compute backend name. */
export type BackendName = 'wasm' | 'cpu';

/**
 * The hyper-parameters the pipeline exposes (everything but the seed, which the pipeline sets per module), with their
 * descriptions; the defaults are the reference code's.
 */
export const autoencoderSettingsSchema = z
  .object({
    model: z
      .enum(['attention', 'vanilla'])
      .describe('attention (RSAttAE) or vanilla autoencoders (the same encoder and decoder without attention and LayerNorm, paper Fig. 4B)')
      .default('attention'),
    dim: z.number().int().min(1).max(4096).describe('embedding dimension d; hidden layers are 2d wide (paper Fig. 4A: 64 is best)').default(64),
    epochs: z.number().int().min(1).describe('autoencoder epochs at most (one full-batch step and one validation pass each)').default(1000),
    patience: z
      .number()
      .int()
      .min(0)
      .describe('stop an autoencoder after this many epochs without a better validation RMSE, keeping the best weights (unset or 0: never, as the reference)')
      .optional(),
    dropout: z.number().min(0).lt(1).describe('input dropout probability').default(0.5),
    learningRate: z.number().positive().describe('ADOPT learning rate').default(1e-3),
    weightDecay: z.number().min(0).describe('ADOPT weight decay (added to the gradient)').default(1e-5),
    restore: z.enum(['best', 'last']).describe("autoencoder weights kept: best (the best validation epoch's) or last (the reference's)").default('best'),
    backend: z
      .enum(['wasm', 'cpu'])
      .describe('autoencoder kernels: wasm (WebAssembly SIMD) or cpu (plain TypeScript); the same seed and backend give the same result')
      .default('wasm'),
  })
  .strict();

/** Everything {@link trainAutoencoder} takes: the settings plus the seed of the initialisation and dropout masks. */
export const autoencoderConfigSchema = autoencoderSettingsSchema.extend({
  // any safe integer: the pipeline hands each module a seed derived from its own (see src/core/seeds.ts)
  seed: z.number().int().describe('seed of the weight initialisation and the dropout masks').default(42),
});

/** Hyper-parameters of {@link trainAutoencoder}, every default filled. */
export type AutoencoderConfig = z.output<typeof autoencoderConfigSchema>;

/** The reference's settings: every default of {@link autoencoderConfigSchema}. */
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

/** Defaults of the reference implementation, with the reference run's weight decay (learning rate and weight decay: the schema's). */
export const defaultAdoptConfig: Readonly<AdoptConfig> = {
  learningRate: defaultAutoencoderConfig.learningRate,
  beta1: 0.9,
  beta2: 0.9999,
  epsilon: 1e-6,
  weightDecay: defaultAutoencoderConfig.weightDecay,
};
