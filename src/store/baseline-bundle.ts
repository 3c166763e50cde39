/**
 * Baseline bundles: a directory with manifest.json (format `rsattae-baseline`, configuration, data provenance,
 * metrics, and the SHA-256 and size of every other file), the training ratings (raw little-endian int32 / float32)
 * and each learned array (float64), and the id maps. Written through a staging directory and a rename; loading
 * verifies every checksum, then rebuilds the model from the training ratings and the arrays.
 */

import { writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { type BaselineModel, restoreBaseline } from '../baselines/algorithms.js';
import { type BaselineConfig, baselineConfigSchema } from '../baselines/baseline-config.js';
import { buildTrainSet } from '../baselines/trainset.js';
import { writeDirAtomic } from '../core/atomic-fs.js';
import { InputError, parseInput } from '../core/errors.js';
import type { FeatureMatrix, Ratings } from '../core/types.js';
import { VERSION } from '../core/version.js';
import { IdMap } from '../data/dataset.js';
import { BayesianFM, restoreBfm } from '../fm/bayesian-fm.js';
import { type BfmConfig, bfmConfigSchema } from '../fm/bfm-config.js';
import type { DataSource } from '../model/model-types.js';
import type { PreparedWith } from '../model/prepare-data.js';
import { BASELINE_FORMAT, fileChecksums, readManifestJson, readVerified, type StoredMetrics } from './model-bundle.js';

/** Bumped on any incompatible change of the layout; the loader refuses other versions. */
export const BASELINE_FORMAT_VERSION = 1;

/** The manifest.json of a baseline bundle. */
export interface BaselineManifest {
  readonly format: typeof BASELINE_FORMAT;
  readonly formatVersion: number;
  readonly createdAt: string;
  readonly versions: { readonly rsattae: string; readonly node: string };
  readonly config: BaselineConfig | ({ readonly algorithm: 'bfm' } & BfmConfig);
  /** The Bayesian FM's feature columns by name (its feature files hold them); absent for a baseline. */
  readonly features?: { readonly user: readonly string[]; readonly item: readonly string[] };
  /** How the data was split for it (what `evaluate` needs to rebuild the test set). */
  readonly prepared?: PreparedWith;
  readonly data?: DataSource;
  readonly shapes: { readonly nUsers: number; readonly nItems: number; readonly trainRatings: number };
  readonly scale: { readonly min: number; readonly max: number };
  readonly metrics: Readonly<Record<string, StoredMetrics>>;
  readonly seconds?: { readonly fit: number };
  /** SHA-256 and size of every other file, by name. */
  readonly files: Readonly<Record<string, { readonly sha256: string; readonly bytes: number }>>;
}

/** What a saved baseline comes back as: the model and the external ids of its indices. */
export interface SavedBaseline {
  readonly model: BaselineModel | BayesianFM;
  readonly users: IdMap;
  readonly items: IdMap;
  readonly manifest: BaselineManifest;
}

/** Extra facts to record with {@link saveBaseline}. */
export interface SaveBaselineOptions {
  /** External ids of the indices; default "1"…"n". */
  readonly users?: IdMap;
  readonly items?: IdMap;
  readonly data?: DataSource;
  readonly prepared?: PreparedWith;
  readonly metrics?: Readonly<Record<string, StoredMetrics>>;
  readonly seconds?: { readonly fit: number };
}

const bytesOf = (a: Float64Array | Float32Array | Int32Array): Uint8Array => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
const sequential = (n: number): IdMap => IdMap.fromIds(Array.from({ length: n }, (_, k) => String(k + 1)));

/** Writes `model` to `dir` atomically (an interrupted save leaves any older bundle there intact). */
export async function saveBaseline(model: BaselineModel | BayesianFM, dir: string, opts: SaveBaselineOptions = {}): Promise<void> {
  if (endianness() !== 'LE') throw new Error('baseline bundles are little-endian; this machine is big-endian');
  const users = opts.users ?? sequential(model.nUsers);
  const items = opts.items ?? sequential(model.nItems);
  if (users.size !== model.nUsers || items.size !== model.nItems) {
    throw new InputError(`${users.size} user and ${items.size} item ids for a model of ${model.nUsers} users and ${model.nItems} items`);
  }
  await writeDirAtomic(dir, async (tmp) => {
    const put = (name: string, data: Uint8Array | string): Promise<void> => writeFile(join(tmp, name), data);
    await put('train-user.i32', bytesOf(model.train.user));
    await put('train-item.i32', bytesOf(model.train.item));
    await put('train-rating.f32', bytesOf(model.train.rating));
    for (const [name, a] of Object.entries(model.arrays)) await put(`${name}.f64`, bytesOf(a));
    // the FM rebuilds its blocks from the ratings' days and the feature tables
    let features: BaselineManifest['features'];
    if (model instanceof BayesianFM) {
      await put('train-timestamp.i32', bytesOf(model.train.timestamp));
      const empty = (rows: number): FeatureMatrix => ({ rows, cols: 0, data: new Float32Array(0), names: [] });
      const fu = model.userFeatures ?? empty(model.nUsers);
      const fi = model.itemFeatures ?? empty(model.nItems);
      await put('user-features.f32', bytesOf(fu.data));
      await put('item-features.f32', bytesOf(fi.data));
      features = { user: fu.names, item: fi.names };
    }
    await put('ids.json', JSON.stringify({ users, items }));
    const manifest: BaselineManifest = {
      format: BASELINE_FORMAT,
      formatVersion: BASELINE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      versions: { rsattae: VERSION, node: process.version },
      config: model instanceof BayesianFM ? { algorithm: 'bfm', ...model.config } : model.config,
      ...(features ? { features } : {}),
      prepared: opts.prepared,
      data: opts.data,
      shapes: { nUsers: model.nUsers, nItems: model.nItems, trainRatings: model.train.rating.length },
      scale: model.scale,
      metrics: opts.metrics ?? {},
      seconds: opts.seconds,
      files: await fileChecksums(tmp),
    };
    await put('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  });
}

const manifestSchema = z.looseObject({
  format: z.literal(BASELINE_FORMAT),
  formatVersion: z.literal(BASELINE_FORMAT_VERSION),
  config: z.union([baselineConfigSchema, z.object({ algorithm: z.literal('bfm') }).loose()]),
  features: z.object({ user: z.array(z.string()), item: z.array(z.string()) }).optional(),
  shapes: z.object({ nUsers: z.number().int().nonnegative(), nItems: z.number().int().nonnegative(), trainRatings: z.number().int().positive() }),
  scale: z.object({ min: z.number(), max: z.number() }),
  files: z.record(z.string(), z.object({ sha256: z.string(), bytes: z.number().int().nonnegative() })),
});

/**
 * Whether the bundle in `dir` is a baseline's (its manifest's format), without validating the rest; false when
 * there is no readable manifest (the RSAttAE loader then says what is wrong).
 */
export async function isBaselineBundle(dir: string): Promise<boolean> {
  try {
    return ((await readManifestJson(dir)) as { format?: unknown } | null)?.format === BASELINE_FORMAT;
  } catch {
    return false;
  }
}

/**
 * Loads a bundle written by {@link saveBaseline}, verifying its manifest and every file's size and checksum.
 * @throws InputError saying what is missing, truncated, edited or of another format version
 */
export async function loadBaseline(dir: string): Promise<SavedBaseline> {
  const raw = await readManifestJson(dir, 'baseline');
  const m = parseInput(manifestSchema, raw, `baseline bundle ${dir}: manifest.json`) as unknown as BaselineManifest;
  const contents = await readVerified(dir, m);
  const need = (name: string): Buffer => {
    const d = contents.get(name);
    if (!d) throw new InputError(`baseline bundle ${dir}: manifest.json does not list ${name}`);
    return d;
  };
  const copy = <A extends Float64Array | Float32Array | Int32Array>(name: string, make: (n: number) => A): A => {
    const d = need(name);
    const a = make(d.length / make(0).BYTES_PER_ELEMENT);
    if (a.byteLength !== d.length) throw new InputError(`baseline bundle ${dir}: ${name} has ${d.length} bytes, not whole values`);
    new Uint8Array(a.buffer).set(d);
    return a;
  };
  const { nUsers, nItems, trainRatings } = m.shapes;
  const train: Ratings = {
    user: copy('train-user.i32', (n) => new Int32Array(n)),
    item: copy('train-item.i32', (n) => new Int32Array(n)),
    rating: copy('train-rating.f32', (n) => new Float32Array(n)),
    timestamp: new Int32Array(trainRatings),
  };
  if (train.user.length !== trainRatings || train.item.length !== trainRatings || train.rating.length !== trainRatings) {
    throw new InputError(`baseline bundle ${dir}: the training ratings files do not hold ${trainRatings} ratings`);
  }
  const arrays: Record<string, Float64Array> = {};
  for (const name of Object.keys(m.files)) {
    if (name.endsWith('.f64')) arrays[name.slice(0, -4)] = copy(name, (n) => new Float64Array(n));
  }
  const ids = JSON.parse(need('ids.json').toString('utf8')) as { users?: string[]; items?: string[] };
  if (ids.users?.length !== nUsers || ids.items?.length !== nItems) throw new InputError(`baseline bundle ${dir}: ids.json does not hold ${nUsers} user and ${nItems} item ids`);
  let model: BaselineModel | BayesianFM;
  if (m.config.algorithm === 'bfm') {
    const { algorithm: _, ...rest } = m.config;
    const config = parseInput(bfmConfigSchema, rest, `baseline bundle ${dir}: manifest.json config`);
    const names = m.features ?? { user: [], item: [] };
    const table = (name: string, rows: number, cols: readonly string[]): FeatureMatrix => {
      const data = copy(name, (n) => new Float32Array(n));
      if (data.length !== rows * cols.length) throw new InputError(`baseline bundle ${dir}: ${name} does not hold ${rows} × ${cols.length} values`);
      return { rows, cols: cols.length, data, names: cols };
    };
    const timestamp = copy('train-timestamp.i32', (n) => new Int32Array(n));
    if (timestamp.length !== trainRatings) throw new InputError(`baseline bundle ${dir}: train-timestamp.i32 does not hold ${trainRatings} values`);
    model = restoreBfm(
      config,
      { nUsers, nItems, train: { ...train, timestamp }, scale: m.scale, userFeatures: table('user-features.f32', nUsers, names.user), itemFeatures: table('item-features.f32', nItems, names.item) },
      arrays,
    );
  } else {
    model = restoreBaseline(m.config, buildTrainSet(train, nUsers, nItems, m.scale), train, arrays);
  }
  return { model, users: IdMap.fromIds(ids.users, 'user id'), items: IdMap.fromIds(ids.items, 'item id'), manifest: m };
}
