/**
 * Stacking the booster with standard baselines (config `blend`). Each baseline is fitted on the train ratings to
 * predict the held-out validation rows, where the stacker's weights are fitted; then the baselines are refitted on
 * train + validation (the ratings the embeddings are computed from) for use.
 *
 * Two stackers compete on validation, by cross-fitted RMSE (each fold's rows predicted by weights fitted on the other
 * folds, so the figure is honest): `linear`, w₀·booster + Σ wₖ·baselineₖ + c, and `count-gated`, which adds each
 * member times g(n_u) and times g(n_i), g(n) = 1/√(1 + n) of the user's and the item's training ratings, so the
 * weights can move from the collaborative members to the booster (or back) as an entity has fewer ratings.
 *
 * Pairs with a user or an item the members have no rating of (cold) follow a rule of their own, also chosen on
 * validation: the booster reading the entity's features and an empty rating row, the bias model's fallback (the known
 * side's bias), or their least-squares mix. Every prediction is clipped to the rating scale.
 */

import type { BaselineArrays, FoldInProfile } from '../baselines/algorithms.js';
import { alsBiasStep, clip } from '../baselines/trainset.js';
import { errorMetrics } from '../core/error-metrics.js';
import { InputError } from '../core/errors.js';
import { createRng } from '../core/rng.js';
import { deriveSeed, type SeedStream } from '../core/seeds.js';
import type { FeatureMatrix, Ratings } from '../core/types.js';
import type { RatingScale } from '../data/dataset.js';
import { concatRatings } from '../data/split.js';
import type { BlendAlgorithm, RSAttAEConfig } from './rsattae-config.js';
import { fitMember, type MemberData, memberPredict, restoreMember, type StackMember } from './stack-members.js';

/** The stackers {@link fitStack} chooses from. */
export type StackerKind = 'linear' | 'count-gated';

/** How pairs of one cold case are scored: intercept + booster·(booster's prediction) + bias·(bias model's fallback). */
export interface ColdRule {
  /** Which candidate validation chose. */
  readonly chosen: 'booster' | 'bias' | 'mix';
  readonly booster: number;
  readonly bias: number;
  readonly intercept: number;
}

/** The rules of the three cold cases: the user cold, the item cold, both cold. */
export interface ColdRules {
  readonly user: ColdRule;
  readonly item: ColdRule;
  readonly both: ColdRule;
}

/** Weights of the count-gated terms: per column (booster, then each member) times g(n_u), then times g(n_i). */
export interface GatedWeights {
  readonly user: readonly number[];
  readonly item: readonly number[];
  /** Coefficients of g(n_u) and g(n_i) themselves. */
  readonly gu: number;
  readonly gi: number;
}

/** A fitted stack: the baselines (fitted on train + validation) and the weights. */
export interface Blend {
  readonly models: readonly StackMember[];
  /** Weight of the booster, then of each model in order. */
  readonly weights: readonly number[];
  readonly intercept: number;
  /** Predictions are clipped to it. */
  readonly scale: { readonly min: number; readonly max: number };
  /** The count-gated terms, when that stacker was chosen. */
  readonly gated?: GatedWeights;
  /** Rules for cold pairs; without them (a bundle from before they existed) cold pairs get the warm weights. */
  readonly cold?: ColdRules;
}

/** What a bundle stores of a blend besides the baselines' training ratings (`blend.json`). */
export interface StoredBlend {
  readonly weights: readonly number[];
  readonly intercept: number;
  readonly scale: { readonly min: number; readonly max: number };
  readonly gated?: GatedWeights;
  readonly cold?: ColdRules;
  /** Each member's learned arrays, by algorithm, then array name; the values are stored in `blend/*.f64`. */
  readonly arrays: readonly { readonly algorithm: string; readonly names: readonly string[] }[];
}

