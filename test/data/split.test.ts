import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import type { Ratings } from '../../src/core/types.js';
import { addCsr, ratingsToCsr } from '../../src/data/csr.js';
import { loadMovieLens100K, readSplit } from '../../src/data/movielens-parsers.js';
import { concatRatings, holdout, selectRatings } from '../../src/data/split.js';
import { loadMovieLensSplit } from '../../src/model/movielens-split.js';
import { needsRealData, realDataDir } from './helpers.js';

function synthetic(n: number): Ratings {
  const r = { user: new Int32Array(n), item: new Int32Array(n), rating: new Float32Array(n), timestamp: new Int32Array(n) };
  for (let k = 0; k < n; k++) {
    r.user[k] = k % 7;
    r.item[k] = k;
    r.rating[k] = 1 + (k % 5);
    r.timestamp[k] = 1000 + k;
  }
  return r;
}

describe('createRng (mulberry32)', () => {
  test('matches the published mulberry32 sequence and is reproducible', () => {
    // mulberry32(1)() === 0.6270739405881613 in the reference JavaScript implementation
    assert.equal(createRng(1).next(), 0.6270739405881613);
    const a = createRng(42);
    assert.deepEqual([a.nextUint32(), a.nextUint32(), a.nextUint32()], [2581720956, 1925393290, 3661312704]);
    assert.deepEqual(Array.from(createRng(42).permutation(10)), [1, 3, 9, 5, 2, 8, 4, 0, 7, 6]);
    assert.notDeepEqual(Array.from(createRng(43).permutation(10)), [1, 3, 9, 5, 2, 8, 4, 0, 7, 6]);
  });

  test('state resumes the stream; nextInt stays in range and is roughly uniform', () => {
    const a = createRng(7);
    a.next();
    const b = createRng(0, a.state);
    assert.equal(a.nextUint32(), b.nextUint32());
    const counts = new Array(6).fill(0);
    const r = createRng(3);
    for (let k = 0; k < 60000; k++) counts[r.nextInt(6)]++;
    for (const c of counts) assert.ok(Math.abs(c - 10000) < 500, String(counts));
    let sum = 0;
    let sq = 0;
    for (let k = 0; k < 20000; k++) {
      const z = r.nextNormal();
      sum += z;
      sq += z * z;
    }
    assert.ok(Math.abs(sum / 20000) < 0.05 && Math.abs(sq / 20000 - 1) < 0.05);
    assert.throws(() => createRng(1.5), RangeError);
    assert.throws(() => r.nextInt(0), RangeError);
    assert.notEqual(createRng(1).nextUint32(), createRng(2 ** 32 + 1).nextUint32());
  });
});

describe('holdout', () => {
  test('sizes, disjointness, order and reproducibility', () => {
    const r = synthetic(1001);
    const { train, validation } = holdout(r, 0.1, 42);
    assert.equal(validation.item.length, 100); // round(100.1)
    assert.equal(train.item.length, 901);
    const items = [...train.item, ...validation.item].sort((x, y) => x - y);
    assert.deepEqual(items, [...r.item], 'train and validation partition the input');
    assert.ok(train.item.every((v, k) => k === 0 || v > train.item[k - 1]), 'input order kept');
    assert.ok(validation.item.every((v, k) => k === 0 || v > validation.item[k - 1]), 'input order kept');
    for (let k = 0; k < validation.item.length; k++) {
      const j = validation.item[k];
      assert.deepEqual([validation.user[k], validation.rating[k], validation.timestamp[k]], [r.user[j], r.rating[j], r.timestamp[j]]);
    }
    assert.deepEqual(holdout(r, 0.1, 42), { train, validation });
    assert.notDeepEqual(holdout(r, 0.1, 43).validation.item, validation.item);
    // pinned: the same split on every machine
    assert.deepEqual([...holdout(synthetic(10), 0.3, 42).validation.item], [1, 3, 9]);
  });

  test('rejects fractions outside (0, 1)', () => {
    for (const f of [0, 1, -0.1, 1.5, Number.NaN]) assert.throws(() => holdout(synthetic(5), f, 1), InputError);
  });

  test('selectRatings and concatRatings', () => {
    const r = synthetic(5);
    const s = selectRatings(r, [4, 0]);
    assert.deepEqual([...s.item], [4, 0]);
    const c = concatRatings(s, r);
    assert.deepEqual([...c.item], [4, 0, 0, 1, 2, 3, 4]);
    assert.ok(c.rating instanceof Float32Array);
  });
});

describe('the ML-100K u1 split on the real data', { skip: needsRealData() }, () => {
  test('u1 with 10% validation: 72000 / 8000 / 20000, train + validation = u1.base', async () => {
    const ds = await loadMovieLens100K(join(realDataDir()!, 'ml-100k'));
    const load = (valFraction: number) => loadMovieLensSplit({ dataset: 'ml-100k', split: 'u1', valFraction, seed: 42, dataDir: realDataDir()!, fetch: false });
    const s = await load(0.1);
    assert.deepEqual([s.data.train.user.length, s.data.validation.user.length, s.test.user.length], [72000, 8000, 20000]);
    assert.deepEqual([s.data.nUsers, s.data.nItems], [943, 1682]);
    const { base } = await readSplit(ds, 'u1');
    const union = addCsr(ratingsToCsr(s.data.train, 943, 1682, 'user'), ratingsToCsr(s.data.validation, 943, 1682, 'user'));
    assert.deepEqual(union, ratingsToCsr(base, 943, 1682, 'user'));
    const again = await load(0.1);
    assert.deepEqual(again.data.validation, s.data.validation);
    const r15 = await load(0.15);
    assert.equal(r15.data.validation.user.length, 12000);
  });
});
