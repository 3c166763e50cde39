import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError, ParseError } from '../../src/core/errors.js';
import { loadPreset, ML1M_GENRES, ML1M_OCCUPATIONS, PRESET_NAMES, titleYear } from '../../src/data/presets.js';
import { DATASETS } from '../../src/data/registry.js';
import { tempDir } from './helpers.js';

let root: { path: string; cleanup: () => Promise<void> };
before(async () => {
  root = await tempDir('rsattae-presets-');
});
after(async () => {
  await root.cleanup();
});

let counter = 0;
/** Writes files (`.dat` as latin-1 as in ML-1M unless `datEncoding` says otherwise, `.csv` as UTF-8) into a fresh folder. */
async function folder(files: Record<string, string>, datEncoding: 'latin1' | 'utf8' = 'latin1'): Promise<string> {
  const dir = join(root.path, `p${counter++}`);
  await mkdir(dir);
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), Buffer.from(text, name.endsWith('.dat') ? datEncoding : 'utf8'));
  return dir;
}

const sha = (text: string, enc: 'latin1' | 'utf8'): string => createHash('sha256').update(Buffer.from(text, enc)).digest('hex');

/** ML-1M in its real format: `::` separated, latin-1, users with codes. User 9 only occurs in ratings.dat. */
const ML1M = {
  'users.dat': '1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::15::55117\n',
  'movies.dat':
    "1::Toy Story (1995)::Animation|Children's|Comedy\n2::Caf\u00e9 au lait (Metisse) (1993)::Comedy\n3::City of Lost Children, The (1995)::Adventure|Sci-Fi\n",
  'ratings.dat': '1::1::5::978300760\n1::3::3::978302109\n2::2::4::978301968\n3::1::2::978300275\n9::2::1::978824291\n',
};

describe('ml-1m', () => {
  test('ratings, users (codes → README names), movies (latin-1 titles, genres, year)', async () => {
    const ds = await loadPreset('ml-1m', await folder(ML1M));
    assert.equal(ds.name, 'ml-1m');
    assert.deepEqual(ds.users.ids(), ['1', '2', '3', '9'], 'users.dat order, then rating-only users');
    assert.deepEqual(ds.items.ids(), ['1', '2', '3']);
    assert.equal(ds.ratings.rating.length, 5);
    assert.deepEqual([...ds.ratings.user], [0, 0, 1, 2, 3]);
    assert.deepEqual([...ds.ratings.rating], [5, 3, 4, 2, 1]);
    assert.equal(ds.ratings.timestamp[0], 978300760);
    assert.equal(ds.hasTimestamps, true);
    assert.deepEqual(ds.scale, { min: 1, max: 5, step: 1 });
    const u = ds.userFeatures;
    assert.ok(u !== undefined);
    assert.deepEqual(u.columns.map((c) => c.name), ['gender', 'age', 'occupation']);
    assert.deepEqual(u.values, [['F', 'M', 'M'], ['1', '56', '25'], ['K-12 student', 'self-employed', 'scientist']]);
    assert.deepEqual(u.columns[2].levels, ML1M_OCCUPATIONS);
    assert.equal(ML1M_OCCUPATIONS[0], 'other or not specified');
    assert.deepEqual(u.columns[1].levels, ['1', '18', '25', '35', '45', '50', '56']);
    const m = ds.itemFeatures;
    assert.ok(m !== undefined);
    assert.deepEqual(m.columns[0].levels, ML1M_GENRES);
    assert.equal(ML1M_GENRES.length, 18);
    assert.deepEqual(m.values, [["Animation|Children's|Comedy", 'Comedy', 'Adventure|Sci-Fi'], ['1995', '1993', '1995']]);
    assert.deepEqual(ds.itemTitles, ['Toy Story (1995)', 'Caf\u00e9 au lait (Metisse) (1993)', 'City of Lost Children, The (1995)']);
    assert.deepEqual(ds.files, {
      'users.dat': sha(ML1M['users.dat'], 'latin1'),
      'movies.dat': sha(ML1M['movies.dat'], 'latin1'),
      'ratings.dat': sha(ML1M['ratings.dat'], 'latin1'),
    });
  });

  test('errors name file:line and the column', async () => {
    const bad = async (file: keyof typeof ML1M, text: string, prefix: string, line: number): Promise<void> => {
      const dir = await folder({ ...ML1M, [file]: text });
      await assert.rejects(loadPreset('ml-1m', dir), (err: unknown) => {
        assert.ok(err instanceof ParseError, String(err));
        assert.equal(err.file, join(dir, file));
        assert.equal(err.line, line);
        assert.ok(err.message.startsWith(`${join(dir, file)}:${line}: ${prefix}`), err.message);
        return true;
      });
    };
    await bad('users.dat', '1::F::1::10::48067\n2::M::56::21::70072\n', 'occupation "21" in column 4 is not a code 0-20', 2);
    await bad('users.dat', '1::F::1::10::48067\n2::M::57::2::70072\n', 'age "57" in column 3 is not one of the codes', 2);
    await bad('movies.dat', '1::Toy Story (1995)::Animation\n\n2::Heat (1995)::Thriller|Noir\n', 'unknown genre "Noir" in column 3', 3);
    await bad('ratings.dat', '1::1::5::978300760\n1::2::4.5::978300761\n', 'rating 4.5 in column 3 is not on the scale', 2);
    await bad('ratings.dat', '1::1::5::978300760\n1::2::0::978300761\n', 'rating 0 in column 3 is outside the scale 1..5', 2);
    await bad('ratings.dat', '1::1::5::978300760\n1::1::4::978300761\n', 'user "1" rated item "1" again (first on line 1)', 2);
  });

  test('a missing file is an InputError naming it', async () => {
    const { 'users.dat': _, ...rest } = ML1M;
    const dir = await folder(rest);
    await assert.rejects(loadPreset('ml-1m', dir), (err: unknown) => err instanceof InputError && err.message === `cannot read ${join(dir, 'users.dat')}: no such file`);
  });
});