/** Validation figures behind each choice of {@link fitStack}: cross-fitted RMSEs unless said otherwise. */
export interface StackReport {
  /** Each member's own validation RMSE (the booster first), on the validation rows whose entities have train ratings. */
  readonly members: readonly { readonly name: string; readonly rmse: number }[];
  /**
   * The stacker chosen: `linear`, `count-gated`, or a member's name when that member alone beat both (its own RMSE
   * needs no cross-fitting), so the stack is never worse on validation than any of its members.
   */
  readonly stacker: { readonly chosen: string } & Readonly<Record<StackerKind, number>>;
  /** Per cold case: each candidate's cross-fitted RMSE on validation rows scored as if the entity were cold. */
  readonly cold: Readonly<Record<keyof ColdRules, { readonly chosen: ColdRule['chosen']; readonly booster: number; readonly bias: number; readonly mix: number }>>;
  /** The whole stack's cross-fitted validation RMSE and MAE, on every validation row. */
  readonly rmse: number;
  readonly mae: number;
}

/** What the pipeline's data offers a blend. */
interface BlendData {
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Ratings;
  readonly validation: Ratings;
  readonly scale?: RatingScale;
  /** The feature tables (the Bayesian FM member reads them). */
  readonly userFeatures?: FeatureMatrix;
  readonly itemFeatures?: FeatureMatrix;
}

/**
 * Least squares `min ‖X·β − y‖² + ridge·n·‖β‖²` for a few columns (`columns[j][k]` = X[k][j]), by the normal
 * equations with partial-pivot elimination; the ridge (tiny by default) keeps collinear columns (e.g. two
 * near-identical predictors) solvable. `rows` restricts the fit to those rows.
 */
export function leastSquares(columns: readonly ArrayLike<number>[], y: ArrayLike<number>, ridge = 1e-9, rows?: ArrayLike<number>): number[] {
  const p = columns.length;
  const n = rows ? rows.length : y.length;
  const a = Array.from({ length: p }, () => new Float64Array(p + 1));
  for (let i = 0; i < p; i++) {
    const ci = columns[i];
    for (let j = i; j < p; j++) {
      const cj = columns[j];
      let s = 0;
      if (rows) for (let r = 0; r < n; r++) s += ci[rows[r]] * cj[rows[r]];
      else for (let k = 0; k < n; k++) s += ci[k] * cj[k];
      a[i][j] = s;
      a[j][i] = s;
    }
    let s = 0;
    if (rows) for (let r = 0; r < n; r++) s += ci[rows[r]] * y[rows[r]];
    else for (let k = 0; k < n; k++) s += ci[k] * y[k];
    a[i][p] = s;
    a[i][i] += ridge * n;
  }
  for (let c = 0; c < p; c++) {
    let best = c;
    for (let r = c + 1; r < p; r++) if (Math.abs(a[r][c]) > Math.abs(a[best][c])) best = r;
    [a[c], a[best]] = [a[best], a[c]];
    if (a[c][c] === 0) continue;
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let j = c; j <= p; j++) a[r][j] -= f * a[c][j];
    }
  }
  return a.map((row, i) => (row[i] === 0 ? 0 : row[p] / row[i]));
}

/** The scale blended predictions are clipped to: the data's, else the range of its ratings. */
export function scaleOf(d: Pick<BlendData, 'train' | 'validation' | 'scale'>): { min: number; max: number } {
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
  readonly models: readonly StackMember[];
  /**
   * The bias model's (baseline-only, fitted on train) predictions of the validation pairs with the user unknown, the
   * item unknown and both: what its fallback gives a cold entity.
   */
  readonly coldBias?: { readonly user: Float32Array; readonly item: Float32Array; readonly both: Float32Array };
}

