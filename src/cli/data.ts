/**
 * `rsattae data …`: fetch a dataset and describe it.
 *
 *   rsattae data fetch <dataset> [--data-dir DIR] [--timeout S]
 *   rsattae data info <dataset> [--split NAME] [--val-fraction F] [--seed S] [--json] [--data-dir DIR] [--timeout S]
 *
 * `info` downloads a missing dataset first, like `fetch`. Progress goes to stderr; stdout carries only the report
 * (with `--json`, exactly one JSON object).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Command } from 'commander';
import { datasetInfo } from '../data/dataset.js';
import { fetchDataset, verifyDataset } from '../data/fetch.js';
import { resolveDataDir } from '../data/location.js';
import { loadMovieLens100K, SPLIT_NAMES, type SplitName } from '../data/movielens.js';
import { DATASET_NAMES, datasetSpec } from '../data/registry.js';
import {
  addDataDirOption,
  createProgress,
  note,
  parseChoice,
  parseFraction,
  parsePositiveNumber,
  parseSeed,
  writeJson,
} from './util.js';

/** Options every data sub-command understands. */
interface CommonOptions {
  dataDir?: string;
  timeout: number;
}

interface InfoOptions extends CommonOptions {
  split?: SplitName;
  valFraction: number;
  seed: number;
  json?: boolean;
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

/** Registers `data fetch` and `data info` on the program. */
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
    const result = await verifyDataset(dir, datasetSpec(name).sha256);
    if (!result.ok) {
      throw new Error(`${dir} exists but does not match the published checksums (${result.problems.join('; ')}); remove it to download again`);
    }
    note(`${name}: already present and verified, ${dir}`);
  });

  const infoCmd = data
    .command('info')
    .description('show counts, density, rating scale and feature sizes of a dataset (downloading it when missing)')
    .argument('<dataset>', `dataset name (${DATASET_NAMES.join(', ')})`)
    .option('--split <name>', `also report a split: ${SPLIT_NAMES.join(', ')}`, parseChoice(SPLIT_NAMES))
    .option('--val-fraction <f>', 'share of the split base held out for validation, in (0,1)', parseFraction, 0.1)
    .option('--seed <n>', 'seed of the validation hold-out', parseSeed, 42)
    .option('--json', 'print one JSON object instead of a table');
  addDataDirOption(infoCmd);
  addTimeoutOption(infoCmd);
  infoCmd.action(async (name: string, opts: InfoOptions) => {
    const spec = datasetSpec(name);
    const { dir } = await obtain(name, opts);
    const ds = await loadMovieLens100K(dir);
    const split = opts.split === undefined ? undefined : { split: opts.split, valFraction: opts.valFraction, seed: opts.seed };
    const info = await datasetInfo(ds, spec.name, split);
    if (opts.json) {
      const { dir: _dir, ...rest } = info;
      writeJson({ ...rest, density: Number(info.density.toFixed(6)) });
      return;
    }
    const rows: [string, string][] = [
      ['dataset', info.dataset],
      ['folder', info.dir],
      ['users', String(info.users)],
      ['items', String(info.items)],
      ['ratings', String(info.ratings)],
      ['density', `${(info.density * 100).toFixed(2)}%`],
      ['rating scale', `${info.ratingScale[0]}..${info.ratingScale[1]}`],
      ['user features', String(info.userFeatures)],
      ['item features', String(info.itemFeatures)],
    ];
    if (info.split !== undefined) {
      const s = info.split;
      rows.push([
        `split ${s.name}`,
        `train ${s.train}, validation ${s.validation} (${s.valFraction} of ${s.name}.base, seed ${s.seed}), test ${s.test}`,
      ]);
    }
    process.stdout.write(rows.map(([k, v]) => `${k.padEnd(14)}${v}\n`).join(''));
  });
}
