/**
 * Incremental update of a trained RSAttAE: new ratings, of known or new users and items, join the ratings it was
 * trained on; both autoencoders are warm-started from its weights for a few epochs on all of them (new entities
 * widen the other side's input and output, see extendParams); the booster continues boosting from its trees, or is
 * trained again. The result is a new model; the old one is left as it was.
 */

import { InputError } from '../core/errors.js';
import { deriveSeed } from '../core/seeds.js';
import type { FeatureMatrix, Ratings } from '../core/types.js';
import { ratingsToCsr } from '../data/csr.js';
import { type FeatureTable, IdMap } from '../data/dataset.js';
import type { TableEncoder } from '../data/encoding.js';
import { encodeRecord } from '../data/encoding.js';
import { concatRatings, holdout, selectRatings } from '../data/split.js';
import { extendParams } from '../nn/index.js';
import { trainedRowBlocks } from './booster-embeddings.js';
import type { FitProgress, FitReport, UpdateRecord } from './model-types.js';
import { fitRowBooster, RSAttAE, summary } from './rsattae.js';
import type { RSAttAEConfig } from './rsattae-config.js';
import { refitBlend } from './stack.js';
import { trainSides } from './train-sides.js';

/**
 * Warm-start epochs of each autoencoder when not given: 50 with a retrained booster is the best setting measured on
 * ML-100K (BENCHMARKS.md, "Incremental update"); with a continued booster 10 epochs did better than 50 or 100.
 */
export const DEFAULT_UPDATE_EPOCHS = 50;

/** Extra boosting rounds of `booster: 'continue'` when not given. */
export const DEFAULT_UPDATE_ROUNDS = 200;

/** The ratings a model learnt from, in its indices: the train and validation parts of its fit (or of its last update). */
export interface TrainedRatings {
  readonly train: Ratings;
  readonly validation: Ratings;
}

/** New ratings for {@link updateModel}. */
export interface NewRatings {
  /** The ratings; `user` / `item` index `users` / `items` (e.g. the id maps readRatingsFile filled). */
  readonly ratings: Ratings;
  readonly users: IdMap;
  readonly items: IdMap;
  /**
   * Raw feature tables where new users / items are looked up and encoded with the model's encoders. A new entity
   * without a row (or with no table given) gets empty features (all zeros, as a dataset entity without a row).
   */
  readonly userFeatures?: FeatureTable;
  readonly itemFeatures?: FeatureTable;
  /** Recorded in the new model's `source.updates` (needed by a later update through the CLI). */
  readonly record?: UpdateRecord;
}

/** How the booster learns the new ratings. */
export type BoosterUpdate = 'continue' | 'retrain';

/** Options of {@link updateModel}. */
export interface UpdateOptions {
  /** Warm-start epochs of each autoencoder (the best validation epoch's weights are kept). Default {@link DEFAULT_UPDATE_EPOCHS}. */
  readonly epochs?: number;
  /**
   * `retrain` (default): a new booster of the model's configuration on all training ratings with the new embeddings;
   * `continue`: the saved trees are kept and `rounds` more are boosted on them (libxgboost's continued training),
   * faster but less accurate on ML-100K (0.916 vs 0.904 test RMSE; BENCHMARKS.md, "Incremental update").
   */
  readonly booster?: BoosterUpdate;
  /** Rounds added by `continue`. Default {@link DEFAULT_UPDATE_ROUNDS}. */
  readonly rounds?: number;
  /**
   * The pairs `continue` boosts on: `all` training pairs (default) or only the `new` ones. Every embedding moves
   * with the warm-started autoencoders, so the old trees' residuals change on the old pairs too (see BENCHMARKS.md).
   */
  readonly continueOn?: 'all' | 'new';
  readonly onStage?: (stage: 'users' | 'movies' | 'xgboost') => void;
  readonly onProgress?: (p: FitProgress) => void;
}

/** What an update did. */
export interface UpdateReport {
  /** Users and items the model did not know. */
  readonly newUsers: number;
  readonly newItems: number;
  /** Of those, how many had a row in the feature tables given (the others got empty features). */
  readonly featuresFound: { readonly users: number; readonly items: number };
  /** New ratings, how many of them replaced an earlier rating of the same pair, and the parts they went to. */
  readonly ratings: { readonly added: number; readonly replaced: number; readonly train: number; readonly validation: number };
  readonly booster: BoosterUpdate;
  /** Boosting rounds in the new booster. */
  readonly rounds: number;
}

/**
 * `previous` with `added` (in the same indices) joined: `added` is split into train and validation like the fit's
 * data (share `valFraction`, seeded), and an earlier rating of a pair that `added` rates again is dropped (the new
 * rating replaces it). Deterministic, so an update's ratings can be rebuilt from its recorded file.
 */