/** Fits each of `algorithms` on the train ratings (predicting validation), then again on train + validation. */
export function fitBlendCandidates(data: BlendData, algorithms: readonly BlendAlgorithm[], seed: number, bfm: RSAttAEConfig['bfm']): BlendCandidates {
  const v = data.validation;
  const all = concatRatings(data.train, data.validation);
  const fit = (train: Ratings, algorithm: BlendAlgorithm): StackMember => fitMember(algorithm, { ...data, train }, seed, bfm);
  const validation: Float32Array[] = [];
  let bias: StackMember | undefined;
  const first: StackMember[] = [];
  for (const a of algorithms) {
    const m = fit(data.train, a);
    first.push(m);
    validation.push(memberPredict(m, v.user, v.item, v.timestamp));
    if (a === 'baseline-only') bias = m;
  }
  bias ??= fit(data.train, 'baseline-only');
  // an index past the end is an entity without training ratings: the model's own fallback
  const nobody = (n: number, value: number): Int32Array => new Int32Array(n).fill(value);
  const n = v.rating.length;
  const coldBias = {
    user: bias.predictIndices(nobody(n, data.nUsers), v.item),
    item: bias.predictIndices(v.user, nobody(n, data.nItems)),
    both: bias.predictIndices(nobody(n, data.nUsers), nobody(n, data.nItems)),
  };
  // the FM member's refit continues its chain on the train ratings (see BFM_REFIT_SHARE)
  return { validation, models: algorithms.map((a, j) => fitMember(a, { ...data, train: all }, seed, bfm, first[j])), coldBias };
}

/** Stacker's gate: 1/√(1 + n) of an entity's training ratings. */
function gate(n: number): number {
  return 1 / Math.sqrt(1 + n);
}

/** Training ratings per entity. */
function counts(r: Ratings, nUsers: number, nItems: number): { user: Int32Array; item: Int32Array } {
  const user = new Int32Array(nUsers);
  const item = new Int32Array(nItems);
  for (let k = 0; k < r.user.length; k++) {
    user[r.user[k]]++;
    item[r.item[k]]++;
  }
  return { user, item };
}

/** Columns of a stacker over `members` (the booster first) for the gates `gu`, `gi`, ending with the intercept's. */
function stackColumns(kind: StackerKind, members: readonly ArrayLike<number>[], gu: Float64Array, gi: Float64Array): ArrayLike<number>[] {
  const n = gu.length;
  const one = new Float64Array(n).fill(1);
  if (kind === 'linear') return [...members, one];
  const times = (p: ArrayLike<number>, g: Float64Array): Float64Array => {
    const out = new Float64Array(n);
    for (let k = 0; k < n; k++) out[k] = p[k] * g[k];
    return out;
  };
  return [...members, ...members.map((p) => times(p, gu)), ...members.map((p) => times(p, gi)), gu, gi, one];
}

/** Σ β_j·columns[j][k], clipped, for each of `rows`, into `out`. */
function predictRows(beta: readonly number[], columns: readonly ArrayLike<number>[], rows: ArrayLike<number>, scale: Blend['scale'], out: Float64Array): void {
  for (let r = 0; r < rows.length; r++) {
    const k = rows[r];
    let s = 0;
    for (let j = 0; j < beta.length; j++) s += beta[j] * columns[j][k];
    out[k] = clip(s, scale);
  }
}

/** The seed stream of each cold case's mix. */
const COLD_MIX_STREAM = { user: 'coldMixUser', item: 'coldMixItem', both: 'coldMixBoth' } as const satisfies Record<keyof ColdRules, SeedStream>;

/** Folds of cross-fitting: each row's fold, seeded. */
const CROSS_FIT_FOLDS = 5;
/** Ridge of the count-gated stacker, whose products of near-collinear members are themselves near-collinear. */
const GATED_RIDGE = 1e-4;

/**
 * Cross-fitted predictions of `rows` by least squares on `columns`: each fold predicted by the weights fitted on the
 * other folds; then the weights on all `rows`. Undefined when the folds are too small to fit that many columns (at
 * least two rows per column), so a stacker is never judged on its own fitting rows.
 */
