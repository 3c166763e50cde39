/**
 * Booster budget study (issue #10): on one set of embeddings, what fewer trees with a larger learning rate cost in
 * accuracy against the paper's 1900 trees at η = 0.01. The autoencoders are trained once (`--epochs`, attention,
 * d = 64, both modules at the same time); each booster configuration then trains on the same rows with the paper's
 * other parameters (depth 9, colsample 0.2, α = 3, hist) on all cores.
 *
 *   flock /tmp/rsattae-bench.lock node dist/bench/scale/booster.js [--shape ml-100k|ml-1m] [--epochs 300]
 *       [--configs 1900:0.01,300:0.05,300:0.01] [--seed 42] [--data-dir DIR] [--out FILE]
 *
 * `ml-100k` is the real u1 split (+10 % validation); `ml-1m` is `data synth --shape ml-1m --seed S` (CSV, split
 * random:0.1 + 10 % validation), as in bench/scale.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errorMetrics } from '../../src/core/error-metrics.js';
import { readDescriptorFile } from '../../src/data/descriptor.js';
import { synthesize } from '../../src/data/synth.js';
import { XGBRegressor } from '../../src/gbdt/regressor.js';
import { buildRows } from '../../src/model/booster-rows.js';
import { loadMovieLensSplit } from '../../src/model/movielens-split.js';
import { loadData } from '../../src/model/prepare-data.js';
import { RSAttAE } from '../../src/model/rsattae.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function main(): Promise<void> {
  const shape = arg('shape', 'ml-1m');
  const epochs = Number(arg('epochs', '300'));
  const seed = Number(arg('seed', '42'));
  const out = arg('out', '');
  const dataDir = arg('data-dir', process.env.RSATTAE_DATA_DIR ?? join(ROOT, '..', 'shared', 'datasets'));
  const configs = arg('configs', '1900:0.01,300:0.05,300:0.01')
    .split(',')
    .map((c) => {
      const [trees, eta] = c.split(':').map(Number);
      return { trees, eta };
    });
  const started = new Date().toISOString();
  const loadBefore = loadavg();
  const tmp = mkdtempSync(join(tmpdir(), 'rsattae-booster-'));
  try {
    let prepared: Awaited<ReturnType<typeof loadData>>;
    if (shape === 'ml-100k') {
      prepared = await loadMovieLensSplit({ dataset: 'ml-100k', split: 'u1', valFraction: 0.1, seed, dataDir, fetch: false });
    } else {
      await synthesize({ out: tmp, seed, shape: shape as 'ml-1m' });
      prepared = await loadData(await readDescriptorFile(join(tmp, 'dataset.json')), { dataDir, fetch: false, seed });
    }
    const { data, test } = prepared;
    const t0 = performance.now();
    // one tree: only the autoencoders' embeddings are wanted from this fit
    const model = await RSAttAE.fit(data, { seed, autoencoder: { model: 'attention', dim: 64, epochs, patience: 0 }, xgboost: { nEstimators: 1 } });
    const aeSeconds = (performance.now() - t0) / 1000;
    const { blocks, config } = model.parts;
    const rows = (r: typeof data.train) => buildRows(r.user, r.item, blocks);
    const [xTrain, xVal, xTest] = [rows(data.train), rows(data.validation), rows(test)];
    const results = [];
    for (const { trees, eta } of configs) {
      const xgb = new XGBRegressor({ ...config.xgboost, nEstimators: trees, learningRate: eta, seed });
      const t = performance.now();
      await xgb.fitAsync(xTrain, data.train.rating);
      const seconds = (performance.now() - t) / 1000;
      const val = errorMetrics(xgb.predict(xVal), data.validation.rating);
      const tst = errorMetrics(xgb.predict(xTest), test.rating);
      xgb.dispose();
      const r = { trees, learningRate: eta, seconds, msPerTree: (seconds * 1000) / trees, validationRmse: val.rmse, testRmse: tst.rmse, testMae: tst.mae };
      process.stderr.write(`${shape} ${JSON.stringify(r)}\n`);
      results.push(r);
    }
    model.dispose();
    const json = {
      benchmark: 'scale/booster',
      started,
      finished: new Date().toISOString(),
      machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadAverageBefore: loadBefore, loadAverageAfter: loadavg() },
      command: `node dist/bench/scale/booster.js ${process.argv.slice(2).join(' ')}`.trim(),
      shape,
      data: { users: data.nUsers, items: data.nItems, train: data.train.rating.length, validation: data.validation.rating.length, test: test.rating.length },
      autoencoders: { epochs, seconds: aeSeconds, dim: 64, model: 'attention' },
      results,
    };
    const text = `${JSON.stringify(json, null, 2)}\n`;
    if (out) writeFileSync(out, text);
    process.stdout.write(text);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${(e as Error).stack ?? String(e)}\n`);
  process.exit(1);
});