export function mergeRatings(
  previous: TrainedRatings,
  added: Ratings,
  valFraction: number,
  seed: number,
): TrainedRatings & { readonly replaced: number; readonly added: TrainedRatings } {
  let nItems = 0;
  for (const r of [previous.train, previous.validation, added]) for (let k = 0; k < r.item.length; k++) nItems = Math.max(nItems, r.item[k] + 1);
  const pairs = new Set<number>();
  for (let k = 0; k < added.user.length; k++) pairs.add(added.user[k] * nItems + added.item[k]);
  let replaced = 0;
  const keep = (r: Ratings): Ratings => {
    const rows: number[] = [];
    for (let k = 0; k < r.user.length; k++) {
      if (pairs.has(r.user[k] * nItems + r.item[k])) replaced++;
      else rows.push(k);
    }
    return rows.length === r.user.length ? r : selectRatings(r, rows);
  };
  const train = keep(previous.train);
  const validation = keep(previous.validation);
  // a stream distinct from the fit's hold-out
  const split = holdout(added, valFraction, deriveSeed(seed, 'updateHoldout'));
  return { train: concatRatings(train, split.train), validation: concatRatings(validation, split.validation), replaced, added: split };
}

/** `ids` extended by the ids of `more` it lacks, in their order. */
function extendIds(ids: IdMap, more: IdMap): IdMap {
  const out = IdMap.fromIds(ids.ids());
  for (const id of more.ids()) out.add(id);
  return out;
}

/** `m` with rows for the entities `ids.id(m.rows)…`: encoded from `table` when it has them, else all zeros. */
function extendFeatures(m: FeatureMatrix, ids: IdMap, encoder: TableEncoder | undefined, table: FeatureTable | undefined): { matrix: FeatureMatrix; found: number } {
  const n = ids.size;
  const cols = m.cols;
  const data = new Float32Array(n * cols);
  data.set(m.data);
  let found = 0;
  if (encoder && table && cols > 0) {
    const rowOf = new Map(table.ids.map((id, r) => [id, r]));
    const record: Record<string, string> = {};
    for (let k = m.rows; k < n; k++) {
      const r = rowOf.get(ids.id(k));
      if (r === undefined) continue;
      for (let c = 0; c < table.columns.length; c++) record[table.columns[c].name] = table.values[c][r];
      encodeRecord(record, encoder, data.subarray(k * cols, (k + 1) * cols), `id ${JSON.stringify(ids.id(k))} (${table.source})`);
      found++;
    }
  }
  return { matrix: { rows: n, cols, data, names: m.names }, found };
}

function checkIndices(r: Ratings, nUsers: number, nItems: number, what: string): void {
  for (let k = 0; k < r.user.length; k++) {
    if (r.user[k] < 0 || r.user[k] >= nUsers || r.item[k] < 0 || r.item[k] >= nItems) {
      throw new InputError(`${what}: rating ${k + 1} names user index ${r.user[k]} / item index ${r.item[k]}, outside ${nUsers} users and ${nItems} items`);
    }
  }
}

/**
 * Updates `model` with new ratings and returns a new model (the old one is left as it was; dispose both when done).
 * `previous` are the ratings the model learnt from, in its indices (the CLI rebuilds them from the bundle's recorded
 * dataset and updates). The new ratings' users and items that the model does not know are appended to its id maps.
 * Each autoencoder restarts from the model's weights (rows for new entities drawn by the training initialiser, seeded)
 * with fresh optimizer state, for `epochs` epochs on all train + validation ratings; then the booster is updated
 * (see {@link UpdateOptions.booster}). Same model, data, options → the same new model.
 *
 * @throws InputError when the model has no autoencoder weights (load it with `{ autoencoders: true }`), used
 *   out-of-sample embeddings, or the ratings do not fit it
 */
