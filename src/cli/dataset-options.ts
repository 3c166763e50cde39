/**
 * The dataset options shared by `train`, `embed`, `data info` and `evaluate`: a preset (`--dataset`), a descriptor
 * file (`--dataset-file`), or your own files with their reading options. They build one {@link DatasetDescriptor};
 * options given on the command line override the descriptor file's fields.
 */
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../core/errors.js';
import { type DatasetDescriptor, parseDescriptor, parseRatingScale, readDescriptorFile, TEST_OVERLAPS } from '../data/descriptor.js';
import { DATASET_NAMES } from '../data/registry.js';
import { addDataDirOption, parseChoice } from './command-helpers.js';

/** `--sep` values: the separators, with `tab` and `space` spelled out. */
const SEP_CHOICES = ['auto', ',', 'tab', '::', ';', 'space', '|'] as const;

/** Values of the options added by {@link addDatasetOptions}. */
export interface DatasetOptions {
  dataset?: string;
  datasetFile?: string;
  ratings?: string;
  test?: string;
  testOverlap?: (typeof TEST_OVERLAPS)[number];
  columns?: string;
  sep?: (typeof SEP_CHOICES)[number];
  header?: 'auto' | 'yes' | 'no';
  encoding?: 'utf8' | 'latin1';
  ratingScale?: string;
  duplicates?: 'error' | 'last' | 'mean';
  userFeatures?: string;
  userColumns?: string;
  itemFeatures?: string;
  itemColumns?: string;
  split?: string;
  dataDir?: string;
}

/** Adds the options that say how a ratings file is read (also used by `evaluate --test`). */
export function addReadingOptions(cmd: Command): Command {
  return cmd
    .option('--columns <list>', 'user,item,rating[,timestamp]: header names, or 0-based positions without a header')
    .option('--sep <sep>', `field separator: ${SEP_CHOICES.join(' ')} (default auto)`, parseChoice(SEP_CHOICES))
    .option('--header <when>', 'first line is a header: auto, yes, no (default auto)', parseChoice(['auto', 'yes', 'no'] as const))
    .option('--encoding <enc>', 'text encoding: utf8 or latin1 (default utf8)', parseChoice(['utf8', 'latin1'] as const))
    .option('--duplicates <how>', 'a (user, item) pair rated twice: error (default), last, mean', parseChoice(['error', 'last', 'mean'] as const));
}

/** Adds every dataset option and `--data-dir`. */
export function addDatasetOptions(cmd: Command): Command {
  cmd
    .option('--dataset <name>', `a MovieLens preset: ${DATASET_NAMES.join(', ')} (default ml-100k when no --ratings / --dataset-file)`, parseChoice(DATASET_NAMES))
    .option('--dataset-file <file>', 'a dataset descriptor (JSON) with all of the options below')
    .option('--ratings <file>', 'your ratings file (CSV, TSV, ::-separated …)')
    .option('--test <file>', 'a separate test file in the same format (then no split is made)')
    .option('--test-overlap <how>', 'a (user, item) pair in both --ratings and --test: error (default), drop-train, drop-test', parseChoice(TEST_OVERLAPS));
  addReadingOptions(cmd)
    .option('--rating-scale <min,max[,step]>', 'the rating scale, e.g. 1,5 or 0.5,5,0.5 (default: inferred from the data)')
    .option('--user-features <file>', 'a user feature table')
    .option('--user-columns <specs>', "its columns, e.g. 'id:id,age:numeric,gender:category,occupation:category(min=5)'")
    .option('--item-features <file>', 'an item feature table')
    .option('--item-columns <specs>', "its columns, e.g. 'id:id,title:ignore,genres:multi(|),year:numeric(bins=8)'")
    .option('--split <spec>', 'u1..u5|ua|ub (ML-100K), random:F, temporal:F or user:F (default: the preset\'s, else random:0.1)');
  return addDataDirOption(cmd);
}

/** The separator a `--sep` value stands for. */
export function separatorOf(sep: DatasetOptions['sep']): DatasetDescriptor['sep'] {
  if (sep === undefined) return undefined;
  return sep === 'tab' ? '\t' : sep === 'space' ? ' ' : sep;
}

/** The reading options of {@link addReadingOptions} as descriptor fields. */
export function readingFields(o: DatasetOptions): Partial<DatasetDescriptor> {
  const out: Record<string, unknown> = {};
  if (o.columns !== undefined) out.columns = o.columns;
  if (o.sep !== undefined) out.sep = separatorOf(o.sep);
  if (o.header !== undefined) out.header = o.header;
  if (o.encoding !== undefined) out.encoding = o.encoding;
  if (o.duplicates !== undefined) out.duplicates = o.duplicates;
  return out as Partial<DatasetDescriptor>;
}

function featureFile(file: string | undefined, columns: string | undefined, side: 'user' | 'item'): DatasetDescriptor['userFeatures'] {
  if (file === undefined && columns === undefined) return undefined;
  if (file === undefined) throw new InputError(`--${side}-columns needs --${side}-features FILE`);
  if (columns === undefined) throw new InputError(`--${side}-features needs --${side}-columns, e.g. 'id:id,${side === 'user' ? 'age:numeric' : 'genres:multi(|)'}'`);
  return { file: resolve(file), columns };
}

/**
 * The descriptor the options describe: the `--dataset-file` (paths relative to it) with command-line overrides, or
 * one built from the options alone (preset ml-100k when nothing names a dataset).
 * @throws InputError for contradicting options or an invalid descriptor
 */
export async function descriptorFromOptions(o: DatasetOptions): Promise<DatasetDescriptor> {
  const base: Partial<DatasetDescriptor> = o.datasetFile ? await readDescriptorFile(o.datasetFile) : {};
  const over: Record<string, unknown> = { ...readingFields(o) };
  if (o.dataset !== undefined) over.preset = o.dataset;
  if (o.ratings !== undefined) over.ratings = resolve(o.ratings);
  if (o.test !== undefined) over.test = resolve(o.test);
  if (o.testOverlap !== undefined) over.testOverlap = o.testOverlap;
  if (o.ratingScale !== undefined) over.ratingScale = parseRatingScale(o.ratingScale);
  const uf = featureFile(o.userFeatures, o.userColumns, 'user');
  const itf = featureFile(o.itemFeatures, o.itemColumns, 'item');
  if (uf) over.userFeatures = uf;
  if (itf) over.itemFeatures = itf;
  if (o.split !== undefined) over.split = o.split;
  const merged: Record<string, unknown> = { ...base, ...over };
  // a preset on the command line replaces a descriptor's own files, and the other way round
  if (o.dataset !== undefined && o.ratings === undefined) delete merged.ratings;
  if (o.ratings !== undefined && o.dataset === undefined) delete merged.preset;
  if (merged.preset === undefined && merged.ratings === undefined) merged.preset = 'ml-100k';
  return parseDescriptor(merged, o.datasetFile ? `(${o.datasetFile} with command-line options)` : '(from the command-line options)');
}
