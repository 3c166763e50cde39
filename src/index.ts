/**
 * rsattae: RSAttAE (attention-based autoencoders + XGBoost) for rating prediction with side information.
 * @packageDocumentation
 */
export { InputError, ParseError } from './errors.js';
export type { CsrMatrix, FeatureMatrix, Float32Matrix, Ratings } from './data/types.js';
export { VERSION } from './version.js';
