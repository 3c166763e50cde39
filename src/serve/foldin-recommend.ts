/**
 * The one place the server touches fold-in: recommending for a user the model has not seen, from features and/or
 * ratings (`RSAttAE.foldInUser`, then `recommend` on the result, which leaves out the items it rated).
 */
import type { FoldInInput, FoldInMethod } from '../model/foldin.js';
import type { Recommendation, RSAttAE } from '../model/rsattae.js';

/** A new user, as the request body gives it (the library's `FoldInInput`). */
export type FoldInRequest = FoldInInput;

/**
 * The top `k` items for a new user described by `input`, excluding the items it rated.
 * @throws InputError (unknown feature names, unknown item ids, ratings off the scale, a bundle without
 *   autoencoder weights) from the library
 */
export function foldInRecommend(model: RSAttAE, input: FoldInRequest, k: number, method?: FoldInMethod): Recommendation[] {
  return model.recommend(model.foldInUser(input, method === undefined ? {} : { method }), k);
}
