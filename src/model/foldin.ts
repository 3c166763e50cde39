/**
 * Fold-in: a user or item that was not in the training data, represented without retraining so that predict and
 * recommend accept it. XGBoost was trained on the encoder's output E (the paper), so a fold-in must give an E-like
 * vector: the encoder of the new rating row mixed, as the trained module mixes before its LayerNorm, with what the
 * trained attention reads for the new feature row (a weighted mean of the training entities' E). A booster on Ê
 * (`boosterEmbeddings`) gets that mix through the module's LayerNorm, as the module treats its own entities.
 */

import { InputError, type IssuePath } from '../core/errors.js';
import type { CsrMatrix, Float32Matrix } from '../core/types.js';
import type { IdMap, RatingScale } from '../data/dataset.js';
import { encodeRecord, type TableEncoder } from '../data/encoding.js';
import { type AttentionPopulation, attendQuery } from '../nn/attend.js';
import type { TrainedAutoencoder } from '../nn/index.js';
import { type BoosterEmbeddings, boosterEmbeddingRow } from './booster-embeddings.js';

/** A user or item folded in without retraining (see {@link RSAttAE.foldInUser}); pass it to predict or recommend. */
export interface FoldIn {
  readonly kind: 'user' | 'item';
  /** The embedding XGBoost reads: its E, Ê or both by the model's `boosterEmbeddings` (as wide as the model's). */
  readonly embedding: Float32Array;
  /** Its encoded feature row F (the all-zero "no features" row when none were given). */
  readonly features: Float32Array;
  /** Indices of the other side's entities it rated, in ascending order; recommend leaves them out. */
  readonly rated: Int32Array;
  /** The ratings of `rated`, in the same order (what places the fold-in in a stack's bias model). */
  readonly ratings?: Float32Array;
}

/** What is known of a new user or item: raw feature values by column name, and ratings by the other side's ids. */
export interface FoldInInput {
  /** Raw values by the feature table's column names (e.g. `{ age: 25, gender: 'F', occupation: 'writer' }`). */
  readonly features?: Readonly<Record<string, string | number>>;
  /** For a user, ratings of known items; for an item, ratings by known users (ids as in the data). */
  readonly ratings?: ReadonlyArray<{ readonly id: string | number; readonly rating: number }>;
}

/** `attention` (default): encoder output blended with the attention read-out; `encoder`: the encoder output alone. */
export type FoldInMethod = 'attention' | 'encoder';

/** Options of {@link RSAttAE.foldInUser} and {@link RSAttAE.foldInItem}. */
export interface FoldInOptions {
  readonly method?: FoldInMethod;
}

/**
 * @internal How the attention read-out A and the encoder output E_r of the rating row combine (A alone without
 * ratings): `alpha` is the model's own pre-LayerNorm mix α·A + (1−α)·E_r; `shrink` weighs E_r by n/(n + n0) for n ratings (A alone at n = 0,
 * tending to E_r as ratings accumulate), the usual shrinkage of a per-entity estimate towards a prior.
 */
export type FoldInBlend = { readonly kind: 'alpha' } | { readonly kind: 'shrink'; readonly n0: number };

/** @internal The blend of method `attention`, chosen by the cold-start study (bench/coldstart, BENCHMARKS.md). */
export const DEFAULT_BLEND: FoldInBlend = { kind: 'alpha' };

/** @internal One side of a model as fold-in needs it. */
export interface FoldInSide {
  readonly kind: 'user' | 'item';
  readonly autoencoder?: TrainedAutoencoder;
  readonly encoder?: TableEncoder;
  /** This side's feature matrix (for its width). */
  readonly features: Float32Matrix;
  /** The other side's ids (what the ratings name). */
  readonly others: IdMap;
  readonly scale?: RatingScale;
  /** What the booster reads of an embedding (default `encoder`). */
  readonly boosterEmbeddings?: BoosterEmbeddings;
  /** The attention population of this side, built on first use. */
  readonly population: () => AttentionPopulation;
}

const otherName = (kind: 'user' | 'item'): 'item' | 'user' => (kind === 'user' ? 'item' : 'user');

function fail(message: string, code: string, path: IssuePath): never {
  throw new InputError(message, { issues: [{ code, path, message }] });
}

/** @internal The feature row of `features` by the side's encoder; all zeros (the "no features" row) when absent. */
export function foldInFeatures(side: FoldInSide, features: FoldInInput['features']): Float32Array {
  const nf = side.features.cols;
  const out = new Float32Array(nf);
  if (features === undefined) return out;
  if (features === null || typeof features !== 'object' || Array.isArray(features)) fail(`${side.kind} features must be an object of values by column name`, 'invalid_type', ['features']);
  const given = Object.keys(features);
  const enc = side.encoder;
  if (!enc) {
    if (given.length === 0) return out;
    fail(`the model stores no ${side.kind} feature encoder, so ${side.kind} features cannot be given by name (got ${given.join(', ')})`, 'no_encoder', ['features']);
  }
  if (enc.names.length !== nf) fail(`the model's ${side.kind} feature encoder makes ${enc.names.length} columns, its features have ${nf}`, 'bad_model', ['features']);
  const valid = enc.columns.map((c) => c.name);
  for (const name of given) {
    if (!valid.includes(name)) fail(`unknown ${side.kind} feature ${JSON.stringify(name)}; the ${side.kind} features are ${valid.join(', ')}`, 'unknown_feature', ['features', name]);
    const v = features[name];
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isFinite(v))) {
      fail(`${side.kind} feature ${name}: ${JSON.stringify(v)} is neither a string nor a finite number`, 'invalid_type', ['features', name]);
    }
  }
  return encodeRecord(features, enc, out, `new ${side.kind}`);
}

