/**
 * `runExperiment` / `planRuns` on a small synthetic dataset (60 users, 50 items, written by `synthesize`) with tiny
 * settings: plans and their keys, the records each experiment writes, the rsattae run equal to `RSAttAE.fit`, and a
 * rerun that skips every recorded run.
 */
import assert from 'node:assert/strict';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type DatasetDescriptor, InputError, loadData, RSAttAE, readDescriptorFile } from 'rsattae';
import { synthesize } from 'rsattae/data';
import { type ExperimentRecord, planRuns, readExperimentRecords, runExperiment, TABLE3_METHODS } from 'rsattae/experiment';
import { tempDir } from '../data/helpers.js';

const TINY = { epochs: 4, trees: 6, dim: 4 } as const;

describe('experiments on a synthetic dataset', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let dataset: DatasetDescriptor;
  let out: string;
  const base = () => ({ dataset, dataDir: tmp.path, out, command: 'test' });

  before(async () => {
    tmp = await tempDir('rsattae-experiment-');
    await synthesize({ out: join(tmp.path, 'data'), seed: 3, users: 60, items: 50, ratings: 1400 });
    dataset = await readDescriptorFile(join(tmp.path, 'data', 'dataset.json'));
    out = join(tmp.path, 'experiments');
  });
  after(async () => {
    await tmp?.cleanup();
  });

  test('plans: one run per config with the paper defaults in the key, estimated, and bad input named', async () => {
    const t3 = await planRuns('table3', { ...base(), seeds: [42, 1] });
    assert.equal(t3.runs.length, 2 * TABLE3_METHODS.length);
    assert.equal(new Set(t3.runs.map((r) => r.key)).size, t3.runs.length, 'keys are distinct');
    const rsattae = t3.runs.find((r) => r.config.method === 'rsattae' && r.config.seed === 42)!;
    assert.deepEqual(
      { epochs: rsattae.config.epochs, trees: rsattae.config.trees, dim: rsattae.config.dim, valFraction: rsattae.config.valFraction, split: rsattae.config.split },
      { epochs: 1000, trees: 1900, dim: 64, valFraction: 0.1, split: 'random:0.1' },
    );
    assert.equal(rsattae.config.dataset, 'synth-3');
    assert.match(String(rsattae.config.data), /^[0-9a-f]{16}$/);
    assert.ok(t3.runs.every((r) => !r.done && r.estimatedSeconds >= 0));
    // rsattae-attended shares rsattae's modules, so only rsattae pays for them
    const attended = t3.runs.find((r) => r.config.method === 'rsattae-attended' && r.config.seed === 42)!;
    assert.ok(rsattae.estimatedSeconds > attended.estimatedSeconds);
    assert.equal(t3.estimatedSeconds, t3.runs.reduce((a, r) => a + r.estimatedSeconds, 0));
    // a quick run is another config
    const quick = await planRuns('table3', { ...base(), seeds: [42], epochs: 5 });
    assert.notEqual(quick.runs.find((r) => r.config.method === 'rsattae')!.key, rsattae.key);
    assert.equal(quick.runs.find((r) => r.config.method === 'svd')!.key, t3.runs.find((r) => r.config.method === 'svd' && r.config.seed === 42)!.key, 'a baseline ignores epochs');

    const f4a = await planRuns('fig4a', { ...base(), dims: [8, 16, 32] });
    assert.deepEqual(f4a.runs.map((r) => `${r.config.dim}/${r.config.side}`), ['8/users', '8/movies', '16/users', '16/movies', '32/users', '32/movies']);
    const t2 = await planRuns('table2', { ...base(), trees: 190 });
    assert.deepEqual(t2.runs.map((r) => r.config.nEstimators), [130, 150, 170, 190]);

    await assert.rejects(planRuns('table9', base()), (e: unknown) => e instanceof InputError && /unknown experiment "table9"; the experiments are fig2, fig4a, fig4b, table2, table3, cv/.test(e.message));
    await assert.rejects(planRuns('table3', { ...base(), methods: ['svd', 'nope'] }), (e: unknown) => e instanceof InputError && /methods\.1/.test(e.message) && /knn-baseline/.test(e.message));
    await assert.rejects(planRuns('cv', base()), (e: unknown) => e instanceof InputError && /five official folds/.test(e.message));
    await assert.rejects(planRuns('table3', { ...base(), seeds: [1, 1] }), /seeds are repeated/);
  });

  test('table3: records per method, rsattae equal to RSAttAE.fit, and a rerun skips them all', async () => {
    const methods = ['rsattae', 'rsattae-attended', 'xgboost-features', 'baseline-only'];
    const events: string[] = [];
    const first = await runExperiment('table3', { ...base(), ...TINY, seeds: [7], methods, onEvent: (e) => events.push(e.type) });
    assert.equal(first.ran, 4);
    assert.equal(first.skipped, 0);
    assert.deepEqual(events.filter((e) => e !== 'progress'), ['plan', 'start', 'done', 'start', 'done', 'start', 'done', 'start', 'done']);
    assert.ok(events.includes('progress'));
    const by = new Map(first.records.map((r) => [r.config.method, r]));
    for (const r of first.records) {
      assert.equal(typeof r.result.testRmse, 'number');
      assert.ok((r.result.testRmse as number) > 0 && (r.result.testRmse as number) < 5);
      assert.ok((r.result.fitSeconds as number) >= 0);
      assert.equal(r.meta.command, 'test');
      assert.equal(r.meta.loadAverage?.length, 3);
    }
    assert.equal(by.get('baseline-only')!.result.valRmse, undefined, 'a baseline has no validation RMSE');

    // the same fit as the library's with the paper's preset, on the same prepared data: bit for bit
    const prepared = await loadData(dataset, { dataDir: tmp.path, seed: 7, valFraction: 0.1 });
    const tiny = { seed: 7, autoencoder: { epochs: TINY.epochs, dim: TINY.dim }, xgboost: { nEstimators: TINY.trees } };
    const model = await RSAttAE.fit(prepared.data, { preset: 'paper', ...tiny });
    const byDefault = await RSAttAE.fit(prepared.data, { preset: 'paper', boosterEmbeddings: 'attended', ...tiny });
    try {
      // and rsattae-attended is the paper's pipeline with Ê into the booster
      assert.equal(by.get('rsattae-attended')!.result.testRmse, byDefault.evaluate(prepared.test).rmse);
      assert.equal(by.get('rsattae-attended')!.result.valRmse, byDefault.report!.validation.rmse);
      assert.equal(by.get('rsattae')!.result.testRmse, model.evaluate(prepared.test).rmse);
      assert.equal(by.get('rsattae')!.result.valRmse, model.report!.validation.rmse);
      const ae = (by.get('rsattae')!.result.autoencoders as { users: { bestValRmse: number } }).users;
      assert.equal(ae.bestValRmse, model.report!.autoencoders.users.bestValidationRmse);
    } finally {
      model.dispose();
      byDefault.dispose();
    }
    // rsattae-attended reads the same modules through attention (its booster differs, but these few trees predict
    // below the scale and clip alike, so only the shared modules are compared)
    assert.deepEqual(by.get('rsattae-attended')!.result.autoencoders, by.get('rsattae')!.result.autoencoders);

    const files = first.records.map((r) => join(out, 'table3', `${r.key}.json`));
    const before = await Promise.all(files.map(async (f) => ({ text: await readFile(f, 'utf8'), mtime: (await stat(f)).mtimeMs })));
    const again = await runExperiment('table3', { ...base(), ...TINY, seeds: [7], methods });
    assert.equal(again.ran, 0);
    assert.equal(again.skipped, 4);
    assert.deepEqual(again.records, first.records);
    const afterwards = await Promise.all(files.map(async (f) => ({ text: await readFile(f, 'utf8'), mtime: (await stat(f)).mtimeMs })));
    assert.deepEqual(afterwards, before, 'nothing rewritten');
    const plan = await planRuns('table3', { ...base(), ...TINY, seeds: [7], methods });
    assert.ok(plan.runs.every((r) => r.done && r.estimatedSeconds === 0));
    assert.equal(plan.estimatedSeconds, 0);
  });

  test('fig2, fig4a, fig4b and table2 write their documented shapes', async () => {
    const fig2 = await runExperiment('fig2', base());
    const dist = fig2.records[0].result.distributions as { side: string; feature: string; bins: { label: string; count: number }[] }[];
    assert.deepEqual(dist.map((d) => `${d.side}.${d.feature}`), ['users.age', 'users.gender', 'users.occupation', 'items.genres', 'items.year']);
    const total = (f: string) => dist.find((d) => d.feature === f)!.bins.reduce((a, b) => a + b.count, 0);
    // one level or bin per entity, except multi-valued genres
    assert.equal(total('age'), 60);
    assert.equal(total('gender'), 60);
    assert.equal(total('occupation'), 60);
    assert.equal(total('year'), 50);
    const items = (await readFile(join(tmp.path, 'data', 'items.csv'), 'utf8')).trim().split('\n').slice(1);
    assert.equal(total('genres'), items.reduce((a, line) => a + line.split(',')[2].split('|').filter((g) => g !== '').length, 0));

    const fig4a = await runExperiment('fig4a', { ...base(), epochs: 3, dims: [2, 4] });
    assert.equal(fig4a.ran, 4);
    for (const r of fig4a.records) {
      assert.ok(Number.isFinite(r.result.bestValRmse) && (r.result.bestEpoch as number) >= 1 && (r.result.bestEpoch as number) <= 3);
    }
    const fig4b = await runExperiment('fig4b', { ...base(), epochs: 3, dim: 4 });
    assert.deepEqual(fig4b.records.map((r) => `${r.config.model}/${r.config.side}`), ['attention/users', 'attention/movies', 'vanilla/users', 'vanilla/movies']);
    for (const r of fig4b.records) assert.equal((r.result.valRmse as number[]).length, 3);
    // fig4a's d = 4 users module is fig4b's attention users module: the same seed and data
    const a4 = fig4a.records.find((r) => r.config.dim === 4 && r.config.side === 'users')!;
    const b4 = fig4b.records.find((r) => r.config.model === 'attention' && r.config.side === 'users')!;
    assert.ok(Math.abs((a4.result.bestValRmse as number) - Math.min(...(b4.result.valRmse as number[]))) < 1e-6);

    const table2 = await runExperiment('table2', { ...base(), ...TINY, trees: 19 });
    assert.deepEqual(table2.records.map((r) => [r.config.setup, r.config.nEstimators, r.config.colsampleBytree, r.config.regAlpha]), [
      [1, 13, 0.2, 3],
      [2, 15, 0.2, 3],
      [3, 17, 0.2, 3],
      [4, 19, 0.2, 3],
    ]);
    assert.ok(table2.records.every((r) => typeof r.result.valRmse === 'number' && typeof r.result.testRmse === 'number'));

    // everything written reads back through the report's reader
    const all: ExperimentRecord[] = await readExperimentRecords(out);
    assert.deepEqual(
      [...new Set(all.map((r) => r.experiment))],
      ['fig2', 'fig4a', 'fig4b', 'table2', 'table3'],
    );
  });
});
