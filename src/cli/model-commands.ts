/**
 * `rsattae train | evaluate | predict | recommend`: the end-to-end recommender from the command line. A thin layer
 * over {@link RSAttAE}: parse options, report progress on stderr, print a report (one JSON object with --json).
 */
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { BASELINE_ALGORITHMS, type BaselineAlgorithm, fitBaseline } from '../baselines/index.js';
import { InputError } from '../core/errors.js';
import { deriveSeed } from '../core/seeds.js';
import type { Ratings } from '../core/types.js';
import type { RatingScale } from '../data/dataset.js';
import { IdMap } from '../data/dataset.js';
import { readRatingsFile } from '../data/delimited.js';
import { type DatasetDescriptor, ratingsReading } from '../data/descriptor.js';
import { resolveDataDir } from '../data/location.js';
import { type AlignedRatings, alignRatings, concatRatings } from '../data/split.js';
import { evaluateRanking, type RankingReport } from '../evaluation/ranking.js';
import { fitBfm, resolveBfmConfig } from '../fm/index.js';
import type { FoldIn, FoldInInput, FoldInMethod } from '../model/foldin.js';
import type { DataSource, FitChoices } from '../model/model-types.js';
import { loadData, type PreparedData, type PreparedWith, recordedDescriptor, reloadTrainedData } from '../model/prepare-data.js';
import { RSAttAE } from '../model/rsattae.js';
import type { StackMember } from '../model/stack-members.js';
import { CONFIG_PRESET_NAMES, type ConfigPresetName, checkConfigInput, type DataPreparation, LARGE_DATA_FROM, type RSAttAEConfigInput, resolveConfig } from '../model/rsattae-config.js';
import { isBaselineBundle, loadBaseline, saveBaseline } from '../store/baseline-bundle.js';
import { readManifest } from '../store/model-bundle.js';
import { addDataDirOption, createProgress, note, type Progress, parseChoice, parsePositiveInt, parsePositiveNumber, writeJson } from './command-helpers.js';
import { BFM_OPTIONS, TRAIN_CONFIG_OPTIONS } from './config-options.js';
import { addDatasetOptions, addReadingOptions, type DatasetOptions, descriptorFromOptions, readingFields } from './dataset-options.js';
import { parseFeatureList, parseRatingList } from './foldin-options.js';
import { addSchemaOptions, givenValues, isGiven } from './schema-options.js';

/** What `train --algorithm` takes: RSAttAE, one of the baselines, or the Bayesian FM. */
const ALGORITHMS = ['rsattae', ...BASELINE_ALGORITHMS, 'bfm'] as const;

/** The options of `train` besides its configuration flags (TRAIN_CONFIG_OPTIONS, read with givenValues). */
interface TrainOptions extends DatasetOptions {
  algorithm: (typeof ALGORITHMS)[number];
  preset?: ConfigPresetName;
  out?: string;
  json?: boolean;
}

const round = (x: number, digits = 4): number => Number(x.toFixed(digits));
const peakRssMB = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

function downloadProgress(): { onProgress: (received: number, total: number | undefined) => void; done: () => void } {
  let bar: Progress | undefined;
  return {
    onProgress(received, total) {
      bar ??= createProgress('downloading dataset', { unit: 'bytes' });
      bar.update(received, total);
    },
    done() {
      bar?.stop();
    },
  };
}

/** The dataset `train` names, split and prepared as `prep` says (with a download bar when it has to be fetched). */
async function trainingData(opts: TrainOptions, prep: DataPreparation): Promise<PreparedData & { datasetName: string }> {
  const dl = downloadProgress();
  const prepared = await loadData(await descriptorFromOptions(opts), {
    valFraction: prep.valFraction,
    seed: prep.seed,
    dataDir: resolveDataDir(opts.dataDir),
    onDownload: dl.onProgress,
  });
  dl.done();
  return { ...prepared, datasetName: prepared.data.source?.dataset ?? 'dataset' };
}

