/**
 * The score matrix kept with `precompute`: known pairs are answered by lookup with exactly the booster's values (and
 * without waiting in the work queue), the cap turns it off, and recommendations from it equal the library's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { RSAttAE } from 'rsattae';
import { buildApp, loadServed, ModelHolder, scoreMatrixBytes, scorePairs } from 'rsattae/serve';
import { precomputed } from '../../src/serve/model-holder.js';
import { tempDir } from '../data/helpers.js';
import { tinyBundle } from './helpers.js';

/** Every (user, item) index pair of a users × items model, user-major. */
function allPairs(users: number, items: number): { u: Int32Array; i: Int32Array } {
  const u = new Int32Array(users * items);
  const i = new Int32Array(users * items);
  for (let a = 0; a < users; a++) for (let b = 0; b < items; b++) [u[a * items + b], i[a * items + b]] = [a, b];
  return { u, i };
}

describe('score matrix (precompute + cap)', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let model: RSAttAE;
  let dir: string;
  before(async () => {
    tmp = await tempDir();
    ({ dir, model } = await tinyBundle(tmp.path, 'model', 4));
  });
  after(async () => {
    model?.dispose();
    await tmp?.cleanup();
  });

  test('kept under the cap: every known pair looked up equals the booster prediction exactly', async () => {
    const served = await loadServed(dir, { precompute: 3, scoreCacheBytes: scoreMatrixBytes(30, 40) });
    try {
      assert.ok(served.scores, 'a matrix exactly at the cap is kept');
      assert.equal(served.info.scoreCacheBytes, 30 * 40 * 4);
      const { u, i } = allPairs(30, 40);
      const booster = model.predictIndices(u, i);
      assert.deepEqual(served.scores, booster, 'matrix = one predict call over all pairs');
      // a request-sized batch in a scrambled order, with repeats, looked up
      const order = Int32Array.from({ length: 300 }, (_, k) => (k * 7919) % 1200);
      const looked = scorePairs(served, Int32Array.from(order, (p) => u[p]), Int32Array.from(order, (p) => i[p]));
      assert.deepEqual(looked, Float32Array.from(order, (p) => booster[p]));
      assert.equal(looked[0], model.predict(1, 1));
      assert.equal(scorePairs(served, Int32Array.of(4), Int32Array.of(8))[0], model.predict(5, 9));
    } finally {
      served.model.dispose();
    }
  });

  test('recommendations from the matrix (k beyond the precomputed lists) equal the library', async () => {
    const served = await loadServed(dir, { precompute: 2 });
    try {
      assert.ok(served.scores, 'the default cap keeps a small matrix');
      for (const u of [0, 11, 29]) {
        for (const k of [1, 2, 3, 7, 40]) assert.deepEqual(precomputed(served, u, k), model.recommend(u + 1, k), `user ${u + 1}, k ${k}`);
      }
    } finally {
      served.model.dispose();
    }
  });

  test('over the cap, or without precompute: no matrix, predictions from the booster, the same values', async () => {
    for (const opts of [{ precompute: 3, scoreCacheBytes: scoreMatrixBytes(30, 40) - 1 }, { precompute: 3, scoreCacheBytes: 0 }, {}]) {
      const served = await loadServed(dir, opts);
      const holder = new ModelHolder(served, dir, opts);
      try {
        assert.equal(served.scores, undefined, JSON.stringify(opts));
        assert.equal(served.info.scoreCacheBytes, null);
        assert.equal(precomputed(served, 0, 10), undefined, 'k over the precomputed lists and no matrix: the booster');
        const { app } = buildApp(holder);
        const res = await app.inject({ method: 'POST', url: '/v1/predictions', payload: { pairs: [{ user: '3', item: '4' }, { user: '30', item: '1' }] } });
        assert.equal(res.statusCode, 200, res.body);
        const got = (res.json() as { predictions: { rating: number }[] }).predictions.map((p) => p.rating);
        assert.deepEqual(got, Array.from(model.predictIndices(Int32Array.of(2, 29), Int32Array.of(3, 0))));
        await app.close();
      } finally {
        holder.close();
      }
    }
  });

  test('a batch answered from the matrix does not wait in the work queue; one needing the booster does', async () => {
    const body = { pairs: [{ user: '3', item: '4' }] };
    for (const [opts, queued] of [
      [{ precompute: 2 }, false],
      [{}, true],
    ] as const) {
      const holder = new ModelHolder(await loadServed(dir, opts), dir, opts);
      const { app, queue } = buildApp(holder);
      try {
        queue.pause();
        let answered = false;
        const res = app.inject({ method: 'POST', url: '/v1/predictions', payload: body }).then((r) => {
          answered = true;
          return r;
        });
        for (let t = 0; t < 20; t++) await new Promise((r) => setImmediate(r));
        assert.equal(answered, !queued, JSON.stringify(opts));
        assert.equal(queue.pending, queued ? 1 : 0);
        queue.resume();
        const r = await res;
        assert.equal(r.statusCode, 200, r.body);
        assert.equal((r.json() as { predictions: { rating: number }[] }).predictions[0].rating, model.predict(3, 4));
      } finally {
        await app.close();
        holder.close();
      }
    }
  });
});
