import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError, ParseError } from '../../src/core/errors.js';
import { addCsr, ratingsToCsr } from '../../src/data/csr.js';
import { loadMovieLens100K, readSplit, SPLIT_NAMES, type SplitName } from '../../src/data/movielens-parsers.js';
import { fixtureFiles, needsRealData, realDataDir, tempDir, writeFixture } from './helpers.js';

/** `text` with its 1-based line `no` replaced. */
function withLine(text: string, no: number, line: string): string {
  const lines = text.split('\n');
  lines[no - 1] = line;
  return lines.join('\n');
}

let root: { path: string; cleanup: () => Promise<void> };
before(async () => {
  root = await tempDir();
});
after(async () => {
  await root.cleanup();
});

let counter = 0;
/** Writes the fixture with one file changed into a fresh folder. */
async function fixture(overrides: Record<string, string> = {}): Promise<string> {
  return writeFixture(join(root.path, String(counter++)), overrides);
}

describe('MovieLens 100K parsers on a valid fixture', () => {
  test('loads side information with edge cases intact', async () => {
    const ds = await loadMovieLens100K(await fixture());
    assert.deepEqual(ds.info, { users: 4, items: 5, ratings: 8 });
    assert.deepEqual(ds.occupations, ['engineer', 'other', 'student', 'writer']);
    assert.equal(ds.genres.length, 19);
    assert.equal(ds.genres[4], "Children's");
    assert.deepEqual(ds.users[3], { id: 4, age: 95, gender: 'F', occupation: 'writer', zip: '00000' });
    assert.equal(ds.users[2].zip, 'T8H1N');
    assert.equal(ds.items[1].title, 'Caf\u00e9 (1915)', 'u.item is decoded as latin-1');
    assert.equal(ds.items[1].releaseYear, 1915);
    assert.equal(ds.items[2].releaseDate, null);
    assert.equal(ds.items[2].releaseYear, null);
    assert.equal(ds.items[3].releaseDate, '4-Feb-2005', 'one-digit days occur in ML-100K (item 1373)');
    assert.equal(ds.items[3].releaseYear, 2005);
    assert.deepEqual([...ds.items[0].genres].map((v, k) => (v ? k : -1)).filter((k) => k >= 0), [3, 4, 5]);
  });

  test('reads ratings as 0-based typed arrays in file order', async () => {
    const ds = await loadMovieLens100K(await fixture());
    const r = await ds.readRatings('u.data');
    assert.deepEqual([...r.user], [0, 0, 1, 1, 2, 3, 3, 2]);
    assert.deepEqual([...r.item], [0, 1, 0, 2, 3, 4, 0, 1]);
    assert.deepEqual([...r.rating], [5, 3, 4, 1, 2, 5, 3, 4]);
    assert.equal(r.timestamp[7], 881250956);
    assert.ok(r.rating instanceof Float32Array && r.user instanceof Int32Array);
    const { base, test: t } = await readSplit(ds, 'u1');
    assert.equal(base.user.length, 6);
    assert.equal(t.user.length, 2);
  });

  test('accepts CRLF line ends and a missing final newline', async () => {
    const files = fixtureFiles();
    const ds = await loadMovieLens100K(
      await fixture({ 'u.user': files['u.user'].replaceAll('\n', '\r\n'), 'u.data': files['u.data'].trimEnd() }),
    );
    assert.equal(ds.users[0].zip, '85711');
    assert.equal((await ds.readRatings('u.data')).user.length, 8);
  });

  test('reports a missing file, a missing id and a count mismatch with u.info', async () => {
    const files = fixtureFiles();
    await assert.rejects(loadMovieLens100K(join(root.path, 'nowhere')), (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /u\.info: no such file/);
      return true;
    });
    const noUser3 = files['u.user'].split('\n').filter((l) => !l.startsWith('3|')).join('\n');
    await assert.rejects(loadMovieLens100K(await fixture({ 'u.user': noUser3 })), /u\.user: 3 users but u\.info says 4 \(user id 3 is missing\)/);
    const ds = await loadMovieLens100K(await fixture({ 'u.data': files['u.data'].split('\n').slice(1).join('\n') }));
    await assert.rejects(ds.readRatings('u.data'), /u\.data: 7 ratings but u\.info says 8/);
    await assert.rejects(readSplit(ds, 'u9' as SplitName), /unknown split "u9"; known splits: u1, u2/);
  });
});