async function train(opts: TrainOptions, cmd: Command): Promise<void> {
  if (opts.algorithm !== 'rsattae') return trainBaseline(opts, opts.algorithm, cmd);
  const t0 = performance.now();
  // each flag's value was checked by its field's schema as commander parsed it
  // the --bfm-* flags configure the stack's FM member (its own defaults: output auto, no day block)
  const member = givenValues(cmd, BFM_OPTIONS);
  const input: RSAttAEConfigInput = { preset: opts.preset, ...givenValues(cmd, TRAIN_CONFIG_OPTIONS), ...(Object.keys(member).length > 0 ? { bfm: member } : {}) };
  // a bad combination is refused before any data is read (the data's size only picks defaults)
  const prep = checkConfigInput(input);
  const { data, test, split, coldTest, datasetName: dataset } = await trainingData(opts, prep);
  // One bar for both autoencoders (they may train at the same time), then one for XGBoost.
  let aeBar: Progress | undefined;
  let xgbBar: Progress | undefined;
  const aeDone = { users: 0, movies: 0 };
  const aeLast = { users: '', movies: '' };
  let xgbLast = '';
  const stopAutoencoders = (): void => {
    aeBar?.stop([aeLast.users, aeLast.movies].filter(Boolean).join('\n'));
    aeBar = undefined;
  };
  // the run's one resolution (the paper's defaults, or the large-data ones from LARGE_DATA_FROM ratings): what the
  // bars and the report show is what fit trains with
  const config = resolveConfig(input, { trainingRatings: data.train.rating.length });
  const model = await RSAttAE.fit(
    data,
    config,
    {
      onStage(stage) {
        if (stage === 'xgboost') {
          stopAutoencoders();
          xgbBar = createProgress(`xgboost (${config.xgboost.nEstimators} trees)`);
        } else {
          aeBar ??= createProgress(`autoencoders (users + movies, ${config.autoencoder.epochs} epochs each)`, { total: 2 * config.autoencoder.epochs });
        }
      },
      onProgress(p) {
        if (p.stage === 'xgboost') {
          xgbBar?.update(p.iteration + 1, p.nIterations);
          xgbLast = `xgboost (${config.xgboost.nEstimators} trees): train rmse ${p.train.toFixed(4)}${p.eval === undefined ? '' : `, validation rmse ${p.eval.toFixed(4)}`}`;
        } else {
          aeDone[p.stage] = p.epoch;
          aeBar?.update(aeDone.users + aeDone.movies);
          aeLast[p.stage] = `${p.stage} autoencoder: epoch ${p.epoch}, loss ${p.trainLoss.toFixed(4)}, validation rmse ${p.validationRmse.toFixed(4)} (best ${p.bestValidationRmse.toFixed(4)})`;
        }
      },
    },
  );
  stopAutoencoders();
  xgbBar?.stop(xgbLast);
  try {
    const report = model.report!;
    const testMetrics = model.evaluate(test);
    const out = resolve(opts.out ?? join('models', `rsattae-${dataset}-${split}`.replace(/[^A-Za-z0-9._-]+/g, '-')));
    await model.save(out, { metrics: { test: { rmse: testMetrics.rmse, mae: testMetrics.mae } } });
    const ae = (s: typeof report.autoencoders.users) => ({
      epochs: s.epochs,
      bestEpoch: s.bestEpoch,
      bestValidationRmse: round(s.bestValidationRmse),
      msPerEpoch: round(s.msPerEpoch, 2),
      alpha: s.alpha === null ? null : round(s.alpha),
      groups: s.groups,
      patience: s.patience,
    });
    const result = {
      dataset,
      split,
      seed: config.seed,
      data: {
        users: data.nUsers,
        items: data.nItems,
        train: data.train.rating.length,
        validation: data.validation.rating.length,
        test: test.rating.length,
        coldTest,
      },
      defaults: report.defaults,
      config: { epochs: config.autoencoder.epochs, trees: config.xgboost.nEstimators, learningRate: config.xgboost.learningRate, treesUsed: model.report?.choices?.trees.used ?? config.xgboost.nEstimators, validationRows: config.validationRows, boosterEmbeddings: config.boosterEmbeddings, blend: config.blend },
      metrics: {
        validation: { rmse: round(report.validation.rmse), mae: round(report.validation.mae) },
        test: { rmse: round(testMetrics.rmse), mae: round(testMetrics.mae) },
      },
      choices: report.choices && choicesJson(report.choices),
      autoencoders: { users: ae(report.autoencoders.users), movies: ae(report.autoencoders.movies) },
      seconds: {
        users: round(report.seconds.users, 2),
        movies: round(report.seconds.movies, 2),
        xgboost: round(report.seconds.xgboost, 2),
        total: round((performance.now() - t0) / 1000, 2),
      },
      peakRssMB: peakRssMB(),
      model: out,
    };
    if (opts.json) writeJson(result);
    else {
      const m = result.metrics;
      process.stdout.write(
        `RSAttAE on ${dataset} ${split} (seed ${config.seed}): ${data.nUsers} users, ${data.nItems} items, ${data.train.rating.length} / ${data.validation.rating.length} / ${test.rating.length} train / validation / test ratings\n` +
          (report.defaults === 'large-data'
            ? `  note        large-data defaults (from ${LARGE_DATA_FROM.toLocaleString('en')} training ratings): ${config.autoencoder.epochs} epochs, ${config.xgboost.nEstimators} trees at learning rate ${config.xgboost.learningRate}, booster embeddings ${config.boosterEmbeddings}\n`
            : '') +
          (coldTest.ratings > 0
            ? `  note        ${coldTest.ratings} test ratings of users or items without training ratings, scored by ${report.choices?.stack ? "the stack's cold rules" : 'the booster from features alone (cold start)'}\n`
            : '') +
          (report.choices ? choicesText(report.choices) : '') +
          `  validation  RMSE ${m.validation.rmse.toFixed(4)}  MAE ${m.validation.mae.toFixed(4)}${validationLabel(report.choices)}\n` +
          `  test        RMSE ${m.test.rmse.toFixed(4)}  MAE ${m.test.mae.toFixed(4)}\n` +
          `  time        users ${result.seconds.users}s, movies ${result.seconds.movies}s, xgboost ${result.seconds.xgboost}s, total ${result.seconds.total}s\n` +
          `  peak RSS    ${result.peakRssMB} MB\n  model       ${out}\n`,
      );
    }
  } finally {
    model.dispose();
  }
}

