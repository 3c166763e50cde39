import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { type FeatureTable, IdMap } from '../../src/data/dataset.js';
import { DEFAULT_NUMERIC_BINS, encodeRecord, encodeTable, fitTableEncoder } from '../../src/data/encoding.js';
import { itemFeatures, userFeatures } from '../../src/data/features.js';
import { loadMovieLens100KDataset } from '../../src/data/ml100k.js';
import { loadMovieLens100K } from '../../src/data/movielens-parsers.js';
import { needsRealData, realDataDir, tempDir, writeFixture } from './helpers.js';

const table = (columns: FeatureTable['columns'], ids: string[], values: string[][]): FeatureTable => ({ source: 't.csv', columns, ids, values });

describe('generic feature encoders', () => {
  test('category: levels by count then name, rare levels and unseen values to other, empty to zeros', () => {
    const t = table([{ name: 'occ', kind: 'category', minCount: 2 }], ['a', 'b', 'c', 'd', 'e', 'f'], [['x', 'y', 'x', 'y', 'z', '']]);
    const enc = fitTableEncoder(t);
    assert.deepEqual(enc.names, ['occ=x', 'occ=y', 'occ=other']);
    const m = encodeTable(t, enc, IdMap.fromIds(['f', 'e', 'a', 'zz']));
    assert.deepEqual(Array.from(m.data), [0, 0, 0, /* e: z is rare */ 0, 0, 1, /* a */ 1, 0, 0, /* zz: no row */ 0, 0, 0]);
    assert.deepEqual(Array.from(encodeRecord({ occ: 'never-seen' }, enc)), [0, 0, 1]);
  });

  test('category with fixed levels, a baseline and no other column: unknown values are errors naming the value', () => {
    const t = table([{ name: 'gender', kind: 'category', levels: ['F'], baseline: 'M', other: false }], ['1', '2'], [['F', 'M']]);
    const enc = fitTableEncoder(t);
    assert.deepEqual(enc.names, ['gender=F']);
    assert.deepEqual(Array.from(encodeTable(t, enc, IdMap.fromIds(['1', '2'])).data), [1, 0]);
    assert.throws(() => encodeRecord({ gender: 'X' }, enc, undefined, 'user "u9"'), (e: unknown) => e instanceof InputError && /user "u9": gender "X" is not a known value; known: F, M/.test(e.message));
  });

  test('multi: several levels at once, custom separator and label', () => {
    const t = table([{ name: 'genres', kind: 'multi', separator: ';', label: 'genre' }], ['m1', 'm2'], [['Action; Comedy', 'Comedy']]);
    const enc = fitTableEncoder(t);
    assert.deepEqual(enc.names, ['genre=Comedy', 'genre=Action', 'genre=other']);
    assert.deepEqual(Array.from(encodeTable(t, enc, IdMap.fromIds(['m1', 'm2'])).data), [1, 1, 0, 1, 0, 0]);
    assert.deepEqual(Array.from(encodeRecord({ genres: ['Action', 'Noir'] }, enc)), [0, 1, 1]);
  });

  test('numeric: quantile bins (default count), median fill, nearest edge bin outside; non-numbers name the id', () => {
    const values = Array.from({ length: 100 }, (_, k) => String(k + 1));
    values[7] = '';
    const ids = values.map((_, k) => `u${k}`);
    const enc = fitTableEncoder(table([{ name: 'age', kind: 'numeric' }], ids, [values]));
    assert.equal(enc.names.length, DEFAULT_NUMERIC_BINS);
    const col = enc.columns[0];
    assert.equal(col.kind, 'numeric');
    if (col.kind === 'numeric') {
      assert.equal(col.fill, 51, 'median of 1..100 without 8');
      assert.equal(col.edges[0], 1);
      assert.equal(col.edges.at(-1), 100);
    }
    assert.deepEqual(Array.from(encodeRecord({ age: 1 }, enc)), [1, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(encodeRecord({ age: -50 }, enc)), [1, 0, 0, 0, 0]);
    assert.deepEqual(Array.from(encodeRecord({ age: 1000 }, enc)), [0, 0, 0, 0, 1]);
    assert.deepEqual(Array.from(encodeRecord({ age: '' }, enc)), Array.from(encodeRecord({ age: 51 }, enc)));
    const bad = [...values];
    bad[3] = 'old';
    assert.throws(() => fitTableEncoder(table([{ name: 'age', kind: 'numeric' }], ids, [bad])), /t\.csv: id "u3": column age "old" is not a number/);
    const fixed = fitTableEncoder(table([{ name: 'age', kind: 'numeric', bins: 3, edges: [0, 18, 65] }], ids, [values]));
    assert.deepEqual(fixed.names, ['age=(0,18]', 'age=(18,65]']);
  });

  test('no table: zero columns for every entity', () => {
    const m = encodeTable(undefined, undefined, IdMap.fromIds(['a', 'b']));
    assert.equal(m.rows, 2);
    assert.equal(m.cols, 0);
  });

  test('ML-100K preset on the fixture: same matrices as the reference encoders', async () => {
    const tmp = await tempDir();
    try {
      const dir = await writeFixture(tmp.path);
      const ds = await loadMovieLens100KDataset(dir, 'u1');
      const old = await loadMovieLens100K(dir);
      const ue = fitTableEncoder(ds.userFeatures!);
      const ie = fitTableEncoder(ds.itemFeatures!);
      const u = encodeTable(ds.userFeatures, ue, ds.users);
      const i = encodeTable(ds.itemFeatures, ie, ds.items);
      assert.deepEqual(u.names, userFeatures(old).names);
      assert.deepEqual(u.data, userFeatures(old).data);
      assert.deepEqual(i.names, itemFeatures(old).names);
      assert.deepEqual(i.data, itemFeatures(old).data);
    } finally {
      await tmp.cleanup();
    }
  });
});

describe('ML-100K preset on the real data', { skip: needsRealData() }, () => {
  test('the generic encoders reproduce the reference features column for column (27 user, 23 item)', async () => {
    const dir = `${realDataDir()}/ml-100k`;
    const ds = await loadMovieLens100KDataset(dir, 'u1');
    const old = await loadMovieLens100K(dir);
    const u = encodeTable(ds.userFeatures, fitTableEncoder(ds.userFeatures!), ds.users);
    const i = encodeTable(ds.itemFeatures, fitTableEncoder(ds.itemFeatures!), ds.items);
    assert.equal(u.cols, 27);
    assert.equal(i.cols, 23);
    assert.deepEqual(u.names, userFeatures(old).names);
    assert.deepEqual(u.data, userFeatures(old).data);
    assert.deepEqual(i.names, itemFeatures(old).names);
    assert.deepEqual(i.data, itemFeatures(old).data);
    assert.equal(ds.users.id(0), '1');
    assert.equal(ds.items.index('1682'), 1681);
    assert.equal(ds.ratings.rating.length, 80000);
    assert.equal(ds.test?.rating.length, 20000);
  });
});