function crossFit(columns: readonly ArrayLike<number>[], y: ArrayLike<number>, rows: Int32Array, ridge: number, seed: number, scale: Blend['scale'], out: Float64Array): number[] | undefined {
  if (Math.floor((rows.length * (CROSS_FIT_FOLDS - 1)) / CROSS_FIT_FOLDS) < 2 * columns.length) return undefined;
  const perm = createRng(seed).permutation(rows.length);
  for (let f = 0; f < CROSS_FIT_FOLDS; f++) {
    const fit: number[] = [];
    const held: number[] = [];
    for (let j = 0; j < rows.length; j++) (j % CROSS_FIT_FOLDS === f ? held : fit).push(rows[perm[j]]);
    predictRows(leastSquares(columns, y, ridge, fit), columns, held, scale, out);
  }
  return leastSquares(columns, y, ridge, rows);
}

function rmseOf(pred: Float64Array, y: ArrayLike<number>, rows: ArrayLike<number>): number {
  let s = 0;
  for (let r = 0; r < rows.length; r++) s += (pred[rows[r]] - y[rows[r]]) ** 2;
  return rows.length === 0 ? Number.NaN : Math.sqrt(s / rows.length);
}

/** The booster's predictions of the validation pairs with the user, the item, or both scored as cold entities. */
export interface ColdBoosterPredictions {
  readonly user: Float32Array;
  readonly item: Float32Array;
  readonly both: Float32Array;
}

/**
 * Fits the stack: the stacker of the booster's (held-out) validation predictions and the candidates', chosen between
 * `linear` and `count-gated` by cross-fitted RMSE; and the cold rules, each chosen between the booster, the bias
 * model's fallback and their mix on the validation pairs scored as cold (`coldBooster`, `candidates.coldBias`).
 * @returns the blend, its cross-fitted validation predictions and the figures behind each choice
 */
