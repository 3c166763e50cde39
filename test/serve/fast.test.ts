/** The predictions hot path against its reference: the fast body check against zod (the oracle) on thousands of generated valid and invalid JSON bodies. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng, type Rng } from 'rsattae/data';
import { MAX_ID_LENGTH, predictionsRequestSchema } from '../../src/serve/api-schemas.js';
import { checkPredictionsBody } from '../../src/serve/fast-predictions.js';

const pick = <T>(xs: readonly T[], rng: Rng): T => xs[rng.nextInt(xs.length)];

/** A string of `n` code points mixing ASCII, JSON escapes, non-ASCII, astral characters and lone surrogates. */
function text(n: number, rng: Rng): string {
  const parts = ['a', 'Z', '7', ' ', '"', '\\', '\n', '\u0000', '\u001f', 'é', '€', '\u2028', '🙂', '\ud800', '\udc00'];
  // a lone low surrogate right after a lone high one would pair up: keep them apart
  return Array.from({ length: n }, () => pick(parts, rng))
    .join('')
    .replaceAll('\ud800\udc00', '\ud800a');
}

/** An id the schema accepts: a string of 1 to MAX_ID_LENGTH code points or a safe whole number (with -0). */
function goodId(rng: Rng): string | number {
  switch (rng.nextInt(7)) {
    case 0:
      return pick([0, -0, 1, 42, 2 ** 31, Number.MAX_SAFE_INTEGER], rng);
    case 1:
      return rng.nextInt(100_000);
    case 2:
      // MAX_ID_LENGTH code points: more UTF-16 units when astral characters are among them
      return text(pick([1, 2, MAX_ID_LENGTH - 1, MAX_ID_LENGTH], rng), rng);
    case 3:
      return '🙂'.repeat(pick([1, MAX_ID_LENGTH - 1, MAX_ID_LENGTH], rng));
    default:
      return text(1 + rng.nextInt(12), rng);
  }
}

/** Something the schema rejects as an id. */
function badId(rng: Rng): unknown {
  return pick<unknown>(
    ['', text(MAX_ID_LENGTH + 1, rng), '🙂'.repeat(MAX_ID_LENGTH + 1), `${'🙂'.repeat(MAX_ID_LENGTH)}a`, -1, 1.5, 2 ** 53, 1e21, -1e-7, null, true, false, [], ['1'], {}, { id: '1' }, Number.NaN, Number.POSITIVE_INFINITY],
    rng,
  );
}

const MAX_BATCH = 6;

/** Sets an own enumerable key, `__proto__` included (an assignment would set the prototype instead). */
function set(o: object, key: string, value: unknown): void {
  Object.defineProperty(o, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A body, well-formed or with one to three defects, as JSON.parse would hand it over. */
function body(rng: Rng): unknown {
  const n = rng.nextInt(8) === 0 ? MAX_BATCH : 1 + rng.nextInt(MAX_BATCH - 1);
  const pairs: unknown[] = Array.from({ length: n }, () => ({ user: goodId(rng), item: goodId(rng) }));
  const b: Record<string, unknown> = { pairs };
  const defects = rng.nextInt(2) === 0 ? 0 : 1 + rng.nextInt(3);
  for (let d = 0; d < defects; d++) {
    const k = rng.nextInt(n);
    // an earlier defect may have replaced the pair or the list
    if (!Array.isArray(b.pairs) || b.pairs !== pairs) break;
    const pair = pairs[k] as Record<string, unknown>;
    if (typeof pair !== 'object' || pair === null || Array.isArray(pair)) continue;
    switch (rng.nextInt(12)) {
      case 0:
        pair[pick(['user', 'item'], rng)] = badId(rng);
        break;
      case 1:
        delete pair[pick(['user', 'item'], rng)];
        break;
      case 2:
        set(pair, pick(['extra', 'User', '__proto__', 'constructor', ''], rng), 1);
        break;
      case 3:
        pairs[k] = pick<unknown>([null, [], ['1', '2'], '1,2', 12, true], rng);
        break;
      case 4:
        set(b, pick(['extra', 'pair', '__proto__', 'Pairs'], rng), pick<unknown>([[], 1, null], rng));
        break;
      case 5:
        delete b.pairs;
        break;
      case 6:
        b.pairs = pick<unknown>([[], {}, null, 'x', 3, { 0: { user: '1', item: '2' } }], rng);
        break;
      case 7:
        pairs.push(...Array.from({ length: 1 + rng.nextInt(3) }, () => ({ user: goodId(rng), item: goodId(rng) })));
        break;
      case 8:
        return pick<unknown>([null, [], [b], 'pairs', 0, true, {}], rng);
      default:
        pair[pick(['user', 'item'], rng)] = badId(rng);
    }
  }
  // through JSON, as the server receives it (NaN and Infinity become null, -0 stays -0, "__proto__" an own key)
  return JSON.parse(JSON.stringify(b).replace(/"user":0([,}])/g, (m, end: string) => (rng.nextInt(2) === 0 ? `"user":-0${end}` : m)));
}

describe('predictions hot path', () => {
  test('the fast body check accepts exactly what zod accepts, with the same value, and leaves the body unchanged', () => {
    const schema = predictionsRequestSchema(MAX_BATCH);
    const rng = createRng(11);
    let accepted = 0;
    let rejected = 0;
    let numbers = 0;
    for (let c = 0; c < 2500; c++) {
      const b = body(rng);
      const before = JSON.stringify(b);
      const oracle = schema.safeParse(b);
      const fast = checkPredictionsBody(b, MAX_BATCH);
      assert.equal(JSON.stringify(b), before, 'the check must not change the body');
      assert.equal(fast !== undefined, oracle.success, `case ${c}: zod says ${oracle.success ? 'valid' : oracle.error.message}, the fast check the opposite, for ${before}`);
      if (fast && oracle.success) {
        assert.deepStrictEqual(fast, oracle.data, `case ${c}: ${before}`);
        accepted++;
        if (/"(user|item)":-?\d/.test(before)) numbers++;
      } else rejected++;
    }
    // the generator covers both sides, and number ids (converted to strings)
    assert.ok(accepted > 700 && rejected > 700 && numbers > 300, `accepted ${accepted}, rejected ${rejected}, with numbers ${numbers}`);
  });

  test('the fast body check: the batch limit, -0 and the largest safe integer, as zod', () => {
    const schema = predictionsRequestSchema(2);
    for (const b of [
      { pairs: [{ user: -0, item: Number.MAX_SAFE_INTEGER }] },
      { pairs: [{ user: '1', item: '2' }, { user: '1', item: '2' }, { user: '1', item: '2' }] },
      { pairs: [{ item: '2', user: 'x'.repeat(MAX_ID_LENGTH) }] },
    ]) {
      const oracle = schema.safeParse(b);
      assert.deepStrictEqual(checkPredictionsBody(b, 2), oracle.success ? oracle.data : undefined);
    }
    assert.deepStrictEqual(checkPredictionsBody({ pairs: [{ user: -0, item: 5 }] }, 2), { pairs: [{ user: '0', item: '5' }] });
  });
});
