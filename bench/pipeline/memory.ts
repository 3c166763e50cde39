/**
 * Where `rsattae train`'s memory goes: RSS, V8 heap and ArrayBuffer bytes at each stage boundary of one fit on
 * ML-100K u1 (the process's peak RSS is only ever the maximum of these plus transients inside a stage). Prints JSON.
 *
 *   node --expose-gc dist/bench/pipeline/memory.js [--epochs 1000] [--trees 1900] [--data-dir DIR]
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMovieLensSplit, RSAttAE } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const MB = (n: number): number => Math.round(n / 2 ** 20);
const gc = (globalThis as { gc?: () => void }).gc;

interface Sample {
  readonly at: string;
  readonly rssMB: number;
  readonly peakRssMB: number;
  readonly heapUsedMB: number;
  readonly externalMB: number;
  readonly arrayBuffersMB: number;
}

const samples: Sample[] = [];
function sample(at: string): void {
  gc?.();
  const m = process.memoryUsage();
  samples.push({
    at,
    rssMB: MB(m.rss),
    peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    heapUsedMB: MB(m.heapUsed),
    externalMB: MB(m.external),
    arrayBuffersMB: MB(m.arrayBuffers),
  });
}

async function main(): Promise<void> {
  const epochs = Number(arg('epochs', '1000'));
  const trees = Number(arg('trees', '1900'));
  const dataDir = arg('data-dir', process.env.RSATTAE_DATA_DIR ?? join(ROOT, '..', 'shared', 'datasets'));
  sample('start');
  const { data, test } = await loadMovieLensSplit({ dataset: 'ml-100k', split: 'u1', valFraction: 0.1, seed: 42, dataDir });
  sample('data loaded');
  const model = await RSAttAE.fit(data, { seed: 42, autoencoder: { epochs }, xgboost: { nEstimators: trees } }, { onStage: (s) => sample(`before ${s}`) });
  sample('fit done');
  const rmse = model.evaluate(test).rmse;
  sample('evaluated');
  model.dispose();
  sample('disposed');
  process.stdout.write(`${JSON.stringify({ benchmark: 'pipeline-memory', date: new Date().toISOString(), epochs, trees, testRmse: rmse, gcExposed: gc !== undefined, samples })}\n`);
}

await main();
