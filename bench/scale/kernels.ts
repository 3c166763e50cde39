/**
 * Kernel-orientation benchmark (issue #10): seconds per epoch of the two attention autoencoders on one dataset, a
 * few epochs each, with dW1/dW4 by the classic column-wise spmmT or the row-streamed one (see `chooseOrientation` in
 * src/nn/network.ts). Only the autoencoders run (no booster), both at once in worker threads as
 * the pipeline does (`--sequential` for one after the other), since the shared L3 is part of what is measured.
 *
 *   node dist/bench/scale/kernels.js --data DIR|ml-100k [--epochs 4] [--threshold default|inf|BYTES] [--dim 64]
 *       [--seed 42] [--sequential] [--data-dir DIR]
 *
 * `--data` is a folder with a dataset.json (e.g. written by `rsattae data synth --shape ml-20m --out DIR`), split as
 * the scale benchmark does; `ml-100k` is the real u1 split. `--threshold inf` runs the classic kernels (the code
 * before the streamed ones existed: the same functions are still there), `default` the library default. Prints one
 * JSON object with ms/epoch and G multiply-adds/s per side (cost model in cost.ts).
 */
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadData, loadMovieLensSplit, type PreparedData, readDescriptorFile } from 'rsattae';
import { type Side, sideData, type TrainedAutoencoder, trainAutoencoder, trainAutoencoderInWorker } from '../../src/nn/index.js';
import { chooseOrientation, STREAM_THRESHOLD_BYTES } from '../../src/nn/network.js';
import { epochCost } from './cost.js';

const { values: args } = parseArgs({
  options: {
    data: { type: 'string', default: 'ml-100k' },
    epochs: { type: 'string', default: '4' },
    threshold: { type: 'string', default: 'default' },
    dim: { type: 'string', default: '64' },
    seed: { type: 'string', default: '42' },
    sequential: { type: 'boolean', default: false },
    'data-dir': { type: 'string', default: process.env.RSATTAE_DATA_DIR ?? '/work/shared/datasets' },
  },
});
const epochs = Number(args.epochs);
const dim = Number(args.dim);
const seed = Number(args.seed);
const threshold = args.threshold === 'default' ? STREAM_THRESHOLD_BYTES : args.threshold === 'inf' ? Number.POSITIVE_INFINITY : Number(args.threshold);
const SIDES: Side[] = ['users', 'movies'];

async function main(): Promise<void> {
  const load = args.data === 'ml-100k';
  const prepared: PreparedData = load
    ? await loadMovieLensSplit({ dataset: 'ml-100k', split: 'u1', valFraction: 0.1, seed, dataDir: args['data-dir'], fetch: false })
    : await loadData(await readDescriptorFile(join(args.data, 'dataset.json')), { dataDir: args.data, fetch: false, seed });
  const { data } = prepared;
  const loadBefore = loadavg();
  const t0 = performance.now();
  const config = { model: 'attention' as const, dim, epochs, patience: 0 };
  const opts = { streamThresholdBytes: threshold };
  const train = args.sequential ? trainAutoencoder : trainAutoencoderInWorker;
  const trained: TrainedAutoencoder[] = [];
  if (args.sequential) for (const side of SIDES) trained.push(await train(sideData(data, side), config, opts));
  else trained.push(...(await Promise.all(SIDES.map((side) => train(sideData(data, side), config, opts)))));
  const wallSeconds = (performance.now() - t0) / 1000;
  const nTrain = data.train.rating.length;
  const nVal = data.validation.rating.length;
  const sides = Object.fromEntries(
    SIDES.map((side, i) => {
      const t = trained[i];
      const n = side === 'users' ? data.nUsers : data.nItems;
      const m = side === 'users' ? data.nItems : data.nUsers;
      const cost = epochCost({ n, nf: t.shape.nf, d: dim, groups: t.groups, nnzTrain: nTrain, nnzValidation: nVal });
      return [
        side,
        {
          n,
          m,
          orientation: chooseOrientation(n, m, 2 * dim, threshold),
          msPerEpoch: Math.round(t.msPerEpoch),
          gmacPerSecond: Number((cost.total / (t.msPerEpoch * 1e6)).toFixed(2)),
          // the bit-identity check across runs: same seed, same losses whatever the orientation
          trainLoss: Array.from(t.history.trainLoss),
          validationRmse: Array.from(t.history.validationRmse),
        },
      ];
    }),
  );
  process.stdout.write(
    `${JSON.stringify({
      benchmark: 'scale-kernels',
      date: new Date().toISOString(),
      command: `node dist/bench/scale/kernels.js ${process.argv.slice(2).join(' ')}`,
      data: { source: args.data, users: data.nUsers, items: data.nItems, train: nTrain, validation: nVal },
      config: { model: 'attention', dim, epochs, parallel: !args.sequential, threshold: args.threshold, thresholdBytes: String(threshold) },
      loadAverageBefore: loadBefore,
      loadAverageAfter: loadavg(),
      wallSeconds: Number(wallSeconds.toFixed(1)),
      sides,
    })}\n`,
  );
}

await main();
