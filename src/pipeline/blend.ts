/**
 * Blending the booster with standard baselines (config `blend`): a linear stack w₀·booster + Σ wₖ·baselineₖ + c whose
 * weights are least squares on the held-out validation rows. The baselines are fitted on the train ratings to
 * predict validation, then refitted on train + validation (the ratings the embeddings are computed from) for use.
 */
import type { RatingScale } from '../data/model.js';
import { concatRatings } from '../data/split.js';
import type { Ratings } from '../data/types.js';
import { InputError } from '../errors.js';
import { type BaselineArrays, type BaselineModel, fitBaseline, restoreBaseline } from '../baselines/models.js';
import { resolveBaselineConfig } from '../baselines/config.js';
import { buildTrainSet } from '../baselines/trainset.js';
import type { BlendAlgorithm, RSAttAEConfig } from './config.js';

/** A fitted blend: the baselines (fitted on train + validation) and the weights. */
export interface Blend {
  readonly models: readonly BaselineModel[];
  /** Weight of the booster, then of each model in order. */
  readonly weights: readonly number[];
  readonly intercept: number;
  /** Blended predictions are clipped to it. */
  readonly scale: { readonly min: number; readonly max: number };
}

/** What a bundle stores of a blend besides the baselines' training ratings (`blend.json`). */
export interface StoredBlend {
  readonly weights: readonly number[];
  readonly intercept: number;
  readonly scale: { readonly min: number; readonly max: number };
  /** Each baseline's learned arrays, by algorithm, then array name; the values are stored in `blend/*.f64`. */
  readonly arrays: readonly { readonly algorithm: string; readonly names: readonly string[] }[];
}

/** What the pipeline's data offers a blend. */
interface BlendData {
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Ratings;
  readonly validation: Ratings;
  readonly scale?: RatingScale;
}

/**
 * Least squares `min ‖X·β − y‖²` for a few columns (`columns[j][k]` = X[k][j]), by the normal equations with
 * partial-pivot elimination; a tiny ridge keeps collinear columns (e.g. two near-identical predictors) solvable.
 */
export function leastSquares(columns: readonly ArrayLike<number>[], y: ArrayLike<number>): number[] {
  const p = columns.length;
  const n = y.length;
  const a = Array.from({ length: p }, () => new Float64Array(p + 1));
  for (let i = 0; i < p; i++) {
    for (let j = i; j < p; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += columns[i][k] * columns[j][k];
      a[i][j] = s;
      a[j][i] = s;
    }
    let s = 0;
    for (let k = 0; k < n; k++) s += columns[i][k] * y[k];
    a[i][p] = s;
    a[i][i] += 1e-9 * n;
  }
  for (let c = 0; c < p; c++) {
    let best = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[best][c])) best = r;
    [a[c], a[best]] = [a[best], a[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= p; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row, i) => row[p] / row[i]);
}

/** The scale blended predictions are clipped to: the data's, else the range of its ratings. */
function scaleOf(d: BlendData): { min: number; max: number } {
  if (d.scale) return { min: d.scale.min, max: d.scale.max };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const r of [d.train.rating, d.validation.rating]) {
    for (const v of r) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  return { min, max };
}

/** Baselines fitted for a blend: their validation predictions (fitted on train) and their refits on train + validation. */
export interface BlendCandidates {
  readonly validation: readonly Float32Array[];
  readonly models: readonly BaselineModel[];
}

/** Fits each of `algorithms` on the train ratings (predicting validation), then again on train + validation. */
export function fitBlendCandidates(data: BlendData, algorithms: readonly BlendAlgorithm[], seed: number): BlendCandidates {
  const v = data.validation;
  const all = concatRatings(data.train, data.validation);
  const fit = (train: Ratings, algorithm: BlendAlgorithm): BaselineModel =>
    fitBaseline({ nUsers: data.nUsers, nItems: data.nItems, train, scale: data.scale }, { algorithm, seed });
  return {
    validation: algorithms.map((a) => fit(data.train, a).predictIndices(v.user, v.item)),
    models: algorithms.map((a) => fit(all, a)),
  };
}

/**
 * The least-squares weights of the booster and `candidates` on the validation ratings.
 * @returns the blend and its blended validation predictions
 */
