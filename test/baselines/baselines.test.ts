/**
 * The baselines against hand computation (one ALS epoch, one SGD step of SVD and SVD++, pearson-baseline and MSD on
 * a 3 × 3 matrix, a KNN prediction), Surprise's fallbacks for users and items without training ratings, clipping,
 * determinism per seed, and the bundle round trip.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError, type Ratings } from 'rsattae';
import { BASELINE_ALGORITHMS, type BaselineModel, buildTrainSet, fitBaseline, loadBaseline, saveBaseline, similarityMatrix } from 'rsattae/baselines';
import { createRng } from 'rsattae/data';
import { tempDir } from '../data/helpers.js';

const ratings = (rows: [number, number, number][]): Ratings => ({
  user: Int32Array.from(rows, (r) => r[0]),
  item: Int32Array.from(rows, (r) => r[1]),
  rating: Float32Array.from(rows, (r) => r[2]),
  timestamp: new Int32Array(rows.length),
});
const close = (actual: number, expected: number, where: string, eps = 1e-12): void => {
  assert.ok(Math.abs(actual - expected) <= eps, `${where}: ${actual} vs ${expected}`);
};
const predictOne = (m: BaselineModel, u: number, i: number): number => m.predictIndices(Int32Array.of(u), Int32Array.of(i))[0];

/** A small random problem (no repeated pair) for determinism, fallbacks and bundles. */
function randomData(seed: number, nUsers = 30, nItems = 20): { nUsers: number; nItems: number; train: Ratings; scale: { min: number; max: number } } {
  const rng = createRng(seed);
  const rows: [number, number, number][] = [];
  for (let u = 0; u < nUsers - 1; u++) {
    for (let i = 0; i < nItems - 1; i++) if (rng.next() < 0.4) rows.push([u, i, 1 + rng.nextInt(5)]);
  }
  rng.shuffle(rows);
  // the last user and the last item have no training ratings
  return { nUsers, nItems, train: ratings(rows), scale: { min: 1, max: 5 } };
}

describe('BaselineOnly', () => {
  test('one ALS epoch matches the hand computation', () => {
    // μ = 11/3; items first with b_u = 0, then users with the new b_i
    const train = ratings([
      [0, 0, 4],
      [0, 1, 2],
      [1, 0, 5],
    ]);
    const m = fitBaseline({ nUsers: 2, nItems: 2, train }, { algorithm: 'baseline-only', baseline: { epochs: 1, regU: 1, regI: 2 } });
    const mu = 11 / 3;
    const bi0 = (4 - mu + (5 - mu)) / (2 + 2); // 5/12
    const bi1 = (2 - mu) / (2 + 1); // -5/9
    const bu0 = (4 - mu - bi0 + (2 - mu - bi1)) / (1 + 2); // -43/108
    const bu1 = (5 - mu - bi0) / (1 + 1); // 11/24
    close(bi0, 5 / 12, 'b_i0 by hand');
    close(bu0, -43 / 108, 'b_u0 by hand');
    const { bu, bi } = m.arrays;
    close(bi[0], bi0, 'b_i0');
    close(bi[1], bi1, 'b_i1');
    close(bu[0], bu0, 'b_u0');
    close(bu[1], bu1, 'b_u1');
    close(m.globalMean, mu, 'μ');
    close(predictOne(m, 0, 0), 398 / 108, 'prediction μ + b_u + b_i', 1e-6);
  });

  test('Surprise defaults: 10 epochs, reg_u 15, reg_i 10', () => {
    const m = fitBaseline(randomData(1), { algorithm: 'baseline-only' });
    assert.deepEqual(m.config, { algorithm: 'baseline-only', seed: 42, baseline: { epochs: 10, regU: 15, regI: 10 } });
  });
});

