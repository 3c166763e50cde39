/**
 * The trained attention queried from outside the training population: what the attention of a module would give a
 * new entity with a given feature row, over the entities it was trained on. This is the cold-start half of fold-in
 * (the other half is {@link TrainedAutoencoder.embed} on the new rating row).
 */

import { InputError } from '../core/errors.js';
import type { Float32Matrix } from '../core/types.js';
import { jsKernels } from './kernels.js';
import { LN_EPS } from './network.js';
import { type FeatureGroups, groupFeatures } from './sparse.js';
import type { TrainedAutoencoder } from './train.js';

/** A module's training population reduced to what attention reads: its feature groups, their normalised keys and mean E. */
export interface AttentionPopulation {
  readonly groups: FeatureGroups;
  /** k̂_g = normalise(F_g·Wk + bk), G × h. */
  readonly keys: Float64Array;
  /** Ē_g, the mean embedding of group g, G × d. */
  readonly means: Float64Array;
  readonly d: number;
  readonly h: number;
  readonly nf: number;
}

/** q = f·W + b (W stored nf × h, input-major), L2-normalised as the network does; into `out` at `at`. */
function project(f: ArrayLike<number>, fAt: number, w: Float32Array, b: Float32Array, nf: number, h: number, out: Float64Array, at: number): void {
  for (let c = 0; c < h; c++) out[at + c] = b[c];
  for (let j = 0; j < nf; j++) {
    const x = f[fAt + j];
    if (x === 0) continue;
    for (let c = 0; c < h; c++) out[at + c] += x * w[j * h + c];
  }
  let s = 0;
  for (let c = 0; c < h; c++) s += out[at + c] * out[at + c];
  const inv = 1 / Math.sqrt(s);
  for (let c = 0; c < h; c++) out[at + c] *= inv;
}

/**
 * Groups a trained attention module's population (`embeddings` E and `features`, one row per entity, as it was
 * trained on) and projects each group's key, once; queries then cost O(G·(h + d)).
 * @throws InputError for a vanilla module (no attention) or shapes that do not fit the module
 */
export function attentionPopulation(ae: TrainedAutoencoder, embeddings: Float32Matrix, features: Float32Matrix): AttentionPopulation {
  const { d, nf, attention } = ae.shape;
  if (!attention) throw new InputError('the module was trained without attention (autoencoder.model "vanilla"); fold in with method "encoder"');
  if (embeddings.rows !== features.rows || embeddings.cols !== d || features.cols !== nf) {
    throw new InputError(`population of ${embeddings.rows}x${embeddings.cols} embeddings and ${features.rows}x${features.cols} features does not fit a module of d=${d}, ${nf} features`);
  }
  const h = 2 * d;
  const w = ae.weights();
  const groups = groupFeatures(features);
  const G = groups.count.length;
  const keys = new Float64Array(G * h);
  for (let g = 0; g < G; g++) project(groups.rows.data, g * nf, w.wk, w.bk, nf, h, keys, g * h);
  const means = new Float64Array(G * d);
  const e = embeddings.data;
  for (let i = 0; i < embeddings.rows; i++) {
    const o = groups.group[i] * d;
    for (let c = 0; c < d; c++) means[o + c] += e[i * d + c];
  }
  for (let g = 0; g < G; g++) for (let c = 0; c < d; c++) means[g * d + c] /= groups.count[g];
  return { groups, keys, means, d, h, nf };
}

/**
 * The attention read-out A·E for one query: Σ_g P_g·Ē_g with P_g = c_g·exp(q̂·k̂_g) / Σ_h c_h·exp(q̂·k̂_h) and
 * q̂ = normalise(f·Wq + bq), exactly the trained attention's row for an entity with feature row `query` (before the
 * α-mix and LayerNorm). Without a query, every entity weighs the same: the population's mean E.
 */
export function attendQuery(ae: TrainedAutoencoder, pop: AttentionPopulation, query: Float32Array | undefined): Float32Array {
  const { d, h, nf, keys, means, groups } = pop;
  const G = groups.count.length;
  const p = new Float64Array(G);
  if (query === undefined) {
    for (let g = 0; g < G; g++) p[g] = groups.count[g];
  } else {
    if (query.length !== nf) throw new InputError(`query has ${query.length} features, the module expects ${nf}`);
    const w = ae.weights();
    const q = new Float64Array(h);
    project(query, 0, w.wq, w.bq, nf, h, q, 0);
    let mx = Number.NEGATIVE_INFINITY;
    for (let g = 0; g < G; g++) {
      let s = 0;
      for (let c = 0; c < h; c++) s += q[c] * keys[g * h + c];
      p[g] = s;
      if (s > mx) mx = s;
    }
    for (let g = 0; g < G; g++) p[g] = groups.count[g] * Math.exp(p[g] - mx);
  }
  let z = 0;
  for (let g = 0; g < G; g++) z += p[g];
  const out = new Float64Array(d);
  for (let g = 0; g < G; g++) {
    const wgt = p[g] / z;
    for (let c = 0; c < d; c++) out[c] += wgt * means[g * d + c];
  }
  return Float32Array.from(out);
}

/**
 * The module's LayerNorm after its α-mix, on rows given already mixed: Ê_i = LN(z_i)·γ + β for each row z_i of
 * `mixed` (rows × d). What turns an E-like fold-in vector α·A + (1−α)·E into the Ê an attended booster reads.
 */
export function layerNormRows(ae: TrainedAutoencoder, mixed: Float32Array, rows: number): Float32Array {
  const d = ae.shape.d;
  if (!ae.shape.attention) throw new InputError('the module was trained without attention (autoencoder.model "vanilla"), so it has no LayerNorm');
  if (mixed.length !== rows * d) throw new InputError(`${mixed.length} values are not ${rows} rows of d=${d}`);
  const w = ae.weights();
  const out = new Float32Array(rows * d);
  // α = 0 with any mm: z = e, so the kernel is LayerNorm alone
  jsKernels.mixLayerNorm(mixed, mixed, new Int32Array(rows), rows, d, 0, w.gamma, w.beta, LN_EPS, new Float32Array(rows * d), new Float32Array(rows), out);
  return out;
}

/**
 * Ê = LayerNorm(α·A·E + (1−α)·E) of a whole population, from its `embeddings` E (e.g. of other input ratings than
 * the module was trained on) and `features`: what the trained network computes for its own population, rebuilt with
 * O(G·(G·h + nf·h) + n·d) work (one attention query per feature group). Equals {@link TrainedAutoencoder.attended}
 * for the training E up to float rounding.
 * @throws InputError for a vanilla module or shapes that do not fit it
 */
export function attendedEmbeddings(ae: TrainedAutoencoder, embeddings: Float32Matrix, features: Float32Matrix): Float32Matrix {
  const pop = attentionPopulation(ae, embeddings, features);
  const { d, nf, groups } = pop;
  const G = groups.count.length;
  const mm = new Float32Array(G * d);
  for (let g = 0; g < G; g++) mm.set(attendQuery(ae, pop, groups.rows.data.subarray(g * nf, (g + 1) * nf)), g * d);
  const n = embeddings.rows;
  const w = ae.weights();
  const out = new Float32Array(n * d);
  jsKernels.mixLayerNorm(embeddings.data, mm, groups.group, n, d, w.alpha[0], w.gamma, w.beta, LN_EPS, new Float32Array(n * d), new Float32Array(n), out);
  return { rows: n, cols: d, data: out };
}
