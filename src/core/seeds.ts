/**
 * The one seed a user gives, and every random stream derived from it. The pipeline draws from many streams (the
 * split, the validation hold-out, each module's initialisation and dropout, the out-of-fold folds, XGBoost, the
 * stack's members, its cross-fitting, the cold simulation, an update's hold-out); each is named here with how it is
 * derived, so a new stream can be checked against the others and none is derived twice in two ways.
 */
import { z } from 'zod';

/**
 * A seed as a user gives it (`--seed`, `seed` of the configuration or a dataset descriptor): a whole number from 0 to
 * 2^31 − 1. XGBoost takes it unchanged, and the xor-derived streams below keep a seed of this range in the same
 * range; components that only ever receive derived seeds (an autoencoder module, a baseline) take any safe integer.
 */
export const seedSchema = z
  .number()
  .int()
  .min(0)
  .max(2 ** 31 - 1);

/**
 * How a stream's seed comes from the user's: xor with a constant (on 32 bits), or plus a constant (0 for a stream that
 * takes the seed as it is), exactly as each was first written.
 */
interface StreamRule {
  readonly op: 'xor' | 'add';
  readonly k: number;
}

/**
 * The streams, by what they shuffle or initialise. The constants are the ones each stream was first written with, so
 * that results and saved bundles stay reproducible; two coincide (`coldUsers` with `coldMixUser`, `coldItems` with
 * `coldMixItem`), which is harmless: they permute different things of different lengths.
 */
const STREAMS = {
  /** The validation hold-out carved from the training part (prepareData). */
  holdout: { op: 'add', k: 0 },
  /** The test split of a dataset without its own test set (random, user). */
  testSplit: { op: 'xor', k: 0x7e57 },
  /** The users module: its initialisation, and through {@link SEED_STREAMS.dropout} its dropout masks. */
  usersModule: { op: 'add', k: 0 },
  /** The movies module, one above the users module's so the two draw different weights and masks. */
  moviesModule: { op: 'add', k: 1 },
  /** A module's dropout masks, from the module's own seed (not the user's): distinct from its initialisation. */
  dropout: { op: 'add', k: 0x9e3779b9 },
  /** The folds of out-of-fold embeddings. */
  outOfFold: { op: 'xor', k: 0x5eed },
  /** XGBoost's row and column sampling. */
  xgboost: { op: 'add', k: 0 },
  /** The baselines: the stack's members (in fit, refit and restore alike) and those trained alone (`train --algorithm`, the experiments). */
  baselines: { op: 'add', k: 0 },
  /** The cold simulation's draw of which users are scored as cold. */
  coldUsers: { op: 'xor', k: 0xc01d },
  /** The cold simulation's draw of which items are scored as cold. */
  coldItems: { op: 'xor', k: 0xc01e },
  /** The cross-fitting folds of the stacker. */
  stacker: { op: 'xor', k: 0x57ac },
  /** The cross-fitting folds of the cold rules' mix: user cold, item cold, both. */
  coldMixUser: { op: 'xor', k: 0xc01d },
  coldMixItem: { op: 'xor', k: 0xc01e },
  coldMixBoth: { op: 'xor', k: 0xc01f },
  /** The validation share of an update's new ratings. */
  updateHoldout: { op: 'xor', k: 0x0bda7e },
} as const satisfies Record<string, StreamRule>;

/** The named streams and how each is derived (read-only; use {@link deriveSeed}). */
export const SEED_STREAMS: Readonly<Record<SeedStream, StreamRule>> = STREAMS;

/** The name of one stream of {@link SEED_STREAMS}. */
export type SeedStream = keyof typeof STREAMS;

/**
 * The seed of `stream` from `seed` (the user's, or for `dropout` a module's). Xor works on 32 bits, as these streams
 * always have; a sum stays a safe integer, which `createRng` folds into 32 bits itself.
 */
export function deriveSeed(seed: number, stream: SeedStream): number {
  const rule: StreamRule = STREAMS[stream];
  return rule.op === 'xor' ? seed ^ rule.k : seed + rule.k;
}
