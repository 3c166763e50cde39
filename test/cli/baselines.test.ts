/**
 * `rsattae train --algorithm <baseline>` and `evaluate` on what it saved, as a user runs them on a small ratings
 * file; a bad --algorithm exits 2 listing the choices; the RSAttAE-only commands refuse a baseline bundle by name.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createRng } from 'rsattae/data';
import { REPO_ROOT, tempDir } from '../data/helpers.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

test('train --algorithm with an unknown name exits 2 listing the valid ones, before reading data', () => {
  const r = run('train', '--algorithm', 'svdd', '--data-dir', '/nonexistent');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /--algorithm/);
  assert.match(r.stderr, /rsattae, global-mean, baseline-only, svd, svdpp, knn-baseline/);
});

describe('train --algorithm svd and evaluate on a ratings file', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let ratingsFile: string;
  let model: string;
  let report: { algorithm: string; split: string; config: Record<string, unknown>; data: { train: number; test: number }; metrics: { test: { rmse: number; mae: number } }; model: string };

  before(async () => {
    tmp = await tempDir();
    ratingsFile = join(tmp.path, 'ratings.csv');
    model = join(tmp.path, 'svd');
    const rng = createRng(9);
    const lines = ['userId,itemId,rating,timestamp'];
    for (let u = 1; u <= 40; u++) for (let i = 1; i <= 30; i++) if (rng.next() < 0.3) lines.push(`u${u},m${i},${1 + ((u + i) % 5)},${1_000_000 + lines.length}`);
    await writeFile(ratingsFile, `${lines.join('\n')}\n`);
    const r = run('train', '--algorithm', 'svd', '--ratings', ratingsFile, '--split', 'random:0.2', '--seed', '3', '--out', model, '--json');
    assert.equal(r.status, 0, r.stderr);
    report = JSON.parse(r.stdout);
  });
  after(() => tmp?.cleanup());

  test('the report: algorithm, Surprise defaults, train + validation fitted, test metrics', () => {
    assert.equal(report.algorithm, 'svd');
    assert.equal(report.split, 'random:0.2');
    assert.equal(report.config.factors, 100);
    assert.equal(report.config.seed, 3);
    assert.ok(report.data.train > 0 && report.data.test > 0);
    assert.ok(report.metrics.test.rmse > 0 && report.metrics.test.rmse < 2, `rmse ${report.metrics.test.rmse}`);
    assert.equal(report.model, model);
  });

  test('the bundle is checksummed and records what evaluate needs', async () => {
    const m = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8'));
    assert.equal(m.format, 'rsattae-baseline');
    assert.deepEqual(m.prepared, { seed: 3, valFraction: 0.1 });
    assert.equal(m.shapes.trainRatings, report.data.train);
    assert.ok(/^[0-9a-f]{64}$/.test(m.files['pu.f64'].sha256));
  });

  test('evaluate on the saved bundle reproduces the test metrics, on the rebuilt split and on --test FILE', () => {
    const e = run('evaluate', '--model', model, '--json');
    assert.equal(e.status, 0, e.stderr);
    const ej = JSON.parse(e.stdout) as { algorithm: string; test: { rmse: number; mae: number; count: number }; ranking?: { k: number; catalogue: number; users: number } };
    assert.equal(ej.algorithm, 'svd');
    assert.equal(ej.ranking?.k, 10, 'a baseline gets the ranking metrics too');
    assert.equal(ej.ranking?.catalogue, 30);
    assert.ok((ej.ranking?.users ?? 0) > 0);
    assert.deepEqual([ej.test.rmse, ej.test.mae, ej.test.count], [report.metrics.test.rmse, report.metrics.test.mae, report.data.test]);
    const f = run('evaluate', '--model', model, '--test', ratingsFile, '--json');
    assert.equal(f.status, 0, f.stderr);
    const fj = JSON.parse(f.stdout) as { test: { count: number; rmse: number } };
    assert.equal(fj.test.count, report.data.train + report.data.test, 'every rating of the file');
    assert.ok(fj.test.rmse < report.metrics.test.rmse, 'training ratings are fitted better than test ones');
  });

  test('a second train with the same seed saves the same parameters', async () => {
    const again = join(tmp.path, 'svd-again');
    const r = run('train', '--algorithm', 'svd', '--ratings', ratingsFile, '--split', 'random:0.2', '--seed', '3', '--out', again, '--json');
    assert.equal(r.status, 0, r.stderr);
    const files = (dir: string) => readFile(join(dir, 'manifest.json'), 'utf8').then((t) => JSON.parse(t).files);
    assert.deepEqual(await files(again), await files(model));
  });

  test('predict refuses a baseline bundle by name (exit 2)', () => {
    const p = run('predict', '--model', model, '--user', 'u1', '--item', 'm1');
    assert.equal(p.status, 2, p.stderr);
    assert.match(p.stderr, /baseline \(svd\), not an RSAttAE model/);
  });
});
