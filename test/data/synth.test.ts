/**
 * The synthetic generator (`data synth`): same seed same bytes, MovieLens-like statistics, features that carry
 * signal, a dataset.json that trains as written, an ML-100K layout rsattae's parser reads, and bad options refused
 * with exit 2.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { loadDataset, readDescriptorFile } from '../../src/data/descriptor.js';
import { loadMovieLens100KDataset } from '../../src/data/ml100k.js';
import { loadMovieLens100K } from '../../src/data/movielens-parsers.js';
import { resolveSynthOptions, synthesize } from '../../src/data/synth.js';
import { REPO_ROOT, tempDir } from './helpers.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

interface Row {
  user: string;
  item: string;
  rating: number;
  time: number;
}

async function readCsvRatings(dir: string): Promise<Row[]> {
  const lines = (await readFile(join(dir, 'ratings.csv'), 'utf8')).trimEnd().split('\n');
  assert.equal(lines[0], 'userId,movieId,rating,timestamp');
  return lines.slice(1).map((l) => {
    const [user, item, rating, time] = l.split(',');
    return { user, item, rating: Number(rating), time: Number(time) };
  });
}

const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe('data synth', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  const small = { users: 300, items: 1000, ratings: 15_000 };
  let dir: string;
  let rows: Row[];
  before(async () => {
    tmp = await tempDir('rsattae-synth-');
    dir = join(tmp.path, 'small');
    const progress: number[] = [];
    const s = await synthesize({ ...small, seed: 7, out: dir }, (done) => progress.push(done));
    assert.deepEqual(s.files, ['ratings.csv', 'items.csv', 'users.csv', 'dataset.json']);
    assert.equal(progress.at(-1), small.ratings);
    rows = await readCsvRatings(dir);
    assert.equal(Math.abs(s.mean - mean(rows.map((r) => r.rating))) < 1e-9, true, 'summary mean is the written mean');
  });
  after(() => tmp?.cleanup());

  test('same seed, same bytes; another seed, other bytes', async () => {
    const a = join(tmp.path, 'a');
    const b = join(tmp.path, 'b');
    const c = join(tmp.path, 'c');
    await synthesize({ users: 60, items: 200, ratings: 2000, seed: 5, out: a });
    await synthesize({ users: 60, items: 200, ratings: 2000, seed: 5, out: b });
    await synthesize({ users: 60, items: 200, ratings: 2000, seed: 6, out: c });
    const names = (await readdir(a)).sort();
    assert.deepEqual(names, ['dataset.json', 'items.csv', 'ratings.csv', 'users.csv'], 'no staging leftovers');
    for (const f of names) assert.ok((await readFile(join(a, f))).equals(await readFile(join(b, f))), `${f} differs`);
    for (const f of ['ratings.csv', 'items.csv', 'users.csv']) {
      assert.ok(!(await readFile(join(a, f))).equals(await readFile(join(c, f))), `${f} equal across seeds`);
    }
  });

  test('MovieLens-like shape: >= 20 per user, no duplicate pair, mean 3.5 ± 0.1, skewed popularity, times increase', () => {
    assert.equal(rows.length, small.ratings);
    const perUser = new Map<string, number>();
    const perItem = new Map<string, number>();
    const pairs = new Set<string>();
    const last = new Map<string, number>();
    for (const r of rows) {
      perUser.set(r.user, (perUser.get(r.user) ?? 0) + 1);
      perItem.set(r.item, (perItem.get(r.item) ?? 0) + 1);
      const key = `${r.user}:${r.item}`;
      assert.ok(!pairs.has(key), `duplicate pair ${key}`);
      pairs.add(key);
      assert.ok(Number.isInteger(r.rating) && r.rating >= 1 && r.rating <= 5, `rating ${r.rating}`);
      assert.ok(r.time > (last.get(r.user) ?? 0), `user ${r.user}: timestamps not increasing`);
      last.set(r.user, r.time);
    }
    assert.equal(perUser.size, small.users);
    const counts = [...perUser.values()].sort((x, y) => x - y);
    assert.ok(counts[0] >= 20, `a user has ${counts[0]} ratings`);
    assert.ok(counts.at(-1)! > 4 * counts[counts.length >> 1], `activity not heavy-tailed: max ${counts.at(-1)}, median ${counts[counts.length >> 1]}`);
    const m = mean(rows.map((r) => r.rating));
    assert.ok(Math.abs(m - 3.5) <= 0.1, `mean ${m}`);
    const pop = [...perItem.values()].sort((x, y) => y - x);
    const top = pop.slice(0, small.items / 10).reduce((a, b) => a + b, 0);
    assert.ok(top / rows.length > 0.4, `top 10% of items hold ${top / rows.length}`);
  });

  test('features carry signal: genre mean ratings differ, older users rate higher', async () => {
    const items = (await readFile(join(dir, 'items.csv'), 'utf8')).trimEnd().split('\n').slice(1);
    const genresOf = new Map(items.map((l) => [l.split(',')[0], l.split(',')[2].split('|')]));
    const byGenre = new Map<string, number[]>();
    for (const r of rows) for (const g of genresOf.get(r.item) ?? []) byGenre.set(g, [...(byGenre.get(g) ?? []), r.rating]);
    const means = [...byGenre.values()].filter((v) => v.length >= 300).map(mean);
    assert.ok(means.length >= 10, `${means.length} genres with 300+ ratings`);
    assert.ok(Math.max(...means) - Math.min(...means) > 0.2, `genre means ${means.map((x) => x.toFixed(2)).join(' ')}`);
    const users = (await readFile(join(dir, 'users.csv'), 'utf8')).trimEnd().split('\n');
    assert.equal(users[0], 'userId,age,gender,occupation');
    const age = new Map(users.slice(1).map((l) => [l.split(',')[0], Number(l.split(',')[1])]));
    const byUser = new Map<string, number[]>();
    for (const r of rows) byUser.set(r.user, [...(byUser.get(r.user) ?? []), r.rating]);
    const xs = [...byUser.keys()].map((u) => age.get(u) as number);
    const ys = [...byUser.values()].map(mean);
    const mx = mean(xs);
    const my = mean(ys);
    let sxy = 0;
    let sxx = 0;
    let syy = 0;
    for (let k = 0; k < xs.length; k++) {
      sxy += (xs[k] - mx) * (ys[k] - my);
      sxx += (xs[k] - mx) ** 2;
      syy += (ys[k] - my) ** 2;
    }
    const corr = sxy / Math.sqrt(sxx * syy);
    assert.ok(corr > 0.2, `correlation of age and mean rating ${corr}`);
  });

  test('half-star shapes: 0.5 steps, no users.csv, the descriptor says so', async () => {
    const out = join(tmp.path, 'half');
    const s = await synthesize({ shape: 'ml-20m', users: 80, items: 300, ratings: 3000, seed: 1, out });
    assert.deepEqual(s.scale, { min: 0.5, max: 5, step: 0.5 });
    assert.equal(existsSync(join(out, 'users.csv')), false);
    const ratings = (await readCsvRatings(out)).map((r) => r.rating);
    assert.ok(ratings.every((r) => r >= 0.5 && r <= 5 && Number.isInteger(r * 2)));
    assert.ok(ratings.some((r) => !Number.isInteger(r)), 'some half stars');
    assert.ok(Math.abs(mean(ratings) - 3.5) <= 0.1, `mean ${mean(ratings)}`);
    const d = await readDescriptorFile(join(out, 'dataset.json'));
    assert.equal(d.userFeatures, undefined);
    const ds = await loadDataset(d, { dataDir: tmp.path, fetch: false });
    assert.deepEqual(ds.scale, { min: 0.5, max: 5, step: 0.5 });
    assert.equal(ds.ratings.rating.length, 3000);
  });

  test('shapes preset the real sizes; explicit sizes override them', () => {
    const r = resolveSynthOptions({ shape: 'ml-1m', seed: 1, out: 'x' });
    assert.deepEqual([r.users, r.items, r.ratings, r.halfStars, r.demographics], [6040, 3706, 1_000_209, false, true]);
    const z = resolveSynthOptions({ shape: 'ml-25m', users: 1000, seed: 1, out: 'x' });
    assert.deepEqual([z.users, z.items, z.ratings, z.halfStars, z.demographics], [1000, 59_047, 25_000_095, true, false]);
    assert.throws(() => resolveSynthOptions({ users: 10, items: 100, ratings: 199, seed: 1, out: 'x' }), InputError);
  });

  test('dataset.json trains as written', async () => {
    const d = await readDescriptorFile(join(dir, 'dataset.json'));
    const ds = await loadDataset(d, { dataDir: tmp.path, fetch: false });
    assert.deepEqual([ds.users.size, ds.items.size, ds.ratings.rating.length], [small.users, small.items, small.ratings]);
    assert.ok(ds.userFeatures && ds.itemFeatures);
    const r = run('train', '--dataset-file', join(dir, 'dataset.json'), '--epochs', '2', '--dim', '4', '--n-estimators', '5', '--out', join(tmp.path, 'model'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { dataset: string; data: { users: number; items: number; test: number } };
    assert.equal(report.dataset, 'synth-7');
    assert.deepEqual([report.data.users, report.data.items, report.data.test], [small.users, small.items, 1500]);
  });

  test('the ML-100K layout parses with rsattae\'s loader and trains as the ml-100k preset', async () => {
    const parent = join(tmp.path, 'ml');
    const out = join(parent, 'ml-100k');
    const r = run('data', 'synth', '--users', '50', '--items', '120', '--ratings', '1500', '--seed', '9', '--format', 'ml-100k', '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { files: string[] }).files.sort(),
      ['dataset.json', 'u.data', 'u.genre', 'u.info', 'u.item', 'u.occupation', 'u.user', 'u1.base', 'u1.test'],
    );
    const ml = await loadMovieLens100K(out);
    assert.deepEqual(ml.info, { users: 50, items: 120, ratings: 1500 });
    assert.equal(ml.genres.length, 19);
    assert.equal(ml.occupations.length, 21);
    assert.ok(ml.items.every((i) => i.releaseYear !== null && i.releaseYear > 1920 && i.releaseYear <= 2000));
    assert.ok(ml.users.every((u) => u.age > 0 && u.age <= 90));
    const all = await ml.readRatings('u.data');
    const ds = await loadMovieLens100KDataset(out, 'u1'); // checks base and test are disjoint
    const nTest = ds.test?.rating.length ?? 0;
    assert.equal(ds.ratings.rating.length + nTest, all.rating.length);
    assert.ok(nTest > 0.15 * 1500 && nTest < 0.25 * 1500, `test share ${nTest / 1500}`);
    const t = run('train', '--dataset', 'ml-100k', '--data-dir', parent, '--epochs', '2', '--dim', '4', '--n-estimators', '5', '--out', join(tmp.path, 'model-ml'), '--json');
    assert.equal(t.status, 0, t.stderr);
    assert.equal((JSON.parse(t.stdout) as { data: { test: number } }).data.test, nTest);
    // its own descriptor reads the same files as a plain ratings file with a test file
    const viaDescriptor = await loadDataset(await readDescriptorFile(join(out, 'dataset.json')), { dataDir: tmp.path, fetch: false });
    assert.equal(viaDescriptor.test?.rating.length, nTest);
  });

  const torch = spawnSync('/usr/bin/python3', ['-c', 'import torch, xgboost, sklearn, pandas'], { encoding: 'utf8' }).status === 0;
  test('the PyTorch reference loads the ML-100K layout', { skip: torch ? false : 'python3 with torch, xgboost, sklearn and pandas is not installed' }, async () => {
    const out = join(tmp.path, 'ref', 'ml-100k');
    await synthesize({ users: 50, items: 120, ratings: 1500, seed: 2, format: 'ml-100k', out });
    const code = `import sys; sys.path.insert(0, '/work/shared/bench'); import reference_rsattae as r; t = r.load(sys.argv[1], 1, 0.15, 0); print(len(t[0]) + len(t[1]) + len(t[2]))`;
    const p = spawnSync('/usr/bin/python3', ['-c', code, out], { encoding: 'utf8' });
    assert.equal(p.status, 0, p.stderr);
    assert.equal(Number(p.stdout.trim()), 1500);
  });

  test('bad options exit 2 and say what is wrong', () => {
    const out = join(tmp.path, 'bad');
    const cases: [string[], RegExp][] = [
      [['--users', '10', '--items', '100', '--ratings', '150'], /--ratings 150 is too few for 10 users: .* at least 200/],
      [['--users', '10', '--items', '100'], /--ratings is missing/],
      [['--shape', 'ml-10m', '--format', 'ml-100k'], /--format ml-100k holds whole stars only/],
      [['--users', '10', '--items', '10', '--ratings', '200'], /--items 10 is too few/],
      [['--users', '2', '--items', '100', '--ratings', '101'], /--ratings 101 is too many/],
      [['--users', 'ten', '--items', '100', '--ratings', '200'], /option '--users <n>' argument 'ten' is invalid/],
      [['--shape', 'ml-2m'], /expected one of ml-1m, ml-10m, ml-20m, ml-25m/],
    ];
    for (const [args, message] of cases) {
      const r = run('data', 'synth', ...args, '--out', out);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
    }
    assert.equal(existsSync(out), false, 'nothing written');
  });
});
