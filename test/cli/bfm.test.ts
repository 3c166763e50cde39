/**
 * `rsattae train --algorithm bfm` and `evaluate` on what it saved, as a user runs them on a ratings file with
 * timestamps and a user feature table; its flags' bad values exit 2 naming the flag; an ordinal output on a grid too
 * fine for it exits 2 saying why.
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

test('a bad --bfm-* value exits 2 naming the flag and its range, before reading data', () => {
  for (const [flag, value, what] of [
    ['--bfm-rank', '0', /--bfm-rank.*from 1 to 256/],
    ['--bfm-iterations', '1e3', /--bfm-iterations.*whole number/],
    ['--bfm-output', 'poisson', /--bfm-output.*one of regression, ordinal/],
  ] as const) {
    const r = run('train', '--algorithm', 'bfm', flag, value, '--ratings', '/nonexistent/ratings.csv');
    assert.equal(r.status, 2, `${flag} ${value}: ${r.stderr}`);
    assert.match(r.stderr, what);
  }
});

describe('train --algorithm bfm and evaluate on a ratings file', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let ratingsFile: string;
  let model: string;
  let report: { algorithm: string; config: Record<string, unknown>; data: { train: number; test: number }; metrics: { test: { rmse: number } }; model: string };
  let mean: number;

  before(async () => {
    tmp = await tempDir();
    ratingsFile = join(tmp.path, 'ratings.csv');
    model = join(tmp.path, 'bfm');
    const rng = createRng(9);
    const bu = Array.from({ length: 61 }, () => rng.nextNormal());
    const bi = Array.from({ length: 41 }, () => rng.nextNormal());
    const lines = ['userId,itemId,rating,timestamp'];
    for (let u = 1; u <= 60; u++) {
      for (let i = 1; i <= 40; i++) {
        if (rng.next() >= 0.4) continue;
        const r = Math.min(5, Math.max(1, Math.round(3 + bu[u] + bi[i] + 0.4 * rng.nextNormal())));
        lines.push(`u${u},m${i},${r},${1_000_000_000 + 86_400 * rng.nextInt(30)}`);
      }
    }
    await writeFile(ratingsFile, `${lines.join('\n')}\n`);
    const ratings = lines.slice(1).map((l) => Number(l.split(',')[2]));
    mean = ratings.reduce((a, x) => a + x, 0) / ratings.length;
    const r = run('train', '--algorithm', 'bfm', '--ratings', ratingsFile, '--split', 'random:0.2', '--seed', '3', '--bfm-iterations', '60', '--bfm-samples', '20', '--out', model, '--json');
    assert.equal(r.status, 0, r.stderr);
    report = JSON.parse(r.stdout);
  });
  after(() => tmp?.cleanup());

  test('the report: the FM configuration as given, test RMSE well below predicting the mean', () => {
    assert.equal(report.algorithm, 'bfm');
    assert.equal(report.config.iterations, 60);
    assert.equal(report.config.samples, 20);
    assert.equal(report.config.seed, 3);
    assert.equal(report.config.output, 'regression');
    // the ratings are biases plus noise: the mean's RMSE is about their spread
    assert.ok(report.metrics.test.rmse < 0.75, `rmse ${report.metrics.test.rmse} (mean ${mean.toFixed(2)})`);
  });

  test('the bundle records the FM and its day block; evaluate reproduces the test RMSE', async () => {
    const m = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8'));
    assert.equal(m.format, 'rsattae-baseline');
    assert.equal(m.config.algorithm, 'bfm');
    assert.ok(m.files['train-timestamp.i32'] && m.files['v.f64']);
    const e = run('evaluate', '--model', model, '--json', '--no-ranking');
    assert.equal(e.status, 0, e.stderr);
    const ev = JSON.parse(e.stdout);
    assert.equal(ev.algorithm, 'bfm');
    assert.equal(ev.test.rmse, report.metrics.test.rmse);
  });

  test('an ordinal output on ratings with more than 20 values exits 2 saying so', async () => {
    const wide = join(tmp.path, 'wide.csv');
    const lines = ['userId,itemId,rating'];
    for (let u = 1; u <= 20; u++) for (let i = 1; i <= 20; i++) lines.push(`u${u},m${i},${1 + ((u * 7 + i * 3) % 50)}`);
    await writeFile(wide, `${lines.join('\n')}\n`);
    const r = run('train', '--algorithm', 'bfm', '--ratings', wide, '--bfm-output', 'ordinal', '--bfm-iterations', '2', '--out', join(tmp.path, 'wide'));
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /ordinal output takes at most 20 distinct ratings; these ratings have \d+/);
  });
});
