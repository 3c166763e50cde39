/**
 * `rsattae data …`: fetch a dataset and describe it.
 *
 *   rsattae data fetch <dataset> [--data-dir DIR] [--timeout S]
 *   rsattae data info [<preset>] [dataset options, as train] [--val-fraction F] [--seed S] [--json] [--data-dir DIR]
 *   rsattae data synth --users N --items M --ratings R --seed S --out DIR [--format csv|ml-100k] [--shape SHAPE] [--json]
 *
 * `info` downloads a missing dataset first, like `fetch`. Progress goes to stderr; stdout carries only the report
 * (with `--json`, exactly one JSON object).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { inferScale } from '../data/delimited.js';
import { descriptorSplit, loadDataset } from '../data/descriptor.js';
import { fitTableEncoder } from '../data/encoding.js';
import { fetchDataset, verifyDataset } from '../data/fetch.js';
import { resolveDataDir } from '../data/location.js';
import { DATASET_NAMES, datasetSpec } from '../data/registry.js';
import { concatRatings } from '../data/split.js';
import { SYNTH_FORMATS, SYNTH_SHAPES, type SynthFormat, type SynthShape, synthesize } from '../data/synth.js';
import { prepareData } from '../model/prepare-data.js';
import { checkConfigInput } from '../model/rsattae-config.js';
import {
  addDataDirOption,
  createProgress,
  note,
  parseChoice,
  parsePositiveInt,
  parsePositiveNumber,
  parseSeed,
  writeJson,
} from './command-helpers.js';
import { PREPARATION_OPTIONS } from './config-options.js';
import { addDatasetOptions, type DatasetOptions, descriptorFromOptions } from './dataset-options.js';
import { addSchemaOptions, givenValues } from './schema-options.js';

/** Options every data sub-command understands. */
interface CommonOptions {
  dataDir?: string;
  timeout: number;
}

