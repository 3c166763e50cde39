/**
 * KNNBaseline's neighbour lists against its dense matrix: the same similarities (the positive ones, to the bit) and
 * the same predictions on generated data and ML-100K u1, for both similarities and both sides; entities without
 * ratings; and a 50,000-item catalogue, whose matrix would be refused, fitted and checked against a naive
 * computation.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError, type Ratings } from 'rsattae';
import { type BaselineConfigInput, type BaselineData, baselineAls, buildTrainSet, DENSE_SIMILARITY_MAX_ENTITIES, fitBaseline, neighbourLists, type SimilarityOptions, similarityMatrix } from 'rsattae/baselines';
import { createRng, loadMovieLens100KDataset } from 'rsattae/data';
import { needsRealData, realDataDir } from '../data/helpers.js';

/** Random ratings 1–5 at the given density; the last user and the last item have none. */
function randomData(seed: number, nUsers: number, nItems: number, density: number): BaselineData {
  const rng = createRng(seed);
  const rows: [number, number, number][] = [];
  for (let u = 0; u < nUsers - 1; u++) {
    for (let i = 0; i < nItems - 1; i++) if (rng.next() < density) rows.push([u, i, 1 + rng.nextInt(5)]);
  }
  rng.shuffle(rows);
  const train: Ratings = {
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    rating: Float32Array.from(rows, (r) => r[2]),
    timestamp: new Int32Array(rows.length),
  };
  return { nUsers, nItems, train, scale: { min: 1, max: 5 } };
}

/** Every (user, item) pair of the index space plus one outside it, as prediction input. */
function allPairs(d: BaselineData): { users: Int32Array; items: Int32Array } {
  const users: number[] = [];
  const items: number[] = [];
  for (let u = 0; u <= d.nUsers; u++) {
    for (let i = 0; i <= d.nItems; i++) {
      users.push(u);
      items.push(i);
    }
  }
  return { users: Int32Array.from(users), items: Int32Array.from(items) };
}

/** Fits both layouts and asserts the same predictions (within 1e-9 relative; they are in fact bit-identical). */
function sameAsDense(d: BaselineData, config: BaselineConfigInput, pairs: { users: Int32Array; items: Int32Array }): void {
  const dense = fitBaseline(d, config, { similarityLayout: 'dense' }).predictIndices(pairs.users, pairs.items);
  const sparse = fitBaseline(d, config, { similarityLayout: 'sparse' }).predictIndices(pairs.users, pairs.items);
  for (let k = 0; k < dense.length; k++) {
    assert.ok(Math.abs(sparse[k] - dense[k]) <= 1e-9 * Math.abs(dense[k]), `${JSON.stringify(config)}, pair ${k}: ${sparse[k]} vs ${dense[k]}`);
  }
}

const KINDS = [
  { similarity: 'pearson-baseline', userBased: false },
  { similarity: 'pearson-baseline', userBased: true },
  { similarity: 'msd', userBased: false },
  { similarity: 'msd', userBased: true },
] as const;

