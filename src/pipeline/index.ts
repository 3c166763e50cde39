/** The end-to-end recommender: configuration, training, prediction, bundles. */
export { BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, type BundleManifest, type LoadOptions, readManifest, type SaveOptions, type StoredMetrics } from './bundle.js';
export { configSchema, type RSAttAEConfig, type RSAttAEConfigInput, resolveConfig } from './config.js';
export {
  type AutoencoderSummary,
  type DataSource,
  type FitProgress,
  type FitReport,
  type ModelParts,
  type Recommendation,
  type RSAttAEFitOptions,
  type RecommenderData,
  RSAttAE,
} from './model.js';
export { loadMovieLensSplit, type MovieLensSplit, type MovieLensSplitOptions } from './movielens.js';
export { type Embedder, kFoldEmbeddings, leaveOneOutEmbeddings } from './outofsample.js';
export { buildRows, errorMetrics, type PairEmbeddings, type RowBlocks, rowWidth } from './rows.js';
export { type ColdTest, coldCounts, type PreparedData, type PrepareOptions, prepareData } from './data.js';
