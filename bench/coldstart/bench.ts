/**
 * Cold-start study (issue #11): does the feature-aware attention help new users and items? On ML-100K (all of
 * u.data), a seeded 10 % of the users (then, separately, of the items) is held out entirely; RSAttAE trains on the
 * rest; each held-out entity is then folded in with its first k ratings by timestamp (ties by file order) plus its
 * features, and scored on its ratings after its first 20 — the same ratings for every k, and for the ceiling: a
 * model retrained with the held-out entities' first 20 ratings in its training data. Entities with 20 ratings or
 * fewer have nothing to score and are left out. Prints one JSON object (RMSE by method and k) and writes it to --out.
 *
 *   node dist/bench/coldstart/bench.js [--data-dir DIR] [--epochs 1000] [--trees 1900] [--lr 0.01] [--threads 2] [--seed 42]
 *                                      [--study users,items] [--vanilla [users,items]] [--out bench/coldstart/results.json]
 *                                      [--cache DIR]   (save fitted models there; later runs load them instead)
 *                                      [--preset paper|default]   (default: the stack, with its fold-in curves)
 */
import { existsSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../../src/core/atomic-fs.js';
import type { Float32Matrix, Ratings } from '../../src/core/types.js';
import { type FeatureTable, IdMap, type RatingsDataset } from '../../src/data/dataset.js';
import { encodeTable, fitTableEncoder } from '../../src/data/encoding.js';
import { resolveDataDir } from '../../src/data/location.js';
import { loadMovieLens100KDataset } from '../../src/data/ml100k.js';
import { concatRatings, holdout, selectRatings, splitRatings } from '../../src/data/split.js';
import { pairRowSource, type RowBlocks } from '../../src/model/booster-rows.js';
import { type FoldIn, type FoldInBlend, type FoldInInput, foldIn } from '../../src/model/foldin.js';
import type { RecommenderData } from '../../src/model/model-types.js';
import { RSAttAE } from '../../src/model/rsattae.js';
import type { RSAttAEConfigInput } from '../../src/model/rsattae-config.js';
import { applyColdRule, foldInBias } from '../../src/model/stack.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const SEED = Number(arg('seed', '42'));
const EPOCHS = Number(arg('epochs', '1000'));
const TREES = Number(arg('trees', '1900'));
/** XGBoost's learning rate (paper: 0.01 with 1900 trees; a reduced run scales it up as it cuts trees). */
const LR = Number(arg('lr', '0.01'));
/** XGBoost threads (1 avoids OpenMP's busy waiting when the machine is oversubscribed). */
const THREADS = Number(arg('threads', '2'));
const STUDIES = arg('study', 'users,items').split(',') as ('users' | 'items')[];
/** Studies that also train a vanilla-autoencoder model: `--vanilla` alone means all, `--vanilla users` only that one. */
const VANILLA = ((): string[] => {
  const i = process.argv.indexOf('--vanilla');
  if (i < 0) return [];
  const next = process.argv[i + 1];
  return next === undefined || next.startsWith('--') ? ['users', 'items'] : next.split(',');
})();
const OUT = arg('out', '');
/**
 * `paper` (the paper's pipeline, as BENCHMARKS.md's first cold-start figures were measured) or `default` (what
 * `train` runs: the stack, whose fold-in curves are added).
 */
const PRESET = arg('preset', 'paper');
if (PRESET !== 'paper' && PRESET !== 'default') throw new Error(`--preset: paper or default, not ${PRESET}`);
const CACHE = arg('cache', '');
const KS = [0, 1, 3, 5, 10, 20];
const POOL = 20;
/** Shrinkage of the baseline's biases: known side (from training) and the new entity's (from its k ratings). */
const LAMBDA_KNOWN = 25;
const LAMBDA_NEW = 10;

const log = (msg: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};
const round = (x: number): number => Number(x.toFixed(4));

/** Ratings with the two sides swapped, so the item study can reuse the per-user split and code. */
const swap = (r: Ratings): Ratings => ({ user: r.item, item: r.user, rating: r.rating, timestamp: r.timestamp });

/** One raw feature record per id, as a caller of foldIn would give it. */
function records(t: FeatureTable): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  t.ids.forEach((id, r) => {
    const rec: Record<string, string> = {};
    t.columns.forEach((c, k) => {
      if (c.kind !== 'id' && c.kind !== 'ignore') rec[c.name] = t.values[k][r];
    });
    out.set(id, rec);
  });
  return out;
}