interface Case {
  file: string;
  line: number;
  text: string;
  reason: RegExp;
}

const RATING_CASES: Case[] = [
  { file: 'u.data', line: 3, text: '2\t1\t4', reason: /expected 4 tab-separated fields .*found 3/ },
  { file: 'u.data', line: 3, text: '2\t1\t4\t881250951\t9', reason: /found 5/ },
  { file: 'u.data', line: 3, text: '2 1 4 881250951', reason: /found 1/ },
  { file: 'u.data', line: 3, text: '2x\t1\t4\t881250951', reason: /user id "2x" is not a whole number/ },
  { file: 'u.data', line: 3, text: '2\t\t4\t881250951', reason: /item id "" is not a whole number/ },
  { file: 'u.data', line: 3, text: '2\t1\t3.5\t881250951', reason: /rating "3.5" is not a whole number/ },
  { file: 'u.data', line: 3, text: '2\t1\t4\t-5', reason: /timestamp "-5" is not a whole number/ },
  { file: 'u.data', line: 3, text: '2\t1\t6\t881250951', reason: /rating 6 outside 1\.\.5/ },
  { file: 'u.data', line: 3, text: '2\t1\t0\t881250951', reason: /rating 0 outside 1\.\.5/ },
  { file: 'u.data', line: 3, text: '5\t1\t4\t881250951', reason: /user id 5 outside 1\.\.4/ },
  { file: 'u.data', line: 3, text: '2\t0\t4\t881250951', reason: /item id 0 outside 1\.\.5/ },
  { file: 'u.data', line: 3, text: '2\t6\t4\t881250951', reason: /item id 6 outside 1\.\.5/ },
  { file: 'u.data', line: 3, text: '1\t1\t4\t881250951', reason: /duplicate rating of item 1 by user 1 \(first on line 1\)/ },
  { file: 'u.data', line: 3, text: '', reason: /empty line/ },
  { file: 'u1.base', line: 2, text: '1\t2\tthree\t881250950', reason: /rating "three"/ },
  { file: 'u1.test', line: 2, text: '3\t2\t9\t881250956', reason: /rating 9 outside/ },
];

const SIDE_CASES: Case[] = [
  { file: 'u.user', line: 2, text: '2|53|F|other', reason: /expected 5 '\|'-separated fields/ },
  { file: 'u.user', line: 2, text: '2|fifty|F|other|94043', reason: /age "fifty" is not a whole number/ },
  { file: 'u.user', line: 2, text: '2|53|X|other|94043', reason: /gender "X" is not M or F/ },
  { file: 'u.user', line: 2, text: '2|53|F|pilot|94043', reason: /occupation "pilot" is not in u\.occupation/ },
  { file: 'u.user', line: 2, text: '9|53|F|other|94043', reason: /user id 9 outside 1\.\.4/ },
  { file: 'u.user', line: 2, text: '1|53|F|other|94043', reason: /user id 1 given twice/ },
  { file: 'u.user', line: 2, text: '', reason: /empty line/ },
  { file: 'u.item', line: 2, text: `2|T|15-Mar-1915||u|${'0|'.repeat(17)}0`, reason: /expected 24 '\|'-separated fields .*found 23/ },
  { file: 'u.item', line: 2, text: `2|T|32-Jan-1995||u|${'0|'.repeat(18)}0`, reason: /release date "32-Jan-1995" is not a dd-Mon-yyyy date/ },
  { file: 'u.item', line: 2, text: `2|T|29-Feb-1995||u|${'0|'.repeat(18)}0`, reason: /release date "29-Feb-1995"/ },
  { file: 'u.item', line: 2, text: `2|T|01-Foo-1995||u|${'0|'.repeat(18)}0`, reason: /release date "01-Foo-1995"/ },
  { file: 'u.item', line: 2, text: `2|T|1995||u|${'0|'.repeat(18)}0`, reason: /release date "1995"/ },
  { file: 'u.item', line: 2, text: `2|T||1995-01-01|u|${'0|'.repeat(18)}0`, reason: /video release date "1995-01-01"/ },
  { file: 'u.item', line: 2, text: `2|T|||u|${'0|'.repeat(18)}2`, reason: /genre flag Western "2" is not 0 or 1/ },
  { file: 'u.item', line: 2, text: `x|T|||u|${'0|'.repeat(18)}0`, reason: /item id "x" is not a whole number/ },
  { file: 'u.item', line: 2, text: `7|T|||u|${'0|'.repeat(18)}0`, reason: /item id 7 outside 1\.\.5/ },
  { file: 'u.item', line: 2, text: `1|T|||u|${'0|'.repeat(18)}0`, reason: /item id 1 given twice/ },
  { file: 'u.genre', line: 2, text: 'Action|x', reason: /genre index "x" is not a whole number/ },
  { file: 'u.genre', line: 2, text: 'Action|30', reason: /genre index 30 outside 0\.\.18/ },
  { file: 'u.genre', line: 2, text: 'Action|0', reason: /genre index 0 given twice/ },
  { file: 'u.genre', line: 2, text: 'Action', reason: /expected 2 '\|'-separated fields/ },
  { file: 'u.info', line: 1, text: '4 persons', reason: /expected "<count> users\|items\|ratings"/ },
  { file: 'u.info', line: 2, text: 'many items', reason: /items count must be a positive whole number/ },
  { file: 'u.occupation', line: 2, text: 'engineer', reason: /occupation "engineer" listed twice/ },
];

