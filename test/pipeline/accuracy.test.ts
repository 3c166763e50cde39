/** The accuracy options: held-out validation rows, early stopping, the stack of the booster with baselines. */
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { concatRatings, type FoldIn, type Ratings, RSAttAE, type RSAttAEConfig, type RSAttAEConfigInput, resolveConfig } from 'rsattae';
import { selectRatings } from 'rsattae/data';
import { errorMetrics } from '../../src/core/error-metrics.js';
import { ratingsToCsr } from '../../src/data/csr.js';
import { buildRows, clipTo } from '../../src/model/booster-rows.js';
import { updateModel } from '../../src/model/incremental-update.js';
import type { TrainedSides } from '../../src/model/rsattae.js';
import { foldInBias, leastSquares, warmFoldInFrom } from '../../src/model/stack.js';
import { trainSides } from '../../src/model/train-sides.js';
import { synthetic } from './synthetic.js';

describe('leastSquares', () => {
  test('recovers the coefficients of an exact linear relation', () => {
    const a = Float64Array.from({ length: 50 }, (_, k) => Math.sin(k));
    const b = Float64Array.from({ length: 50 }, (_, k) => Math.cos(3 * k));
    const one = new Float64Array(50).fill(1);
    const y = a.map((x, k) => 0.7 * x - 1.5 * b[k] + 2);
    const beta = leastSquares([a, b, one], y);
    for (const [got, want] of beta.map((v, j) => [v, [0.7, -1.5, 2][j]])) assert.ok(Math.abs(got - want) < 1e-6, `${got} vs ${want}`);
  });

  test('two identical columns share the weight instead of failing', () => {
    const a = Float64Array.from({ length: 20 }, (_, k) => k % 7);
    const beta = leastSquares([a, a], a.map((x) => 2 * x));
    assert.ok(Math.abs(beta[0] + beta[1] - 2) < 1e-6, String(beta));
  });
});

