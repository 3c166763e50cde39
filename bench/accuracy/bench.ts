/**
 * Accuracy variants on ML-100K (issue #13): each named variant × seed × split, its validation RMSE (held-out
 * validation rows: the encoders see the train ratings alone, as a test rating stands), its test RMSE (only with
 * --test: read once per finished candidate) and its fit seconds. Variants that change only the booster or the blend
 * share one pair of trained autoencoders per (split, seed): they are trained once with the base configuration, and
 * each variant's resolved autoencoder settings, seed and validation fraction are checked equal to that key first.
 * Blend variants reuse the booster of the variant they name (`on`): the booster does not depend on the blend (the
 * pipeline fits it first, then the blend on its held-out validation predictions), and each baseline is fitted once per
 * (split, seed) with fitBlendCandidates and shared by every blend that names it; solveBlend then is what `blend` runs.
 * Prints one JSON object and writes it to --out.
 *
 *   node dist/bench/accuracy/bench.js [--data-dir DIR] [--splits u1] [--seeds 42,1,2] [--epochs 1000]
 *     [--trees 1900] [--lr 0.01] [--variants paper,blend-svdpp,...] [--test] [--out FILE]
 */
import { cpus, loadavg } from 'node:os';
import { writeFileAtomic } from '../../src/core/atomic-fs.js';
import { errorMetrics } from '../../src/core/error-metrics.js';
import { resolveDataDir } from '../../src/data/location.js';
import { buildRows } from '../../src/model/booster-rows.js';
import { loadMovieLensSplit } from '../../src/model/movielens-split.js';
import { heldOutBlocks, RSAttAE } from '../../src/model/rsattae.js';
import { BLEND_ALGORITHMS, type BlendAlgorithm, type RSAttAEConfig, type RSAttAEConfigInput, resolveConfig } from '../../src/model/rsattae-config.js';
import { applyBlend, type BlendCandidates, fitBlendCandidates, solveBlend } from '../../src/model/stack.js';
import { trainSides } from '../../src/model/train-sides.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const flag = (name: string): boolean => process.argv.includes(`--${name}`);

const SEEDS = arg('seeds', '42,1,2').split(',').map(Number);
const SPLITS = arg('splits', 'u1').split(',');
const EPOCHS = Number(arg('epochs', '1000'));
const TREES = Number(arg('trees', '1900'));
const LR = Number(arg('lr', '0.01'));
const TEST = flag('test');
const OUT = arg('out', '');

/** A booster variant: what it changes over the base (paper) configuration, booster settings only. */
type BoosterVariant = { readonly config: RSAttAEConfigInput };
/** A blend variant: the booster of variant `on`, blended with `blend`. */
type BlendVariant = { readonly on: string; readonly blend: readonly BlendAlgorithm[] };
const ES_ROUNDS = Math.max(20, Math.round(0.5 / LR));