export function fitStack(
  data: BlendData,
  names: readonly string[],
  boosterValidation: Float32Array,
  candidates: BlendCandidates,
  coldBooster: ColdBoosterPredictions,
  seed: number,
): { blend: Blend; validation: Float32Array; report: StackReport } {
  const v = data.validation;
  const y = v.rating;
  const n = y.length;
  const scale = scaleOf(data);
  const c = counts(data.train, data.nUsers, data.nItems);
  const gu = Float64Array.from(v.user, (u) => gate(c.user[u]));
  const gi = Float64Array.from(v.item, (i) => gate(c.item[i]));
  const members: ArrayLike<number>[] = [boosterValidation, ...candidates.validation];
  const warm: number[] = [];
  const caseOf = new Uint8Array(n); // 0 warm, 1 user cold, 2 item cold, 3 both
  for (let k = 0; k < n; k++) {
    caseOf[k] = (c.user[v.user[k]] === 0 ? 1 : 0) + (c.item[v.item[k]] === 0 ? 2 : 0);
    if (caseOf[k] === 0) warm.push(k);
  }
  const warmRows = Int32Array.from(warm);
  const memberRmse = members.map((p, j) => {
    let s = 0;
    for (const k of warmRows) s += (clip(p[k], scale) - y[k]) ** 2;
    return { name: names[j], rmse: Math.sqrt(s / Math.max(1, warmRows.length)) };
  });

  const m = members.length;
  const tries = (['linear', 'count-gated'] as const).map((kind) => {
    const columns = stackColumns(kind, members, gu, gi);
    const out = new Float64Array(n);
    const beta = crossFit(columns, y, warmRows, kind === 'linear' ? 1e-9 : GATED_RIDGE, deriveSeed(seed, 'stacker'), scale, out);
    if (beta) return { kind, beta, out, rmse: rmseOf(out, y, warmRows) };
    // too few validation rows to judge a stacker: the booster alone
    const alone = [1, ...new Array<number>(columns.length - 1).fill(0)];
    predictRows(alone, columns, warmRows, scale, out);
    return { kind, beta: alone, out, rmse: Number.POSITIVE_INFINITY };
  });
  let best: { kind: string; beta: number[]; out: Float64Array; rmse: number } = tries[1].rmse < tries[0].rmse ? tries[1] : tries[0];
  memberRmse.forEach((mr, j) => {
    if (!(mr.rmse < best.rmse)) return;
    const beta = Array.from({ length: m + 1 }, (_, c) => (c === j ? 1 : 0));
    const out = new Float64Array(n);
    predictRows(beta, [...members, new Float64Array(n).fill(1)], warmRows, scale, out);
    best = { kind: mr.name, beta, out, rmse: mr.rmse };
  });
  const beta = best.beta;
  const gated: GatedWeights | undefined =
    best.kind === 'count-gated' ? { user: beta.slice(m, 2 * m), item: beta.slice(2 * m, 3 * m), gu: beta[3 * m], gi: beta[3 * m + 1] } : undefined;

  // cold rules, on every validation row scored as cold (no validation entity is really cold, or few are)
  const all = Int32Array.from({ length: n }, (_, k) => k);
  const coldBias = candidates.coldBias;
  if (!coldBias) throw new InputError('fitStack needs the bias model\'s cold predictions (fitBlendCandidates gives them)');
  const combined = new Float64Array(n);
  for (const k of warmRows) combined[k] = best.out[k];
  const coldReport = {} as Record<keyof ColdRules, StackReport['cold']['user']>;
  const cold = {} as Record<keyof ColdRules, ColdRule>;
  (['user', 'item', 'both'] as const).forEach((which, w) => {
    const b = coldBooster[which];
    const bias = coldBias[which];
    const one = new Float64Array(n).fill(1);
    const outBooster = Float64Array.from(b, (x) => clip(x, scale));
    const outBias = Float64Array.from(bias, (x) => clip(x, scale));
    const outMix = new Float64Array(n);
    // too few validation rows to cross-fit a mix: it is not a candidate
    const mix = crossFit([b, bias, one], y, all, 1e-9, deriveSeed(seed, COLD_MIX_STREAM[which]), scale, outMix);
    const figures = { booster: rmseOf(outBooster, y, all), bias: rmseOf(outBias, y, all), mix: mix ? rmseOf(outMix, y, all) : Number.POSITIVE_INFINITY };
    const chosen = (['mix', 'bias', 'booster'] as const).reduce((a, k) => (figures[k] < figures[a] ? k : a), 'mix' as ColdRule['chosen']);
    cold[which] =
      chosen === 'booster'
        ? { chosen, booster: 1, bias: 0, intercept: 0 }
        : chosen === 'bias'
          ? { chosen, booster: 0, bias: 1, intercept: 0 }
          : { chosen, booster: mix![0], bias: mix![1], intercept: mix![2] };
    coldReport[which] = { chosen, ...figures };
    const chosenOut = chosen === 'booster' ? outBooster : chosen === 'bias' ? outBias : outMix;
    for (let k = 0; k < n; k++) if (caseOf[k] === w + 1) combined[k] = chosenOut[k];
  });

  const blend: Blend = {
    models: candidates.models,
    weights: beta.slice(0, m),
    intercept: beta[beta.length - 1],
    scale,
    ...(gated ? { gated } : {}),
    cold,
  };
  const validation = Float32Array.from(combined);
  const report: StackReport = {
    members: memberRmse,
    stacker: { chosen: best.kind, linear: tries[0].rmse, 'count-gated': tries[1].rmse },
    cold: coldReport,
    ...errorMetrics(validation, y),
  };
  return { blend, validation, report };
}

/**
 * The least-squares weights of the booster and `candidates` on the validation ratings: the plain linear stacker
 * without cold rules (what bench/accuracy compares blends with).
 * @returns the blend and its blended validation predictions (in-sample)
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
    validation[k] = clip(s, blend.scale);
  }
  return { blend, validation };
}

/** Index of the bias model among a blend's members: baseline-only's, else the first (every member falls back to biases). */
function biasIndex(blend: Blend): number {
  return Math.max(0, blend.models.findIndex((m) => m.algorithm === 'baseline-only'));
}

