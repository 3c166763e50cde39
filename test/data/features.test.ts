import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import type { FeatureMatrix } from '../../src/core/types.js';
import {
  binIndex,
  encodeItem,
  encodeUser,
  fitItemEncoder,
  fitUserEncoder,
  itemFeatures,
  userFeatures,
} from '../../src/data/features.js';
import { loadMovieLens100K, type MovieLens100K } from '../../src/data/movielens-parsers.js';
import { needsRealData, realDataDir, tempDir, writeFixture } from './helpers.js';

function row(m: FeatureMatrix, r: number): Float32Array {
  return m.data.subarray(r * m.cols, (r + 1) * m.cols);
}

/** Names of the columns set to 1 in row r. */
function hot(m: FeatureMatrix, r: number): string[] {
  return m.names.filter((_, c) => m.data[r * m.cols + c] === 1);
}

test('binIndex: right-closed bins, values outside go to the nearest edge bin', () => {
  const edges = [0, 12, 18, 30, 50, 90];
  assert.deepEqual(
    [-3, 0, 1, 12, 13, 18, 30, 31, 50, 51, 90, 91, 200].map((v) => binIndex(v, edges)),
    [0, 0, 0, 0, 1, 1, 2, 3, 3, 4, 4, 4, 4],
  );
});

describe('features on the fixture', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let ds: MovieLens100K;
  before(async () => {
    tmp = await tempDir();
    ds = await loadMovieLens100K(await writeFixture(tmp.path));
  });
  after(() => tmp.cleanup());

  test('user features: gender, age one-hot (edge bins for outliers), occupation one-hot', () => {
    const f = userFeatures(ds);
    assert.equal(f.cols, 1 + 5 + 4);
    assert.deepEqual(f.names.slice(0, 6), ['gender=F', 'age=(0,12]', 'age=(12,18]', 'age=(18,30]', 'age=(30,50]', 'age=(50,90]']);
    assert.deepEqual(hot(f, 0), ['age=(18,30]', 'occupation=engineer']);
    assert.deepEqual(hot(f, 1), ['gender=F', 'age=(50,90]', 'occupation=other']);
    assert.deepEqual(hot(f, 2), ['age=(0,12]', 'occupation=student']);
    assert.deepEqual(hot(f, 3), ['gender=F', 'age=(50,90]', 'occupation=writer'], 'age 95 goes to the last bin');
  });

  test('item features: year one-hot with mode fill and edge bins, then genre flags', () => {
    const enc = fitItemEncoder(ds);
    assert.equal(enc.defaultReleaseYear, 1995, '01-Jan-1995 is the most frequent date');
    const f = itemFeatures(ds, enc);
    assert.equal(f.cols, 4 + 19);
    assert.deepEqual(hot(f, 0), ['year=(1980,2000]', 'genre=Animation', "genre=Children's", 'genre=Comedy']);
    assert.deepEqual(hot(f, 1), ['year=(1920,1940]', 'genre=Drama'], '1915 goes to the first bin');
    assert.deepEqual(hot(f, 2), ['year=(1980,2000]', 'genre=unknown'], 'missing date takes the mode year');
    assert.deepEqual(hot(f, 3), ['year=(1980,2000]', 'genre=Action', 'genre=Sci-Fi'], '2005 goes to the last bin');
  });

  test('the mode ties go to the smallest date string, as pandas', () => {
    const items = [
      { releaseDate: '02-Jan-1990', releaseYear: 1990 },
      { releaseDate: '01-Jan-1950', releaseYear: 1950 },
    ].map((d, k) => ({ ...d, id: k + 1, title: '', videoReleaseDate: null, url: '', genres: new Uint8Array(0) }));
    assert.equal(fitItemEncoder({ items, genres: [] }).defaultReleaseYear, 1950);
  });

  test('encoders are plain data and reproduce the matrix rows', () => {
    const ue = JSON.parse(JSON.stringify(fitUserEncoder(ds)));
    const ie = JSON.parse(JSON.stringify(fitItemEncoder(ds)));
    const uf = userFeatures(ds);
    const itf = itemFeatures(ds);
    ds.users.forEach((u, r) => {
      assert.deepEqual(encodeUser(u, ue), row(uf, r));
    });
    ds.items.forEach((it, r) => {
      assert.deepEqual(encodeItem(it, ie), row(itf, r));
      const names = ds.genres.filter((_, g) => it.genres[g] === 1);
      assert.deepEqual(encodeItem({ releaseYear: it.releaseYear, genres: names }, ie), row(itf, r), 'genres by name');
    });
  });

  test('cold-start encoding rejects unknown categories with InputError', () => {
    const ue = fitUserEncoder(ds);
    const ie = fitItemEncoder(ds);
    assert.throws(() => encodeUser({ age: 30, gender: 'M', occupation: 'astronaut' }, ue), (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /unknown occupation "astronaut"; known: engineer, other/);
      return true;
    });
    assert.throws(() => encodeUser({ age: 30, gender: 'X', occupation: 'other' }, ue), /gender must be M or F/);
    assert.throws(() => encodeUser({ age: Number.NaN, gender: 'M', occupation: 'other' }, ue), /age must be a number/);
    assert.throws(() => encodeItem({ releaseYear: 1990, genres: ['Noir'] }, ie), /unknown genre "Noir"/);
    assert.throws(() => encodeItem({ releaseYear: 1990, genres: [1, 0] }, ie), /expected 19 genre flags, got 2/);
    assert.deepEqual(hot({ ...itemFeatures(ds), rows: 1, data: encodeItem({ releaseYear: null, genres: [] }, ie) }, 0), [
      'year=(1980,2000]',
    ]);
  });
});

