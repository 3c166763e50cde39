/**
 * Ranking metrics against values worked out by hand (written below as the fractions they are), and the evaluation
 * protocol on a small trained model: its top-k lists are recommend's, and the averages are those of the lists.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { InputError, RSAttAE } from 'rsattae';
import { fitBaseline } from 'rsattae/baselines';
import { averagePrecisionAtK, catalogueCoverage, evaluateRanking, hitAtK, ndcgAtK, precisionAtK, rankingMetrics, recallAtK } from 'rsattae/experiment';
import { synthetic } from './synthetic.js';

const close = (got: number, want: number, what: string): void => assert.ok(Math.abs(got - want) < 1e-12, `${what}: ${got} vs ${want}`);

describe('ranking metrics on hand-computed cases', () => {
  // ranks 1..5 hold items 1..5; items 2 and 5 are relevant, 9 is relevant but not ranked
  const ranked = [1, 2, 3, 4, 5];
  const relevant = new Set([2, 5, 9]);

  test('k = 5: two hits, at ranks 2 and 5', () => {
    close(precisionAtK(ranked, relevant, 5), 2 / 5, 'P@5');
    close(recallAtK(ranked, relevant, 5), 2 / 3, 'R@5');
    // DCG = 1/log2(3) + 1/log2(6); ideal: three relevant items at ranks 1..3 = 1 + 1/log2(3) + 1/2
    close(ndcgAtK(ranked, relevant, 5), (1 / Math.log2(3) + 1 / Math.log2(6)) / (1 + 1 / Math.log2(3) + 1 / 2), 'NDCG@5');
    assert.ok(Math.abs(ndcgAtK(ranked, relevant, 5) - 0.47762) < 1e-5);
    // precisions at the hits: 1/2 and 2/5, over min(5, 3) = 3
    close(averagePrecisionAtK(ranked, relevant, 5), (1 / 2 + 2 / 5) / 3, 'AP@5');
    assert.equal(hitAtK(ranked, relevant, 5), 1);
  });

  test('k = 3: one hit at rank 2', () => {
    close(precisionAtK(ranked, relevant, 3), 1 / 3, 'P@3');
    close(recallAtK(ranked, relevant, 3), 1 / 3, 'R@3');
    close(ndcgAtK(ranked, relevant, 3), 1 / Math.log2(3) / (1 + 1 / Math.log2(3) + 1 / 2), 'NDCG@3');
    close(averagePrecisionAtK(ranked, relevant, 3), 1 / 2 / 3, 'AP@3');
  });

  test('more relevant items than k: a perfect top k scores 1 on NDCG and AP (min(k, |relevant|) normalisation)', () => {
    const rel = new Set([7, 8, 9, 10]);
    close(precisionAtK([7, 8, 1], rel, 2), 1, 'P@2');
    close(recallAtK([7, 8, 1], rel, 2), 2 / 4, 'R@2');
    close(ndcgAtK([7, 8, 1], rel, 2), 1, 'NDCG@2');
    close(averagePrecisionAtK([7, 8, 1], rel, 2), 1, 'AP@2');
    // a miss first: DCG = 1/log2(3), ideal 1 + 1/log2(3); AP = (1/2) / 2
    close(ndcgAtK([1, 7], rel, 2), 1 / Math.log2(3) / (1 + 1 / Math.log2(3)), 'NDCG@2 miss first');
    close(averagePrecisionAtK([1, 7], rel, 2), 1 / 2 / 2, 'AP@2 miss first');
  });

  test('no hit scores 0; a list shorter than k is divided by k for precision only', () => {
    const none = new Set([3]);
    for (const f of [precisionAtK, recallAtK, ndcgAtK, averagePrecisionAtK, hitAtK]) assert.equal(f([1, 2], none, 2), 0, f.name);
    const one = new Set([4]);
    close(precisionAtK([4], one, 3), 1 / 3, 'P@3 of a one-item list');
    close(recallAtK([4], one, 3), 1, 'R@3');
    close(ndcgAtK([4], one, 3), 1, 'NDCG@3');
    close(averagePrecisionAtK([4], one, 3), 1, 'AP@3');
    assert.equal(ndcgAtK([4], new Set(), 3), 0, 'nothing relevant');
  });

  test('coverage counts distinct items of the top k of all lists', () => {
    close(catalogueCoverage([[1, 2, 3], [2, 3, 4]], 2, 10), 3 / 10, 'coverage@2');
    close(catalogueCoverage([[1, 2, 3], [2, 3, 4]], 3, 10), 4 / 10, 'coverage@3');
  });

  test('rankingMetrics averages over users', () => {
    const m = rankingMetrics(
      [
        { ranked: [1, 2, 3], relevant: new Set([1]) },
        { ranked: [4, 5, 6], relevant: new Set([6, 7]) },
      ],
      2,
      8,
    );
    close(m.precision, (1 / 2 + 0) / 2, 'precision');
    close(m.recall, (1 + 0) / 2, 'recall');
    close(m.ndcg, (1 + 0) / 2, 'ndcg');
    close(m.map, (1 + 0) / 2, 'map');
    close(m.hitRate, 1 / 2, 'hit rate');
    close(m.coverage, 4 / 8, 'coverage: items 1, 2, 4, 5');
  });

  test('bad k is an InputError', () => {
    assert.throws(() => precisionAtK([1], new Set([1]), 0), InputError);
    assert.throws(() => rankingMetrics([], 3, 5), /no ranked lists/);
    assert.throws(() => catalogueCoverage([[1]], 1, 0), /catalogue size/);
  });
});

describe('evaluateRanking on a small model', () => {
  const { data, test: testSet } = synthetic(30, 40, 5);
  let model: RSAttAE;
  before(async () => {
    model = await RSAttAE.fit(data, {
      seed: 1,
      autoencoder: { dim: 4, epochs: 5, parallel: false },
      xgboost: { nEstimators: 10, maxDepth: 3, nThread: 1 },
    });
  });
  after(() => model?.dispose());

  test("its top-k lists are recommend's, and the means are those of the per-user metrics", () => {
    const k = 5;
    const r = evaluateRanking(model, testSet, { k, relevance: 4 });
    const relevantOf = new Map<number, Set<number>>();
    const testUsers = new Set<number>();
    for (let j = 0; j < testSet.user.length; j++) {
      testUsers.add(testSet.user[j]);
      if (testSet.rating[j] >= 4) {
        if (!relevantOf.has(testSet.user[j])) relevantOf.set(testSet.user[j], new Set());
        relevantOf.get(testSet.user[j])!.add(testSet.item[j]);
      }
    }
    assert.ok(relevantOf.size > 5, 'the fixture has users with relevant test items');
    const lists = [...relevantOf].map(([u, relevant]) => ({
      ranked: model.recommend(String(u + 1), k).map((x) => model.itemIndex(x.item)),
      relevant,
    }));
    const want = rankingMetrics(lists, k, model.nItems);
    for (const key of ['precision', 'recall', 'ndcg', 'map', 'hitRate', 'coverage'] as const) close(r[key], want[key], key);
    assert.equal(r.users, relevantOf.size);
    assert.equal(r.usersWithoutRelevant, testUsers.size - relevantOf.size);
    assert.equal(r.catalogue, 40);
    let candidates = 0;
    for (const u of relevantOf.keys()) candidates += 40 - (model.parts.seen.indptr[u + 1] - model.parts.seen.indptr[u]);
    assert.equal(r.predictions, candidates);
    assert.ok(r.hitRate > 0 && r.hitRate <= 1);
  });

  test('errors: no relevant rating, an index outside the model', () => {
    assert.throws(() => evaluateRanking(model, testSet, { relevance: 6 }), /no test rating reaches the relevance threshold 6/);
    const bad = { user: Int32Array.of(30), item: Int32Array.of(0), rating: Float32Array.of(5), timestamp: new Int32Array(1) };
    assert.throws(() => evaluateRanking(model, bad), /outside the model's 30 users and 40 items/);
  });
});

describe('evaluateRanking on a baseline', () => {
  test('ranks every item the baseline was not fitted on, best first, ties by index, as a brute force does', () => {
    const { data, test: testSet } = synthetic(30, 40, 6);
    const model = fitBaseline({ nUsers: 30, nItems: 40, train: data.train }, { algorithm: 'baseline-only' });
    const k = 5;
    const r = evaluateRanking(model, testSet, { k, relevance: 4 });
    const relevantOf = new Map<number, Set<number>>();
    for (let j = 0; j < testSet.user.length; j++) {
      if (testSet.rating[j] < 4) continue;
      if (!relevantOf.has(testSet.user[j])) relevantOf.set(testSet.user[j], new Set());
      relevantOf.get(testSet.user[j])!.add(testSet.item[j]);
    }
    let predictions = 0;
    const lists = [...relevantOf].map(([u, relevant]) => {
      const rated = new Set<number>();
      for (let j = 0; j < data.train.user.length; j++) if (data.train.user[j] === u) rated.add(data.train.item[j]);
      const items = [...Array(40).keys()].filter((i) => !rated.has(i));
      predictions += items.length;
      const scores = model.predictIndices(new Int32Array(items.length).fill(u), Int32Array.from(items));
      const order = items.map((i, j) => ({ i, s: scores[j] })).sort((a, b) => b.s - a.s || a.i - b.i);
      return { ranked: order.slice(0, k).map((x) => x.i), relevant };
    });
    const want = rankingMetrics(lists, k, 40);
    for (const key of ['precision', 'recall', 'ndcg', 'map', 'hitRate', 'coverage'] as const) close(r[key], want[key], key);
    assert.equal(r.predictions, predictions);
    assert.ok(r.coverage > 0);
  });
});
