/** The Bayesian factorization machine: Gibbs sampling over relational blocks (a new algorithm and stack member). */
export { BayesianFM, type BfmFoldInProfile, type BfmProgress, type FitBfmOptions, fitBfm, keptIterations, MAX_ORDINAL_GRADES, restoreBfm, samplesWithin } from './bayesian-fm.js';
export { BFM_FIELDS, BFM_OUTPUTS, type BfmConfig, type BfmConfigInput, bfmConfigSchema, resolveBfmConfig } from './bfm-config.js';
export { type BfmData, type BfmLayout, buildLayout, hasTimestamps, rowEntities } from './blocks.js';
export { DEFAULT_PRIORS, type EntityTerms, entityTerms, type FmBackend, type FmSample, GibbsSampler, type GibbsProblem, type Priors, type RelationBlock, type SamplerOptions, sampleGamma, sampleNormal, scoreRows } from './gibbs.js';
export { type FmContext, type FmKernels, jsFmContext, jsFmKernels, type ScoredBlock } from './kernels.js';
export { createFmWasmContext, fmWasmAvailable } from './wasm-kernels.js';
