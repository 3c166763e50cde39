/**
 * The standard baselines every recommender paper is judged against, implemented as Surprise does them
 * (NicolasHug/Surprise), so that their figures can be checked against Surprise's published benchmark.
 */

export { type BaselineArrays, type BaselineData, type BaselineModel, DENSE_SIMILARITY_MAX_ENTITIES, type FitBaselineOptions, type FoldInProfile, fitBaseline, type SimilarityLayout } from './algorithms.js';
export { BASELINE_ALGORITHMS, type BaselineAlgorithm, type BaselineConfig, type BaselineConfigInput, baselineConfigSchema, resolveBaselineConfig } from './baseline-config.js';
export { MAX_SIMILARITY_ENTITIES, type NeighbourLists, neighbourLists, type SimilarityOptions, similarityMatrix } from './similarity.js';
export { baselineAls, buildTrainSet, type Grouped, type TrainSet } from './trainset.js';