describe('SVD and SVD++', () => {
  test('SVD: one SGD step matches the hand computation (biases and factors from the same error)', () => {
    const [F, lr, reg, std] = [2, 0.1, 0.5, 0.3];
    const m = fitBaseline({ nUsers: 1, nItems: 1, train: ratings([[0, 0, 4]]) }, { algorithm: 'svd', factors: F, epochs: 1, lr, reg, initStd: std, seed: 7 });
    // initialisation: p_u then q_i, row by row, N(0, std) from the seed
    const rng = createRng(7);
    const p = [std * rng.nextNormal(), std * rng.nextNormal()];
    const q = [std * rng.nextNormal(), std * rng.nextNormal()];
    const err = 4 - (4 + 0 + 0 + (q[0] * p[0] + q[1] * p[1])); // μ = 4
    const { bu, bi, pu, qi } = m.arrays;
    close(bu[0], lr * err, 'b_u');
    close(bi[0], lr * err, 'b_i');
    for (let f = 0; f < F; f++) {
      close(pu[f], p[f] + lr * (err * q[f] - reg * p[f]), `p_u[${f}]`);
      close(qi[f], q[f] + lr * (err * p[f] - reg * q[f]), `q_i[${f}] (from p_u before its update)`);
    }
    assert.notEqual(err, 0);
  });

  test('SVD++: one SGD step matches the hand computation (implicit sum, then y_j from q_i before its update)', () => {
    const [F, lr, reg, std] = [2, 0.1, 0.5, 0.3];
    // user 0 rated items 0 and 1, in that order: the first step is on item 0 with |I_u| = 2
    const train = ratings([
      [0, 0, 5],
      [0, 1, 3],
    ]);
    const m = fitBaseline({ nUsers: 1, nItems: 2, train }, { algorithm: 'svdpp', factors: F, epochs: 1, lr, reg, initStd: std, seed: 3 });
    const rng = createRng(3);
    const draw = (n: number) => Array.from({ length: n }, () => std * rng.nextNormal());
    let p = draw(F);
    const q = [draw(F), draw(F)];
    const y = [draw(F), draw(F)];
    let bu = 0;
    const bi = [0, 0];
    const mu = 4;
    const s = Math.sqrt(2);
    for (const [i, r] of [
      [0, 5],
      [1, 3],
    ]) {
      const impl = [0, 1].map((f) => y[0][f] / s + y[1][f] / s);
      const dot = [0, 1].reduce((a, f) => a + q[i][f] * (p[f] + impl[f]), 0);
      const err = r - (mu + bu + bi[i] + dot);
      bu += lr * (err - reg * bu);
      bi[i] += lr * (err - reg * bi[i]);
      const q0 = [...q[i]];
      const p0 = [...p];
      p = [0, 1].map((f) => p0[f] + lr * (err * q0[f] - reg * p0[f]));
      q[i] = [0, 1].map((f) => q0[f] + lr * (err * (p0[f] + impl[f]) - reg * q0[f]));
      for (const j of [0, 1]) y[j] = [0, 1].map((f) => y[j][f] + lr * ((err * q0[f]) / s - reg * y[j][f]));
    }
    const a = m.arrays;
    close(a.bu[0], bu, 'b_u', 1e-14);
    close(a.bi[0], bi[0], 'b_i0', 1e-14);
    close(a.bi[1], bi[1], 'b_i1', 1e-14);
    for (let f = 0; f < F; f++) {
      close(a.pu[f], p[f], `p_u[${f}]`, 1e-14);
      close(a.qi[f], q[0][f], `q_0[${f}]`, 1e-14);
      close(a.qi[F + f], q[1][f], `q_1[${f}]`, 1e-14);
      close(a.yj[f], y[0][f], `y_0[${f}]`, 1e-14);
      close(a.yj[F + f], y[1][f], `y_1[${f}]`, 1e-14);
    }
    // prediction: μ + b_u + b_i + q_iᵀ(p_u + |I_u|^-½ Σ y_j), clipped to the training range [3, 5]
    const z = [0, 1].map((f) => p[f] + (y[0][f] + y[1][f]) / s);
    const expected = mu + bu + bi[1] + q[1][0] * z[0] + q[1][1] * z[1];
    close(predictOne(m, 0, 1), Math.min(5, Math.max(3, expected)), 'prediction', 1e-6);
  });

  test('SVD++ equals a line-by-line transliteration of Surprise’s sgd loop over several epochs', () => {
    const d = randomData(8, 12, 10);
    const [F, lr, reg, epochs] = [3, 0.007, 0.02, 4];
    const m = fitBaseline(d, { algorithm: 'svdpp', factors: F, epochs, seed: 5 });
    // Surprise's trainset: inner ids by first appearance, ur[u] in list order
    const order: number[] = [];
    const ur = new Map<number, [number, number][]>();
    for (let k = 0; k < d.train.rating.length; k++) {
      const u = d.train.user[k];
      if (!ur.has(u)) {
        ur.set(u, []);
        order.push(u);
      }
      ur.get(u)!.push([d.train.item[k], d.train.rating[k]]);
    }
    const rng = createRng(5);
    const draw = (n: number) => Array.from({ length: n }, () => Array.from({ length: F }, () => 0.1 * rng.nextNormal()));
    const pu = draw(d.nUsers);
    const qi = draw(d.nItems);
    const yj = draw(d.nItems);
    const bu = new Array(d.nUsers).fill(0);
    const bi = new Array(d.nItems).fill(0);
    const mu = d.train.rating.reduce((a, b) => a + b, 0) / d.train.rating.length;
    for (let e = 0; e < epochs; e++) {
      for (const u of order) {
        const Iu = ur.get(u)!.map(([j]) => j);
        const sqrtIu = Math.sqrt(Iu.length);
        for (const [i, r] of ur.get(u)!) {
          const impl = new Array(F).fill(0);
          for (const j of Iu) for (let f = 0; f < F; f++) impl[f] += yj[j][f] / sqrtIu;
          let dot = 0;
          for (let f = 0; f < F; f++) dot += qi[i][f] * (pu[u][f] + impl[f]);
          const err = r - (mu + bu[u] + bi[i] + dot);
          bu[u] += lr * (err - reg * bu[u]);
          bi[i] += lr * (err - reg * bi[i]);
          for (let f = 0; f < F; f++) {
            const puf = pu[u][f];
            const qif = qi[i][f];
            pu[u][f] += lr * (err * qif - reg * puf);
            qi[i][f] += lr * (err * (puf + impl[f]) - reg * qif);
            const errQifSqrt = (err * qif) / sqrtIu;
            for (const j of Iu) yj[j][f] += lr * (errQifSqrt - reg * yj[j][f]);
          }
        }
      }
    }
    const a = m.arrays;
    for (let u = 0; u < d.nUsers; u++) {
      close(a.bu[u], bu[u], `b_u[${u}]`, 1e-12);
      for (let f = 0; f < F; f++) close(a.pu[u * F + f], pu[u][f], `p_u[${u}][${f}]`, 1e-12);
    }
    for (let i = 0; i < d.nItems; i++) {
      close(a.bi[i], bi[i], `b_i[${i}]`, 1e-12);
      for (let f = 0; f < F; f++) {
        close(a.qi[i * F + f], qi[i][f], `q_i[${i}][${f}]`, 1e-12);
        close(a.yj[i * F + f], yj[i][f], `y_j[${i}][${f}]`, 1e-12);
      }
    }
  });

  test('Surprise defaults: SVD 100 factors, 20 epochs, lr 0.005, reg 0.02; SVD++ 20 factors, lr 0.007', () => {
    const d = randomData(2);
    const svd = fitBaseline(d, { algorithm: 'svd' });
    assert.deepEqual(svd.config, { algorithm: 'svd', seed: 42, factors: 100, epochs: 20, lr: 0.005, reg: 0.02, initMean: 0, initStd: 0.1 });
    assert.equal(svd.arrays.pu.length, d.nUsers * 100);
    const pp = fitBaseline(d, { algorithm: 'svdpp', epochs: 1 });
    assert.deepEqual(pp.config, { algorithm: 'svdpp', seed: 42, factors: 20, epochs: 1, lr: 0.007, reg: 0.02, initMean: 0, initStd: 0.1 });
  });
});