/** The choices of a fit as `--json` records them, figures rounded. */
function choicesJson(c: FitChoices): unknown {
  const s = c.stack;
  return {
    validationRows: c.validationRows,
    trees: c.trees,
    ...(s
      ? {
          members: Object.fromEntries(s.members.map((m) => [m.name, round(m.rmse)])),
          stacker: { chosen: s.stacker.chosen, linear: round(s.stacker.linear), countGated: round(s.stacker['count-gated']) },
          cold: Object.fromEntries(Object.entries(s.cold).map(([k, v]) => [k, { chosen: v.chosen, booster: round(v.booster), bias: round(v.bias), mix: round(v.mix) }])),
        }
      : {}),
  };
}

/** The choices of a fit as lines of `train`'s report, each with the validation figures that decided it. */
function choicesText(c: FitChoices): string {
  const f = (x: number): string => x.toFixed(4);
  const trees =
    c.trees.earlyStoppingRounds === null
      ? `${c.trees.used} trees (no early stopping)`
      : `${c.trees.used} of at most ${c.trees.max} trees (early stopping after ${c.trees.earlyStoppingRounds} rounds without a better validation RMSE)`;
  let out = `  booster     ${trees}\n`;
  const s = c.stack;
  if (s) {
    out += `  members     validation RMSE ${s.members.map((m) => `${m.name} ${f(m.rmse)}`).join(', ')}\n`;
    out += `  stacker     ${s.stacker.chosen} (cross-fitted validation RMSE: linear ${f(s.stacker.linear)}, count-gated ${f(s.stacker['count-gated'])})\n`;
    const cold = (['user', 'item', 'both'] as const).map((k) => `${k} ${s.cold[k].chosen} (booster ${f(s.cold[k].booster)}, bias ${f(s.cold[k].bias)}, mix ${f(s.cold[k].mix)})`);
    out += `  cold pairs  ${cold.join('; ')}\n`;
  }
  return out;
}

/** What a validation figure is: cross-fitted on held-out rows (honest), or on the paper's in-sample rows (optimistic). */
function validationLabel(c: FitChoices | undefined): string {
  if (!c) return '';
  if (c.validationRows === 'in-sample') return '  (in-sample validation rows, as the paper: optimistic)';
  return c.stack ? '  (held-out rows, stack cross-fitted)' : '  (held-out rows)';
}

/**
 * `train --algorithm <baseline>`: fits on all of the split's training part (train + validation: a baseline has no
 * use for a hold-out), reports test RMSE/MAE, saves a baseline bundle that `evaluate` reads.
 */
