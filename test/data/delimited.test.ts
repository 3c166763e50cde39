import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError, ParseError } from '../../src/core/errors.js';
import { IdMap } from '../../src/data/dataset.js';
import {
  inferScale,
  parseColumnSpecs,
  parseTimestamp,
  type ReadRatingsOptions,
  type ReadRatingsResult,
  readFeatureTable,
  readRatingsFile,
} from '../../src/data/delimited.js';
import { loadMovieLens100K } from '../../src/data/movielens-parsers.js';
import { needsRealData, realDataDir, tempDir } from './helpers.js';

let root: { path: string; cleanup: () => Promise<void> };
before(async () => {
  root = await tempDir('rsattae-delimited-');
});
after(async () => {
  await root.cleanup();
});

let counter = 0;
/** Writes `content` (a string as UTF-8 unless latin1, or raw bytes) to a fresh file and returns its path. */
async function file(content: string | Buffer, ext = 'csv', encoding: 'utf8' | 'latin1' = 'utf8'): Promise<string> {
  const path = join(root.path, `f${counter++}.${ext}`);
  await writeFile(path, typeof content === 'string' ? Buffer.from(content, encoding) : content);
  return path;
}

type Opts = Omit<ReadRatingsOptions, 'users' | 'items'>;
async function read(path: string, opts: Opts = {}): Promise<ReadRatingsResult & { users: IdMap; items: IdMap }> {
  const users = new IdMap();
  const items = new IdMap();
  const r = await readRatingsFile(path, { name: 'r.csv', ...opts, users, items });
  return { ...r, users, items };
}

/** The ratings as readable rows `user item rating timestamp`. */
function rows(r: Awaited<ReturnType<typeof read>>): string[] {
  const out: string[] = [];
  for (let k = 0; k < r.ratings.rating.length; k++) {
    out.push(`${r.users.id(r.ratings.user[k])} ${r.items.id(r.ratings.item[k])} ${r.ratings.rating[k]} ${r.ratings.timestamp[k]}`);
  }
  return out;
}

/** Asserts that reading rejects with a ParseError whose message starts with `prefix` (file:line: reason). */
async function rejectsParse(p: Promise<unknown>, prefix: string, line?: number): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof ParseError, `expected a ParseError, got ${String(err)}`);
    assert.ok(err.message.startsWith(prefix), `message ${JSON.stringify(err.message)} does not start with ${JSON.stringify(prefix)}`);
    if (line !== undefined) assert.equal(err.line, line);
    return true;
  });
}

