/**
 * Dataset descriptors: everything needed to read a dataset — a MovieLens preset, or your own ratings file with its
 * reading options, an optional test file and feature tables — as one zod-validated JSON document, so a run is one
 * short command and the descriptor can be committed next to the data. The CLI's reading options build the same
 * object. Relative paths are resolved against the descriptor file's folder.
 *
 * @example
 * {
 *   "ratings": "ratings.csv",
 *   "columns": "userId,movieId,rating,timestamp",
 *   "ratingScale": [0.5, 5],
 *   "itemFeatures": { "file": "movies.csv", "columns": "movieId:id,title:ignore,genres:multi(|)" },
 *   "split": "temporal:0.1"
 * }
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { InputError, parseInput } from '../core/errors.js';
import { seedSchema } from '../core/seeds.js';
import type { Ratings } from '../core/types.js';
import { type FeatureColumnSpec, type FeatureTable, IdMap, type RatingScale, type RatingsDataset } from './dataset.js';
import {
  parseColumnSpecs,
  type RatingColumns,
  type ReadRatingsOptions,
  readFeatureTableWithLines,
  readRatingsFile,
  SEPARATORS,
} from './delimited.js';
import { ensureDataset, type ProgressCallback } from './fetch.js';
import { loadMovieLens100KDataset } from './ml100k.js';
import { isSplitName, SPLIT_NAMES } from './movielens-parsers.js';
import { loadPreset } from './presets.js';
import { DATASET_NAMES, datasetSpec } from './registry.js';
import { alignRatings, checkDisjoint, SPLIT_KINDS, withoutPairsOf } from './split.js';

const sepSchema = z.enum(['auto', ...SEPARATORS] as [string, ...string[]]);
const readingShape = {
  /** Field separator; `auto` detects it. */
  sep: sepSchema.optional(),
  /** Whether the first line is a header; `auto` detects it. */
  header: z.enum(['auto', 'yes', 'no']).optional(),
  /** Text encoding (default utf8). */
  encoding: z.enum(['utf8', 'latin1']).optional(),
};

const columnRef = z.union([z.string().min(1), z.number().int().min(0)]);

const featureColumnSchema = z
  .object({
    name: z.string().min(1),
    kind: z.enum(['id', 'category', 'multi', 'numeric', 'ignore']),
    separator: z.string().min(1).optional(),
    minCount: z.number().int().min(1).optional(),
    bins: z.number().int().min(1).max(1000).optional(),
    edges: z.array(z.number()).min(2).optional(),
    levels: z.array(z.string()).optional(),
    other: z.boolean().optional(),
    baseline: z.string().optional(),
    fill: z.number().optional(),
    label: z.string().min(1).optional(),
  })
  .strict();

const featureFileSchema = z
  .object({
    /** The feature table's file. */
    file: z.string().min(1),
    /** Column specs: the CLI syntax (`id:id,age:numeric,genres:multi(|)`) or a list of spec objects. */
    columns: z.union([z.string().min(1), z.array(featureColumnSchema).min(1)]),
    ...readingShape,
  })
  .strict();

/** What a descriptor's `testOverlap` may say: a pair in both the training and the test file is an error, or dropped from one. */
export const TEST_OVERLAPS = ['error', 'drop-train', 'drop-test'] as const;

