/**
 * `rsattae/experiment`: The paper's experiments as resumable sweeps (plan, run, records) and the top-k ranking metrics.
 * @packageDocumentation
 */

export { COST_MODEL, CV_SPLITS, type ExperimentOptions, type ExperimentSettings, FIG4A_DIMS, type PlannedRun, TABLE3_METHODS, type Table3Method } from '../evaluation/experiment-plan.js';
export { canonicalJson, EXPERIMENT_NAMES, type ExperimentName, type ExperimentRecord, experimentRecordSchema, PUBLISHED, type RunConfig, type RunMeta, readExperimentRecords, recordPath, runKey, runMetaSchema } from '../evaluation/experiment-record.js';
export { type ExperimentEvent, type ExperimentPlan, type ExperimentSummary, machineDescription, planRuns, type RunExperimentOptions, runExperiment } from '../evaluation/experiment-run.js';
export { type FeatureDistribution, featureDistributions } from '../evaluation/feature-distributions.js';
export { averagePrecisionAtK, catalogueCoverage, evaluateRanking, hitAtK, ndcgAtK, precisionAtK, type RankedList, type RankingMetrics, type RankingOptions, type RankingReport, rankingMetrics, recallAtK } from '../evaluation/ranking.js';