/** The options of `data info` besides `--seed` and `--val-fraction` (read with givenValues). */
interface InfoOptions extends CommonOptions, DatasetOptions {
  json?: boolean;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Returns the dataset folder, downloading it (with progress on stderr) when it is missing. */
async function obtain(name: string, opts: CommonOptions): Promise<{ dir: string; downloaded: boolean }> {
  const spec = datasetSpec(name); // InputError listing the known names
  const dataDir = resolveDataDir(opts.dataDir);
  const target = join(dataDir, spec.name);
  if (await isDirectory(target)) return { dir: target, downloaded: false };
  note(`downloading ${spec.name} into ${dataDir}`);
  const progress = createProgress(spec.name, { unit: 'bytes' });
  try {
    const dir = await fetchDataset(spec.name, {
      dataDir,
      timeoutMs: opts.timeout * 1000,
      onProgress: (received, total) => progress.update(received, total),
    });
    progress.stop(`${spec.name}: downloaded and verified, ${dir}`);
    return { dir, downloaded: true };
  } catch (err) {
    progress.stop();
    throw err;
  }
}

function addTimeoutOption(cmd: Command): Command {
  return cmd.option('--timeout <seconds>', 'give up a download after this many seconds without data', parsePositiveNumber, 60);
}

interface SynthCliOptions {
  users?: number;
  items?: number;
  ratings?: number;
  seed: number;
  out: string;
  format: SynthFormat;
  shape?: SynthShape;
  json?: boolean;
}

/** Registers `data fetch`, `data info` and `data synth` on the program. */
export function registerDataCommands(program: Command): void {
  const data = program
    .command('data')
    .description('download and inspect datasets')
    .addHelpText('after', `\nKnown datasets: ${DATASET_NAMES.join(', ')}`);

  const fetchCmd = data
    .command('fetch')
    .description('download a dataset into the data folder and verify its SHA-256 checksums')
    .argument('<dataset>', `dataset name (${DATASET_NAMES.join(', ')})`);
  addDataDirOption(fetchCmd);
  addTimeoutOption(fetchCmd);
  fetchCmd.action(async (name: string, opts: CommonOptions) => {
    const { dir, downloaded } = await obtain(name, opts);
    if (downloaded) return;
    // already there: check it rather than silently trusting it
    const spec = datasetSpec(name);
    if (Object.keys(spec.sha256).length === 0) {
      // only the archive's hash is published for this preset (checked at download): check the files are all there
      const missing: string[] = [];
      for (const f of spec.files) if (!(await isFile(join(dir, f)))) missing.push(f);
      if (missing.length > 0) throw new Error(`${dir} exists but lacks ${missing.join(', ')}; remove it to download again`);
      note(`${name}: already present (all ${spec.files.length} files there; per-file hashes are not published, the archive's was checked at download), ${dir}`);
      return;
    }
    const result = await verifyDataset(dir, spec.sha256);
    if (!result.ok) {
      throw new Error(`${dir} exists but does not match the published checksums (${result.problems.join('; ')}); remove it to download again`);
    }
    note(`${name}: already present and verified, ${dir}`);
  });

  const infoCmd = data
    .command('info')
    .description('show counts, density, rating scale and feature sizes of a dataset: a preset (downloaded when missing) or your own files')
    .argument('[dataset]', `a preset (${DATASET_NAMES.join(', ')}); or use --ratings FILE / --dataset-file FILE`);
  // the split's seed and validation share as train takes them (the configuration's fields)
  addSchemaOptions(addDatasetOptions(infoCmd), PREPARATION_OPTIONS).option('--json', 'print one JSON object instead of a table');
  addTimeoutOption(infoCmd);
  infoCmd.action(async (name: string | undefined, opts: InfoOptions) => {
    if (name !== undefined) datasetSpec(name); // InputError listing the known names
    const desc = await descriptorFromOptions({ ...opts, ...(name === undefined ? {} : { dataset: name }) });
    // a preset is obtained as `data fetch` does it (progress, then a line saying it was verified)
    if (desc.preset !== undefined) await obtain(desc.preset, opts);
    const ds = await loadDataset(desc, { dataDir: resolveDataDir(opts.dataDir), fetch: false });
    const all = ds.test === undefined ? ds.ratings : concatRatings(ds.ratings, ds.test);
    // the range the ratings span (the declared scale's step is reported beside it)
    const { min: lo, max: hi } = inferScale(all.rating);
    const n = all.rating.length;
    const width = (t: typeof ds.userFeatures): number => (t === undefined ? 0 : fitTableEncoder(t).names.length);
    const info: Record<string, unknown> = {
      dataset: ds.name,
      users: ds.users.size,
      items: ds.items.size,
      ratings: n,
      density: Number((n / (ds.users.size * ds.items.size)).toFixed(6)),
      ratingScale: [lo, hi],
      ...(ds.scale.step === undefined ? {} : { ratingStep: ds.scale.step }),
      timestamps: ds.hasTimestamps,
      userFeatures: width(ds.userFeatures),
      itemFeatures: width(ds.itemFeatures),
    };
    // a split is shown when asked for, or when the data brings its own test set
    if (opts.split !== undefined || ds.test !== undefined) {
      const split = descriptorSplit(desc, opts.split);
      const { seed, valFraction } = checkConfigInput(givenValues(infoCmd, PREPARATION_OPTIONS));
      const p = prepareData(ds, { split, valFraction, seed });
      info.split = {
        name: p.split,
        valFraction,
        seed,
        train: p.data.train.rating.length,
        validation: p.data.validation.rating.length,
        test: p.test.rating.length,
        ...(p.coldTest.ratings > 0 ? { coldTest: p.coldTest } : {}),
      };
    }
    if (opts.json) {
      writeJson(info);
      return;
    }
    const rows: [string, string][] = [
      ['dataset', ds.name],
      ['users', String(ds.users.size)],
      ['items', String(ds.items.size)],
      ['ratings', String(n)],
      ['density', `${((n / (ds.users.size * ds.items.size)) * 100).toFixed(2)}%`],
      ['rating scale', `${lo}..${hi}${ds.scale.step === undefined ? '' : ` (step ${ds.scale.step})`}`],
      ['timestamps', ds.hasTimestamps ? 'yes' : 'no'],
      ['user features', String(info.userFeatures)],
      ['item features', String(info.itemFeatures)],
    ];
    const s = info.split as { name: string; train: number; validation: number; test: number; valFraction: number; seed: number } | undefined;
    if (s !== undefined) {
      rows.push([`split ${s.name}`, `train ${s.train}, validation ${s.validation} (${s.valFraction} of the training part, seed ${s.seed}), test ${s.test}`]);
    }
    process.stdout.write(rows.map(([k, v]) => `${k.padEnd(13)} ${v}\n`).join(''));
  });

  data
    .command('synth')
    .description('write a synthetic MovieLens-shaped dataset (skewed popularity and activity, correlated features) with its dataset.json')
    .option('--users <n>', 'number of users (overrides --shape)', parsePositiveInt)
    .option('--items <n>', 'number of items (overrides --shape)', parsePositiveInt)
    .option('--ratings <n>', 'number of ratings, at least 20 per user (overrides --shape)', parsePositiveInt)
    .option('--seed <n>', 'seed of every random draw: the same seed writes the same bytes', parseSeed, 42)
    .requiredOption('--out <dir>', 'output folder (for --format ml-100k, name it ml-100k to use it with --dataset ml-100k)')
    .option('--format <format>', `file layout (${SYNTH_FORMATS.join(', ')})`, parseChoice(SYNTH_FORMATS), 'csv')
    .option('--shape <shape>', `real MovieLens sizes and rating scale (${SYNTH_SHAPES.join(', ')})`, parseChoice(SYNTH_SHAPES))
    .option('--json', 'print the summary as one JSON object')
    .action(async (opts: SynthCliOptions) => {
      const progress = createProgress('synth', { unit: 'count' });
      let summary: Awaited<ReturnType<typeof synthesize>>;
      try {
        summary = await synthesize(opts, (done, total) => progress.update(done, total));
      } catch (err) {
        progress.stop();
        throw err;
      }
      progress.stop(`wrote ${summary.ratings} ratings of ${summary.users} users and ${summary.items} items (mean ${summary.mean.toFixed(3)}) to ${summary.out}`);
      if (opts.json) writeJson(summary);
    });
}
