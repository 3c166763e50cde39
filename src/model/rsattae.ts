/**
 * The RSAttAE recommender end to end: two autoencoders (users = rows of R, movies = rows of Rᵀ) learn embeddings,
 * XGBoost predicts a rating from x = [E_u, F_u, E_m, F_m].
 */

import { errorMetrics } from '../core/error-metrics.js';
import { InputError, UNKNOWN_ID } from '../core/errors.js';
import { deriveSeed } from '../core/seeds.js';
import type { CsrMatrix, Float32Matrix, Ratings } from '../core/types.js';
import { ratingsToCsr } from '../data/csr.js';
import { IdMap, type RatingScale } from '../data/dataset.js';
import { concatRatings } from '../data/split.js';
import { XGBRegressor } from '../gbdt/index.js';
import { type AttentionPopulation, attentionPopulation } from '../nn/attend.js';
import type { AutoencoderConfig, TrainedAutoencoder } from '../nn/index.js';
import { type LoadOptions, loadBundleParts, type SaveOptions, saveBundle } from '../store/model-bundle.js';
import { type BoosterEmbeddings, boosterEmbeddingBlock, trainedRowBlocks } from './booster-embeddings.js';
import { boosterRows, clipTo, type PairEmbeddings, pairRowSource, type RowBlocks } from './booster-rows.js';
import { coldBoosterPredictions } from './cold-simulation.js';
import { type FoldIn, type FoldInInput, type FoldInOptions, type FoldInSide, foldIn } from './foldin.js';
import type { AutoencoderSummary, FitChoices, FitProgress, FitReport, ModelParts, RecommenderData } from './model-types.js';
import { kFoldEmbeddings, leaveOneOutEmbeddings } from './out-of-sample.js';
import { defaultsProfile, isResolvedConfig, type RSAttAEConfig, type RSAttAEConfigInput, resolveConfig } from './rsattae-config.js';
import { applyBlend, applyBlendFoldIn, applyColdRule, biasMean, fitBlendCandidates, fitStack, foldInBias, scaleOf } from './stack.js';
import { trainSides } from './train-sides.js';

/** Options of {@link RSAttAE.fit}. */
export interface RSAttAEFitOptions {
  /** Training pairs from which XGBoost is fed in batches; default `BATCHED_ROWS_FROM` (booster-rows.ts). */
  readonly batchedRowsFrom?: number;
  readonly onProgress?: (p: FitProgress) => void;
  /** Called when a stage starts. With `autoencoder.parallel`, the users and movies stages start together. */
  readonly onStage?: (stage: 'users' | 'movies' | 'xgboost') => void;
}

/** One recommended item. */
export interface Recommendation {
  /** The item's external id, as in the data files. */
  readonly item: string;
  readonly title?: string;
  readonly score: number;
}

/** @internal What one trained autoencoder came to, for a report (also used by incremental-update.ts). */
export function summary(ae: TrainedAutoencoder, cfg: RSAttAEConfig, seconds: number): AutoencoderSummary {
  return {
    model: cfg.autoencoder.model,
    dim: cfg.autoencoder.dim,
    epochs: ae.epochsRun,
    bestEpoch: ae.bestEpoch,
    bestValidationRmse: ae.bestValidationRmse,
    msPerEpoch: ae.msPerEpoch,
    alpha: cfg.autoencoder.model === 'attention' ? ae.alpha : null,
    groups: ae.groups,
    patience: cfg.autoencoder.patience || null, // unset and 0 both mean never
    seconds,
  };
}

function checkData(d: RecommenderData): void {
  if (d.userFeatures.rows !== d.nUsers) {
    throw new InputError(`user features have ${d.userFeatures.rows} rows for ${d.nUsers} users`);
  }
  if (d.itemFeatures.rows !== d.nItems) {
    throw new InputError(`item features have ${d.itemFeatures.rows} rows for ${d.nItems} items`);
  }
  if (d.train.rating.length === 0) throw new InputError('no training ratings');
  if (d.validation.rating.length === 0) throw new InputError('no validation ratings (valFraction too small?)');
  if (d.itemTitles && d.itemTitles.length !== d.nItems) {
    throw new InputError(`${d.itemTitles.length} item titles for ${d.nItems} items`);
  }
  if (d.users && d.users.size !== d.nUsers) throw new InputError(`${d.users.size} user ids for ${d.nUsers} users`);
  if (d.items && d.items.size !== d.nItems) throw new InputError(`${d.items.size} item ids for ${d.nItems} items`);
}

