/** Builds the two autoencoders' inputs from a prepared dataset: users see rows of R, items rows of Rᵀ. */
import { ratingsToCsr, transposeCsr } from '../data/csr.js';
import type { FeatureMatrix, Ratings } from '../data/types.js';
import type { SideData } from './train.js';

/** Which autoencoder: users (rows of R) or movies, i.e. items (rows of Rᵀ). */
export type Side = 'users' | 'movies';

/** What {@link sideData} needs of a prepared dataset (a RecommenderData fits). */
export interface SplitData {
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Ratings;
  readonly validation: Ratings;
  readonly userFeatures: FeatureMatrix;
  readonly itemFeatures: FeatureMatrix;
}

/** The {@link SideData} of one side (training and validation ratings, entity features). */
export function sideData(d: SplitData, side: Side): SideData {
  const train = ratingsToCsr(d.train, d.nUsers, d.nItems, 'user');
  const validation = ratingsToCsr(d.validation, d.nUsers, d.nItems, 'user');
  if (side === 'users') return { train, validation, features: d.userFeatures };
  return { train: transposeCsr(train), validation: transposeCsr(validation), features: d.itemFeatures };
}
