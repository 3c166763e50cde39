/**
 * `rsattae/baselines`: The standard baselines (GlobalMean, BaselineOnly, SVD, SVD++, KNNBaseline) as Surprise implements them, and their bundles.
 * @packageDocumentation
 */
export { BASELINE_ALGORITHMS, type BaselineAlgorithm, type BaselineArrays, type BaselineConfig, type BaselineConfigInput, type BaselineData, type BaselineModel, baselineAls, baselineConfigSchema, buildTrainSet, DENSE_SIMILARITY_MAX_ENTITIES, type FitBaselineOptions, fitBaseline, type Grouped, MAX_SIMILARITY_ENTITIES, type NeighbourLists, neighbourLists, resolveBaselineConfig, type SimilarityLayout, type SimilarityOptions, similarityMatrix, type TrainSet } from '../baselines/index.js';
export { BASELINE_FORMAT_VERSION, type BaselineManifest, isBaselineBundle, loadBaseline, type SaveBaselineOptions, type SavedBaseline, saveBaseline } from '../store/baseline-bundle.js';