describe('accuracy options on one pair of autoencoders', () => {
  const { data, test: testSet } = synthetic(40, 50, 21);
  const base: RSAttAEConfigInput = {
    // the paper's pipeline, each option switched on by the test that checks it
    preset: 'paper',
    seed: 5,
    // E: the blocks these tests rebuild by hand (held-out Ê is covered in booster-embeddings.test.ts)
    boosterEmbeddings: 'encoder',
    autoencoder: { dim: 4, epochs: 8, parallel: false },
    xgboost: { nEstimators: 60, maxDepth: 4, learningRate: 0.3, colsampleBytree: 0.7, nThread: 2 },
  };
  const cfg = (over: RSAttAEConfigInput): RSAttAEConfig => resolveConfig({ ...base, ...over, xgboost: { ...base.xgboost, ...over.xgboost } });
  let sides: TrainedSides;
  const models: RSAttAE[] = [];
  const fit = async (over: RSAttAEConfigInput): Promise<RSAttAE> => {
    const m = await RSAttAE.fitBooster(data, cfg(over), sides);
    models.push(m);
    return m;
  };
  let dir: string;
  before(async () => {
    const c = cfg({});
    const { parallel, ...ae } = c.autoencoder;
    sides = await trainSides(data, ae, { parallel, seed: c.seed });
    dir = await mkdtemp(join(tmpdir(), 'rsattae-accuracy-'));
  });
  after(async () => {
    for (const m of models) m.parts.xgb.dispose();
    sides.users[0].dispose();
    sides.movies[0].dispose();
    await rm(dir, { recursive: true, force: true });
  });

  test('fitBooster on trained autoencoders is fit', async () => {
    const whole = await RSAttAE.fit(data, base);
    try {
      const shared = await fit({});
      assert.deepEqual(shared.predictIndices(testSet.user, testSet.item), whole.predictIndices(testSet.user, testSet.item));
      assert.deepEqual(shared.report!.validation, whole.report!.validation);
    } finally {
      whole.dispose();
    }
  });

  test("validationRows 'held-out' scores validation on embeddings of the train ratings alone, the model unchanged", async () => {
    const inSample = await fit({});
    const heldOut = await fit({ validationRows: 'held-out' });
    assert.deepEqual(heldOut.predictIndices(testSet.user, testSet.item), inSample.predictIndices(testSet.user, testSet.item));
    const blocks = {
      ...heldOut.parts.blocks,
      userEmbeddings: sides.users[0].embed(ratingsToCsr(data.train, data.nUsers, data.nItems, 'user')),
      itemEmbeddings: sides.movies[0].embed(ratingsToCsr(data.train, data.nItems, data.nUsers, 'item')),
    };
    const v = data.validation;
    const expected = errorMetrics(clipTo(heldOut.parts.xgb.predict(buildRows(v.user, v.item, blocks)), heldOut.parts.scale), v.rating);
    assert.deepEqual(heldOut.report!.validation, expected);
    assert.notDeepEqual(heldOut.report!.validation, inSample.report!.validation);
    // and the encoders on train + validation are the in-sample embeddings themselves
    const all = { user: Int32Array.from([...data.train.user, ...v.user]), item: Int32Array.from([...data.train.item, ...v.item]), rating: Float32Array.from([...data.train.rating, ...v.rating]), timestamp: new Int32Array(0) };
    assert.deepEqual(sides.users[0].embed(ratingsToCsr(all, data.nUsers, data.nItems, 'user')).data, heldOut.parts.blocks.userEmbeddings.data);
  });

  test('early stopping keeps the trees up to the best validation round, through save and load', async () => {
    const m = await fit({ validationRows: 'held-out', xgboost: { nEstimators: 400, learningRate: 0.5, earlyStoppingRounds: 5 } });
    const best = m.parts.xgb.bestIteration;
    assert.ok(best !== undefined && best < 399, `best iteration ${best}`);
    assert.ok(m.parts.xgb.nBoostedRounds < 400, 'stopped early');
    const out = join(dir, 'early');
    await m.save(out);
    const loaded = await RSAttAE.load(out);
    try {
      assert.equal(loaded.config.xgboost.earlyStoppingRounds, 5);
      assert.equal(loaded.parts.xgb.bestIteration, best);
      assert.deepEqual(loaded.predictIndices(testSet.user, testSet.item), m.predictIndices(testSet.user, testSet.item));
    } finally {
      loaded.dispose();
    }
  });

  test('a stack is no worse on validation than any member, cross-fitted, and predicts the same after load', async () => {
    const alone = await fit({ validationRows: 'held-out' });
    const blended = await fit({ blend: ['baseline-only', 'svdpp'] });
    const b = blended.parts.blend!;
    const report = blended.report!.choices!.stack!;
    assert.equal(b.models.length, 2);
    assert.equal(b.weights.length, 3);
    assert.deepEqual(
      report.members.map((m) => m.name),
      ['booster', 'baseline-only', 'svdpp'],
    );
    // the chosen stacker's cross-fitted RMSE is the least of the candidates and of every member's own
    const chosen = report.stacker.chosen === 'linear' || report.stacker.chosen === 'count-gated' ? report.stacker[report.stacker.chosen] : report.members.find((m) => m.name === report.stacker.chosen)!.rmse;
    for (const m of report.members) assert.ok(chosen <= m.rmse, `${report.stacker.chosen} ${chosen} vs ${m.name} ${m.rmse}`);
    assert.ok(chosen <= report.stacker.linear && chosen <= report.stacker['count-gated']);
    assert.equal(report.members[0].rmse, alone.report!.validation.rmse, 'the booster member is the booster alone on held-out rows');
    // same booster underneath: the stack is what differs
    const booster = blended.parts.xgb.predict(buildRows(testSet.user, testSet.item, blended.parts.blocks));
    assert.deepEqual(clipTo(booster.slice(), alone.parts.scale), alone.predictIndices(testSet.user, testSet.item));
    const predicted = blended.predictIndices(testSet.user, testSet.item);
    for (const p of predicted) assert.ok(p >= 1 && p <= 5, `prediction ${p} outside the scale`);
    // the baselines of the stack were refitted on train + validation
    assert.equal(b.models[0].train.rating.length, data.train.rating.length + data.validation.rating.length);

    const out = join(dir, 'blend');
    await blended.save(out);
    const loaded = await RSAttAE.load(out, { autoencoders: true });
    try {
      assert.deepEqual(loaded.config.blend, ['baseline-only', 'svdpp']);
      assert.deepEqual(loaded.parts.blend!.weights, b.weights);
      assert.deepEqual(loaded.parts.blend!.cold, b.cold);
      assert.deepEqual(loaded.predictIndices(testSet.user, testSet.item), predicted);
      assert.equal(loaded.predict('3', '7'), blended.predict('3', '7'));
      assert.deepEqual(loaded.recommend('4', 5), blended.recommend('4', 5));
      const boosterOf = (fold: FoldIn, item: number): number => {
        const blocks = { ...loaded.parts.blocks, userEmbeddings: { rows: 1, cols: fold.embedding.length, data: fold.embedding }, userFeatures: { rows: 1, cols: fold.features.length, data: fold.features } };
        return loaded.parts.xgb.predict(buildRows(Int32Array.of(0), Int32Array.of(item), blocks))[0];
      };
      // a fold-in without ratings is cold to the members: the user-cold rule, the bias member giving μ + b_i
      const blank = loaded.foldInUser({});
      const rule = loaded.parts.blend!.cold!.user;
      const expected = Math.min(5, Math.max(1, rule.intercept + rule.booster * boosterOf(blank, 6) + rule.bias * foldInBias(loaded.parts.blend!, 'user', blank.rated, blank.ratings, 6)));
      assert.ok(Math.abs(loaded.predict(blank, '7') - expected) < 1e-5, `${loaded.predict(blank, '7')} vs ${expected}`);
      // with ratings, the members place it and the warm stacker combines them: a training user folded in with its
      // own ratings is scored close to the trained user, far closer than by the cold rule
      const all = concatRatings(data.train, data.validation);
      const count = (x: number): number => all.user.filter((v) => v === x).length;
      // the most active user: far above the 5th-percentile count from which a fold-in is stacked as warm
      const u = Array.from({ length: data.nUsers }, (_, x) => x).reduce((a, x) => (count(x) > count(a) ? x : a), 0);
      const warmFrom = warmFoldInFrom(loaded.parts.blend!, 'user');
      assert.ok(warmFrom > 1 && warmFrom < count(u), `warm from ${warmFrom} ratings, user ${u} has ${count(u)}`);
      // below it, a fold-in with ratings is scored by the user-cold rule, the bias member placing it by them
      const few = loaded.foldInUser({ ratings: [{ id: '1', rating: 5 }] });
      const fewBias = foldInBias(loaded.parts.blend!, 'user', few.rated, few.ratings, 6);
      assert.ok(Math.abs(loaded.predict(few, '7') - Math.min(5, Math.max(1, rule.intercept + rule.booster * boosterOf(few, 6) + rule.bias * fewBias))) < 1e-5);
      const own = Array.from(all.user.keys()).filter((k) => all.user[k] === u);
      const twin = loaded.foldInUser({ ratings: own.map((k) => ({ id: String(all.item[k] + 1), rating: all.rating[k] })) });
      let warmGap = 0;
      let coldGap = 0;
      for (let i = 0; i < data.nItems; i++) {
        const trained = loaded.predictIndices(Int32Array.of(u), Int32Array.of(i))[0];
        warmGap += Math.abs(loaded.predict(twin, String(i + 1)) - trained) / data.nItems;
        const cold = Math.min(5, Math.max(1, rule.intercept + rule.booster * boosterOf(twin, i) + rule.bias * foldInBias(loaded.parts.blend!, 'user', twin.rated, twin.ratings, i)));
        coldGap += Math.abs(cold - trained) / data.nItems;
      }
      assert.ok(warmGap < 0.6 * coldGap, `mean |fold-in − trained|: stacked ${warmGap}, cold rule ${coldGap}`);
      // the fold-in's ratings move its predictions
      const lover = loaded.foldInUser({ ratings: [{ id: '1', rating: 5 }, { id: '2', rating: 5 }, { id: '3', rating: 5 }] });
      const hater = loaded.foldInUser({ ratings: [{ id: '1', rating: 1 }, { id: '2', rating: 1 }, { id: '3', rating: 1 }] });
      assert.ok(loaded.predict(lover, '7') > loaded.predict(hater, '7'));
      assert.deepEqual(loaded.recommend(twin, 3).length, 3);
      // update refits the stack's members on every rating, new entities included, and keeps its weights
      const { model: updated } = await updateModel(loaded, { train: data.train, validation: data.validation }, { ratings: data.validation, users: loaded.parts.users, items: loaded.parts.items }, { epochs: 2 });
      try {
        assert.deepEqual(updated.parts.blend!.weights, b.weights);
        assert.equal(updated.parts.blend!.models[0].train.rating.length, data.train.rating.length + data.validation.rating.length);
        for (const p of updated.predictIndices(testSet.user, testSet.item)) assert.ok(p >= 1 && p <= 5);
      } finally {
        updated.dispose();
      }
    } finally {
      loaded.dispose();
    }
  });

  test('pairs of an entity without training ratings follow the cold rules, chosen on validation rows scored as cold', async () => {
    // item 0 and user 0 lose every train and validation rating: both are cold to the model, as test-only ids are
    const keep = (r: Ratings): Ratings => selectRatings(r, Array.from(r.user.keys()).filter((k) => r.item[k] !== 0 && r.user[k] !== 0));
    const cold = { ...data, train: keep(data.train), validation: keep(data.validation) };
    const m = await RSAttAE.fit(cold, { ...base, seed: 6, blend: ['baseline-only', 'svd'] });
    models.push(m);
    const b = m.parts.blend!;
    const rules = m.report!.choices!.stack!.cold;
    for (const k of ['user', 'item', 'both'] as const) {
      const r = rules[k];
      // the chosen candidate is the one with the least cross-fitted RMSE
      assert.equal(r[r.chosen], Math.min(r.booster, r.bias, r.mix), k);
      assert.equal(b.cold![k].chosen, r.chosen);
    }
    const users = Int32Array.of(5, 0, 0);
    const items = Int32Array.of(0, 5, 0);
    const booster = m.parts.xgb.predict(buildRows(users, items, m.parts.blocks));
    const bias = b.models[0].predictIndices(users, items); // baseline-only: the known side's bias
    const got = m.predictIndices(users, items);
    (['item', 'user', 'both'] as const).forEach((k, j) => {
      const r = b.cold![k];
      const want = Math.min(5, Math.max(1, r.intercept + r.booster * booster[j] + r.bias * bias[j]));
      assert.ok(Math.abs(got[j] - want) < 1e-5, `${k} cold: ${got[j]} vs ${want}`);
    });
    // a warm pair is the stacker's, not a rule's
    const warm = m.predictIndices(Int32Array.of(5), Int32Array.of(5))[0];
    const wb = m.parts.xgb.predict(buildRows(Int32Array.of(5), Int32Array.of(5), m.parts.blocks))[0];
    const parts = b.models.map((x) => x.predictIndices(Int32Array.of(5), Int32Array.of(5))[0]);
    if (!b.gated) assert.ok(Math.abs(warm - Math.min(5, Math.max(1, b.intercept + b.weights[0] * wb + b.weights[1] * parts[0] + b.weights[2] * parts[1]))) < 1e-5);
  });

  test('the configuration checks its new fields', () => {
    assert.throws(() => resolveConfig({ blend: ['svdpp', 'svdpp'] }), /blend: name each algorithm once/);
    assert.throws(() => resolveConfig({ blend: ['knn' as 'svdpp'] }), /blend\.0/);
    assert.throws(() => resolveConfig({ xgboost: { earlyStoppingRounds: 0 } }), /earlyStoppingRounds/);
    assert.throws(() => resolveConfig({ validationRows: 'out-of-fold' as 'held-out' }), /validationRows/);
    const d = resolveConfig({ preset: 'paper' });
    assert.deepEqual([d.blend, d.validationRows, d.xgboost.earlyStoppingRounds], [[], 'in-sample', undefined]);
  });
});