/** Ids "1"…"n", the default when data brings no id map. */
export function sequentialIds(n: number): IdMap {
  return IdMap.fromIds(Array.from({ length: n }, (_, k) => String(k + 1)));
}

/** How ids are shown in messages when there are many. */
function someIds(m: IdMap): string {
  const n = m.size;
  if (n <= 6) return m.ids().join(', ');
  return `${[0, 1, 2].map((k) => m.id(k)).join(', ')}, …, ${m.id(n - 1)} (${n} in all)`;
}

/** The index of an external id (a number is taken as its decimal string). @throws InputError naming some known ids */
function indexOf(m: IdMap, id: string | number, what: 'user' | 'item'): number {
  const k = m.index(String(id));
  if (k === undefined) {
    const message = `unknown ${what} id ${JSON.stringify(String(id))}`;
    throw new InputError(`${message}; the model knows ${someIds(m)}`, { issues: [{ code: UNKNOWN_ID, path: [what], message }] });
  }
  return k;
}

/** @internal Both trained autoencoders with their wall times in seconds, as trainSides returns them. */
export interface TrainedSides {
  readonly users: readonly [TrainedAutoencoder, number];
  readonly movies: readonly [TrainedAutoencoder, number];
}

/**
 * @internal `blocks` with the embeddings of the encoders on the train ratings alone (validation ratings left out), as
 * the booster reads them by `mode`: fit's held-out validation rows, also rebuilt by bench/accuracy for its blends.
 */
export function heldOutBlocks(blocks: RowBlocks, data: RecommenderData, users: TrainedAutoencoder, movies: TrainedAutoencoder, mode: BoosterEmbeddings): RowBlocks {
  return heldOutSides(blocks, data, users, movies, mode).blocks;
}

/** {@link heldOutBlocks} with the encoder outputs E of each side it was built from. */
function heldOutSides(
  blocks: RowBlocks,
  data: RecommenderData,
  users: TrainedAutoencoder,
  movies: TrainedAutoencoder,
  mode: BoosterEmbeddings,
): { blocks: RowBlocks; eUsers: Float32Matrix; eItems: Float32Matrix } {
  const eUsers = users.embed(ratingsToCsr(data.train, data.nUsers, data.nItems, 'user'));
  const eItems = movies.embed(ratingsToCsr(data.train, data.nItems, data.nUsers, 'item'));
  return {
    blocks: {
      ...blocks,
      userEmbeddings: boosterEmbeddingBlock(users, eUsers, data.userFeatures, mode),
      itemEmbeddings: boosterEmbeddingBlock(movies, eItems, data.itemFeatures, mode),
    },
    eUsers,
    eItems,
  };
}

/** The first `n` rows of per-pair embeddings. */
function sliceRows(p: PairEmbeddings, n: number): PairEmbeddings {
  const cut = (m: Float32Matrix): Float32Matrix => ({ rows: n, cols: m.cols, data: m.data.subarray(0, n * m.cols) });
  return { userEmbeddings: cut(p.userEmbeddings), itemEmbeddings: cut(p.itemEmbeddings) };
}

/** The autoencoder settings of a resolved configuration, as {@link trainSides} takes them. */
export function autoencoderSettings(cfg: RSAttAEConfig): Partial<AutoencoderConfig> {
  const ae = cfg.autoencoder;
  return {
    model: ae.model,
    dim: ae.dim,
    epochs: ae.epochs,
    patience: ae.patience,
    dropout: ae.dropout,
    learningRate: ae.learningRate,
    weightDecay: ae.weightDecay,
    restore: ae.restore,
    backend: ae.backend,
  };
}

/** Options of {@link fitRowBooster}. */
export interface RowBoosterOptions extends Pick<RSAttAEFitOptions, 'batchedRowsFrom' | 'onProgress'> {
  /** Embeddings per training pair instead of per entity (out-of-sample embeddings). */
  readonly perPair?: PairEmbeddings;
  /** The validation rows' blocks, when they differ from the training rows' (held-out embeddings). */
  readonly validationBlocks?: RowBlocks;
  /** Boost on from this booster's trees instead of from scratch (an update's continued booster). */
  readonly initModel?: XGBRegressor;
}

