/**
 * Parameter layout of the autoencoder: one flat Float32Array holding every tensor (so the optimizer, the best-weights
 * snapshot and save/load are single loops/copies), with named views into it.
 *
 * Storage is "input-major" (in × out) for every layer except the decoder's last, whose weight is stored out × in
 * (row j = the weights of output column j) so the sampled product reads one contiguous row per rated entry.
 */
import { createRng } from '../core/rng.js';

/** Shape of a module: input width m (the other side's count), feature width nf, embedding size d, attention or vanilla. */
export interface ModelShape {
  readonly m: number;
  readonly nf: number;
  readonly d: number;
  readonly attention: boolean;
}

/** One parameter tensor: name, shape (rows × cols in storage order), PyTorch fan-in, initialiser. */
export interface ParamSpec {
  readonly name: ParamName;
  readonly rows: number;
  readonly cols: number;
  readonly fanIn: number;
  readonly init: 'uniform' | 'zeros' | 'ones' | 'half';
}

/** Names of the parameter tensors. */
export type ParamName = 'w1' | 'b1' | 'w2' | 'b2' | 'wq' | 'bq' | 'wk' | 'bk' | 'alpha' | 'gamma' | 'beta' | 'w3' | 'b3' | 'w4' | 'b4';

/** Named views into a flat parameter (or gradient) array; attention-only tensors are empty for the vanilla model. */
export type ParamViews = Record<ParamName, Float32Array>;

/** The parameter tensors of a module in storage (and initialisation) order. */
export function paramSpecs(s: ModelShape): ParamSpec[] {
  const h = 2 * s.d;
  const specs: ParamSpec[] = [
    { name: 'w1', rows: s.m, cols: h, fanIn: s.m, init: 'uniform' },
    { name: 'b1', rows: 1, cols: h, fanIn: s.m, init: 'uniform' },
    { name: 'w2', rows: h, cols: s.d, fanIn: h, init: 'uniform' },
    { name: 'b2', rows: 1, cols: s.d, fanIn: h, init: 'uniform' },
  ];
  if (s.attention) {
    specs.push(
      { name: 'wq', rows: s.nf, cols: h, fanIn: s.nf, init: 'uniform' },
      { name: 'bq', rows: 1, cols: h, fanIn: s.nf, init: 'uniform' },
      { name: 'wk', rows: s.nf, cols: h, fanIn: s.nf, init: 'uniform' },
      { name: 'bk', rows: 1, cols: h, fanIn: s.nf, init: 'uniform' },
      { name: 'alpha', rows: 1, cols: 1, fanIn: 1, init: 'half' },
      { name: 'gamma', rows: 1, cols: s.d, fanIn: 1, init: 'ones' },
      { name: 'beta', rows: 1, cols: s.d, fanIn: 1, init: 'zeros' },
    );
  }
  specs.push(
    { name: 'w3', rows: s.d, cols: h, fanIn: s.d, init: 'uniform' },
    { name: 'b3', rows: 1, cols: h, fanIn: s.d, init: 'uniform' },
    { name: 'w4', rows: s.m, cols: h, fanIn: h, init: 'uniform' },
    { name: 'b4', rows: 1, cols: s.m, fanIn: h, init: 'uniform' },
  );
  return specs;
}

/** Total number of scalars in `specs`. */
export function paramCount(specs: readonly ParamSpec[]): number {
  let n = 0;
  for (const p of specs) n += p.rows * p.cols;
  return n;
}

/** Views of `flat` (length {@link paramCount}) per tensor. */
export function paramViews(flat: Float32Array, specs: readonly ParamSpec[]): ParamViews {
  const views = {} as ParamViews;
  for (const name of ['wq', 'bq', 'wk', 'bk', 'alpha', 'gamma', 'beta'] as const) views[name] = flat.subarray(0, 0);
  let o = 0;
  for (const p of specs) {
    views[p.name] = flat.subarray(o, o + p.rows * p.cols);
    o += p.rows * p.cols;
  }
  if (o !== flat.length) throw new RangeError(`parameter array has ${flat.length} values, layout needs ${o}`);
  return views;
}

/**
 * Fills `flat` like PyTorch initialises nn.Linear (weights and biases uniform in ±1/√fan_in), LayerNorm (gain 1,
 * bias 0) and α = 0.5, drawing from a seeded generator in storage order so the same seed gives the same weights.
 */
export function initParams(flat: Float32Array, specs: readonly ParamSpec[], seed: number): void {
  const rng = createRng(seed);
  const views = paramViews(flat, specs);
  for (const p of specs) {
    const v = views[p.name];
    if (p.init === 'zeros') v.fill(0);
    else if (p.init === 'ones') v.fill(1);
    else if (p.init === 'half') v.fill(0.5);
    else {
      // a side without features has nf = 0: its attention biases still need finite values (PyTorch's bound at fan-in 1)
      const bound = 1 / Math.sqrt(Math.max(1, p.fanIn));
      for (let i = 0; i < v.length; i++) v[i] = (2 * rng.next() - 1) * bound;
    }
  }
}

/**
 * Parameters for a wider module warm-started from a trained one: `to` may add input/output entities (m grows: new
 * rows of w1 and w4, new entries of b4); every other tensor keeps its shape. The new entries are drawn as
 * {@link initParams} draws them for `to` with `seed` (so they are what a fresh training would start from), the rest
 * are copied from `from`.
 * @throws RangeError when `to` is not `from` with the same or a larger m
 */
export function extendParams(from: Float32Array, fromShape: ModelShape, to: ModelShape, seed: number): Float32Array {
  if (to.m < fromShape.m || to.nf !== fromShape.nf || to.d !== fromShape.d || to.attention !== fromShape.attention) {
    throw new RangeError(`cannot extend a module of shape ${JSON.stringify(fromShape)} to ${JSON.stringify(to)}: only m may grow`);
  }
  const toSpecs = paramSpecs(to);
  const out = new Float32Array(paramCount(toSpecs));
  initParams(out, toSpecs, seed);
  const src = paramViews(from, paramSpecs(fromShape));
  const dst = paramViews(out, toSpecs);
  // w1 and w4 have one row per input entity, b4 one entry: the old entities' come first, so a prefix copy keeps them
  for (const name of Object.keys(src) as ParamName[]) dst[name].set(src[name]);
  return out;
}