export async function updateModel(
  model: RSAttAE,
  previous: TrainedRatings,
  added: NewRatings,
  opts: UpdateOptions = {},
): Promise<{ model: RSAttAE; report: UpdateReport }> {
  const t0 = performance.now();
  const p = model.parts;
  const cfg = p.config;
  const oldUsers = p.userAutoencoder;
  const oldMovies = p.itemAutoencoder;
  if (!oldUsers || !oldMovies) throw new InputError('the model holds no autoencoder weights: load it with RSAttAE.load(dir, { autoencoders: true })');
  if (cfg.embeddings !== 'in-sample') {
    throw new InputError(`update supports models trained with in-sample embeddings (the default); this one used ${cfg.embeddings}: train it again instead`);
  }
  const epochs = opts.epochs ?? DEFAULT_UPDATE_EPOCHS;
  const rounds = opts.rounds ?? DEFAULT_UPDATE_ROUNDS;
  const booster = opts.booster ?? 'retrain';
  if (!Number.isInteger(epochs) || epochs < 1) throw new InputError(`epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(rounds) || rounds < 1) throw new InputError(`rounds must be a positive integer, got ${rounds}`);
  if (booster !== 'continue' && booster !== 'retrain') throw new InputError(`booster must be 'continue' or 'retrain', got ${String(booster)}`);
  if (added.ratings.rating.length === 0) throw new InputError('no new ratings');
  checkIndices(previous.train, model.nUsers, model.nItems, 'previous training ratings');
  checkIndices(previous.validation, model.nUsers, model.nItems, 'previous validation ratings');
  checkIndices(added.ratings, added.users.size, added.items.size, 'new ratings');

  const users = extendIds(p.users, added.users);
  const items = extendIds(p.items, added.items);
  const nUsers = users.size;
  const nItems = items.size;
  const uOf = Int32Array.from(added.users.ids(), (id) => users.index(id)!);
  const iOf = Int32Array.from(added.items.ids(), (id) => items.index(id)!);
  const fresh: Ratings = {
    user: added.ratings.user.map((u) => uOf[u]),
    item: added.ratings.item.map((i) => iOf[i]),
    rating: added.ratings.rating,
    timestamp: added.ratings.timestamp,
  };
  const merged = mergeRatings(previous, fresh, cfg.valFraction, cfg.seed);
  const uf = extendFeatures(p.blocks.userFeatures as FeatureMatrix, users, p.userEncoder, added.userFeatures);
  const itf = extendFeatures(p.blocks.itemFeatures as FeatureMatrix, items, p.itemEncoder, added.itemFeatures);
  const data = { nUsers, nItems, train: merged.train, validation: merged.validation, userFeatures: uf.matrix, itemFeatures: itf.matrix };

  // the same seeds per module as fit, so an update of the same model and data is reproducible
  const {
    users: [usersAe, usersSeconds],
    movies: [moviesAe, moviesSeconds],
  } = await trainSides(data, { ...oldUsers.config, epochs }, {
    parallel: cfg.autoencoder.parallel,
    seed: cfg.seed,
    initialParams: (side, seed) => {
      const old = side === 'users' ? oldUsers : oldMovies;
      return extendParams(old.toState().params, old.shape, { ...old.shape, m: side === 'users' ? nItems : nUsers }, seed);
    },
    onStage: opts.onStage,
    onProgress: opts.onProgress,
  });

  opts.onStage?.('xgboost');
  const tx = performance.now();
  const blocks = trainedRowBlocks(usersAe, moviesAe, uf.matrix, itf.matrix, cfg.boosterEmbeddings);
  const fitOn = booster === 'continue' && opts.continueOn === 'new' ? merged.added.train : merged.train;
  // fit's booster stage, boosting a fixed number of rounds: the configuration's trees when retrained, `rounds` more
  // on the saved trees when continued
  const boosterConfig: RSAttAEConfig = {
    ...cfg,
    xgboost: { ...cfg.xgboost, earlyStoppingRounds: undefined, ...(booster === 'continue' ? { nEstimators: rounds } : {}) },
  };
  const { xgb, validation } = await fitRowBooster({ ...data, train: fitOn, validation: merged.validation, scale: p.scale }, blocks, boosterConfig, {
    initModel: booster === 'continue' ? p.xgb : undefined,
    onProgress: opts.onProgress,
  });
  // the stack's members learn the new ratings and entities; its weights and cold rules stay those validation chose
  const blend = p.blend ? refitBlend(p.blend, { nUsers, nItems, train: concatRatings(merged.train, merged.validation), scale: p.scale, userFeatures: uf.matrix, itemFeatures: itf.matrix }, cfg.seed, cfg.bfm) : undefined;
  const xgbSeconds = (performance.now() - tx) / 1000;
  const report: FitReport = {
    defaults: 'inherited',
    validation,
    autoencoders: { users: summary(usersAe, cfg, usersSeconds), movies: summary(moviesAe, cfg, moviesSeconds) },
    seconds: { users: usersSeconds, movies: moviesSeconds, xgboost: xgbSeconds, total: (performance.now() - t0) / 1000 },
    curves: { users: usersAe.history, movies: moviesAe.history },
  };
  const titles = p.itemTitles;
  const updated = new RSAttAE({
    ...p,
    nUsers,
    nItems,
    users,
    items,
    blocks,
    seen: ratingsToCsr(concatRatings(merged.train, merged.validation), nUsers, nItems, 'user'),
    xgb,
    blend,
    userAutoencoder: usersAe,
    itemAutoencoder: moviesAe,
    // a new item's title is not known here: its id stands in
    itemTitles: titles ? [...titles, ...items.ids().slice(titles.length)] : undefined,
    source: p.source && added.record ? { ...p.source, updates: [...(p.source.updates ?? []), added.record] } : p.source,
    report,
  });
  return {
    model: updated,
    report: {
      newUsers: nUsers - model.nUsers,
      newItems: nItems - model.nItems,
      featuresFound: { users: uf.found, items: itf.found },
      ratings: {
        added: fresh.rating.length,
        replaced: merged.replaced,
        train: merged.added.train.rating.length,
        validation: merged.added.validation.rating.length,
      },
      booster,
      rounds: xgb.nBoostedRounds,
    },
  };
}
