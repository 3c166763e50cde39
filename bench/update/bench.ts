/**
 * Incremental update against a full retrain on ML-100K u1. The latest 10 % of u1.base (by timestamp) is held back;
 * a model is trained on the rest, with only the users and items rated there (so the held-back part brings new users
 * and items, whose features come from u.user / u.item); `updateModel` then adds the held-back ratings, once per
 * setting (warm-start epochs, booster continued or retrained). A full retrain on all of u1.base is the yardstick.
 * All are scored on u1.test: on the pairs the updated model knows (users and items of u1.base; the retrain knows a
 * few more, items and users only in u1.test, scored from their features), and the retrain on all of it. Prints one JSON
 * object.
 *
 *   node dist/bench/update/bench.js [--data-dir DIR] [--seed 42] [--epochs 300] [--trees 400] [--lr 0.05]
 *     [--fraction 0.1] [--update-epochs 10,25,50,100] [--default-rounds 200] [--rounds 100,400] [--threads N] [--ranking-k 10] [--out FILE]
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { IdMap, loadDataset, prepareData, type Ratings, type RatingsDataset, RSAttAE, type RSAttAEConfigInput } from '../../src/index.js';
import { type UpdateOptions, updateModel } from '../../src/model/incremental-update.js';
import { alignRatings, resolveDataDir, selectRatings } from '../../src/public/data.js';
import { evaluateRanking } from '../../src/public/experiment.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const list = (s: string): number[] => s.split(',').map(Number);
const r4 = (x: number): number => Number(x.toFixed(4));
const r2 = (x: number): number => Number(x.toFixed(2));

const seed = Number(arg('seed', '42'));
const fraction = Number(arg('fraction', '0.1'));
const config: RSAttAEConfigInput = {
  // the paper's pipeline (booster on E), as BENCHMARKS.md's update figures were measured
  preset: 'paper',
  seed,
  autoencoder: { epochs: Number(arg('epochs', '300')) },
  xgboost: {
    nEstimators: Number(arg('trees', '400')),
    learningRate: Number(arg('lr', '0.05')),
    // on a machine another job keeps busy, libxgboost's OpenMP threads wait on each other: 1 thread is steadier
    ...(arg('threads', '') === '' ? {} : { nThread: Number(arg('threads', '')) }),
  },
};
const rankingK = Number(arg('ranking-k', '10'));

/** Ratings `r` (indices of `from`) re-indexed to ids in first-seen order, with those id maps. */
function reindex(r: Ratings, from: { users: IdMap; items: IdMap }): { ratings: Ratings; users: IdMap; items: IdMap } {
  const users = new IdMap();
  const items = new IdMap();
  const ratings = {
    user: r.user.map((u) => users.add(from.users.id(u))),
    item: r.item.map((i) => items.add(from.items.id(i))),
    rating: r.rating,
    timestamp: r.timestamp,
  };
  return { ratings, users, items };
}

/** Top-k ranking metrics (evaluate's protocol, relevance >= 4) on the test pairs the model knows, rounded. */
function ranking(model: RSAttAE, ds: RatingsDataset, test: Ratings, only?: { users: IdMap; items: IdMap }): Record<string, number> {
  let t = test;
  if (only) t = alignRatings(alignRatings(t, ds, only).ratings, only, ds).ratings;
  const r = evaluateRanking(model, alignRatings(t, ds, model.parts).ratings, { k: rankingK, relevance: 4 });
  return { users: r.users, precision: r4(r.precision), recall: r4(r.recall), ndcg: r4(r.ndcg), map: r4(r.map), hitRate: r4(r.hitRate), coverage: r4(r.coverage) };
}

function score(model: RSAttAE, ds: RatingsDataset, test: Ratings, only?: { users: IdMap; items: IdMap }): { rmse: number; mae: number; count: number } {
  let t = test;
  if (only) t = alignRatings(alignRatings(t, ds, only).ratings, only, ds).ratings;
  const a = alignRatings(t, ds, model.parts);
  const m = model.evaluate(a.ratings);
  return { rmse: r4(m.rmse), mae: r4(m.mae), count: m.count };
}