/** Schema of a dataset descriptor file. */
export const descriptorSchema = z
  .object({
    /** Name in reports and bundles (default: the preset, or the ratings file's base name). */
    name: z.string().min(1).optional(),
    /** A MovieLens preset instead of your own files. */
    preset: z.enum(DATASET_NAMES as unknown as [string, ...string[]]).optional(),
    /** Your ratings file. */
    ratings: z.string().min(1).optional(),
    /** A separate test file (then no split is made). */
    test: z.string().min(1).optional(),
    /**
     * A (user, item) pair in both the ratings file and the test file: an error (default), or dropped from the
     * training ratings (`drop-train`: the test file stays whole) or from the test ratings (`drop-test`).
     */
    testOverlap: z.enum(TEST_OVERLAPS).optional(),
    ...readingShape,
    /** `user,item,rating[,timestamp]`: header names, or 0-based positions; or an object with those keys. */
    columns: z
      .union([
        z.string().min(1),
        z.object({ user: columnRef, item: columnRef, rating: columnRef, timestamp: columnRef.optional() }).strict(),
      ])
      .optional(),
    /** `[min, max]` or `{ min, max, step }`; default: inferred from the data. */
    ratingScale: z
      .union([
        z.tuple([z.number(), z.number()]),
        z.object({ min: z.number(), max: z.number(), step: z.number().positive().optional() }).strict(),
      ])
      .optional(),
    /** A (user, item) pair rated twice: an error (default), the last rating, or their mean. */
    duplicates: z.enum(['error', 'last', 'mean']).optional(),
    userFeatures: featureFileSchema.optional(),
    itemFeatures: featureFileSchema.optional(),
    /** `u1`…`ub` (ML-100K), `random:F`, `temporal:F` or `user:F`; default: the preset's, else `random:0.1`. */
    split: z
      .string()
      .refine((v) => isSplitName(v) || /^(random|temporal|user):(0?\.\d*[1-9]\d*)$/.test(v), {
        message: `expected KIND:F with KIND one of ${SPLIT_KINDS.join(', ')} and F in (0, 1), e.g. random:0.1, or an ML-100K split (${SPLIT_NAMES.join(', ')})`,
      })
      .optional(),
    /** Share of the training part held out for validation. */
    valFraction: z.number().gt(0).lt(1).optional(),
    /** Seed of the split and the hold-out, in the range of the configuration's seed (src/core/seeds.ts). */
    seed: seedSchema.optional(),
  })
  .strict()
  .refine((d) => (d.preset === undefined) !== (d.ratings === undefined), {
    message: 'give either "preset" or "ratings" (exactly one)',
  })
  .refine((d) => !(d.preset !== undefined && (d.test || d.userFeatures || d.itemFeatures || d.columns)), {
    message: 'a preset brings its own files: "test", "columns", "userFeatures" and "itemFeatures" go with "ratings"',
  })
  .refine((d) => d.testOverlap === undefined || d.test !== undefined, { message: '"testOverlap" goes with "test"' });

/** A dataset descriptor (see {@link descriptorSchema}). */
export type DatasetDescriptor = z.infer<typeof descriptorSchema>;

/**
 * Validates a descriptor object.
 * @throws InputError `invalid dataset descriptor <where>: field: problem; …`
 */
export function parseDescriptor(value: unknown, where = ''): DatasetDescriptor {
  return parseInput(descriptorSchema, value, `invalid dataset descriptor${where ? ` ${where}` : ''}`, '(descriptor)');
}

/**
 * Reads a descriptor file and makes its relative paths absolute (against the file's folder).
 * @throws InputError when the file is missing, not JSON, or invalid
 */
