/**
 * `boosterEmbeddings` (issue #13): XGBoost on E (paper), Ê or both. Ê rebuilt outside the network equals the
 * network's; fit, held-out validation rows, fold-in, save/load and update all give the booster the same columns; the
 * combinations that have no Ê are refused.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { concatRatings, IdMap, InputError, RSAttAE, type RSAttAEConfigInput, resolveConfig } from 'rsattae';
import { errorMetrics } from '../../src/core/error-metrics.js';
import { ratingsToCsr } from '../../src/data/csr.js';
import { buildRows, clipTo } from '../../src/model/booster-rows.js';
import { updateModel } from '../../src/model/incremental-update.js';
import { attendedEmbeddings, layerNormRows } from '../../src/nn/attend.js';
import { tempDir } from '../data/helpers.js';
import { synthetic, withEncoders } from './synthetic.js';

const D = 6;
const CONFIG: RSAttAEConfigInput = {
  // the paper's pipeline (no stack), so the booster's predictions are the model's
  preset: 'paper',
  seed: 9,
  autoencoder: { dim: D, epochs: 30, learningRate: 0.01, parallel: false },
  xgboost: { nEstimators: 25, learningRate: 0.2, maxDepth: 4, nThread: 1 },
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let k = 0; k < a.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
};

/** Row `r` of a row-major matrix. */
const row = (m: { cols: number; data: Float32Array }, r: number): Float32Array => m.data.slice(r * m.cols, (r + 1) * m.cols);