function config(model: 'attention' | 'vanilla'): RSAttAEConfigInput {
  return { ...(PRESET === 'paper' ? { preset: 'paper' as const } : {}), seed: SEED, autoencoder: { model, epochs: EPOCHS }, xgboost: { nEstimators: TREES, learningRate: LR, nThread: THREADS } };
}

/** RecommenderData on `ratings` (indices of `users` / `items`), features encoded with the dataset's encoders. */
function recommenderData(ds: RatingsDataset, ratings: Ratings, users: IdMap, items: IdMap): RecommenderData {
  const { train, validation } = holdout(ratings, 0.1, SEED);
  const userEncoder = fitTableEncoder(ds.userFeatures!);
  const itemEncoder = fitTableEncoder(ds.itemFeatures!);
  return {
    nUsers: users.size,
    nItems: items.size,
    users,
    items,
    train,
    validation,
    userFeatures: encodeTable(ds.userFeatures, userEncoder, users),
    itemFeatures: encodeTable(ds.itemFeatures, itemEncoder, items),
    userEncoder,
    itemEncoder,
    scale: ds.scale,
  };
}

/** Fits, or with --cache DIR loads the model an earlier run saved there under `name` (fitting and saving it once). */
async function fit(data: RecommenderData, name: string, model: 'attention' | 'vanilla' = 'attention'): Promise<{ model: RSAttAE; seconds: number }> {
  const dir = CACHE ? join(resolve(CACHE), `${name}-${PRESET}-${model}-e${EPOCHS}-t${TREES}-lr${LR}-s${SEED}`) : undefined;
  if (dir && existsSync(join(dir, 'manifest.json'))) {
    log(`load ${dir}`);
    const m = await RSAttAE.load(dir, { autoencoders: true });
    return { model: m, seconds: Number.NaN };
  }
  log(`fit ${name} (${model}, ${data.nUsers} users, ${data.nItems} items, ${data.train.rating.length} + ${data.validation.rating.length} ratings)`);
  const t0 = performance.now();
  const m = await RSAttAE.fit(data, config(model));
  const seconds = (performance.now() - t0) / 1000;
  log(`  done in ${seconds.toFixed(0)} s, validation RMSE ${m.report!.validation.rmse.toFixed(4)}`);
  if (dir) await m.save(dir);
  return { model: m, seconds };
}

function rmse(pred: ArrayLike<number>, target: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < target.length; k++) s += (pred[k] - target[k]) ** 2;
  return Math.sqrt(s / target.length);
}

/** One held-out entity: its first-20 pool by time (other side's original indices + ratings) and its scored ratings. */
interface Held {
  readonly id: string;
  readonly pool: { readonly other: number; readonly rating: number }[];
  /** Positions in the evaluation arrays. */
  readonly from: number;
  readonly to: number;
}