/** The variants by name. */
const VARIANTS: Record<string, BoosterVariant | BlendVariant> = {
  paper: { config: {} },
  // at most the paper's trees: early stopping can only cut them (and the time)
  'early-stopping': { config: { xgboost: { earlyStoppingRounds: ES_ROUNDS } } },
  'min-child-weight-10': { config: { xgboost: { minChildWeight: 10 } } },
  'colsample-0.5': { config: { xgboost: { colsampleBytree: 0.5 } } },
  'depth-6': { config: { xgboost: { maxDepth: 6 } } },
  'blend-baseline-only': { on: 'paper', blend: ['baseline-only'] },
  'blend-svd': { on: 'paper', blend: ['svd'] },
  'blend-svdpp': { on: 'paper', blend: ['svdpp'] },
  'blend-knn': { on: 'paper', blend: ['knn-baseline'] },
  'blend-svdpp-knn': { on: 'paper', blend: ['svdpp', 'knn-baseline'] },
  'blend-all': { on: 'paper', blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline'] },
  'early-stopping+blend-svdpp-knn': { on: 'early-stopping', blend: ['svdpp', 'knn-baseline'] },
  'early-stopping+blend-all': { on: 'early-stopping', blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline'] },
  attended: { config: { boosterEmbeddings: 'attended' } },
  both: { config: { boosterEmbeddings: 'both' } },
  // the booster settings over Ê, the default since 2026-11-30
  'attended+early-stopping': { config: { boosterEmbeddings: 'attended', xgboost: { earlyStoppingRounds: ES_ROUNDS } } },
  'attended+min-child-weight-10': { config: { boosterEmbeddings: 'attended', xgboost: { minChildWeight: 10 } } },
  'attended+colsample-0.5': { config: { boosterEmbeddings: 'attended', xgboost: { colsampleBytree: 0.5 } } },
  'attended+blend-all': { on: 'attended', blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline'] },
  'both+blend-all': { on: 'both', blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline'] },
};
const NAMES = arg('variants', Object.keys(VARIANTS).join(',')).split(',');
for (const v of NAMES) {
  const x = VARIANTS[v];
  if (!x) throw new Error(`unknown variant ${v}; choose from ${Object.keys(VARIANTS).join(', ')}`);
  if ('on' in x && !NAMES.slice(0, NAMES.indexOf(v)).includes(x.on)) throw new Error(`variant ${v} blends the booster of ${x.on}: list ${x.on} before it`);
}
const BLENDED = BLEND_ALGORITHMS.filter((a) => NAMES.some((v) => (VARIANTS[v] as BlendVariant).blend?.includes(a)));

const log = (msg: string): void => {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};
const round = (x: number, d = 4): number => Number(x.toFixed(d));
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
const std = (xs: number[]): number => Math.sqrt(xs.reduce((a, x) => a + (x - mean(xs)) ** 2, 0) / Math.max(1, xs.length - 1));

/** Every variant's configuration: the base (the paper's preset, with held-out validation rows), then the variant's changes. */
function configOf(seed: number, variant: RSAttAEConfigInput): RSAttAEConfig {
  return resolveConfig({
    preset: 'paper',
    seed,
    validationRows: 'held-out',
    ...variant,
    autoencoder: { epochs: EPOCHS },
    xgboost: { nEstimators: TREES, learningRate: LR, ...variant.xgboost },
  });
}

/** What the shared autoencoders depend on; a variant may only run on them when its key is the same. */
const aeKey = (c: RSAttAEConfig): string => JSON.stringify({ seed: c.seed, valFraction: c.valFraction, autoencoder: c.autoencoder });

interface Run {
  variant: string;
  split: string;
  seed: number;
  validationRmse: number;
  testRmse?: number;
  trees: number;
  /** A blend's weights: booster, each baseline, intercept. */
  weights?: number[];
  autoencoderSeconds: number;
  boosterSeconds: number;
  seconds: number;
}

/** One run's record; `test` are the test predictions when --test. */
function record(variant: string, split: string, seed: number, validationRmse: number, test: Float32Array | undefined, trees: number, aeSeconds: number, boosterSeconds: number): Run {
  return {
    variant,
    split,
    seed,
    validationRmse: round(validationRmse),
    ...(test ? { testRmse: round(errorMetrics(test, testRatings!.rating).rmse) } : {}),
    trees,
    autoencoderSeconds: round(aeSeconds, 1),
    boosterSeconds: round(boosterSeconds, 1),
    seconds: round(aeSeconds + boosterSeconds, 1),
  };
}

const runs: Run[] = [];
let testRatings: { rating: Float32Array } | undefined;
const dataDir = resolveDataDir(arg('data-dir', '') || undefined);
const started = new Date().toISOString();
const load = [loadavg()[0]];
for (const split of SPLITS) {
  for (const seed of SEEDS) {
    const base = configOf(seed, {});
    const { data, test: testSet } = await loadMovieLensSplit({ dataDir, dataset: 'ml-100k', split, valFraction: base.valFraction, seed, fetch: false });
    testRatings = testSet;
    const t0 = performance.now();
    const { parallel, ...ae } = base.autoencoder;
    const sides = await trainSides(data, ae, { parallel, seed });
    const aeSeconds = (performance.now() - t0) / 1000;
    log(`${split} seed ${seed}: autoencoders ${aeSeconds.toFixed(1)} s`);
    // each blended baseline once, timed
    const baselineSeconds: Record<string, number> = {};
    const candidates: Record<string, BlendCandidates> = {};
    for (const a of BLENDED) {
      const tb = performance.now();
      candidates[a] = fitBlendCandidates(data, [a], seed, base.bfm);
      baselineSeconds[a] = (performance.now() - tb) / 1000;
    }
    const boosters = new Map<string, { model: RSAttAE; validation: Float32Array; test?: Float32Array; seconds: number; trees: number }>();
    for (const name of NAMES) {
      const variant = VARIANTS[name];
      let run: Run;
      if ('config' in variant) {
        const cfg = configOf(seed, variant.config);
        if (aeKey(cfg) !== aeKey(base)) throw new Error(`variant ${name} changes the autoencoders; it cannot share them`);
        const model = await RSAttAE.fitBooster(data, cfg, sides);
        const seconds = model.report!.seconds.xgboost;
        const trees = model.parts.xgb.bestIteration === undefined ? cfg.xgboost.nEstimators : model.parts.xgb.bestIteration + 1;
        const test = TEST ? model.predictIndices(testSet.user, testSet.item) : undefined;
        // held-out validation rows (encoders on the train ratings alone, as this booster reads them): what blends weigh
        const xVal = buildRows(data.validation.user, data.validation.item, heldOutBlocks(model.parts.blocks, data, sides.users[0], sides.movies[0], cfg.boosterEmbeddings));
        boosters.set(name, { model, validation: model.parts.xgb.predict(xVal), test, seconds, trees });
        run = record(name, split, seed, model.report!.validation.rmse, test, trees, aeSeconds, seconds);
      } else {
        const on = boosters.get(variant.on)!;
        const pick = variant.blend.map((a) => candidates[a]);
        const { blend, validation } = solveBlend(data, on.validation, { validation: pick.flatMap((c) => c.validation), models: pick.flatMap((c) => c.models) });
        const test = on.test && applyBlend(blend, on.test, testSet.user, testSet.item);
        const seconds = on.seconds + variant.blend.reduce((t, a) => t + baselineSeconds[a], 0);
        run = { ...record(name, split, seed, errorMetrics(validation, data.validation.rating).rmse, test, on.trees, aeSeconds, seconds), weights: [...blend.weights, blend.intercept].map((w) => round(w)) };
      }
      runs.push(run);
      log(`${split} seed ${seed} ${name}: ${JSON.stringify(run)}`);
    }
    for (const b of boosters.values()) b.model.parts.xgb.dispose(); // the autoencoders are disposed below
    sides.users[0].dispose();
    sides.movies[0].dispose();
    load.push(loadavg()[0]);
  }
}

const summary = NAMES.map((variant) => {
  const mine = runs.filter((r) => r.variant === variant);
  const val = mine.map((r) => r.validationRmse);
  const tst = mine.flatMap((r) => (r.testRmse === undefined ? [] : [r.testRmse]));
  return {
    variant,
    definition: VARIANTS[variant],
    runs: mine.length,
    validationRmse: { mean: round(mean(val)), std: round(std(val)) },
    ...(tst.length > 0 ? { testRmse: { mean: round(mean(tst)), std: round(std(tst)) } } : {}),
    meanSeconds: round(mean(mine.map((r) => r.seconds)), 1),
    meanTrees: round(mean(mine.map((r) => r.trees)), 0),
  };
});
const result = {
  bench: 'accuracy',
  started,
  finished: new Date().toISOString(),
  machine: { cpus: cpus().length, loadavg1: load.map((x) => round(x, 2)) },
  settings: { splits: SPLITS, seeds: SEEDS, epochs: EPOCHS, trees: TREES, learningRate: LR, test: TEST, validationRows: 'held-out' },
  summary,
  runs,
};
const json = `${JSON.stringify(result, null, 2)}\n`;
process.stdout.write(json);
if (OUT) await writeFileAtomic(OUT, json);
