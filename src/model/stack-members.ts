/**
 * The algorithms the stack mixes with the booster: the baselines (src/baselines) and the Bayesian FM (src/fm), behind
 * one shape. Each is fitted, refitted and restored here, so the stack, the bundle store and the update name a member
 * by its algorithm only.
 */
import { type BaselineArrays, type BaselineModel, fitBaseline, restoreBaseline } from '../baselines/algorithms.js';
import { resolveBaselineConfig } from '../baselines/baseline-config.js';
import { buildTrainSet } from '../baselines/trainset.js';
import { deriveSeed } from '../core/seeds.js';
import type { FeatureMatrix, Ratings } from '../core/types.js';
import type { RatingScale } from '../data/dataset.js';
import { BayesianFM, fitBfm, restoreBfm } from '../fm/bayesian-fm.js';
import type { BfmConfigInput } from '../fm/bfm-config.js';
import type { BlendAlgorithm, RSAttAEConfig } from './rsattae-config.js';

/** A fitted member of the stack. */
export type StackMember = BaselineModel | BayesianFM;

/** What a member is fitted on: the ratings, their index space and the feature tables (the FM reads them). */
export interface MemberData {
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Ratings;
  readonly scale?: RatingScale | { readonly min: number; readonly max: number };
  readonly userFeatures?: FeatureMatrix;
  readonly itemFeatures?: FeatureMatrix;
}

/** The Bayesian FM member's configuration: the pipeline's `bfm` settings and a seed derived from the pipeline's. */
export function memberBfmConfig(seed: number, settings: RSAttAEConfig['bfm']): BfmConfigInput {
  return { ...settings, seed: deriveSeed(seed, 'baselines') };
}

/**
 * Fits the member `algorithm` on `data` (the seed is the user's; each member derives its own stream; `bfm` configures
 * the Bayesian FM).
 */
export function fitMember(algorithm: BlendAlgorithm, data: MemberData, seed: number, bfm: RSAttAEConfig['bfm']): StackMember {
  if (algorithm === 'bfm') return fitBfm(data, memberBfmConfig(seed, bfm));
  return fitBaseline({ nUsers: data.nUsers, nItems: data.nItems, train: data.train, scale: data.scale }, { algorithm, seed: deriveSeed(seed, 'baselines') });
}

/**
 * Rebuilds the member `algorithm` from its training data and learned arrays (a bundle's).
 * @throws InputError when the arrays do not fit
 */
export function restoreMember(algorithm: BlendAlgorithm, data: MemberData, arrays: BaselineArrays, seed: number, bfm: RSAttAEConfig['bfm']): StackMember {
  if (algorithm === 'bfm') return restoreBfm(memberBfmConfig(seed, bfm), data, arrays);
  const ts = buildTrainSet(data.train, data.nUsers, data.nItems, data.scale);
  return restoreBaseline(resolveBaselineConfig({ algorithm, seed: deriveSeed(seed, 'baselines') }), ts, data.train, arrays);
}

/**
 * A member's predictions of pairs (0-based indices): the Bayesian FM places each on its day when `timestamps` are given
 * (and on its typical training day without them); the baselines have no use for the time.
 */
export function memberPredict(m: StackMember, users: Int32Array, items: Int32Array, timestamps?: Int32Array): Float32Array {
  return m instanceof BayesianFM ? m.predict(users, items, timestamps) : m.predictIndices(users, items);
}
