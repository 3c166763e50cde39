import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { type IterationInfo, XGBRegressor, xgboostVersion } from '../../src/gbdt/index.js';
import { nonlinear, rmse, std } from './helpers.js';

const train = nonlinear(8000, 8, 1, { missing: 0.005 });
const test_ = nonlinear(1000, 8, 2, { missing: 0.005 });
const dir = mkdtempSync(path.join(tmpdir(), 'rsattae-gbdt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('XGBRegressor', () => {
  const model = new XGBRegressor({ nEstimators: 300, maxDepth: 5, learningRate: 0.1, nThread: 2 });
  const infos: IterationInfo[] = [];
  model.fit(train.X, train.y, { onIteration: (i) => infos.push(i) });
  const pred = model.predict(test_.X);
  after(() => model.dispose());

  test('reports a library version', () => {
    assert.match(xgboostVersion(), /^\d+\.\d+\.\d+$/);
  });

  test('learns a nonlinear function: held-out RMSE far below the label spread', () => {
    const err = rmse(pred, test_.y);
    assert.ok(err < 0.25 * std(test_.y), `rmse ${err} vs std ${std(test_.y)}`);
    // Against the noise-free target on complete rows too (the labels carry noise of sd 0.1).
    const clean = nonlinear(1000, 8, 5, { noise: 0 });
    const cleanErr = rmse(model.predict(clean.X), clean.y);
    assert.ok(cleanErr < 0.2 * std(clean.y), `noise-free rmse ${cleanErr} vs std ${std(clean.y)}`);
    assert.equal(model.nFeatures, 8);
    assert.equal(model.nBoostedRounds, 300);
    assert.equal(model.bestIteration, undefined);
  });

  test('reports every round with a decreasing training metric', () => {
    assert.equal(infos.length, 300);
    assert.deepEqual(
      infos.map((i) => i.iteration),
      Array.from({ length: 300 }, (_, i) => i),
    );
    assert.ok(infos.every((i) => i.nIterations === 300 && i.eval === undefined && Number.isFinite(i.train)));
    assert.ok(infos[299]!.train < infos[0]!.train / 2);
    assert.equal(model.evalsResult.train.length, 300);
    // The last training RMSE reported equals the RMSE of predictions on the training set (float32 rounding aside).
    assert.ok(Math.abs(infos[299]!.train - rmse(model.predict(train.X), train.y)) < 1e-4);
  });

  test('save → load → predict is identical (json and ubj, file and buffer)', () => {
    for (const format of ['json', 'ubj'] as const) {
      const file = path.join(dir, `model.${format}`);
      model.saveModel(file);
      const fromFile = XGBRegressor.loadModel(file, { nThread: 1 });
      assert.deepEqual(fromFile.predict(test_.X), pred, `${format} file`);
      assert.equal(fromFile.nFeatures, 8);
      fromFile.dispose();

      const bytes = model.saveModelToBuffer(format);
      assert.deepEqual(new Uint8Array(readFileSync(file)), bytes, 'file holds the buffer bytes');
      const fromBuffer = XGBRegressor.loadModelFromBuffer(bytes);
      assert.deepEqual(fromBuffer.predict(test_.X), pred, `${format} buffer`);
      // Saving is deterministic, so bytes can be checksummed.
      assert.deepEqual(fromBuffer.saveModelToBuffer(format), bytes);
      fromBuffer.dispose();
    }
    assert.equal(JSON.parse(new TextDecoder().decode(model.saveModelToBuffer('json'))).version[0] >= 1, true);
    // Atomic write leaves no temporary files behind.
    assert.deepEqual(readdirSync(dir).sort(), ['model.json', 'model.ubj']);
  });

  test('feature importance: the informative features dominate', () => {
    const gain = model.featureImportance('gain');
    const weight = model.featureImportance('weight');
    const total = model.featureImportance('total_gain');
    assert.equal(gain.length, 8);
    const informative = [0, 1, 2, 3, 4].reduce((s, i) => s + total[i]!, 0);
    const noise = [5, 6, 7].reduce((s, i) => s + total[i]!, 0);
    assert.ok(informative > 20 * noise, `informative ${informative} vs noise ${noise}`);
    for (let i = 0; i < 8; i++) {
      if (weight[i]! > 0) assert.ok(Math.abs(total[i]! / weight[i]! - gain[i]!) <= 1e-3 * gain[i]!);
    }
  });

  test('early stopping on an eval set stops before nEstimators and predicts with the best round', () => {
    // Few noisy rows and a high learning rate overfit quickly.
    const small = nonlinear(300, 8, 3, { noise: 1 });
    const val = nonlinear(300, 8, 4, { noise: 1 });
    const m = new XGBRegressor({ nEstimators: 400, learningRate: 0.5, maxDepth: 6, nThread: 2 });
    const seen: IterationInfo[] = [];
    m.fit(small.X, small.y, { evalSet: [val.X, val.y], earlyStoppingRounds: 10, onIteration: (i) => seen.push(i) });
    const best = m.bestIteration;
    assert.ok(best !== undefined);
    assert.ok(m.nBoostedRounds < 400);
    assert.equal(m.nBoostedRounds, best + 11);
    assert.equal(seen.length, m.nBoostedRounds);
    assert.ok(seen.every((i) => i.eval !== undefined));
    assert.equal(m.bestScore, Math.min(...m.evalsResult.eval));
    assert.equal(m.evalsResult.eval.indexOf(m.bestScore!), best);

    // predict() uses rounds [0, best]: the same as a model trained for best + 1 rounds.
    const short = new XGBRegressor({ nEstimators: best + 1, learningRate: 0.5, maxDepth: 6, nThread: 2 });
    short.fit(small.X, small.y);
    assert.deepEqual(m.predict(val.X), short.predict(val.X));
    // The best iteration survives a save/load round trip.
    const reloaded = XGBRegressor.loadModelFromBuffer(m.saveModelToBuffer('json'));
    assert.equal(reloaded.bestIteration, best);
    assert.deepEqual(reloaded.predict(val.X), short.predict(val.X));
    for (const x of [m, short, reloaded]) x.dispose();
  });

  test('fitAsync yields to the event loop between rounds and matches fit', async () => {
    const m = new XGBRegressor({ nEstimators: 40, maxDepth: 4, nThread: 2 });
    let ticks = 0;
    const timer = setInterval(() => ticks++, 0);
    let rounds = 0;
    await m.fitAsync(train.X, train.y, { onIteration: () => rounds++ });
    clearInterval(timer);
    assert.equal(rounds, 40);
    assert.ok(ticks > 0, 'timers ran during training');
    const sync = new XGBRegressor({ nEstimators: 40, maxDepth: 4, nThread: 2 }).fit(train.X, train.y);
    assert.deepEqual(m.predict(test_.X), sync.predict(test_.X));
    m.dispose();
    sync.dispose();
  });

  test('fitAsync can be aborted, leaving the model unfitted', async () => {
    const m = new XGBRegressor({ nEstimators: 1000, maxDepth: 4, nThread: 2 });
    const ac = new AbortController();
    await assert.rejects(
      m.fitAsync(train.X, train.y, { signal: ac.signal, onIteration: (i) => i.iteration === 5 && ac.abort() }),
      { name: 'AbortError' },
    );
    assert.equal(m.isFitted, false);
    m.dispose();
  });

  test('dispose() during fitAsync stops training', async () => {
    const m = new XGBRegressor({ nEstimators: 1000, maxDepth: 4, nThread: 2 });
    const training = m.fitAsync(train.X, train.y, { onIteration: (i) => i.iteration === 2 && m.dispose() });
    await assert.rejects(training, /disposed during training/);
    assert.equal(m.isFitted, false);
  });

  test('an exception from onIteration aborts fit and frees the half-built model', () => {
    const m = new XGBRegressor({ nEstimators: 50, nThread: 2 });
    assert.throws(
      () =>
        m.fit(train.X, train.y, {
          onIteration: (i) => {
            if (i.iteration === 3) throw new Error('stop here');
          },
        }),
      /stop here/,
    );
    assert.equal(m.isFitted, false);
    // The object is still usable.
    m.fit(train.X, train.y);
    assert.equal(m.nBoostedRounds, 50);
    m.dispose();
  });

  test('predicts from small (on-heap) arrays and subarray views correctly', () => {
    // Tiny typed arrays live on V8's heap and could move; each must still be read at the right address.
    for (let r = 0; r < 50; r++) {
      const row = Float32Array.from(test_.X.data.subarray(r * 8, r * 8 + 8));
      const garbage = Array.from({ length: 1000 }, (_, i) => ({ i })); // allocation pressure between calls
      assert.equal(model.predict({ rows: 1, cols: 8, data: row })[0], pred[r], `row ${r} (${garbage.length})`);
    }
    const view = test_.X.data.subarray(8 * 10, 8 * 30);
    assert.deepEqual(model.predict({ rows: 20, cols: 8, data: view }), pred.subarray(10, 30));
  });

  test('zero-row prediction gives an empty array; disposed models refuse work', () => {
    const m = new XGBRegressor({ nEstimators: 2 }).fit(train.X, train.y);
    assert.deepEqual(m.predict({ rows: 0, cols: 8, data: new Float32Array(0) }), new Float32Array(0));
    m.dispose();
    m.dispose(); // idempotent
    assert.throws(() => m.predict(test_.X), /disposed/);
    assert.throws(() => m.fit(train.X, train.y), /disposed/);
    assert.throws(() => new XGBRegressor().predict(test_.X), /not fitted/);
  });
});

