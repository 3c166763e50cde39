import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { concatRatings, type Ratings, RSAttAE, type RSAttAEFitOptions } from 'rsattae';
import { createRng, ratingsToCsr, selectRatings } from 'rsattae/data';
import { leaveOneOutEmbeddings } from 'rsattae/model';
import { needsRealData, REPO_ROOT, realDataDir, tempDir } from '../data/helpers.js';
import { meanRmse, synthetic } from './synthetic.js';

// parallel 'always': the main model trains in worker threads even on a 1-core machine (compared below with sequential)
const CONFIG = {
  seed: 3,
  autoencoder: { dim: 8, epochs: 100, learningRate: 0.01, parallel: 'always' as const },
  xgboost: { nEstimators: 60, learningRate: 0.1, maxDepth: 4, colsampleBytree: 0.8, nThread: 2 },
};

/** Fit hooks that log stage starts and user-side epochs: the order tells the worker path from the sequential one. */
function logEvents(log: string[]): RSAttAEFitOptions {
  return {
    onStage: (s) => log.push(`start ${s}`),
    onProgress: (p) => {
      if (p.stage === 'users') log.push('users epoch');
    },
  };
}

describe('RSAttAE end to end on synthetic data', () => {
  const { data, test: testSet } = synthetic(60, 80, 11);
  let model: RSAttAE;
  let tmp: { path: string; cleanup: () => Promise<void> };
  const mainEvents: string[] = [];
  before(async () => {
    model = await RSAttAE.fit(data, CONFIG, logEvents(mainEvents));
    tmp = await tempDir();
  });
  after(async () => {
    model?.dispose();
    await tmp?.cleanup();
  });

  test('learns: test RMSE well below the mean predictor', () => {
    const m = model.evaluate(testSet);
    const base = meanRmse(data.train, testSet);
    assert.ok(m.rmse < 0.9 * base, `rmse ${m.rmse} vs mean predictor ${base}`);
    assert.equal(m.count, testSet.rating.length);
    const r = model.report!;
    assert.ok(r.seconds.total > 0 && r.autoencoders.users.epochs === 100 && r.autoencoders.movies.epochs === 100);
    assert.equal(r.curves.users.validationRmse.length, 100);
  });

  test('predict takes 1-based ids and rejects unknown ones', () => {
    const p = model.predict(1, 1);
    assert.ok(Number.isFinite(p) && p > 0 && p < 6, `prediction ${p}`);
    assert.equal(p, model.predictIndices(Int32Array.of(0), Int32Array.of(0))[0]);
    assert.throws(() => model.predict(0, 1), /unknown user id "0"/);
    assert.throws(() => model.predict(61, 1), /unknown user id "61"; the model knows 1, 2, 3, …, 60 \(60 in all\)/);
    assert.throws(() => model.predict(1, 81), /unknown item id "81"/);
  });

  test('recommend skips rated items and sorts by score', () => {
    const recs = model.recommend(5, 7);
    assert.equal(recs.length, 7);
    const rated = new Set<string>();
    for (const r of [data.train, data.validation]) for (let k = 0; k < r.user.length; k++) if (r.user[k] === 4) rated.add(String(r.item[k] + 1));
    for (const r of recs) assert.ok(!rated.has(r.item), `item ${r.item} was rated`);
    for (let j = 1; j < recs.length; j++) assert.ok(recs[j - 1].score >= recs[j].score);
    assert.equal(recs[0].title, `Item ${recs[0].item}`);
    assert.ok(Math.abs(recs[0].score - model.predict(5, recs[0].item)) < 1e-6);
    assert.throws(() => model.recommend(5, 0), /k must be a positive integer/);
  });

  test('same seed, same model: worker threads (parallel) and one after the other (sequential) agree bit for bit', async () => {
    const events: string[] = [];
    const again = await RSAttAE.fit(data, { ...CONFIG, autoencoder: { ...CONFIG.autoencoder, parallel: false } }, logEvents(events));
    try {
      // in the workers both modules start before the first epoch; one after the other, movies waits for all 100
      assert.deepEqual(mainEvents.slice(0, 3), ['start users', 'start movies', 'users epoch']);
      assert.equal(events.indexOf('start movies'), 101);
      assert.deepEqual(again.parts.blocks.userEmbeddings.data, model.parts.blocks.userEmbeddings.data);
      assert.deepEqual(again.parts.blocks.itemEmbeddings.data, model.parts.blocks.itemEmbeddings.data);
      const a = model.predictIndices(testSet.user, testSet.item);
      const b = again.predictIndices(testSet.user, testSet.item);
      assert.deepEqual(b, a);
    } finally {
      again.dispose();
    }
  });

  test('bundle round trip gives identical predictions; damage is reported', async () => {
    const dir = join(tmp.path, 'model');
    await model.save(dir, { metrics: { test: { rmse: 1, mae: 1 } } });
    const loaded = await RSAttAE.load(dir, { autoencoders: true });
    try {
      assert.deepEqual(loaded.predictIndices(testSet.user, testSet.item), model.predictIndices(testSet.user, testSet.item));
      assert.deepEqual(loaded.recommend(5, 7), model.recommend(5, 7));
      assert.deepEqual(loaded.config, model.config);
    } finally {
      loaded.dispose();
    }
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { formatVersion: number; metrics: { test: unknown } };
    assert.deepEqual(manifest.metrics.test, { rmse: 1, mae: 1 });

    // saving another model over an existing bundle replaces it whole: new content in, every old file gone
    await writeFile(join(dir, 'stray-old-file.txt'), 'from the old bundle');
    const other = await RSAttAE.fit(data, { ...CONFIG, seed: 4, autoencoder: { ...CONFIG.autoencoder, parallel: false } });
    try {
      await other.save(dir);
      const replaced = await RSAttAE.load(dir);
      try {
        const want = other.predictIndices(testSet.user, testSet.item);
        assert.deepEqual(replaced.predictIndices(testSet.user, testSet.item), want);
        // (the stacks may both pick a seed-free member on this small set: the boosters tell the models apart)
        assert.notDeepEqual(replaced.parts.xgb.saveModelToBuffer('ubj'), model.parts.xgb.saveModelToBuffer('ubj'), 'the two models differ');
        assert.equal(replaced.config.seed, 4);
      } finally {
        replaced.dispose();
      }
    } finally {
      other.dispose();
    }
    const m2 = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as { metrics: { test?: unknown } };
    assert.equal(m2.metrics.test, undefined, 'the old manifest (with test metrics) is gone');
    assert.deepEqual((await readdir(dir)).filter((f) => f.startsWith('stray')), []);
    assert.deepEqual(await readdir(tmp.path), ['model'], 'no staging or old folders left beside it');
    await model.save(dir, { metrics: { test: { rmse: 1, mae: 1 } } });

    const emb = join(dir, 'item-embeddings.f32');
    const original = await readFile(emb);
    await writeFile(emb, original.subarray(0, original.length - 8));
    await assert.rejects(RSAttAE.load(dir), /item-embeddings\.f32 has \d+ bytes, the manifest says \d+ \(truncated/);
    const edited = Buffer.from(original);
    edited[10] ^= 0xff;
    await writeFile(emb, edited);
    await assert.rejects(RSAttAE.load(dir), /item-embeddings\.f32 does not match its checksum/);
    await writeFile(emb, original);
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, formatVersion: 99 }));
    await assert.rejects(RSAttAE.load(dir), /bundle format version 99 is not supported/);
    await assert.rejects(RSAttAE.load(join(tmp.path, 'nothing')), /no manifest\.json here/);
  });

  test('CLI predict and recommend: answers, and exit 2 for unknown ids', async () => {
    const dir = join(tmp.path, 'cli-model');
    await model.save(dir);
    const bin = join(REPO_ROOT, 'bin', 'rsattae');
    const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
    const ok = run('predict', '--model', dir, '--user', '3', '--item', '4', '--json');
    assert.equal(ok.status, 0, ok.stderr);
    const got = JSON.parse(ok.stdout) as { rating: number };
    assert.ok(Math.abs(got.rating - model.predict(3, 4)) < 1e-3);
    const rec = run('recommend', '--model', dir, '--user', '5', '-k', '3', '--json');
    assert.equal(rec.status, 0, rec.stderr);
    assert.deepEqual(
      (JSON.parse(rec.stdout) as { items: { item: number }[] }).items.map((r) => r.item),
      model.recommend(5, 3).map((r) => r.item),
    );
    const badUser = run('predict', '--model', dir, '--user', '999', '--item', '1');
    assert.equal(badUser.status, 2);
    assert.match(badUser.stderr, /unknown user id "999"/);
    const badItem = run('recommend', '--model', dir, '--user', '1000');
    assert.equal(badItem.status, 2);
    assert.match(badItem.stderr, /unknown user id "1000"/);
    const noModel = run('predict', '--model', join(tmp.path, 'missing'), '--user', '1', '--item', '1');
    assert.equal(noModel.status, 2);
    assert.match(noModel.stderr, /no manifest\.json/);
  });

  test('leave-one-out embeddings equal the encoder on the row without that rating', () => {
    const users = model.parts.userAutoencoder!;
    const movies = model.parts.itemAutoencoder!;
    const all = concatRatings(data.train, data.validation);
    const byUser = ratingsToCsr(all, data.nUsers, data.nItems, 'user');
    const byItem = ratingsToCsr(all, data.nItems, data.nUsers, 'item');
    const pick = Int32Array.of(0, 5, 17);
    const u = Int32Array.from(pick, (k) => all.user[k]);
    const i = Int32Array.from(pick, (k) => all.item[k]);
    const loo = leaveOneOutEmbeddings(u, i, byUser, byItem, users, movies);
    for (let j = 0; j < pick.length; j++) {
      const k = pick[j];
      const rest = selectRatings(all, Array.from({ length: all.rating.length }, (_, q) => q).filter((q) => q !== k));
      const eu = users.embed(ratingsToCsr(rest, data.nUsers, data.nItems, 'user'));
      const d = eu.cols;
      const want = eu.data.subarray(u[j] * d, (u[j] + 1) * d);
      const got = loo.userEmbeddings.data.subarray(j * d, (j + 1) * d);
      for (let c = 0; c < d; c++) assert.ok(Math.abs(want[c] - got[c]) < 1e-5, `pair ${k} dim ${c}: ${got[c]} vs ${want[c]}`);
      const full = model.parts.blocks.userEmbeddings.data.subarray(u[j] * d, (u[j] + 1) * d);
      assert.ok(full.some((x, c) => Math.abs(x - got[c]) > 1e-6), 'removing the rating changes the embedding');
    }
  });

  for (const embeddings of ['leave-one-out', 'out-of-fold'] as const) {
    test(`${embeddings} embeddings train and predict`, async () => {
      const m2 = await RSAttAE.fit(data, { ...CONFIG, embeddings, folds: 3 });
      try {
        const m = m2.evaluate(testSet);
        assert.ok(m.rmse < meanRmse(data.train, testSet), `${embeddings} rmse ${m.rmse}`);
      } finally {
        m2.dispose();
      }
    });
  }

  test('bad configuration names the field', async () => {
    await assert.rejects(RSAttAE.fit(data, { autoencoder: { dim: 0 } }), /autoencoder\.dim/);
    await assert.rejects(RSAttAE.fit(data, { valFraction: 1.5 }), /valFraction/);
  });
});

