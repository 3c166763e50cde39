/**
 * The model-configuration flags of `train`, `embed` and `data info`, each bound to its field of the configuration's
 * schema (src/model/rsattae-config.ts) or the autoencoder's (src/nn/autoencoder-config.ts): the flag's name is all
 * that is written here; its description, range and default come from the field (see schema-options.ts).
 */
import { z } from 'zod';
import { BFM_FIELDS } from '../fm/bfm-config.js';
import { CONFIG_PRESET_NAMES, configSchema, LARGE_DATA_FROM, type RSAttAEConfig, resolveConfig } from '../model/rsattae-config.js';
import { autoencoderSettingsSchema } from '../nn/autoencoder-config.js';
import type { SchemaOption } from './schema-options.js';
import { shownValue } from './schema-options.js';

/** The field of an object schema at `path`, through the defaults its sections are wrapped in. */
function fieldAt(schema: z.ZodType, path: readonly string[]): z.ZodType {
  let s = schema;
  for (const k of path) {
    while (s instanceof z.ZodDefault || s instanceof z.ZodOptional) s = s.unwrap() as z.ZodType;
    const field = s instanceof z.ZodObject ? (s.shape as Record<string, z.ZodType>)[k] : undefined;
    if (field === undefined) throw new Error(`no field ${path.join('.')} in the schema`);
    s = field;
  }
  return s;
}

/** The value at `path` of a resolved configuration. */
function valueAt(cfg: RSAttAEConfig, path: readonly string[]): unknown {
  let v: unknown = cfg;
  for (const k of path) v = (v as Record<string, unknown>)[k];
  return v;
}

/**
 * The default `train` gives the field at `path`, as help shows it: what resolveConfig fills in without a preset, then
 * where a preset or the large-data defaults fill in something else, e.g. `1900; 300 from 5,000,000 training ratings`.
 * Worked out by resolving, so it cannot drift from what training uses.
 */
function trainDefault(path: readonly string[]): string {
  const plain = shownValue(valueAt(resolveConfig({}), path));
  const parts = [plain];
  for (const preset of CONFIG_PRESET_NAMES) {
    const v = shownValue(valueAt(resolveConfig({ preset }), path));
    if (v !== plain) parts.push(`${v} with --preset ${preset}`);
  }
  const large = shownValue(valueAt(resolveConfig({}, { trainingRatings: LARGE_DATA_FROM }), path));
  if (large !== plain) parts.push(`${large} from ${LARGE_DATA_FROM.toLocaleString('en')} training ratings`);
  return parts.join('; ');
}

/** A flag of `train` for the configuration's field at `path`. */
const trainOption = (flags: string, path: readonly string[]): SchemaOption => ({ flags, path, schema: fieldAt(configSchema, path), shownDefault: () => trainDefault(path) });

/** A flag for a field of the configuration with the schema's own default (for commands that do not resolve it). */
const configOption = (flags: string, path: readonly string[]): SchemaOption => ({ flags, path, schema: fieldAt(configSchema, path) });

/** A flag for a field of the autoencoder's settings, with its default (embed trains the autoencoders alone). */
const autoencoderOption = (flags: string, field: keyof typeof autoencoderSettingsSchema.shape): SchemaOption => ({
  flags,
  path: [field],
  schema: autoencoderSettingsSchema.shape[field],
});

/** `--seed` and `--val-fraction` as the data's preparation takes them (`data info`, `embed`). */
export const PREPARATION_OPTIONS: readonly SchemaOption[] = [configOption('--seed <n>', ['seed']), configOption('--val-fraction <f>', ['valFraction'])];

/** Every configuration flag of `train`, by the configuration field it sets. */
export const TRAIN_CONFIG_OPTIONS: readonly SchemaOption[] = [
  trainOption('--seed <n>', ['seed']),
  trainOption('--val-fraction <f>', ['valFraction']),
  trainOption('--model <kind>', ['autoencoder', 'model']),
  trainOption('--dim <n>', ['autoencoder', 'dim']),
  trainOption('--epochs <n>', ['autoencoder', 'epochs']),
  trainOption('--patience <n>', ['autoencoder', 'patience']),
  trainOption('--restore <which>', ['autoencoder', 'restore']),
  trainOption('--backend <name>', ['autoencoder', 'backend']),
  trainOption('--no-parallel', ['autoencoder', 'parallel']),
  trainOption('--embeddings <how>', ['embeddings']),
  trainOption('--folds <n>', ['folds']),
  trainOption('--validation-rows <how>', ['validationRows']),
  trainOption('--booster-embeddings <which>', ['boosterEmbeddings']),
  trainOption('--n-estimators <n>', ['xgboost', 'nEstimators']),
  trainOption('--learning-rate <eta>', ['xgboost', 'learningRate']),
  trainOption('--early-stopping <rounds>', ['xgboost', 'earlyStoppingRounds']),
  trainOption('--blend <list>', ['blend']),
];

/** The autoencoder flags of `embed`, by the autoencoder setting each sets. */
export const EMBED_AUTOENCODER_OPTIONS: readonly SchemaOption[] = [
  autoencoderOption('--model <kind>', 'model'),
  autoencoderOption('--dim <n>', 'dim'),
  autoencoderOption('--epochs <n>', 'epochs'),
  autoencoderOption('--patience <n>', 'patience'),
  autoencoderOption('--restore <which>', 'restore'),
  autoencoderOption('--backend <name>', 'backend'),
];

/** A flag for a field of the Bayesian FM's configuration (`train --algorithm bfm`), with its default. */
const bfmOption = (flags: string, field: keyof typeof BFM_FIELDS): SchemaOption => ({ flags, path: [field], schema: BFM_FIELDS[field] });

/** The flags of `train --algorithm bfm`, by the FM's setting each sets (the seed is `--seed`). */
export const BFM_OPTIONS: readonly SchemaOption[] = [
  bfmOption('--bfm-rank <k>', 'rank'),
  bfmOption('--bfm-iterations <n>', 'iterations'),
  bfmOption('--bfm-burn-in <n>', 'burnIn'),
  bfmOption('--bfm-samples <n>', 'samples'),
  bfmOption('--bfm-output <kind>', 'output'),
  bfmOption('--no-bfm-implicit', 'implicit'),
  bfmOption('--no-bfm-features', 'features'),
  bfmOption('--no-bfm-time', 'time'),
];
