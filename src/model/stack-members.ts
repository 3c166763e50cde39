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
import { BayesianFM, fitBfm, MAX_ORDINAL_GRADES, restoreBfm } from '../fm/bayesian-fm.js';
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

/**
 * The Bayesian FM member's configuration: the pipeline's `bfm` settings, its `auto` output resolved for the training
 * ratings (ordinal on a grid of at most {@link MAX_ORDINAL_GRADES} values), and a seed derived from the pipeline's.
 */
export function memberBfmConfig(seed: number, settings: RSAttAEConfig['bfm'], train: Ratings): BfmConfigInput {
  const output = settings.output === 'auto' ? (new Set(train.rating).size <= MAX_ORDINAL_GRADES ? 'ordinal' : 'regression') : settings.output;
  return { ...settings, output, seed: deriveSeed(seed, 'baselines') };
}

/**
 * The share of the FM member's iterations its refit on train + validation runs, continuing the chain of its fit on
 * the train ratings: a chain already at the posterior of nine tenths of the ratings needs a fraction of the sweeps to
 * reach the posterior of all of them (the cost of a second full fit for the same accuracy, measured on ML-100K).
 */
export const BFM_REFIT_SHARE = 0.25;

/**
 * Fits the member `algorithm` on `data` (the seed is the user's; each member derives its own stream; `bfm` configures
 * the Bayesian FM). `from`, an FM member fitted on a prefix of `data`'s ratings, is continued for
 * {@link BFM_REFIT_SHARE} of the iterations instead of a fit from the prior.
 */
export function fitMember(algorithm: BlendAlgorithm, data: MemberData, seed: number, bfm: RSAttAEConfig['bfm'], from?: StackMember): StackMember {
  if (algorithm === 'bfm') {
    const config = memberBfmConfig(seed, bfm, data.train);
    // with the day block a refit may meet days the first fit did not have: its columns differ, so it starts afresh
    if (!(from instanceof BayesianFM) || bfm.time) return fitBfm(data, config);
    const iterations = Math.max(1, Math.round(bfm.iterations * BFM_REFIT_SHARE));
    // the chain is past its burn-in already
    return fitBfm(data, { ...config, iterations, burnIn: 0 }, { start: from.samples[from.samples.length - 1] });
  }
  return fitBaseline({ nUsers: data.nUsers, nItems: data.nItems, train: data.train, scale: data.scale }, { algorithm, seed: deriveSeed(seed, 'baselines') });
}

/**
 * Rebuilds the member `algorithm` from its training data and learned arrays (a bundle's).
 * @throws InputError when the arrays do not fit
 */
export function restoreMember(algorithm: BlendAlgorithm, data: MemberData, arrays: BaselineArrays, seed: number, bfm: RSAttAEConfig['bfm']): StackMember {
  if (algorithm === 'bfm') return restoreBfm(memberBfmConfig(seed, bfm, data.train), data, arrays);
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