/** @internal The rating row (1 × others) of `ratings`, checked against the ids and the scale. */
export function foldInRatings(side: FoldInSide, ratings: FoldInInput['ratings']): CsrMatrix {
  const other = otherName(side.kind);
  const m = side.others.size;
  const pairs: [number, number][] = [];
  const seen = new Map<number, number>();
  const s = side.scale;
  if (ratings !== undefined && !Array.isArray(ratings)) fail('ratings must be an array of { id, rating }', 'invalid_type', ['ratings']);
  (ratings ?? []).forEach((r, k) => {
    if (r === null || typeof r !== 'object' || (typeof r.id !== 'string' && typeof r.id !== 'number')) {
      fail(`ratings[${k}] must be { id, rating } with a string or number id`, 'invalid_type', ['ratings', k]);
    }
    const id = String(r.id);
    const j = side.others.index(id);
    if (j === undefined) fail(`ratings[${k}]: unknown ${other} id ${JSON.stringify(id)}`, 'unknown_id', ['ratings', k, 'id']);
    const before = seen.get(j);
    if (before !== undefined) fail(`ratings[${k}]: ${other} ${JSON.stringify(id)} is rated twice (also ratings[${before}])`, 'duplicate_id', ['ratings', k, 'id']);
    seen.set(j, k);
    const v = r.rating;
    if (typeof v !== 'number' || !Number.isFinite(v)) fail(`ratings[${k}]: rating ${JSON.stringify(v)} of ${other} ${JSON.stringify(id)} is not a number`, 'invalid_type', ['ratings', k, 'rating']);
    if (s !== undefined) {
      if (v < s.min || v > s.max) fail(`ratings[${k}]: rating ${v} of ${other} ${JSON.stringify(id)} is outside the model's scale ${s.min}..${s.max}`, 'out_of_scale', ['ratings', k, 'rating']);
      if (s.step !== undefined && Math.abs((v - s.min) / s.step - Math.round((v - s.min) / s.step)) > 1e-6) {
        fail(`ratings[${k}]: rating ${v} of ${other} ${JSON.stringify(id)} is not on the model's scale (${s.min}..${s.max} in steps of ${s.step})`, 'out_of_scale', ['ratings', k, 'rating']);
      }
    } else if (v === 0) {
      // a stored zero is "not rated" to the encoder
      fail(`ratings[${k}]: rating 0 of ${other} ${JSON.stringify(id)} would read as no rating`, 'out_of_scale', ['ratings', k, 'rating']);
    }
    pairs.push([j, v]);
  });
  pairs.sort((a, b) => a[0] - b[0]);
  return {
    rows: 1,
    cols: m,
    indptr: Int32Array.of(0, pairs.length),
    indices: Int32Array.from(pairs, (p) => p[0]),
    values: Float32Array.from(pairs, (p) => p[1]),
  };
}

/** @internal The blend of the attention read-out `a` and the encoder output `e` of a row with `n` ratings. */
export function blendEmbedding(a: Float32Array, e: Float32Array, n: number, alpha: number, blend: FoldInBlend): Float32Array {
  // with no ratings the encoder's output (of an empty row) is no evidence: the attention's read-out alone
  const w = n === 0 ? 1 : blend.kind === 'alpha' ? alpha : blend.n0 / (n + blend.n0);
  const out = new Float32Array(e.length);
  for (let c = 0; c < e.length; c++) out[c] = w * a[c] + (1 - w) * e[c];
  return out;
}

/**
 * @internal Folds one new entity into a side of a trained model.
 * @throws InputError for an unknown feature column or level, an unknown or repeated id, a rating off the scale, a
 *   model without autoencoder weights, or method `attention` on a vanilla model
 */
export function foldIn(side: FoldInSide, input: FoldInInput, method: FoldInMethod | undefined, blend: FoldInBlend = DEFAULT_BLEND): FoldIn {
  const ae = side.autoencoder;
  if (!ae) {
    fail(`this model holds no ${side.kind} autoencoder weights, which fold-in needs (load the bundle with { autoencoders: true })`, 'no_autoencoder', []);
  }
  const how = method ?? (ae.shape.attention ? 'attention' : 'encoder');
  if (how !== 'attention' && how !== 'encoder') fail(`unknown fold-in method ${JSON.stringify(how)}; expected attention or encoder`, 'invalid_value', ['method']);
  if (how === 'attention' && !ae.shape.attention) {
    fail(`the ${side.kind} autoencoder was trained without attention (autoencoder.model "vanilla"); fold in with method "encoder"`, 'invalid_value', ['method']);
  }
  const features = foldInFeatures(side, input.features);
  const row = foldInRatings(side, input.ratings);
  const e = ae.embed(row).data;
  const n = row.indices.length;
  let embedding = e;
  if (how === 'attention') {
    const a = attendQuery(ae, side.population(), input.features === undefined ? undefined : features);
    embedding = blendEmbedding(a, e, n, ae.alpha, blend);
  }
  // an attended booster reads Ê: the module's LayerNorm of the mix, as it treats its own entities
  return { kind: side.kind, embedding: boosterEmbeddingRow(ae, embedding, side.boosterEmbeddings ?? 'encoder'), features, rated: row.indices, ratings: row.values };
}
