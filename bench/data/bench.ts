/**
 * Ratings readers benchmark: how fast `readRatingsFile` reads a 1M-rating CSV, on its byte-level fast path (plain
 * file) and through csv-parse (the same ratings with every field quoted), against the ML-100K loader on the real
 * u.data. Each measurement runs in its own child process so its peak RSS is its own; the figure is the median of
 * `--repeats` runs. Prints JSON and writes it to `--out`.
 *
 * The generated file has string ids as real exports do (`u_12345`, `tt0012345`), half stars, a header and
 * timestamps; users rate 1..200 items each, items come from 60 000.
 *
 * Usage: flock /tmp/rsattae-bench.lock node dist/bench/data/bench.js [--ratings 1000000] [--repeats 3]
 *          [--large 20000000] [--out bench/data/results.json] [--data-dir DIR]
 *   --large N  also read an N-rating plain CSV (ML-20M size: 20000263), to show memory stays bounded by the arrays
 */
import { spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRng } from '../../src/core/rng.js';
import { IdMap } from '../../src/data/dataset.js';
import { readRatingsFile } from '../../src/data/delimited.js';
import { loadDataset } from '../../src/data/descriptor.js';
import { loadMovieLens100K } from '../../src/data/movielens-parsers.js';
import { prepareData } from '../../src/model/prepare-data.js';
import { peakRssMB } from '../rss.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SELF = fileURLToPath(import.meta.url);

const { values: args } = parseArgs({
  options: {
    ratings: { type: 'string', default: '1000000' },
    repeats: { type: 'string', default: '3' },
    out: { type: 'string' },
    large: { type: 'string', default: '0' },
    'data-dir': { type: 'string', default: process.env.RSATTAE_DATA_DIR ?? path.join(ROOT, '..', 'shared', 'datasets') },
    // child modes
    child: { type: 'string' },
    file: { type: 'string' },
    engine: { type: 'string', default: 'auto' },
  },
});

/** One measurement, as a child prints it. */
interface Measurement {
  readonly ms: number;
  /** User + system CPU time: less sensitive than wall time to other processes on a shared machine. */
  readonly cpuMs: number;
  readonly ratings: number;
  readonly peakRssMB: number;
  readonly engine?: string;
}

async function child(mode: string, file: string): Promise<Measurement> {
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const cpuMs = (): number => {
    const d = process.cpuUsage(cpu0);
    return (d.user + d.system) / 1000;
  };
  if (mode === 'read') {
    const engine = args.engine as 'auto' | 'fast' | 'csv';
    const r = await readRatingsFile(file, { users: new IdMap(), items: new IdMap(), engine });
    return { ms: performance.now() - t, cpuMs: cpuMs(), ratings: r.ratings.rating.length, peakRssMB: peakRssMB(), engine: r.engine };
  }
  if (mode === 'prepare') {
    // the whole way to RSAttAE.fit's input: ratings + item table read, split, validation held out, features encoded
    const ds = await loadDataset(
      { ratings: file, itemFeatures: { file: path.join(path.dirname(file), 'items.csv'), columns: 'movieId:id,genres:multi(|),year:numeric' } },
      { dataDir: tmpdir(), fetch: false },
    );
    const p = prepareData(ds, { split: 'random:0.1', valFraction: 0.1, seed: 42 });
    const n = p.data.train.rating.length + p.data.validation.rating.length + p.test.rating.length;
    return { ms: performance.now() - t, cpuMs: cpuMs(), ratings: n, peakRssMB: peakRssMB() };
  }
  const ds = await loadMovieLens100K(file);
  const r = await ds.readRatings('u.data');
  return { ms: performance.now() - t, cpuMs: cpuMs(), ratings: r.rating.length, peakRssMB: peakRssMB() };
}

/** Writes items.csv beside `ratings` for the 60 000 generated items: genres and a release year. */
function generateItems(dir: string): void {
  const rng = createRng(7);
  const genres = ['Action', 'Comedy', 'Drama', 'Horror', 'Romance', 'Sci-Fi', 'Thriller', 'Animation'];
  const lines = ['movieId,genres,year'];
  for (let i = 0; i < 60_000; i++) {
    const g = genres.filter(() => rng.next() < 0.2).join('|');
    lines.push(`tt${String(i).padStart(7, '0')},${g},${1920 + rng.nextInt(100)}`);
  }
  writeFileSync(path.join(dir, 'items.csv'), `${lines.join('\n')}\n`);
}

