/**
 * `rsattae recommend|predict --new-user` as a user runs them, on a small synthetic model saved with its feature
 * encoders: the output equals the library's fold-in, and every kind of bad input exits 2 with a message naming it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { RSAttAE } from 'rsattae';
import { parseFeatureList, parseRatingList } from '../../src/cli/foldin-options.js';
import { REPO_ROOT, tempDir } from '../data/helpers.js';
import { synthetic, withEncoders } from '../pipeline/synthetic.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const round = (x: number): number => Number(x.toFixed(4));

test('--features and --ratings lists parse, and malformed ones name the pair', () => {
  assert.deepEqual(parseFeatureList('age=25, gender=F,occupation=writer', '--features'), { age: '25', gender: 'F', occupation: 'writer' });
  assert.deepEqual(parseFeatureList('', '--features'), {});
  assert.throws(() => parseFeatureList('age=25,F', '--features'), /--features: pair 2 "F" is not NAME=VALUE/);
  assert.throws(() => parseFeatureList('age=1,age=2', '--features'), /feature "age" is given twice/);
  assert.deepEqual(parseRatingList('50:5, 172:4', '--ratings'), [
    { id: '50', rating: 5 },
    { id: '172', rating: 4 },
  ]);
  assert.throws(() => parseRatingList('50:5,172', '--ratings'), /--ratings: pair 2 "172" is not ID:RATING/);
  assert.throws(() => parseRatingList('50:five', '--ratings'), /pair 1 "50:five"/);
});

describe('rsattae predict / recommend --new-user on a synthetic model', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let dir: string;
  let model: RSAttAE;
  before(async () => {
    tmp = await tempDir();
    dir = join(tmp.path, 'model');
    model = await RSAttAE.fit(withEncoders(synthetic(40, 50, 8).data), {
      seed: 2,
      autoencoder: { dim: 8, epochs: 20, learningRate: 0.01, parallel: false },
      xgboost: { nEstimators: 20, learningRate: 0.1, maxDepth: 4, nThread: 1 },
    });
    await model.save(dir);
  });
  after(async () => {
    model?.dispose();
    await tmp?.cleanup();
  });

  test('recommend and predict equal the library fold-in', () => {
    const input = { features: { group: '2' }, ratings: [{ id: '1', rating: 5 }, { id: '7', rating: 2 }] };
    const r = run('recommend', '--model', dir, '--new-user', '--features', 'group=2', '--ratings', '1:5,7:2', '-k', '4', '--json');
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { user: unknown; items: { item: string; score: number }[] };
    assert.deepEqual(out.user, { new: true, features: { group: '2' }, ratings: 2 });
    const expected = model.recommend(model.foldInUser(input), 4);
    assert.deepEqual(
      out.items.map((i) => [i.item, i.score]),
      expected.map((e) => [e.item, round(e.score)]),
    );
    assert.ok(out.items.every((i) => i.item !== '1' && i.item !== '7'));

    const p = run('predict', '--model', dir, '--new-user', '--features', 'group=2', '--ratings', '1:5,7:2', '--item', '3', '--json');
    assert.equal(p.status, 0, p.stderr);
    assert.equal((JSON.parse(p.stdout) as { rating: number }).rating, round(model.predict(model.foldInUser(input), 3)));
    const enc = run('predict', '--model', dir, '--new-user', '--ratings', '1:5', '--item', '3', '--method', 'encoder');
    assert.equal(enc.status, 0, enc.stderr);
    assert.equal(Number(enc.stdout), Number(model.predict(model.foldInUser({ ratings: [{ id: 1, rating: 5 }] }, { method: 'encoder' }), 3).toFixed(4)));
    // neither features nor ratings: the documented fallback, still a ranking
    const bare = run('recommend', '--model', dir, '--new-user', '-k', '3');
    assert.equal(bare.status, 0, bare.stderr);
    assert.equal(bare.stdout.trim().split('\n').length, 3);
  });

  test('bad input exits 2 and says what is wrong', () => {
    const cases: [string[], RegExp][] = [
      [['--features', 'age=25'], /unknown user feature "age"; the user features are group/],
      [['--features', 'group=9'], /group "9" is not a known value; known: 0, 1, 2, 3/],
      [['--ratings', '999:4'], /unknown item id "999"/],
      [['--ratings', '1:7'], /rating 7 of item "1" is outside the model's scale 1..5/],
      [['--ratings', '1:4,2'], /--ratings: pair 2 "2" is not ID:RATING/],
      [['--features', 'group'], /--features: pair 1 "group" is not NAME=VALUE/],
      [['--user', '1'], /either --user ID or --new-user, not both/],
    ];
    for (const [extra, pattern] of cases) {
      const r = run('recommend', '--model', dir, '--new-user', ...extra);
      assert.equal(r.status, 2, `${extra.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, pattern);
    }
    const neither = run('recommend', '--model', dir);
    assert.equal(neither.status, 2);
    assert.match(neither.stderr, /give --user ID, or --new-user/);
    const stray = run('predict', '--model', dir, '--user', '1', '--item', '2', '--features', 'group=1');
    assert.equal(stray.status, 2);
    assert.match(stray.stderr, /add --new-user/);
    const method = run('recommend', '--model', dir, '--new-user', '--method', 'magic');
    assert.equal(method.status, 2);
    assert.match(method.stderr, /attention, encoder/);
  });
});