describe('MovieLens 100K parsers reject malformed lines with file:line', () => {
  for (const c of [...SIDE_CASES, ...RATING_CASES]) {
    test(`${c.file}:${c.line} ${JSON.stringify(c.text)}`, async () => {
      const dir = await fixture({ [c.file]: withLine(fixtureFiles()[c.file], c.line, c.text) });
      const run = async (): Promise<void> => {
        const ds = await loadMovieLens100K(dir);
        if (c.file === 'u.data') await ds.readRatings('u.data');
        else await readSplit(ds, 'u1');
      };
      await assert.rejects(run(), (e: Error) => {
        assert.ok(e instanceof ParseError, `expected a ParseError, got ${e}`);
        assert.equal(e.file, join(dir, c.file));
        assert.equal(e.line, c.line);
        assert.ok(e.message.startsWith(`${join(dir, c.file)}:${c.line}: `), e.message);
        assert.match(e.message, c.reason);
        if (c.text !== '') assert.ok(e.message.includes(JSON.stringify(c.text).slice(1, 30)), e.message);
        return true;
      });
    });
  }
});

describe('MovieLens 100K parsers on the real data', { skip: needsRealData() }, () => {
  test('loads every file with the published counts', async () => {
    const ds = await loadMovieLens100K(join(realDataDir()!, 'ml-100k'));
    assert.deepEqual(ds.info, { users: 943, items: 1682, ratings: 100000 });
    assert.equal(ds.users.length, 943);
    assert.equal(ds.items.length, 1682);
    assert.equal(ds.occupations.length, 21);
    assert.equal(ds.genres.length, 19);
    assert.deepEqual(ds.users[0], { id: 1, age: 24, gender: 'M', occupation: 'technician', zip: '85711' });
    assert.equal(ds.items[0].title, 'Toy Story (1995)');
    assert.equal(ds.items.filter((i) => i.releaseDate === null).map((i) => i.id).join(), '267');
    const all = await ds.readRatings('u.data');
    assert.equal(all.user.length, 100000);
    const sizes: Record<SplitName, [number, number]> = {
      u1: [80000, 20000], u2: [80000, 20000], u3: [80000, 20000], u4: [80000, 20000], u5: [80000, 20000],
      ua: [90570, 9430], ub: [90570, 9430],
    };
    for (const name of SPLIT_NAMES) {
      const { base, test: t } = await readSplit(ds, name);
      assert.deepEqual([base.user.length, t.user.length], sizes[name], name);
      // base and test are disjoint and together are u.data
      const union = addCsr(ratingsToCsr(base, 943, 1682, 'user'), ratingsToCsr(t, 943, 1682, 'user'));
      assert.deepEqual(union, ratingsToCsr(all, 943, 1682, 'user'), name);
    }
  });
});