/**
 * @internal XGBoost (with `cfg.xgboost` and the seed's xgboost stream) on the rows of `blocks` for the training pairs,
 * its validation predictions and metrics on the validation pairs (rows from `validationBlocks` when given, e.g.
 * held-out embeddings), clipped to the data's scale: fit's second stage, also the booster stage of an update, and
 * used by the experiments to put several boosters on one pair of trained modules (or on the features alone, with
 * zero-width embedding blocks).
 */
export async function fitRowBooster(
  data: RecommenderData,
  blocks: RowBlocks,
  cfg: RSAttAEConfig,
  opts: RowBoosterOptions = {},
): Promise<{ xgb: XGBRegressor; validationPredictions: Float32Array; validation: { rmse: number; mae: number }; seconds: number }> {
  const tx = performance.now();
  const rowsOf = boosterRows(blocks, cfg.xgboost.treeMethod, data.train.rating.length, opts.batchedRowsFrom);
  const xFit = rowsOf(data.train, opts.perPair);
  const xVal = opts.validationBlocks ? boosterRows(opts.validationBlocks, cfg.xgboost.treeMethod, data.train.rating.length, opts.batchedRowsFrom)(data.validation) : rowsOf(data.validation);
  const { earlyStoppingRounds, ...params } = cfg.xgboost;
  const xgb = new XGBRegressor({ ...params, seed: deriveSeed(cfg.seed, 'xgboost') });
  try {
    await xgb.fitAsync(xFit, data.train.rating, {
      evalSet: [xVal, data.validation.rating],
      earlyStoppingRounds,
      initModel: opts.initModel,
      onIteration: (it) => opts.onProgress?.({ stage: 'xgboost', ...it }),
    });
  } catch (err) {
    xgb.dispose();
    throw err;
  }
  // every prediction is clipped to the rating scale, the booster's too
  const validationPredictions = clipTo(xgb.predict(xVal), scaleOf(data));
  const validation = errorMetrics(validationPredictions, data.validation.rating);
  return { xgb, validationPredictions, validation, seconds: (performance.now() - tx) / 1000 };
}

/**
 * A trained RSAttAE recommender. The public methods take external ids as written in the data (strings; a number is
 * taken as its decimal string, so MovieLens ids work as numbers too).
 */
export class RSAttAE {
  /** The resolved configuration it was trained with. */
  readonly config: RSAttAEConfig;
  readonly nUsers: number;
  readonly nItems: number;
  /** Metrics and timings of training (absent for a model loaded from an older bundle). */
  readonly report?: FitReport;
  /** @internal parts shared with the bundle code */
  readonly parts: ModelParts;
  /** Attention populations for fold-in, built on first use. */
  private readonly populations = new Map<'user' | 'item', AttentionPopulation>();

  /** Use {@link RSAttAE.fit} or {@link RSAttAE.load}; this wraps already trained parts. */
  constructor(parts: ModelParts) {
    this.parts = parts;
    this.config = parts.config;
    this.nUsers = parts.nUsers;
    this.nItems = parts.nItems;
    this.report = parts.report;
  }

  /** The users' external ids and their 0-based indices. */
  get users(): IdMap {
    return this.parts.users;
  }

  /** The items' external ids and their 0-based indices. */
  get items(): IdMap {
    return this.parts.items;
  }

  /** Each item's title by index, when the data had titles. */
  get itemTitles(): readonly string[] | undefined {
    return this.parts.itemTitles;
  }

  /** The rating scale predictions are clipped to, when the data declared one. */
  get scale(): RatingScale | undefined {
    return this.parts.scale;
  }

  /** The items each user rated in train + validation (rows = users, column indices ascending): what recommend leaves out. */
  get seen(): CsrMatrix {
    return this.parts.seen;
  }

  /**
   * Trains both autoencoders, then XGBoost on [E_u, F_u, E_m, F_m] of the training pairs (E or Ê or both, by
   * `boosterEmbeddings`). `config` is resolved here with the training set's size ({@link resolveConfig}), unless it
   * is a configuration resolveConfig returned, which is used as it is (so a caller that resolved it, e.g. to show
   * its defaults before training, trains with that very configuration).
   * @throws InputError for an invalid configuration or inconsistent data
   */
  static async fit(data: RecommenderData, config: RSAttAEConfigInput | RSAttAEConfig = {}, opts: RSAttAEFitOptions = {}): Promise<RSAttAE> {
    const cfg = isResolvedConfig(config) ? config : resolveConfig(config, { trainingRatings: data.train.rating.length });
    checkData(data);
    const t0 = performance.now();
    const sides = await trainSides(data, autoencoderSettings(cfg), { parallel: cfg.autoencoder.parallel, seed: cfg.seed, onStage: opts.onStage, onProgress: opts.onProgress });
    return RSAttAE.fitBooster(data, cfg, sides, opts, t0);
  }

