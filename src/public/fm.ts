/**
 * `rsattae/fm`: the Bayesian factorization machine (Gibbs sampling over relational blocks, as libFM and myFM), its
 * configuration, and its kernels' backends.
 * @packageDocumentation
 */
export {
  BayesianFM,
  BFM_OUTPUTS,
  type BfmConfig,
  type BfmConfigInput,
  type BfmData,
  type BfmFoldInProfile,
  type BfmLayout,
  type BfmProgress,
  bfmConfigSchema,
  buildLayout,
  type FitBfmOptions,
  type FmBackend,
  type FmSample,
  fitBfm,
  fmWasmAvailable,
  keptIterations,
  MAX_ORDINAL_GRADES,
  type RelationBlock,
  resolveBfmConfig,
  restoreBfm,
} from '../fm/index.js';
