/**
 * Fold-in of new users and items on a small synthetic model: the encoder path reproduces a training user's stored E,
 * the attention read-out is the trained attention's (checked through the stored Ê), the blend, determinism, a saved
 * and loaded model folding in identically, predict/recommend on fold-ins, and every error case.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { concatRatings, type FoldIn, InputError, type RecommenderData, RSAttAE } from 'rsattae';
import { blendEmbedding, DEFAULT_BLEND } from '../../src/model/foldin.js';
import { attendQuery } from '../../src/nn/attend.js';
import { tempDir } from '../data/helpers.js';
import { synthetic, withEncoders } from './synthetic.js';

const CONFIG = {
  // the paper's pipeline: a stack scores fold-ins by its cold rules (accuracy.test.ts), not as the known entity
  preset: 'paper' as const,
  seed: 5,
  // these pin fold-in against the stored E; fold-in under Ê (the default) is in booster-embeddings.test.ts
  boosterEmbeddings: 'encoder' as const,
  autoencoder: { dim: 8, epochs: 40, learningRate: 0.01, parallel: false },
  xgboost: { nEstimators: 30, learningRate: 0.1, maxDepth: 4, nThread: 1 },
};

/** The items user `u` rated in train + validation, as fold-in ratings by external id, and the user's group. */
function userRow(data: RecommenderData, u: number): { ratings: { id: string; rating: number }[]; group: string } {
  const all = concatRatings(data.train, data.validation);
  const ratings: { id: string; rating: number }[] = [];
  for (let k = 0; k < all.user.length; k++) if (all.user[k] === u) ratings.push({ id: String(all.item[k] + 1), rating: all.rating[k] });
  const f = data.userFeatures;
  const group = Array.from(f.data.subarray(u * f.cols, (u + 1) * f.cols)).indexOf(1);
  return { ratings, group: String(group) };
}

