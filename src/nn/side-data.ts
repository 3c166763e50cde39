/** Builds the two autoencoders' inputs from a prepared dataset: users see rows of R, items rows of Rᵀ. */

import type { FeatureMatrix, Ratings } from '../core/types.js';
import { ratingsToCsr } from '../data/csr.js';
import type { SideData } from './train.js';

/** Which autoencoder: users (rows of R) or movies, i.e. items (rows of Rᵀ). */
export type Side = 'users' | 'movies';

/** What {@link sideData} needs of a prepared dataset (the pipeline's RecommenderData extends it). */
export interface SplitData {
  readonly nUsers: number;
  readonly nItems: number;
  /** Ratings the autoencoders (and XGBoost) train on (0-based indices). */
  readonly train: Ratings;
  /** Held-out ratings: the autoencoders' validation target (and XGBoost's validation metric). */
  readonly validation: Ratings;
  /** F_u: one row per user. */
  readonly userFeatures: FeatureMatrix;
  /** F_m: one row per item. */
  readonly itemFeatures: FeatureMatrix;
}

/** The {@link SideData} of one side (training and validation ratings, entity features). */
export function sideData(d: SplitData, side: Side): SideData {
  const rows = side === 'users' ? d.nUsers : d.nItems;
  const cols = side === 'users' ? d.nItems : d.nUsers;
  const by = side === 'users' ? 'user' : 'item';
  return {
    train: ratingsToCsr(d.train, rows, cols, by),
    validation: ratingsToCsr(d.validation, rows, cols, by),
    features: side === 'users' ? d.userFeatures : d.itemFeatures,
  };
}
