/**
 * Your own data through the CLI, as the README's "Your own data" section runs it: the generated sample (string
 * ids, half stars, a header, quoted titles with commas, genres), data info, train, predict, recommend and evaluate;
 * then every bad-input case, each with exit 2 and a message naming file:line (or the field) and what is wrong.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { REPO_ROOT, tempDir } from '../data/helpers.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const ITEM_COLUMNS = 'itemId:id,title:ignore,genres:multi(|),year:numeric';
const USER_COLUMNS = 'userId:id,age:numeric(bins=4),country:category';

describe('your own CSV files end to end (the README example)', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let sample: string;
  let model: string;
  let trainReport: { metrics: { test: { rmse: number; mae: number } }; split: string; data: { test: number; coldTest: { ratings: number } } };
  before(async () => {
    tmp = await tempDir();
    sample = join(tmp.path, 'sample');
    model = join(tmp.path, 'model');
    const g = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'examples', 'make-sample.js'), sample], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
  });
  after(() => tmp?.cleanup());

  test('the sample is what the README says', async () => {
    const ratings = (await readFile(join(sample, 'ratings.csv'), 'utf8')).split('\n');
    assert.equal(ratings[0], 'userId,itemId,rating,timestamp');
    assert.match(ratings[1], /^u_0001,tt\d{7},\d(\.5)?,\d{10}$/);
    assert.ok(ratings.some((l) => /,\d\.5,/.test(l)), 'half stars');
    const items = await readFile(join(sample, 'items.csv'), 'utf8');
    assert.match(items, /^tt0100000,"Film 1, Part 1",[A-Za-z|-]*,\d{4}$/m);
  });

  test('data info reads it: string ids, half-star scale, encoded feature widths, a temporal split', () => {
    const r = run('data', 'info', '--ratings', join(sample, 'ratings.csv'), '--item-features', join(sample, 'items.csv'), '--item-columns', ITEM_COLUMNS, '--split', 'temporal:0.1', '--json');
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout) as Record<string, unknown> & { split: Record<string, number> };
    assert.equal(info.dataset, 'ratings');
    assert.equal(info.users, 400);
    assert.equal(info.items, 250);
    assert.deepEqual(info.ratingScale, [0.5, 5]);
    assert.equal(info.ratingStep, 0.5);
    assert.equal(info.timestamps, true);
    assert.equal(info.userFeatures, 0);
    assert.equal(info.itemFeatures, 7 + 1 + 5, '7 genres + other, 5 year bins');
    assert.equal(info.split.train + info.split.validation + info.split.test, info.ratings);
  });

  test('train, predict, recommend and evaluate take and print external ids', async () => {
    const r = run(
      'train', '--ratings', join(sample, 'ratings.csv'),
      '--item-features', join(sample, 'items.csv'), '--item-columns', ITEM_COLUMNS,
      '--user-features', join(sample, 'users.csv'), '--user-columns', USER_COLUMNS,
      '--split', 'temporal:0.1', '--epochs', '30', '--dim', '8', '--n-estimators', '300', '--out', model, '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    trainReport = JSON.parse(r.stdout);
    assert.equal(trainReport.split, 'temporal:0.1');
    // the sample's ratings spread 0.98 around their mean; these settings reach about 0.92 (0.9166 measured)
    assert.ok(trainReport.metrics.test.rmse > 0.5 && trainReport.metrics.test.rmse < 0.95, `test rmse ${trainReport.metrics.test.rmse}`);
    const p = run('predict', '--model', model, '--user', 'u_0042', '--item', 'tt0100037', '--json');
    assert.equal(p.status, 0, p.stderr);
    const pj = JSON.parse(p.stdout) as { user: string; item: string; rating: number };
    assert.equal(pj.user, 'u_0042');
    assert.ok(pj.rating > 0 && pj.rating < 6);
    const rec = run('recommend', '--model', model, '--user', 'u_0042', '-k', '5', '--json');
    assert.equal(rec.status, 0, rec.stderr);
    const items = (JSON.parse(rec.stdout) as { items: { item: string }[] }).items;
    assert.equal(items.length, 5);
    for (const it of items) assert.match(it.item, /^tt\d{7}$/);
    const ev = run('evaluate', '--model', model, '--json');
    assert.equal(ev.status, 0, ev.stderr);
    const e = JSON.parse(ev.stdout) as { test: { rmse: number; mae: number; count: number }; unknown: { ratings: number } };
    assert.deepEqual([e.test.rmse, e.test.mae, e.test.count], [trainReport.metrics.test.rmse, trainReport.metrics.test.mae, trainReport.data.test]);
    const unknown = run('predict', '--model', model, '--user', 'nobody', '--item', 'tt0100037');
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown user id "nobody"; the model knows u_0001, u_0002, u_0003, …/);
  });

  test('evaluate --test FILE: ratings of users the model never saw are skipped and counted', async () => {
    const file = join(tmp.path, 'new-test.csv');
    await writeFile(file, 'userId,itemId,rating,timestamp\nu_0042,tt0100037,4,1700000000\nu_9999,tt0100037,3,1700000001\nu_0007,tt9999999,2.5,1700000002\n');
    const ev = run('evaluate', '--model', model, '--test', file, '--json');
    assert.equal(ev.status, 0, ev.stderr);
    const e = JSON.parse(ev.stdout) as { test: { count: number }; unknown: { ratings: number; users: number; items: number } };
    assert.equal(e.test.count, 1);
    assert.deepEqual(e.unknown, { ratings: 2, users: 1, items: 1 });
    const text = run('evaluate', '--model', model, '--test', file);
    assert.match(text.stdout, /skipped 2 test ratings of unknown users\/items \(1 users, 1 items the model has never seen\)/);
    assert.match(text.stdout, /top-10 ranking of 1 test users with a test rating >= 4 /);
    assert.match(text.stdout, /NDCG@10 +[01]\.\d{4}\n/);
  });

  test('evaluate --k --relevance: the ranking report states both; --no-ranking leaves it out', () => {
    const ev = run('evaluate', '--model', model, '--k', '5', '--relevance', '4.5', '--json');
    assert.equal(ev.status, 0, ev.stderr);
    const e = JSON.parse(ev.stdout) as { ranking: { k: number; relevance: number; users: number; catalogue: number; hitRate: number } };
    assert.equal(e.ranking.k, 5);
    assert.equal(e.ranking.relevance, 4.5);
    assert.equal(e.ranking.catalogue, 250);
    assert.ok(e.ranking.users > 0 && e.ranking.hitRate >= 0 && e.ranking.hitRate <= 1);
    const off = run('evaluate', '--model', model, '--no-ranking', '--json');
    assert.equal((JSON.parse(off.stdout) as { ranking?: unknown }).ranking, undefined);
    const bad = run('evaluate', '--model', model, '--k', '0');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /--k <n>.*whole number >= 1/);
  });

  test('a user:F split holds out whole users, scored from their features (cold start)', () => {
    const r = run('train', '--ratings', join(sample, 'ratings.csv'), '--user-features', join(sample, 'users.csv'), '--user-columns', USER_COLUMNS, '--split', 'user:0.1', '--epochs', '5', '--dim', '8', '--n-estimators', '10', '--out', join(tmp.path, 'cold'), '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { data: { test: number; coldTest: { users: number; ratings: number } }; metrics: { test: { rmse: number } } };
    assert.equal(j.data.coldTest.users, j.data.test);
    assert.ok(Number.isFinite(j.metrics.test.rmse));
  });
});

describe('bad input: exit 2, naming the file, line and field', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    tmp = await tempDir();
  });
  after(() => tmp?.cleanup());

  const info = async (name: string, text: string, ...extra: string[]) => {
    const file = join(tmp.path, name);
    await writeFile(file, text);
    return { file, r: run('data', 'info', '--ratings', file, '--json', ...extra) };
  };

  test('a missing column lists the columns found', async () => {
    const { r } = await info('a.csv', 'user,item,score\nu1,i1,4\n', '--columns', 'user,item,rating');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /a\.csv: no rating column "rating"; its columns are .*score/);
  });

  test('a non-numeric rating names file:line and column', async () => {
    const { file, r } = await info('b.csv', 'user,item,rating\nu1,i1,4\nu2,i1,four\n');
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${file}:3: rating "four" in `), r.stderr);
  });

  test('a rating outside --rating-scale names file:line', async () => {
    const { file, r } = await info('c.csv', 'user,item,rating\nu1,i1,4\nu2,i1,7\n', '--rating-scale', '1,5');
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${file}:3: rating 7 in `) && r.stderr.includes('outside the scale 1..5'), r.stderr);
  });

  test('an empty file, and a file with a header only', async () => {
    const empty = await info('d.csv', '');
    assert.equal(empty.r.status, 2);
    assert.match(empty.r.stderr, /d\.csv is empty/);
    const headerOnly = await info('e.csv', 'user,item,rating\n', '--header', 'yes');
    assert.equal(headerOnly.r.status, 2);
    assert.match(headerOnly.r.stderr, /e\.csv holds no ratings/);
  });

  test('a duplicate pair is an error naming both lines; --duplicates last|mean resolve it', async () => {
    const text = 'user,item,rating\nu1,i1,4\nu2,i1,3\nu1,i1,2\n';
    const { file, r } = await info('f.csv', text);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${file}:4:`) && /line 2/.test(r.stderr), r.stderr);
    for (const how of ['last', 'mean']) {
      const ok = (await info(`f-${how}.csv`, text, '--duplicates', how)).r;
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal((JSON.parse(ok.stdout) as { ratings: number }).ratings, 2);
    }
  });

  test('the same pair in the ratings and --test is an error naming both places', async () => {
    const train = join(tmp.path, 'train.csv');
    const testFile = join(tmp.path, 'test.csv');
    await writeFile(train, 'user,item,rating\nu1,i1,4\nu2,i1,3\nu2,i2,5\n');
    await writeFile(testFile, 'user,item,rating\nu3,i2,1\nu2,i2,4\n');
    const r = run('data', 'info', '--ratings', train, '--test', testFile);
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${testFile}:3: the rating of item "i2" by user "u2" is also in the training data (${train}:4)`), r.stderr);
    // --test-overlap drops the shared pair from one side instead (enough training ratings left for a validation share)
    const more = join(tmp.path, 'train-more.csv');
    await writeFile(more, 'user,item,rating\nu1,i1,4\nu2,i1,3\nu2,i2,5\nu3,i1,1\nu1,i3,2\nu4,i3,5\nu4,i1,4\nu5,i2,3\nu5,i3,3\nu3,i3,2\n');
    const counts = (how: string) => {
      const ok = run('data', 'info', '--ratings', more, '--test', testFile, '--test-overlap', how, '--json');
      assert.equal(ok.status, 0, ok.stderr);
      const j = JSON.parse(ok.stdout) as { ratings: number; split: { test: number } };
      return [j.ratings, j.split.test];
    };
    assert.deepEqual(counts('drop-train'), [11, 2]);
    assert.deepEqual(counts('drop-test'), [11, 1]);
    const lone = run('data', 'info', '--ratings', train, '--test-overlap', 'drop-test');
    assert.equal(lone.status, 2);
    assert.match(lone.stderr, /"testOverlap" goes with "test"/);
  });

  test('ids seen only in --test stay in the model and are counted as cold-start ratings', async () => {
    const train = join(tmp.path, 'train2.csv');
    const testFile = join(tmp.path, 'test2.csv');
    await writeFile(train, 'user,item,rating\nu1,i1,4\nu2,i1,3\nu2,i2,5\nu3,i2,2\nu3,i1,1\nu1,i3,2\nu4,i3,5\nu4,i1,4\nu5,i2,3\nu5,i3,3\n');
    await writeFile(testFile, 'user,item,rating\nu1,i2,4\nnewcomer,i1,3\nu2,new-item,2\n');
    const r = run('data', 'info', '--ratings', train, '--test', testFile, '--json');
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout) as { users: number; items: number; split: { name: string; test: number; coldTest: Record<string, number> } };
    assert.deepEqual([info.users, info.items], [6, 4], 'the test-only user and item are in the id maps');
    assert.equal(info.split.name, 'test-file');
    assert.equal(info.split.test, 3);
    assert.deepEqual(info.split.coldTest, { users: 1, items: 1, ratings: 2 });
  });

  test('bad option values and descriptor fields are named', async () => {
    const bad = run('data', 'info', '--ratings', 'x.csv', '--split', 'fold:0.1');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /expected KIND:F with KIND one of random, temporal, user/);
    const desc = join(tmp.path, 'd.json');
    await writeFile(desc, JSON.stringify({ ratings: 'r.csv', ratingScale: [1, 5], sepp: ',' }));
    const r = run('data', 'info', '--dataset-file', desc);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /invalid dataset descriptor .*d\.json.*sepp/);
    const cols = run('data', 'info', '--ratings', 'x.csv', '--item-features', 'i.csv', '--item-columns', 'id:id,genre:multiple');
    assert.equal(cols.status, 2);
    assert.match(cols.stderr, /genre:multiple/);
  });
});

describe('a MovieLens preset other than ML-100K through the CLI (ML-1M format, built here)', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    tmp = await tempDir();
    const dir = join(tmp.path, 'ml-1m');
    await mkdir(dir);
    const ages = ['1', '18', '25', '35', '45', '50', '56'];
    const users: string[] = [];
    for (let u = 1; u <= 60; u++) users.push(`${u}::${u % 2 ? 'F' : 'M'}::${ages[u % 7]}::${u % 21}::${10000 + u}`);
    const genres = ['Action', 'Comedy', 'Drama', "Children's"];
    const movies: string[] = [];
    for (let m = 1; m <= 40; m++) movies.push(`${m}::Caf\u00e9 ${m} (${1950 + m})::${genres[m % 4]}|${genres[(m + 1) % 4]}`);
    const ratings: string[] = [];
    for (let u = 1; u <= 60; u++) for (let m = 1; m <= 40; m++) if ((u * 7 + m * 3) % 5 < 2) ratings.push(`${u}::${m}::${1 + ((u + m) % 5)}::${978300000 + u * 100 + m}`);
    await writeFile(join(dir, 'users.dat'), Buffer.from(`${users.join('\n')}\n`, 'latin1'));
    await writeFile(join(dir, 'movies.dat'), Buffer.from(`${movies.join('\n')}\n`, 'latin1'));
    await writeFile(join(dir, 'ratings.dat'), Buffer.from(`${ratings.join('\n')}\n`, 'latin1'));
  });
  after(() => tmp?.cleanup());

  test('data info and train read it with its default split (random:0.1) and its features', () => {
    const info = run('data', 'info', 'ml-1m', '--data-dir', tmp.path, '--split', 'random:0.1', '--json');
    assert.equal(info.status, 0, info.stderr);
    const i = JSON.parse(info.stdout) as { users: number; items: number; ratings: number; userFeatures: number; itemFeatures: number; split: { test: number } };
    assert.deepEqual([i.users, i.items, i.ratings], [60, 40, 960]);
    assert.ok(i.userFeatures > 0 && i.itemFeatures > 0);
    assert.equal(i.split.test, 96);
    const out = join(tmp.path, 'model');
    const r = run('train', '--dataset', 'ml-1m', '--data-dir', tmp.path, '--epochs', '3', '--dim', '4', '--n-estimators', '5', '--out', out, '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as { dataset: string; split: string; data: { users: number; test: number } };
    assert.deepEqual([j.dataset, j.split, j.data.users, j.data.test], ['ml-1m', 'random:0.1', 60, 96]);
    const rec = run('recommend', '--model', out, '--user', '7', '-k', '2', '--json');
    assert.equal(rec.status, 0, rec.stderr);
    assert.match((JSON.parse(rec.stdout) as { items: { title: string }[] }).items[0].title, /^Caf\u00e9 \d+ \(\d{4}\)$/);
  });
});
