/**
 * From a {@link RatingsDataset} to what {@link RSAttAE.fit} learns from: split (the dataset's own test set, or a
 * random / temporal / user split), carve the validation hold-out from the training part, fit the feature encoders
 * and encode both sides.
 */

import { InputError } from '../core/errors.js';
import { deriveSeed } from '../core/seeds.js';
import type { Ratings } from '../core/types.js';
import type { IdMap, RatingsDataset } from '../data/dataset.js';
import { type DatasetDescriptor, descriptorSplit, type LoadDatasetOptions, loadDataset, parseDescriptor } from '../data/descriptor.js';
import { encodeTable, fitTableEncoder } from '../data/encoding.js';
import { type AlignedRatings, alignRatings, holdout, parseSplitSpec, splitRatings } from '../data/split.js';
import type { BundleManifest } from '../store/model-bundle.js';
import type { RecommenderData } from './model-types.js';
import { checkConfigInput } from './rsattae-config.js';

/** Options of {@link prepareData}. */
export interface PrepareOptions {
  /**
   * How to get a test set when the dataset has none: `random:F` (default `random:0.1`), `temporal:F` or `user:F`
   * (see splitRatings). When the dataset brings its own test set it is only recorded, as that set's name (e.g.
   * `u1`; default `test-file`).
   */
  readonly split?: string;
  /** Share of the training part held out for validation: the configuration's `valFraction` (range and default). */
  readonly valFraction?: number;
  /** Seed of the split and the validation hold-out: the configuration's `seed` (range and default). */
  readonly seed?: number;
}

/** Test ratings whose user or item has no training rating: scored through the cold-start path. */
export interface ColdTest {
  /** Test ratings of a user without training ratings. */
  readonly users: number;
  /** Test ratings of an item without training ratings. */
  readonly items: number;
  /** Test ratings with either. */
  readonly ratings: number;
}

/** A dataset ready for {@link RSAttAE.fit}, plus its test set. */
export interface PreparedData {
  readonly data: RecommenderData;
  readonly test: Ratings;
  /** The split used: the dataset's own (e.g. `u1`) or the spec (e.g. `random:0.1`). */
  readonly split: string;
  readonly coldTest: ColdTest;
  /** The dataset it was prepared from (its raw feature tables encode entities added later, e.g. by an update). */
  readonly dataset: RatingsDataset;
}

/** Bit of {@link coldFlags}: the test rating's user has no rating in `known`. */
export const COLD_USER = 1;
/** Bit of {@link coldFlags}: the test rating's item has no rating in `known`. */
export const COLD_ITEM = 2;

/**
 * Per test rating, whether its user ({@link COLD_USER}) and its item ({@link COLD_ITEM}) never occur in `known`
 * (e.g. train + validation); 0 marks a warm pair. Lets a caller score the warm and the cold-start pairs apart.
 */
export function coldFlags(known: readonly Ratings[], test: Ratings, nUsers: number, nItems: number): Uint8Array {
  const hasUser = new Uint8Array(nUsers);
  const hasItem = new Uint8Array(nItems);
  for (const r of known) {
    for (let k = 0; k < r.user.length; k++) {
      hasUser[r.user[k]] = 1;
      hasItem[r.item[k]] = 1;
    }
  }
  const flags = new Uint8Array(test.user.length);
  for (let k = 0; k < test.user.length; k++) {
    flags[k] = (hasUser[test.user[k]] === 0 ? COLD_USER : 0) | (hasItem[test.item[k]] === 0 ? COLD_ITEM : 0);
  }
  return flags;
}

/** Counts test ratings whose user or item never occurs in `known`. */
export function coldCounts(known: readonly Ratings[], test: Ratings, nUsers: number, nItems: number): ColdTest {
  let users = 0;
  let items = 0;
  let either = 0;
  for (const f of coldFlags(known, test, nUsers, nItems)) {
    if (f & COLD_USER) users++;
    if (f & COLD_ITEM) items++;
    if (f !== 0) either++;
  }
  return { users, items, ratings: either };
}

/**
 * Splits and encodes a dataset. Users and items keep their dataset indices, so an entity whose ratings all went to
 * test (a `user:F` split, or an id only in `--test`) stays in the model with an empty rating row: its encoder input is
 * empty and attention over its feature group supplies what is known about it (the cold-start path; counted in
 * {@link PreparedData.coldTest}).
 *
 * @throws InputError for a bad split spec or fraction, or a split that leaves a part empty
 */