describe('KNNBaseline', () => {
  // users × items, μ = 3 and zero baselines: d = r − 3
  //        i0 i1 i2
  //   u0    5  3  4
  //   u1    4  2  1
  //   u2    1  5  ·
  const train = ratings([
    [0, 0, 5],
    [0, 1, 3],
    [0, 2, 4],
    [1, 0, 4],
    [1, 1, 2],
    [1, 2, 1],
    [2, 0, 1],
    [2, 1, 5],
  ]);
  const ts = buildTrainSet(train, 3, 3);
  const zeros = new Float64Array(3);

  test('pearson-baseline item similarities on a 3 × 3 matrix match the hand computation, shrunk', () => {
    const sim = similarityMatrix(ts.byUser, 3, { similarity: 'pearson-baseline', minSupport: 1, shrinkage: 100, globalMean: 3, bx: zeros, by: zeros });
    // i0, i1 over u0..u2: d = (2, 1, -2), (0, -1, 2): -5 / √(9 · 5), shrunk by (3 − 1) / (3 − 1 + 100)
    close(sim[0 * 3 + 1], (-5 / Math.sqrt(45)) * (2 / 102), 'sim(i0, i1)');
    close(sim[1 * 3 + 0], sim[0 * 3 + 1], 'symmetric');
    // i0, i2 over u0, u1: d = (2, 1), (1, -2): products cancel
    close(sim[0 * 3 + 2], 0, 'sim(i0, i2)');
    // i1, i2 over u0, u1: d = (0, -1), (1, -2): 2 / √(1 · 5), shrunk by 1 / 101
    close(sim[1 * 3 + 2], (2 / Math.sqrt(5)) * (1 / 101), 'sim(i1, i2)');
    for (let x = 0; x < 3; x++) assert.equal(sim[x * 4], 1, 'diagonal');
    // the baselines enter d: b_i1 = 1 turns i1's deviations into (-1, -2, 1)
    const shifted = similarityMatrix(ts.byUser, 3, { similarity: 'pearson-baseline', minSupport: 1, shrinkage: 0, globalMean: 3, bx: Float64Array.of(0, 1, 0), by: zeros });
    close(shifted[0 * 3 + 1], (2 * -1 + 1 * -2 + -2 * 1) / Math.sqrt(9 * 6), 'sim(i0, i1) with b_i1 = 1, no shrinkage');
  });

  test('MSD similarity and minimum support', () => {
    const sim = similarityMatrix(ts.byUser, 3, { similarity: 'msd', minSupport: 3, shrinkage: 100, globalMean: 3, bx: zeros, by: zeros });
    close(sim[0 * 3 + 1], 1 / ((4 + 4 + 16) / 3 + 1), 'msd(i0, i1) over three users');
    assert.equal(sim[0 * 3 + 2], 0, 'two common users < min support 3');
  });

  test('a prediction is the baseline plus the similarity-weighted deviations of the k nearest positive neighbours', () => {
    // u2 has not rated i2: its neighbours among u2's items are i0 (sim 0) and i1 (sim > 0)
    for (const k of [1, 40]) {
      const m = fitBaseline({ nUsers: 3, nItems: 3, train }, { algorithm: 'knn-baseline', k, shrinkage: 0 });
      const { bu, bi } = m.arrays;
      const mu = m.globalMean;
      const s = similarityMatrix(ts.byUser, 3, { similarity: 'pearson-baseline', minSupport: 1, shrinkage: 0, globalMean: mu, bx: bi, by: bu });
      const neighbours = [0, 1].map((j) => ({ j, sim: s[2 * 3 + j], r: j === 0 ? 1 : 5 })).sort((a, b) => b.sim - a.sim).slice(0, k);
      let num = 0;
      let den = 0;
      for (const n of neighbours) {
        if (n.sim <= 0) continue;
        num += n.sim * (n.r - (mu + bi[n.j] + bu[2]));
        den += n.sim;
      }
      assert.ok(den > 0, 'a positive neighbour');
      const expected = mu + bu[2] + bi[2] + num / den;
      close(predictOne(m, 2, 2), Math.min(5, Math.max(1, expected)), `k = ${k}`, 1e-6);
    }
  });

  test('top-k selection equals heapq.nlargest (stable sort, first k) on a random problem, item- and user-based', () => {
    const d = randomData(4, 25, 18);
    const all = buildTrainSet(d.train, d.nUsers, d.nItems, d.scale);
    for (const userBased of [false, true]) {
      const m = fitBaseline(d, { algorithm: 'knn-baseline', k: 3, userBased, similarity: userBased ? 'msd' : 'pearson-baseline' });
      const { bu, bi } = m.arrays;
      const mu = m.globalMean;
      const [yr, n, bx, by] = userBased ? [all.byItem, d.nUsers, bu, bi] : [all.byUser, d.nItems, bi, bu];
      const sim = similarityMatrix(yr, n, { similarity: userBased ? 'msd' : 'pearson-baseline', minSupport: 1, shrinkage: 100, globalMean: mu, bx, by });
      let compared = 0;
      for (let u = 0; u < d.nUsers - 1; u++) {
        for (let i = 0; i < d.nItems - 1; i++) {
          const [x, y] = userBased ? [u, i] : [i, u];
          const list = Array.from({ length: yr.ptr[y + 1] - yr.ptr[y] }, (_, k) => ({ nb: yr.other[yr.ptr[y] + k], r: yr.rating[yr.ptr[y] + k] }));
          const top = list.map((e) => ({ ...e, s: sim[x * n + e.nb] })).sort((a, b) => b.s - a.s).slice(0, 3);
          let num = 0;
          let den = 0;
          for (const e of top) {
            if (e.s <= 0) continue;
            num += e.s * (e.r - (mu + bx[e.nb] + by[y]));
            den += e.s;
          }
          const expected = Math.min(5, Math.max(1, mu + bu[u] + bi[i] + (den === 0 ? 0 : num / den)));
          close(predictOne(m, u, i), expected, `${userBased ? 'user' : 'item'}-based (${u}, ${i})`, 1e-5);
          compared++;
        }
      }
      assert.ok(compared > 300);
    }
  });

  test('the defaults are the issue’s: item-based pearson-baseline, k 40, min_k 1, shrinkage 100', () => {
    const m = fitBaseline({ nUsers: 3, nItems: 3, train }, { algorithm: 'knn-baseline' });
    assert.deepEqual(m.config, {
      algorithm: 'knn-baseline',
      seed: 42,
      k: 40,
      minK: 1,
      similarity: 'pearson-baseline',
      userBased: false,
      shrinkage: 100,
      minSupport: 1,
      baseline: { epochs: 10, regU: 15, regI: 10 },
    });
  });
});

