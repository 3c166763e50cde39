import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { createRng } from '../../src/core/rng.js';
import type { Ratings } from '../../src/core/types.js';
import { addCsr, csrToDense, ratingsToCsr, transposeCsr } from '../../src/data/csr.js';

function ratings(triples: [number, number, number][]): Ratings {
  return {
    user: Int32Array.from(triples, (t) => t[0]),
    item: Int32Array.from(triples, (t) => t[1]),
    rating: Float32Array.from(triples, (t) => t[2]),
    timestamp: new Int32Array(triples.length),
  };
}

test('ratingsToCsr by user and by item, columns ascending', () => {
  const r = ratings([
    [1, 2, 5],
    [0, 3, 1],
    [1, 0, 4],
    [0, 1, 2],
    [2, 3, 3],
  ]);
  const m = ratingsToCsr(r, 4, 4, 'user');
  assert.deepEqual([...m.indptr], [0, 2, 4, 5, 5]);
  assert.deepEqual([...m.indices], [1, 3, 0, 2, 3]);
  assert.deepEqual([...m.values], [2, 1, 4, 5, 3]);
  const t = ratingsToCsr(r, 4, 4, 'item');
  assert.deepEqual(t, transposeCsr(m));
  assert.deepEqual([...t.indptr], [0, 1, 2, 3, 5]);
  assert.deepEqual([...t.indices], [1, 0, 1, 0, 2]);
  assert.deepEqual(transposeCsr(t), m);
  const dense = csrToDense(m);
  assert.deepEqual([...dense.data.subarray(4, 8)], [4, 0, 5, 0]);
});

test('ratingsToCsr rejects duplicates and out-of-range indices', () => {
  assert.throws(() => ratingsToCsr(ratings([[0, 1, 1], [0, 1, 2]]), 2, 2, 'user'), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /duplicate rating for user index 0, item index 1/);
    return true;
  });
  assert.throws(() => ratingsToCsr(ratings([[2, 0, 1]]), 2, 2, 'user'), /user index 2 outside 0\.\.1/);
  assert.throws(() => ratingsToCsr(ratings([[0, 5, 1]]), 2, 2, 'item'), /item index 5 outside 0\.\.1/);
});

test('addCsr merges disjoint patterns and rejects overlap or shape mismatch', () => {
  const a = ratingsToCsr(ratings([[0, 0, 1], [1, 2, 2]]), 2, 3, 'user');
  const b = ratingsToCsr(ratings([[0, 2, 3], [1, 1, 4], [0, 1, 5]]), 2, 3, 'user');
  const s = addCsr(a, b);
  assert.deepEqual(s, ratingsToCsr(ratings([[0, 0, 1], [1, 2, 2], [0, 2, 3], [1, 1, 4], [0, 1, 5]]), 2, 3, 'user'));
  assert.throws(() => addCsr(a, a), /both matrices hold an entry at row 0, column 0/);
  assert.throws(() => addCsr(a, transposeCsr(a)), /cannot add a 2x3 matrix and a 3x2 matrix/);
});

test('random matrices: CSR round-trips through dense and transpose', () => {
  const rng = createRng(5);
  const rows = 30;
  const cols = 40;
  const keys = rng.permutation(rows * cols).subarray(0, 300);
  const r = ratings([...keys].map((k) => [Math.floor(k / cols), k % cols, 1 + rng.nextInt(5)]));
  const m = ratingsToCsr(r, rows, cols, 'user');
  const dense = csrToDense(m).data;
  for (let k = 0; k < keys.length; k++) assert.equal(dense[r.user[k] * cols + r.item[k]], r.rating[k]);
  assert.equal(dense.filter((v) => v !== 0).length, 300);
  const t = csrToDense(ratingsToCsr(r, cols, rows, 'item')).data;
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) assert.equal(t[j * rows + i], dense[i * cols + j]);
});
