/**
 * Fold-in of the baselines (BaselineModel.predictFoldIn): an entity placed by its ratings with every learned
 * parameter fixed. A training user folded in with its own training ratings is the trained user exactly where the
 * algorithm's own last step is the fold-in's (BaselineOnly's ALS ends with the users' half; KNNBaseline item-based
 * reads the user's ratings as candidates), and close where the similarities are recomputed; on ML-100K users held
 * out of training, every member's fold-in beats its fallback on their other ratings. Fallbacks and bad input too.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError, type Ratings } from 'rsattae';
import { type BaselineAlgorithm, type BaselineConfigInput, type BaselineData, type BaselineModel, baselineAls, buildTrainSet, fitBaseline, type SimilarityOptions, similarityMatrix } from 'rsattae/baselines';
import { createRng, loadMovieLens100KDataset, selectRatings } from 'rsattae/data';
import { foldInSimilarities } from '../../src/baselines/similarity.js';
import { needsRealData, realDataDir } from '../data/helpers.js';

/** Random ratings 1–5; the last user and the last item have none. */
function randomData(seed: number, nUsers: number, nItems: number, density: number): BaselineData {
  const rng = createRng(seed);
  const rows: [number, number, number][] = [];
  for (let u = 0; u < nUsers - 1; u++) for (let i = 0; i < nItems - 1; i++) if (rng.next() < density) rows.push([u, i, 1 + rng.nextInt(5)]);
  // shuffled, so that list order is not index order
  for (let k = rows.length - 1; k > 0; k--) {
    const j = rng.nextInt(k + 1);
    [rows[k], rows[j]] = [rows[j], rows[k]];
  }
  const train: Ratings = {
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    rating: Float32Array.from(rows, (r) => r[2]),
    timestamp: new Int32Array(rows.length),
  };
  return { nUsers, nItems, train, scale: { min: 1, max: 5 } };
}

/** Entity e's training ratings in the training list's order, as a fold-in profile. */
function profileOf(d: BaselineData, kind: 'user' | 'item', e: number): { others: Int32Array; ratings: Float32Array } {
  const own = kind === 'user' ? d.train.user : d.train.item;
  const other = kind === 'user' ? d.train.item : d.train.user;
  const ks = Array.from(own.keys()).filter((k) => own[k] === e);
  return { others: Int32Array.from(ks, (k) => other[k]), ratings: Float32Array.from(ks, (k) => d.train.rating[k]) };
}

const range = (n: number): Int32Array => Int32Array.from({ length: n }, (_, k) => k);