async function trainBaseline(opts: TrainOptions, algorithm: BaselineAlgorithm | 'bfm', cmd: Command): Promise<void> {
  const t0 = performance.now();
  // of the configuration, a baseline takes the split's seed and validation share; the rest is RSAttAE's
  const preparation = TRAIN_CONFIG_OPTIONS.filter((o) => o.path[0] === 'seed' || o.path[0] === 'valFraction');
  for (const o of TRAIN_CONFIG_OPTIONS) if (isGiven(cmd, o) && !preparation.includes(o)) note(`note: ${o.flags.split(' ')[0]} configures rsattae only; ${algorithm} ignores it`);
  if (opts.preset !== undefined) note(`note: --preset configures rsattae only; ${algorithm} ignores it`);
  if (algorithm !== 'bfm') for (const o of BFM_OPTIONS) if (isGiven(cmd, o)) note(`note: ${o.flags.split(' ')[0]} configures bfm only; ${algorithm} ignores it`);
  const prep = checkConfigInput(givenValues(cmd, preparation));
  const { data, test, split, coldTest, datasetName: dataset } = await trainingData(opts, prep);
  const trainRatings = concatRatings(data.train, data.validation);
  const t1 = performance.now();
  let model: StackMember;
  if (algorithm === 'bfm') {
    const bfm = givenValues(cmd, BFM_OPTIONS);
    const bar = createProgress(`bfm (${resolveBfmConfig(bfm).iterations} Gibbs iterations)`);
    model = fitBfm(
      { nUsers: data.nUsers, nItems: data.nItems, train: trainRatings, scale: data.scale, userFeatures: data.userFeatures, itemFeatures: data.itemFeatures },
      { ...bfm, seed: deriveSeed(prep.seed, 'baselines') },
      { onProgress: (done, total) => bar.update(done, total) },
    );
    bar.stop();
  } else {
    model = fitBaseline({ nUsers: data.nUsers, nItems: data.nItems, train: trainRatings, scale: data.scale }, { algorithm, seed: deriveSeed(prep.seed, 'baselines') });
  }
  const fit = (performance.now() - t1) / 1000;
  const m = model.evaluate(test);
  const metrics = { test: { rmse: m.rmse, mae: m.mae } };
  const out = resolve(opts.out ?? join('models', `${algorithm}-${dataset}-${split}`.replace(/[^A-Za-z0-9._-]+/g, '-')));
  await saveBaseline(model, out, { users: data.users, items: data.items, data: data.source, prepared: prep, metrics, seconds: { fit } });
  const result = {
    dataset,
    split,
    seed: prep.seed,
    algorithm,
    config: model.config,
    data: { users: data.nUsers, items: data.nItems, train: trainRatings.rating.length, test: test.rating.length, coldTest },
    metrics: { test: { rmse: round(m.rmse), mae: round(m.mae) } },
    seconds: { fit: round(fit, 2), total: round((performance.now() - t0) / 1000, 2) },
    peakRssMB: peakRssMB(),
    model: out,
  };
  if (opts.json) writeJson(result);
  else {
    process.stdout.write(
      `${algorithm} on ${dataset} ${split} (seed ${prep.seed}): ${data.nUsers} users, ${data.nItems} items, ${result.data.train} / ${test.rating.length} train / test ratings\n` +
        (coldTest.ratings > 0 ? `  note        ${coldTest.ratings} test ratings of users or items without training ratings, predicted from ${algorithm === 'bfm' ? 'the known side and the prior of the unknown one' : 'the biases they have'}\n` : '') +
        `  test        RMSE ${result.metrics.test.rmse.toFixed(4)}  MAE ${result.metrics.test.mae.toFixed(4)}\n` +
        `  time        fit ${result.seconds.fit}s, total ${result.seconds.total}s\n  model       ${out}\n`,
    );
  }
}

interface ModelOptions {
  model: string;
  json?: boolean;
}

async function withModel<T>(dir: string, use: (m: RSAttAE) => T | Promise<T>, autoencoders = false): Promise<T> {
  const model = await RSAttAE.load(resolve(dir), { autoencoders });
  try {
    return await use(model);
  } finally {
    model.dispose();
  }
}

/** Who predict and recommend are for: `--user ID`, or a new user from `--features` and `--ratings`. */
interface UserOptions {
  user?: string;
  newUser?: boolean;
  features?: string;
  ratings?: string;
  method: FoldInMethod;
}

/** A new user as --json reports it: the features given and how many ratings. */
interface NewUserLabel {
  readonly new: true;
  readonly features: Record<string, string>;
  readonly ratings: number;
}

