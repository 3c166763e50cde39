/**
 * rsattae: RSAttAE (attention-based autoencoders + XGBoost) for rating prediction with side information.
 * @packageDocumentation
 */
export { InputError, ParseError } from './errors.js';
export type { CsrMatrix, FeatureMatrix, Float32Matrix, Ratings } from './data/types.js';
export * from './data/index.js';
export { VERSION } from './version.js';
export { XGBoostError, XGBoostNotFoundError, XGBRegressor, xgboostLibraryPath, xgboostVersion } from './gbdt/index.js';
export type {
  EvalsResult,
  FitAsyncOptions,
  FitOptions,
  ImportanceType,
  IterationInfo,
  Labels,
  ModelFormat,
  ResolvedXGBRegressorParams,
  XGBRegressorParams,
} from './gbdt/index.js';
export {
  type AutoencoderConfig,
  defaultAutoencoderConfig,
  type EpochInfo,
  initBackend,
  loadAutoencoder,
  type SideData,
  TrainedAutoencoder,
  type TrainingHistory,
  trainAutoencoder,
} from './nn/index.js';
export * from './pipeline/index.js';
