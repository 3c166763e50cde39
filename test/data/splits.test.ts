import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import type { Ratings } from '../../src/core/types.js';
import { loadMovieLens100KDataset } from '../../src/data/ml100k.js';
import { parseSplitSpec, splitRatings } from '../../src/data/split.js';
import { tempDir, writeFixture } from './helpers.js';

/** 10 users with 10 ratings each; timestamps run backwards within a user so file order and time order differ. */
function ratings(): Ratings {
  const n = 100;
  const r = { user: new Int32Array(n), item: new Int32Array(n), rating: new Float32Array(n), timestamp: new Int32Array(n) };
  for (let k = 0; k < n; k++) {
    r.user[k] = k % 10;
    r.item[k] = Math.floor(k / 10);
    r.rating[k] = 1 + (k % 5);
    r.timestamp[k] = 1000 - k;
  }
  return r;
}

const pairs = (r: Ratings): string[] => Array.from(r.user, (u, k) => `${u}:${r.item[k]}`);

describe('split specs', () => {
  test('parseSplitSpec accepts KIND:F and explains bad input', () => {
    assert.deepEqual(parseSplitSpec('temporal:0.2'), { kind: 'temporal', fraction: 0.2 });
    for (const bad of ['random', 'random:1', 'random:0', 'fold:0.1', 'user:x']) {
      assert.throws(() => parseSplitSpec(bad), (e: unknown) => e instanceof InputError && /expected KIND:F with KIND one of random, temporal, user/.test(e.message), bad);
    }
  });

  test('random: a seeded share of ratings, reproducible, disjoint and complete', () => {
    const r = ratings();
    const a = splitRatings(r, { kind: 'random', fraction: 0.2 }, 7);
    assert.equal(a.test.rating.length, 20);
    assert.deepEqual(splitRatings(r, { kind: 'random', fraction: 0.2 }, 7), a);
    assert.notDeepEqual(splitRatings(r, { kind: 'random', fraction: 0.2 }, 8).test, a.test);
    assert.deepEqual([...pairs(a.train), ...pairs(a.test)].sort(), pairs(r).sort());
  });

  test("temporal: each user's latest ratings by timestamp", () => {
    const r = ratings();
    const { train, test } = splitRatings(r, { kind: 'temporal', fraction: 0.2 }, 1);
    assert.equal(test.rating.length, 20);
    for (let u = 0; u < 10; u++) {
      const tr = Array.from(train.timestamp).filter((_, k) => train.user[k] === u);
      const te = Array.from(test.timestamp).filter((_, k) => test.user[k] === u);
      assert.equal(te.length, 2);
      assert.ok(Math.min(...te) > Math.max(...tr), `user ${u}: test is later than train`);
    }
    assert.throws(() => splitRatings(r, { kind: 'temporal', fraction: 0.2 }, 1, false), /temporal split needs timestamps/);
  });

  test('user: whole users held out, none of their ratings in train', () => {
    const r = ratings();
    const { train, test } = splitRatings(r, { kind: 'user', fraction: 0.3 }, 5);
    const testUsers = new Set(test.user);
    assert.equal(testUsers.size, 3);
    assert.equal(test.rating.length, 30);
    for (const u of train.user) assert.ok(!testUsers.has(u));
  });

  test('a split that leaves a part empty is refused', () => {
    const one: Ratings = { user: Int32Array.of(0), item: Int32Array.of(0), rating: Float32Array.of(3), timestamp: Int32Array.of(0) };
    assert.throws(() => splitRatings(one, { kind: 'random', fraction: 0.1 }, 1), /leaves 1 for training and 0 for test/);
  });
});

describe('ML-100K preset: base/test checks', () => {
  test('an overlap of u1.base and u1.test is an error naming the pair and both lines', async () => {
    const tmp = await tempDir();
    try {
      const dir = await writeFixture(tmp.path, { 'u1.test': '4\t1\t3\t881250955\n2\t3\t2\t881250956\n' });
      await assert.rejects(
        loadMovieLens100KDataset(dir, 'u1'),
        (e: unknown) => e instanceof InputError && /u1\.test:2: the rating of item "3" by user "2" is also in the training data \(.*u1\.base:4\)/.test(e.message),
      );
    } finally {
      await tmp.cleanup();
    }
  });

  test('an empty u1.base is an error', async () => {
    const tmp = await tempDir();
    try {
      const dir = await writeFixture(tmp.path, { 'u1.base': '' });
      await assert.rejects(loadMovieLens100KDataset(dir, 'u1'), /u1\.base: no ratings/);
    } finally {
      await tmp.cleanup();
    }
  });

  test('a split spec reads u.data whole; an unknown predefined split lists the known ones', async () => {
    const tmp = await tempDir();
    try {
      const dir = await writeFixture(tmp.path);
      const ds = await loadMovieLens100KDataset(dir, 'random:0.25');
      assert.equal(ds.ratings.rating.length, 8);
      assert.equal(ds.test, undefined);
      await assert.rejects(loadMovieLens100KDataset(dir, 'u9'), /unknown split "u9"; ML-100K's predefined splits: u1, u2, u3, u4, u5, ua, ub/);
    } finally {
      await tmp.cleanup();
    }
  });
});