/** The mean training rating of the blend's bias model (what {@link foldInBias} adds its biases to). */
export function biasMean(blend: Blend): number {
  return blend.models[biasIndex(blend)].globalMean;
}


/** Training ratings per entity of a blend's members (train + validation), cached per blend. */
const countCache = new WeakMap<Blend, { user: Int32Array; item: Int32Array }>();
function memberCounts(blend: Blend): { user: Int32Array; item: Int32Array } {
  let c = countCache.get(blend);
  if (!c) {
    const m = blend.models[0];
    c = counts(m.train, m.nUsers, m.nItems);
    countCache.set(blend, c);
  }
  return c;
}

/**
 * The cold case of a pair for the stack's members: which of its user and item they have no training rating of (an
 * index of -1 stands for a fold-in, which they never have); undefined for a warm pair.
 */
export function coldCase(blend: Blend, user: number, item: number): keyof ColdRules | undefined {
  return caseOf(memberCounts(blend), user, item);
}

/** {@link coldCase} given the members' counts (the per-pair loop of applyBlend looks them up once). */
function caseOf(c: { readonly user: Int32Array; readonly item: Int32Array }, user: number, item: number): keyof ColdRules | undefined {
  const userCold = user < 0 || c.user[user] === 0;
  const itemCold = item < 0 || c.item[item] === 0;
  return userCold ? (itemCold ? 'both' : 'user') : itemCold ? 'item' : undefined;
}

/** A cold rule applied to the booster's prediction and the bias model's, clipped. */
export function applyColdRule(blend: Blend, which: keyof ColdRules, booster: number, bias: number): number {
  const r = blend.cold?.[which];
  if (!r) return clip(booster, blend.scale);
  return clip(r.intercept + r.booster * booster + r.bias * bias, blend.scale);
}

/**
 * Stacked predictions of pairs (0-based indices of the model's entities) from the booster's: the warm stacker, or the
 * cold rule of a pair whose user or item has no training rating. `timestamps`, when the pairs have them, place each
 * on its day for the members that use the time.
 */
export function applyBlend(blend: Blend, booster: Float32Array, users: Int32Array, items: Int32Array, timestamps?: Int32Array): Float32Array {
  const parts = blend.models.map((m) => memberPredict(m, users, items, timestamps));
  const out = new Float32Array(booster.length);
  const c = blend.cold ? memberCounts(blend) : undefined;
  const g = blend.gated;
  const bi = biasIndex(blend);
  for (let k = 0; k < out.length; k++) {
    const which = c && caseOf(c, users[k], items[k]);
    if (which) {
      out[k] = applyColdRule(blend, which, booster[k], parts[bi][k]);
      continue;
    }
    out[k] = warmScore(blend, booster[k], parts, k, c && g ? c.user[users[k]] : 0, c && g ? c.item[items[k]] : 0);
  }
  return out;
}

/** The warm stacker on pair k: the booster's prediction, the members' (`parts[j][k]`) and the pair's training counts. */
function warmScore(blend: Blend, booster: number, parts: readonly ArrayLike<number>[], k: number, nu: number, ni: number): number {
  let s = blend.intercept + blend.weights[0] * booster;
  for (let j = 0; j < parts.length; j++) s += blend.weights[j + 1] * parts[j][k];
  const g = blend.gated;
  if (g) {
    const gu = gate(nu);
    const gi = gate(ni);
    s += g.gu * gu + g.gi * gi + (g.user[0] * gu + g.item[0] * gi) * booster;
    for (let j = 0; j < parts.length; j++) s += (g.user[j + 1] * gu + g.item[j + 1] * gi) * parts[j][k];
  }
  return clip(s, blend.scale);
}

