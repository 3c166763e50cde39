/**
 * `rsattae train` and `rsattae evaluate` run as a user runs them, on the real ML-100K u1 with tiny settings: the
 * --json report field by field, the metrics recomputed here from the saved bundle, evaluate reproducing train, and
 * the manifest's data fingerprint checked against the real files.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { loadMovieLensSplit, RSAttAE, resolveConfig } from 'rsattae';
import { LARGE_DATA_DEFAULTS, LARGE_DATA_FROM, RESOLVE_CONFIG_CHANNEL } from 'rsattae/model';
import { makeSample, needsRealData, REPO_ROOT, realDataDir, tempDir } from '../data/helpers.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const EPOCHS = 3;

type Json = Record<string, unknown>;
const obj = (v: unknown, keys: string[], where: string): Json => {
  assert.ok(v !== null && typeof v === 'object' && !Array.isArray(v), `${where} is an object`);
  assert.deepEqual(Object.keys(v).sort(), [...keys].sort(), `${where} has exactly ${keys.join(', ')}`);
  return v as Json;
};
const positive = (v: unknown, where: string): number => {
  assert.ok(typeof v === 'number' && Number.isFinite(v) && v > 0, `${where} = ${v} is a positive number`);
  return v as number;
};

test('train exits 2 on a bad option, before reading any data', () => {
  const r = run('train', '--epochs', '0', '--data-dir', '/nonexistent');
  assert.equal(r.status, 2, r.stderr);
  assert.match(r.stderr, /epochs/);
  // --patience 0 is valid (never stop early); a negative one is not
  const neg = run('train', '--patience', '-1', '--data-dir', '/nonexistent');
  assert.equal(neg.status, 2, neg.stderr);
  assert.match(neg.stderr, /patience/);
  for (const [flag, value, says] of [
    ['--blend', 'svdpp,svdpp', /name each algorithm once/],
    ['--blend', 'knn', /expected a comma-separated list of baseline-only, svd, svdpp, knn-baseline, bfm, or none/],
    ['--validation-rows', 'out-of-fold', /in-sample, held-out/],
    ['--early-stopping', '0', /whole number from 1 to 1000000/],
    ['--folds', '1', /--folds .*whole number from 2 to 50/],
    ['--val-fraction', '1', /--val-fraction .*number > 0 and < 1/],
    ['--booster-embeddings', 'ehat', /encoder, attended, both/],
    ['--preset', 'best', /paper, accurate/],
  ] as const) {
    const bad = run('train', flag, value, '--data-dir', '/nonexistent');
    assert.equal(bad.status, 2, bad.stderr);
    assert.match(bad.stderr, says);
  }
});

test('a --seed out of range exits 2 naming --seed and its range, before the ratings file is opened', () => {
  const missing = join(REPO_ROOT, 'no-such-dir', 'ratings.csv');
  for (const seed of ['-1', '2147483648', '1e20', '4.2']) {
    const r = run('train', '--seed', seed, '--ratings', missing);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, new RegExp(`option '--seed <n>' argument '${seed.replace('.', '\\.')}' is invalid\\. expected a whole number from 0 to 2147483647`));
    assert.doesNotMatch(r.stderr, /no-such-dir/, 'the seed is refused before the data is read');
  }
  // the same command with a valid seed gets as far as the missing file: the refusal above was the seed's
  const ok = run('train', '--seed', '2147483647', '--ratings', missing);
  assert.equal(ok.status, 2, ok.stderr);
  assert.match(ok.stderr, /no-such-dir/);
  // embed and data info take the same seed
  for (const cmd of [['embed'], ['data', 'info']]) {
    const r = run(...cmd, '--seed', '-1', '--ratings', missing);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--seed .*from 0 to 2147483647/);
  }
});

test('train --help shows every default from the schema, the large-data ones from LARGE_DATA_DEFAULTS', () => {
  const r = run('train', '--help');
  assert.equal(r.status, 0, r.stderr);
  // each option's entry, its wrapped lines joined
  const entries = new Map<string, string>();
  let current = '';
  for (const line of r.stdout.split('\n')) {
    const start = /^ {2}(--?[\w-]+)/.exec(line);
    if (start) current = start[1];
    if (current && (start || line.startsWith('   '))) entries.set(current, `${entries.get(current) ?? ''} ${line.trim()}`);
  }
  const large = `from ${LARGE_DATA_FROM.toLocaleString('en')} training ratings`;
  const paper = resolveConfig({ preset: 'paper' });
  for (const [flag, shown] of [
    ['--seed', `default: ${paper.seed})`],
    ['--epochs', `default: ${paper.autoencoder.epochs}; ${LARGE_DATA_DEFAULTS.autoencoder.epochs} ${large})`],
    ['--n-estimators', `default: ${paper.xgboost.nEstimators}; ${LARGE_DATA_DEFAULTS.xgboost.nEstimators} ${large})`],
    ['--learning-rate', `default: ${paper.xgboost.learningRate}; ${LARGE_DATA_DEFAULTS.xgboost.learningRate} ${large})`],
    ['--patience', 'default: 100; unset with --preset paper)'],
    ['--early-stopping', 'default: 100; unset with --preset paper)'],
    ['--folds', `default: ${paper.folds})`],
  ] as const) {
    const entry = entries.get(flag);
    assert.ok(entry?.includes(shown), `${flag}: ${entry}`);
  }
});

test('train resolves its configuration once, with the training set’s size, and trains with it', async () => {
  const tmp = await tempDir();
  try {
    const sample = join(tmp.path, 'sample');
    makeSample(sample);
    // counts the configuration's resolutions in the CLI's process through resolveConfig's diagnostics channel
    const hook = join(tmp.path, 'count.mjs');
    await writeFile(
      hook,
      `import { subscribe } from 'node:diagnostics_channel';\nconst calls = [];\nsubscribe(${JSON.stringify(RESOLVE_CONFIG_CHANNEL)}, (m) => calls.push(m.trainingRatings ?? null));\nprocess.on('exit', () => process.stderr.write('resolutions ' + JSON.stringify(calls) + '\\n'));\n`,
    );
    const out = join(tmp.path, 'model');
    const r = spawnSync(
      process.execPath,
      ['--import', pathToFileURL(hook).href, bin, 'train', '--ratings', join(sample, 'ratings.csv'), '--split', 'temporal:0.1', '--epochs', '2', '--dim', '4', '--n-estimators', '3', '--out', out, '--json'],
      { encoding: 'utf8' },
    );
    assert.equal(r.status, 0, r.stderr);
    const calls = JSON.parse(/resolutions (.*)/.exec(r.stderr)?.[1] ?? 'null') as (number | null)[];
    const trained = JSON.parse(r.stdout) as { data: { train: number }; config: { epochs: number; trees: number } };
    assert.deepEqual(calls, [trained.data.train], 'one resolution, with the training set’s size');
    assert.deepEqual([trained.config.epochs, trained.config.trees], [2, 3]);
  } finally {
    await tmp.cleanup();
  }
});

describe('rsattae train and evaluate on ML-100K u1 (3 epochs, 5 trees)', { skip: needsRealData() }, () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let out: string;
  let report: Json;
  const dataDir = realDataDir()!;

  before(async () => {
    tmp = await tempDir();
    out = join(tmp.path, 'model');
    const r = run('train', '--data-dir', dataDir, '--epochs', `${EPOCHS}`, '--dim', '8', '--n-estimators', '5', '--json', '--out', out);
    assert.equal(r.status, 0, r.stderr);
    report = JSON.parse(r.stdout) as Json; // stdout is exactly one JSON object, or this throws
  });
  after(async () => {
    await tmp?.cleanup();
  });

  test('train --json: every field of the documented schema, and nothing else', () => {
    obj(report, ['dataset', 'split', 'seed', 'data', 'defaults', 'config', 'metrics', 'choices', 'autoencoders', 'seconds', 'peakRssMB', 'model'], 'report');
    // 72,000 training ratings: the paper's defaults, with the options given here
    assert.equal(report.defaults, 'paper');
    assert.deepEqual(obj(report.config, ['epochs', 'trees', 'learningRate', 'treesUsed', 'validationRows', 'boosterEmbeddings', 'blend'], 'config'), {
      epochs: EPOCHS,
      trees: 5,
      learningRate: 0.01,
      treesUsed: 5,
      // the default pipeline: held-out validation rows, Ê into the booster, the stack with the four baselines
      validationRows: 'held-out',
      boosterEmbeddings: 'attended',
      blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline', 'bfm'],
    });
    // every choice made on validation, with the figures that decided it
    const choices = obj(report.choices, ['validationRows', 'trees', 'members', 'stacker', 'cold'], 'choices');
    assert.equal(choices.validationRows, 'held-out');
    assert.deepEqual(obj(choices.trees, ['used', 'max', 'earlyStoppingRounds'], 'choices.trees'), { used: 5, max: 5, earlyStoppingRounds: 100 });
    const members = obj(choices.members, ['booster', 'baseline-only', 'svd', 'svdpp', 'knn-baseline', 'bfm'], 'choices.members');
    const stacker = obj(choices.stacker, ['chosen', 'linear', 'countGated'], 'choices.stacker');
    assert.ok(['linear', 'count-gated', ...Object.keys(members)].includes(stacker.chosen as string), String(stacker.chosen));
    for (const k of ['user', 'item', 'both']) {
      const c = obj((choices.cold as Json)[k], ['chosen', 'booster', 'bias', 'mix'], `choices.cold.${k}`);
      assert.ok(['booster', 'bias', 'mix'].includes(c.chosen as string));
    }
    // the bundle keeps the choices
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as { choices: { validationRows: string; trees: unknown; stack: { stacker: { chosen: string } } } };
    assert.equal(manifest.choices.validationRows, 'held-out');
    assert.deepEqual(manifest.choices.trees, choices.trees);
    assert.equal(manifest.choices.stack.stacker.chosen, stacker.chosen);
    // the stack is never worse on (cross-fitted) validation than any member
    const validationRmse = (report.metrics as { validation: { rmse: number } }).validation.rmse;
    for (const [name, rmse] of Object.entries(members)) assert.ok(validationRmse <= (rmse as number) + 5e-4, `stack ${validationRmse} vs ${name} ${rmse}`);
    const data = obj(report.data, ['users', 'items', 'train', 'validation', 'test', 'coldTest'], 'data');
    assert.deepEqual([data.users, data.items, data.train, data.validation, data.test], [943, 1682, 72_000, 8000, 20_000]);
    // 32 ratings of u1.test are of items with no rating in u1.base (counted with awk on the real files)
    const cold = obj(data.coldTest, ['users', 'items', 'ratings'], 'data.coldTest');
    assert.deepEqual(cold, { users: 0, items: 32, ratings: 32 });
    assert.equal(report.dataset, 'ml-100k');
    assert.equal(report.split, 'u1');
    assert.equal(report.seed, 42);
    assert.equal(report.model, out);
    assert.ok(Number.isInteger(positive(report.peakRssMB, 'peakRssMB')));
    const metrics = obj(report.metrics, ['validation', 'test'], 'metrics');
    for (const part of ['validation', 'test']) {
      const m = obj(metrics[part], ['rmse', 'mae'], `metrics.${part}`);
      assert.ok(positive(m.mae, `${part}.mae`) <= positive(m.rmse, `${part}.rmse`), 'MAE never exceeds RMSE');
    }
    const ae = obj(report.autoencoders, ['users', 'movies'], 'autoencoders');
    for (const side of ['users', 'movies']) {
      const s = obj(ae[side], ['epochs', 'bestEpoch', 'bestValidationRmse', 'msPerEpoch', 'alpha', 'groups', 'patience'], `autoencoders.${side}`);
      // no --patience: the default pipeline's
      assert.equal(s.patience, 100, `${side}.patience`);
      assert.equal(s.epochs, EPOCHS);
      assert.ok(Number.isInteger(s.bestEpoch) && (s.bestEpoch as number) >= 1 && (s.bestEpoch as number) <= EPOCHS);
      positive(s.bestValidationRmse, `${side}.bestValidationRmse`);
      positive(s.msPerEpoch, `${side}.msPerEpoch`);
      // the attention model's learned mixing weight
      assert.ok(typeof s.alpha === 'number' && s.alpha > 0 && s.alpha < 1, `${side}.alpha = ${s.alpha}`);
      // distinct encoded feature rows of u1's users and movies (the attention's G)
      assert.equal(s.groups, side === 'users' ? 109 : 316, `${side}.groups`);
    }
    const sec = obj(report.seconds, ['users', 'movies', 'xgboost', 'total'], 'seconds');
    for (const k of ['users', 'movies', 'xgboost']) assert.ok(positive(sec[k], `seconds.${k}`) <= positive(sec.total, 'seconds.total'));
  });

  test('the reported test RMSE and MAE equal the ones computed here from the saved bundle', async () => {
    const { test: testSet } = await loadMovieLensSplit({ dataset: 'ml-100k', split: 'u1', valFraction: 0.1, seed: 42, dataDir, fetch: false });
    const model = await RSAttAE.load(out);
    let se = 0;
    let ae = 0;
    try {
      const p = model.predictIndices(testSet.user, testSet.item);
      for (let k = 0; k < p.length; k++) {
        const e = p[k] - testSet.rating[k];
        se += e * e;
        ae += Math.abs(e);
      }
    } finally {
      model.dispose();
    }
    const n = testSet.rating.length;
    assert.equal(n, 20_000);
    const got = (report.metrics as { test: { rmse: number; mae: number } }).test;
    // the report rounds to 4 decimals
    assert.ok(Math.abs(got.rmse - Math.sqrt(se / n)) <= 5e-5 + 1e-9, `rmse ${got.rmse} vs ${Math.sqrt(se / n)}`);
    assert.ok(Math.abs(got.mae - ae / n) <= 5e-5 + 1e-9, `mae ${got.mae} vs ${ae / n}`);
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { metrics: { test: { rmse: number; mae: number } } };
    assert.ok(Math.abs(manifest.metrics.test.mae - ae / n) < 1e-6, 'the manifest keeps the unrounded MAE');
  });

  test('evaluate on the saved bundle reproduces train’s test RMSE and MAE', () => {
    const r = run('evaluate', '--model', out, '--json', '--data-dir', dataDir);
    assert.equal(r.status, 0, r.stderr);
    const { ranking, ...ev } = JSON.parse(r.stdout) as { dataset: string; split: string; test: { rmse: number; mae: number; count: number }; ranking: Record<string, number> };
    const want = (report.metrics as { test: { rmse: number; mae: number } }).test;
    assert.deepEqual(ev, { dataset: 'ml-100k', split: 'u1', test: { ...want, count: 20_000 }, unknown: { ratings: 0, users: 0, items: 0 } });
    // u1.test: 459 users, 9,9xx test ratings >= 4 among them; every candidate of every such user is scored
    assert.equal(ranking.k, 10);
    assert.equal(ranking.relevance, 4);
    assert.equal(ranking.catalogue, 1682);
    assert.equal(ranking.users + ranking.usersWithoutRelevant, 459);
    assert.ok(ranking.users > 400, `users ${ranking.users}`);
    for (const key of ['precision', 'recall', 'ndcg', 'map', 'hitRate', 'coverage']) assert.ok(ranking[key] >= 0 && ranking[key] <= 1, `${key} ${ranking[key]}`);
  });

  test("the manifest's data.files are the SHA-256 of the real files read", async () => {
    const manifest = JSON.parse(await readFile(join(out, 'manifest.json'), 'utf8')) as { data: { files: Record<string, string> } };
    const files = manifest.data.files;
    assert.deepEqual(Object.keys(files).sort(), ['u.genre', 'u.info', 'u.item', 'u.occupation', 'u.user', 'u1.base', 'u1.test']);
    for (const [name, hash] of Object.entries(files)) {
      const real = createHash('sha256').update(await readFile(join(dataDir, 'ml-100k', name))).digest('hex');
      assert.equal(hash, real, name);
    }
  });
});

describe('rsattae train with the accuracy options (3 epochs, 40 trees)', { skip: needsRealData() }, () => {
  test('--validation-rows held-out --early-stopping --blend reach the model, and evaluate reproduces the blended RMSE', async () => {
    const tmp = await tempDir();
    try {
      const out = join(tmp.path, 'model');
      const dataDir = realDataDir()!;
      const args = ['--data-dir', dataDir, '--epochs', '3', '--dim', '8', '--n-estimators', '40', '--learning-rate', '0.5'];
      const r = run('train', ...args, '--validation-rows', 'held-out', '--early-stopping', '2', '--blend', 'baseline-only', '--json', '--out', out);
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { config: { treesUsed: number; validationRows: string; blend: string[] }; metrics: { test: { rmse: number; mae: number } } };
      assert.equal(report.config.validationRows, 'held-out');
      assert.deepEqual(report.config.blend, ['baseline-only']);
      assert.ok(report.config.treesUsed < 40, `trees used ${report.config.treesUsed}`);
      const model = await RSAttAE.load(out);
      try {
        assert.equal(model.config.xgboost.earlyStoppingRounds, 2);
        assert.equal(model.parts.blend?.models[0].algorithm, 'baseline-only');
      } finally {
        model.dispose();
      }
      const ev = run('evaluate', '--model', out, '--json', '--no-ranking', '--data-dir', dataDir);
      assert.equal(ev.status, 0, ev.stderr);
      assert.deepEqual((JSON.parse(ev.stdout) as { test: { rmse: number; mae: number } }).test, { ...report.metrics.test, count: 20_000 });
    } finally {
      await tmp.cleanup();
    }
  });

  test('--preset accurate sets Ê and the four-baseline blend; an option given beside it wins', async () => {
    const tmp = await tempDir();
    try {
      const out = join(tmp.path, 'model');
      const args = ['--data-dir', realDataDir()!, '--epochs', '3', '--dim', '8', '--n-estimators', '10', '--learning-rate', '0.3'];
      const r = run('train', ...args, '--preset', 'accurate', '--blend', 'svd', '--json', '--out', out);
      assert.equal(r.status, 0, r.stderr);
      const report = JSON.parse(r.stdout) as { config: { validationRows: string; boosterEmbeddings: string; blend: string[] } };
      assert.deepEqual(report.config, { ...report.config, validationRows: 'held-out', boosterEmbeddings: 'attended', blend: ['svd'] });
      const model = await RSAttAE.load(out, { autoencoders: true });
      try {
        assert.equal(model.config.boosterEmbeddings, 'attended');
        assert.deepEqual(model.parts.blocks.userEmbeddings.data, model.parts.userAutoencoder!.attended!.data);
      } finally {
        model.dispose();
      }
    } finally {
      await tmp.cleanup();
    }
  });
});