/** The user predict and recommend are for, as the options give it (checked before the model is loaded). */
type UserChoice = { readonly id: string; readonly label: string } | { readonly input: FoldInInput; readonly label: NewUserLabel };

/** @throws InputError for a contradictory choice or a malformed --features / --ratings list */
function userChoice(opts: UserOptions): UserChoice {
  if (opts.newUser) {
    if (opts.user !== undefined) throw new InputError('give either --user ID or --new-user, not both');
    const features = opts.features === undefined ? undefined : parseFeatureList(opts.features, '--features');
    const ratings = opts.ratings === undefined ? undefined : parseRatingList(opts.ratings, '--ratings');
    return { input: { features, ratings }, label: { new: true, features: features ?? {}, ratings: ratings?.length ?? 0 } };
  }
  if (opts.user === undefined) throw new InputError('give --user ID, or --new-user with --features and/or --ratings');
  if (opts.features !== undefined || opts.ratings !== undefined) throw new InputError('--features and --ratings describe a new user: add --new-user (and drop --user)');
  return { id: opts.user, label: opts.user };
}

/** The chosen user in a loaded model: its id, or the new user folded in. @throws InputError as foldInUser does */
const userIn = (model: RSAttAE, c: UserChoice, method: FoldInMethod): string | FoldIn => ('id' in c ? c.id : model.foldInUser(c.input, { method }));

interface EvaluateOptions extends ModelOptions, DatasetOptions {
  k: number;
  relevance: number;
  ranking: boolean;
}

/** The ranking report rounded for printing. */
function roundRanking(r: RankingReport): RankingReport {
  const m = (x: number): number => round(x);
  return { ...r, precision: m(r.precision), recall: m(r.recall), ndcg: m(r.ndcg), map: m(r.map), hitRate: m(r.hitRate), coverage: m(r.coverage) };
}

function rankingTable(r: RankingReport): string {
  const row = (name: string, v: number): string => `  ${name.padEnd(16)}${v.toFixed(4)}\n`;
  return (
    `top-${r.k} ranking of ${r.users} test users with a test rating >= ${r.relevance} (all their unrated items ranked; ${r.usersWithoutRelevant} test users without one left out)\n` +
    row(`precision@${r.k}`, r.precision) +
    row(`recall@${r.k}`, r.recall) +
    row(`NDCG@${r.k}`, r.ndcg) +
    row(`MAP@${r.k}`, r.map) +
    row(`hit rate@${r.k}`, r.hitRate) +
    row('coverage', r.coverage) +
    `  (coverage: distinct items in all top-${r.k} lists / ${r.catalogue} items)\n`
  );
}

/** What `evaluate` needs of a saved model (RSAttAE or baseline) to find its test ratings. */
interface EvalTarget {
  readonly scale?: RatingScale;
  readonly users: IdMap;
  readonly items: IdMap;
  /** The dataset it was trained on, as its manifest records it. */
  readonly trained?: DatasetDescriptor;
  readonly prepared?: PreparedWith;
  readonly source?: DataSource;
}

/** Reads `--test FILE` with the given reading options, falling back to those the model was trained with. */
async function readTestFile(file: string, opts: EvaluateOptions, target: EvalTarget): Promise<AlignedRatings> {
  const inherited = target.trained?.ratings !== undefined ? target.trained : {};
  const users = new IdMap();
  const items = new IdMap();
  const read = await readRatingsFile(resolve(file), {
    ...ratingsReading({ ...inherited, ...readingFields(opts) }),
    scale: target.scale,
    users,
    items,
  });
  return alignRatings(read.ratings, { users, items }, target);
}

/**
 * The test ratings `evaluate` scores, re-indexed to the model: `--test FILE`, or the test set of the data it was
 * trained on rebuilt from its manifest. @throws InputError when there are none the model knows
 */
