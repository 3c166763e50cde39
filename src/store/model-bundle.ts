/**
 * Model bundles: a directory with manifest.json (format version, config, data fingerprint, library versions,
 * metrics, timings, and the SHA-256 of every other file), the embeddings and features as raw little-endian
 * float32, the XGBoost model as UBJSON (loadable by Python's xgboost), the autoencoder weights and the feature
 * encoders. Saved through a staging directory and a rename; loading verifies every checksum first.
 */

import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { recoverDir, sha256, writeDirAtomic } from '../core/atomic-fs.js';
import { InputError, parseInput } from '../core/errors.js';
import type { CsrMatrix, FeatureMatrix, Float32Matrix } from '../core/types.js';
import { VERSION } from '../core/version.js';
import { IdMap, type RatingScale } from '../data/dataset.js';
import type { TableEncoder } from '../data/encoding.js';
import { XGBRegressor, xgboostVersion } from '../gbdt/index.js';
import type { AutoencoderSummary, DataSource, FitReport, ModelParts } from '../model/model-types.js';
import { configSchema, type RSAttAEConfig } from '../model/rsattae-config.js';
import { blendFiles, restoreBlend } from '../model/stack.js';
import { loadAutoencoder, type TrainedAutoencoder } from '../nn/index.js';
import { KERNELS_WASM_BASE64 } from '../nn/wasm-binary.js';

/** Identifies the directory as a model bundle. */
export const BUNDLE_FORMAT = 'rsattae-model';
/** Identifies a baseline's bundle (baseline-bundle.ts), which the RSAttAE loader refuses by name. */
export const BASELINE_FORMAT = 'rsattae-baseline';
/** Bumped on any incompatible change of the layout; loaders refuse other versions. */
export const BUNDLE_FORMAT_VERSION = 2;

/** Error metrics stored in a manifest. */
export interface StoredMetrics {
  readonly rmse: number;
  readonly mae: number;
}

/** The manifest.json of a bundle. */
export interface BundleManifest {
  readonly format: typeof BUNDLE_FORMAT;
  readonly formatVersion: number;
  readonly createdAt: string;
  /** `nnKernels`: SHA-256 prefix of the compiled WASM kernels that trained the autoencoders (tfjs is not in that path). */
  readonly versions: { readonly rsattae: string; readonly node: string; readonly xgboost: string; readonly nnKernels: string };
  readonly config: RSAttAEConfig;
  readonly data?: DataSource;
  readonly shapes: {
    readonly nUsers: number;
    readonly nItems: number;
    readonly userEmbeddingDim: number;
    readonly itemEmbeddingDim: number;
    readonly userFeatureNames: readonly string[];
    readonly itemFeatureNames: readonly string[];
  };
  /** The rating scale of the training data. */
  readonly scale?: RatingScale;
  readonly metrics: Readonly<Record<string, StoredMetrics>>;
  /** Whose defaults the configuration was resolved with (`config` holds the resulting values). */
  readonly defaults?: FitReport['defaults'];
  readonly autoencoders?: { readonly users: AutoencoderSummary; readonly movies: AutoencoderSummary };
  /** What training chose on validation, with the figures that decided it (absent before they were recorded). */
  readonly choices?: FitReport['choices'];
  readonly seconds?: FitReport['seconds'];
  /** Set when xgboost.ubj was replaced by `rsattae import-booster` (a booster trained elsewhere). */
  readonly booster?: ImportedBooster;
  /** SHA-256 and size of every other file, by path relative to the bundle (forward slashes). */
  readonly files: Readonly<Record<string, { readonly sha256: string; readonly bytes: number }>>;
}

/** Provenance of an imported booster, recorded in the manifest. */
export interface ImportedBooster {
  readonly imported: true;
  /** The file it was imported from, as given. */
  readonly source: string;
  /** SHA-256 of that file's bytes (before re-encoding to UBJSON). */
  readonly sourceSha256: string;
  /** Its encoding, detected from the content. */
  readonly sourceFormat: 'json' | 'ubj';
  readonly importedAt: string;
  readonly nFeatures: number;
  /** The manifest's metrics before the import: they were measured with the replaced booster. */
  readonly previousMetrics: Readonly<Record<string, StoredMetrics>>;
}

