/** The data layer: locating, downloading, parsing, splitting and encoding datasets. */
export { addCsr, csrToDense, ratingsToCsr, transposeCsr } from './csr.js';
export {
  type DatasetInfo,
  datasetInfo,
  type OpenOptions,
  openDataset,
  type PreparedSplit,
  prepareSplit,
  type SplitOptions,
} from './dataset.js';
export {
  AGE_EDGES,
  binIndex,
  createItemEncoder,
  createUserEncoder,
  encodeItem,
  encodeUser,
  fitItemEncoder,
  fitUserEncoder,
  type ItemEncoder,
  type ItemSideInfo,
  itemFeatures,
  type UserEncoder,
  type UserSideInfo,
  userFeatures,
  YEAR_EDGES,
} from './features.js';
export {
  DEFAULT_FETCH_TIMEOUT_MS,
  DownloadError,
  type EnsureOptions,
  ensureDataset,
  type FetchOptions,
  fetchDataset,
  type ProgressCallback,
  type VerifyResult,
  verifyDataset,
} from './fetch.js';
export {
  COLUMN_ALIASES,
  type DelimitedOptions,
  type FeatureTableRead,
  inferScale,
  parseColumnSpecs,
  parseDecimal,
  parseTimestamp,
  type RatingColumns,
  type ReadRatingsOptions,
  type ReadRatingsResult,
  readFeatureTable,
  readFeatureTableWithLines,
  readRatingsFile,
  SEPARATORS,
  type Separator,
} from './delimited.js';
export { DATA_DIR_ENV, resolveDataDir } from './location.js';
export {
  type DatasetCounts,
  type ItemRecord,
  isSplitName,
  loadMovieLens100K,
  type MovieLens100K,
  parseGenres,
  parseInfo,
  parseItems,
  parseOccupations,
  parseRatings,
  parseUsers,
  readSplit,
  SPLIT_NAMES,
  type SplitName,
  type UserRecord,
} from './movielens.js';
export {
  isPresetName,
  type LoadPresetOptions,
  loadPreset,
  ML1M_AGES,
  ML1M_GENRES,
  ML1M_OCCUPATIONS,
  MOVIELENS_GENRES,
  PRESET_NAMES,
  type PresetName,
  titleYear,
} from './presets.js';
export { DATASET_NAMES, DATASETS, type DatasetName, type DatasetSpec, datasetSpec, isDatasetName } from './registry.js';
export { createRng, type Rng } from './rng.js';

export type { CsrMatrix, FeatureMatrix, Float32Matrix, Ratings } from './types.js';
export {
  type ColumnEncoder,
  DEFAULT_NUMERIC_BINS,
  encodeRecord,
  encodeTable,
  fitTableEncoder,
  type LevelsEncoder,
  type NumericEncoder,
  type TableEncoder,
  tableEncoder,
} from './encoding.js';
export { loadMovieLens100KDataset } from './ml100k.js';
export { type FeatureColumnSpec, type FeatureKind, type FeatureTable, IdMap, type RatingScale, type RatingsDataset } from './model.js';
export { checkDisjoint, concatRatings, holdout, parseSplitSpec, SPLIT_KINDS, selectRatings, type SplitSpec, splitRatings } from './split.js';
