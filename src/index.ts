/**
 * rsattae: RSAttAE (attention-based autoencoders + XGBoost) for rating prediction with side information, on any
 * explicit-ratings data. This file is the public API; everything else is internal and may change.
 * @packageDocumentation
 */

// errors: bad input is an InputError (code, path and issues as data), with one formatter
export { formatIssues, type InputIssue, InputError, type IssuePath, ParseError, UNKNOWN_ID } from './core/errors.js';
export { VERSION } from './core/version.js';

// the dataset model
export type { CsrMatrix, FeatureMatrix, Float32Matrix, Ratings } from './core/types.js';
export { type FeatureColumnSpec, type FeatureKind, type FeatureTable, IdMap, type RatingScale, type RatingsDataset } from './data/dataset.js';

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
export { createRng, type Rng } from './core/rng.js';

// the recommender
export {
  type ColdTest,
  type LoadDataOptions,
  loadData,
  type PreparedData,
  type PreparedWith,
  type PrepareOptions,
  prepareData,
} from './model/prepare-data.js';
export { BATCHED_ROWS_FROM, boosterRows } from './model/booster-rows.js';
export { loadMovieLensSplit, type MovieLensSplit, type MovieLensSplitOptions } from './model/movielens-split.js';
export { BLEND_ALGORITHMS, type BlendAlgorithm, configSchema, type DefaultsProfile, DEFAULT_PIPELINE, defaultBoosterEmbeddings, defaultsProfile, LARGE_DATA_BLEND, LARGE_DATA_DEFAULTS, LARGE_DATA_FROM, CONFIG_PRESET_NAMES, CONFIG_PRESETS, type ConfigPresetName, type RSAttAEConfig, type RSAttAEConfigInput, resolveConfig } from './model/rsattae-config.js';
export { type Recommendation, RSAttAE, type RSAttAEFitOptions } from './model/rsattae.js';
export type { AutoencoderSummary, DataSource, FitChoices, FitProgress, FitReport, RecommenderData } from './model/model-types.js';
/** The stack's choices and rules, as a fit reports them. */
export type { ColdRule, ColdRules, GatedWeights, StackerKind, StackReport } from './model/stack.js';
/** Fold-in: new users and items without retraining (RSAttAE.foldInUser / foldInItem). */
export type { FoldIn, FoldInInput, FoldInMethod, FoldInOptions } from './model/foldin.js';
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
} from './store/model-bundle.js';
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
} from './store/row-export.js';
export { kFoldEmbeddings, leaveOneOutEmbeddings } from './model/out-of-sample.js';
export {
  EXPERIMENT_NAMES,
  type ExperimentName,
  type ExperimentRecord,
  experimentRecordSchema,
  PUBLISHED,
  type RunConfig,
  type RunMeta,
  readExperimentRecords,
  recordPath,
  runKey,
  runMetaSchema,
  canonicalJson,
} from './evaluation/experiment-record.js';

// the experiment report (`rsattae report`): records and results in, one self-contained HTML page out
export { COLORS as REPORT_COLORS } from './report/charts.js';
export { escapeHtml } from './report/html.js';
export {
  type ColdStart,
  type Curve,
  type Evaluation,
  type ExperimentRuns,
  type ModelCurves,
  type ReportInputs,
  type ReportSources,
  type Run,
  type RunOf,
  readColdStart,
  readEvaluation,
  readExperimentRuns,
  readModelCurves,
  readReportInputs,
} from './report/inputs.js';
export { type MarkCounts, type RenderedChart, renderChart } from './report/render.js';
export { buildReport, type Report, type ReportChart, type ReportOptions } from './report/build-report.js';
/** `rsattae experiment`: the paper's experiments as resumable sweeps, one record per run (see evaluation/experiment-record.ts). */
export {
  COST_MODEL,
  CV_SPLITS,
  type ExperimentOptions,
  type ExperimentSettings,
  FIG4A_DIMS,
  type PlannedRun,
  TABLE3_METHODS,
  type Table3Method,
} from './evaluation/experiment-plan.js';
export {
  type ExperimentEvent,
  type ExperimentPlan,
  type ExperimentSummary,
  machineDescription,
  planRuns,
  type RunExperimentOptions,
  runExperiment,
} from './evaluation/experiment-run.js';
export { type FeatureDistribution, featureDistributions } from './evaluation/feature-distributions.js';
export { cosineNeighbours, type SimilarItem, similarItems } from './model/similar-items.js';

// standard baselines, as Surprise implements them: the same data model and fit/predict shape, seeded
export {
  BASELINE_ALGORITHMS,
  type BaselineAlgorithm,
  type BaselineArrays,
  type BaselineConfig,
  type BaselineConfigInput,
  type BaselineData,
  type BaselineModel,
  baselineConfigSchema,
  DENSE_SIMILARITY_MAX_ENTITIES,
  type FitBaselineOptions,
  fitBaseline,
  MAX_SIMILARITY_ENTITIES,
  type NeighbourLists,
  neighbourLists,
  resolveBaselineConfig,
  type SimilarityLayout,
  type SimilarityOptions,
  similarityMatrix,
} from './baselines/index.js';
export {
  BASELINE_FORMAT_VERSION,
  type BaselineManifest,
  isBaselineBundle,
  loadBaseline,
  type SaveBaselineOptions,
  type SavedBaseline,
  saveBaseline,
} from './store/baseline-bundle.js';
/** Surprise's `Trainset` order and its ALS baselines, for those who build on the baselines. */
export { baselineAls, buildTrainSet, type Grouped, type TrainSet } from './baselines/index.js';

// serving over HTTP (fastify): `rsattae serve`, or build the server yourself
export {
  type AppOptions,
  type BuiltApp,
  buildApp,
  DEFAULT_BODY_LIMIT,
  LOG_LEVELS,
  type LogLevel,
} from './serve/app.js';
export type { RouteSpec } from './serve/route-spec.js';
export { ApiError } from './serve/api-errors.js';
export {
  DEFAULT_SCORE_CACHE_BYTES,
  type LoadServedOptions,
  loadServed,
  ModelHolder,
  scoreMatrixBytes,
  scorePairs,
  type Served,
  type TopN,
} from './serve/model-holder.js';
export { openApiDocument } from './serve/openapi.js';
export { WorkQueue } from './serve/work-queue.js';
export type { ServerMetrics } from './serve/server-metrics.js';
export { createServer, type RSAttAEServer, type ServeOptions, type ShutdownOptions } from './serve/server.js';
export { type ApiIssue, DEFAULT_MAX_BATCH, type ErrorResponse, MAX_K, type ModelInfo } from './serve/api-schemas.js';
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
} from './evaluation/ranking.js';
// incremental update: new ratings, users and items added to a trained model
export {
  type BoosterUpdate,
  DEFAULT_UPDATE_EPOCHS,
  DEFAULT_UPDATE_ROUNDS,
  mergeRatings,
  type NewRatings,
  type TrainedRatings,
  type UpdateOptions,
  type UpdateReport,
  updateModel,
} from './model/incremental-update.js';
export type { UpdateRecord } from './model/model-types.js';

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
