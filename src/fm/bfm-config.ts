/**
 * Settings of the Bayesian factorization machine, validated with zod: the one place each one's type, range, default
 * and description live (the CLI's `--bfm-*` flags are generated from it). The priors are libFM's and myFM's
 * (α₀ = β₀ = γ₀ = 1, μ₀ = 0, a N(0, 1) prior on w₀); the defaults of rank and iterations are those of the published
 * ML-100K results (rank 10, 512 sampling iterations).
 */
import { z } from 'zod';
import { parseInput } from '../core/errors.js';

/** The outputs a Bayesian FM can model the ratings with. */
export const BFM_OUTPUTS = Object.freeze(['regression', 'ordinal'] as const);

/** The fields of {@link BfmConfig}, each with its range, default and description (the CLI's flags read them). */
const fields = z
  .object({
    seed: z.number().int().refine(Number.isSafeInteger, 'a safe integer').describe('seed of the initialisation and of every draw').default(42),
    rank: z.number().int().min(1).max(256).describe('factors per feature (k)').default(10),
    iterations: z.number().int().min(1).max(100_000).describe('Gibbs sampling iterations').default(512),
    burnIn: z.number().int().min(0).max(100_000).describe('iterations whose samples are not averaged (0: every one, as libFM and myFM)').default(0),
    // predictions average the kept samples; a bundle keeps their parameters, so the count bounds its size
    samples: z
      .number()
      .int()
      .min(1)
      .max(100_000)
      .describe('samples kept for prediction, evenly spaced over the iterations after the burn-in (all of them when fewer)')
      .default(64),
    // a sample holds a weight and k factors per column and terms per entity: on a catalogue of hundreds of thousands
    // the 64 samples alone would take gigabytes, so a budget bounds them (the same split and seed, fewer samples)
    sampleMemory: z
      .number()
      .int()
      .min(1 << 20)
      .describe('bytes the kept samples may take in memory (their parameters and entity terms); fewer are kept where `samples` would take more')
      .default(1 << 30),
    initStd: z.number().nonnegative().max(10).describe('standard deviation of the factors at the start').default(0.1),
    output: z.enum(BFM_OUTPUTS).describe('regression on the rating, or an ordered probit over the rating grid (ordinal)').default('regression'),
    implicit: z.boolean().describe('the implicit blocks: the items a user rated, the users who rated an item (each 1/√count)').default(true),
    features: z.boolean().describe("the dataset's user and item feature columns").default(true),
    time: z.boolean().describe('the day of the rating (one column per day seen in training), when the ratings have timestamps').default(true),
  })
  .strict();

/** Each field of {@link bfmConfigSchema} by name. */
export const BFM_FIELDS = fields.shape;

/** Schema of {@link BfmConfig}; `parse` fills every default. */
export const bfmConfigSchema = fields.refine((c) => c.burnIn < c.iterations, { message: 'burnIn must be below iterations', path: ['burnIn'] });

/** A resolved configuration of the Bayesian FM. */
export type BfmConfig = z.output<typeof bfmConfigSchema>;
/** What {@link resolveBfmConfig} takes: any of its fields. */
export type BfmConfigInput = z.input<typeof bfmConfigSchema>;

/**
 * Fills in the defaults and validates.
 * @throws InputError naming each bad field
 */
export function resolveBfmConfig(input: BfmConfigInput = {}, what = 'Bayesian FM configuration'): BfmConfig {
  return parseInput(bfmConfigSchema, input, what, '(config)');
}
