/**
 * The Bayesian FM: the relational sampler against a dense Gibbs sampler with the same draws (test/fm/dense-gibbs.ts),
 * the relational predictions against the flat FM formula, determinism, saving, fold-in, the ordinal output, and bad
 * input. On ML-100K u1 a short run must beat the bias model clearly (a broken sampler does not).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError, type Ratings } from 'rsattae';
import { fitBaseline } from 'rsattae/baselines';
import { createRng } from 'rsattae/data';
import { buildLayout, type FmSample, fitBfm, GibbsSampler, restoreBfm, rowEntities } from '../../src/fm/index.js';
import { DenseGibbs, flatScore, flatten } from './dense-gibbs.js';

/** Random ratings 1–5 with a user and an item effect, timestamps over 20 days, and one-hot user and item features. */
function tinyData(seed: number, nUsers = 14, nItems = 11, density = 0.45) {
  const rng = createRng(seed);
  const rows: [number, number, number, number][] = [];
  const bu = Array.from({ length: nUsers }, () => rng.nextNormal());
  const bi = Array.from({ length: nItems }, () => rng.nextNormal());
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      if (rng.next() >= density) continue;
      const r = Math.min(5, Math.max(1, Math.round(3 + bu[u] + bi[i] + 0.5 * rng.nextNormal())));
      rows.push([u, i, r, 86_400 * (1000 + rng.nextInt(20)) + rng.nextInt(86_400)]);
    }
  }
  const train: Ratings = {
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    rating: Float32Array.from(rows, (r) => r[2]),
    timestamp: Int32Array.from(rows, (r) => r[3]),
  };
  const oneHot = (n: number, levels: number, prefix: string) => {
    const data = new Float32Array(n * levels);
    for (let e = 0; e < n; e++) data[e * levels + (e % levels)] = 1;
    return { rows: n, cols: levels, data, names: Array.from({ length: levels }, (_, l) => `${prefix}=${l}`) };
  };
  return { nUsers, nItems, train, userFeatures: oneHot(nUsers, 3, 'gender'), itemFeatures: oneHot(nItems, 4, 'genre'), scale: { min: 1, max: 5 } };
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return m;
}