/** Extra facts to record in the manifest, e.g. the test metrics measured after training. */
export interface SaveOptions {
  readonly metrics?: Readonly<Record<string, StoredMetrics>>;
}

/** Options of {@link loadBundleParts}. */
export interface LoadOptions {
  /** Also load the autoencoder weights (needed to embed new rating rows; not for predict/recommend). */
  readonly autoencoders?: boolean;
}

interface Meta {
  readonly itemTitles?: readonly string[];
  readonly userEncoder?: TableEncoder;
  readonly itemEncoder?: TableEncoder;
  readonly curves?: Record<string, { trainLoss: number[]; validationRmse: number[] }>;
}

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

async function listFiles(root: string, dir = root): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(root, p)));
    else out.push(relative(root, p).split(sep).join('/'));
  }
  return out.sort();
}

/** SHA-256 and size of every file under `dir`, by relative path (forward slashes): a manifest's `files`. @internal */
export async function fileChecksums(dir: string): Promise<Record<string, { sha256: string; bytes: number }>> {
  const files: Record<string, { sha256: string; bytes: number }> = {};
  for (const f of await listFiles(dir)) {
    const data = await readFile(join(dir, f));
    files[f] = { sha256: sha256(data), bytes: data.length };
  }
  return files;
}

function nnKernelsVersion(): string {
  return sha256(Buffer.from(KERNELS_WASM_BASE64, 'base64')).slice(0, 12);
}

/**
 * Writes a model, given by its parts (`RSAttAE.save` passes its own), to `dir` atomically (an interrupted save leaves
 * any older bundle there intact).
 */
