/**
 * Autoencoder benchmark: milliseconds per epoch (training step + validation pass) of the user and movie modules on
 * ML-100K u1 at d = 64 (validation fraction 0.15, like the reference), against the PyTorch reference measured in the
 * same run; with --full, the best validation RMSE of full 1000-epoch trainings for several seeds.
 *
 *   flock /tmp/rsattae-bench.lock node dist/bench/autoencoder/bench.js [--epochs 50] [--repeats 3] [--seeds 42,1,2]
 *       [--full] [--no-reference] [--backend wasm|cpu] [--data-dir DIR]
 *
 * Runs alternate ours / reference `--repeats` times and report medians (the machine is shared and noisy). Prints one
 * JSON object and writes it to bench/autoencoder/results.json, plus a markdown section to bench/autoencoder/RESULTS.md.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../../src/data/location.js';
import { loadMovieLensSplit } from '../../src/model/movielens-split.js';
import { type BackendName, initBackend, trainAutoencoder } from '../../src/nn/index.js';
import { type Side, sideData } from '../../src/nn/side-data.js';

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '50' },
    repeats: { type: 'string', default: '3' },
    seeds: { type: 'string', default: '42,1,2' },
    full: { type: 'boolean', default: false },
    'no-reference': { type: 'boolean', default: false },
    backend: { type: 'string', default: 'wasm' },
    'data-dir': { type: 'string' },
  },
});
const epochs = Number(args.epochs);
const repeats = Number(args.repeats);
const seeds = args.seeds.split(',').map(Number);
const backend = args.backend as BackendName;
const REFERENCE = '/work/shared/bench/reference_rsattae.py';
const PYTHON = '/usr/bin/python3';
/** The reference's best validation RMSE at seed 42 (1000 epochs, measured on this machine) and the paper's. */
const REFERENCE_BEST = { users: 0.969, movies: 0.909 };
const PAPER_BEST = { users: 0.938, movies: 0.892 };
const SIDES: Side[] = ['users', 'movies'];

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
};
const r2 = (x: number): number => Number(x.toFixed(2));
const r4 = (x: number): number => Number(x.toFixed(4));
const log = (s: string): void => void process.stderr.write(`${s}\n`);

await initBackend(backend);
const dataDir = resolveDataDir(args['data-dir']);
const split = (seed: number) => loadMovieLensSplit({ dataset: 'ml-100k', split: 'u1', valFraction: 0.15, seed, dataDir, fetch: false });

async function timeOurs(side: Side, seed: number): Promise<{ compute: number; wall: number }> {
  const data = sideData((await split(seed)).data, side);
  const t0 = performance.now();
  const res = await trainAutoencoder(data, { dim: 64, epochs, seed, backend });
  const wall = (performance.now() - t0) / epochs;
  return { compute: res.msPerEpoch, wall };
}

function timeReference(): { users: number; movies: number } {
  const run = spawnSync(PYTHON, [REFERENCE, join(dataDir, 'ml-100k'), '--epochs', String(epochs), '--trees', '10', '--threads', '2'], {
    encoding: 'utf8',
    maxBuffer: 1 << 24,
  });
  if (run.status !== 0) throw new Error(`reference failed (${run.status}): ${run.stderr.slice(-2000)}`);
  const line = run.stdout.trim().split('\n').pop()!;
  const out = JSON.parse(line) as { seconds: { ae_user: number; ae_movie: number } };
  return { users: (out.seconds.ae_user * 1000) / epochs, movies: (out.seconds.ae_movie * 1000) / epochs };
}

const samples: Record<Side, { compute: number[]; wall: number[]; reference: number[] }> = {
  users: { compute: [], wall: [], reference: [] },
  movies: { compute: [], wall: [], reference: [] },
};
for (let r = 0; r < repeats; r++) {
  for (const side of SIDES) {
    const t = await timeOurs(side, 42);
    samples[side].compute.push(t.compute);
    samples[side].wall.push(t.wall);
    log(`repeat ${r + 1}: ours ${side} ${t.compute.toFixed(1)} ms/epoch compute, ${t.wall.toFixed(1)} wall`);
  }
  if (!args['no-reference']) {
    const ref = timeReference();
    for (const side of SIDES) samples[side].reference.push(ref[side]);
    log(`repeat ${r + 1}: reference users ${ref.users.toFixed(1)} ms/epoch, movies ${ref.movies.toFixed(1)}`);
  }
}

