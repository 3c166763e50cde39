/**
 * The Bayesian FM's variants on one prepared split of a shared dataset: each configuration is fitted on train +
 * validation (as `train --algorithm bfm` fits it) and scored on the test pairs (on their days, or without them with
 * `"days": false` in a variant: the typical training day, as a served prediction). A variant with `"warm": N` is
 * fitted on the train part first and then continued from its last sample for N iterations on train + validation (the
 * stack member's refit). Prints one JSON object; each variant runs in this process, one after another.
 *
 * `--on validation` fits on the train part alone and scores the held-out validation rows instead (a warm variant then
 * scores its first fit, which is what the stack's validation sees): the figures a default should be chosen on.
 *
 *   node dist/bench/bfm/bench.js [--dataset ml-100k-u1] [--seed 42] [--on test|validation] [--data-dir DIR]
 *     [--variants '[{"name":"ordinal, no day","config":{"output":"ordinal","time":false}}]']
 */
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { errorMetrics } from '../../src/core/error-metrics.js';
import { concatRatings } from '../../src/data/split.js';
import { type BfmConfigInput, fitBfm } from '../../src/fm/index.js';
import { loadData } from '../../src/model/prepare-data.js';
import { isSharedDataset, sharedDescriptor } from '../real/datasets.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

interface Variant {
  readonly name: string;
  readonly config: BfmConfigInput;
  readonly days?: boolean;
  readonly warm?: number;
}

/** The studies behind the stack member's defaults (docs/benchmarks/accuracy.md, "The Bayesian FM alone"). */
const DEFAULT_VARIANTS: readonly Variant[] = [
  { name: 'regression, every block', config: {} },
  { name: 'regression, no day block', config: { time: false } },
  { name: 'regression, no day block, 256 iterations', config: { time: false, iterations: 256 } },
  { name: 'regression, no day block, 128 iterations', config: { time: false, iterations: 128 } },
  { name: 'ordinal, no day block, 256 iterations', config: { output: 'ordinal', time: false, iterations: 256 } },
  { name: 'ordinal, no day block', config: { output: 'ordinal', time: false } },
  { name: 'ordinal, no day block, 1024 iterations', config: { output: 'ordinal', time: false, iterations: 1024 } },
  { name: 'ordinal, no day block, continued 128 from the train part', config: { output: 'ordinal', time: false }, warm: 128 },
];

const { values: args } = parseArgs({
  options: {
    dataset: { type: 'string', default: 'ml-100k-u1' },
    seed: { type: 'string', default: '42' },
    'data-dir': { type: 'string', default: process.env.RSATTAE_DATA_DIR ?? join(ROOT, '..', 'shared', 'datasets') },
    variants: { type: 'string' },
    on: { type: 'string', default: 'test' },
  },
});

const dataset = args.dataset ?? 'ml-100k-u1';
if (!isSharedDataset(dataset)) throw new Error(`--dataset: one of the shared datasets, not ${dataset}`);
const seed = Number(args.seed);
const dataDir = args['data-dir'] as string;
const variants: readonly Variant[] = args.variants ? (JSON.parse(args.variants) as Variant[]) : DEFAULT_VARIANTS;
const p = await loadData(sharedDescriptor(dataset, dataDir), { dataDir, fetch: false, seed });
const d = p.data;
const base = { nUsers: d.nUsers, nItems: d.nItems, userFeatures: d.userFeatures, itemFeatures: d.itemFeatures, scale: d.scale };
const onValidation = args.on === 'validation';
if (!onValidation && args.on !== 'test') throw new Error(`--on: test or validation, not ${args.on}`);
const all = onValidation ? d.train : concatRatings(d.train, d.validation);
const scored = onValidation ? d.validation : p.test;
const results = variants.map((v) => {
  const t0 = performance.now();
  const config = { ...v.config, seed };
  const first = v.warm && !onValidation ? fitBfm({ ...base, train: d.train }, config) : undefined;
  const model = first
    ? fitBfm({ ...base, train: all }, { ...config, iterations: v.warm, burnIn: 0 }, { start: first.samples[first.samples.length - 1] })
    : fitBfm({ ...base, train: all }, config);
  const seconds = (performance.now() - t0) / 1000;
  const predicted = model.predict(scored.user, scored.item, v.days === false ? undefined : scored.timestamp);
  const m = errorMetrics(predicted, scored.rating);
  process.stderr.write(`${v.name}: ${m.rmse.toFixed(4)} (${seconds.toFixed(1)} s)\n`);
  return { name: v.name, config: v.config, days: v.days ?? true, warm: v.warm ?? null, [onValidation ? 'validation' : 'test']: { rmse: Number(m.rmse.toFixed(4)), mae: Number(m.mae.toFixed(4)) }, samples: model.samples.length, seconds: Number(seconds.toFixed(2)) };
});
process.stdout.write(
  `${JSON.stringify(
    {
      dataset,
      seed,
      split: p.split,
      scoredOn: onValidation ? 'validation (fitted on the train part)' : 'test (fitted on train + validation)',
      results,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
      machine: { cpus: cpus().length, memGB: Math.round(totalmem() / 2 ** 30), load: loadavg().map((x) => Number(x.toFixed(2))) },
      node: process.version,
      date: new Date().toISOString(),
    },
    null,
    2,
  )}\n`,
);
