/**
 * updateModel on small synthetic data: new ratings of known users, of a new user (with a feature row) and of a new
 * item (without one); the updated model predicts for the new ids, the old one is unchanged, the same inputs give the
 * same model, the bundle round-trips, and bad input is an InputError.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type FeatureTable, IdMap, InputError, type NewRatings, type Ratings, type RecommenderData, RSAttAE, updateModel } from 'rsattae';
import { encodeTable, fitTableEncoder } from 'rsattae/data';
import { mergeRatings } from 'rsattae/model';
import { tempDir } from '../data/helpers.js';
import { synthetic } from './synthetic.js';

const N_USERS = 30;
const N_ITEMS = 40;
const CONFIG = {
  seed: 4,
  autoencoder: { dim: 4, epochs: 8, learningRate: 0.01, parallel: false },
  xgboost: { nEstimators: 12, maxDepth: 3, learningRate: 0.2, nThread: 1 },
};

const ids = (n: number): string[] => Array.from({ length: n }, (_, k) => String(k + 1));
const ratings = (rows: [number, number, number][]): Ratings => ({
  user: Int32Array.from(rows, (r) => r[0]),
  item: Int32Array.from(rows, (r) => r[1]),
  rating: Float32Array.from(rows, (r) => r[2]),
  timestamp: new Int32Array(rows.length),
});

/** Synthetic data with a user feature table (one category column) and its encoder, so new users can be looked up. */
function dataWithTable(): { data: RecommenderData; table: FeatureTable } {
  const { data } = synthetic(N_USERS, N_ITEMS, 9);
  const groups = ['a', 'b', 'c'];
  // the table also has a row for the user the update adds
  const table: FeatureTable = {
    source: 'users.csv',
    columns: [{ name: 'group', kind: 'category' }],
    ids: [...ids(N_USERS), 'u-new'],
    values: [[...ids(N_USERS).map((_, k) => groups[k % 3]), 'c']],
  };
  const encoder = fitTableEncoder(table);
  const users = IdMap.fromIds(ids(N_USERS));
  return { data: { ...data, users, items: IdMap.fromIds(ids(N_ITEMS)), userFeatures: encodeTable(table, encoder, users), userEncoder: encoder }, table };
}

