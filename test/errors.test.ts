import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { z } from 'zod';
import { formatIssues, InputError, ParseError, parseInput } from '../src/core/errors.js';

const schema = z.object({ outer: z.object({ dim: z.number().int().min(1) }), name: z.string() }).strict();

describe('formatIssues', () => {
  test('joins `path.to.field: message` with "; ", naming the whole value when the path is empty', () => {
    const r = schema.safeParse({ outer: { dim: 0 }, name: 3 });
    assert.ok(!r.success);
    assert.equal(formatIssues(r.error), 'outer.dim: Too small: expected number to be >=1; name: Invalid input: expected string, received number');
    assert.equal(formatIssues([{ code: 'x', path: [], message: 'bad' }], '(config)'), '(config): bad');
    assert.equal(formatIssues([{ code: 'x', path: ['rows', 2, 'id'], message: 'bad' }]), 'rows.2.id: bad');
  });
});

describe('parseInput', () => {
  test('returns the parsed value', () => {
    assert.deepEqual(parseInput(schema, { outer: { dim: 2 }, name: 'a' }, 'invalid thing'), { outer: { dim: 2 }, name: 'a' });
  });

  test('throws an InputError with the formatted message and every issue as data', () => {
    assert.throws(
      () => parseInput(schema, { outer: { dim: 1.5 }, name: 'a', extra: 1 }, 'invalid thing'),
      (e: unknown) => {
        assert.ok(e instanceof InputError);
        assert.match(e.message, /^invalid thing: outer\.dim: .*; \(input\): Unrecognized key: "extra"$/);
        assert.deepEqual(e.issues.map((i) => [i.code, i.path]), [['invalid_type', ['outer', 'dim']], ['unrecognized_keys', []]]);
        assert.equal(e.code, 'invalid_type');
        assert.deepEqual(e.path, ['outer', 'dim']);
        return true;
      },
    );
  });
});

describe('InputError', () => {
  test('without issues: code invalid_input, empty path; the cause is kept', () => {
    const cause = new Error('low level');
    const e = new InputError('bad', { cause });
    assert.equal(e.code, 'invalid_input');
    assert.deepEqual(e.path, []);
    assert.equal(e.cause, cause);
    assert.equal(e.name, 'InputError');
  });

  test('ParseError is an InputError whose issue points at file and line', () => {
    const e = new ParseError('u.data', 7, 'expected 4 fields', '1\t2');
    assert.ok(e instanceof InputError);
    assert.equal(e.code, 'parse_error');
    assert.deepEqual(e.path, ['u.data', 7]);
    assert.equal(e.message, 'u.data:7: expected 4 fields: "1\\t2"');
  });
});