  /**
   * @internal The booster stage of {@link RSAttAE.fit} on already trained autoencoders (with their wall times): what
   * fit runs after training them, and what bench/accuracy calls to try booster and blend variants on one pair of
   * autoencoders. `cfg` must be the resolved configuration they were trained with (seed, valFraction, autoencoder).
   */
  static async fitBooster(data: RecommenderData, cfg: RSAttAEConfig, sides: TrainedSides, opts: RSAttAEFitOptions = {}, t0 = performance.now()): Promise<RSAttAE> {
    checkData(data);
    const {
      users: [users, usersSeconds],
      movies: [movies, moviesSeconds],
    } = sides;
    opts.onStage?.('xgboost');
    const tx = performance.now();
    const blocks = trainedRowBlocks(users, movies, data.userFeatures, data.itemFeatures, cfg.boosterEmbeddings);
    let perPair: PairEmbeddings | undefined;
    if (cfg.embeddings !== 'in-sample') {
      // pairs are train + validation: both sit in the encoders' input, unlike test pairs
      const all = concatRatings(data.train, data.validation);
      const nTrain = data.train.rating.length;
      perPair =
        cfg.embeddings === 'leave-one-out'
          ? leaveOneOutEmbeddings(
              data.train.user,
              data.train.item,
              ratingsToCsr(all, data.nUsers, data.nItems, 'user'),
              ratingsToCsr(all, data.nItems, data.nUsers, 'item'),
              users,
              movies,
            )
          : sliceRows(kFoldEmbeddings(all, data.nUsers, data.nItems, users, movies, cfg.folds, deriveSeed(cfg.seed, 'outOfFold')), nTrain);
    }
    // held-out validation rows: embeddings of the train ratings alone, so no validation rating is in its own input
    const heldOut = cfg.validationRows === 'held-out' || cfg.blend.length > 0 ? heldOutSides(blocks, data, users, movies, cfg.boosterEmbeddings) : undefined;
    const { xgb, validationPredictions: boosterVal } = await fitRowBooster(data, blocks, cfg, {
      ...opts,
      perPair,
      ...(heldOut ? { validationBlocks: heldOut.blocks } : {}),
    });
    const scale = scaleOf(data);
    let stack: ReturnType<typeof fitStack> | undefined;
    if (cfg.blend.length > 0 && heldOut) {
      const candidates = fitBlendCandidates(data, cfg.blend, cfg.seed, cfg.bfm);
      const sidesE = { users, items: movies, eUsers: heldOut.eUsers, eItems: heldOut.eItems };
      const cold = coldBoosterPredictions(xgb, heldOut.blocks, sidesE, cfg.boosterEmbeddings, data.validation, cfg.seed);
      stack = fitStack(data, ['booster', ...cfg.blend], boosterVal, candidates, cold, cfg.seed);
    }
    const xgbSeconds = (performance.now() - tx) / 1000;
    const validation = stack ? { rmse: stack.report.rmse, mae: stack.report.mae } : errorMetrics(boosterVal, data.validation.rating);
    const choices: FitChoices = {
      validationRows: heldOut ? 'held-out' : 'in-sample',
      trees: {
        used: xgb.bestIteration === undefined ? xgb.nBoostedRounds : xgb.bestIteration + 1,
        max: cfg.xgboost.nEstimators,
        earlyStoppingRounds: cfg.xgboost.earlyStoppingRounds ?? null,
      },
      ...(stack ? { stack: stack.report } : {}),
    };

    const report: FitReport = {
      defaults: defaultsProfile(data.train.rating.length),
      validation,
      choices,
      autoencoders: { users: summary(users, cfg, usersSeconds), movies: summary(movies, cfg, moviesSeconds) },
      seconds: { users: usersSeconds, movies: moviesSeconds, xgboost: xgbSeconds, total: (performance.now() - t0) / 1000 },
      curves: { users: users.history, movies: movies.history },
    };
    return new RSAttAE({
      config: cfg,
      nUsers: data.nUsers,
      nItems: data.nItems,
      users: data.users ?? sequentialIds(data.nUsers),
      items: data.items ?? sequentialIds(data.nItems),
      blocks,
      seen: ratingsToCsr(concatRatings(data.train, data.validation), data.nUsers, data.nItems, 'user'),
      xgb,
      blend: stack?.blend,
      userAutoencoder: users,
      itemAutoencoder: movies,
      itemTitles: data.itemTitles,
      userEncoder: data.userEncoder,
      itemEncoder: data.itemEncoder,
      scale: data.scale ?? scale,
      source: data.source,
      report,
    });
  }