async function study(ds: RatingsDataset, side: 'users' | 'items'): Promise<unknown> {
  const isUser = side === 'users';
  // oriented: "entity" = the held-out side, "other" = the side its ratings name
  const oriented = isUser ? ds.ratings : swap(ds.ratings);
  const split = splitRatings(oriented, { kind: 'user', fraction: 0.1 }, SEED);
  const entityIds = isUser ? ds.users : ds.items;
  const otherIds = isUser ? ds.items : ds.users;
  const nEntities = entityIds.size;

  // training entities keep their dataset order; held-out ones leave the id map entirely
  const inTrain = new Uint8Array(nEntities);
  for (const e of split.train.user) inTrain[e] = 1;
  const keptIds = new IdMap();
  const newIndex = new Int32Array(nEntities).fill(-1);
  for (let e = 0; e < nEntities; e++) if (inTrain[e]) newIndex[e] = keptIds.add(entityIds.id(e));
  const reindexed: Ratings = { ...split.train, user: Int32Array.from(split.train.user, (e) => newIndex[e]) };
  const trainRatings = isUser ? reindexed : swap(reindexed);
  const data = isUser ? recommenderData(ds, trainRatings, keptIds, ds.items) : recommenderData(ds, trainRatings, ds.users, keptIds);

  // held-out entities: ratings by time, first 20 = fold-in pool, the rest scored
  const byEntity = new Map<number, number[]>();
  split.test.user.forEach((e, k) => {
    const list = byEntity.get(e) ?? [];
    list.push(k);
    byEntity.set(e, list);
  });
  const held: Held[] = [];
  const evalOther: number[] = [];
  const evalRating: number[] = [];
  const poolRows: number[] = [];
  let heldOut = 0;
  for (const [e, rows] of [...byEntity].sort((a, b) => a[0] - b[0])) {
    heldOut++;
    const t = split.test;
    const byTime = rows.slice().sort((a, b) => t.timestamp[a] - t.timestamp[b] || a - b);
    poolRows.push(...byTime.slice(0, POOL));
    if (byTime.length <= POOL) continue;
    const from = evalOther.length;
    for (const k of byTime.slice(POOL)) {
      evalOther.push(t.item[k]);
      evalRating.push(t.rating[k]);
    }
    held.push({
      id: entityIds.id(e),
      pool: byTime.slice(0, POOL).map((k) => ({ other: t.item[k], rating: t.rating[k] })),
      from,
      to: evalOther.length,
    });
  }
  const target = Float32Array.from(evalRating);
  log(`${side}: ${nEntities - heldOut} training, ${heldOut} held out, ${held.length} scored on ${target.length} ratings`);

  const { model, seconds } = await fit(data, `${side}-study`);
  const table = isUser ? ds.userFeatures! : ds.itemFeatures!;
  const raw = records(table);
  const other = model.parts[isUser ? 'items' : 'users'];

  // baselines from the study model's training data (train + validation), biases shrunk
  const all = concatRatings(data.train, data.validation);
  const allOriented = isUser ? all : swap(all);
  let mu = 0;
  for (const r of all.rating) mu += r;
  mu /= all.rating.length;
  const sum = new Float64Array(otherIds.size);
  const cnt = new Float64Array(otherIds.size);
  allOriented.item.forEach((j, k) => {
    sum[j] += all.rating[k] - mu;
    cnt[j]++;
  });
  const bOther = Float64Array.from(sum, (s, j) => s / (LAMBDA_KNOWN + cnt[j]));

  const input = (h: Held, k: number, withFeatures = true): FoldInInput => ({
    ...(withFeatures ? { features: raw.get(h.id) } : {}),
    ratings: h.pool.slice(0, k).map((p) => ({ id: other.id(p.other), rating: p.rating })),
  });

  /** RMSE of XGBoost on the held-out entities folded in by `fold`. */
  const scoreFolds = (m: RSAttAE, fold: (h: Held) => FoldIn): number => rmse(boosterFolds(m, fold), target);
  /** XGBoost's predictions of the held-out entities' scored pairs, folded in by `fold`. */
  const boosterFolds = (m: RSAttAE, fold: (h: Held) => FoldIn): Float32Array => {
    const b = m.parts.blocks;
    const d = isUser ? b.userEmbeddings.cols : b.itemEmbeddings.cols;
    const nf = isUser ? b.userFeatures.cols : b.itemFeatures.cols;
    const emb: Float32Matrix = { rows: held.length, cols: d, data: new Float32Array(held.length * d) };
    const feat: Float32Matrix = { rows: held.length, cols: nf, data: new Float32Array(held.length * nf) };
    const ent = new Int32Array(target.length);
    held.forEach((h, n) => {
      const f = fold(h);
      emb.data.set(f.embedding, n * d);
      feat.data.set(f.features, n * nf);
      ent.fill(n, h.from, h.to);
    });
    const oth = Int32Array.from(evalOther);
    const blocks: RowBlocks = isUser
      ? { userEmbeddings: emb, userFeatures: feat, itemEmbeddings: b.itemEmbeddings, itemFeatures: b.itemFeatures }
      : { userEmbeddings: b.userEmbeddings, userFeatures: b.userFeatures, itemEmbeddings: emb, itemFeatures: feat };
    return m.parts.xgb.predict(isUser ? pairRowSource(ent, oth, blocks) : pairRowSource(oth, ent, blocks));
  };
  /**
   * The stack's final predictions: model.predict with the fold-in (its members place it by its ratings), and the
   * cold rule alone (the booster and the bias member's placement), which scored every fold-in before.
   */
  const stackFolds = (m: RSAttAE, k: number): { predict: number; coldRule: number } => {
    const blend = m.parts.blend!;
    const folds = held.map((h) => (isUser ? m.foldInUser(input(h, k)) : m.foldInItem(input(h, k))));
    const booster = boosterFolds(m, (h) => folds[held.indexOf(h)]);
    const predicted = new Float32Array(target.length);
    const cold = new Float32Array(target.length);
    held.forEach((h, n) => {
      const f = folds[n];
      for (let q = h.from; q < h.to; q++) {
        const o = other.id(evalOther[q]);
        predicted[q] = isUser ? m.predict(f, o) : m.predict(o, f);
        cold[q] = applyColdRule(blend, sideKind, booster[q], foldInBias(blend, sideKind, f.rated, f.ratings, evalOther[q]));
      }
    });
    return { predict: rmse(predicted, target), coldRule: rmse(cold, target) };
  };

  const sideKind = isUser ? 'user' : 'item';
  const blends: [string, FoldInBlend][] = [
    ['attention, alpha mix (default)', { kind: 'alpha' }],
    ['attention, shrink n0=3', { kind: 'shrink', n0: 3 }],
    ['attention, shrink n0=10', { kind: 'shrink', n0: 10 }],
    ['attention, shrink n0=30', { kind: 'shrink', n0: 30 }],
    ['attention prior only', { kind: 'shrink', n0: 1e9 }],
  ];
  const curves: Record<string, number[]> = {};
  const add = (name: string, k: number, v: number): void => {
    curves[name] ??= [];
    curves[name][KS.indexOf(k)] = round(v);
  };
  const fs = model.foldInSide(sideKind);
  for (const k of KS) {
    for (const [name, blend] of blends) add(name, k, scoreFolds(model, (h) => foldIn(fs, input(h, k), 'attention', blend)));
    add('public default (foldIn*)', k, scoreFolds(model, (h) => (isUser ? model.foldInUser(input(h, k)) : model.foldInItem(input(h, k)))));
    add('attention, no features', k, scoreFolds(model, (h) => foldIn(fs, input(h, k, false), 'attention')));
    add('encoder only (same model)', k, scoreFolds(model, (h) => foldIn(fs, input(h, k), 'encoder')));
    if (model.parts.blend) {
      const s = stackFolds(model, k);
      add('stack: predict (members place the fold-in)', k, s.predict);
      add('stack: cold rule alone', k, s.coldRule);
      // the stack's Bayesian FM alone: its conditional Gibbs fold-in from the k ratings (no features)
      const fm = model.parts.blend.models.find((x) => x.algorithm === 'bfm');
      if (fm) {
        const p = new Float32Array(target.length);
        for (const h of held) {
          const pool = h.pool.slice(0, k);
          const profile = { others: Int32Array.from(pool, (x) => x.other), ratings: Float32Array.from(pool, (x) => x.rating) };
          p.set(fm.predictFoldIn(sideKind, profile, Int32Array.from(evalOther.slice(h.from, h.to))), h.from);
        }
        add('stack member bfm: its fold-in alone', k, rmse(p, target));
      }
    }
    // baselines
    const pMean = new Float64Array(target.length);
    const pBias = new Float64Array(target.length);
    for (const h of held) {
      const pool = h.pool.slice(0, k);
      const mean = pool.length === 0 ? mu : pool.reduce((a, p) => a + p.rating, 0) / pool.length;
      let bNew = 0;
      for (const p of pool) bNew += p.rating - mu - bOther[p.other];
      bNew /= LAMBDA_NEW + pool.length;
      for (let q = h.from; q < h.to; q++) {
        pMean[q] = mean;
        pBias[q] = mu + bOther[evalOther[q]] + bNew;
      }
    }
    add('global mean', k, rmse(new Float64Array(target.length).fill(mu), target));
    add(`${sideKind} mean of the k ratings (global mean at k=0)`, k, rmse(pMean, target));
    add('baseline mu + b_other + shrunk b_new', k, rmse(pBias, target));
    log(`  k=${k}: ${Object.entries(curves).map(([n, v]) => `${n} ${v[KS.indexOf(k)]}`).join(' | ')}`);
  }
  const alpha = model.parts[isUser ? 'userAutoencoder' : 'itemAutoencoder']!.alpha;
  const validation = model.report?.validation.rmse ?? Number.NaN;
  model.dispose();

  const fits: Record<string, number> = { study: round(seconds) };
  if (VANILLA.includes(side)) {
    const v = await fit(data, `${side}-study`, 'vanilla');
    const vs = v.model.foldInSide(sideKind);
    for (const k of KS) add('vanilla-AE model, encoder fold-in', k, scoreFolds(v.model, (h) => foldIn(vs, input(h, k), 'encoder')));
    fits.vanilla = round(v.seconds);
    v.model.dispose();
  }

  // ceiling: retrain with the held-out entities' first 20 ratings in the training data
  const pool = selectRatings(split.test, poolRows);
  const ceilingRatings = concatRatings(split.train, pool);
  const ceilingData = recommenderData(ds, isUser ? ceilingRatings : swap(ceilingRatings), ds.users, ds.items);
  const c = await fit(ceilingData, `${side}-ceiling`);
  const ent = new Int32Array(target.length);
  for (const h of held) ent.fill(entityIds.index(h.id)!, h.from, h.to);
  const oth = Int32Array.from(evalOther);
  const ceiling = rmse(isUser ? c.model.predictIndices(ent, oth) : c.model.predictIndices(oth, ent), target);
  log(`  ceiling (retrained with the first ${POOL}): ${ceiling.toFixed(4)}`);
  fits.ceiling = round(c.seconds);
  c.model.dispose();

  return {
    heldOut,
    scoredEntities: held.length,
    scoredRatings: target.length,
    alpha: round(alpha),
    studyModelValidationRmse: round(validation),
    k: KS,
    rmse: curves,
    ceilingRetrainedWithFirst20: round(ceiling),
    fitSeconds: fits,
  };
}

