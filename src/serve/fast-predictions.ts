/**
 * The hot path of `POST /v1/predictions`, where a 100-pair batch answered from the score matrix costs little more
 * than its HTTP and JSON work: a hand-written check of a well-formed body. zod stays the judge of everything else, so
 * error answers keep zod's wording and paths, and is the oracle of the tests.
 */
import { MAX_ID_LENGTH } from './api-schemas.js';

/** A predictions body as the route's zod schema outputs it. */
export interface PredictionsBody {
  pairs: { user: string; item: string }[];
}

/** Code points of `s` (a surrogate pair is one, a lone surrogate one too): how zod and JSON Schema measure strings. */
function codePoints(s: string): number {
  let n = s.length;
  for (let k = 0; k < s.length - 1; k++) {
    if ((s.charCodeAt(k) & 0xfc00) === 0xd800 && (s.charCodeAt(k + 1) & 0xfc00) === 0xdc00) {
      n--;
      k++;
    }
  }
  return n;
}

/**
 * A pair's id as the schema accepts it: a string of 1 to {@link MAX_ID_LENGTH} code points (counted only when the
 * UTF-16 length is over: a code point is one or two units), or a safe whole number ≥ 0 (zod's `int()`).
 */
function idOk(v: unknown): boolean {
  if (typeof v === 'string') return v.length >= 1 && (v.length <= MAX_ID_LENGTH || codePoints(v) <= MAX_ID_LENGTH);
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** True when `o` is an object (not null, not an array) whose enumerable keys are exactly `user` and `item`. */
function pairShape(o: unknown): o is { user: unknown; item: unknown } {
  if (typeof o !== 'object' || o === null || Array.isArray(o)) return false;
  let keys = 0;
  for (const key in o) {
    if (key !== 'user' && key !== 'item') return false;
    keys++;
  }
  return keys === 2;
}

/**
 * The body as `predictionsRequestSchema(maxBatch)` would output it, when the body is one the schema accepts and
 * this check recognises (every body the schema accepts, on JSON input: asserted by the tests); else undefined, and
 * the caller asks zod, which words the error. Allocates nothing when every id is already a string (the body itself
 * is returned, unchanged); number ids are answered with a copy holding their decimal strings, as the schema's
 * transform does.
 */
export function checkPredictionsBody(body: unknown, maxBatch: number): PredictionsBody | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return undefined;
  let keys = 0;
  for (const key in body) {
    if (key !== 'pairs') return undefined;
    keys++;
  }
  if (keys !== 1) return undefined;
  const pairs: unknown = (body as { pairs: unknown }).pairs;
  if (!Array.isArray(pairs) || pairs.length < 1 || pairs.length > maxBatch) return undefined;
  let numbers = false;
  for (let k = 0; k < pairs.length; k++) {
    const p: unknown = pairs[k];
    if (!pairShape(p) || !idOk(p.user) || !idOk(p.item)) return undefined;
    numbers ||= typeof p.user === 'number' || typeof p.item === 'number';
  }
  const ok = pairs as { user: string | number; item: string | number }[];
  if (!numbers) return body as PredictionsBody;
  return { pairs: ok.map((p) => ({ user: String(p.user), item: String(p.item) })) };
}