describe('Bayesian FM: the relational sampler', () => {
  test('draws the same samples as a dense Gibbs sampler with the same seed (ids, features, implicit sets, days)', () => {
    const d = tinyData(1);
    const layout = buildLayout(d, { implicit: true, features: true, time: true });
    assert.equal(layout.blocks.length, 3, 'user, item and day blocks');
    const rows = rowEntities(layout, d.train.user, d.train.item, d.train.timestamp);
    const n = d.train.rating.length;
    const y = Float64Array.from(d.train.rating);
    const k = 3;
    const rel = new GibbsSampler({ blocks: layout.blocks, rowEntity: rows, target: y, groups: layout.groupNames.length }, k, createRng(7), { initStd: 0.1 });
    const flat = flatten(layout.blocks, rows, n);
    const dense = new DenseGibbs(flat.x, y, flat.groupOf, layout.groupNames.length, k, createRng(7), 0.1);
    for (let t = 0; t < 25; t++) {
      rel.step();
      dense.step();
      const a = rel.sample;
      const b = dense.sample;
      const what = `after sweep ${t + 1}`;
      assert.ok(Math.abs(a.w0 - b.w0) < 1e-8 * Math.max(1, Math.abs(b.w0)), `w0 ${what}: ${a.w0} vs ${b.w0}`);
      assert.ok(Math.abs(a.alpha - b.alpha) < 1e-8 * b.alpha, `alpha ${what}`);
      for (const key of ['w', 'v', 'muW', 'lamW', 'muV', 'lamV'] as const) {
        const diff = maxRelDiff(a[key], b[key]);
        assert.ok(diff < 1e-7, `${key} ${what}: relative difference ${diff}`);
      }
    }
    // the samples moved: a sampler that never updated would also "agree"
    assert.ok(rel.sample.w.some((x) => Math.abs(x) > 1e-3));
  });

  test('the relational predictions equal the flat FM formula over the kept samples (a pair without a day: averaged over the days)', () => {
    const d = tinyData(2);
    const m = fitBfm(d, { rank: 4, iterations: 30, samples: 10, seed: 3 });
    assert.equal(m.samples.length, 10);
    const users = Int32Array.from({ length: d.nUsers * d.nItems }, (_, j) => Math.floor(j / d.nItems));
    const items = Int32Array.from(users, (_, j) => j % d.nItems);
    const stamps = Int32Array.from(users, (_, j) => (j % 3 === 0 ? d.train.timestamp[j % d.train.timestamp.length] : 0));
    const got = m.predict(users, items, stamps);
    const rows = rowEntities(m.layout, users, items, stamps);
    const weights = m.layout.dayRatings as Float64Array;
    const total = weights.reduce((a, x) => a + x, 0);
    const scoreOn = (j: number, day: number): number => {
      const flat = flatten(m.layout.blocks, [Int32Array.of(users[j]), Int32Array.of(items[j]), Int32Array.of(day)], 1);
      return m.samples.reduce((a, sample) => a + flatScore(sample as FmSample, flat.x[0], 4), 0) / m.samples.length;
    };
    let typical = 0;
    for (let j = 0; j < users.length; j++) {
      const day = rows[2][j];
      // a pair without a known day: the scores averaged over the training days, by their ratings
      const score = day >= 0 ? scoreOn(j, day) : Array.from(weights, (w, d) => (w / total) * scoreOn(j, d)).reduce((a, x) => a + x, 0);
      if (day < 0) typical++;
      const want = Math.min(5, Math.max(1, score));
      assert.ok(Math.abs(got[j] - want) < 1e-6, `pair ${j}: ${got[j]} vs ${want}`);
    }
    assert.ok(typical > 10 && typical < users.length - 10, 'pairs on known days and on the typical day');
  });

  test('is seeded: the same seed gives the same predictions, another seed others', () => {
    const d = tinyData(3);
    const cfg = { rank: 3, iterations: 20, samples: 5 };
    const a = fitBfm(d, { ...cfg, seed: 1 }).predictIndices(d.train.user, d.train.item);
    const b = fitBfm(d, { ...cfg, seed: 1 }).predictIndices(d.train.user, d.train.item);
    const c = fitBfm(d, { ...cfg, seed: 2 }).predictIndices(d.train.user, d.train.item);
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
  });

  test('a model rebuilt from its arrays predicts the same, bit for bit', () => {
    const d = tinyData(4);
    const m = fitBfm(d, { rank: 3, iterations: 12, samples: 4, seed: 5 });
    const r = restoreBfm(m.config, d, m.arrays);
    assert.deepEqual(r.predictIndices(d.train.user, d.train.item), m.predictIndices(d.train.user, d.train.item));
    assert.throws(() => restoreBfm(m.config, d, { ...m.arrays, v: new Float64Array(3) }), (e: unknown) => e instanceof InputError && /v holds 3 values/.test(e.message));
  });

  test('fits the training data far better than the mean, and keeps predictions on the scale', () => {
    const d = tinyData(5, 40, 30, 0.5);
    const m = fitBfm(d, { rank: 4, iterations: 60, seed: 1 });
    const fit = m.evaluate(d.train);
    const mean = fitBaseline(d, { algorithm: 'global-mean' }).evaluate(d.train);
    assert.ok(fit.rmse < 0.75 * mean.rmse, `train RMSE ${fit.rmse} against the mean's ${mean.rmse}`);
    const p = m.predictIndices(Int32Array.from({ length: 40 }, (_, u) => u), new Int32Array(40).fill(29));
    assert.ok(p.every((x) => x >= 1 && x <= 5));
  });

  test('fold-in: conditional sweeps place a new user by its ratings, deterministically', () => {
    const d = tinyData(6, 40, 30, 0.5);
    const m = fitBfm(d, { rank: 4, iterations: 40, seed: 1 });
    const items = Int32Array.from({ length: 30 }, (_, i) => i);
    const rated = Int32Array.from([0, 3, 5, 8, 12, 17, 20, 25]);
    const high = m.predictFoldIn('user', { others: rated, ratings: new Float32Array(rated.length).fill(5) }, items);
    const low = m.predictFoldIn('user', { others: rated, ratings: new Float32Array(rated.length).fill(1) }, items);
    const mean = (a: Float32Array) => a.reduce((s, x) => s + x, 0) / a.length;
    assert.ok(mean(high) > mean(low) + 1, `a lover's ${mean(high)} against a hater's ${mean(low)}`);
    assert.deepEqual(m.predictFoldIn('user', { others: rated, ratings: new Float32Array(rated.length).fill(5) }, items), high);
    const item = m.predictFoldIn('item', { others: Int32Array.from([1, 2, 3]), ratings: Float32Array.from([5, 5, 5]) }, Int32Array.from([1, 2, 3, 4]));
    assert.equal(item.length, 4);
    assert.throws(() => m.predictFoldIn('user', { others: rated, ratings: new Float32Array(2) }, items), InputError);
    assert.throws(() => m.predictFoldIn('user', { others: rated, ratings: new Float32Array(rated.length) }, Int32Array.from([30])), /outside the model/);
  });

  test('ordinal output: expected ratings on the grid, ordered by the training ratings', () => {
    const d = tinyData(7, 40, 30, 0.5);
    const m = fitBfm(d, { rank: 4, iterations: 60, seed: 1, output: 'ordinal' });
    assert.deepEqual(Array.from(m.grades), [1, 2, 3, 4, 5].filter((g) => d.train.rating.includes(g)));
    const fit = m.evaluate(d.train);
    const mean = fitBaseline(d, { algorithm: 'global-mean' }).evaluate(d.train);
    assert.ok(fit.rmse < 0.8 * mean.rmse, `train RMSE ${fit.rmse} against the mean's ${mean.rmse}`);
    for (const s of m.samples) for (let c = 1; c < s.cuts.length; c++) assert.ok(s.cuts[c] > s.cuts[c - 1], 'cut-points ascend');
  });

  test('bad input: a clear InputError', () => {
    const d = tinyData(8);
    assert.throws(() => fitBfm(d, { rank: 0 }), (e: unknown) => e instanceof InputError && /rank/.test(e.message));
    assert.throws(() => fitBfm(d, { iterations: 10, burnIn: 10 }), /burnIn must be below iterations/);
    assert.throws(() => fitBfm(d, { bogus: 1 } as never), /bogus/);
    const wide = { ...d, train: { ...d.train, rating: Float32Array.from(d.train.rating, (_, j) => j) } };
    assert.throws(() => fitBfm(wide, { output: 'ordinal', iterations: 2 }), /at most 20 distinct ratings/);
    const outside = { ...d, train: { ...d.train, user: Int32Array.from(d.train.user, (u, j) => (j === 3 ? 99 : u)) } };
    assert.throws(() => fitBfm(outside, { iterations: 2 }), /training rating 3 pairs user 99/);
    assert.throws(() => fitBfm({ ...d, userFeatures: { ...d.userFeatures, rows: 2 } }, { iterations: 2 }), /user features hold 2 rows/);
  });
});
