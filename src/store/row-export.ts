/**
 * Hand-off to a distributed engine: the booster's supervised rows (x = [E_u, F_u, E_m, F_m], label = rating) of a
 * saved model's train / validation / test split, written as Parquet shards that Spark or Dask read as they are.
 * The rows are rebuilt from the dataset descriptor recorded in the bundle and the bundle's blocks, a shard at a
 * time (memory stays bounded by the shard size), into a staging folder renamed into place when complete.
 */
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ColumnSource } from 'hyparquet-writer';
import { fileWriter, parquetWrite } from 'hyparquet-writer';
import { writeDirAtomic } from '../core/atomic-fs.js';
import { InputError } from '../core/errors.js';
import type { Float32Matrix, Ratings } from '../core/types.js';
import { VERSION } from '../core/version.js';
import { buildRows, type RowBlocks } from '../model/booster-rows.js';
import { recordedDescriptor, reloadTrainedData } from '../model/prepare-data.js';
import type { RSAttAE } from '../model/rsattae.js';
import { readManifest } from './model-bundle.js';

/** The splits an export holds, in this order. */
export const EXPORT_SPLITS = ['train', 'validation', 'test'] as const;
/** One of {@link EXPORT_SPLITS}. */
export type ExportSplit = (typeof EXPORT_SPLITS)[number];

/** Default rows per Parquet file: ~100k rows keeps a shard of a few hundred columns under ~100 MB in memory. */
export const DEFAULT_ROWS_PER_SHARD = 100_000;

/** OUT/schema.json: what Spark or Dask need to train on the export and hand the booster back. */
export interface ExportSchema {
  readonly format: 'rsattae-rows';
  readonly version: 1;
  readonly rsattae: string;
  /** The label column. */
  readonly label: 'rating';
  /** Id columns (strings, the data's external ids); not features. */
  readonly ids: readonly ['user', 'item'];
  /** Feature columns in booster order: the booster's feature i is features[i]. All float32. */
  readonly features: readonly string[];
  /** Rows per split. */
  readonly rows: Readonly<Record<ExportSplit, number>>;
  /** Parquet files per split, relative to the export folder. */
  readonly files: Readonly<Record<ExportSplit, readonly string[]>>;
  /**
   * How the rows' embeddings were made. Always the bundle's (in-sample) embeddings, which is what predict uses; a
   * model trained with leave-one-out / out-of-fold embeddings fitted its booster on other train rows (`trainedWith`).
   */
  readonly embeddings: 'in-sample';
  readonly trainedWith: string;
  /** The model bundle and dataset split the rows came from. */
  readonly source: { readonly model: string; readonly dataset: string; readonly split: string };
}

/** Options of {@link writeRowsParquet}. */
export interface WriteRowsOptions {
  /** Rows per Parquet file (default {@link DEFAULT_ROWS_PER_SHARD}). */
  readonly rowsPerShard?: number;
  /** Called after each file is written. */
  readonly onShard?: (split: ExportSplit, file: string, rows: number) => void;
}

/** Options of {@link exportRows}. */
export interface ExportOptions extends WriteRowsOptions {
  /** Where the dataset files live (as for `evaluate`). */
  readonly dataDir: string;
  /** Download progress, when the recorded dataset has to be fetched. */
  readonly onDownload?: (received: number, total: number | undefined) => void;
}

/**
 * Feature column names in booster order: `eu_0…`, `fu_<feature name>`, `em_0…`, `fm_<feature name>` (a feature
 * without a name gets its index).
 */
export function featureColumns(blocks: RowBlocks): string[] {
  const named = (m: Float32Matrix, prefix: string): string[] => {
    const names = (m as Float32Matrix & { names?: readonly string[] }).names;
    return Array.from({ length: m.cols }, (_, j) => `${prefix}_${names?.length === m.cols ? names[j] : j}`);
  };
  const cols = [...named(blocks.userEmbeddings, 'eu'), ...named(blocks.userFeatures, 'fu'), ...named(blocks.itemEmbeddings, 'em'), ...named(blocks.itemFeatures, 'fm')];
  // embeddings are never named, so a clash can only come from two features with one name
  const seen = new Set<string>();
  for (const c of cols) {
    if (seen.has(c)) throw new InputError(`two feature columns would both be named ${JSON.stringify(c)}; rename one of the features`);
    seen.add(c);
  }
  return cols;
}