export async function readDescriptorFile(path: string): Promise<DatasetDescriptor> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw new InputError(`cannot read dataset descriptor ${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new InputError(`dataset descriptor ${path} is not valid JSON: ${(err as Error).message}`);
  }
  return absolutePaths(parseDescriptor(json, path), dirname(resolve(path)));
}

/** The descriptor with every file path resolved against `base`. */
export function absolutePaths(d: DatasetDescriptor, base: string): DatasetDescriptor {
  const abs = (p: string): string => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...d,
    ...(d.ratings ? { ratings: abs(d.ratings) } : {}),
    ...(d.test ? { test: abs(d.test) } : {}),
    ...(d.userFeatures ? { userFeatures: { ...d.userFeatures, file: abs(d.userFeatures.file) } } : {}),
    ...(d.itemFeatures ? { itemFeatures: { ...d.itemFeatures, file: abs(d.itemFeatures.file) } } : {}),
  };
}

/** Parses `user,item,rating[,timestamp]`: names, or 0-based positions when all are whole numbers. */
export function parseRatingColumns(text: string): RatingColumns {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length < 3 || parts.length > 4 || parts.some((p) => p === '')) {
    throw new InputError(`invalid --columns ${JSON.stringify(text)}: expected user,item,rating[,timestamp] (header names, or 0-based positions)`);
  }
  const ref = (p: string): string | number => (/^\d+$/.test(p) ? Number(p) : p);
  const [user, item, rating, timestamp] = parts.map(ref);
  return { user, item, rating, ...(timestamp === undefined ? {} : { timestamp }) };
}

/**
 * Parses a rating scale: `MIN,MAX` or `MIN,MAX,STEP`, or the descriptor's tuple/object form.
 * @throws InputError unless min < max (and step > 0)
 */
export function parseRatingScale(value: string | readonly [number, number] | RatingScale): RatingScale {
  let s: RatingScale;
  if (typeof value === 'string') {
    const n = value.split(',').map((p) => (p.trim() === '' ? Number.NaN : Number(p)));
    if ((n.length !== 2 && n.length !== 3) || n.some((x) => !Number.isFinite(x))) {
      throw new InputError(`invalid rating scale ${JSON.stringify(value)}: expected MIN,MAX or MIN,MAX,STEP, e.g. 0.5,5,0.5`);
    }
    s = { min: n[0], max: n[1], ...(n[2] === undefined ? {} : { step: n[2] }) };
  } else if (Array.isArray(value)) s = { min: value[0], max: value[1] };
  else s = value as RatingScale;
  if (!(s.min < s.max) || (s.step !== undefined && !(s.step > 0))) {
    throw new InputError(`invalid rating scale ${s.min}..${s.max}${s.step === undefined ? '' : ` step ${s.step}`}: need min < max and step > 0`);
  }
  return s;
}

function featureSpecs(columns: string | readonly FeatureColumnSpec[]): readonly FeatureColumnSpec[] {
  return typeof columns === 'string' ? parseColumnSpecs(columns) : columns;
}

/** The smallest scale holding both; a step only when both have the same one. */
function widen(a: RatingScale, b: RatingScale): RatingScale {
  const step = a.step !== undefined && a.step === b.step && (b.min - a.min) % a.step === 0 ? a.step : undefined;
  return { min: Math.min(a.min, b.min), max: Math.max(a.max, b.max), ...(step === undefined ? {} : { step }) };
}

/** Options of {@link loadDataset}. */
export interface LoadDatasetOptions {
  /** The data folder of the presets (see resolveDataDir). */
  readonly dataDir: string;
  /** Download a missing preset (default true). */
  readonly fetch?: boolean;
  /** Download progress. */
  readonly onDownload?: ProgressCallback;
  /** Reading progress of the ratings file: bytes read and the file size. */
  readonly onRead?: (bytesRead: number, totalBytes: number) => void;
}

/**
 * The reading options of a descriptor (or its reading fields alone, e.g. `evaluate --test`'s) as readRatingsFile
 * takes them.
 */
export function ratingsReading(d: Partial<DatasetDescriptor>): Pick<ReadRatingsOptions, 'sep' | 'header' | 'encoding' | 'duplicates' | 'columns'> {
  const columns = typeof d.columns === 'string' ? parseRatingColumns(d.columns) : d.columns;
  return { sep: d.sep as ReadRatingsOptions['sep'], header: d.header, encoding: d.encoding, duplicates: d.duplicates, columns };
}

type FeatureFile = NonNullable<DatasetDescriptor['userFeatures']>;

async function readTable(spec: FeatureFile, columns: readonly FeatureColumnSpec[], ids: IdMap, files: Record<string, string>): Promise<FeatureTable> {
  const read = await readFeatureTableWithLines(spec.file, columns, {
    sep: spec.sep as never,
    header: spec.header,
    encoding: spec.encoding,
  });
  files[basename(spec.file)] = read.sha256;
  // a feature row of an id without ratings is kept: that entity can still be scored (cold start)
  for (const id of read.table.ids) ids.add(id);
  return read.table;
}

/** `r`, unless dropping the pairs it shares with `other` left nothing. @throws InputError then */
function nonEmpty(r: Ratings, file: string, other: string): Ratings {
  if (r.rating.length === 0) throw new InputError(`every rating of ${file} is also in ${other}: nothing is left of it once the shared pairs are dropped`);
  return r;
}

/**
 * Reads the dataset a descriptor names: a preset (downloaded into `dataDir` when missing) or your own files. Id maps
 * list the ratings file's ids in first-seen order, then ids seen only in the test file, then ids only in a feature
 * table; the latter two have no training ratings and are scored through the cold-start path.
 *
 * @throws InputError / ParseError for anything wrong with the files, naming file:line and column
 */
export async function loadDataset(d: DatasetDescriptor, opts: LoadDatasetOptions): Promise<RatingsDataset> {
  if (d.preset !== undefined) {
    const spec = datasetSpec(d.preset);
    const dir = await ensureDataset(spec.name, { dataDir: opts.dataDir, fetch: opts.fetch ?? true, onProgress: opts.onDownload });
    if (spec.name === 'ml-100k') return loadMovieLens100KDataset(dir, d.split ?? spec.defaultSplit);
    return loadPreset(spec.name, dir);
  }
  const path = d.ratings as string;
  // bad column specs are reported before any file is read
  const userSpecs = d.userFeatures ? featureSpecs(d.userFeatures.columns as string | FeatureColumnSpec[]) : undefined;
  const itemSpecs = d.itemFeatures ? featureSpecs(d.itemFeatures.columns as string | FeatureColumnSpec[]) : undefined;
  const users = new IdMap();
  const items = new IdMap();
  const reading = ratingsReading(d);
  const scale = d.ratingScale === undefined ? undefined : parseRatingScale(d.ratingScale as RatingScale);
  const train = await readRatingsFile(path, { ...reading, scale, users, items, onProgress: opts.onRead });
  const files: Record<string, string> = { [basename(path)]: train.sha256 };
  let trainRatings = train.ratings;
  let test: Ratings | undefined;
  let scaleRead = train.scale;
  if (d.test !== undefined) {
    const tu = new IdMap();
    const ti = new IdMap();
    // an inferred scale is the data's range, so the test file widens it rather than being held to the training file's
    const t = await readRatingsFile(d.test, { ...reading, scale, users: tu, items: ti });
    if (scale === undefined) scaleRead = widen(train.scale, t.scale);
    files[basename(d.test)] = t.sha256;
    // ids only in the test file join the maps after the training ids (cold start), so nothing is dropped here
    for (const id of tu.ids()) users.add(id);
    for (const id of ti.ids()) items.add(id);
    test = alignRatings(t.ratings, { users: tu, items: ti }, { users, items }).ratings;
    if (d.testOverlap === 'drop-train') trainRatings = nonEmpty(withoutPairsOf(trainRatings, test).ratings, path, d.test);
    else if (d.testOverlap === 'drop-test') test = nonEmpty(withoutPairsOf(test, trainRatings).ratings, d.test, path);
    else {
      checkDisjoint(trainRatings, test, {
        users,
        items,
        train: (k) => `${path}:${train.lineOf(k)}`,
        test: (k) => `${d.test}:${t.lineOf(k)}`,
      });
    }
  }
  const userFeatures = d.userFeatures && userSpecs ? await readTable(d.userFeatures, userSpecs, users, files) : undefined;
  const itemFeatures = d.itemFeatures && itemSpecs ? await readTable(d.itemFeatures, itemSpecs, items, files) : undefined;
  return {
    name: d.name ?? basename(path, extname(path)),
    users,
    items,
    ratings: trainRatings,
    test,
    hasTimestamps: train.hasTimestamps,
    scale: scaleRead,
    userFeatures,
    itemFeatures,
    files,
  };
}

/**
 * The split a descriptor asks for: `test-file` when it has a test file, else `override`, its own, the preset's
 * default, or `random:0.1`, in that order.
 */
export function descriptorSplit(d: DatasetDescriptor, override?: string): string {
  if (d.test !== undefined) return 'test-file';
  return override ?? d.split ?? (d.preset !== undefined ? datasetSpec(d.preset).defaultSplit : 'random:0.1');
}