/**
 * Stacked predictions of a fold-in (`kind`, placed by its ratings of `profile.others`) paired with each of the known
 * entities `partners`, from the booster's predictions of those pairs. A fold-in bringing at least
 * {@link warmFoldInFrom} ratings the members know is stacked as a training entity with that many ratings: each member
 * places it by its ratings ({@link BaselineModel.predictFoldIn}) and the warm stacker combines them. With fewer, it
 * is below the counts the warm stacker was fitted on, and it gets the cold rule of its case (chosen on validation
 * for entities without ratings), the bias member placing it by the ratings it has; so does a pair whose partner has
 * no training rating.
 */
export function applyBlendFoldIn(blend: Blend, kind: 'user' | 'item', profile: FoldInProfile, booster: Float32Array, partners: Int32Array): Float32Array {
  const c = memberCounts(blend);
  const theirs = kind === 'user' ? c.item : c.user;
  let known = 0;
  for (const j of profile.others) if (theirs[j] > 0) known++;
  const warm = known > 0 && known >= warmFoldInFrom(blend, kind);
  const bi = biasIndex(blend);
  const parts = warm ? blend.models.map((m) => m.predictFoldIn(kind, profile, partners)) : [blend.models[bi].predictFoldIn(kind, profile, partners)];
  const bias = parts[warm ? bi : 0];
  const out = new Float32Array(partners.length);
  for (let k = 0; k < out.length; k++) {
    const p = partners[k];
    const partnerCold = theirs[p] === 0;
    if (!warm || partnerCold) {
      // a fold-in stacked as warm leaves the cold side to decide the case
      const which = !warm ? (partnerCold ? 'both' : kind) : kind === 'user' ? 'item' : 'user';
      out[k] = applyColdRule(blend, which, booster[k], bias[k]);
      continue;
    }
    out[k] = warmScore(blend, booster[k], parts, k, kind === 'user' ? known : theirs[p], kind === 'user' ? theirs[p] : known);
  }
  return out;
}

/** The share of a side's entities below whose rating count a fold-in is not stacked as warm: the median. */
const WARM_FOLD_IN_QUANTILE = 0.5;
const warmCache = new WeakMap<Blend, { user: number; item: number }>();

/**
 * The fewest ratings a fold-in of `kind` needs to be stacked as a warm entity: the median of the members' rating
 * counts over that side's entities that have any. The warm stacker's weights were fitted on entities the members and
 * the booster learned jointly from all their ratings; a fold-in placed from a few ratings, every other parameter
 * fixed, is noisier than a training entity with as many, and the cold-start study (ML-100K, users and items held out)
 * found the stacked fold-in worse than the cold rule on both sides until it brought many ratings. Only a fold-in with as many
 * ratings as a typical entity is stacked.
 */
export function warmFoldInFrom(blend: Blend, kind: 'user' | 'item'): number {
  let w = warmCache.get(blend);
  if (!w) {
    const c = memberCounts(blend);
    const quantile = (n: Int32Array): number => {
      const rated = Int32Array.from(n.filter((x) => x > 0)).sort();
      return rated.length === 0 ? 1 : Math.max(1, rated[Math.floor(WARM_FOLD_IN_QUANTILE * (rated.length - 1))]);
    };
    w = { user: quantile(c.user), item: quantile(c.item) };
    warmCache.set(blend, w);
  }
  return w[kind];
}

/**
 * The bias model's prediction for a folded-in entity (`kind`) with `ratings` of the other side's entities `others`,
 * paired with the known entity `other` (or nobody, -1): μ + b_other + b_new, b_new = Σ (r − μ − b_j) / (reg + n), one
 * step of the model's own alternating least squares.
 */
