/**
 * Report fixtures: experiment records in the format `rsattae experiment` writes (runKey/recordPath), with plausible
 * numbers for every experiment, a fold-in results file shaped like bench/coldstart's, an evaluate --json output, and
 * the mark counts each chart must draw for them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { RSAttAE } from 'rsattae';
import { type ExperimentName, type RunConfig, recordPath, runKey } from 'rsattae/experiment';
import { synthetic } from '../pipeline/synthetic.js';

export const SEEDS = [1, 2, 3];
export const DIMS = [16, 32, 64, 128, 256];
export const EPOCHS = 40;
export const MACHINE = 'Fixture CPU <x86>, 2 cores, 8 GB, Linux 6.1, Node v20.0.0';
/** The settings every fixture run records, as `rsattae experiment` does at the paper's configuration. */
const PAPER = { dataset: 'ml-100k', split: 'u1', epochs: 1000, trees: 1900, valFraction: 0.1 };
/** The date every fixture record finished (so captions are predictable). */
export const FINISHED = '2026-11-20T10:30:00.000Z';
/** Table III methods measured in the fixture; the last one's `<` and `&` check escaping. */
export const TABLE3_METHODS = ['rsattae', 'svd', 'svdpp', 'item-kNN <k=40 & shrink>'];
/** RSAttAE's test RMSE per seed in the fixture (mean 0.9012). */
export const RSATTAE_TEST = [0.9, 0.9012, 0.9024];

function meta(experiment: ExperimentName, seed?: number): Record<string, unknown> {
  return {
    command: `rsattae experiment ${experiment} --out experiments${seed === undefined ? '' : ` --seeds ${seed}`}`,
    startedAt: '2026-11-20T10:00:00.000Z',
    finishedAt: FINISHED,
    seconds: 1800,
    machine: MACHINE,
    version: '0.1.0',
  };
}

/** Writes one record as `rsattae experiment` does. */
export async function writeRecord(dir: string, experiment: ExperimentName, config: RunConfig, result: Record<string, unknown>): Promise<void> {
  const key = runKey(experiment, config);
  const file = recordPath(dir, experiment, key);
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify({ experiment, key, config, result, meta: meta(experiment, config.seed as number | undefined) }));
}

/** A smooth validation curve falling from ~1.3 to `floor`, with a seed-dependent wobble. */
function curve(floor: number, speed: number, seed: number): number[] {
  return Array.from({ length: EPOCHS }, (_, e) => floor + 0.4 * Math.exp(-e / speed) + 0.004 * Math.sin(e * 0.7 + seed));
}

/** Writes records of `experiments` (default all six) under `dir`. */
export async function writeRecords(dir: string, experiments: readonly ExperimentName[] = ['fig2', 'fig4a', 'fig4b', 'table2', 'table3', 'cv']): Promise<void> {
  const want = new Set(experiments);
  if (want.has('fig2')) {
    await writeRecord(dir, 'fig2', { dataset: 'ml-100k' }, {
      distributions: [
        { side: 'users', feature: 'age', bins: ['<18', '18-24', '25-34', '35-44', '45-49', '50-55', '56+'].map((label, i) => ({ label, count: [54, 220, 300, 180, 80, 60, 49][i] })) },
        { side: 'users', feature: 'gender', bins: [{ label: 'M', count: 670 }, { label: 'F', count: 273 }] },
        { side: 'items', feature: 'genre', bins: ['Drama', 'Comedy', 'Action', 'Thriller', 'Romance'].map((label, i) => ({ label, count: [725, 505, 251, 251, 247][i] })) },
      ],
    });
  }
  for (const seed of SEEDS) {
    if (want.has('fig4a')) {
      for (const side of ['users', 'movies']) {
        for (const dim of DIMS) {
          const base = side === 'users' ? 0.95 : 0.9;
          await writeRecord(dir, 'fig4a', { ...PAPER, side, dim, seed }, { bestValRmse: base + 0.00003 * (Math.log2(dim) - 6) ** 2 * 100 + seed * 0.001, bestEpoch: 30 + seed });
        }
      }
    }
    if (want.has('fig4b')) {
      for (const side of ['users', 'movies']) {
        for (const model of ['attention', 'vanilla']) {
          await writeRecord(dir, 'fig4b', { ...PAPER, side, model, seed }, { valRmse: curve(model === 'attention' ? 0.93 : 0.97, model === 'attention' ? 6 : 14, seed) });
        }
      }
    }
    if (want.has('table2')) {
      for (const setup of [1, 2, 3, 4]) await writeRecord(dir, 'table2', { ...PAPER, setup, nEstimators: 1100 + 200 * setup, seed }, { valRmse: 0.9 - setup * 0.001 + seed * 0.0005 });
    }
    if (want.has('table3')) {
      for (const [m, method] of TABLE3_METHODS.entries()) {
        const testRmse = method === 'rsattae' ? RSATTAE_TEST[seed - 1] : 0.92 + m * 0.005 + seed * 0.001;
        await writeRecord(dir, 'table3', { ...PAPER, method, seed }, { valRmse: testRmse - 0.02, testRmse, testMae: testRmse * 0.79, fitSeconds: 10 * (m + 1) });
      }
    }
  }
  if (want.has('cv')) {
    for (const fold of [1, 2, 3, 4, 5]) {
      for (const method of ['rsattae', 'svd']) {
        await writeRecord(dir, 'cv', { method, split: `u${fold}`, seed: 42 }, { testRmse: (method === 'svd' ? 0.935 : 0.905) + fold * 0.001, fitSeconds: 5 });
      }
    }
  }
}

