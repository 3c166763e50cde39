/**
 * The hand-off to a distributed engine, end to end through the CLI: train a tiny model on the generated sample,
 * `export` its rows as Parquet, read them back with an independent reader (parquet-wasm, the Rust arrow-rs reader,
 * not the hyparquet-writer that wrote them), check them against buildRows, train a booster on what was read (as
 * Spark or Dask would), `import-booster` it and check the bundle now predicts what that booster predicts.
 */

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { tableFromIPC } from 'apache-arrow';
import { readParquet } from 'parquet-wasm';
import type { Float32Matrix, Ratings } from '../../src/core/types.js';
import { parseDescriptor } from '../../src/data/descriptor.js';
import { alignRatings } from '../../src/data/split.js';
import { XGBRegressor } from '../../src/gbdt/index.js';
import { buildRows } from '../../src/model/booster-rows.js';
import { loadData } from '../../src/model/prepare-data.js';
import { RSAttAE } from '../../src/model/rsattae.js';
import { applyBlend } from '../../src/model/stack.js';
import { type BundleManifest, readManifest } from '../../src/store/model-bundle.js';
import type { ExportSchema } from '../../src/store/row-export.js';
import { REPO_ROOT, tempDir } from '../data/helpers.js';

const bin = join(REPO_ROOT, 'bin', 'rsattae');
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8' });
const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** One split as read back: ids, labels and the feature matrix in schema.json's column order. */
interface ReadSplit {
  readonly users: string[];
  readonly items: string[];
  readonly rating: Float32Array;
  readonly x: Float32Matrix;
  readonly columns: string[];
  readonly types: string[];
}

async function readSplit(out: string, files: readonly string[], features: readonly string[]): Promise<ReadSplit> {
  const users: string[] = [];
  const items: string[] = [];
  const ratings: number[] = [];
  const cols: number[][] = features.map(() => []);
  let columns: string[] = [];
  let types: string[] = [];
  for (const f of files) {
    const t = tableFromIPC(readParquet(await readFile(join(out, f))).intoIPCStream());
    columns = t.schema.fields.map((c) => c.name);
    types = t.schema.fields.map((c) => String(c.type));
    users.push(...(t.getChild('user')!.toArray() as string[]));
    items.push(...(t.getChild('item')!.toArray() as string[]));
    ratings.push(...(t.getChild('rating')!.toArray() as Float32Array));
    for (const [j, name] of features.entries()) cols[j].push(...(t.getChild(name)!.toArray() as Float32Array));
  }
  const n = ratings.length;
  const data = new Float32Array(n * features.length);
  for (let r = 0; r < n; r++) for (let j = 0; j < features.length; j++) data[r * features.length + j] = cols[j][r];
  return { users, items, rating: Float32Array.from(ratings), x: { rows: n, cols: features.length, data }, columns, types };
}