  /** The index of an external user id. @throws InputError for an unknown id, showing some known ones */
  userIndex(user: string | number): number {
    return indexOf(this.parts.users, user, 'user');
  }

  /** The index of an external item id. @throws InputError for an unknown id, showing some known ones */
  itemIndex(item: string | number): number {
    return indexOf(this.parts.items, item, 'item');
  }

  /** @internal One side as fold-in sees it. */
  foldInSide(kind: 'user' | 'item'): FoldInSide {
    const p = this.parts;
    const user = kind === 'user';
    const autoencoder = user ? p.userAutoencoder : p.itemAutoencoder;
    return {
      kind,
      autoencoder,
      encoder: user ? p.userEncoder : p.itemEncoder,
      features: user ? p.blocks.userFeatures : p.blocks.itemFeatures,
      others: user ? p.items : p.users,
      scale: p.scale,
      boosterEmbeddings: p.config.boosterEmbeddings,
      population: () => {
        const cached = this.populations.get(kind);
        if (cached) return cached;
        // the attention reads E, which the booster's block is only with boosterEmbeddings "encoder"
        const pop = attentionPopulation(
          autoencoder!,
          p.config.boosterEmbeddings === 'encoder' ? (user ? p.blocks.userEmbeddings : p.blocks.itemEmbeddings) : autoencoder!.embeddings,
          user ? p.blocks.userFeatures : p.blocks.itemFeatures,
        );
        this.populations.set(kind, pop);
        return pop;
      },
    };
  }

  /**
   * A new user, represented without retraining: `ratings` (of known items) go through the users' encoder, and with
   * method `attention` (the default for an attention model) the result is mixed with what the trained attention
   * reads for the user's `features` — a mean of training users' embeddings weighted by feature similarity — as the
   * module itself mixes them: α·attention + (1−α)·encoder, with its learned α (chosen over shrinkage blends by the
   * cold-start study in BENCHMARKS.md). Features are encoded with the model's stored encoder: a column left out
   * encodes as an empty field (numeric: the fill value; category: all zeros), a value the encoder has never seen goes
   * to its `other` column, or is an error when it has none. Without features the feature row is all zeros (the "no
   * features" row) and the attention reads the mean of all training users; without ratings the attention's read-out
   * is used alone (method `encoder`: the encoder of an empty row).
   * A loaded model needs its autoencoder weights: `RSAttAE.load(dir, { autoencoders: true })`.
   * @throws InputError for an unknown feature column (naming the valid ones) or level, an unknown or repeated item
   *   id, a rating outside the model's scale, or method `attention` on a vanilla model
   */
  foldInUser(input: FoldInInput, opts: FoldInOptions = {}): FoldIn {
    return foldIn(this.foldInSide('user'), input, opts.method);
  }

  /** A new item, like {@link RSAttAE.foldInUser} with the sides swapped: `ratings` are by known users. */
  foldInItem(input: FoldInInput, opts: FoldInOptions = {}): FoldIn {
    return foldIn(this.foldInSide('item'), input, opts.method);
  }

  /** A known entity's index, or a fold-in's rows checked against this model. */
  private resolve(x: string | number | FoldIn, kind: 'user' | 'item'): number | FoldIn {
    if (typeof x === 'string' || typeof x === 'number') return kind === 'user' ? this.userIndex(x) : this.itemIndex(x);
    if (x === null || typeof x !== 'object' || x.kind !== kind) {
      const got = x !== null && typeof x === 'object' ? `a fold-in of kind ${JSON.stringify(x.kind)}` : JSON.stringify(x);
      const a = kind === 'user' ? 'a user' : 'an item';
      throw new InputError(`expected ${a} id or ${a} fold-in, got ${got}`, { issues: [{ code: 'wrong_kind', path: [kind], message: `expected ${a}` }] });
    }
    const b = this.parts.blocks;
    const [emb, feat, others] = kind === 'user' ? [b.userEmbeddings, b.userFeatures, this.nItems] : [b.itemEmbeddings, b.itemFeatures, this.nUsers];
    if (
      x.embedding.length !== emb.cols ||
      x.features.length !== feat.cols ||
      x.rated.some((j) => j < 0 || j >= others) ||
      (x.ratings !== undefined && x.ratings.length !== x.rated.length)
    ) {
      throw new InputError(`this ${kind} fold-in does not fit the model (embedding ${x.embedding.length}, features ${x.features.length}; the model has ${emb.cols} and ${feat.cols})`);
    }
    return x;
  }