describe('KNNBaseline neighbour lists', () => {
  const d = randomData(21, 40, 35, 0.3);
  const ts = buildTrainSet(d.train, d.nUsers, d.nItems, d.scale);
  const { bu, bi } = baselineAls(ts, { epochs: 10, regU: 15, regI: 10 });

  for (const { similarity, userBased } of KINDS) {
    test(`${similarity}, ${userBased ? 'user' : 'item'}-based: the lists are the matrix's positive entries, to the bit`, () => {
      const [yr, n] = userBased ? [ts.byItem, d.nUsers] : [ts.byUser, d.nItems];
      const o: SimilarityOptions = { similarity, minSupport: 2, shrinkage: 10, globalMean: ts.globalMean, bx: userBased ? bu : bi, by: userBased ? bi : bu };
      const matrix = similarityMatrix(yr, n, o);
      const lists = neighbourLists(yr, n, o);
      assert.equal(lists.ptr.length, n + 1);
      let positive = 0;
      for (let x = 0; x < n; x++) {
        const row = new Map<number, number>();
        for (let q = lists.ptr[x]; q < lists.ptr[x + 1]; q++) row.set(lists.idx[q], lists.sim[q]);
        assert.equal(row.size, lists.ptr[x + 1] - lists.ptr[x], `row ${x} names a neighbour twice`);
        for (let x2 = 0; x2 < n; x2++) {
          if (x2 === x) continue;
          const s = matrix[x * n + x2];
          if (s > 0) {
            positive++;
            assert.equal(row.get(x2), s, `sim(${x}, ${x2})`);
          } else {
            assert.equal(row.has(x2), false, `sim(${x}, ${x2}) = ${s} is not positive`);
          }
        }
      }
      assert.ok(positive > 100, `${positive} positive pairs`);
      // the entity without ratings has no neighbours
      assert.equal(lists.ptr[n], lists.ptr[n - 1]);
    });

    test(`${similarity}, ${userBased ? 'user' : 'item'}-based: the lists predict what the matrix predicts`, () => {
      const pairs = allPairs(d);
      for (const more of [{}, { k: 3 }, { k: 1, minK: 2, minSupport: 3 }]) sameAsDense(d, { algorithm: 'knn-baseline', similarity, userBased, ...more }, pairs);
    });
  }

  test('predictions come back in input order whatever order they are computed in', () => {
    const m = fitBaseline(d, { algorithm: 'knn-baseline' }, { similarityLayout: 'sparse' });
    const pairs = allPairs(d);
    const batch = m.predictIndices(pairs.users, pairs.items);
    for (let k = 0; k < batch.length; k += 7) assert.equal(m.predictIndices(pairs.users.subarray(k, k + 1), pairs.items.subarray(k, k + 1))[0], batch[k]);
  });

  test('an entity without ratings, and a catalogue with no co-rated pair, fall back to the baseline', () => {
    // every user rated one distinct item: no pair of items shares a user
    const one: Ratings = { user: Int32Array.of(0, 1, 2), item: Int32Array.of(0, 1, 2), rating: Float32Array.of(1, 3, 5), timestamp: new Int32Array(3) };
    const data = { nUsers: 4, nItems: 4, train: one, scale: { min: 1, max: 5 } };
    for (const layout of ['dense', 'sparse'] as const) {
      const m = fitBaseline(data, { algorithm: 'knn-baseline' }, { similarityLayout: layout });
      const base = fitBaseline(data, { algorithm: 'baseline-only' });
      // pairs outside training (a training pair has its own item as a neighbour, similarity 1)
      const u = Int32Array.of(0, 1, 2, 3, 0);
      const i = Int32Array.of(1, 2, 0, 1, 3);
      assert.deepEqual(m.predictIndices(u, i), base.predictIndices(u, i), layout);
    }
    const ts1 = buildTrainSet(one, 4, 4);
    const o: SimilarityOptions = { similarity: 'msd', minSupport: 1, shrinkage: 100, globalMean: 3, bx: new Float64Array(4), by: new Float64Array(4) };
    assert.deepEqual(neighbourLists(ts1.byUser, 4, o), { ptr: new Int32Array(5), idx: new Int32Array(0), sim: new Float64Array(0) });
  });
});

describe('KNNBaseline on ML-100K u1: lists and matrix agree', { skip: needsRealData() }, () => {
  test('item-based pearson-baseline and user-based MSD predict u1.test alike in both layouts', async () => {
    const ds = await loadMovieLens100KDataset(join(realDataDir() as string, 'ml-100k'), 'u1');
    const test = ds.test as Ratings;
    const d = { nUsers: ds.users.size, nItems: ds.items.size, train: ds.ratings, scale: ds.scale };
    sameAsDense(d, { algorithm: 'knn-baseline' }, { users: test.user, items: test.item });
    sameAsDense(d, { algorithm: 'knn-baseline', similarity: 'msd', userBased: true }, { users: test.user, items: test.item });
  });
});

