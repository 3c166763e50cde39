/** Nearest items by cosine similarity of embeddings, and unknown ids as data (issue code unknown_id). */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { InputError, type RSAttAE } from 'rsattae';
import { UNKNOWN_ID } from 'rsattae/data';
import { cosineNeighbours, similarItems } from 'rsattae/model';
import { tinyModel } from '../serve/helpers.js';

// rows: 0 = (1, 0), 1 = (2, 0.1) nearly parallel to 0, 2 = (0, 1) orthogonal, 3 = (-1, 0) opposite, 4 = zero
const M = { rows: 5, cols: 2, data: Float32Array.of(1, 0, 2, 0.1, 0, 1, -1, 0, 0, 0) };

test('cosineNeighbours: by cosine (not by length), the row itself excluded, zero rows at 0, ties to the lower index', () => {
  const n = cosineNeighbours(M, 0, 4);
  assert.deepEqual(
    n.map((x) => x.index),
    [1, 2, 4, 3],
  );
  assert.ok(Math.abs(n[0].similarity - 2 / Math.hypot(2, 0.1)) < 1e-6);
  assert.equal(n[1].similarity, 0);
  assert.equal(n[2].similarity, 0, 'a zero embedding is similar to nothing');
  assert.equal(n[3].similarity, -1);
  assert.deepEqual(
    cosineNeighbours(M, 0, 2).map((x) => x.index),
    [1, 2],
  );
  assert.equal(cosineNeighbours(M, 0, 100).length, 4, 'at most every other row');
  // from the zero row every similarity is 0: ties go to the lower index
  assert.deepEqual(
    cosineNeighbours(M, 4, 3).map((x) => [x.index, x.similarity]),
    [
      [0, 0],
      [1, 0],
      [2, 0],
    ],
  );
  for (const k of [0, -1, 1.5, Number.NaN]) assert.throws(() => cosineNeighbours(M, 0, k), InputError);
  assert.throws(() => cosineNeighbours(M, 5, 1), RangeError);
});

let model: RSAttAE;
before(async () => {
  model = await tinyModel(1);
});
after(() => model?.dispose());

test('similarItems: external ids and titles, agreeing with cosineNeighbours on the item embeddings', () => {
  const sims = similarItems(model, 7, 5);
  assert.equal(sims.length, 5);
  const want = cosineNeighbours(model.parts.blocks.itemEmbeddings, model.itemIndex(7), 5);
  assert.deepEqual(
    sims.map((s) => [s.item, s.similarity]),
    want.map((w) => [model.parts.items.id(w.index), w.similarity]),
  );
  assert.equal(sims[0].title, `Item ${sims[0].item}`);
  assert.ok(!sims.some((s) => s.item === '7'));
});

test('unknown ids throw InputError with issue code unknown_id (what the server answers 404 for)', () => {
  for (const f of [() => similarItems(model, 'nope'), () => model.predict('nope', 1), () => model.recommend(999)]) {
    assert.throws(f, (err: unknown) => {
      assert.ok(err instanceof InputError);
      assert.equal(err.code, UNKNOWN_ID);
      assert.equal(err.issues.length, 1);
      return true;
    });
  }
  assert.deepEqual(
    (() => {
      try {
        model.predict(1, 'x');
      } catch (err) {
        return (err as InputError).issues[0];
      }
    })(),
    { code: UNKNOWN_ID, path: ['item'], message: 'unknown item id "x"' },
  );
});