export function prepareData(ds: RatingsDataset, opts: PrepareOptions = {}): PreparedData {
  // the configuration's fields, so data prepared here is what a model of that configuration trains on
  const { seed, valFraction } = checkConfigInput({ seed: opts.seed, valFraction: opts.valFraction });
  let base: Ratings;
  let test: Ratings;
  let split: string;
  if (ds.test !== undefined) {
    base = ds.ratings;
    test = ds.test;
    split = opts.split ?? 'test-file';
  } else {
    split = opts.split ?? 'random:0.1';
    // a distinct stream from the validation hold-out's, which shuffles the training part with `seed`
    ({ train: base, test } = splitRatings(ds.ratings, parseSplitSpec(split), deriveSeed(seed, 'testSplit'), ds.hasTimestamps));
  }
  const { train, validation } = holdout(base, valFraction, deriveSeed(seed, 'holdout'));
  if (train.rating.length === 0 || validation.rating.length === 0) {
    throw new InputError(`${base.rating.length} training ratings are too few to hold out ${valFraction} for validation`);
  }
  const userEncoder = ds.userFeatures ? fitTableEncoder(ds.userFeatures) : undefined;
  const itemEncoder = ds.itemFeatures ? fitTableEncoder(ds.itemFeatures) : undefined;
  return {
    split,
    test,
    dataset: ds,
    coldTest: coldCounts([train, validation], test, ds.users.size, ds.items.size),
    data: {
      nUsers: ds.users.size,
      nItems: ds.items.size,
      users: ds.users,
      items: ds.items,
      train,
      validation,
      userFeatures: encodeTable(ds.userFeatures, userEncoder, ds.users),
      itemFeatures: encodeTable(ds.itemFeatures, itemEncoder, ds.items),
      itemTitles: ds.itemTitles,
      userEncoder,
      itemEncoder,
      scale: ds.scale,
      source: { dataset: ds.name, split, files: ds.files },
    },
  };
}

/** Options of {@link loadData}. */
export interface LoadDataOptions extends LoadDatasetOptions {
  /** Overrides the descriptor's split. */
  readonly split?: string;
  /** Overrides the descriptor's validation share (default: the configuration's). */
  readonly valFraction?: number;
  /** Overrides the descriptor's seed (default: the configuration's). */
  readonly seed?: number;
}

/**
 * Reads the dataset a descriptor names (see loadDataset) and prepares it for {@link RSAttAE.fit}; the descriptor is
 * recorded in the data's source, so a saved model can rebuild the same test set.
 */
export async function loadData(d: DatasetDescriptor, opts: LoadDataOptions): Promise<PreparedData> {
  const split = descriptorSplit(d, opts.split);
  // 'test-file' names what happened, it is not a split to ask for
  const desc: DatasetDescriptor = d.test !== undefined ? d : { ...d, split };
  const ds = await loadDataset(desc, opts);
  const prepared = prepareData(ds, { split, valFraction: opts.valFraction ?? d.valFraction, seed: opts.seed ?? d.seed });
  return { ...prepared, data: { ...prepared.data, source: { ...prepared.data.source!, descriptor: desc } } };
}

/**
 * The dataset descriptor a model bundle's manifest records, validated; undefined when it records none (a model
 * fitted through the library on data built in code).
 * @throws InputError when the recorded descriptor is invalid
 */
export function recordedDescriptor(manifest: Pick<BundleManifest, 'data'>, where: string): DatasetDescriptor | undefined {
  const recorded = manifest.data?.descriptor;
  return recorded === undefined ? undefined : parseDescriptor(recorded, `recorded in ${where}`);
}

/** How a model's data was prepared, as its manifest records it (an RSAttAE bundle: its config). */
export interface PreparedWith {
  readonly valFraction: number;
  readonly seed: number;
}

/**
 * A saved model's data read and prepared again as it was trained (`trained`: the seed and validation share it was
 * prepared with; `split` picks another split), with `align` re-indexing any part of it to the model's ids (see
 * alignRatings).
 */
export async function reloadTrainedData(
  descriptor: DatasetDescriptor,
  trained: PreparedWith,
  model: { readonly users: IdMap; readonly items: IdMap },
  opts: LoadDatasetOptions & { readonly split?: string },
): Promise<{ prepared: PreparedData; align: (r: Ratings) => AlignedRatings }> {
  const prepared = await loadData(descriptor, { ...opts, valFraction: trained.valFraction, seed: trained.seed });
  const from = { users: prepared.data.users!, items: prepared.data.items! };
  return { prepared, align: (r) => alignRatings(r, from, model) };
}
