/**
 * The one place the server touches fold-in (`RSAttAE.foldInUser`, recommending for a user the model has not seen).
 * Written against the library's fold-in contract through a structural type, so the server builds and runs before
 * fold-in exists in the library: until then {@link foldInAvailable} is false and the endpoint answers 501.
 * TODO(fold-in merged): call `model.foldInUser` / `model.recommend(foldIn, k)` directly and drop the local types.
 */
import type { Recommendation, RSAttAE } from '../pipeline/model.js';
import { ApiError } from './errors.js';

/** A new user, as the fold-in contract describes it (the library's `FoldInInput`). */
export interface FoldInRequest {
  readonly features?: Readonly<Record<string, string | number>>;
  readonly ratings?: ReadonlyArray<{ readonly id: string; readonly rating: number }>;
}

/** The fold-in methods of RSAttAE, by the contract; `unknown` stands for the library's `FoldIn`. */
interface FoldInModel {
  foldInUser(input: FoldInRequest, opts?: { method?: 'attention' | 'encoder' }): unknown;
  recommend(user: unknown, k?: number): Recommendation[];
}

function asFoldIn(model: RSAttAE): FoldInModel | undefined {
  const m = model as unknown as Partial<FoldInModel>;
  return typeof m.foldInUser === 'function' ? (m as FoldInModel) : undefined;
}

/** Whether this library build can fold new users in (what the model itself needs is the library's to check). */
export function foldInAvailable(model: RSAttAE): boolean {
  return asFoldIn(model) !== undefined;
}

/**
 * The top `k` items for a new user described by `input`, excluding the items it rated.
 * @throws InputError (unknown feature names, unknown item ids, ratings off the scale) from the library
 * @throws ApiError 501 when this library build has no fold-in
 */
export function foldInRecommend(model: RSAttAE, input: FoldInRequest, k: number, method?: 'attention' | 'encoder'): Recommendation[] {
  const m = asFoldIn(model);
  if (!m) {
    throw new ApiError(501, 'fold_in_unavailable', 'this rsattae build cannot fold new users in');
  }
  const user = m.foldInUser(input, method === undefined ? {} : { method });
  return m.recommend(user, k);
}