describe('ml-10m', () => {
  test('half stars, :: separated, no user features; a UTF-8 movies.dat is read as UTF-8', async () => {
    const dir = await folder(
      {
        'ratings.dat': '1::122::5::838985046\n1::185::4.5::838983525\n2::122::0.5::868245777\n',
        'movies.dat': '122::Boomerang (1992)::Comedy|Romance\n185::Net, The (1995)::Action|Crime|Thriller\n4::Am\u00e9lie (2001)::Children|IMAX\n',
      },
      'utf8',
    );
    const ds = await loadPreset('ml-10m', dir);
    assert.deepEqual(ds.scale, { min: 0.5, max: 5, step: 0.5 });
    assert.deepEqual([...ds.ratings.rating], [5, 4.5, 0.5]);
    assert.deepEqual(ds.items.ids(), ['122', '185', '4']);
    assert.deepEqual(ds.users.ids(), ['1', '2']);
    assert.equal(ds.userFeatures, undefined);
    assert.deepEqual(ds.itemFeatures?.values[0], ['Comedy|Romance', 'Action|Crime|Thriller', 'Children|IMAX']);
    assert.equal(ds.itemTitles?.[2], 'Am\u00e9lie (2001)');
    assert.ok(ds.itemFeatures?.columns[0].levels?.includes('IMAX'));
    assert.deepEqual(Object.keys(ds.files).sort(), ['movies.dat', 'ratings.dat']);
  });
});

const MOVIES_CSV = [
  'movieId,title,genres',
  '1,Toy Story (1995),Adventure|Animation|Children|Comedy|Fantasy',
  '11,"American President, The (1995)",Comedy|Drama|Romance',
  '1507,"""Great Performances"" Cats (1998)",Musical',
  '131260,Rentun Ruusu (2001),(no genres listed)',
  '171749,Death Note: Desu n\u014dto (2006\u20132007),(no genres listed)',
  '149352,Babylon 5,Sci-Fi',
  '',
].join('\n');
const RATINGS_CSV = 'userId,movieId,rating,timestamp\n1,1,4.0,964982703\n1,11,3.5,964981247\n2,1507,0.5,1445714835\n2,99,5.0,1445714836\n';