describe('updateModel', () => {
  const { data, table } = dataWithTable();
  const previous = { train: data.train, validation: data.validation };
  // the first training rating's pair, rated again (replaced), plus ratings of user 1, of a new user and of a new item
  const u0 = data.train.user[0];
  const i0 = data.train.item[0];
  const newUsers = new IdMap();
  const newItems = new IdMap();
  const rows: [string, string, number][] = [
    [String(u0 + 1), String(i0 + 1), 5],
    ['u-new', '3', 4],
    ['u-new', '5', 2],
    ['u-new', String(i0 + 1), 3],
    ['2', 'i-new', 5],
    ['1', 'i-new', 4],
    ['1', '7', 1],
  ];
  const added: NewRatings = {
    ratings: ratings(rows.map(([u, i, r]) => [newUsers.add(u), newItems.add(i), r])),
    users: newUsers,
    items: newItems,
    userFeatures: table,
  };
  let model: RSAttAE;
  let updated: RSAttAE;
  let report: Awaited<ReturnType<typeof updateModel>>['report'];
  before(async () => {
    model = await RSAttAE.fit(data, CONFIG);
    ({ model: updated, report } = await updateModel(model, previous, added, { epochs: 4, booster: 'continue', rounds: 5 }));
  });
  after(() => {
    model?.dispose();
    updated?.dispose();
  });

  test('new users and items extend the id maps; their features come from the table or are empty', () => {
    assert.equal(updated.nUsers, N_USERS + 1);
    assert.equal(updated.nItems, N_ITEMS + 1);
    assert.equal(updated.userIndex('u-new'), N_USERS);
    assert.equal(updated.itemIndex('i-new'), N_ITEMS);
    assert.deepEqual({ newUsers: report.newUsers, newItems: report.newItems, featuresFound: report.featuresFound }, { newUsers: 1, newItems: 1, featuresFound: { users: 1, items: 0 } });
    const fu = updated.parts.blocks.userFeatures;
    const row = (m: typeof fu, r: number) => Array.from(m.data.subarray(r * m.cols, (r + 1) * m.cols));
    // 'u-new' is in group c, like user 3
    assert.deepEqual(row(fu, N_USERS), row(fu, 2));
    assert.ok(row(fu, N_USERS).some((v) => v === 1));
    const fi = updated.parts.blocks.itemFeatures;
    assert.deepEqual(row(fi, N_ITEMS), new Array(fi.cols).fill(0), 'no table: empty features');
    // the old entities' features are kept
    assert.deepEqual(row(fu, 5), row(model.parts.blocks.userFeatures, 5));
    assert.equal(updated.parts.itemTitles?.[N_ITEMS], 'i-new', 'the id stands in for an unknown title');
  });

  test('it predicts for new ids and recommends around their new ratings', () => {
    for (const [u, i] of [['u-new', '1'], ['2', 'i-new'], ['u-new', 'i-new']] as const) {
      const p = updated.predict(u, i);
      assert.ok(Number.isFinite(p) && p > 0 && p < 6, `${u}, ${i}: ${p}`);
    }
    const recs = updated.recommend('u-new', N_ITEMS + 1).map((r) => r.item);
    assert.equal(recs.length, N_ITEMS + 1 - 3, 'the three items u-new rated are left out');
    for (const rated of ['3', '5', String(i0 + 1)]) assert.ok(!recs.includes(rated), rated);
    assert.ok(!['3', '5'].includes(String(i0 + 1)), 'the fixture rates three distinct items');
  });

  test('ratings: one replaced, the rest split into train and validation; the booster gained its rounds', () => {
    assert.equal(report.ratings.added, 7);
    // (u0, i0) for sure; (1, 7) if the fixture had it
    const before = new Set<string>();
    for (const r of [data.train, data.validation]) for (let k = 0; k < r.user.length; k++) before.add(`${r.user[k] + 1},${r.item[k] + 1}`);
    const replaced = rows.filter(([u, i]) => before.has(`${u},${i}`)).length;
    assert.ok(replaced >= 1);
    assert.equal(report.ratings.replaced, replaced);
    assert.equal(report.ratings.train + report.ratings.validation, 7);
    assert.equal(report.booster, 'continue');
    assert.equal(report.rounds, 12 + 5);
    assert.equal(updated.parts.xgb.nBoostedRounds, 17);
    const seen = updated.parts.seen;
    assert.equal(seen.indices.length, data.train.rating.length + data.validation.rating.length + 7 - replaced);
    assert.equal(updated.report?.autoencoders.users.epochs, 4);
  });

  test('the old model is unchanged and the autoencoders start from its weights', () => {
    assert.equal(model.nUsers, N_USERS);
    assert.equal(model.parts.xgb.nBoostedRounds, 12);
    assert.equal(model.parts.userAutoencoder?.shape.m, N_ITEMS);
    assert.equal(updated.parts.userAutoencoder?.shape.m, N_ITEMS + 1);
    assert.equal(updated.parts.itemAutoencoder?.shape.m, N_USERS + 1);
  });

  test('same model, data and options: the same update', async () => {
    const again = await updateModel(model, previous, added, { epochs: 4, booster: 'continue', rounds: 5 });
    try {
      assert.deepEqual(again.model.parts.blocks.userEmbeddings.data, updated.parts.blocks.userEmbeddings.data);
      assert.deepEqual(again.model.parts.xgb.saveModelToBuffer(), updated.parts.xgb.saveModelToBuffer());
    } finally {
      again.model.dispose();
    }
  });

  test('retrain (the default): a new booster of the configured size; the bundle round-trips with the new ids', async () => {
    const { model: re, report: r } = await updateModel(model, previous, added, { epochs: 2 });
    const tmp = await tempDir();
    try {
      assert.equal(r.booster, 'retrain');
      assert.equal(r.rounds, 12);
      await re.save(tmp.path);
      const back = await RSAttAE.load(tmp.path);
      try {
        assert.equal(back.predict('u-new', 'i-new'), re.predict('u-new', 'i-new'));
        assert.equal(back.nUsers, N_USERS + 1);
      } finally {
        back.dispose();
      }
    } finally {
      re.dispose();
      await tmp.cleanup();
    }
  });

  test('bad input is an InputError', async () => {
    await assert.rejects(updateModel(model, previous, added, { epochs: 0 }), /epochs must be a positive integer/);
    const empty = { ...added, ratings: ratings([]) };
    await assert.rejects(updateModel(model, previous, empty), /no new ratings/);
    const outside = { ...added, ratings: ratings([[99, 0, 4]]) };
    await assert.rejects(updateModel(model, previous, outside), (e) => e instanceof InputError && /new ratings: rating 1 names user index 99/.test(e.message));
    const tmp = await tempDir();
    try {
      await model.save(tmp.path);
      const bare = await RSAttAE.load(tmp.path);
      try {
        await assert.rejects(updateModel(bare, previous, added), /holds no autoencoder weights/);
      } finally {
        bare.dispose();
      }
    } finally {
      await tmp.cleanup();
    }
  });
});

test('mergeRatings: a pair rated again replaces its earlier rating; the same inputs give the same split', () => {
  const prev = { train: ratings([[0, 0, 1], [0, 1, 2], [1, 0, 3]]), validation: ratings([[1, 1, 4]]) };
  const add = ratings([[1, 1, 5], [2, 0, 1], [2, 1, 2], [0, 2, 3], [1, 2, 4], [2, 2, 5], [3, 0, 1], [3, 1, 2], [3, 2, 3], [0, 3, 4]]);
  const m = mergeRatings(prev, add, 0.2, 7);
  assert.equal(m.replaced, 1);
  assert.equal(m.added.train.rating.length + m.added.validation.rating.length, 10);
  assert.equal(m.added.validation.rating.length, 2, 'round(0.2 · 10)');
  assert.equal(m.train.rating.length + m.validation.rating.length, 4 - 1 + 10);
  const pairs = [...m.train.user.keys()].map((k) => `${m.train.user[k]},${m.train.item[k]},${m.train.rating[k]}`);
  const vpairs = [...m.validation.user.keys()].map((k) => `${m.validation.user[k]},${m.validation.item[k]},${m.validation.rating[k]}`);
  assert.ok(!pairs.includes('1,1,4') && !vpairs.includes('1,1,4'), 'the old rating of (1, 1) is gone');
  assert.ok([...pairs, ...vpairs].includes('1,1,5'));
  assert.deepEqual(mergeRatings(prev, add, 0.2, 7), m);
});