async function testRatingsFor(opts: EvaluateOptions, target: EvalTarget): Promise<{ aligned: AlignedRatings; split: string; dataset: string }> {
  let aligned: AlignedRatings;
  let split: string;
  let dataset: string;
  if (opts.test !== undefined) {
    aligned = await readTestFile(opts.test, opts, target);
    split = 'test-file';
    dataset = opts.test;
  } else {
    if (!target.trained || !target.prepared) throw new InputError(`model bundle ${opts.model} records no dataset; give the test ratings with --test FILE`);
    const dl = downloadProgress();
    const { prepared, align } = await reloadTrainedData(target.trained, target.prepared, target, {
      split: opts.split,
      dataDir: resolveDataDir(opts.dataDir),
      onDownload: dl.onProgress,
    });
    dl.done();
    split = prepared.split;
    dataset = prepared.data.source?.dataset ?? 'dataset';
    if (target.source && split !== target.source.split) note(`warning: the model was trained on split ${target.source.split}; the test ratings of ${split} may overlap its training ratings`);
    aligned = align(prepared.test);
  }
  if (aligned.ratings.rating.length === 0) throw new InputError(`none of the ${aligned.unknown.ratings} test ratings names a user and an item the model knows`);
  return { aligned, split, dataset };
}

interface EvaluateResult {
  readonly dataset: string;
  readonly split: string;
  readonly algorithm?: BaselineAlgorithm | 'bfm';
  readonly test: { readonly rmse: number; readonly mae: number; readonly count: number };
  readonly ranking?: RankingReport;
  readonly unknown: AlignedRatings['unknown'];
}

/** The ranking report `evaluate` prints, or undefined (with a note) when it is off or nothing is relevant. */
function rankingFor(model: RSAttAE | StackMember, ratings: Ratings, opts: EvaluateOptions): RankingReport | undefined {
  if (!opts.ranking) return undefined;
  if (!ratings.rating.some((r) => r >= opts.relevance)) {
    note(`no ranking metrics: no test rating reaches the relevance threshold ${opts.relevance} (--relevance)`);
    return undefined;
  }
  return roundRanking(evaluateRanking(model, ratings, { k: opts.k, relevance: opts.relevance }));
}

async function evaluate(opts: EvaluateOptions): Promise<void> {
  const dir = resolve(opts.model);
  let result: EvaluateResult;
  if (await isBaselineBundle(dir)) {
    const { model, users, items, manifest } = await loadBaseline(dir);
    const target = { scale: manifest.scale, users, items, trained: recordedDescriptor(manifest, opts.model), prepared: manifest.prepared, source: manifest.data };
    const { aligned, split, dataset } = await testRatingsFor(opts, target);
    const m = model.evaluate(aligned.ratings);
    const ranking = rankingFor(model, aligned.ratings, opts);
    result = { dataset, split, algorithm: model.algorithm, test: { rmse: round(m.rmse), mae: round(m.mae), count: m.count }, ...(ranking ? { ranking } : {}), unknown: aligned.unknown };
  } else {
    const manifest = await readManifest(dir);
    const trained = recordedDescriptor(manifest, opts.model);
    result = await withModel(opts.model, async (model) => {
      const { aligned, split, dataset } = await testRatingsFor(opts, { users: model.users, items: model.items, scale: model.scale, trained, prepared: manifest.config, source: manifest.data });
      const m = model.evaluate(aligned.ratings);
      const ranking = rankingFor(model, aligned.ratings, opts);
      const test = { rmse: round(m.rmse), mae: round(m.mae), count: m.count };
      return { dataset, split, test, ...(ranking ? { ranking } : {}), unknown: aligned.unknown };
    });
  }
  if (opts.json) writeJson(result);
  else {
    process.stdout.write(`${result.algorithm ? `${result.algorithm} on ` : ''}${result.dataset} ${result.split} (${result.test.count} test ratings): RMSE ${result.test.rmse.toFixed(4)}  MAE ${result.test.mae.toFixed(4)}\n`);
    const u = result.unknown;
    if (u.ratings > 0) process.stdout.write(`  skipped ${u.ratings} test ratings of unknown users/items (${u.users} users, ${u.items} items the model has never seen)\n`);
    if (result.ranking) process.stdout.write(rankingTable(result.ranking));
  }
}

async function predict(opts: ModelOptions & UserOptions & { item: string }): Promise<void> {
  const who = userChoice(opts);
  const score = await withModel(opts.model, (model) => model.predict(userIn(model, who, opts.method), opts.item), 'input' in who);
  if (opts.json) writeJson({ user: who.label, item: opts.item, rating: round(score) });
  else process.stdout.write(`${score.toFixed(4)}\n`);
}