const timing: Record<string, unknown> = {};
for (const side of SIDES) {
  const s = samples[side];
  const ours = median(s.wall);
  const ref = s.reference.length ? median(s.reference) : Number.NaN;
  timing[side] = {
    oursMsPerEpoch: r2(ours),
    oursComputeMsPerEpoch: r2(median(s.compute)),
    referenceMsPerEpoch: s.reference.length ? r2(ref) : null,
    speedup: s.reference.length ? r2(ref / ours) : null,
    samples: { oursWall: s.wall.map(r2), oursCompute: s.compute.map(r2), reference: s.reference.map(r2) },
  };
}

let accuracy: Record<string, unknown> | undefined;
if (args.full) {
  accuracy = {};
  for (const side of SIDES) {
    const best: number[] = [];
    const bestEpoch: number[] = [];
    const alpha: number[] = [];
    for (const seed of seeds) {
      const res = await trainAutoencoder(sideData((await split(seed)).data, side), { dim: 64, epochs: 1000, seed, backend });
      best.push(res.bestValidationRmse);
      bestEpoch.push(res.bestEpoch);
      alpha.push(res.alpha);
      log(`full ${side} seed ${seed}: best ${res.bestValidationRmse.toFixed(4)} at ${res.bestEpoch}, alpha ${res.alpha.toFixed(3)}`);
    }
    const mean = best.reduce((a, b) => a + b, 0) / best.length;
    accuracy[side] = {
      seeds,
      bestValidationRmse: best.map(r4),
      bestEpoch,
      alpha: alpha.map(r4),
      mean: r4(mean),
      referenceSeed42: REFERENCE_BEST[side],
      paper: PAPER_BEST[side],
      noWorseThanReference: mean <= REFERENCE_BEST[side],
    };
  }
}

const cpuModel = readFileSync('/proc/cpuinfo', 'utf8').match(/model name\s*:\s*(.*)/)?.[1] ?? cpus()[0]?.model ?? 'unknown';
const result = {
  date: new Date().toISOString(),
  machine: { cpu: cpuModel, nproc: cpus().length, node: process.version },
  command: `node dist/bench/autoencoder/bench.js ${process.argv.slice(2).join(' ')}`.trim(),
  backend,
  epochs,
  repeats,
  dim: 64,
  split: 'u1',
  valFraction: 0.15,
  targets: { minSpeedup: 5, stretchMsPerEpoch: 25 },
  timing,
  ...(accuracy ? { accuracy } : {}),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);

const here = dirname(fileURLToPath(import.meta.url));
// dist/bench/autoencoder → bench/autoencoder in the source tree
const srcDir = join(here, '..', '..', '..', 'bench', 'autoencoder');
writeFileSync(join(srcDir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`);
const rows = SIDES.map((side) => {
  const t = timing[side] as { oursMsPerEpoch: number; oursComputeMsPerEpoch: number; referenceMsPerEpoch: number | null; speedup: number | null };
  return `| ${side} | ${t.oursMsPerEpoch} | ${t.oursComputeMsPerEpoch} | ${t.referenceMsPerEpoch ?? '–'} | ${t.speedup ?? '–'}x |`;
});
let md = `## Autoencoder (src/nn) — ${result.date.slice(0, 10)}\n\n`;
md += `Machine: ${cpuModel}, ${cpus().length} cores (shared), Node ${process.version}. Backend: ${backend}.\n\n`;
md += `Command: \`flock /tmp/rsattae-bench.lock ${result.command}\` (ML-100K u1, d = 64, validation 15%, ${epochs} epochs, median of ${repeats} alternating runs; reference = \`reference_rsattae.py --epochs ${epochs} --trees 10 --threads 2\`).\n\n`;
md += '| side | ours ms/epoch (wall) | ours ms/epoch (step + validation only) | reference ms/epoch | speedup |\n|---|---|---|---|---|\n';
md += `${rows.join('\n')}\n`;
if (accuracy) {
  md += '\n| side | best validation RMSE per seed | mean | reference (seed 42) | paper |\n|---|---|---|---|---|\n';
  for (const side of SIDES) {
    const a = accuracy[side] as { seeds: number[]; bestValidationRmse: number[]; mean: number; referenceSeed42: number; paper: number };
    md += `| ${side} | ${a.seeds.map((s, i) => `${s}: ${a.bestValidationRmse[i]}`).join(', ')} | ${a.mean} | ${a.referenceSeed42} | ${a.paper} |\n`;
  }
}
writeFileSync(join(srcDir, 'RESULTS.md'), md);