describe('baseline fold-in against the trained entity', () => {
  const d = randomData(3, 40, 30, 0.4);
  const items = range(d.nItems);

  for (const config of [
    { algorithm: 'baseline-only' },
    { algorithm: 'knn-baseline' },
    { algorithm: 'knn-baseline', similarity: 'msd' },
  ] satisfies BaselineConfigInput[]) {
    test(`${JSON.stringify(config)}: a training user folded in with its ratings is the trained user, to the bit`, () => {
      for (const layout of ['dense', 'sparse'] as const) {
        const m = fitBaseline(d, config, { similarityLayout: layout });
        for (const u of [0, 7, 21]) {
          assert.deepEqual(m.predictFoldIn('user', profileOf(d, 'user', u), items), m.predictIndices(Int32Array.from(items, () => u), items), `${layout} user ${u}`);
        }
      }
    });
  }

  test('user-based KNNBaseline: a folded-in user recomputes its similarities, as the trained user\'s on the items it did not rate', () => {
    const m = fitBaseline(d, { algorithm: 'knn-baseline', userBased: true });
    for (const u of [0, 7, 21]) {
      const p = profileOf(d, 'user', u);
      // items it did not rate: the trained user is among an item's raters, its own neighbour, where it rated it
      const unrated = items.filter((i) => !p.others.includes(i));
      const folded = m.predictFoldIn('user', p, unrated);
      const trained = m.predictIndices(Int32Array.from(unrated, () => u), unrated);
      assert.ok(unrated.length > 10);
      for (let i = 0; i < unrated.length; i++) assert.ok(Math.abs(folded[i] - trained[i]) < 1e-9, `user ${u} item ${i}: ${folded[i]} vs ${trained[i]}`);
    }
  });

  test('foldInSimilarities is a row of the similarity matrix', () => {
    const ts = buildTrainSet(d.train, d.nUsers, d.nItems, d.scale);
    const { bu, bi } = baselineAls(ts, { epochs: 10, regU: 15, regI: 10 });
    for (const similarity of ['pearson-baseline', 'msd'] as const) {
      const o: SimilarityOptions = { similarity, minSupport: 1, shrinkage: 100, globalMean: ts.globalMean, bx: bi, by: bu };
      const matrix = similarityMatrix(ts.byUser, d.nItems, o);
      for (const i of [0, 5, 17]) {
        const p = profileOf(d, 'item', i);
        const row = foldInSimilarities(ts.byUser, d.nItems, o, p.others, p.ratings, bi[i]);
        for (let j = 0; j < d.nItems; j++) {
          if (j === i) continue;
          assert.ok(Math.abs(row[j] - matrix[i * d.nItems + j]) < 1e-12, `${similarity} ${i}-${j}: ${row[j]} vs ${matrix[i * d.nItems + j]}`);
        }
      }
    }
  });

  test('a fold-in without known ratings, and a partner without training ratings, get the fallback', () => {
    for (const algorithm of ['baseline-only', 'svd', 'svdpp', 'knn-baseline'] as const) {
      const m = fitBaseline(d, { algorithm });
      const lastItem = d.nItems - 1;
      const lastUser = d.nUsers - 1;
      // an empty profile, and one naming only the item without training ratings: the unknown user's prediction
      const unknownUser = m.predictIndices(Int32Array.from(items, () => lastUser), items);
      assert.deepEqual(m.predictFoldIn('user', { others: new Int32Array(0), ratings: [] }, items), unknownUser, algorithm);
      assert.deepEqual(m.predictFoldIn('user', { others: Int32Array.of(lastItem), ratings: [5] }, items), unknownUser, algorithm);
      // a cold partner: μ + the fold-in's bias, whatever the algorithm
      const lover = m.predictFoldIn('user', { others: Int32Array.of(0, 1, 2), ratings: [5, 5, 5] }, Int32Array.of(lastItem))[0];
      const hater = m.predictFoldIn('user', { others: Int32Array.of(0, 1, 2), ratings: [1, 1, 1] }, Int32Array.of(lastItem))[0];
      assert.ok(lover > m.globalMean && hater < m.globalMean, `${algorithm}: ${hater} < μ ${m.globalMean} < ${lover}`);
      const item = m.predictFoldIn('item', { others: Int32Array.of(0, 1, 2), ratings: [5, 5, 5] }, Int32Array.of(lastUser))[0];
      assert.ok(item > m.globalMean, `${algorithm} item fold-in ${item}`);
    }
  });

  test('bad profiles are refused', () => {
    const m = fitBaseline(d, { algorithm: 'svd' });
    assert.throws(() => m.predictFoldIn('user', { others: Int32Array.of(0, 1), ratings: [3] }, items), InputError);
    assert.throws(() => m.predictFoldIn('user', { others: Int32Array.of(d.nItems), ratings: [3] }, items), /outside/);
    assert.throws(() => m.predictFoldIn('item', { others: Int32Array.of(0), ratings: [Number.NaN] }, Int32Array.of(0)), /not a number/);
    assert.throws(() => m.predictFoldIn('item', { others: Int32Array.of(0), ratings: [3] }, Int32Array.of(-1)), /outside/);
  });
});

describe('baseline fold-in on ML-100K users held out of training', { skip: needsRealData() }, () => {
  test('each member folded in with half of a held-out user\'s ratings predicts the other half better than its fallback', async () => {
    const ds = await loadMovieLens100KDataset(join(realDataDir() as string, 'ml-100k'), 'u1');
    const all = ds.ratings;
    // every 10th user is held out of training
    const heldOut = (u: number): boolean => u % 10 === 3;
    const train = selectRatings(all, Array.from(all.user.keys()).filter((k) => !heldOut(all.user[k])));
    const d: BaselineData = { nUsers: ds.users.size, nItems: ds.items.size, train, scale: ds.scale };
    const results: Record<string, { folded: number; fallback: number }> = {};
    const algorithms: BaselineAlgorithm[] = ['baseline-only', 'svd', 'svdpp', 'knn-baseline'];
    for (const algorithm of algorithms) {
      const m: BaselineModel = fitBaseline(d, { algorithm });
      let se = 0;
      let seFallback = 0;
      let n = 0;
      for (let u = 3; u < ds.users.size; u += 10) {
        const ks = Array.from(all.user.keys()).filter((k) => all.user[k] === u);
        if (ks.length < 10) continue;
        const half = ks.length >> 1;
        const given = ks.slice(0, half);
        const scored = ks.slice(half);
        const targets = Int32Array.from(scored, (k) => all.item[k]);
        const folded = m.predictFoldIn('user', { others: Int32Array.from(given, (k) => all.item[k]), ratings: Float32Array.from(given, (k) => all.rating[k]) }, targets);
        const fallback = m.predictFoldIn('user', { others: new Int32Array(0), ratings: [] }, targets);
        scored.forEach((k, j) => {
          se += (folded[j] - all.rating[k]) ** 2;
          seFallback += (fallback[j] - all.rating[k]) ** 2;
          n++;
        });
      }
      results[algorithm] = { folded: Math.sqrt(se / n), fallback: Math.sqrt(seFallback / n) };
    }
    for (const a of algorithms) assert.ok(results[a].folded < results[a].fallback - 0.03, `${a}: ${JSON.stringify(results[a])}`);
    // the neighbourhood and the factors add to the bias the fold-in's ratings give
    assert.ok(results['knn-baseline'].folded < results['baseline-only'].folded, JSON.stringify(results));
  });
});