/** Writes one split's rows as shards `split/part-NNNNN.parquet` under `dir`; returns the files (relative). */
async function writeSplit(dir: string, split: ExportSplit, ratings: Ratings, model: RSAttAE, names: readonly string[], opts: WriteRowsOptions): Promise<string[]> {
  const per = opts.rowsPerShard ?? DEFAULT_ROWS_PER_SHARD;
  const { users, items, blocks } = model.parts;
  const n = ratings.rating.length;
  const files: string[] = [];
  // an empty split still gets one (empty) file, so every split folder has the schema
  for (let start = 0, part = 0; start < n || part === 0; start += per, part++) {
    const end = Math.min(n, start + per);
    const u = ratings.user.subarray(start, end);
    const i = ratings.item.subarray(start, end);
    const x = buildRows(u, i, blocks);
    const rows = end - start;
    const columnData: ColumnSource[] = [
      { name: 'user', type: 'STRING', nullable: false, data: Array.from(u, (k) => users.id(k)) },
      { name: 'item', type: 'STRING', nullable: false, data: Array.from(i, (k) => items.id(k)) },
      { name: 'rating', type: 'FLOAT', nullable: false, data: ratings.rating.slice(start, end) },
    ];
    for (let c = 0; c < x.cols; c++) {
      const col = new Float32Array(rows);
      for (let r = 0; r < rows; r++) col[r] = x.data[r * x.cols + c];
      columnData.push({ name: names[c], type: 'FLOAT', nullable: false, data: col });
    }
    const file = `${split}/part-${String(part).padStart(5, '0')}.parquet`;
    await parquetWrite({ writer: fileWriter(join(dir, file)), columnData, createdBy: `rsattae ${VERSION}` });
    files.push(file);
    opts.onShard?.(split, file, rows);
  }
  return files;
}

/**
 * Writes the rows of `splits` (0-based indices of `model`'s users and items) as Parquet under `out`: columns
 * `user`, `item` (strings), `rating`, then {@link featureColumns}, all float32; `OUT/<split>/part-NNNNN.parquet`
 * and `OUT/schema.json`. The folder is built aside and renamed into place, so `out` is whole or absent.
 * @param source recorded in schema.json
 */
export async function writeRowsParquet(
  model: RSAttAE,
  splits: Readonly<Record<ExportSplit, Ratings>>,
  out: string,
  source: ExportSchema['source'],
  opts: WriteRowsOptions = {},
): Promise<ExportSchema> {
  if (opts.rowsPerShard !== undefined && !(Number.isInteger(opts.rowsPerShard) && opts.rowsPerShard > 0)) {
    throw new InputError(`rows per shard must be a positive integer, got ${opts.rowsPerShard}`);
  }
  await refuseForeignFolder(out);
  const features = featureColumns(model.parts.blocks);
  let schema: ExportSchema | undefined;
  await writeDirAtomic(out, async (tmp) => {
    const files = {} as Record<ExportSplit, string[]>;
    const rows = {} as Record<ExportSplit, number>;
    for (const split of EXPORT_SPLITS) {
      await mkdir(join(tmp, split));
      files[split] = await writeSplit(tmp, split, splits[split], model, features, opts);
      rows[split] = splits[split].rating.length;
    }
    schema = {
      format: 'rsattae-rows',
      version: 1,
      rsattae: VERSION,
      label: 'rating',
      ids: ['user', 'item'],
      features,
      rows,
      files,
      embeddings: 'in-sample',
      trainedWith: model.parts.config.embeddings,
      source,
    };
    await writeFile(join(tmp, 'schema.json'), `${JSON.stringify(schema, null, 2)}\n`);
  });
  return schema!;
}

/** Replacing a folder is only safe when it is an earlier export (or empty): never wipe someone's other files. */
async function refuseForeignFolder(out: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(out);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return;
    if (code === 'ENOTDIR') throw new InputError(`--out ${out} is a file, not a folder`);
    throw err;
  }
  if (names.length > 0 && !names.includes('schema.json')) {
    throw new InputError(`--out ${out} already holds files and is no rsattae export (no schema.json); give a new or empty folder`);
  }
}

/**
 * Exports the rows of the model bundle `modelDir` (loaded as `model`) to `out` as Parquet: the train / validation
 * / test split is rebuilt from the dataset descriptor recorded in the manifest with its seed and validation share,
 * as `rsattae evaluate` does, and re-indexed to the model's ids.
 * @throws InputError when the bundle records no dataset descriptor
 */
export async function exportRows(model: RSAttAE, modelDir: string, out: string, opts: ExportOptions): Promise<ExportSchema> {
  const manifest = await readManifest(modelDir);
  const descriptor = recordedDescriptor(manifest, modelDir);
  if (descriptor === undefined) {
    throw new InputError(`model bundle ${modelDir} records no dataset descriptor (trained through the library?), so its rows cannot be rebuilt; use writeRowsParquet with the ratings`);
  }
  const { prepared, align } = await reloadTrainedData(descriptor, manifest.config, model.parts, { dataDir: opts.dataDir, onDownload: opts.onDownload });
  const rows = (r: Ratings): Ratings => align(r).ratings;
  const splits = { train: rows(prepared.data.train), validation: rows(prepared.data.validation), test: rows(prepared.test) };
  return writeRowsParquet(model, splits, out, { model: modelDir, dataset: prepared.data.source?.dataset ?? 'dataset', split: prepared.split }, opts);
}