/** Writes the plain and (unless null) the all-quoted variant of an `n`-rating CSV. */
async function generate(n: number, plain: string, quoted: string | null): Promise<void> {
  const a = createWriteStream(plain);
  const b = createWriteStream(quoted ?? '/dev/null');
  const rng = createRng(42);
  const u = (): number => rng.next();
  a.write('userId,movieId,rating,timestamp\n');
  b.write('"userId","movieId","rating","timestamp"\n');
  let pa: string[] = [];
  let pb: string[] = [];
  for (let user = 0, k = 0; k < n; user++) {
    const m = 1 + Math.floor(u() * 200);
    const id = `u_${String(user).padStart(5, '0')}`;
    for (let j = 0; j < m && k < n; j++, k++) {
      // distinct items per user: a stride through 60 000
      const item = `tt${String((j * 7919 + user * 13) % 60_000).padStart(7, '0')}`;
      const rating = (1 + Math.floor(u() * 10)) / 2;
      const ts = 900_000_000 + Math.floor(u() * 500_000_000);
      pa.push(`${id},${item},${rating},${ts}\n`);
      pb.push(`"${id}","${item}","${rating}","${ts}"\n`);
      if (pa.length === 10_000) {
        // respect backpressure: the parent's memory must not grow with the file (nor its peak show in the children)
        const fa = a.write(pa.join(''));
        const fb = b.write(pb.join(''));
        if (!fa) await once(a, 'drain');
        if (!fb) await once(b, 'drain');
        pa = [];
        pb = [];
      }
    }
  }
  a.write(pa.join(''));
  b.write(pb.join(''));
  await Promise.all([new Promise((r) => a.end(r)), new Promise((r) => b.end(r))]);
}

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function measure(label: string, mode: string, file: string, engine: string, repeats: number): Record<string, unknown> {
  const runs: Measurement[] = [];
  for (let r = 0; r < repeats; r++) {
    const res = spawnSync(process.execPath, [SELF, '--child', mode, '--file', file, '--engine', engine], { encoding: 'utf8' });
    if (res.status !== 0) throw new Error(`${label} failed: ${res.stderr}`);
    runs.push(JSON.parse(res.stdout) as Measurement);
  }
  const ms = median(runs.map((m) => m.ms));
  const n = runs[0].ratings;
  const out = {
    ratings: n,
    engine: runs[0].engine,
    medianMs: Math.round(ms),
    ratingsPerSecond: Math.round((n / ms) * 1000),
    medianCpuMs: Math.round(median(runs.map((m) => m.cpuMs))),
    ratingsPerCpuSecond: Math.round((n / median(runs.map((m) => m.cpuMs))) * 1000),
    medianPeakRssMB: median(runs.map((m) => m.peakRssMB)),
    runsMs: runs.map((m) => Math.round(m.ms)),
  };
  process.stderr.write(`${label}: ${JSON.stringify(out)}\n`);
  return out;
}

async function main(): Promise<void> {
  if (args.child !== undefined) {
    process.stdout.write(`${JSON.stringify(await child(args.child, args.file ?? ''))}\n`);
    return;
  }
  const n = Number(args.ratings);
  const repeats = Number(args.repeats);
  const dir = mkdtempSync(path.join(tmpdir(), 'rsattae-bench-data-'));
  try {
    const plain = path.join(dir, 'ratings.csv');
    const quoted = path.join(dir, 'ratings-quoted.csv');
    await generate(n, plain, quoted);
    generateItems(dir);
    const results: Record<string, unknown> = {
      plainCsv: measure('plain CSV (fast path)', 'read', plain, 'auto', repeats),
      plainCsvThroughCsvParse: measure('plain CSV (csv-parse)', 'read', plain, 'csv', repeats),
      quotedCsv: measure('quoted CSV (csv-parse)', 'read', quoted, 'auto', repeats),
      readAndEncode: measure('plain CSV + items.csv, read, split and encoded (prepareData)', 'prepare', plain, 'auto', repeats),
    };
    const large = Number(args.large);
    if (large > 0) {
      const big = path.join(dir, 'large.csv');
      await generate(large, big, null);
      results.largeCsv = measure(`${large}-rating CSV (fast path)`, 'read', big, 'auto', repeats);
      rmSync(big);
    }
    const ml = path.join(args['data-dir'], 'ml-100k');
    try {
      results.ml100kLoader = measure('ML-100K u.data, loadMovieLens100K', 'ml100k', ml, 'auto', repeats);
      results.ml100kReadRatingsFile = measure('ML-100K u.data, readRatingsFile', 'read', path.join(ml, 'u.data'), 'auto', repeats);
    } catch (err) {
      results.ml100k = `skipped: ${(err as Error).message.split('\n')[0]}`;
    }
    const report = {
      benchmark: 'data-readers',
      date: new Date().toISOString(),
      machine: { cpus: cpus().length, cpu: cpus()[0]?.model, node: process.version, loadAverage: loadavg() },
      command: `node dist/bench/data/bench.js --ratings ${n} --repeats ${repeats}${large > 0 ? ` --large ${large}` : ''}`,
      ratings: n,
      repeats,
      results,
    };
    const json = `${JSON.stringify(report, null, 2)}\n`;
    process.stdout.write(json);
    if (args.out !== undefined) writeFileSync(args.out, json);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