/** Writes a fold-in study shaped like bench/coldstart/results.json; returns its path. */
export async function writeColdStart(dir: string): Promise<string> {
  const k = [0, 1, 3, 5, 10, 20];
  const side = (base: number) => ({
    heldOut: 90,
    scoredEntities: 88,
    scoredRatings: 8000,
    k,
    rmse: {
      'attention, alpha mix (default)': k.map((x) => base - 0.002 * x),
      'global mean': k.map(() => base + 0.12),
      'vanilla-AE model, encoder fold-in': k.map((x) => base + 0.3 - 0.01 * x),
    },
    ceilingRetrainedWithFirst20: base - 0.05,
  });
  const file = join(dir, 'coldstart.json');
  await writeFile(
    file,
    JSON.stringify({ date: '2026-11-29T16:53:04.265Z', machine: { cpu: 'AMD EPYC', cores: 2, memGB: 24, node: 'v20.20.2' }, command: 'node dist/bench/coldstart/bench.js --study users,items', users: side(1.16), items: side(0.98) }),
  );
  return file;
}

/** Writes an `rsattae evaluate --json` output with ranking metrics; returns its path. */
export async function writeEvaluation(dir: string): Promise<string> {
  const file = join(dir, 'evaluation.json');
  const ranking = { k: 10, relevance: 4, users: 456, usersWithoutRelevant: 3, catalogue: 1682, predictions: 700000, precision: 0.1737, recall: 0.0701, ndcg: 0.1896, map: 0.1058, hitRate: 0.6118, coverage: 0.1736 };
  await writeFile(file, JSON.stringify({ dataset: 'ml-100k', split: 'u1', test: { rmse: 0.9123, mae: 0.7177, count: 20000 }, ranking, unknown: { ratings: 0, users: 0, items: 0 } }));
  return file;
}

/**
 * The data marks each chart draws for the full fixture (as the SVG holds them: one path per line or area, one
 * element per point, bar, rule or label), worked out from the fixture, not from the renderer.
 */
export const EXPECTED_MARKS: Readonly<Record<string, Readonly<Record<string, number>>>> = {
  // bars: 7 age bins + 2 genders + 5 genres
  fig2: { rect: 14 },
  // per side: a band, a mean line, a point per dim; plus the paper's two diamonds
  fig4a: { area: 2, line: 2, symbol: 2 * DIMS.length + 2 },
  // per side × model: a band and a line
  fig4b: { area: 4, line: 4 },
  // bars: 4 ours + 4 table row + 2 text; ranges over 3 seeds on our 4; a label per bar
  table2: { rect: 10, rule: 4, text: 10 },
  // our 4 methods with ranges; symbols: 4 ours + 7 published
  table3: { rule: 4, symbol: 11 },
  // 2 methods with ranges over 5 folds
  cv: { rule: 2, symbol: 2 },
  // 2 sides × (validation, training) lines; a kept-epoch dot per side
  training: { line: 4, symbol: 2 },
  // 6 metrics: a bar and a label each
  ranking: { rect: 6, text: 6 },
  // 2 sides × 3 methods: a line and 6 points each; a ceiling rule per side
  coldstart: { line: 6, symbol: 36, rule: 2 },
};

/** Trains a tiny model (20 epochs, 20 trees) and saves it under `dir`: a bundle with learning curves. */
export async function writeModel(dir: string): Promise<string> {
  const out = join(dir, 'model');
  const model = await RSAttAE.fit(synthetic(40, 50, 8).data, {
    seed: 2,
    autoencoder: { dim: 8, epochs: 20, learningRate: 0.01, parallel: false },
    xgboost: { nEstimators: 20, learningRate: 0.1, maxDepth: 4, nThread: 1 },
  });
  try {
    await model.save(out);
  } finally {
    model.dispose();
  }
  return out;
}