describe('every baseline', () => {
  const data = randomData(5);
  const unknownUser = data.nUsers - 1;
  const unknownItem = data.nItems - 1;
  const quick = (algorithm: (typeof BASELINE_ALGORITHMS)[number], seed = 42): BaselineModel =>
    fitBaseline(data, algorithm === 'svd' || algorithm === 'svdpp' ? { algorithm, seed, factors: 4, epochs: 3 } : { algorithm, seed });

  for (const algorithm of BASELINE_ALGORITHMS) {
    test(`${algorithm}: unknown users and items fall back as Surprise does, predictions are clipped`, () => {
      const m = quick(algorithm);
      const mu = m.globalMean;
      const bi = m.arrays.bi?.[3] ?? 0;
      const bu = m.arrays.bu?.[4] ?? 0;
      // a user without training ratings (in the index space, or outside it): μ + b_i; an unknown item: μ + b_u
      close(predictOne(m, unknownUser, 3), Math.fround(Math.min(5, Math.max(1, mu + bi))), 'unknown user', 0);
      close(predictOne(m, 10_000, 3), Math.fround(Math.min(5, Math.max(1, mu + bi))), 'user index outside the model', 0);
      close(predictOne(m, 4, unknownItem), Math.fround(Math.min(5, Math.max(1, mu + bu))), 'unknown item', 0);
      close(predictOne(m, unknownUser, unknownItem), Math.fround(mu), 'both unknown: μ', 0);
      const all = m.predictIndices(data.train.user, data.train.item);
      assert.ok(all.every((x) => x >= 1 && x <= 5), 'within the scale');
      assert.throws(() => m.predictIndices(Int32Array.of(1, 2), Int32Array.of(1)), InputError);
    });

    test(`${algorithm}: the same seed gives identical parameters`, () => {
      const a = quick(algorithm, 11);
      const b = quick(algorithm, 11);
      assert.deepEqual(a.arrays, b.arrays);
      assert.deepEqual(a.predictIndices(data.train.user, data.train.item), b.predictIndices(data.train.user, data.train.item));
      if (algorithm === 'svd' || algorithm === 'svdpp') assert.notDeepEqual(quick(algorithm, 12).arrays.pu, a.arrays.pu, 'another seed, other factors');
    });
  }

  test('clipping: the mean of ratings outside a declared scale is clipped to it', () => {
    const m = fitBaseline({ nUsers: 1, nItems: 1, train: ratings([[0, 0, 5]]), scale: { min: 1, max: 2 } }, { algorithm: 'global-mean' });
    assert.equal(predictOne(m, 0, 0), 2);
  });

  test('bad configurations and data are InputErrors naming the field', () => {
    assert.throws(() => fitBaseline(data, { algorithm: 'svd', factors: 0 }), (e: unknown) => e instanceof InputError && /factors/.test(e.message));
    assert.throws(() => fitBaseline(data, { algorithm: 'global-mean', k: 3 } as never), (e: unknown) => e instanceof InputError && /k/.test(e.message));
    assert.throws(() => fitBaseline({ ...data, train: ratings([]) }, { algorithm: 'svd' }), InputError);
    assert.throws(() => fitBaseline({ ...data, train: ratings([[99, 0, 3]]) }, { algorithm: 'svd' }), /outside/);
  });

  describe('bundles', () => {
    let tmp: { path: string; cleanup: () => Promise<void> };
    before(async () => {
      tmp = await tempDir();
    });
    after(() => tmp?.cleanup());

    for (const algorithm of BASELINE_ALGORITHMS) {
      test(`${algorithm}: save then load predicts identically`, async () => {
        const m = quick(algorithm);
        const dir = join(tmp.path, algorithm);
        await saveBaseline(m, dir, { metrics: { test: { rmse: 1, mae: 0.5 } } });
        const back = await loadBaseline(dir);
        assert.equal(back.model.algorithm, algorithm);
        assert.deepEqual(back.model.config, m.config);
        assert.equal(back.users.id(0), '1');
        const u = Int32Array.from({ length: data.nUsers * data.nItems }, (_, k) => Math.floor(k / data.nItems));
        const i = Int32Array.from({ length: data.nUsers * data.nItems }, (_, k) => k % data.nItems);
        assert.deepEqual(back.model.predictIndices(u, i), m.predictIndices(u, i));
      });
    }

    test('a damaged file is named', async () => {
      const dir = join(tmp.path, 'damaged');
      await saveBaseline(quick('baseline-only'), dir);
      await writeFile(join(dir, 'bu.f64'), new Uint8Array(data.nUsers * 8));
      await assert.rejects(loadBaseline(dir), (e: unknown) => e instanceof InputError && /bu\.f64/.test(e.message) && /checksum/.test(e.message));
    });
  });
});
