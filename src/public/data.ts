/**
 * `rsattae/data`: The data layer's building blocks beyond the main entry's readers: feature encoders, splits, CSR matrices, the seeded generator, downloads and the dataset registry, synthetic data.
 * @packageDocumentation
 */
export { UNKNOWN_ID } from '../core/errors.js';
export { createRng, type Rng } from '../core/rng.js';
export type { CsrMatrix, FeatureMatrix, Float32Matrix } from '../core/types.js';
export { ratingsToCsr, transposeCsr } from '../data/csr.js';
export type { FeatureKind } from '../data/dataset.js';
export { type DelimitedOptions, inferScale, parseColumnSpecs, type RatingColumns, type ReadRatingsResult, SEPARATORS, type Separator } from '../data/delimited.js';
export { descriptorSchema, type LoadDatasetOptions } from '../data/descriptor.js';
export { type ColumnEncoder, DEFAULT_NUMERIC_BINS, encodeRecord, encodeTable, fitTableEncoder, type LevelsEncoder, type NumericEncoder, type TableEncoder } from '../data/encoding.js';
export { DownloadError, ensureDataset, type FetchOptions, fetchDataset, verifyDataset } from '../data/fetch.js';
export { DATA_DIR_ENV, resolveDataDir } from '../data/location.js';
export { loadMovieLens100KDataset } from '../data/ml100k.js';
export { PRESET_NAMES } from '../data/presets.js';
export { DATASET_NAMES, type DatasetName } from '../data/registry.js';
export { type AlignedRatings, alignRatings, holdout, parseSplitSpec, selectRatings } from '../data/split.js';
export { MIN_RATINGS_PER_USER, resolveSynthOptions, SYNTH_FORMATS, SYNTH_SHAPES, type SynthFormat, type SynthOptions, type SynthProgress, type SynthShape, type SynthSummary, synthesize } from '../data/synth.js';