describe('fold-in on a synthetic model', () => {
  const data = withEncoders(synthetic(50, 60, 21).data);
  let model: RSAttAE;
  let tmp: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    model = await RSAttAE.fit(data, CONFIG);
    tmp = await tempDir();
  });
  after(async () => {
    model?.dispose();
    await tmp?.cleanup();
  });

  test('encoder fold-in of a training user with its own row and features is its stored E and F', () => {
    for (const u of [0, 7, 33]) {
      const { ratings, group } = userRow(data, u);
      const f = model.foldInUser({ features: { group }, ratings }, { method: 'encoder' });
      const b = model.parts.blocks;
      assert.deepEqual(f.embedding, b.userEmbeddings.data.slice(u * 8, (u + 1) * 8), `user ${u}`);
      assert.deepEqual(f.features, b.userFeatures.data.slice(u * 4, (u + 1) * 4));
      assert.deepEqual(Array.from(f.rated), ratings.map((r) => Number(r.id) - 1).sort((a, b) => a - b));
      assert.equal(model.predict(f, 3), model.predict(u + 1, 3), 'same row, same prediction');
    }
  });

  test("the attention read-out for a training user's features is the trained attention's (through the stored Ê)", () => {
    const ae = model.parts.userAutoencoder!;
    const { gamma, beta } = ae.weights();
    const alpha = ae.alpha;
    const pop = model.foldInSide('user').population();
    const d = 8;
    for (const u of [1, 12, 40]) {
      const a = attendQuery(ae, pop, model.parts.blocks.userFeatures.data.slice(u * 4, (u + 1) * 4));
      const e = ae.embeddings.data.subarray(u * d, (u + 1) * d);
      // Ê = LayerNorm(α·A + (1−α)·E)
      const z = Array.from(e, (x, c) => alpha * a[c] + (1 - alpha) * x);
      const mean = z.reduce((s, x) => s + x, 0) / d;
      const sd = Math.sqrt(z.reduce((s, x) => s + (x - mean) ** 2, 0) / d + 1e-5);
      const stored = ae.attended!.data.subarray(u * d, (u + 1) * d);
      for (let c = 0; c < d; c++) {
        const mine = ((z[c] - mean) / sd) * gamma[c] + beta[c];
        assert.ok(Math.abs(mine - stored[c]) < 1e-4, `user ${u} column ${c}: ${mine} vs ${stored[c]}`);
      }
    }
  });

  test('attention fold-in: the read-out alone without ratings, blended with the encoder as ratings come', () => {
    const ae = model.parts.userAutoencoder!;
    const pop = model.foldInSide('user').population();
    const query = Float32Array.of(0, 0, 1, 0);
    const prior = attendQuery(ae, pop, query);
    assert.deepEqual(model.foldInUser({ features: { group: '2' } }).embedding, blendEmbedding(prior, new Float32Array(8), 0, ae.alpha, DEFAULT_BLEND));
    assert.ok(model.foldInUser({ features: { group: '2' } }).embedding.every((x, c) => Math.abs(x - prior[c]) < 1e-6));
    const ratings = [
      { id: 3, rating: 5 },
      { id: '10', rating: 1 },
    ];
    const enc = model.foldInUser({ features: { group: '2' }, ratings }, { method: 'encoder' }).embedding;
    const att = model.foldInUser({ features: { group: '2' }, ratings }).embedding;
    const w = DEFAULT_BLEND.kind === 'shrink' ? DEFAULT_BLEND.n0 / (2 + DEFAULT_BLEND.n0) : ae.alpha;
    for (let c = 0; c < 8; c++) assert.ok(Math.abs(att[c] - (w * prior[c] + (1 - w) * enc[c])) < 1e-6);
    // without features the attention reads the mean E of all training users, and F is the "no features" row
    const none = model.foldInUser({});
    assert.deepEqual(none.features, new Float32Array(4));
    const popMean = new Float64Array(8);
    const E = model.parts.blocks.userEmbeddings;
    for (let i = 0; i < E.rows; i++) for (let c = 0; c < 8; c++) popMean[c] += E.data[i * 8 + c] / E.rows;
    for (let c = 0; c < 8; c++) assert.ok(Math.abs(none.embedding[c] - popMean[c]) < 1e-5);
    // different features, different read-outs
    assert.notDeepEqual(model.foldInUser({ features: { group: '0' } }).embedding, model.foldInUser({ features: { group: '3' } }).embedding);
  });

  test('fold-ins are deterministic, and a saved + loaded model folds in identically', async () => {
    const input = { features: { group: '1' }, ratings: [{ id: 4, rating: 4 }, { id: 9, rating: 2 }] };
    const item = { features: { kind: '2' }, ratings: [{ id: 5, rating: 3 }] };
    const a = model.foldInUser(input);
    assert.deepEqual(model.foldInUser(input), a);
    const dir = join(tmp.path, 'model');
    await model.save(dir);
    const loaded = await RSAttAE.load(dir, { autoencoders: true });
    try {
      for (const method of ['attention', 'encoder'] as const) {
        assert.deepEqual(loaded.foldInUser(input, { method }), model.foldInUser(input, { method }));
        assert.deepEqual(loaded.foldInItem(item, { method }), model.foldInItem(item, { method }));
      }
      const u = loaded.foldInUser(input);
      const i = loaded.foldInItem(item);
      assert.equal(loaded.predict(u, i), model.predict(model.foldInUser(input), model.foldInItem(item)));
      assert.deepEqual(loaded.recommend(u, 5), model.recommend(a, 5));
    } finally {
      loaded.dispose();
    }
    // without the autoencoder weights there is nothing to fold in with
    const bare = await RSAttAE.load(dir);
    try {
      assert.throws(() => bare.foldInUser(input), (e: unknown) => e instanceof InputError && /autoencoders: true/.test(e.message));
    } finally {
      bare.dispose();
    }
  });

  test('predict and recommend take fold-ins; recommend leaves out what the fold-in rated', () => {
    const ratings = [1, 2, 3, 4, 5].map((id) => ({ id, rating: 4 }));
    const u = model.foldInUser({ features: { group: '0' }, ratings });
    const recs = model.recommend(u, 60);
    assert.equal(recs.length, 55);
    assert.ok(recs.every((r) => !['1', '2', '3', '4', '5'].includes(r.item)));
    for (let k = 1; k < recs.length; k++) assert.ok(recs[k - 1].score >= recs[k].score);
    assert.equal(recs[0].score, model.predict(u, recs[0].item));
    assert.equal(recs[0].title, `Item ${recs[0].item}`);
    // a new item rated by known users, predicted for a known user and for a new one
    const item = model.foldInItem({ features: { kind: '1' }, ratings: [{ id: 2, rating: 5 }] });
    const p = model.predict(7, item);
    assert.ok(Number.isFinite(p) && p > 0 && p < 6, `prediction ${p}`);
    assert.ok(Number.isFinite(model.predict(u, item)));
  });

  test('bad input is an InputError saying what is wrong', () => {
    const bad = (f: () => unknown, pattern: RegExp, code?: string): void =>
      assert.throws(f, (e: unknown) => e instanceof InputError && pattern.test(e.message) && (code === undefined || e.code === code), String(pattern));
    bad(() => model.foldInUser({ features: { age: 25 } }), /unknown user feature "age"; the user features are group/, 'unknown_feature');
    bad(() => model.foldInUser({ features: { group: '7' } }), /group "7" is not a known value; known: 0, 1, 2, 3/);
    bad(() => model.foldInUser({ ratings: [{ id: 99, rating: 3 }] }), /ratings\[0\]: unknown item id "99"/, 'unknown_id');
    bad(() => model.foldInItem({ ratings: [{ id: 'x', rating: 3 }] }), /unknown user id "x"/, 'unknown_id');
    bad(() => model.foldInUser({ ratings: [{ id: 1, rating: 6 }] }), /rating 6 of item "1" is outside the model's scale 1..5/, 'out_of_scale');
    bad(() => model.foldInUser({ ratings: [{ id: 1, rating: 2.5 }] }), /not on the model's scale/, 'out_of_scale');
    bad(() => model.foldInUser({ ratings: [{ id: 1, rating: Number.NaN }] }), /is not a number/);
    bad(() => model.foldInUser({ ratings: [{ id: 1, rating: 3 }, { id: '1', rating: 4 }] }), /item "1" is rated twice/, 'duplicate_id');
    bad(() => model.foldInUser({}, { method: 'magic' as 'encoder' }), /unknown fold-in method "magic"/);
    // what a JSON body could hold despite the types
    const loose = (x: unknown) => x as Parameters<RSAttAE['foldInUser']>[0];
    bad(() => model.foldInUser(loose({ ratings: { id: 1 } })), /ratings must be an array/, 'invalid_type');
    bad(() => model.foldInUser(loose({ ratings: [null] })), /ratings\[0\] must be \{ id, rating \}/, 'invalid_type');
    bad(() => model.foldInUser(loose({ features: 'group=1' })), /features must be an object/, 'invalid_type');
    bad(() => model.foldInUser(loose({ features: { group: true } })), /group: true is neither a string nor a finite number/, 'invalid_type');
    const item = model.foldInItem({});
    bad(() => model.predict(item as FoldIn, 1), /expected a user id or a user fold-in, got a fold-in of kind "item"/, 'wrong_kind');
    bad(() => model.recommend(item), /expected a user/, 'wrong_kind');
    bad(() => model.predict(1, model.foldInUser({})), /expected an item id or an item fold-in/, 'wrong_kind');
  });
});

describe('fold-in on a vanilla model', () => {
  test("defaults to the encoder and refuses method 'attention'", async () => {
    const data = withEncoders(synthetic(30, 30, 4).data);
    const model = await RSAttAE.fit(data, { ...CONFIG, autoencoder: { ...CONFIG.autoencoder, model: 'vanilla', epochs: 5 }, xgboost: { ...CONFIG.xgboost, nEstimators: 3 } });
    try {
      const input = { features: { group: '1' }, ratings: [{ id: 1, rating: 3 }] };
      assert.deepEqual(model.foldInUser(input), model.foldInUser(input, { method: 'encoder' }));
      assert.throws(() => model.foldInUser(input, { method: 'attention' }), /trained without attention/);
    } finally {
      model.dispose();
    }
  });
});
