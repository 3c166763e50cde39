/**
 * `rsattae update` on the README's generated sample: a tiny model, then new ratings of a known user, of a new user
 * with a row added to users.csv since training, of a new user without one and of a new item. The new bundle loads
 * and predicts for the new ids, the old bundle is untouched, the same update gives the same bundle, a second update
 * rebuilds the first one's ratings from its record, and bad input exits 2 naming file:line.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { makeSample, REPO_ROOT, tempDir } from '../data/helpers.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const e of await readdir(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name)] = createHash('sha256').update(await readFile(join(e.parentPath, e.name))).digest('hex');
  }
  return out;
}

interface UpdateJson {
  added: { ratings: number; newUsers: number; newItems: number; featuresFound: { users: number; items: number }; replaced: number };
  data: { users: number; items: number };
  metrics: { validation: { rmse: number }; test?: { rmse: number; count: number } };
}

describe('rsattae update', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let sample: string;
  let model: string;
  let newFile: string;
  let trainedTestRmse: number;
  before(async () => {
    tmp = await tempDir();
    sample = join(tmp.path, 'sample');
    model = join(tmp.path, 'model');
    makeSample(sample);
    const r = run(
      'train', '--ratings', join(sample, 'ratings.csv'),
      '--user-features', join(sample, 'users.csv'), '--user-columns', 'userId:id,age:numeric(bins=4),country:category',
      '--split', 'temporal:0.1', '--epochs', '5', '--dim', '8', '--n-estimators', '10', '--out', model, '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    trainedTestRmse = (JSON.parse(r.stdout) as { metrics: { test: { rmse: number } } }).metrics.test.rmse;
    // a user who joined after training: the feature file has grown by one row
    await appendFile(join(sample, 'users.csv'), 'u_9001,33,DE\n');
    newFile = join(tmp.path, 'new.csv');
    await writeFile(
      newFile,
      'userId,itemId,rating,timestamp\nu_0001,tt0100000,4.5,1700000000\nu_9001,tt0100037,4,1700000001\nu_9001,tt9999999,3.5,1700000002\nu_9002,tt0100074,2,1700000003\n',
    );
  });
  after(() => tmp?.cleanup());

  test('adds the ratings, new users and items; the old bundle is untouched; the new one predicts for the new ids', async () => {
    const before = await snapshot(model);
    const out = join(tmp.path, 'updated');
    const r = run('update', '--model', model, '--ratings', newFile, '--out', out, '--epochs', '3', '--booster', 'continue', '--rounds', '5', '--json');
    assert.equal(r.status, 0, r.stderr);
    const j = JSON.parse(r.stdout) as UpdateJson;
    assert.deepEqual(j.added, { ratings: 4, newUsers: 2, newItems: 1, featuresFound: { users: 1, items: 0 }, replaced: j.added.replaced });
    assert.deepEqual(j.data, { users: 402, items: 251 });
    // a default model is a stack: its members are refitted on the 4 new ratings and its booster boosted 5 more rounds,
    // so on the same test set it stays where it was (members refitted out of line with the grown id maps would not)
    assert.ok(j.metrics.test && j.metrics.test.count > 0 && Math.abs(j.metrics.test.rmse - trainedTestRmse) < 0.005, `${JSON.stringify(j.metrics)} vs ${trainedTestRmse}`);
    const stack = JSON.parse(await readFile(join(out, 'blend.json'), 'utf8')) as { weights: number[] };
    const trainedStack = JSON.parse(await readFile(join(model, 'blend.json'), 'utf8')) as { weights: number[] };
    assert.deepEqual(stack.weights, trainedStack.weights, 'the stack keeps the weights validation chose');
    assert.deepEqual(await snapshot(model), before, 'the old bundle is byte for byte as it was');
    for (const [u, i] of [['u_9001', 'tt9999999'], ['u_9002', 'tt0100000'], ['u_0001', 'tt9999999']]) {
      const p = run('predict', '--model', out, '--user', u, '--item', i, '--json');
      assert.equal(p.status, 0, p.stderr);
      const rating = (JSON.parse(p.stdout) as { rating: number }).rating;
      assert.ok(rating > 0 && rating < 6, `${u} ${i}: ${rating}`);
    }
    const rec = run('recommend', '--model', out, '--user', 'u_9002', '-k', '300', '--json');
    const items = (JSON.parse(rec.stdout) as { items: { item: string }[] }).items.map((x) => x.item);
    assert.equal(items.length, 250, 'every item but the one u_9002 rated');
    assert.ok(!items.includes('tt0100074'));
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { data: { updates: { file: string; sha256: string }[] } };
    assert.equal(manifest.data.updates.length, 1);
    assert.equal(manifest.data.updates[0].file, newFile);

    // the same update again: the same bundle, file for file (the JSON headers aside: they hold times of writing and training)
    const again = join(tmp.path, 'again');
    assert.equal(run('update', '--model', model, '--ratings', newFile, '--out', again, '--epochs', '3', '--booster', 'continue', '--rounds', '5').status, 0);
    const a = await snapshot(out);
    const b = await snapshot(again);
    const data = Object.keys(a).filter((f) => !f.endsWith('.json') || f.endsWith('ids.json'));
    assert.ok(data.some((f) => f.endsWith('xgboost.ubj')) && data.some((f) => f.endsWith('model.bin')));
    for (const f of data) assert.equal(b[f.replace(out, again)], a[f], f);

    // a second update reads the first one's file again (rebuilding the ratings the model learnt from)
    const second = join(tmp.path, 'second');
    const file2 = join(tmp.path, 'new2.csv');
    await writeFile(file2, 'userId,itemId,rating,timestamp\nu_9002,tt9999999,5,1700000010\nu_9003,tt0100000,1,1700000011\n');
    const r2 = run('update', '--model', out, '--ratings', file2, '--out', second, '--epochs', '2', '--json');
    assert.equal(r2.status, 0, r2.stderr);
    assert.deepEqual((JSON.parse(r2.stdout) as UpdateJson).data, { users: 403, items: 251 });
    const m2 = JSON.parse(await readFile(join(second, 'manifest.json'), 'utf8')) as { data: { updates: unknown[] } };
    assert.equal(m2.data.updates.length, 2);
    // the human report
    const text = run('update', '--model', model, '--ratings', newFile, '--out', join(tmp.path, 'text'), '--epochs', '1', '--booster', 'continue', '--rounds', '1');
    assert.match(text.stdout, /with 4 ratings of .*new\.csv \(2 new users, 1 new items\): 402 users, 251 items/);
  });

  test('bad input exits 2 with a message naming what and where', async () => {
    const bad = join(tmp.path, 'bad.csv');
    await writeFile(bad, 'userId,itemId,rating,timestamp\nu_0001,tt0100000,4,1700000000\nu_0002,tt0100000,four,1700000001\n');
    const r = run('update', '--model', model, '--ratings', bad, '--out', join(tmp.path, 'x'));
    assert.equal(r.status, 2);
    assert.ok(r.stderr.includes(`${bad}:3: rating "four"`), r.stderr);
    const scale = join(tmp.path, 'scale.csv');
    await writeFile(scale, 'userId,itemId,rating,timestamp\nu_0001,tt0100000,9,1700000000\n');
    const s = run('update', '--model', model, '--ratings', scale, '--out', join(tmp.path, 'x'));
    assert.equal(s.status, 2);
    assert.match(s.stderr, /scale\.csv:2: rating 9 /);
    const same = run('update', '--model', model, '--ratings', newFile, '--out', model);
    assert.equal(same.status, 2);
    assert.match(same.stderr, /is the model bundle being updated/);
    const none = run('update', '--model', join(tmp.path, 'nope'), '--ratings', newFile, '--out', join(tmp.path, 'x'));
    assert.equal(none.status, 2);
    assert.match(none.stderr, /no manifest\.json here/);
    const missing = run('update', '--model', model, '--ratings', join(tmp.path, 'missing.csv'), '--out', join(tmp.path, 'x'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /missing\.csv/);
  });
});
