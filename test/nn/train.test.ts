import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import type { CsrMatrix } from '../../src/core/types.js';
import { loadAutoencoder, type SideData, trainAutoencoder, trainAutoencoderInWorker } from '../../src/nn/index.js';
import { mergeCsr } from '../../src/nn/sparse.js';

/** Ratings from a rank-2 model whose factors depend on 6 feature groups, observed at 30%, 20% of them validation. */
function lowRank(seed: number): SideData & { meanRmse: number } {
  const rng = createRng(seed);
  const n = 150;
  const m = 90;
  const G = 6;
  const protoU = Array.from({ length: G }, () => [rng.nextNormal(), rng.nextNormal()]);
  const u = Array.from({ length: n }, (_, i) => protoU[i % G].map((x) => x + 0.3 * rng.nextNormal()));
  const v = Array.from({ length: m }, () => [rng.nextNormal(), rng.nextNormal()]);
  const rows: [number, number, number, boolean][] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < m; j++) {
      if (rng.next() >= 0.3) continue;
      const r = Math.min(5, Math.max(1, Math.round(3 + 0.8 * (u[i][0] * v[j][0] + u[i][1] * v[j][1]))));
      rows.push([i, j, r, rng.next() < 0.2]);
    }
  }
  const build = (val: boolean): CsrMatrix => {
    const sel = rows.filter((x) => x[3] === val);
    const indptr = new Int32Array(n + 1);
    for (const [i] of sel) indptr[i + 1]++;
    for (let i = 0; i < n; i++) indptr[i + 1] += indptr[i];
    return { rows: n, cols: m, indptr, indices: Int32Array.from(sel, (x) => x[1]), values: Float32Array.from(sel, (x) => x[2]) };
  };
  const train = build(false);
  const validation = build(true);
  const mean = train.values.reduce((a, b) => a + b, 0) / train.values.length;
  const meanRmse = Math.sqrt(validation.values.reduce((a, b) => a + (b - mean) ** 2, 0) / validation.values.length);
  const data = new Float32Array(n * G);
  for (let i = 0; i < n; i++) data[i * G + (i % G)] = 1;
  return { train, validation, features: { rows: n, cols: G, data, names: Array.from({ length: G }, (_, g) => `g${g}`) }, meanRmse };
}