describe('export --format parquet and import-booster (hand-off to Spark / Dask)', () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let model: string;
  let out: string;
  let schema: ExportSchema;
  let trainCount: number;
  const read = {} as Record<'train' | 'validation' | 'test', ReadSplit>;

  before(async () => {
    tmp = await tempDir();
    const sample = join(tmp.path, 'sample');
    model = join(tmp.path, 'model');
    out = join(tmp.path, 'rows');
    const g = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'examples', 'make-sample.js'), sample], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
    const r = run(
      'train', '--ratings', join(sample, 'ratings.csv'),
      '--item-features', join(sample, 'items.csv'), '--item-columns', 'itemId:id,title:ignore,genres:multi(|),year:numeric',
      '--user-features', join(sample, 'users.csv'), '--user-columns', 'userId:id,age:numeric(bins=4),country:category',
      '--split', 'random:0.1', '--epochs', '3', '--dim', '4', '--n-estimators', '20', '--out', model, '--json',
    );
    assert.equal(r.status, 0, r.stderr);
    trainCount = (JSON.parse(r.stdout) as { data: { train: number } }).data.train;
  });
  after(() => tmp?.cleanup());

  test('export writes sharded Parquet and schema.json with the booster-order feature columns', async () => {
    const r = run('export', '--model', model, '--out', out, '--format', 'parquet', '--rows-per-shard', '5000', '--json');
    assert.equal(r.status, 0, r.stderr);
    schema = JSON.parse(await readFile(join(out, 'schema.json'), 'utf8')) as ExportSchema;
    const m = await readManifest(model);
    const s = m.shapes;
    assert.deepEqual(schema.features, [
      ...Array.from({ length: s.userEmbeddingDim }, (_, j) => `eu_${j}`),
      ...s.userFeatureNames.map((n) => `fu_${n}`),
      ...Array.from({ length: s.itemEmbeddingDim }, (_, j) => `em_${j}`),
      ...s.itemFeatureNames.map((n) => `fm_${n}`),
    ]);
    assert.ok(schema.features.includes('fm_genres=Action') && schema.features.some((f) => /^fu_age=\(/.test(f)), schema.features.join());
    assert.equal(schema.rows.train, trainCount, 'the rows the booster was trained on');
    // 5000 rows per shard: ceil(train / 5000) files, numbered from 0
    assert.deepEqual(schema.files.train, Array.from({ length: Math.ceil(trainCount / 5000) }, (_, k) => `train/part-0000${k}.parquet`));
    for (const split of ['train', 'validation', 'test'] as const) {
      assert.deepEqual((await readdir(join(out, split))).sort(), schema.files[split].map((f) => f.slice(split.length + 1)));
      read[split] = await readSplit(out, schema.files[split], schema.features);
      assert.equal(read[split].rating.length, schema.rows[split]);
    }
    assert.deepEqual(read.train.columns, ['user', 'item', 'rating', ...schema.features]);
    assert.deepEqual(read.train.types, ['Utf8', 'Utf8', 'Float32', ...schema.features.map(() => 'Float32')]);
    assert.deepEqual((await readdir(tmp.path)).filter((n) => n.startsWith('.')), [], 'no staging folder left');
  });

  test('the rows read back are exactly buildRows of the recorded split', async () => {
    const m = await readManifest(model);
    const prepared = await loadData(parseDescriptor(m.data!.descriptor), { valFraction: m.config.valFraction, seed: m.config.seed, dataDir: tmp.path });
    const loaded = await RSAttAE.load(model);
    try {
      const from = { users: prepared.data.users!, items: prepared.data.items! };
      const splits: Record<string, Ratings> = { train: prepared.data.train, validation: prepared.data.validation, test: prepared.test };
      for (const [name, ratings] of Object.entries(splits)) {
        const r = alignRatings(ratings, from, loaded.parts).ratings;
        const got = read[name as keyof typeof read];
        const x = buildRows(r.user, r.item, loaded.parts.blocks);
        assert.equal(got.x.cols, x.cols);
        assert.deepEqual(got.x.data, x.data, `${name} features`);
        assert.deepEqual(got.rating, r.rating, `${name} ratings`);
        assert.deepEqual(got.users, Array.from(r.user, (k) => loaded.parts.users.id(k)), `${name} users`);
        assert.deepEqual(got.items, Array.from(r.item, (k) => loaded.parts.items.id(k)), `${name} items`);
      }
    } finally {
      loaded.dispose();
    }
  });

  test('a booster trained on the Parquet rows, imported, predicts through the bundle as it does alone', async () => {
    const before = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')) as BundleManifest;
    const xgb = new XGBRegressor({ nEstimators: 15, maxDepth: 4, seed: 7 });
    const file = join(tmp.path, 'spark-out', 'model.json');
    await mkdir(join(tmp.path, 'spark-out'));
    let expected: Float32Array;
    try {
      xgb.fit(read.train.x, read.train.rating, { evalSet: [read.validation.x, read.validation.rating] });
      xgb.saveModel(file);
      expected = xgb.predict(read.test.x);
    } finally {
      xgb.dispose();
    }
    const r = run('import-booster', '--model', model, '--booster', file, '--json');
    assert.equal(r.status, 0, r.stderr);
    const after = JSON.parse(await readFile(join(model, 'manifest.json'), 'utf8')) as BundleManifest;
    assert.equal(after.booster?.imported, true);
    assert.equal(after.booster?.sourceFormat, 'json');
    assert.equal(after.booster?.sourceSha256, sha(await readFile(file)));
    assert.equal(after.booster?.nFeatures, schema.features.length);
    assert.deepEqual(after.booster?.previousMetrics, before.metrics, 'the old booster\'s metrics are kept aside');
    assert.deepEqual(after.metrics, {});
    for (const [name, f] of Object.entries(before.files)) {
      if (name !== 'xgboost.ubj') assert.deepEqual(after.files[name], f, `${name} unchanged`);
    }
    assert.notEqual(after.files['xgboost.ubj'].sha256, before.files['xgboost.ubj'].sha256);
    const loaded = await RSAttAE.load(model); // verifies every checksum
    try {
      const u = Int32Array.from(read.test.users, (id) => loaded.parts.users.index(id)!);
      const i = Int32Array.from(read.test.items, (id) => loaded.parts.items.index(id)!);
      // the default model stacks its booster with baselines: the imported booster takes the old one's place in the stack
      assert.ok(loaded.parts.blend, 'a default model is a stack');
      const stacked = applyBlend(loaded.parts.blend!, expected, u, i);
      assert.deepEqual(loaded.predictIndices(u, i), stacked);
      assert.equal(loaded.predict(read.test.users[0], read.test.items[0]), stacked[0]);
    } finally {
      loaded.dispose();
    }
  });

  test('the booster encoding is detected from the content (UBJSON under any name)', async () => {
    const xgb = new XGBRegressor({ nEstimators: 3, seed: 1 });
    const file = join(tmp.path, 'booster.bin');
    try {
      xgb.fit(read.validation.x, read.validation.rating);
      await writeFile(file, xgb.saveModelToBuffer('ubj'));
    } finally {
      xgb.dispose();
    }
    const r = run('import-booster', '--model', model, '--booster', file, '--json');
    assert.equal(r.status, 0, r.stderr);
    const m = await readManifest(model);
    assert.equal(m.booster?.sourceFormat, 'ubj');
    const loaded = await RSAttAE.load(model);
    loaded.dispose();
  });

  test('a booster with another feature count is refused (exit 2) and the bundle is left as it was', async () => {
    const manifest = await readFile(join(model, 'manifest.json'));
    const narrow = { rows: read.validation.x.rows, cols: read.validation.x.cols - 1, data: new Float32Array(read.validation.x.rows * (read.validation.x.cols - 1)) };
    for (let r = 0; r < narrow.rows; r++) narrow.data.set(read.validation.x.data.subarray(r * read.validation.x.cols, (r + 1) * read.validation.x.cols - 1), r * narrow.cols);
    const xgb = new XGBRegressor({ nEstimators: 3 });
    const file = join(tmp.path, 'narrow.ubj');
    try {
      xgb.fit(narrow, read.validation.rating);
      xgb.saveModel(file);
    } finally {
      xgb.dispose();
    }
    const r = run('import-booster', '--model', model, '--booster', file);
    assert.equal(r.status, 2, r.stderr);
    const width = schema.features.length;
    assert.match(r.stderr, new RegExp(`narrow\\.ubj: the booster takes ${width - 1} features, but the rows of model bundle .* have ${width} \\(`));
    assert.deepEqual(await readFile(join(model, 'manifest.json')), manifest);
  });

  test('bad input: not a model, a missing file, an --out folder that is not an export (exit 2)', async () => {
    const junk = join(tmp.path, 'junk.ubj');
    await writeFile(junk, 'booster\n');
    const j = run('import-booster', '--model', model, '--booster', junk);
    assert.equal(j.status, 2);
    assert.match(j.stderr, /junk\.ubj: not an XGBoost model in JSON or UBJSON/);
    const broken = join(tmp.path, 'broken.json');
    await writeFile(broken, '{"learner": 1}');
    const b = run('import-booster', '--model', model, '--booster', broken);
    assert.equal(b.status, 2);
    assert.match(b.stderr, /broken\.json: XGBoost cannot load it as a JSON model/);
    const missing = run('import-booster', '--model', model, '--booster', join(tmp.path, 'nope.ubj'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /--booster .*nope\.ubj: cannot read it/);
    const foreign = join(tmp.path, 'foreign');
    await mkdir(foreign);
    await writeFile(join(foreign, 'notes.txt'), 'mine');
    const f = run('export', '--model', model, '--out', foreign);
    assert.equal(f.status, 2);
    assert.match(f.stderr, /already holds files and is no rsattae export/);
    assert.deepEqual(await readdir(foreign), ['notes.txt']);
    const shards = run('export', '--model', model, '--out', out, '--rows-per-shard', '0');
    assert.equal(shards.status, 2);
  });
});
