/**
 * When does live top-N need a candidate stage? Top-N for a known user scores every unrated item with the booster in
 * one predict call, so its cost grows with the catalogue. This times that call on a saved model for growing slices of
 * the catalogue (the first N items), and `recommend(user, 10)` over the whole of it, in this process (no HTTP), and
 * prints one JSON object: median milliseconds per call, microseconds per scored pair, and the largest catalogue the
 * booster can score within 20 ms and 100 ms per request at the measured rate.
 *
 *   node dist/bench/serve/catalogue.js --model DIR [--sizes 1000,3000,10000,26744] [--users 20] [--reps 3]
 *       [--threads 1] [--seed 7] [--out FILE]
 *
 * A 27k-item model, as in BENCHMARKS.md: `rsattae data synth --users 3000 --items 26744 --ratings 600000 --seed 42
 * --out /tmp/cat` then `rsattae train --dataset-file /tmp/cat/dataset.json --epochs 50 --n-estimators 300
 * --learning-rate 0.05 --out /tmp/cat-model`.
 */
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { createRng } from '../../src/core/rng.js';
import { RSAttAE } from '../../src/index.js';
import { arg } from './spawn.js';

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const r3 = (x: number): number => Number(x.toFixed(3));

const dir = arg('model', '');
if (dir === '') throw new Error('--model DIR is required');
const nUsers = Number(arg('users', '20'));
const reps = Number(arg('reps', '3'));
const seed = Number(arg('seed', '7'));
// the serving setting: one request's predict call on one thread, the other core left to the event loop and clients
process.env.OMP_NUM_THREADS ??= arg('threads', '1');
process.env.OMP_WAIT_POLICY ??= 'passive';

const model = await RSAttAE.load(dir);
const sizes = arg('sizes', '1000,3000,10000,26744')
  .split(',')
  .map(Number)
  .map((n) => Math.min(n, model.nItems));
const rng = createRng(seed);
const users = Array.from({ length: nUsers }, () => rng.nextInt(model.nUsers));

const perSize = [...new Set(sizes)].map((n) => {
  const items = Int32Array.from({ length: n }, (_, i) => i);
  const times: number[] = [];
  for (const u of users) {
    const us = new Int32Array(n).fill(u);
    for (let r = 0; r < reps; r++) {
      const t = performance.now();
      model.predictIndices(us, items);
      times.push(performance.now() - t);
    }
  }
  const ms = median(times);
  return { items: n, msPerCall: r3(ms), usPerPair: r3((ms * 1000) / n) };
});

const recommendMs: number[] = [];
for (const u of users) {
  const t = performance.now();
  model.recommend(model.parts.users.id(u), 10);
  recommendMs.push(performance.now() - t);
}

const largest = perSize[perSize.length - 1];
const out = {
  bench: 'serve-catalogue',
  date: new Date().toISOString(),
  machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadavg: loadavg().map(r3) },
  model: { dir, users: model.nUsers, items: model.nItems, trees: model.config.xgboost.nEstimators, maxDepth: model.config.xgboost.maxDepth },
  ompThreads: process.env.OMP_NUM_THREADS,
  usersTimed: nUsers,
  reps,
  perSize,
  recommendTop10: { msMedian: r3(median(recommendMs)), msMax: r3(Math.max(...recommendMs)) },
  itemsWithin: { ms20: Math.floor((20 * 1000) / largest.usPerPair), ms100: Math.floor((100 * 1000) / largest.usPerPair) },
};
const json = JSON.stringify(out, null, 2);
process.stdout.write(`${json}\n`);
const file = arg('out', '');
if (file !== '') writeFileSync(file, `${json}\n`);
