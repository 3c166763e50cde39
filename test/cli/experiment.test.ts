/**
 * `rsattae experiment` as a user runs it: bad input exits 2 naming what is wrong, and a sweep killed with SIGKILL
 * part-way continues on rerun with only the missing runs, leaving the recorded ones untouched (synthetic data, tiny
 * settings).
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { synthesize } from 'rsattae/data';
import { readExperimentRecords } from 'rsattae/experiment';
import { needsRealData, REPO_ROOT, realDataDir, tempDir } from '../data/helpers.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });

let tmp: { path: string; cleanup: () => Promise<void> };
let sweep: string[];
let out: string;

before(async () => {
  tmp = await tempDir('rsattae-experiment-cli-');
  await synthesize({ out: join(tmp.path, 'data'), seed: 5, users: 60, items: 50, ratings: 1400 });
  out = join(tmp.path, 'experiments');
  const data = ['--dataset-file', join(tmp.path, 'data', 'dataset.json'), '--data-dir', tmp.path, '--out', out];
  sweep = ['experiment', 'table3', ...data, '--methods', 'rsattae,svd', '--seeds', '1,2,3,4', '--epochs', '40', '--trees', '20', '--dim', '4'];
});
after(async () => {
  await tmp?.cleanup();
});

test('bad input exits 2 and says what is wrong', () => {
  const unknown = run('experiment', 'table9', '--dry-run');
  assert.equal(unknown.status, 2, unknown.stderr);
  assert.match(unknown.stderr, /unknown experiment "table9"; the experiments are fig2, fig4a, fig4b, table2, table3, cv/);
  const seeds = run('experiment', 'table3', '--seeds', '1,,2', '--dry-run');
  assert.equal(seeds.status, 2);
  assert.match(seeds.stderr, /--seeds/);
  const method = run(...sweep.slice(0, -10), '--methods', 'svd,magic', '--dry-run');
  assert.equal(method.status, 2, method.stderr);
  assert.match(method.stderr, /methods\.1.*rsattae-attended/);
});

const records = async (): Promise<string[]> => (await readdir(join(out, 'table3')).catch(() => [])).filter((n) => n.endsWith('.json')).sort();
const snapshot = async (names: string[]) =>
  Promise.all(names.map(async (n) => ({ n, text: await readFile(join(out, 'table3', n), 'utf8'), mtime: (await stat(join(out, 'table3', n))).mtimeMs })));

test('a sweep killed part-way continues on rerun with only the missing runs', async () => {
  const dry = run(...sweep, '--dry-run', '--json');
  assert.equal(dry.status, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as { runs: { key: string; done: boolean }[]; estimatedSeconds: number };
  assert.equal(plan.runs.length, 8);
  assert.ok(plan.runs.every((r) => !r.done));

  // kill -9 as soon as the first run reports its record written
  const child = spawn(process.execPath, [bin, ...sweep], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    stderr += chunk;
    if (/: testRmse /.test(stderr)) child.kill('SIGKILL');
  });
  const signal = await new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, sig) => resolve(sig)));
  assert.equal(signal, 'SIGKILL', `the sweep ended on its own before the kill:\n${stderr}`);
  const kept = await records();
  assert.ok(kept.length >= 1 && kept.length < 8, `${kept.length} of 8 runs recorded at the kill`);
  await readExperimentRecords(out); // what was written is whole
  const before = await snapshot(kept);

  const dryAgain = JSON.parse(run(...sweep, '--dry-run', '--json').stdout) as { runs: { key: string; done: boolean }[] };
  assert.deepEqual(dryAgain.runs.filter((r) => r.done).map((r) => `${r.key}.json`).sort(), kept);

  const rerun = run(...sweep, '--json');
  assert.equal(rerun.status, 0, rerun.stderr);
  const summary = JSON.parse(rerun.stdout) as { ran: number; skipped: number; testRmse: { method: string; runs: number }[] };
  assert.deepEqual({ ran: summary.ran, skipped: summary.skipped }, { ran: 8 - kept.length, skipped: kept.length });
  assert.deepEqual(summary.testRmse.map((m) => [m.method, m.runs]), [['rsattae', 4], ['svd', 4]]);
  assert.deepEqual(await records(), plan.runs.map((r) => `${r.key}.json`).sort());
  assert.deepEqual(await snapshot(kept), before, 'the records written before the kill are untouched');
  // no staging file is left behind by the killed writer once its run is redone
  assert.deepEqual((await readdir(join(out, 'table3'))).filter((n) => !n.endsWith('.json')), []);
});

test("the documented table3 command on ML-100K: planned in full, and run end to end with tiny settings", { skip: needsRealData() }, async () => {
  const doc = await readFile(join(REPO_ROOT, 'docs', 'experiments-and-report.md'), 'utf8');
  const line = /^rsattae experiment table3 --seeds 42,1,2 +#/m.exec(doc.slice(doc.indexOf('## Experiments')));
  assert.ok(line, 'docs/experiments-and-report.md shows `rsattae experiment table3 --seeds 42,1,2`');
  const where = ['--data-dir', realDataDir()!, '--out', join(tmp.path, 'real')];
  const dry = run('experiment', 'table3', '--seeds', '42,1,2', ...where, '--dry-run', '--json');
  assert.equal(dry.status, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as { runs: { config: Record<string, unknown> }[]; estimatedSeconds: number };
  assert.equal(plan.runs.length, 27);
  assert.ok(plan.runs.every((r) => r.config.dataset === 'ml-100k' && r.config.split === 'u1'));
  const rsattae = plan.runs.find((r) => r.config.method === 'rsattae')!.config;
  assert.deepEqual([rsattae.epochs, rsattae.trees, rsattae.dim], [1000, 1900, 64], "the paper's configuration");
  // the paper's configuration takes minutes per seed; the estimate says so
  assert.ok(plan.estimatedSeconds > 300 && plan.estimatedSeconds < 3600, `estimated ${plan.estimatedSeconds} s`);

  const tiny = run('experiment', 'table3', '--seeds', '42', '--epochs', '2', '--trees', '3', '--dim', '4', '--methods', 'rsattae,baseline-only', ...where, '--json');
  assert.equal(tiny.status, 0, tiny.stderr);
  const summary = JSON.parse(tiny.stdout) as { ran: number; records: { config: { method: string }; result: { testRmse: number } }[] };
  assert.equal(summary.ran, 2);
  const rmse = Object.fromEntries(summary.records.map((r) => [r.config.method, r.result.testRmse]));
  // Surprise's BaselineOnly on u1: about 0.94; 3 trees at η 0.01 barely move from the 0.5 start, hence far above
  assert.ok(rmse['baseline-only'] > 0.93 && rmse['baseline-only'] < 0.96, `baseline-only ${rmse['baseline-only']}`);
  assert.ok(rmse.rsattae > 2.5 && rmse.rsattae < 3.5, `rsattae ${rmse.rsattae}`);
});
