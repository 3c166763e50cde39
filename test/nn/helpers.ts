/** Shared fixtures for the nn tests: random small problems and a dense tfjs implementation of the same model. */
import { createRequire, register } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as TF from '@tensorflow/tfjs-core';
import { createRng } from '../../src/core/rng.js';
import type { CsrMatrix, FeatureMatrix } from '../../src/core/types.js';
import type { ParamName, ParamViews } from '../../src/nn/param-layout.js';

// The CommonJS tfjs-core bundle carries no gradient definitions; load the ES module build (with
// register_all_gradients) and its cpu backend through test-only hooks. It is a separate tfjs instance from the one
// src/ uses, which is fine: only the dense reference runs on it.
register('./tfjs-esm-hooks.js', import.meta.url);
const require = createRequire(import.meta.url);
const esm = (pkg: string, file: string): string => pathToFileURL(join(dirname(require.resolve(`${pkg}/package.json`)), 'dist', file)).href;
/** tfjs-core (ES module build, gradients registered, cpu backend active). */
export const tf: typeof TF = await import(esm('@tensorflow/tfjs-core', 'index.js'));
await import(esm('@tensorflow/tfjs-core', 'register_all_gradients.js'));
await import(esm('@tensorflow/tfjs-backend-cpu', 'index.js'));
tf.env().set('IS_TEST', true);
await tf.setBackend('cpu');

/** A random rating problem: train/validation CSR with disjoint patterns and features with repeated rows. */
export interface Problem {
  train: CsrMatrix;
  validation: CsrMatrix;
  features: FeatureMatrix;
}

function toCsr(rows: number, cols: number, cells: Map<number, number>): CsrMatrix {
  const keys = [...cells.keys()].sort((a, b) => a - b);
  const indptr = new Int32Array(rows + 1);
  const indices = new Int32Array(keys.length);
  const values = new Float32Array(keys.length);
  keys.forEach((key, p) => {
    indptr[Math.floor(key / cols) + 1]++;
    indices[p] = key % cols;
    values[p] = cells.get(key)!;
  });
  for (let r = 0; r < rows; r++) indptr[r + 1] += indptr[r];
  return { rows, cols, indptr, indices, values };
}

/** n × m ratings in 1..5 at `density`, ~20% of them validation; features one-hot over `distinct` prototypes (or all distinct). */
export function randomProblem(seed: number, n: number, m: number, nf: number, distinct: number, density = 0.4): Problem {
  const rng = createRng(seed);
  const tr = new Map<number, number>();
  const va = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (rng.next() >= density) continue;
      const v = 1 + rng.nextInt(5);
      (rng.next() < 0.2 ? va : tr).set(i * m + j, v);
    }
  }
  const protos = Array.from({ length: distinct }, () => Float32Array.from({ length: nf }, () => (rng.next() < 0.4 ? 1 : 0)));
  const data = new Float32Array(n * nf);
  for (let i = 0; i < n; i++) data.set(protos[i % distinct], i * nf);
  return {
    train: toCsr(n, m, tr),
    validation: toCsr(n, m, va),
    features: { rows: n, cols: nf, data, names: Array.from({ length: nf }, (_, c) => `f${c}`) },
  };
}

/** Dense n × m float32 copy of a CSR matrix. */
export function dense(a: CsrMatrix, values: Float32Array = a.values): Float32Array {
  const out = new Float32Array(a.rows * a.cols);
  for (let r = 0; r < a.rows; r++) for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) out[r * a.cols + a.indices[p]] = values[p];
  return out;
}

/** The model written as plain dense tfjs ops (n × n attention, full n × m output), as the PyTorch reference computes it. */
export function denseForward(
  p: Record<ParamName, TF.Tensor>,
  x: TF.Tensor2D,
  features: TF.Tensor2D,
  target: TF.Tensor2D,
  attention: boolean,
): { loss: TF.Scalar; e: TF.Tensor2D; ehat: TF.Tensor2D } {
  const lrelu = (t: TF.Tensor2D) => tf.leakyRelu(t, 0.01);
  const h1 = lrelu(tf.add(tf.matMul(x, p.w1 as TF.Tensor2D), p.b1));
  const e = lrelu(tf.add(tf.matMul(h1, p.w2 as TF.Tensor2D), p.b2));
  let ehat = e;
  if (attention) {
    let q = tf.add(tf.matMul(features, p.wq as TF.Tensor2D), p.bq) as TF.Tensor2D;
    let k = tf.add(tf.matMul(features, p.wk as TF.Tensor2D), p.bk) as TF.Tensor2D;
    q = tf.div(q, tf.sqrt(tf.sum(tf.square(q), 1, true)));
    k = tf.div(k, tf.sqrt(tf.sum(tf.square(k), 1, true)));
    const a = tf.softmax(tf.matMul(q, k, false, true));
    const alpha = tf.reshape(p.alpha, []);
    const z = tf.add(tf.mul(alpha, tf.matMul(a, e)), tf.mul(tf.sub(1, alpha), e));
    const mean = tf.mean(z, 1, true);
    const zc = tf.sub(z, mean);
    const variance = tf.mean(tf.square(zc), 1, true);
    ehat = tf.add(tf.mul(tf.div(zc, tf.sqrt(tf.add(variance, 1e-5))), p.gamma), p.beta) as TF.Tensor2D;
  }
  const d1 = lrelu(tf.add(tf.matMul(ehat, p.w3 as TF.Tensor2D), p.b3));
  const out = lrelu(tf.add(tf.matMul(d1, p.w4 as TF.Tensor2D, false, true), p.b4));
  const mask = tf.cast(tf.notEqual(target, 0), 'float32');
  const loss = tf.sqrt(tf.div(tf.sum(tf.mul(mask, tf.square(tf.sub(out, target)))), tf.sum(mask))) as TF.Scalar;
  return { loss, e, ehat };
}

/** tfjs tensors of the parameter views (shapes as stored). */
export function paramTensors(views: ParamViews, shapes: Record<string, [number, number]>): Record<ParamName, TF.Tensor> {
  const out = {} as Record<ParamName, TF.Tensor>;
  for (const [name, shape] of Object.entries(shapes)) {
    out[name as ParamName] = tf.tensor(views[name as ParamName].slice(), shape[0] === 1 ? [shape[1]] : shape);
  }
  return out;
}

/** Largest absolute elementwise difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

