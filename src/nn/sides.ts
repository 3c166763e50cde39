/** Builds the two autoencoders' inputs from a MovieLens split: users see rows of R, movies rows of Rᵀ. */
import { ratingsToCsr, transposeCsr } from '../data/csr.js';
import type { PreparedSplit } from '../data/dataset.js';
import { itemFeatures, userFeatures } from '../data/features.js';
import type { MovieLens100K } from '../data/movielens.js';
import type { SideData } from './train.js';

/** Which autoencoder: users (rows of R) or movies (rows of Rᵀ). */
export type Side = 'users' | 'movies';

/** The {@link SideData} of one side of a prepared split (training and validation ratings, entity features). */
export function sideData(ds: MovieLens100K, split: PreparedSplit, side: Side): SideData {
  const train = ratingsToCsr(split.train, split.nUsers, split.nItems, 'user');
  const validation = ratingsToCsr(split.validation, split.nUsers, split.nItems, 'user');
  if (side === 'users') return { train, validation, features: userFeatures(ds) };
  return { train: transposeCsr(train), validation: transposeCsr(validation), features: itemFeatures(ds) };
}
