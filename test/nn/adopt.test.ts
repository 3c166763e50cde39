import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContext } from '../../src/nn/backend.js';
import { AdoptOptimizer } from './adopt-tfjs.js';
import { maxAbsDiff, tf } from './helpers.js';

const cfg = { learningRate: 0.1, beta1: 0.9, beta2: 0.9999, epsilon: 1e-6, weightDecay: 0.1 };

/** ADOPT on scalars, straight from the reference's PyTorch code. */
function adoptScalar(x0: number, grads: number[]): number[] {
  let x = x0;
  let m = 0;
  let v = 0;
  const xs: number[] = [];
  grads.forEach((raw, call) => {
    const g = raw + cfg.weightDecay * x;
    if (call === 0) v = g * g;
    else {
      const clip = call ** 0.25;
      const z = Math.min(clip, Math.max(-clip, g / Math.max(Math.sqrt(v), cfg.epsilon)));
      m = m + (1 - cfg.beta1) * (z - m);
      x = x - cfg.learningRate * m;
      v = cfg.beta2 * v + (1 - cfg.beta2) * g * g;
    }
    xs.push(x);
  });
  return xs;
}

describe('ADOPT', () => {
  const x0 = [1, -2, 0.5, 0];
  const grads = [
    [0.01, 0.3, -0.2, 0],
    [1, -0.3, 0.1, 0],
    [-0.5, 0.2, 0.4, 1e-9],
  ];

  it('first step only sets v; steps 2 and 3 match hand-computed values (clip at t=1 is 1)', () => {
    const opt = new AdoptOptimizer(cfg);
    const x = tf.variable(tf.tensor1d(x0), true, 'adopt-x');
    const seen: number[][] = [];
    for (const g of grads) {
      opt.applyGradients({ 'adopt-x': tf.tensor1d(g) });
      seen.push(Array.from(x.dataSync()));
    }
    assert.deepEqual(seen[0], x0);
    // element 0, step 2: g = 1 + 0.1·1 = 1.1, √v = 0.11 → 10 clipped to 1, m = 0.1, x = 1 − 0.01
    assert.ok(Math.abs(seen[1][0] - 0.99) < 1e-6);
    // element 1, step 2: g1 = 0.3 − 0.2 = 0.1, g2 = −0.3 − 0.2 = −0.5 → −5 clipped to −1, m = −0.1, x = −2 + 0.01
    assert.ok(Math.abs(seen[1][1] - -1.99) < 1e-6);
    for (let i = 0; i < x0.length; i++) {
      const ref = adoptScalar(x0[i], grads.map((g) => g[i]));
      for (let s = 0; s < 3; s++) assert.ok(Math.abs(seen[s][i] - ref[s]) < 1e-6, `element ${i} step ${s + 1}: ${seen[s][i]} vs ${ref[s]}`);
    }
    opt.dispose();
    x.dispose();
  });

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`fused ${backend} kernel equals the tfjs optimizer`, () => {
      const n = 37;
      const ctx = createContext(backend, 4 * 4 * n + 4096);
      const params = ctx.f32(n);
      const g = ctx.f32(n);
      const m = ctx.f32(n);
      const v = ctx.f32(n);
      for (let i = 0; i < n; i++) params[i] = Math.sin(i + 1);
      const opt = new AdoptOptimizer(cfg);
      const x = tf.variable(tf.tensor1d(params.slice()), true, `adopt-${backend}`);
      for (let step = 0; step < 4; step++) {
        for (let i = 0; i < n; i++) g[i] = Math.cos(3 * i + step) * (step + 1);
        ctx.kernels.adopt(params, g, m, v, cfg.learningRate, cfg.beta1, cfg.beta2, cfg.epsilon, cfg.weightDecay, step);
        opt.applyGradients({ [`adopt-${backend}`]: tf.tensor1d(g.slice()) });
        assert.ok(maxAbsDiff(params, x.dataSync()) < 1e-6, `step ${step + 1}`);
      }
      opt.dispose();
      x.dispose();
    });
  }
});