async function rejectsInput(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof InputError, `expected an InputError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  });
}

const BODY = [
  ['u_0042', 'tt0114709', '4', '881250949'],
  ['007', 'tt0113497', '3.5', '881250950'],
  ['u_0042', 'tt0113497', '1', '881250951'],
];
const EXPECTED = ['u_0042 tt0114709 4 881250949', '007 tt0113497 3.5 881250950', 'u_0042 tt0113497 1 881250951'];

describe('readRatingsFile: formats', () => {
  for (const sep of [',', '\t', '::', ';', ' ', '|'] as const) {
    for (const header of [true, false]) {
      test(`separator ${JSON.stringify(sep)} ${header ? 'with' : 'without'} a header is detected`, async () => {
        const lines = BODY.map((r) => r.join(sep));
        if (header) lines.unshift(['userId', 'movieId', 'rating', 'timestamp'].join(sep));
        const r = await read(await file(`${lines.join('\n')}\n`));
        assert.equal(r.sep, sep);
        assert.equal(r.header, header);
        assert.deepEqual(rows(r), EXPECTED);
        assert.equal(r.hasTimestamps, true);
        assert.deepEqual(r.users.ids(), ['u_0042', '007'], 'ids as written, first-seen order');
        assert.equal(r.lineOf(0), header ? 2 : 1);
      });
    }
  }

  test('columns by header name in any order, extra columns ignored, case-insensitive aliases', async () => {
    const text = 'Rating,extra,ItemID,USER_ID,Timestamp\n4,x,tt1,u1,10\n2.5,y,tt2,u2,20\n';
    const r = await read(await file(text));
    assert.deepEqual(rows(r), ['u1 tt1 4 10', 'u2 tt2 2.5 20']);
    assert.deepEqual(r.columns, { user: 'column "USER_ID"', item: 'column "ItemID"', rating: 'column "Rating"', timestamp: 'column "Timestamp"' });
  });

  test('columns named explicitly, and by position without a header', async () => {
    const named = await read(await file('who,what,stars\na,b,5\n'), { columns: { user: 'who', item: 'what', rating: 'stars' } });
    assert.deepEqual(rows(named), ['a b 5 0']);
    assert.equal(named.hasTimestamps, false);
    const pos = await read(await file('9,x,b,a,2\n'), { columns: { user: 3, item: 2, rating: 4, timestamp: 0 } });
    assert.deepEqual(rows(pos), ['a b 2 9']);
  });

  test('without timestamps: hasTimestamps false and zeros', async () => {
    const r = await read(await file('u1,i1,4\nu2,i1,3\n'));
    assert.equal(r.hasTimestamps, false);
    assert.deepEqual([...r.ratings.timestamp], [0, 0]);
  });

  test('a missing column lists the columns found', async () => {
    await rejectsInput(read(await file('user,item,score2\nu,i,4\n')), /r\.csv: cannot find the rating column by name; its columns are "user", "item", "score2"/);
    await rejectsInput(
      read(await file('user,item,rating\nu,i,4\n'), { columns: { user: 'user', item: 'movie', rating: 'rating' } }),
      /r\.csv: no item column "movie"; its columns are "user", "item", "rating"/,
    );
  });

  test('RFC 4180 quoting: quoted fields, embedded separators, doubled quotes', async () => {
    const text = '"user","item","rating"\n"a,b","say ""hi""",4\n"c",d,"3.5"\n';
    const r = await read(await file(text));
    assert.equal(r.engine, 'csv');
    assert.deepEqual(rows(r), ['a,b say "hi" 4 0', 'c d 3.5 0']);
    assert.equal(r.lineOf(1), 3);
  });

  test('CRLF, a UTF-8 BOM, blank lines in the middle and at the end', async () => {
    const text = '\ufeffuser,item,rating\r\nu1,i1,4\r\n\r\nu2,i2,5\r\n\r\n\r\n';
    for (const engine of ['fast', 'csv'] as const) {
      const r = await read(await file(text), { engine });
      assert.equal(r.header, true, engine);
      assert.deepEqual(rows(r), ['u1 i1 4 0', 'u2 i2 5 0'], engine);
      assert.deepEqual([r.lineOf(0), r.lineOf(1)], [2, 4], engine);
    }
  });

  test('latin-1 files', async () => {
    const r = await read(await file('Jos\u00e9::caf\u00e9::4\n', 'dat', 'latin1'), { encoding: 'latin1' });
    assert.deepEqual(rows(r), ['Jos\u00e9 caf\u00e9 4 0']);
  });

  test('ids are trimmed of surrounding spaces and otherwise kept as written', async () => {
    const r = await read(await file('user, item, rating\n 007 , tt0114709 , 4\n'));
    assert.deepEqual(r.users.ids(), ['007']);
    assert.deepEqual(r.items.ids(), ['tt0114709']);
  });

  test('ISO-8601 timestamps become seconds', async () => {
    const r = await read(await file('user,item,rating,time\na,x,1,2019-11-21\na,y,1,2019-11-21T10:20:30Z\na,z,1,2019-11-21 11:20:30+01:00\n'));
    const day = Date.UTC(2019, 10, 21) / 1000;
    assert.deepEqual([...r.ratings.timestamp], [day, day + 37230, day + 37230]);
    assert.equal(parseTimestamp('2019-02-31'), Number.NaN);
    assert.equal(parseTimestamp('-5'), -5);
  });

  test('the shared id maps keep existing ids and add new ones in first-seen order', async () => {
    const users = IdMap.fromIds(['b']);
    const items = new IdMap();
    const r = await readRatingsFile(await file('a,x,1\nb,y,2\nc,x,3\n'), { users, items });
    assert.deepEqual(users.ids(), ['b', 'a', 'c']);
    assert.deepEqual([...r.ratings.user], [1, 0, 2]);
    assert.deepEqual([...r.ratings.item], [0, 1, 0]);
  });

  test('sha256 of the bytes, progress reported up to the file size', async () => {
    const text = 'a,x,1\nb,y,2\n';
    const path = await file(text);
    const seen: [number, number][] = [];
    const r = await read(path, { onProgress: (n, total) => seen.push([n, total]) });
    assert.equal(r.sha256, createHash('sha256').update(text).digest('hex'));
    assert.deepEqual(seen.at(-1), [text.length, text.length]);
  });
});

describe('readRatingsFile: scale', () => {
  test('inferred: whole stars, half stars, continuous', async () => {
    assert.deepEqual((await read(await file('a,x,1\nb,x,5\n'))).scale, { min: 1, max: 5, step: 1 });
    assert.deepEqual((await read(await file('a,x,0.5\nb,x,5\n'))).scale, { min: 0.5, max: 5, step: 0.5 });
    assert.deepEqual(inferScale(Float32Array.of(0.25, 2)), { min: 0.25, max: 2 });
  });

  test('outside the given scale or off its grid → ParseError at file:line naming the column', async () => {
    const scale = { min: 1, max: 5, step: 1 };
    await rejectsParse(read(await file('user,item,rating\na,x,4\nb,x,6\n'), { scale }), 'r.csv:3: rating 6 in column "rating" is outside the scale 1..5', 3);
    await rejectsParse(read(await file('a,x,4\nb,x,3.5\n'), { scale }), "r.csv:2: rating 3.5 in column 3 is not on the scale's grid", 2);
    const half = await read(await file('a,x,4\nb,x,3.5\n'), { scale: { min: 0.5, max: 5, step: 0.5 } });
    assert.deepEqual([...half.ratings.rating], [4, 3.5]);
  });
});

describe('readRatingsFile: errors', () => {
  test('non-numeric rating, bad timestamp, short record, empty id', async () => {
    await rejectsParse(read(await file('user,item,rating\na,x,4\nb,x,good\n')), 'r.csv:3: rating "good" in column "rating" is not a number', 3);
    await rejectsParse(read(await file('a,x,4,12\nb,x,4,yesterday\n')), 'r.csv:2: timestamp "yesterday" in column 4 is neither whole seconds nor an ISO-8601 date', 2);
    await rejectsParse(read(await file('a,x,4,12\nb,x,4,1700000000000\n')), 'r.csv:2: timestamp 1700000000000 in column 4 is outside the 32-bit range', 2);
    await rejectsParse(read(await file('a,x,4\nb,x\n')), 'r.csv:2: expected at least 3 fields, found 2', 2);
    await rejectsParse(read(await file('a,x,4\n,x,3\n')), 'r.csv:2: empty user id in column 1', 2);
    await rejectsParse(read(await file('a,x,4\nb,x,0x10\n')), 'r.csv:2: rating "0x10" in column 3 is not a number', 2);
  });

  test('empty file, blank file, header only → InputError naming the file', async () => {
    await rejectsInput(read(await file('')), /^r\.csv is empty$/);
    await rejectsInput(read(await file('\n\n')), /^r\.csv is empty$/);
    await rejectsInput(read(await file('user,item,rating\n')), /^r\.csv holds no ratings$/);
  });

  test('a separator that cannot be told → InputError asking for --sep; a missing file → InputError', async () => {
    await rejectsInput(read(await file('a,b|c,d|e|f\n')), /cannot tell the separator of r\.csv: its first lines split on "," and on "\|"; give it with --sep/);
    await rejectsInput(read(await file('abc\ndef\n')), /cannot tell the separator of r\.csv.*--sep/);
    await rejectsInput(read(join(root.path, 'nope.csv')), /cannot read r\.csv: no such file/);
    await rejectsInput(read(root.path), /^cannot read r\.csv: not a file$/);
  });

  test('a malformed quote → ParseError at its line', async () => {
    await rejectsParse(read(await file('user,item,rating\n"a",x,4\n"b"c,x,4\n')), 'r.csv:3: malformed CSV', 3);
  });

  test('duplicates: error names both lines; last and mean merge', async () => {
    const text = 'user,item,rating,timestamp\na,x,1,10\nb,x,2,20\na,y,3,30\na,x,4,40\n';
    await rejectsParse(read(await file(text)), 'r.csv:5: user "a" rated item "x" again (first on line 2)', 5);
    const last = await read(await file(text), { duplicates: 'last' });
    assert.deepEqual(rows(last), ['b x 2 20', 'a y 3 30', 'a x 4 40']);
    assert.deepEqual([0, 1, 2].map((k) => last.lineOf(k)), [3, 4, 5]);
    const mean = await read(await file(text), { duplicates: 'mean' });
    assert.deepEqual(rows(mean), ['a x 2.5 40', 'b x 2 20', 'a y 3 30']);
    assert.deepEqual([0, 1, 2].map((k) => mean.lineOf(k)), [2, 3, 4]);
  });
});

describe('readRatingsFile: the fast path and csv-parse agree', () => {
  const cases: Record<string, string> = {
    plain: 'userId,movieId,rating,timestamp\nu1,m1,4,100\nu2,m1,3.5,200\nu1,m2,0.5,300\n',
    'no header, tabs, CRLF': 'u1\tm1\t4\t100\r\nu2\tm1\t3.5\t200\r\n',
    'blank lines': 'a;x;1\n\n\nb;y;2\n\n',
    'bad rating': 'a,x,1\nb,y,two\n',
    'short record': 'a,x,1\nb,y\n',
    duplicate: 'a,x,1\nb,y,2\na,x,3\n',
    'unicode ids': 'caf\u00e9,\u65e5\u672c,4\n\u00fc,x,5\n',
  };
  for (const [what, text] of Object.entries(cases)) {
    test(what, async () => {
      const path = await file(text);
      const outcome = async (engine: 'fast' | 'csv'): Promise<unknown> => {
        try {
          const r = await read(path, { engine });
          return { rows: rows(r), lines: rows(r).map((_, k) => r.lineOf(k)), sha: r.sha256, scale: r.scale, header: r.header };
        } catch (err) {
          return { error: String(err) };
        }
      };
      assert.deepEqual(await outcome('fast'), await outcome('csv'));
    });
  }

  test('a file of several chunks (multi-byte ids across chunk boundaries) reads the same both ways', async () => {
    const lines = ['user,item,rating,timestamp'];
    for (let k = 0; k < 60_000; k++) lines.push(`\u00fcser_${k % 997},\u00eftem_${k},${1 + (k % 9) / 2},${1_000_000 + k}`);
    const path = await file(`${lines.join('\n')}\n`);
    const fast = await read(path);
    const csv = await read(path, { engine: 'csv' });
    assert.equal(fast.engine, 'fast');
    assert.equal(fast.ratings.rating.length, 60_000);
    assert.deepEqual(rows(fast), rows(csv));
    assert.equal(fast.lineOf(59_999), 60_001);
    assert.equal(fast.users.size, 997);
    assert.equal(fast.items.id(54_321), '\u00eftem_54321');
  });
});

describe('readFeatureTable', () => {
  const specs = parseColumnSpecs('id:id,age:numeric,gender:category,genres:multi(|),zip:ignore');

  test('by header name: other columns ignored, ignore skipped, values trimmed', async () => {
    const t = await readFeatureTable(await file('zip,gender,id,note,age,genres\n123,M,u1,x, 24 ,A|B\n456,F,u2,y,53,\n'), specs, { name: 'u.csv' });
    assert.equal(t.source, 'u.csv');
    assert.deepEqual(t.ids, ['u1', 'u2']);
    assert.deepEqual(t.columns.map((c) => c.name), ['age', 'gender', 'genres']);
    assert.deepEqual(t.values, [['24', '53'], ['M', 'F'], ['A|B', '']]);
  });

  test('without a header the specs give the columns in order', async () => {
    const t = await readFeatureTable(await file('u1::24::M::A|B::85711::extra\nu2::53::F::C::94043::extra\n', 'dat'), specs);
    assert.deepEqual(t.ids, ['u1', 'u2']);
    assert.deepEqual(t.values, [['24', '53'], ['M', 'F'], ['A|B', 'C']]);
  });

  test('quoted fields with embedded newlines; later line numbers stay right', async () => {
    const text = 'id,title\n1,"Toy Story, the ""first""\nsecond line"\n2,Heat\n2,Again\n';
    const p = readFeatureTable(await file(text), parseColumnSpecs('id:id,title:category'), { name: 'm.csv' });
    await rejectsParse(p, 'm.csv:5: id "2" in column "id" is listed again (first on line 4)', 5);
    const t = await readFeatureTable(await file(text.split('\n').slice(0, 4).join('\n')), parseColumnSpecs('id:id,title:category'));
    assert.deepEqual(t.ids, ['1', '2']);
    assert.deepEqual(t.values[0], ['Toy Story, the "first"\nsecond line', 'Heat']);
  });

  test('a missing column lists the file columns; an empty id and a short row are ParseErrors', async () => {
    await rejectsInput(
      readFeatureTable(await file('id,age,gender\n1,2,M\n'), parseColumnSpecs('id:id,age:numeric,occupation:category'), { header: 'yes', name: 'u.csv' }),
      /^u\.csv: no column "occupation"; its columns are "id", "age", "gender"$/,
    );
    await rejectsInput(
      readFeatureTable(await file('userId,age\n1,2\n'), parseColumnSpecs('id:id,age:numeric'), { name: 'u.csv' }),
      /^u\.csv: no column "id"; its columns are "userId", "age"$/,
    );
    await rejectsParse(readFeatureTable(await file('1,2,M\n,3,F\n'), parseColumnSpecs('id:id,age:numeric'), { name: 'u.csv' }), 'u.csv:2: empty id in column 1', 2);
    await rejectsParse(readFeatureTable(await file('1,2,M\n2,3\n'), parseColumnSpecs('id:id,age:numeric,g:category'), { name: 'u.csv' }), 'u.csv:2: expected at least 3 fields, found 2', 2);
    await rejectsInput(readFeatureTable(await file('1,2\n'), [{ name: 'a', kind: 'numeric' }]), /exactly one id column, found 0/);
  });
});

describe('parseColumnSpecs', () => {
  test('the CLI example', () => {
    const s = parseColumnSpecs('id:id,age:numeric,gender:category,genres:multi(|),year:numeric(bins=8),occupation:category(min=5),zip:ignore');
    assert.deepEqual(s, [
      { name: 'id', kind: 'id' },
      { name: 'age', kind: 'numeric' },
      { name: 'gender', kind: 'category' },
      { name: 'genres', kind: 'multi', separator: '|' },
      { name: 'year', kind: 'numeric', bins: 8 },
      { name: 'occupation', kind: 'category', minCount: 5 },
      { name: 'zip', kind: 'ignore' },
    ]);
  });

  test('parameters: separators with commas, edges, levels, other, fill, label', () => {
    const s = parseColumnSpecs('k:id, tags:multi(,), g:multi(sep=;, min=2), age:numeric(edges=18;25;35, fill=30), o:category(levels=a;b, other=no, label=occ)');
    assert.deepEqual(s.slice(1), [
      { name: 'tags', kind: 'multi', separator: ',' },
      { name: 'g', kind: 'multi', separator: ';', minCount: 2 },
      { name: 'age', kind: 'numeric', edges: [18, 25, 35], fill: 30 },
      { name: 'o', kind: 'category', levels: ['a', 'b'], other: false, label: 'occ' },
    ]);
  });

  test('bad specs → InputError naming the spec', () => {
    assert.throws(() => parseColumnSpecs('id:id,age:number'), /bad column spec "age:number": unknown kind "number"; valid kinds: id, category, multi, numeric, ignore/);
    assert.throws(() => parseColumnSpecs('id:id,age'), (e: unknown) => e instanceof InputError && /expected name:kind/.test(e.message));
    assert.throws(() => parseColumnSpecs('id:id,age:numeric(bins=0)'), /bins must be a whole number ≥ 1, got 0/);
    assert.throws(() => parseColumnSpecs('id:id,age:numeric(min=2)'), /numeric takes bins, edges, fill, label, not "min"/);
    assert.throws(() => parseColumnSpecs('a:category'), /exactly one id column, found 0/);
    assert.throws(() => parseColumnSpecs('id:id,a:category,a:numeric'), /column "a" is listed twice/);
  });
});

describe('readRatingsFile on the real ML-100K', () => {
  test('u.data reads as the ML-100K parser reads it', { skip: needsRealData() }, async () => {
    const dir = join(realDataDir() ?? '', 'ml-100k');
    const expected = await (await loadMovieLens100K(dir)).readRatings('u.data');
    const r = await read(join(dir, 'u.data'));
    assert.equal(r.sep, '\t');
    assert.equal(r.header, false);
    assert.equal(r.engine, 'fast');
    assert.deepEqual(r.scale, { min: 1, max: 5, step: 1 });
    assert.equal(r.ratings.rating.length, 100_000);
    for (let k = 0; k < expected.rating.length; k++) {
      if (
        r.users.id(r.ratings.user[k]) !== String(expected.user[k] + 1) ||
        r.items.id(r.ratings.item[k]) !== String(expected.item[k] + 1) ||
        r.ratings.rating[k] !== expected.rating[k] ||
        r.ratings.timestamp[k] !== expected.timestamp[k]
      ) {
        assert.fail(`rating ${k} (line ${r.lineOf(k)}) differs`);
      }
    }
  });
});