describe('trainAutoencoder', () => {
  const problem = lowRank(3);

  for (const model of ['attention', 'vanilla'] as const) {
    it(`${model}: validation RMSE far below the mean predictor's on a low-rank matrix`, async () => {
      const res = await trainAutoencoder(problem, { model, dim: 8, epochs: 400, learningRate: 0.01, seed: 1 });
      assert.equal(res.epochsRun, 400);
      assert.equal(res.history.validationRmse.length, 400);
      assert.ok(res.bestValidationRmse < 0.75 * problem.meanRmse, `best ${res.bestValidationRmse} vs mean predictor ${problem.meanRmse}`);
      assert.equal(res.bestValidationRmse, Math.min(...res.history.validationRmse));
      assert.equal(res.history.validationRmse[res.bestEpoch - 1], res.bestValidationRmse);
      assert.ok(res.history.trainLoss[399] < res.history.trainLoss[0]);
      assert.equal(res.embeddings.rows, 150);
      assert.equal(res.embeddings.cols, 8);
      if (model === 'attention') {
        assert.equal(res.attended?.rows, 150);
        assert.ok(Number.isFinite(res.alpha) && res.alpha !== 0.5);
      } else {
        assert.equal(res.attended, undefined);
        assert.ok(Number.isNaN(res.alpha));
      }
    });
  }

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: same seed gives identical weights and curves, another seed does not`, async () => {
      const cfg = { dim: 8, epochs: 15, seed: 5, backend };
      const a = await trainAutoencoder(problem, cfg);
      const b = await trainAutoencoder(problem, cfg);
      const c = await trainAutoencoder(problem, { ...cfg, seed: 6 });
      assert.deepEqual(a.history.trainLoss, b.history.trainLoss);
      assert.deepEqual(a.history.validationRmse, b.history.validationRmse);
      assert.deepEqual(a.weights().w1, b.weights().w1);
      assert.deepEqual(a.embeddings.data, b.embeddings.data);
      assert.notDeepEqual(a.history.trainLoss, c.history.trainLoss);
    });
  }

  it('restore best vs last, patience stops early, onEpoch reports every epoch', async () => {
    const seen: number[] = [];
    const best = await trainAutoencoder(problem, { dim: 4, epochs: 60, learningRate: 0.05, seed: 2 }, { onEpoch: (e) => seen.push(e.epoch) });
    const last = await trainAutoencoder(problem, { dim: 4, epochs: 60, learningRate: 0.05, seed: 2, restore: 'last' });
    assert.deepEqual(seen, Array.from({ length: 60 }, (_, i) => i + 1));
    assert.deepEqual(best.history.validationRmse, last.history.validationRmse);
    if (best.bestEpoch < 60) assert.notDeepEqual(best.embeddings.data, last.embeddings.data);
    const early = await trainAutoencoder(problem, { dim: 4, epochs: 2000, learningRate: 0.05, seed: 2, patience: 5 });
    assert.ok(early.epochsRun < 2000);
    assert.equal(early.epochsRun - early.bestEpoch, 5);
    // 0 = never stop early, the same run as unset
    const off = await trainAutoencoder(problem, { dim: 4, epochs: 60, learningRate: 0.05, seed: 2, patience: 0 });
    assert.equal(off.epochsRun, 60);
    assert.deepEqual(off.history.validationRmse, best.history.validationRmse);
  });

  it('groups is G, the distinct feature rows: 6 here, 1 without features, null for the vanilla model', async () => {
    const cfg = { dim: 4, epochs: 2, seed: 1 };
    assert.equal((await trainAutoencoder(problem, cfg)).groups, 6);
    // a side with no feature table: every row is the empty "no features" row, one group
    const none = { rows: 150, cols: 0, data: new Float32Array(0), names: [] };
    assert.equal((await trainAutoencoder({ ...problem, features: none }, cfg)).groups, 1);
    // two rows that differ in one feature split a group
    const data = problem.features.data.slice();
    data[6 * 6 + 3] = 0.5;
    assert.equal((await trainAutoencoder({ ...problem, features: { ...problem.features, data } }, cfg)).groups, 7);
    assert.equal((await trainAutoencoder(problem, { ...cfg, model: 'vanilla' })).groups, null);
  });

  it('aborts through the signal', async () => {
    const ac = new AbortController();
    await assert.rejects(
      trainAutoencoder(problem, { dim: 4, epochs: 100 }, { signal: ac.signal, onEpoch: (e) => e.epoch === 3 && ac.abort(new Error('stop')) }),
      /stop/,
    );
  });

  it('rejects bad configurations as InputErrors naming the field, with code and path as data', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ dim: 0 }, 'too_small', /invalid autoencoder configuration: dim: Too small/],
      [{ dropout: 1 }, 'too_big', /dropout: Too big/],
      [{ epochs: 2.5 }, 'invalid_type', /epochs: /],
      [{ learningRate: 0 }, 'too_small', /learningRate: /],
      [{ backend: 'gpu' }, 'invalid_value', /backend: /],
      [{ dimm: 8 }, 'unrecognized_keys', /Unrecognized key: "dimm"/],
    ];
    for (const [config, code, message] of cases) {
      await assert.rejects(trainAutoencoder(problem, config), (e: unknown) => {
        assert.ok(e instanceof InputError, `${JSON.stringify(config)}: ${String(e)}`);
        assert.equal(e.code, code, JSON.stringify(config));
        assert.match(e.message, message);
        if (code !== 'unrecognized_keys') assert.deepEqual(e.path, Object.keys(config));
        return true;
      });
    }
  });

  it("rejects caller data that does not fit (shapes, malformed CSR, no ratings) as InputErrors", async () => {
    const bad = (data: SideData, message: RegExp) =>
      assert.rejects(trainAutoencoder(data, { dim: 4, epochs: 1 }), (e: unknown) => e instanceof InputError && message.test(e.message));
    await bad({ ...problem, features: { ...problem.features, rows: 3 } }, /features have 3 rows, ratings have 150/);
    await bad({ ...problem, validation: { ...problem.validation, cols: 91 } }, /validation is 150x91, train is 150x90/);
    const reversed = { ...problem.train, indices: problem.train.indices.slice().reverse() };
    await bad({ ...problem, train: reversed }, /^train: /);
    const empty: CsrMatrix = { rows: 150, cols: 90, indptr: new Int32Array(151), indices: new Int32Array(0), values: new Float32Array(0) };
    await bad({ ...problem, train: empty }, /no training ratings/);
  });

  it('save → load → embed gives identical results; embed(train+validation) equals the embeddings', async () => {
    const res = await trainAutoencoder(problem, { dim: 8, epochs: 10, seed: 9 });
    const all = mergeCsr(problem.train, problem.validation);
    assert.deepEqual(res.embed(all).data, res.embeddings.data);
    const dir = await mkdtemp(join(tmpdir(), 'rsattae-nn-'));
    try {
      await res.save(dir);
      const back = await loadAutoencoder(dir);
      assert.deepEqual(back.weights().w1, res.weights().w1);
      assert.deepEqual(back.embeddings, res.embeddings);
      assert.deepEqual(back.attended, res.attended);
      assert.deepEqual(back.history, res.history);
      assert.equal(back.bestEpoch, res.bestEpoch);
      assert.equal(back.alpha, res.alpha);
      assert.equal(back.groups, 6);
      // a cold-start row: two ratings only
      const cold: CsrMatrix = { rows: 1, cols: 90, indptr: Int32Array.of(0, 2), indices: Int32Array.of(4, 17), values: Float32Array.of(5, 2) };
      const e = back.embed(cold);
      assert.equal(e.rows, 1);
      assert.deepEqual(e.data, res.embed(cold).data);
      assert.throws(() => back.embed({ ...cold, cols: 91 }), InputError);
      assert.throws(() => back.embed({ ...cold, indices: Int32Array.of(4, 95) }), (e: unknown) => e instanceof InputError && /embed input: column 95/.test(e.message));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('trainAutoencoder with the streamed and column-blocked kernels forced (threshold 0)', () => {
  const problem = lowRank(4);
  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: the same curves, weights and embeddings as the classic kernels`, async () => {
      const cfg = { dim: 8, epochs: 12, seed: 3, backend };
      const classic = await trainAutoencoder(problem, cfg, { streamThresholdBytes: Number.POSITIVE_INFINITY });
      const streamed = await trainAutoencoder(problem, cfg, { streamThresholdBytes: 0 });
      assert.ok(classic.history.trainLoss[11] < classic.history.trainLoss[0]);
      assert.deepEqual(streamed.history, classic.history);
      assert.deepEqual(streamed.weights().w1, classic.weights().w1);
      assert.deepEqual(streamed.weights().w4, classic.weights().w4);
      assert.deepEqual(streamed.embeddings, classic.embeddings);
      assert.deepEqual(streamed.attended, classic.attended);
      // blocks of 3 columns: several blocks per row
      const blocked = await trainAutoencoder(problem, cfg, { streamThresholdBytes: 0, blockCols: 3 });
      assert.deepEqual(blocked.history, classic.history);
      assert.deepEqual(blocked.weights().w1, classic.weights().w1);
      assert.deepEqual(blocked.embeddings, classic.embeddings);
    });
  }

  it('in a worker, the threshold reaches the training thread (same result as here)', async () => {
    const cfg = { dim: 8, epochs: 5, seed: 3 };
    const here = await trainAutoencoder(problem, cfg, { streamThresholdBytes: 0 });
    const there = await trainAutoencoderInWorker(problem, cfg, { streamThresholdBytes: 0, blockCols: 3 });
    assert.deepEqual(there.history, here.history);
  });
});