export function foldInBias(blend: Blend, kind: 'user' | 'item', others: Int32Array, ratings: Float32Array | undefined, other: number): number {
  const m = blend.models[biasIndex(blend)];
  // the other side's biases: those of the entities it rated, and of the one it is paired with
  const theirs = m.arrays[kind === 'user' ? 'bi' : 'bu'];
  const mu = m.globalMean;
  const c = memberCounts(blend);
  const known = other >= 0 && (kind === 'user' ? c.item : c.user)[other] > 0;
  const bOther = theirs && known ? theirs[other] : 0;
  let bNew = 0;
  if (ratings && ratings.length > 0 && theirs) {
    const reg = 'baseline' in m.config ? m.config.baseline : { regU: 15, regI: 10 };
    bNew = alsBiasStep(mu, theirs, others, ratings, kind === 'user' ? reg.regU : reg.regI);
  }
  return mu + bOther + bNew;
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
  // the Bayesian FM's day block is rebuilt from the ratings' days
  if (blend.models.some((m) => m.algorithm === 'bfm')) files.push(['blend/train-timestamp.i32', bytes(train.timestamp)]);
  const arrays = blend.models.map((m) => {
    const names = Object.keys(m.arrays).sort();
    for (const name of names) files.push([`blend/${m.algorithm}.${name}.f64`, bytes(m.arrays[name])]);
    return { algorithm: m.algorithm, names };
  });
  const json: StoredBlend = {
    weights: blend.weights,
    intercept: blend.intercept,
    scale: blend.scale,
    ...(blend.gated ? { gated: blend.gated } : {}),
    ...(blend.cold ? { cold: blend.cold } : {}),
    arrays,
  };
  return { json, files };
}

/**
 * Rebuilds a blend from a bundle's files (already checksum-verified), for the configuration's `blend` list.
 * @throws InputError when the files do not fit the configuration
 */
export function restoreBlend(
  cfg: RSAttAEConfig,
  nUsers: number,
  nItems: number,
  need: (name: string) => Uint8Array,
  features: Pick<MemberData, 'userFeatures' | 'itemFeatures'> = {},
): Blend {
  const json = JSON.parse(Buffer.from(need('blend.json')).toString('utf8')) as StoredBlend;
  if (json.weights?.length !== cfg.blend.length + 1 || json.arrays?.length !== cfg.blend.length) {
    throw new InputError(`blend.json holds ${json.weights?.length} weights for the ${cfg.blend.length} blended baselines of the configuration`);
  }
  if (json.gated && (json.gated.user?.length !== cfg.blend.length + 1 || json.gated.item?.length !== cfg.blend.length + 1)) {
    throw new InputError(`blend.json's gated weights do not fit the ${cfg.blend.length} blended baselines of the configuration`);
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
    timestamp: cfg.blend.includes('bfm') ? copy('blend/train-timestamp.i32', (n) => new Int32Array(n)) : new Int32Array(rating.length),
  };
  if (train.timestamp.length !== rating.length) throw new InputError(`blend/train-timestamp.i32 holds ${train.timestamp.length} values for ${rating.length} ratings`);
  const models = cfg.blend.map((algorithm, j) => {
    const stored = json.arrays[j];
    if (stored.algorithm !== algorithm) throw new InputError(`blend.json lists ${stored.algorithm} where the configuration blends ${algorithm}`);
    const arrays: BaselineArrays = Object.fromEntries(stored.names.map((name) => [name, copy(`blend/${algorithm}.${name}.f64`, (n) => new Float64Array(n))]));
    return restoreMember(algorithm, { nUsers, nItems, train, scale: json.scale, ...features }, arrays, cfg.seed, cfg.bfm);
  });
  return {
    models,
    weights: json.weights,
    intercept: json.intercept,
    scale: json.scale,
    ...(json.gated ? { gated: json.gated } : {}),
    ...(json.cold ? { cold: json.cold } : {}),
  };
}

/** The same blend with its members refitted on `train` (e.g. after an update added ratings and entities); weights kept. */
export function refitBlend(blend: Blend, data: MemberData, seed: number, bfm: RSAttAEConfig['bfm']): Blend {
  const models = blend.models.map((m) => fitMember(m.algorithm as BlendAlgorithm, data, seed, bfm));
  return { ...blend, models };
}
