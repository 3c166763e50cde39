/**
 * `rsattae/xgboost`: XGBRegressor on the native XGBoost library (libxgboost through koffi), with xgboost's scikit-learn parameter names.
 * @packageDocumentation
 */
export { type EvalsResult, type FitAsyncOptions, type FitOptions, type ImportanceType, type IterationInfo, isRowSource, type Labels, type ModelFormat, matrixSource, type ResolvedXGBRegressorParams, type RowBatch, type RowSource, type Rows, XGBoostError, XGBoostNotFoundError, XGBRegressor, type XGBRegressorParams, xgboostLibraryPath, xgboostVersion } from '../gbdt/index.js';
