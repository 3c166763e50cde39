/** Shared test helpers for the data layer: a tiny valid ML-100K-shaped fixture and the real data location. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type RequestListener } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The 19 ML-100K genres in u.genre order. */
export const GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];

function flags(...on: number[]): string {
  return GENRES.map((_, k) => (on.includes(k) ? '1' : '0')).join('|');
}

/**
 * A tiny but complete dataset: 4 users, 5 items, 8 ratings, split u1 (6 base + 2 test). It exercises the edge
 * cases: an age above the last bin (95), a missing release date, a year before 1920 and after 2000, a one-digit day,
 * latin-1 text, a trailing blank line in u.genre.
 */
export function fixtureFiles(): Record<string, string> {
  return {
    'u.info': '4 users\n5 items\n8 ratings\n',
    'u.occupation': 'engineer\nother\nstudent\nwriter\n',
    'u.genre': `${GENRES.map((g, k) => `${g}|${k}`).join('\n')}\n\n`,
    'u.user': '1|24|M|engineer|85711\n2|53|F|other|94043\n3|10|M|student|T8H1N\n4|95|F|writer|00000\n',
    'u.item': [
      `1|Toy Story (1995)|01-Jan-1995||http://x/1|${flags(3, 4, 5)}`,
      `2|Caf\u00e9 (1915)|15-Mar-1915||http://x/2|${flags(8)}`,
      `3|Unknown||||${flags(0)}`,
      `4|Future (2005)|4-Feb-2005||http://x/4|${flags(1, 15)}`,
      `5|Another (1995)|01-Jan-1995||http://x/5|${flags(5)}`,
      '',
    ].join('\n'),
    'u.data': '1\t1\t5\t881250949\n1\t2\t3\t881250950\n2\t1\t4\t881250951\n2\t3\t1\t881250952\n3\t4\t2\t881250953\n4\t5\t5\t881250954\n4\t1\t3\t881250955\n3\t2\t4\t881250956\n',
    'u1.base': '1\t1\t5\t881250949\n1\t2\t3\t881250950\n2\t1\t4\t881250951\n2\t3\t1\t881250952\n3\t4\t2\t881250953\n4\t5\t5\t881250954\n',
    'u1.test': '4\t1\t3\t881250955\n3\t2\t4\t881250956\n',
  };
}

/** Writes the fixture (with per-file overrides) as latin-1 into `<dir>/ml-100k` and returns that folder. */
export async function writeFixture(dir: string, overrides: Record<string, string> = {}): Promise<string> {
  const ds = join(dir, 'ml-100k');
  await mkdir(ds, { recursive: true });
  for (const [name, text] of Object.entries({ ...fixtureFiles(), ...overrides })) {
    await writeFile(join(ds, name), Buffer.from(text, 'latin1'));
  }
  return ds;
}

/** A fresh temp folder, removed by the returned cleanup. */
export async function tempDir(prefix = 'rsattae-test-'): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** The repository root (tests run from dist/test/data). */
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Writes the README's generated sample (examples/make-sample.ts: ratings.csv, items.csv, users.csv) to `dir`. */
export function makeSample(dir: string): void {
  const g = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'examples', 'make-sample.js'), dir], { encoding: 'utf8' });
  if (g.status !== 0) throw new Error(`make-sample failed: ${g.stderr}`);
}

/** Where the real-data tests look for `ml-100k/`, in order. Every real-data test goes through this one list. */
function realDataCandidates(): string[] {
  return [process.env.RSATTAE_DATA_DIR, join(REPO_ROOT, '..', 'shared', 'datasets')].filter((c): c is string => !!c);
}

/**
 * The folder holding the real `ml-100k/`: `$RSATTAE_DATA_DIR` when it has it, else `../shared/datasets` beside the
 * repository; undefined when neither has it (real-data tests then skip). Tests pass it on with `--data-dir`.
 */
export function realDataDir(): string | undefined {
  return realDataCandidates().find((c) => existsSync(join(c, 'ml-100k', 'u.info')));
}

/** The skip reason for tests needing the real ML-100K, naming the folders searched; false when it is available. */
export function needsRealData(): string | false {
  if (realDataDir() !== undefined) return false;
  const where = realDataCandidates().map((c) => join(c, 'ml-100k')).join(' or ');
  return `real ML-100K not found in ${where}: set RSATTAE_DATA_DIR to a folder holding ml-100k/`;
}

/**
 * The data folder holding every one of `folders` (e.g. `flixster`, `coat`), searched as for ML-100K; undefined when
 * no candidate holds them all.
 */
export function sharedDataDir(folders: readonly string[]): string | undefined {
  return realDataCandidates().find((c) => folders.every((f) => existsSync(join(c, f))));
}

/**
 * Why tests on the shared datasets `folders` cannot run: the skip reason outside CI; under CI (`$CI` set) a missing
 * `$RSATTAE_DATA_DIR` or folder throws instead, since CI is meant to have the data and a skip there would hide that.
 * False when they are available.
 * @throws Error under CI when RSATTAE_DATA_DIR is unset or lacks one of `folders`
 */
export function needsSharedData(folders: readonly string[]): string | false {
  const env = process.env.RSATTAE_DATA_DIR;
  if (process.env.CI) {
    if (!env) throw new Error(`CI is set but RSATTAE_DATA_DIR is not: the shared datasets (${folders.join(', ')}) are required in CI`);
    const missing = folders.filter((f) => !existsSync(join(env, f)));
    if (missing.length > 0) throw new Error(`CI is set but RSATTAE_DATA_DIR=${env} lacks ${missing.join(', ')}`);
    return false;
  }
  if (sharedDataDir(folders) !== undefined) return false;
  const where = realDataCandidates().join(' or ') || join(REPO_ROOT, '..', 'shared', 'datasets');
  return `shared datasets (${folders.join(', ')}) not found in ${where}: set RSATTAE_DATA_DIR to the folder holding them`;
}

/** A local HTTP server on 127.0.0.1 for download tests: its base URL, and a close that drops open connections. */
export async function localServer(handler: RequestListener): Promise<{ base: string; close: () => Promise<void> }> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
