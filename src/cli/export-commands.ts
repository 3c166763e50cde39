/**
 * `rsattae export` and `rsattae import-booster`: hand a model's XGBoost rows to a distributed engine (Spark, Dask)
 * as Parquet, and take the booster it trained back into the bundle. Thin over src/store/row-export.ts and model-bundle.ts.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { resolveDataDir } from '../data/location.js';
import { RSAttAE } from '../model/rsattae.js';
import { importBooster } from '../store/model-bundle.js';
import { DEFAULT_ROWS_PER_SHARD, exportRows } from '../store/row-export.js';
import { addDataDirOption, note, parseChoice, parsePositiveInt, writeJson } from './command-helpers.js';

interface ExportOptions {
  model: string;
  out: string;
  format: 'parquet';
  dataDir?: string;
  rowsPerShard: number;
  json?: boolean;
}

async function exportCommand(opts: ExportOptions): Promise<void> {
  const dir = resolve(opts.model);
  const out = resolve(opts.out);
  const model = await RSAttAE.load(dir);
  try {
    if (model.config.embeddings !== 'in-sample') {
      note(`note: the model's booster was trained on ${model.config.embeddings} embeddings; the exported rows use the bundle's in-sample embeddings (what predict uses)`);
    }
    if (model.config.blend.length > 0) {
      note(`note: the model stacks its booster with ${model.config.blend.join(', ')}; the rows are the booster's alone, and an imported booster takes its place in the stack, with the weights and cold rules fitted for this one`);
    }
    const schema = await exportRows(model, dir, out, {
      dataDir: resolveDataDir(opts.dataDir),
      rowsPerShard: opts.rowsPerShard,
      onShard: opts.json ? undefined : (_split, file, rows) => note(`wrote ${file} (${rows} rows)`),
    });
    const result = { out, rows: schema.rows, features: schema.features.length, files: schema.files };
    if (opts.json) writeJson(result);
    else {
      const r = schema.rows;
      process.stdout.write(`${r.train} / ${r.validation} / ${r.test} train / validation / test rows of ${schema.features.length} features written to ${out} (schema.json lists the columns)\n`);
    }
  } finally {
    model.dispose();
  }
}

interface ImportOptions {
  model: string;
  booster: string;
  json?: boolean;
}

async function importCommand(opts: ImportOptions): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(opts.booster));
  } catch (err) {
    throw new InputError(`--booster ${opts.booster}: cannot read it (${(err as Error).message})`);
  }
  const info = await importBooster(resolve(opts.model), bytes, opts.booster);
  if (opts.json) writeJson({ model: resolve(opts.model), booster: info });
  else process.stdout.write(`imported ${opts.booster} (${info.sourceFormat}, ${info.nFeatures} features, sha256 ${info.sourceSha256.slice(0, 12)}…) into ${resolve(opts.model)}\n`);
}

/** Registers `export` and `import-booster` on the program. */
export function registerExportCommands(program: Command): void {
  const exportCmd = program
    .command('export')
    .description("write a model's XGBoost rows (train / validation / test, rebuilt from its recorded dataset) as Parquet shards for Spark or Dask")
    .requiredOption('--model <dir>', 'model bundle directory')
    .requiredOption('--out <dir>', 'folder to write (replaced as a whole; must be new, empty or an earlier export)')
    .option('--format <format>', 'file format', parseChoice(['parquet'] as const), 'parquet')
    .option('--rows-per-shard <n>', 'rows per Parquet file', parsePositiveInt, DEFAULT_ROWS_PER_SHARD)
    .option('--json', 'print one JSON object on stdout');
  addDataDirOption(exportCmd).action((opts: ExportOptions) => exportCommand(opts));

  program
    .command('import-booster')
    .description('replace the booster of a model bundle with an XGBoost model trained elsewhere (JSON or UBJSON, e.g. by Spark or Dask on `rsattae export` files)')
    .requiredOption('--model <dir>', 'model bundle directory (rewritten atomically)')
    .requiredOption('--booster <file>', 'XGBoost model file (booster.save_model output, .ubj or .json)')
    .option('--json', 'print one JSON object on stdout')
    .action((opts: ImportOptions) => importCommand(opts));
}