const t00 = performance.now();
const ds = await loadDataset({ preset: 'ml-100k', split: 'u1' }, { dataDir: resolveDataDir(arg('data-dir', '')), fetch: false });
const test = ds.test!;
const base = ds.ratings;
const order = Array.from(base.timestamp.keys()).sort((a, b) => base.timestamp[a] - base.timestamp[b] || a - b);
const cut = base.rating.length - Math.round(fraction * base.rating.length);
const oldPart = reindex(selectRatings(base, order.slice(0, cut)), ds);
const newPart = reindex(selectRatings(base, order.slice(cut)), ds);
const titles = ds.itemTitles;
const oldDs: RatingsDataset = {
  ...ds,
  name: 'ml-100k-u1-early',
  users: oldPart.users,
  items: oldPart.items,
  ratings: oldPart.ratings,
  test: alignRatings(test, ds, oldPart).ratings,
  itemTitles: titles ? oldPart.items.ids().map((id) => titles[ds.items.index(id)!]) : undefined,
};
const prepared = prepareData(oldDs, { split: 'u1-early', valFraction: 0.1, seed });

const fitTimed = async (data: Parameters<typeof RSAttAE.fit>[0]): Promise<{ model: RSAttAE; seconds: number }> => {
  const t0 = performance.now();
  const model = await RSAttAE.fit(data, config);
  return { model, seconds: (performance.now() - t0) / 1000 };
};

const early = await fitTimed(prepared.data);
process.stderr.write(`early model: ${r2(early.seconds)} s, ${JSON.stringify(score(early.model, ds, test))}\n`);
const newUsers = newPart.users.ids().filter((id) => !oldPart.users.has(id)).length;
const newItems = newPart.items.ids().filter((id) => !oldPart.items.has(id)).length;
const known = { users: IdMap.fromIds([...oldPart.users.ids(), ...newPart.users.ids().filter((id) => !oldPart.users.has(id))]), items: IdMap.fromIds([...oldPart.items.ids(), ...newPart.items.ids().filter((id) => !oldPart.items.has(id))]) };

const settings: (UpdateOptions & { name: string; ranking?: boolean })[] = [];
const rounds = Number(arg('default-rounds', '200'));
for (const e of list(arg('update-epochs', '10,25,50,100'))) settings.push({ name: `continue, ${e} epochs, ${rounds} rounds`, epochs: e, booster: 'continue', rounds, ranking: e === 50 });
for (const r of list(arg('rounds', '100,400'))) settings.push({ name: `continue, 50 epochs, ${r} rounds`, epochs: 50, booster: 'continue', rounds: r });
settings.push({ name: `continue on the new pairs only, 50 epochs, ${rounds} rounds`, epochs: 50, booster: 'continue', rounds, continueOn: 'new' });
settings.push({ name: 'retrain booster, 50 epochs', epochs: 50, booster: 'retrain', ranking: true });

const updates = [];
for (const s of settings) {
  const t0 = performance.now();
  const { model, report } = await updateModel(early.model, prepared.data, { ...newPart, userFeatures: ds.userFeatures, itemFeatures: ds.itemFeatures }, s);
  const seconds = (performance.now() - t0) / 1000;
  updates.push({
    setting: s.name,
    epochs: s.epochs,
    booster: s.booster,
    rounds: report.rounds,
    continueOn: s.continueOn ?? 'all',
    seconds: r2(seconds),
    stages: { users: r2(model.report!.seconds.users), movies: r2(model.report!.seconds.movies), xgboost: r2(model.report!.seconds.xgboost) },
    bestEpochs: { users: model.report!.autoencoders.users.bestEpoch, movies: model.report!.autoencoders.movies.bestEpoch },
    validationRmse: r4(model.report!.validation.rmse),
    test: score(model, ds, test),
    // ranking costs 0.75 M predictions: only for the default and the retrained booster
    ...(s.ranking ? { ranking: ranking(model, ds, test) } : {}),
    report,
  });
  model.dispose();
  process.stderr.write(`${s.name}: ${JSON.stringify(updates.at(-1))}\n`);
}

const full = await fitTimed(prepareData(ds, { split: 'u1', valFraction: 0.1, seed }).data);
const result = {
  bench: 'update',
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, loadavgAtEnd: loadavg().map(r2) },
  node: process.version,
  config,
  data: {
    base: base.rating.length,
    early: cut,
    added: base.rating.length - cut,
    newUsers,
    newItems,
    test: test.rating.length,
    testKnownToUpdate: score(full.model, ds, test, known).count,
  },
  early: { seconds: r2(early.seconds), test: score(early.model, ds, test) },
  updates,
  retrain: {
    seconds: r2(full.seconds),
    validationRmse: r4(full.model.report!.validation.rmse),
    test: score(full.model, ds, test, known),
    testAll: score(full.model, ds, test),
    ranking: ranking(full.model, ds, test, known),
    rankingAll: ranking(full.model, ds, test),
  },
  totalSeconds: r2((performance.now() - t00) / 1000),
};
early.model.dispose();
full.model.dispose();
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
const out = arg('out', '');
if (out !== '') writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