describe('RSAttAE on the real ML-100K u1 (few epochs and trees)', { skip: needsRealData() }, () => {
  // Measured 2026-11-29: seeds 42, 1, 2 reach 0.9696, 0.9682, 0.9681 (global mean 1.1537). Defects measured on the
  // same run: user embeddings misaligned by one row 1.047, item embeddings 1.093, 5 trees instead of 80 2.11. The
  // bound leaves 0.01 for seeds and machines, well short of any of those.
  test('reaches the RMSE a correct few-epoch run reaches', async () => {
    const { loadMovieLensSplit } = await import('rsattae');
    const { data, test: testSet } = await loadMovieLensSplit({
      dataset: 'ml-100k',
      split: 'u1',
      valFraction: 0.1,
      seed: 42,
      dataDir: realDataDir()!,
      fetch: false,
    });
    // the booster alone: the stack's Bayesian FM would reach well below these bounds whatever the booster does
    const model = await RSAttAE.fit(data, {
      blend: [],
      autoencoder: { epochs: 40 },
      xgboost: { nEstimators: 80, learningRate: 0.1, maxDepth: 6 },
    });
    try {
      const m = model.evaluate(testSet);
      const base = meanRmse(data.train, testSet);
      assert.ok(m.rmse < 0.98, `test rmse ${m.rmse} (a correct run: 0.968-0.970; global mean ${base})`);
      assert.ok(m.rmse > 0.9, `test rmse ${m.rmse} is better than the full paper configuration: leakage?`);
    } finally {
      model.dispose();
    }
  });
});