describe('XGBRegressor continued boosting (initModel)', () => {
  const small = nonlinear(2000, 8, 7);
  const params = { maxDepth: 4, learningRate: 0.1, nThread: 2 };

  test('10 rounds then 10 more on the same rows equal 20 rounds from scratch (no sampling)', () => {
    const first = new XGBRegressor({ ...params, nEstimators: 10 }).fit(small.X, small.y);
    const infos: IterationInfo[] = [];
    const more = new XGBRegressor({ ...params, nEstimators: 10 }).fit(small.X, small.y, { initModel: first, onIteration: (i) => infos.push(i) });
    const whole = new XGBRegressor({ ...params, nEstimators: 20 }).fit(small.X, small.y);
    try {
      assert.equal(first.nBoostedRounds, 10, 'the init model is left as it was');
      assert.equal(more.nBoostedRounds, 20);
      assert.deepEqual(infos.map((i) => i.iteration), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const a = more.predict(test_.X);
      const b = whole.predict(test_.X);
      for (let i = 0; i < a.length; i++) assert.ok(Math.abs(a[i]! - b[i]!) < 1e-5, `row ${i}: ${a[i]} vs ${b[i]}`);
      assert.notDeepEqual(a, first.predict(test_.X));
    } finally {
      for (const m of [first, more, whole]) m.dispose();
    }
  });

  test('continuing on other rows fits their residuals; a model may continue from itself', () => {
    const shifted = { X: small.X, y: small.y.map((v) => v + 1) };
    const m = new XGBRegressor({ ...params, nEstimators: 30 }).fit(small.X, small.y);
    const before = rmse(m.predict(small.X), shifted.y);
    m.fit(shifted.X, shifted.y, { initModel: m });
    try {
      assert.equal(m.nBoostedRounds, 60);
      const after_ = rmse(m.predict(small.X), shifted.y);
      assert.ok(after_ < 0.5 * before, `rmse on the shifted labels ${after_} vs ${before} before`);
    } finally {
      m.dispose();
    }
  });

  test('a feature count that differs from the init model is an InputError', () => {
    const m = new XGBRegressor({ ...params, nEstimators: 2 }).fit(small.X, small.y);
    const narrow = { rows: 2, cols: 3, data: new Float32Array(6) };
    try {
      assert.throws(() => new XGBRegressor({ ...params, nEstimators: 2 }).fit(narrow, [1, 2], { initModel: m }), /X has 3 columns but initModel was trained on 8 features/);
    } finally {
      m.dispose();
    }
  });
});
