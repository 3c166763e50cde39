/**
 * rsattae: RSAttAE (attention-based autoencoders + XGBoost) for rating prediction with side information, on any
 * explicit-ratings data. This file is the public API; everything else is internal and may change.
 * @packageDocumentation
 */

// errors: bad input is an InputError (code, path and issues as data), with one formatter
export { formatIssues, type InputIssue, InputError, type IssuePath, ParseError } from './errors.js';
export { VERSION } from './version.js';

// the dataset model
export type { CsrMatrix, FeatureMatrix, Float32Matrix, Ratings } from './data/types.js';
export { type FeatureColumnSpec, type FeatureKind, type FeatureTable, IdMap, type RatingScale, type RatingsDataset } from './data/model.js';

// reading: your own files, descriptors, MovieLens presets, downloads
export {
  type DelimitedOptions,
  inferScale,
  parseColumnSpecs,
  type RatingColumns,
  type ReadRatingsOptions,
  type ReadRatingsResult,
  readFeatureTable,
  readRatingsFile,
  SEPARATORS,
  type Separator,
} from './data/delimited.js';
export {
  type DatasetDescriptor,
  descriptorSchema,
  type LoadDatasetOptions,
  loadDataset,
  parseDescriptor,
  readDescriptorFile,
} from './data/descriptor.js';
export { loadMovieLens100KDataset } from './data/ml100k.js';
export { loadPreset, PRESET_NAMES, type PresetName } from './data/presets.js';
export { DATASET_NAMES, type DatasetName } from './data/registry.js';
export { DownloadError, ensureDataset, fetchDataset, type FetchOptions, verifyDataset } from './data/fetch.js';
export { DATA_DIR_ENV, resolveDataDir } from './data/location.js';
export {
  MIN_RATINGS_PER_USER,
  resolveSynthOptions,
  SYNTH_FORMATS,
  SYNTH_SHAPES,
  type SynthFormat,
  type SynthOptions,
  type SynthProgress,
  type SynthShape,
  type SynthSummary,
  synthesize,
} from './data/synth.js';

// features, splits and other building blocks
export {
  type ColumnEncoder,
  DEFAULT_NUMERIC_BINS,
  encodeRecord,
  encodeTable,
  fitTableEncoder,
  type LevelsEncoder,
  type NumericEncoder,
  type TableEncoder,
} from './data/encoding.js';
export {
  type AlignedRatings,
  alignRatings,
  concatRatings,
  holdout,
  parseSplitSpec,
  type SplitSpec,
  selectRatings,
  splitRatings,
} from './data/split.js';
export { ratingsToCsr, transposeCsr } from './data/csr.js';
export { createRng, type Rng } from './data/rng.js';

// the recommender
export {
  type ColdTest,
  type LoadDataOptions,
  loadData,
  type PreparedData,
  type PrepareOptions,
  prepareData,
} from './pipeline/data.js';
export { loadMovieLensSplit, type MovieLensSplit, type MovieLensSplitOptions } from './pipeline/movielens.js';
export { configSchema, type RSAttAEConfig, type RSAttAEConfigInput, resolveConfig } from './pipeline/config.js';
export {
  type AutoencoderSummary,
  BATCHED_ROWS_FROM,
  type DataSource,
  type FitProgress,
  type FitReport,
  type Recommendation,
  type RecommenderData,
  RSAttAE,
  type RSAttAEFitOptions,
} from './pipeline/model.js';
export {
  BUNDLE_FORMAT_VERSION,
  type BundleManifest,
  boosterFormat,
  type ImportedBooster,
  importBooster,
  type LoadOptions,
  manifestRowWidth,
  readManifest,
  type SaveOptions,
} from './pipeline/bundle.js';
export {
  DEFAULT_ROWS_PER_SHARD,
  EXPORT_SPLITS,
  type ExportOptions,
  type ExportSchema,
  type ExportSplit,
  exportRows,
  featureColumns,
  type WriteRowsOptions,
  writeRowsParquet,
} from './pipeline/export.js';
export { kFoldEmbeddings, leaveOneOutEmbeddings } from './pipeline/outofsample.js';
// top-k ranking metrics and the protocol of `evaluate`'s ranking figures
export {
  averagePrecisionAtK,
  catalogueCoverage,
  evaluateRanking,
  hitAtK,
  ndcgAtK,
  precisionAtK,
  type RankedList,
  type RankingMetrics,
  type RankingOptions,
  type RankingReport,
  rankingMetrics,
  recallAtK,
} from './pipeline/ranking.js';
// incremental update: new ratings, users and items added to a trained model
export {
  type BoosterUpdate,
  DEFAULT_UPDATE_EPOCHS,
  DEFAULT_UPDATE_ROUNDS,
  mergeRatings,
  type NewRatings,
  type TrainedRatings,
  type UpdateOptions,
  type UpdateRecord,
  type UpdateReport,
  updateModel,
} from './pipeline/update.js';

// the parts, for those who build on them
export {
  type EvalsResult,
  type FitAsyncOptions,
  type FitOptions,
  type ImportanceType,
  type IterationInfo,
  type Labels,
  isRowSource,
  matrixSource,
  type ModelFormat,
  type ResolvedXGBRegressorParams,
  type RowBatch,
  type Rows,
  type RowSource,
  XGBoostError,
  XGBoostNotFoundError,
  XGBRegressor,
  type XGBRegressorParams,
  xgboostLibraryPath,
  xgboostVersion,
} from './gbdt/index.js';
export {
  type AutoencoderConfig,
  defaultAutoencoderConfig,
  type EpochInfo,
  loadAutoencoder,
  type SideData,
  TrainedAutoencoder,
  type TrainingHistory,
  trainAutoencoder,
} from './nn/index.js';
