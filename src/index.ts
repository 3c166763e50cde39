/**
 * rsattae: RSAttAE (attention-based autoencoders + XGBoost, stacked with the standard baselines) for rating
 * prediction with side information, on any explicit-ratings data. The main entry holds what an application needs:
 * the model, the dataset model and its readers, the configuration, and errors. The rest is in subpath entries:
 * `rsattae/data`, `rsattae/model`, `rsattae/baselines`, `rsattae/xgboost`, `rsattae/autoencoder`,
 * `rsattae/experiment`, `rsattae/serve` and `rsattae/report`; everything else is internal and may change.
 * @packageDocumentation
 */

// errors: bad input is an InputError (code, path and issues as data), with one formatter
export { formatIssues, InputError, type InputIssue, type IssuePath, ParseError } from './core/errors.js';
// the dataset model and its readers: your own files, descriptors, MovieLens presets
export type { Ratings } from './core/types.js';
export { VERSION } from './core/version.js';
export { type FeatureColumnSpec, type FeatureTable, IdMap, type RatingScale, type RatingsDataset } from './data/dataset.js';
export { type ReadRatingsOptions, readFeatureTable, readRatingsFile } from './data/delimited.js';
export { type DatasetDescriptor, loadDataset, parseDescriptor, readDescriptorFile } from './data/descriptor.js';
export { loadPreset, type PresetName } from './data/presets.js';
export { concatRatings, type SplitSpec, splitRatings } from './data/split.js';
export type { FoldIn, FoldInInput, FoldInOptions } from './model/foldin.js';
export { type NewRatings, type UpdateOptions, type UpdateReport, updateModel } from './model/incremental-update.js';
export type { FitChoices, FitProgress, FitReport, RecommenderData } from './model/model-types.js';
export { loadMovieLensSplit, type MovieLensSplit, type MovieLensSplitOptions } from './model/movielens-split.js';
// from a dataset to what the model learns from: the test split, the validation hold-out, encoded features
export { type LoadDataOptions, loadData, type PreparedData, prepareData } from './model/prepare-data.js';
// the model: fit, predict, recommend, fold-in, save and load, update
export { type Recommendation, RSAttAE, type RSAttAEFitOptions } from './model/rsattae.js';
// the configuration
export { CONFIG_PRESETS, type ConfigPresetName, DEFAULT_PIPELINE, type RSAttAEConfig, type RSAttAEConfigInput, resolveConfig } from './model/rsattae-config.js';
export type { LoadOptions, SaveOptions } from './store/model-bundle.js';