describe('KNNBaseline on a 50,000-item catalogue', () => {
  // 3,000 users with 5–40 ratings each over 50,000 items, popularity skewed so that items share raters
  const nUsers = 3_000;
  const nItems = 50_000;
  const rng = createRng(9);
  const rows: [number, number, number][] = [];
  const seen = new Set<number>();
  for (let u = 0; u < nUsers; u++) {
    const count = 5 + rng.nextInt(36);
    for (let j = 0; j < count; j++) {
      const i = Math.floor(nItems * rng.next() ** 3);
      if (seen.has(u * nItems + i)) continue;
      seen.add(u * nItems + i);
      rows.push([u, i, 1 + rng.nextInt(5)]);
    }
  }
  const train: Ratings = {
    user: Int32Array.from(rows, (r) => r[0]),
    item: Int32Array.from(rows, (r) => r[1]),
    rating: Float32Array.from(rows, (r) => r[2]),
    timestamp: new Int32Array(rows.length),
  };
  const data = { nUsers, nItems, train, scale: { min: 1, max: 5 } };

  test('fits with the lists (the matrix is refused at once) and predicts as a naive computation does', () => {
    assert.ok(nItems > DENSE_SIMILARITY_MAX_ENTITIES, 'the default layout here is the lists');
    assert.throws(() => fitBaseline(data, { algorithm: 'knn-baseline' }, { similarityLayout: 'dense' }), InputError);
    const m = fitBaseline(data, { algorithm: 'knn-baseline', k: 10 });
    const { bu, bi } = m.arrays;
    const mu = m.globalMean;
    // naive pearson-baseline between two items, from maps of their raters' deviations
    const raters = new Map<number, Map<number, number>>();
    for (const [u, i, r] of rows) {
      if (!raters.has(i)) raters.set(i, new Map());
      raters.get(i)?.set(u, r - (mu + bu[u] + bi[i]));
    }
    const sim = (a: number, b: number): number => {
      if (a === b) return 1; // Surprise's diagonal
      const ra = raters.get(a) ?? new Map<number, number>();
      const rb = raters.get(b) ?? new Map<number, number>();
      let [n, dot, sa, sb] = [0, 0, 0, 0];
      for (const [u, da] of ra) {
        const db = rb.get(u);
        if (db === undefined) continue;
        n++;
        dot += da * db;
        sa += da * da;
        sb += db * db;
      }
      return n < 2 || sa * sb === 0 ? 0 : (dot / Math.sqrt(sa * sb)) * ((n - 1) / (n - 1 + 100));
    };
    const byUser = new Map<number, [number, number][]>();
    for (const [u, i, r] of rows) byUser.set(u, [...(byUser.get(u) ?? []), [i, r]]);
    let withNeighbours = 0;
    for (let u = 0; u < 300; u++) {
      const i = (u * 7) % 200; // popular items: neighbours among the user's
      const top = (byUser.get(u) ?? [])
        .map(([j, r]) => ({ j, r, s: sim(i, j) }))
        .sort((a, b) => b.s - a.s)
        .slice(0, 10)
        .filter((e) => e.s > 0);
      const num = top.reduce((a, e) => a + e.s * (e.r - (mu + bu[u] + bi[e.j])), 0);
      const den = top.reduce((a, e) => a + e.s, 0);
      if (den > 0) withNeighbours++;
      const expected = Math.min(5, Math.max(1, mu + bu[u] + (raters.has(i) ? bi[i] : 0) + (den > 0 ? num / den : 0)));
      const got = m.predictIndices(Int32Array.of(u), Int32Array.of(i))[0];
      assert.ok(Math.abs(got - expected) < 1e-5, `(${u}, ${i}): ${got} vs ${expected}`);
    }
    assert.ok(withNeighbours > 50, `${withNeighbours} predictions used neighbours`);
  });
});