for (const name of ['ml-20m', 'ml-25m', 'ml-latest-small'] as const) {
  describe(name, () => {
    test('CSV with header, quoted titles with commas and quotes, (no genres listed), years from titles', async () => {
      const ds = await loadPreset(name, await folder({ 'ratings.csv': RATINGS_CSV, 'movies.csv': MOVIES_CSV }));
      assert.equal(ds.name, name);
      assert.deepEqual(ds.items.ids(), ['1', '11', '1507', '131260', '171749', '149352', '99'], 'movies.csv order, then rating-only items');
      assert.deepEqual([...ds.ratings.item], [0, 1, 2, 6]);
      assert.deepEqual([...ds.ratings.rating], [4, 3.5, 0.5, 5]);
      assert.deepEqual(ds.scale, { min: 0.5, max: 5, step: 0.5 });
      assert.deepEqual(ds.itemTitles, [
        'Toy Story (1995)',
        'American President, The (1995)',
        '"Great Performances" Cats (1998)',
        'Rentun Ruusu (2001)',
        'Death Note: Desu n\u014dto (2006\u20132007)',
        'Babylon 5',
        '',
      ]);
      assert.deepEqual(ds.itemFeatures?.values, [
        ['Adventure|Animation|Children|Comedy|Fantasy', 'Comedy|Drama|Romance', 'Musical', '', '', 'Sci-Fi'],
        ['1995', '1995', '1998', '2001', '2006', ''],
      ]);
      assert.equal(ds.files['ratings.csv'], sha(RATINGS_CSV, 'utf8'));
      assert.equal(ds.files['movies.csv'], sha(MOVIES_CSV, 'utf8'));
    });
  });
}

describe('loadPreset and the registry', () => {
  test('unknown names list the known presets', async () => {
    for (const bad of ['ml-100k', 'ml-2m']) {
      await assert.rejects(loadPreset(bad, root.path), (err: unknown) => {
        assert.ok(err instanceof InputError);
        assert.match(err.message, new RegExp(`unknown preset "${bad}"; known presets: ml-1m, ml-10m, ml-20m, ml-25m, ml-latest-small`));
        return true;
      });
    }
  });

  test('a CSV rating with a bad value names ratings.csv:line and the column', async () => {
    const dir = await folder({ 'ratings.csv': `${RATINGS_CSV}3,1,5.5,1445714837\n`, 'movies.csv': MOVIES_CSV });
    await assert.rejects(loadPreset('ml-20m', dir), (err: unknown) => {
      assert.ok(err instanceof ParseError);
      assert.equal(err.message.split(': "')[0], `${join(dir, 'ratings.csv')}:6: rating 5.5 in column "rating" is outside the scale 0.5..5`);
      return true;
    });
  });

  test('every preset is in the registry with its URL, kept files and default split', () => {
    for (const name of PRESET_NAMES) {
      const spec = DATASETS[name];
      assert.equal(spec.url, `https://files.grouplens.org/datasets/movielens/${name}.zip`);
      assert.equal(spec.defaultSplit, 'random:0.1');
      assert.ok(spec.files.includes(name === 'ml-1m' || name === 'ml-10m' ? 'ratings.dat' : 'ratings.csv'));
      assert.equal(spec.archiveSha256 === undefined, name === 'ml-10m', `${name}: archive hash known except for ml-10m`);
    }
    assert.equal(DATASETS['ml-10m'].topFolder, 'ml-10M100K');
    assert.equal(DATASETS['ml-100k'].defaultSplit, 'u1');
    assert.equal(DATASETS['ml-1m'].archiveSha256, 'a6898adb50b9ca05aa231689da44c217cb524e7ebd39d264c56e2832f2c54e20');
  });

  test('titleYear', () => {
    assert.equal(titleYear('Toy Story (1995)'), '1995');
    assert.equal(titleYear('Babylon 5'), '');
    assert.equal(titleYear('Cosmos (1980-)'), '1980');
    assert.equal(titleYear('Money (1995) (UK) '), '');
  });
});