describe('RSAttAE on a general dataset: string ids, half stars, features on one side only, cold users', () => {
  test('trains, predicts by external id, and scores users without training ratings from their features', async () => {
    const { IdMap, prepareData } = await import('rsattae');
    const rng = createRng(5);
    const nUsers = 50;
    const nItems = 40;
    const users = IdMap.fromIds(Array.from({ length: nUsers }, (_, u) => `u_${String(u).padStart(4, '0')}`));
    const items = IdMap.fromIds(Array.from({ length: nItems }, (_, i) => `tt${1000 + i}`));
    const group = Array.from({ length: nUsers }, (_, u) => u % 3);
    const rows: [number, number, number][] = [];
    for (let u = 0; u < nUsers; u++) {
      for (let i = 0; i < nItems; i++) {
        if (rng.next() > 0.4) continue;
        const s = 3 + (group[u] - 1) * 0.8 + ((i % 4) - 1.5) * 0.3 + rng.nextNormal() * 0.3;
        rows.push([u, i, Math.min(5, Math.max(0.5, Math.round(s * 2) / 2))]);
      }
    }
    const ratings: Ratings = {
      user: Int32Array.from(rows, (r) => r[0]),
      item: Int32Array.from(rows, (r) => r[1]),
      rating: Float32Array.from(rows, (r) => r[2]),
      timestamp: new Int32Array(rows.length),
    };
    const ds = {
      name: 'synthetic-csv',
      users,
      items,
      ratings,
      hasTimestamps: false,
      scale: { min: 0.5, max: 5, step: 0.5 },
      userFeatures: {
        source: 'users.csv',
        columns: [{ name: 'group', kind: 'category' as const }],
        ids: users.ids(),
        values: [group.map((g) => `g${g}`)],
      },
      files: {},
    };
    const prepared = prepareData(ds, { split: 'user:0.2', valFraction: 0.1, seed: 3 });
    assert.equal(prepared.split, 'user:0.2');
    assert.equal(prepared.data.itemFeatures.cols, 0, 'no item table: no item feature columns');
    assert.equal(prepared.coldTest.users, prepared.test.rating.length, 'every test rating belongs to a held-out user');
    const model = await RSAttAE.fit(prepared.data, { ...CONFIG, autoencoder: { ...CONFIG.autoencoder, epochs: 60 } });
    try {
      const m = model.evaluate(prepared.test);
      assert.ok(Number.isFinite(m.rmse), `rmse ${m.rmse}`);
      assert.ok(m.rmse < meanRmse(prepared.data.train, prepared.test), `cold users: rmse ${m.rmse} should beat the global mean thanks to the group feature`);
      const p = model.predict('u_0001', 'tt1003');
      assert.ok(p > 0 && p < 6);
      assert.equal(model.recommend('u_0001', 3)[0].item.startsWith('tt'), true);
      assert.throws(() => model.predict('u_9999', 'tt1003'), /unknown user id "u_9999"; the model knows u_0000, u_0001, u_0002, …, u_0049 \(50 in all\)/);
    } finally {
      model.dispose();
    }
  });
});