async function main(): Promise<void> {
  // a folder holding ml-100k/, as the CLI's --data-dir; the repository's sibling shared/datasets by default
  const dir = resolveDataDir(arg('data-dir', process.env.RSATTAE_DATA_DIR ?? join(ROOT, '..', 'shared', 'datasets')));
  // any non-predefined split reads all of u.data; the study splits it itself
  const ds = await loadMovieLens100KDataset(join(dir, 'ml-100k'), 'random:0.1');
  const t0 = performance.now();
  const results: Record<string, unknown> = {};
  for (const s of STUDIES) results[s] = await study(ds, s);
  const out = {
    date: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model ?? 'unknown', cores: cpus().length, memGB: Math.round(totalmem() / 2 ** 30), node: process.version },
    command: `node dist/bench/coldstart/bench.js ${process.argv.slice(2).join(' ')}`.trim(),
    config: { preset: PRESET, seed: SEED, epochs: EPOCHS, trees: TREES, learningRate: LR, xgboostThreads: THREADS, split: 'user:0.1 (items: the same on the swapped matrix)', order: 'first k by timestamp', pool: POOL, lambdaKnown: LAMBDA_KNOWN, lambdaNew: LAMBDA_NEW },
    ...results,
    totalSeconds: round((performance.now() - t0) / 1000),
  };
  const json = `${JSON.stringify(out, null, 2)}\n`;
  process.stdout.write(json);
  if (OUT) await writeFileAtomic(resolve(OUT), json);
}

await main();
