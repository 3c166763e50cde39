/**
 * What fsync costs a bundle save: one model fitted on ML-100K u1 (d = 64, a few epochs, `--trees` trees of depth 9,
 * so xgboost.ubj has a realistic size), then saved `--repeats` times with fsync and as often with FileHandle.sync
 * turned into a no-op, alternating, each over an existing bundle in `models/` (where `rsattae train` saves: the
 * real disk, not a tmpfs). Prints JSON.
 *
 *   node dist/bench/bundle/save.js [--repeats 10] [--trees 400] [--data-dir DIR]
 */
import { open, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadMovieLensSplit, RSAttAE } from '../../src/index.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

async function bundleBytes(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    files++;
    bytes += (await stat(join(e.parentPath, e.name))).size;
  }
  return { files, bytes };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number): number => Number(x.toFixed(1));

const repeats = Number(arg('repeats', '10'));
const trees = Number(arg('trees', '400'));
const dataDir = arg('data-dir', process.env.RSATTAE_DATA_DIR ?? join(ROOT, '..', 'shared', 'datasets'));

const { data } = await loadMovieLensSplit({ dataset: 'ml-100k', split: 'u1', valFraction: 0.1, seed: 42, dataDir, fetch: false });
const model = await RSAttAE.fit(data, { autoencoder: { epochs: 3 }, xgboost: { nEstimators: trees } });
const work = join(ROOT, 'models', `bench-save-${process.pid}`);
const target = join(work, 'model');

// every fsync in src/ goes through FileHandle.sync: swapping it for a no-op gives the same save without fsync
const probe = await open(join(ROOT, 'package.json'), 'r');
const proto = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
await probe.close();
const realSync = proto.sync;
const noSync = async (): Promise<void> => undefined;

const ms: { fsync: number[]; noFsync: number[] } = { fsync: [], noFsync: [] };
try {
  await model.save(target); // warm-up, and the existing bundle every timed save replaces
  for (let r = 0; r < repeats; r++) {
    for (const mode of r % 2 === 0 ? (['fsync', 'noFsync'] as const) : (['noFsync', 'fsync'] as const)) {
      proto.sync = mode === 'fsync' ? realSync : noSync;
      const t0 = performance.now();
      await model.save(target);
      ms[mode].push(performance.now() - t0);
      proto.sync = realSync;
    }
  }
  const size = await bundleBytes(target);
  process.stdout.write(
    `${JSON.stringify(
      {
        date: new Date().toISOString(),
        node: process.version,
        repeats,
        trees,
        bundle: { files: size.files, megabytes: Number((size.bytes / 2 ** 20).toFixed(2)) },
        medianMs: { fsync: round(median(ms.fsync)), noFsync: round(median(ms.noFsync)) },
        extraMs: round(median(ms.fsync) - median(ms.noFsync)),
        ms: { fsync: ms.fsync.map(round), noFsync: ms.noFsync.map(round) },
      },
      null,
      2,
    )}\n`,
  );
} finally {
  proto.sync = realSync;
  model.dispose();
  await rm(work, { recursive: true, force: true });
}