  /** Row blocks with a fold-in as entity 0 of its side; its index is 0. */
  private blocksWith(user: number | FoldIn, item: number | FoldIn): { blocks: RowBlocks; u: number; i: number } {
    const b = this.parts.blocks;
    const one = (v: Float32Array): Float32Matrix => ({ rows: 1, cols: v.length, data: v });
    const blocks: RowBlocks = {
      userEmbeddings: typeof user === 'number' ? b.userEmbeddings : one(user.embedding),
      userFeatures: typeof user === 'number' ? b.userFeatures : one(user.features),
      itemEmbeddings: typeof item === 'number' ? b.itemEmbeddings : one(item.embedding),
      itemFeatures: typeof item === 'number' ? b.itemFeatures : one(item.features),
    };
    return { blocks, u: typeof user === 'number' ? user : 0, i: typeof item === 'number' ? item : 0 };
  }

  /**
   * Predicted rating of `item` by `user`: external ids, or fold-ins from {@link RSAttAE.foldInUser} /
   * {@link RSAttAE.foldInItem}. With `blend`, known pairs get the stack (a user or item without training ratings its
   * cold rule), and a pair with a fold-in the cold rule with the bias model placing the fold-in by its ratings.
   * Clipped to the rating scale. @throws InputError for an unknown id or a fold-in of the wrong kind
   */
  predict(user: string | number | FoldIn, item: string | number | FoldIn): number {
    const who = this.resolve(user, 'user');
    const what = this.resolve(item, 'item');
    const { blocks, u, i } = this.blocksWith(who, what);
    const booster = this.parts.xgb.predict(pairRowSource(Int32Array.of(u), Int32Array.of(i), blocks));
    if (typeof who === 'number' && typeof what === 'number') return this.stacked(booster, Int32Array.of(u), Int32Array.of(i))[0];
    return this.stackedFoldIn(booster, who, what)[0];
  }

  /** Final predictions of known pairs from the booster's: the stack when there is one; clipped to the scale. */
  private stacked(booster: Float32Array, users: Int32Array, items: Int32Array, timestamps?: Int32Array): Float32Array {
    return this.parts.blend ? applyBlend(this.parts.blend, booster, users, items, timestamps) : clipTo(booster, this.parts.scale);
  }

  /**
   * Final predictions of pairs with a fold-in (`who` or `what`; the other side a known index, or `others` of them):
   * with a stack, its members place the fold-in by its ratings and the stack combines them
   * ({@link applyBlendFoldIn}); a user and an item both folded in get the cold rule of that case.
   */
  private stackedFoldIn(booster: Float32Array, who: number | FoldIn, what: number | FoldIn | Int32Array): Float32Array {
    const blend = this.parts.blend;
    if (!blend) return clipTo(booster, this.parts.scale);
    const profile = (f: FoldIn) => ({ others: f.rated, ratings: f.ratings ?? new Float32Array(0) });
    if (typeof who !== 'number') {
      if (typeof what === 'number' || what instanceof Int32Array) {
        return applyBlendFoldIn(blend, 'user', profile(who), booster, typeof what === 'number' ? Int32Array.of(what) : what);
      }
      const mu = biasMean(blend);
      const bias = foldInBias(blend, 'user', who.rated, who.ratings, -1) + foldInBias(blend, 'item', what.rated, what.ratings, -1) - mu;
      return Float32Array.of(applyColdRule(blend, 'both', booster[0], bias));
    }
    if (typeof what === 'number' || what instanceof Int32Array) throw new InputError('stackedFoldIn needs a fold-in');
    return applyBlendFoldIn(blend, 'item', profile(what), booster, Int32Array.of(who));
  }