describe('boosterEmbeddings', () => {
  const data = withEncoders(synthetic(45, 55, 33).data);
  let attended: RSAttAE;
  let both: RSAttAE;
  let tmp: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    attended = await RSAttAE.fit(data, { ...CONFIG, boosterEmbeddings: 'attended', validationRows: 'held-out' });
    // the same seed trains the same autoencoders: only the booster's columns differ
    both = await RSAttAE.fit(data, { ...CONFIG, boosterEmbeddings: 'both' });
    tmp = await tempDir();
  });
  after(async () => {
    attended?.dispose();
    both?.dispose();
    await tmp?.cleanup();
  });

  test("Ê rebuilt from E and the features is the network's Ê", () => {
    for (const [ae, f] of [
      [attended.parts.userAutoencoder!, data.userFeatures],
      [attended.parts.itemAutoencoder!, data.itemFeatures],
    ] as const) {
      const mine = attendedEmbeddings(ae, ae.embeddings, f);
      assert.deepEqual([mine.rows, mine.cols], [ae.attended!.rows, D]);
      assert.ok(maxAbsDiff(mine.data, ae.attended!.data) < 1e-4, `max difference ${maxAbsDiff(mine.data, ae.attended!.data)}`);
      // and it depends on E: the rows in reverse order, another Ê (a scaled E would not do: LayerNorm undoes it)
      const n = ae.embeddings.rows;
      const other = { ...ae.embeddings, data: new Float32Array(n * D) };
      for (let i = 0; i < n; i++) other.data.set(row(ae.embeddings, n - 1 - i), i * D);
      assert.ok(maxAbsDiff(attendedEmbeddings(ae, other, f).data, ae.attended!.data) > 1e-3);
    }
  });

  test("the booster's blocks: Ê for attended, [E, Ê] for both", () => {
    const ua = attended.parts.userAutoencoder!;
    assert.equal(attended.parts.blocks.userEmbeddings, ua.attended);
    assert.equal(attended.parts.blocks.itemEmbeddings, attended.parts.itemAutoencoder!.attended);
    const b = both.parts.blocks.userEmbeddings;
    const ub = both.parts.userAutoencoder!;
    assert.deepEqual(ub.embeddings.data, ua.embeddings.data, 'same seed, same autoencoders');
    assert.equal(b.cols, 2 * D);
    for (const u of [0, 20, 44]) {
      assert.deepEqual(row(b, u).subarray(0, D), row(ub.embeddings, u));
      assert.deepEqual(row(b, u).subarray(D), row(ub.attended!, u));
    }
    const testSet = synthetic(45, 55, 33).test;
    const x = buildRows(testSet.user, testSet.item, attended.parts.blocks);
    assert.deepEqual(attended.predictIndices(testSet.user, testSet.item), clipTo(attended.parts.xgb.predict(x), attended.parts.scale));
  });

  test('held-out validation rows get Ê rebuilt from the encoders on the train ratings alone', () => {
    const u = attended.parts.userAutoencoder!;
    const m = attended.parts.itemAutoencoder!;
    const blocks = {
      userEmbeddings: attendedEmbeddings(u, u.embed(ratingsToCsr(data.train, data.nUsers, data.nItems, 'user')), data.userFeatures),
      userFeatures: data.userFeatures,
      itemEmbeddings: attendedEmbeddings(m, m.embed(ratingsToCsr(data.train, data.nItems, data.nUsers, 'item')), data.itemFeatures),
      itemFeatures: data.itemFeatures,
    };
    const want = errorMetrics(clipTo(attended.parts.xgb.predict(buildRows(data.validation.user, data.validation.item, blocks)), attended.parts.scale), data.validation.rating);
    assert.deepEqual(attended.report!.validation, want);
  });

  test("a training user folded in with its own ratings and features gets its Ê (both: [E-like fold-in, Ê])", () => {
    const all = concatRatings(data.train, data.validation);
    const f = data.userFeatures;
    for (const u of [2, 17, 30]) {
      const ratings: { id: string; rating: number }[] = [];
      for (let k = 0; k < all.user.length; k++) if (all.user[k] === u) ratings.push({ id: String(all.item[k] + 1), rating: all.rating[k] });
      const group = String(Array.from(row(f, u)).indexOf(1));
      const a = attended.foldInUser({ features: { group }, ratings });
      assert.equal(a.embedding.length, D);
      assert.ok(maxAbsDiff(a.embedding, row(attended.parts.blocks.userEmbeddings, u)) < 1e-4, `user ${u}`);
      const b = both.foldInUser({ features: { group }, ratings });
      assert.equal(b.embedding.length, 2 * D);
      // both: the E half is the fold-in's E-like mix (as with encoder), the Ê half the stored Ê
      assert.ok(maxAbsDiff(layerNormRows(both.parts.userAutoencoder!, b.embedding.slice(0, D), 1), b.embedding.subarray(D)) < 1e-6);
      assert.ok(maxAbsDiff(b.embedding.subarray(D), row(both.parts.blocks.userEmbeddings, u).subarray(D)) < 1e-4, `user ${u} (both)`);
      // the same feature row; the prediction is XGBoost's on [Ê, F] (not compared with the stored user's: the hist
      // cuts sit on training values, so a 1e-5 difference can cross one)
      assert.deepEqual(a.features, row(f, u));
    }
    // a cold user (features only) folds in too, as wide as the model's block
    assert.equal(both.foldInUser({ features: { group: '1' } }).embedding.length, 2 * D);
  });

  test('save and load keep the setting, the blocks and the predictions', async () => {
    const dir = join(tmp.path, 'both');
    await both.save(dir);
    const loaded = await RSAttAE.load(dir, { autoencoders: true });
    try {
      assert.equal(loaded.config.boosterEmbeddings, 'both');
      assert.deepEqual(loaded.parts.blocks.userEmbeddings.data, both.parts.blocks.userEmbeddings.data);
      const input = { features: { group: '2' }, ratings: [{ id: 3, rating: 5 }] };
      assert.deepEqual(loaded.foldInUser(input), both.foldInUser(input));
      assert.equal(loaded.predict('3', '8'), both.predict('3', '8'));
    } finally {
      loaded.dispose();
    }
  });

  test('update keeps the columns: the new blocks are [E, Ê] of the updated modules', async () => {
    const { model: updated } = await updateModel(
      both,
      { train: data.train, validation: data.validation },
      { ratings: { user: Int32Array.of(0), item: Int32Array.of(0), rating: Float32Array.of(5), timestamp: Int32Array.of(0) }, users: IdMap.fromIds(['1']), items: IdMap.fromIds(['1']) },
      { epochs: 2, booster: 'continue', rounds: 2 },
    );
    try {
      const b = updated.parts.blocks.userEmbeddings;
      const ae = updated.parts.userAutoencoder!;
      assert.equal(b.cols, 2 * D);
      assert.deepEqual(row(b, 5).subarray(D), row(ae.attended!, 5));
      assert.deepEqual(row(b, 5).subarray(0, D), row(ae.embeddings, 5));
    } finally {
      updated.dispose();
    }
  });

  test('refused where there is no Ê: the vanilla model, per-pair embeddings', () => {
    const refused = (input: RSAttAEConfigInput, why: RegExp): void =>
      assert.throws(
        () => resolveConfig(input),
        (e: unknown) => e instanceof InputError && e.code === 'invalid_combination' && e.issues[0].path.join('.') === 'boosterEmbeddings' && why.test(e.message),
      );
    refused({ boosterEmbeddings: 'attended', autoencoder: { model: 'vanilla' } }, /autoencoder\.model "attention"/);
    refused({ boosterEmbeddings: 'both', embeddings: 'out-of-fold' }, /embeddings "in-sample"/);
    assert.equal(resolveConfig({ autoencoder: { model: 'vanilla' } }).boosterEmbeddings, 'encoder');
    assert.throws(() => resolveConfig({ boosterEmbeddings: 'Ê' as never }), (e: unknown) => e instanceof InputError && /boosterEmbeddings/.test(e.message));
  });
});
