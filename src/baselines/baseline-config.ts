/**
 * Hyper-parameters of the baselines, with Surprise's defaults (NicolasHug/Surprise: `BaselineOnly`, `SVD`, `SVDpp`,
 * `KNNBaseline`), so that an unconfigured fit is the algorithm of Surprise's published benchmark table. One zod
 * schema validates what a caller passes and what a saved bundle records.
 */
import { z } from 'zod';
import { parseInput } from '../core/errors.js';

/** The baselines by name, as `rsattae train --algorithm` takes them. */
export const BASELINE_ALGORITHMS = Object.freeze(['global-mean', 'baseline-only', 'svd', 'svdpp', 'knn-baseline'] as const);

/** One of {@link BASELINE_ALGORITHMS}. */
export type BaselineAlgorithm = (typeof BASELINE_ALGORITHMS)[number];

const count = z.number().int().positive();
const nonNegative = z.number().nonnegative();

/** Surprise's `bsl_options` for ALS (`baseline_als`): epochs and the two regularisation terms. */
const als = z.object({
  epochs: count.default(10),
  regU: nonNegative.default(15),
  regI: nonNegative.default(10),
});

/** SGD matrix factorisation (Surprise's `SVD` / `SVDpp`: one learning rate and one regularisation for all). */
const mf = (factors: number, lr: number) => ({
  factors: count.default(factors),
  epochs: count.default(20),
  lr: z.number().positive().default(lr),
  reg: nonNegative.default(0.02),
  initMean: z.number().default(0),
  initStd: nonNegative.default(0.1),
});

const seed = z.number().int().refine(Number.isSafeInteger, 'a safe integer').default(42);

/** Every baseline's configuration; `seed` seeds every random choice (only SVD and SVD++ make any). */
export const baselineConfigSchema = z.discriminatedUnion('algorithm', [
  z.object({ algorithm: z.literal('global-mean'), seed }).strict(),
  z.object({ algorithm: z.literal('baseline-only'), seed, baseline: als.strict().default(als.parse({})) }).strict(),
  z.object({ algorithm: z.literal('svd'), seed, ...mf(100, 0.005) }).strict(),
  z.object({ algorithm: z.literal('svdpp'), seed, ...mf(20, 0.007) }).strict(),
  z
    .object({
      algorithm: z.literal('knn-baseline'),
      seed,
      /** Neighbours averaged at most (Surprise's `k`). */
      k: count.default(40),
      /** Fewer positive-similarity neighbours than this and the prediction is the baseline alone. */
      minK: z.number().int().nonnegative().default(1),
      /** `pearson-baseline` (the choice) or `msd` (what Surprise's `KNNBaseline()` uses unconfigured). */
      similarity: z.enum(['pearson-baseline', 'msd']).default('pearson-baseline'),
      /** Similarities between items (false, the choice) or users (true, Surprise's unconfigured default). */
      userBased: z.boolean().default(false),
      /** Pearson-baseline shrinkage. */
      shrinkage: nonNegative.default(100),
      /** Common raters below which a similarity is 0 (pearson-baseline uses at least 2). */
      minSupport: z.number().int().nonnegative().default(1),
      baseline: als.strict().default(als.parse({})),
    })
    .strict(),
]);

/** A baseline's configuration with every default filled in. */
export type BaselineConfig = z.output<typeof baselineConfigSchema>;
/** What {@link resolveBaselineConfig} takes: an algorithm and any of its fields. */
export type BaselineConfigInput = z.input<typeof baselineConfigSchema>;

/**
 * Fills in Surprise's defaults and validates.
 * @throws InputError naming each bad field (an unknown algorithm, a field the algorithm does not take, a bad value)
 */
export function resolveBaselineConfig(input: BaselineConfigInput, what = 'baseline configuration'): BaselineConfig {
  return parseInput(baselineConfigSchema, input, what, '(config)');
}