async function recommend(opts: ModelOptions & UserOptions & { k: number }): Promise<void> {
  const who = userChoice(opts);
  const recs = await withModel(opts.model, (model) => model.recommend(userIn(model, who, opts.method), opts.k), 'input' in who);
  if (opts.json) writeJson({ user: who.label, items: recs.map((r) => ({ ...r, score: round(r.score) })) });
  else {
    for (const [n, r] of recs.entries()) {
      process.stdout.write(`${String(n + 1).padStart(3)}. ${r.score.toFixed(3)}  [${r.item}] ${r.title ?? ''}\n`);
    }
  }
}

/** The `--new-user` options of predict and recommend. */
function addNewUserOptions(cmd: Command): Command {
  return cmd
    .option('--new-user', 'a user the model has not seen, folded in from --features and --ratings without retraining')
    .option('--features <list>', "the new user's features by column name, e.g. 'age=25,gender=F,occupation=writer'")
    .option('--ratings <list>', "the new user's ratings as ITEM:RATING pairs, e.g. '50:5,172:4,133:1'")
    .option('--method <how>', 'fold-in: attention (encoder mixed with the attention read-out) or encoder (encoder alone)', parseChoice(['attention', 'encoder'] as const), 'attention');
}

/** Registers `train`, `evaluate`, `predict` and `recommend` on the program. */
export function registerModelCommands(program: Command): void {
  const trainCmd = program
    .command('train')
    .description('train RSAttAE (both autoencoders + XGBoost), or a baseline (--algorithm), on a split, report test RMSE/MAE, save the model');
  // the configuration's flags: description, default and validation from the configuration's schema
  addDatasetOptions(addSchemaOptions(addSchemaOptions(trainCmd, TRAIN_CONFIG_OPTIONS), BFM_OPTIONS))
    .option('--algorithm <name>', `what to train: rsattae; a standard baseline as Surprise implements it (${BASELINE_ALGORITHMS.join(', ')}); or bfm, a Bayesian factorization machine; each but rsattae fitted on train + validation. The --bfm-* flags configure bfm, and rsattae's FM member`, parseChoice(ALGORITHMS), 'rsattae')
    .option('--preset <name>', `a named configuration that the other options override: ${CONFIG_PRESET_NAMES.join(', ')} (see docs/configuration-and-accuracy.md)`, parseChoice(CONFIG_PRESET_NAMES))
    .option('--out <dir>', 'where to save the model bundle (default: models/<algorithm>-<dataset>-<split>)')
    .option('--json', 'print one JSON object on stdout')
    .action((opts: TrainOptions, cmd: Command) => train(opts, cmd));

  const evaluateCmd = program
    .command('evaluate')
    .description(
      'RMSE and MAE of a saved model on test ratings (--test FILE, or the test set of the data it was trained on), and top-k ranking metrics: precision, recall, NDCG, MAP, hit rate, coverage',
    )
    .requiredOption('--model <dir>', 'model bundle directory')
    .option('--test <file>', 'test ratings (reading options default to those the model was trained with)')
    .option('--split <spec>', 'another split of the training dataset (e.g. u2 on ML-100K)')
    .option('--k <n>', 'length of the top-k lists the ranking metrics score', parsePositiveInt, 10)
    .option('--relevance <rating>', 'a test rating at least this high makes the item relevant to its user', parsePositiveNumber, 4)
    .option('--no-ranking', 'skip the ranking metrics (they rank every unrated item for every test user)')
    .option('--json', 'print one JSON object on stdout');
  addDataDirOption(addReadingOptions(evaluateCmd)).action((opts: EvaluateOptions) => evaluate(opts));

  addNewUserOptions(
    program
      .command('predict')
      .description('predicted rating of one item by one user (ids as in the data), or by a new user (--new-user)')
      .requiredOption('--model <dir>', 'model bundle directory')
      .option('--user <id>', 'user id as in the data (e.g. 42 or u_0042)')
      .requiredOption('--item <id>', 'item id as in the data'),
  )
    .option('--json', 'print one JSON object on stdout')
    .action((opts: ModelOptions & UserOptions & { item: string }) => predict(opts));

  addNewUserOptions(
    program
      .command('recommend')
      .description('the k items a user (or a new user, --new-user) has not rated with the highest predicted ratings')
      .requiredOption('--model <dir>', 'model bundle directory')
      .option('--user <id>', 'user id as in the data'),
  )
    .option('-k, --k <n>', 'how many items', parsePositiveInt, 10)
    .option('--json', 'print one JSON object on stdout')
    .action((opts: ModelOptions & UserOptions & { k: number }) => recommend(opts));
}