export async function saveBundle(p: ModelParts, dir: string, opts: SaveOptions = {}): Promise<void> {
  if (endianness() !== 'LE') throw new Error('model bundles are little-endian; this machine is big-endian');
  const b = p.blocks;
  await writeDirAtomic(dir, async (tmp) => {
    const put = (name: string, data: Uint8Array | string): Promise<void> => writeFile(join(tmp, name), data);
    await put('user-embeddings.f32', bytesOf(b.userEmbeddings.data));
    await put('item-embeddings.f32', bytesOf(b.itemEmbeddings.data));
    await put('user-features.f32', bytesOf(b.userFeatures.data));
    await put('item-features.f32', bytesOf(b.itemFeatures.data));
    await put('seen-indptr.i32', bytesOf(p.seen.indptr));
    await put('seen-indices.i32', bytesOf(p.seen.indices));
    await put('xgboost.ubj', p.xgb.saveModelToBuffer('ubj'));
    if (p.blend) {
      const { json, files } = blendFiles(p.blend);
      await mkdir(join(tmp, 'blend'));
      for (const [name, data] of files) await put(name, data);
      await put('blend.json', JSON.stringify(json));
    }
    if (p.userAutoencoder) await p.userAutoencoder.save(join(tmp, 'autoencoders', 'users'));
    if (p.itemAutoencoder) await p.itemAutoencoder.save(join(tmp, 'autoencoders', 'movies'));
    const curves = p.report
      ? Object.fromEntries(
          Object.entries(p.report.curves).map(([k, c]) => [k, { trainLoss: Array.from(c.trainLoss), validationRmse: Array.from(c.validationRmse) }]),
        )
      : undefined;
    const meta: Meta = { itemTitles: p.itemTitles, userEncoder: p.userEncoder, itemEncoder: p.itemEncoder, curves };
    await put('meta.json', JSON.stringify(meta));
    await put('ids.json', JSON.stringify({ users: p.users, items: p.items }));

    const files = await fileChecksums(tmp);
    const fu = b.userFeatures as FeatureMatrix;
    const fm = b.itemFeatures as FeatureMatrix;
    const manifest: BundleManifest = {
      format: BUNDLE_FORMAT,
      formatVersion: BUNDLE_FORMAT_VERSION,
      createdAt: new Date().toISOString(),
      versions: { rsattae: VERSION, node: process.version, xgboost: xgboostVersion(), nnKernels: nnKernelsVersion() },
      config: p.config,
      data: p.source,
      shapes: {
        nUsers: p.nUsers,
        nItems: p.nItems,
        userEmbeddingDim: b.userEmbeddings.cols,
        itemEmbeddingDim: b.itemEmbeddings.cols,
        userFeatureNames: fu.names ?? [],
        itemFeatureNames: fm.names ?? [],
      },
      scale: p.scale,
      metrics: { ...(p.report ? { validation: p.report.validation } : {}), ...opts.metrics },
      defaults: p.report?.defaults,
      autoencoders: p.report?.autoencoders,
      choices: p.report?.choices,
      seconds: p.report?.seconds,
      files,
    };
    await put('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  });
}

function bad(dir: string, what: string): InputError {
  return new InputError(`model bundle ${dir}: ${what}`);
}

/**
 * The parsed manifest.json of the bundle in `dir`, unvalidated, after repairing what a save killed half-way left
 * behind (see `recoverDir`). @internal
 * @throws InputError when there is none or it is not JSON
 */
export async function readManifestJson(dir: string, kind = 'model'): Promise<unknown> {
  await recoverDir(dir);
  let text: string;
  try {
    text = await readFile(join(dir, 'manifest.json'), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new InputError(`${kind} bundle ${dir}: no manifest.json here: not a model bundle (train one with \`rsattae train --out DIR\`)`);
    throw err;
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new InputError(`${kind} bundle ${dir}: manifest.json is not valid JSON (${(err as Error).message}); the bundle is damaged`);
  }
}

/** Reads and validates manifest.json (format, version), without checking the other files (see readManifestJson). */
export async function readManifest(dir: string): Promise<BundleManifest> {
  const m = (await readManifestJson(dir)) as Partial<BundleManifest>;
  if ((m.format as string) === BASELINE_FORMAT) {
    const algorithm = (m as { config?: { algorithm?: unknown } }).config?.algorithm;
    throw bad(dir, `it holds a baseline (${String(algorithm)}), not an RSAttAE model; of the model commands only \`rsattae evaluate\` takes a baseline`);
  }
  if (m.format !== BUNDLE_FORMAT) throw bad(dir, `manifest.json format is ${JSON.stringify(m.format)}, expected "${BUNDLE_FORMAT}"`);
  if (m.formatVersion !== BUNDLE_FORMAT_VERSION) {
    throw bad(dir, `bundle format version ${m.formatVersion} is not supported by rsattae ${VERSION} (it reads version ${BUNDLE_FORMAT_VERSION}); re-train the model or use the rsattae version that wrote it (${m.versions?.rsattae ?? 'unknown'})`);
  }
  if (!m.files || typeof m.files !== 'object' || !m.shapes || !m.config) throw bad(dir, 'manifest.json lacks files, shapes or config');
  const config = parseInput(configSchema, m.config, `model bundle ${dir}: manifest.json config is invalid`, '(config)');
  return { ...(m as BundleManifest), config };
}

/** Reads every file the manifest lists, checking its size and SHA-256. Not in the public entries: the model bundle and the report use it. */
export async function readVerified(dir: string, m: Pick<BundleManifest, 'files'>): Promise<Map<string, Buffer>> {
  const contents = new Map<string, Buffer>();
  for (const [name, expect] of Object.entries(m.files)) {
    let data: Buffer;
    try {
      data = await readFile(join(dir, name));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw bad(dir, `file ${name} is missing`);
      throw err;
    }
    if (data.length !== expect.bytes) throw bad(dir, `file ${name} has ${data.length} bytes, the manifest says ${expect.bytes} (truncated or replaced)`);
    if (sha256(data) !== expect.sha256) throw bad(dir, `file ${name} does not match its checksum in manifest.json (edited or corrupted)`);
    contents.set(name, data);
  }
  return contents;
}

/**
 * Loads a bundle written by {@link saveBundle}, verifying every file's size and checksum first: the parts of the
 * model it holds, which `RSAttAE.load` wraps in the model.
 */
export async function loadBundleParts(dir: string, opts: LoadOptions = {}): Promise<ModelParts> {
  const m = await readManifest(dir);
  const contents = await readVerified(dir, m);
  const need = (name: string): Buffer => {
    const d = contents.get(name);
    if (!d) throw bad(dir, `manifest.json does not list ${name}`);
    return d;
  };
  const f32 = (name: string, rows: number, cols: number, names?: readonly string[]): Float32Matrix & { names: readonly string[] } => {
    const d = need(name);
    if (d.length !== rows * cols * 4) throw bad(dir, `file ${name} holds ${d.length / 4} floats, expected ${rows} x ${cols}`);
    const data = new Float32Array(rows * cols);
    new Uint8Array(data.buffer).set(d);
    return { rows, cols, data, names: names ?? [] };
  };
  const i32 = (name: string): Int32Array => {
    const d = need(name);
    const a = new Int32Array(d.length / 4);
    new Uint8Array(a.buffer).set(d);
    return a;
  };
  const s = m.shapes;
  const blocks = {
    userEmbeddings: f32('user-embeddings.f32', s.nUsers, s.userEmbeddingDim),
    userFeatures: f32('user-features.f32', s.nUsers, s.userFeatureNames.length, s.userFeatureNames),
    itemEmbeddings: f32('item-embeddings.f32', s.nItems, s.itemEmbeddingDim),
    itemFeatures: f32('item-features.f32', s.nItems, s.itemFeatureNames.length, s.itemFeatureNames),
  };
  const indptr = i32('seen-indptr.i32');
  const indices = i32('seen-indices.i32');
  if (indptr.length !== s.nUsers + 1 || indptr[s.nUsers] !== indices.length) throw bad(dir, 'seen-indptr.i32 does not fit seen-indices.i32');
  const seen: CsrMatrix = { rows: s.nUsers, cols: s.nItems, indptr, indices, values: new Float32Array(indices.length) };
  const meta = JSON.parse(need('meta.json').toString('utf8')) as Meta;
  const ids = JSON.parse(need('ids.json').toString('utf8')) as { users: string[]; items: string[] };
  if (ids.users?.length !== s.nUsers || ids.items?.length !== s.nItems) throw bad(dir, `ids.json does not hold ${s.nUsers} user and ${s.nItems} item ids`);
  let userAutoencoder: TrainedAutoencoder | undefined;
  let itemAutoencoder: TrainedAutoencoder | undefined;
  if (opts.autoencoders) {
    if (!Object.keys(m.files).some((f) => f.startsWith('autoencoders/'))) throw bad(dir, 'it holds no autoencoder weights');
    userAutoencoder = await loadAutoencoder(join(dir, 'autoencoders', 'users'));
    itemAutoencoder = await loadAutoencoder(join(dir, 'autoencoders', 'movies'));
  }
  const blend = m.config.blend.length > 0 ? restoreBlend(m.config, s.nUsers, s.nItems, need, { userFeatures: blocks.userFeatures, itemFeatures: blocks.itemFeatures }) : undefined;
  const xgb = XGBRegressor.loadModelFromBuffer(need('xgboost.ubj'));
  return {
    config: m.config,
    nUsers: s.nUsers,
    nItems: s.nItems,
    users: IdMap.fromIds(ids.users, 'user id'),
    items: IdMap.fromIds(ids.items, 'item id'),
    blocks,
    seen,
    xgb,
    blend,
    userAutoencoder,
    itemAutoencoder,
    itemTitles: meta.itemTitles,
    userEncoder: meta.userEncoder,
    itemEncoder: meta.itemEncoder,
    scale: m.scale,
    source: m.data,
  };
}

/**
 * The encoding of an XGBoost model file, from its content: both JSON and UBJSON start with `{`; in JSON the next
 * non-blank byte opens a key (`"`) or closes the object, in UBJSON it is a length's type marker (e.g. `L`, `i`).
 * @throws InputError when it starts with neither (e.g. the legacy binary format, or not a model at all)
 */
export function boosterFormat(bytes: Uint8Array, where: string): 'json' | 'ubj' {
  const blank = (b: number | undefined): boolean => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
  let k = 0;
  while (blank(bytes[k])) k++;
  if (bytes[k] !== 0x7b) {
    throw new InputError(`${where}: not an XGBoost model in JSON or UBJSON (it does not start with "{"); save it with booster.save_model('model.ubj') or 'model.json'`);
  }
  k++;
  while (blank(bytes[k])) k++;
  return bytes[k] === 0x22 || bytes[k] === 0x7d ? 'json' : 'ubj';
}

/** Width of the rows a bundle's booster takes: d_u + f_u + d_m + f_m, from the manifest's shapes. */
export function manifestRowWidth(m: BundleManifest): number {
  const s = m.shapes;
  return s.userEmbeddingDim + s.userFeatureNames.length + s.itemEmbeddingDim + s.itemFeatureNames.length;
}

/**
 * Replaces the booster of the bundle in `dir` with an XGBoost model trained elsewhere (`bytes`, JSON or UBJSON, read
 * from `source`): checks every file's checksum and that the booster takes the bundle's row width, then rewrites the
 * bundle atomically with the booster as UBJSON, every other file byte-identical, and the manifest updated (new
 * checksum, provenance in `booster`; the old metrics move to `booster.previousMetrics`, as they measured the old
 * booster).
 * @throws InputError for a damaged bundle, a file that is no XGBoost model, or a feature count that does not fit
 */
export async function importBooster(dir: string, bytes: Uint8Array, source: string): Promise<ImportedBooster> {
  const m = await readManifest(dir);
  const contents = await readVerified(dir, m);
  const sourceFormat = boosterFormat(bytes, source);
  let xgb: XGBRegressor;
  try {
    xgb = XGBRegressor.loadModelFromBuffer(bytes);
  } catch (err) {
    throw new InputError(`${source}: XGBoost cannot load it as a ${sourceFormat === 'json' ? 'JSON' : 'UBJSON'} model (${(err as Error).message})`);
  }
  let ubj: Uint8Array;
  let nFeatures: number;
  try {
    nFeatures = xgb.nFeatures;
    const width = manifestRowWidth(m);
    if (nFeatures !== width) {
      throw new InputError(
        `${source}: the booster takes ${nFeatures} features, but the rows of model bundle ${dir} have ${width} (` +
          `${m.shapes.userEmbeddingDim} + ${m.shapes.userFeatureNames.length} + ${m.shapes.itemEmbeddingDim} + ${m.shapes.itemFeatureNames.length}: E_u, F_u, E_m, F_m); train it on the columns schema.json lists`,
      );
    }
    ubj = xgb.saveModelToBuffer('ubj');
  } finally {
    xgb.dispose();
  }
  const booster: ImportedBooster = {
    imported: true,
    source,
    sourceSha256: sha256(bytes),
    sourceFormat,
    importedAt: new Date().toISOString(),
    nFeatures,
    previousMetrics: m.booster?.previousMetrics ?? m.metrics,
  };
  const manifest: BundleManifest = {
    ...m,
    metrics: {},
    booster,
    files: { ...m.files, 'xgboost.ubj': { sha256: sha256(ubj), bytes: ubj.length } },
  };
  await writeDirAtomic(dir, async (tmp) => {
    for (const [name, data] of contents) {
      const to = join(tmp, name);
      await mkdir(dirname(to), { recursive: true });
      await writeFile(to, name === 'xgboost.ubj' ? ubj : data);
    }
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  });
  return booster;
}

/** Whether `dir` exists at all (for friendlier CLI messages). */
export async function bundleExists(dir: string): Promise<boolean> {
  try {
    return (await stat(join(dir, 'manifest.json'))).isFile();
  } catch {
    return false;
  }
}