  /**
   * Predicted ratings of many pairs given as 0-based indices (the batch path behind predict and evaluate). Rows are
   * assembled and predicted in batches, so memory stays bounded for any number of pairs; each row's prediction is
   * independent of its batch, so results equal a one-matrix prediction. `timestamps` (seconds since the epoch, one per
   * pair) place each pair on its day for the stack's members that use the time; without them such a member scores a
   * pair on a typical training day.
   */
  predictIndices(users: Int32Array, items: Int32Array, timestamps?: Int32Array): Float32Array {
    if (users.length !== items.length) throw new InputError(`${users.length} users for ${items.length} items`);
    if (timestamps && timestamps.length !== users.length) throw new InputError(`${timestamps.length} timestamps for ${users.length} pairs`);
    if (users.length === 0) return new Float32Array(0);
    return this.stacked(this.parts.xgb.predict(pairRowSource(users, items, this.parts.blocks)), users, items, timestamps);
  }

  /**
   * The `k` items with the highest predicted rating among those `user` has not rated (in train + validation; for a
   * fold-in, its `rated`). @throws InputError for an unknown user, a fold-in of the wrong kind or a k that is not a
   * positive integer
   */
  recommend(user: string | number | FoldIn, k = 10): Recommendation[] {
    if (!Number.isInteger(k) || k < 1) throw new InputError(`k must be a positive integer, got ${k}`);
    const who = this.resolve(user, 'user');
    const seen = new Uint8Array(this.nItems);
    if (typeof who === 'number') {
      const { indptr, indices } = this.parts.seen;
      for (let p = indptr[who]; p < indptr[who + 1]; p++) seen[indices[p]] = 1;
    } else {
      for (const j of who.rated) seen[j] = 1;
    }
    const candidates: number[] = [];
    for (let i = 0; i < this.nItems; i++) if (!seen[i]) candidates.push(i);
    const items = Int32Array.from(candidates);
    const { blocks, u } = this.blocksWith(who, 0);
    const us = new Int32Array(items.length).fill(u);
    const booster = items.length === 0 ? new Float32Array(0) : this.parts.xgb.predict(pairRowSource(us, items, blocks));
    const scores = typeof who === 'number' ? this.stacked(booster, us, items) : this.stackedFoldIn(booster, who, items);
    const order = Array.from(items.keys()).sort((a, b) => scores[b] - scores[a] || items[a] - items[b]);
    return order.slice(0, k).map((j) => ({
      item: this.parts.items.id(items[j]),
      ...(this.parts.itemTitles ? { title: this.parts.itemTitles[items[j]] } : {}),
      score: scores[j],
    }));
  }

  /** RMSE and MAE on ratings given as 0-based indices (e.g. a split's test set), each pair on its day (see {@link RSAttAE.predictIndices}). */
  evaluate(ratings: Ratings): { rmse: number; mae: number; count: number } {
    for (let k = 0; k < ratings.user.length; k++) {
      if (ratings.user[k] < 0 || ratings.user[k] >= this.nUsers || ratings.item[k] < 0 || ratings.item[k] >= this.nItems) {
        throw new InputError(`rating ${k + 1} names user index ${ratings.user[k]} / item index ${ratings.item[k]}, outside the model's ${this.nUsers} users and ${this.nItems} items`);
      }
    }
    const m = errorMetrics(this.predictIndices(ratings.user, ratings.item, ratings.timestamp), ratings.rating);
    return { ...m, count: ratings.rating.length };
  }

  /**
   * Saves a model bundle to `dir` (see src/store/model-bundle.ts), atomically: an interrupted save leaves an older bundle intact.
   * `opts.metrics` adds e.g. test metrics to the manifest.
   */
  save(dir: string, opts: SaveOptions = {}): Promise<void> {
    return saveBundle(this.parts, dir, opts);
  }

  /**
   * Loads a bundle saved by {@link RSAttAE.save}, checking its format version and every file's checksum.
   * @throws InputError saying which file is missing, truncated or edited
   */
  static async load(dir: string, opts: LoadOptions = {}): Promise<RSAttAE> {
    return new RSAttAE(await loadBundleParts(dir, opts));
  }

  /** Frees native XGBoost and tfjs memory. The model is unusable afterwards. */
  dispose(): void {
    this.parts.xgb.dispose();
    this.parts.userAutoencoder?.dispose();
    this.parts.itemAutoencoder?.dispose();
  }
}