export function solveBlend(data: BlendData, boosterValidation: Float32Array, candidates: BlendCandidates): { blend: Blend; validation: Float32Array } {
  const v = data.validation;
  const columns: ArrayLike<number>[] = [boosterValidation, ...candidates.validation, new Float32Array(v.rating.length).fill(1)];
  const beta = leastSquares(columns, v.rating);
  const blend: Blend = { models: candidates.models, weights: beta.slice(0, -1), intercept: beta[beta.length - 1], scale: scaleOf(data) };
  const validation = new Float32Array(v.rating.length);
  for (let k = 0; k < validation.length; k++) {
    let s = blend.intercept;
    for (let j = 0; j < blend.weights.length; j++) s += blend.weights[j] * columns[j][k];
    validation[k] = clamp(s, blend.scale);
  }
  return { blend, validation };
}

/**
 * Fits the blend of `cfg.blend` given the booster's predictions of the (held-out) validation rows.
 * @returns the blend and its blended validation predictions
 */
export function fitBlend(data: BlendData, cfg: RSAttAEConfig, boosterValidation: Float32Array): { blend: Blend; validation: Float32Array } {
  return solveBlend(data, boosterValidation, fitBlendCandidates(data, cfg.blend, cfg.seed));
}

function clamp(x: number, s: { min: number; max: number }): number {
  return Math.min(s.max, Math.max(s.min, x));
}

/** Blended predictions of pairs (0-based indices of known entities) from the booster's. */
export function applyBlend(blend: Blend, booster: Float32Array, users: Int32Array, items: Int32Array): Float32Array {
  const parts = blend.models.map((m) => m.predictIndices(users, items));
  const out = new Float32Array(booster.length);
  for (let k = 0; k < out.length; k++) {
    let s = blend.intercept + blend.weights[0] * booster[k];
    for (let j = 0; j < parts.length; j++) s += blend.weights[j + 1] * parts[j][k];
    out[k] = clamp(s, blend.scale);
  }
  return out;
}

/** The files of a blend in a bundle: `blend.json` plus the baselines' shared training ratings and arrays. */
export function blendFiles(blend: Blend): { json: StoredBlend; files: [string, Uint8Array][] } {
  const bytes = (a: Float64Array | Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const train = blend.models[0].train;
  const files: [string, Uint8Array][] = [
    ['blend/train-user.i32', bytes(train.user)],
    ['blend/train-item.i32', bytes(train.item)],
    ['blend/train-rating.f32', bytes(train.rating)],
  ];
  const arrays = blend.models.map((m) => {
    const names = Object.keys(m.arrays).sort();
    for (const name of names) files.push([`blend/${m.algorithm}.${name}.f64`, bytes(m.arrays[name])]);
    return { algorithm: m.algorithm, names };
  });
  return { json: { weights: blend.weights, intercept: blend.intercept, scale: blend.scale, arrays }, files };
}

/**
 * Rebuilds a blend from a bundle's files (already checksum-verified), for the configuration's `blend` list.
 * @throws InputError when the files do not fit the configuration
 */
export function restoreBlend(cfg: RSAttAEConfig, nUsers: number, nItems: number, need: (name: string) => Uint8Array): Blend {
  const json = JSON.parse(Buffer.from(need('blend.json')).toString('utf8')) as StoredBlend;
  if (json.weights?.length !== cfg.blend.length + 1 || json.arrays?.length !== cfg.blend.length) {
    throw new InputError(`blend.json holds ${json.weights?.length} weights for the ${cfg.blend.length} blended baselines of the configuration`);
  }
  const copy = <A extends Float64Array | Float32Array | Int32Array>(name: string, make: (n: number) => A): A => {
    const d = need(name);
    const a = make(d.length / make(0).BYTES_PER_ELEMENT);
    new Uint8Array(a.buffer).set(d);
    return a;
  };
  const rating = copy('blend/train-rating.f32', (n) => new Float32Array(n));
  const train: Ratings = {
    user: copy('blend/train-user.i32', (n) => new Int32Array(n)),
    item: copy('blend/train-item.i32', (n) => new Int32Array(n)),
    rating,
    timestamp: new Int32Array(rating.length),
  };
  const ts = buildTrainSet(train, nUsers, nItems, json.scale);
  const models = cfg.blend.map((algorithm, j) => {
    const stored = json.arrays[j];
    if (stored.algorithm !== algorithm) throw new InputError(`blend.json lists ${stored.algorithm} where the configuration blends ${algorithm}`);
    const arrays: BaselineArrays = Object.fromEntries(stored.names.map((name) => [name, copy(`blend/${algorithm}.${name}.f64`, (n) => new Float64Array(n))]));
    return restoreBaseline(resolveBaselineConfig({ algorithm, seed: cfg.seed }), ts, train, arrays);
  });
  return { models, weights: json.weights, intercept: json.intercept, scale: json.scale };
}