describe('features on the real data (same as the reference load())', { skip: needsRealData() }, () => {
  test('27 user and 23 item columns, one-hots sum to one, known rows', async () => {
    const ds = await loadMovieLens100K(join(realDataDir()!, 'ml-100k'));
    const uf = userFeatures(ds);
    const itf = itemFeatures(ds);
    assert.deepEqual([uf.rows, uf.cols, itf.rows, itf.cols], [943, 27, 1682, 23]);
    assert.equal(uf.names[26], 'occupation=writer');
    assert.equal(itf.names[22], 'genre=Western');
    let female = 0;
    for (let r = 0; r < uf.rows; r++) {
      const x = row(uf, r);
      female += x[0];
      assert.equal(x.slice(1, 6).reduce((a, b) => a + b), 1);
      assert.equal(x.slice(6).reduce((a, b) => a + b), 1);
    }
    assert.equal(female, 273);
    for (let r = 0; r < itf.rows; r++) assert.equal(row(itf, r).slice(0, 4).reduce((a, b) => a + b), 1);
    // no age or year falls outside the reference bins, so edge clamping never changes anything here
    const ages = ds.users.map((u) => u.age);
    const years = ds.items.flatMap((i) => (i.releaseYear === null ? [] : [i.releaseYear]));
    assert.deepEqual([Math.min(...ages), Math.max(...ages)], [7, 73]);
    assert.deepEqual([Math.min(...years), Math.max(...years)], [1922, 1998]);
    assert.deepEqual(hot(uf, 0), ['age=(18,30]', 'occupation=technician']);
    assert.deepEqual(hot(itf, 0), ['year=(1980,2000]', 'genre=Animation', "genre=Children's", 'genre=Comedy']);
    assert.equal(fitItemEncoder(ds).defaultReleaseYear, 1995);
    assert.deepEqual(hot(itf, 266), ['year=(1980,2000]', 'genre=unknown'], 'item 267 has no date');
    const ue = fitUserEncoder(ds);
    const ie = fitItemEncoder(ds);
    for (let r = 0; r < uf.rows; r++) assert.deepEqual(encodeUser(ds.users[r], ue), row(uf, r));
    for (let r = 0; r < itf.rows; r++) assert.deepEqual(encodeItem(ds.items[r], ie), row(itf, r));
  });
});
