/**
 * KNNBaseline on large catalogues: fit time, peak RSS and test RMSE of one KNNBaseline configuration on one dataset,
 * beside BaselineOnly's RMSE on the same split. One configuration per process, so the peak RSS is that fit's: the
 * peak is reset (Linux /proc/self/clear_refs) after the data are read and split.
 *
 *   node dist/bench/baselines/knn-scale.js --dataset ml-100k|ml-1m-nots|epinions|yelp [--data-dir DIR] [--seed 42]
 *     [--layout auto|dense|sparse] [--similarity pearson-baseline|msd] [--user-based] [--out FILE]
 *
 * ML-100K uses u1.base / u1.test; the others a seeded random 90/10 split (splitRatings random:0.1) of ratings.csv
 * (ratings.dat for ml-1m-nots), a (user, item) pair rated twice (Epinions has some) merged to its mean rating.
 */
import { existsSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { fitBaseline, type SimilarityLayout } from '../../src/baselines/index.js';
import { writeFileAtomic } from '../../src/core/atomic-fs.js';
import type { Ratings } from '../../src/core/types.js';
import { IdMap } from '../../src/data/dataset.js';
import { readRatingsFile } from '../../src/data/delimited.js';
import { resolveDataDir } from '../../src/data/location.js';
import { loadMovieLens100KDataset } from '../../src/data/ml100k.js';
import { splitRatings } from '../../src/data/split.js';
import { peakRssMB, resetPeakRss } from '../rss.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const DATASET = arg('dataset', 'ml-100k');
const SEED = Number(arg('seed', '42'));
const LAYOUT = arg('layout', 'auto') as SimilarityLayout;
const SIMILARITY = arg('similarity', 'pearson-baseline') as 'pearson-baseline' | 'msd';
const USER_BASED = process.argv.includes('--user-based');
const OUT = arg('out', '');

const log = (msg: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};
const round = (x: number, d = 4): number => Number(x.toFixed(d));

const dir = resolve(resolveDataDir(arg('data-dir', '') || undefined), DATASET);
let data: { nUsers: number; nItems: number; train: Ratings; test: Ratings; scale: { min: number; max: number } };
if (DATASET === 'ml-100k') {
  const ds = await loadMovieLens100KDataset(dir, 'u1');
  if (!ds.test) throw new Error('ml-100k u1 has no test set');
  data = { nUsers: ds.users.size, nItems: ds.items.size, train: ds.ratings, test: ds.test, scale: ds.scale };
} else {
  const users = new IdMap();
  const items = new IdMap();
  const file = existsSync(join(dir, 'ratings.csv')) ? 'ratings.csv' : 'ratings.dat';
  const read = await readRatingsFile(join(dir, file), { users, items, duplicates: 'mean' });
  const { train, test } = splitRatings(read.ratings, { kind: 'random', fraction: 0.1 }, SEED, read.hasTimestamps);
  data = { nUsers: users.size, nItems: items.size, train, test, scale: read.scale };
}
log(`${DATASET}: ${data.nUsers} users × ${data.nItems} items, ${data.train.rating.length} train / ${data.test.rating.length} test ratings`);
const rssBeforeMB = Math.round(process.memoryUsage().rss / 2 ** 20);
resetPeakRss();
const knnConfig = {
  algorithm: 'knn-baseline' as const,
  similarity: SIMILARITY,
  userBased: USER_BASED,
};
const t0 = performance.now();
const knn = fitBaseline(data, knnConfig, { similarityLayout: LAYOUT });
const t1 = performance.now();
const fitPeakMB = peakRssMB();
const m = knn.evaluate(data.test);
const t2 = performance.now();
const peakMB = peakRssMB();
log(`knn-baseline: fit ${((t1 - t0) / 1000).toFixed(1)} s (peak RSS ${fitPeakMB} MB), test RMSE ${m.rmse.toFixed(4)} in ${((t2 - t1) / 1000).toFixed(1)} s`);
const bo = fitBaseline(data, { algorithm: 'baseline-only' }).evaluate(data.test);

const json = `${JSON.stringify(
  {
    bench: 'knn-scale',
    date: new Date().toISOString(),
    command: `node dist/bench/baselines/knn-scale.js ${process.argv.slice(2).join(' ')}`.trim(),
    dataset: { name: DATASET, users: data.nUsers, items: data.nItems, train: data.train.rating.length, test: data.test.rating.length, split: DATASET === 'ml-100k' ? 'u1' : `random:0.1 seed ${SEED}` },
    config: knn.config,
    layout: LAYOUT,
    machine: { cpus: cpus().length, model: cpus()[0]?.model, memGB: round(totalmem() / 2 ** 30, 1), node: process.version, loadavgAfter: loadavg().map((x) => round(x, 2)) },
    knn: { fitSeconds: round((t1 - t0) / 1000, 2), testSeconds: round((t2 - t1) / 1000, 2), rmse: round(m.rmse), mae: round(m.mae) },
    baselineOnly: { rmse: round(bo.rmse), mae: round(bo.mae) },
    rss: { beforeFitMB: rssBeforeMB, fitPeakMB, peakWithTestMB: peakMB },
  },
  null,
  2,
)}\n`;
process.stdout.write(json);
if (OUT) await writeFileAtomic(resolve(OUT), json);
