/**
 * `rsattae/model`: The RSAttAE model's parts beyond the main entry: configuration constants, checks and large-data defaults, the seed and its derived streams, the stack's and cold rules' types, the booster's rows, out-of-sample embeddings, similar items, update helpers, model bundles' manifest and booster import, and the export of the booster's rows for a distributed engine.
 * @packageDocumentation
 */

export { deriveSeed, SEED_STREAMS, type SeedStream, seedSchema } from '../core/seeds.js';
export { BATCHED_ROWS_FROM, boosterRows } from '../model/booster-rows.js';
export type { FoldInMethod } from '../model/foldin.js';
export { type BoosterUpdate, DEFAULT_UPDATE_EPOCHS, DEFAULT_UPDATE_ROUNDS, mergeRatings, type TrainedRatings } from '../model/incremental-update.js';
export type { AutoencoderSummary, DataSource, UpdateRecord } from '../model/model-types.js';
export { kFoldEmbeddings, leaveOneOutEmbeddings } from '../model/out-of-sample.js';
export type { ColdTest, PreparedWith, PrepareOptions } from '../model/prepare-data.js';
export {
  BLEND_ALGORITHMS,
  type BlendAlgorithm,
  CONFIG_PRESET_NAMES,
  checkConfigInput,
  configSchema,
  type DataPreparation,
  type DefaultsProfile,
  defaultBoosterEmbeddings,
  defaultsProfile,
  isResolvedConfig,
  LARGE_DATA_BLEND,
  LARGE_DATA_DEFAULTS,
  LARGE_DATA_FROM,
  RESOLVE_CONFIG_CHANNEL,
} from '../model/rsattae-config.js';
export { cosineNeighbours, type SimilarItem, similarItems } from '../model/similar-items.js';
export type { ColdRule, ColdRules, GatedWeights, StackerKind, StackReport } from '../model/stack.js';
export { BUNDLE_FORMAT_VERSION, type BundleManifest, boosterFormat, type ImportedBooster, importBooster, manifestRowWidth, readManifest } from '../store/model-bundle.js';
export { DEFAULT_ROWS_PER_SHARD, EXPORT_SPLITS, type ExportOptions, type ExportSchema, type ExportSplit, exportRows, featureColumns, type WriteRowsOptions, writeRowsParquet } from '../store/row-export.js';
