/**
 * Gradient-boosted trees on the native XGBoost library (libxgboost, loaded through koffi).
 * @packageDocumentation
 */
export { XGBoostError, XGBoostNotFoundError, xgboostLibraryPath, xgboostVersion } from './library.js';
export {
  type EvalsResult,
  type FitAsyncOptions,
  type FitOptions,
  type ImportanceType,
  type IterationInfo,
  type Labels,
  type ModelFormat,
  type Rows,
  XGBRegressor,
} from './regressor.js';
export {
  EVAL_METRICS,
  OBJECTIVES,
  PARAM_NAMES,
  type ResolvedXGBRegressorParams,
  TREE_METHODS,
  type XGBRegressorParams,
  xgbRegressorParamsSchema,
} from './regressor-params.js';
export { isRowSource, matrixSource, type RowBatch, type RowSource } from './row-source.js';