describe('loadAutoencoder', () => {
  it('reports missing, foreign, damaged and truncated files as InputErrors', async () => {
    const res = await trainAutoencoder(lowRank(3), { dim: 4, epochs: 3, seed: 1 });
    const dir = await mkdtemp(join(tmpdir(), 'rsattae-nn-'));
    const header = join(dir, 'model.json');
    const rejects = (message: RegExp) => assert.rejects(loadAutoencoder(dir), (e: unknown) => e instanceof InputError && message.test(e.message));
    try {
      await rejects(/cannot read .*model\.json/);
      await res.save(dir);
      const good = await readFile(header, 'utf8');
      await writeFile(header, '{"format": ');
      await rejects(/model\.json: not JSON/);
      await writeFile(header, good.replace('"rsattae-autoencoder"', '"something-else"'));
      await rejects(/model\.json is not an rsattae autoencoder header: format: /);
      await writeFile(header, good.replace(/"dim": \d+/, '"dim": -4'));
      await rejects(/config\.dim: Too small/);
      await writeFile(header, good);
      await truncate(join(dir, 'model.bin'), 4 * 10);
      await rejects(/model\.bin is truncated \(section params\)/);
      await truncate(join(dir, 'model.bin'), 4 * 10 + 1);
      await rejects(/not a multiple of 4/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('trainAutoencoderInWorker', () => {
  const problem = lowRank(5);

  for (const backend of ['wasm', 'cpu'] as const) {
    it(`${backend}: equals training in this thread, bit for bit, and reports every epoch here`, async () => {
      const config = { dim: 8, epochs: 30, learningRate: 0.01, seed: 7, backend };
      const here = await trainAutoencoder(problem, config);
      const seen: number[] = [];
      const there = await trainAutoencoderInWorker(problem, config, { onEpoch: (e) => seen.push(e.epoch) });
      assert.deepEqual(seen, Array.from({ length: 30 }, (_, i) => i + 1));
      assert.deepEqual(there.embeddings.data, here.embeddings.data);
      assert.deepEqual(there.attended?.data, here.attended?.data);
      assert.deepEqual(there.weights().alpha, here.weights().alpha);
      assert.deepEqual(there.history.validationRmse, here.history.validationRmse);
      assert.equal(there.bestEpoch, here.bestEpoch);
      assert.equal(there.groups, here.groups);
      assert.deepEqual(there.embed(problem.validation).data, here.embed(problem.validation).data);
    });
  }

  it('rejects with the same error class and data as in this thread', async () => {
    await assert.rejects(trainAutoencoderInWorker(problem, { dim: 0 }), (e: unknown) => {
      assert.ok(e instanceof InputError, String(e));
      assert.match(e.message, /invalid autoencoder configuration: dim: Too small/);
      assert.deepEqual(e.issues.map((i) => [i.code, i.path]), [['too_small', ['dim']]]);
      return true;
    });
  });

  it('aborting terminates the worker and rejects with the reason', { timeout: 60_000 }, async () => {
    const ac = new AbortController();
    const run = trainAutoencoderInWorker(problem, { dim: 8, epochs: 100000 }, { signal: ac.signal, onEpoch: (e) => e.epoch === 3 && ac.abort(new Error('stop here')) });
    await assert.rejects(run, /stop here/);
  });
});
