import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, mock, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { zipSync } from 'fflate';
import { CRASH_ENV, CRASH_POINTS } from '../../src/core/crash.js';
import { InputError } from '../../src/core/errors.js';
import { DownloadError, ensureDataset, fetchDataset, verifyDataset } from '../../src/data/fetch.js';
import { loadMovieLens100K } from '../../src/data/movielens-parsers.js';
import type { DatasetName } from '../../src/data/registry.js';
import { needsProcFd, watchFsyncs } from '../util/fsync-spy.js';
import { fixtureFiles, localServer, REPO_ROOT, tempDir } from './helpers.js';

const files = Object.fromEntries(Object.entries(fixtureFiles()).map(([k, v]) => [k, Buffer.from(v, 'latin1')]));
const hashes = Object.fromEntries(Object.entries(files).map(([k, v]) => [k, createHash('sha256').update(v).digest('hex')]));

function zipOf(contents: Record<string, Uint8Array>): Buffer {
  const entries = Object.fromEntries(Object.entries(contents).map(([k, v]) => [`ml-100k/${k}`, v]));
  // the real archive also holds helper scripts that are not in the hash table: they must be skipped
  entries['ml-100k/mku.sh'] = Buffer.from('#!/bin/sh\n');
  return Buffer.from(zipSync(entries));
}

const good = zipOf(files);
const corrupt = zipOf({ ...files, 'u.data': Buffer.from(files['u.data'].toString('latin1').replace('5', '4'), 'latin1') });
const missingFile = zipOf(Object.fromEntries(Object.entries(files).filter(([k]) => k !== 'u.item')));

let closeServer: () => Promise<void>;
let base: string;
let tmp: { path: string; cleanup: () => Promise<void> };
let n = 0;
const freshDir = (): string => join(tmp.path, `d${n++}`);

before(async () => {
  tmp = await tempDir();
  ({ base, close: closeServer } = await localServer((req, res) => {
    const send = (body: Buffer): void => {
      res.writeHead(200, { 'Content-Type': 'application/zip', 'Content-Length': body.length });
      res.end(body);
    };
    switch (req.url) {
      case '/good.zip':
        return send(good);
      case '/chunked.zip':
        res.writeHead(200, { 'Content-Type': 'application/zip' });
        res.write(good.subarray(0, 1000));
        return void res.end(good.subarray(1000));
      case '/corrupt.zip':
        return send(corrupt);
      case '/missing-file.zip':
        return send(missingFile);
      case '/garbage.zip':
        return send(Buffer.from('this is not a zip archive at all'));
      case '/truncated.zip':
        res.writeHead(200, { 'Content-Length': good.length });
        res.write(good.subarray(0, 500));
        setTimeout(() => res.socket?.destroy(), 20);
        return;
      case '/hang-body.zip':
        res.writeHead(200, { 'Content-Length': good.length });
        res.write(good.subarray(0, 100));
        return; // and never another byte
      case '/hang-headers.zip':
        return; // never answers
      default:
        res.writeHead(404, { 'Content-Type': 'text/plain' });
        res.end('not found');
    }
  }));
});

after(async () => {
  await closeServer();
  await tmp.cleanup();
});

describe('fetchDataset', () => {
  test('downloads, verifies, extracts only hashed files and renames into place', async () => {
    const dataDir = freshDir();
    const progress: [number, number | undefined][] = [];
    const dir = await fetchDataset('ml-100k', {
      dataDir,
      url: `${base}/good.zip`,
      expectedHashes: hashes,
      onProgress: (r, t) => progress.push([r, t]),
    });
    assert.equal(dir, join(dataDir, 'ml-100k'));
    assert.deepEqual(await readdir(dataDir), ['ml-100k'], 'no temp leftovers');
    assert.deepEqual((await readdir(dir)).sort(), Object.keys(files).sort());
    assert.deepEqual(progress.at(-1), [good.length, good.length]);
    const ds = await loadMovieLens100K(dir);
    assert.equal(ds.users.length, 4);
    assert.deepEqual(await verifyDataset(dir, hashes), { ok: true, problems: [] });
    await writeFile(join(dir, 'u.info'), '4 users\n5 items\n9 ratings\n');
    const v = await verifyDataset(dir, hashes);
    assert.equal(v.ok, false);
    assert.match(v.problems.join(), /^u\.info: SHA-256 [0-9a-f]{64} differs from/);
    await assert.rejects(fetchDataset('ml-100k', { dataDir, url: `${base}/good.zip`, expectedHashes: hashes }), (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /ml-100k already exists; remove it to download again/);
      return true;
    });
  });

  test('works without Content-Length and through RSATTAE_ML100K_URL', async () => {
    const dataDir = freshDir();
    const saved = process.env.RSATTAE_ML100K_URL;
    process.env.RSATTAE_ML100K_URL = `${base}/chunked.zip`;
    try {
      const progress: [number, number | undefined][] = [];
      await fetchDataset('ml-100k', { dataDir, expectedHashes: hashes, onProgress: (r, t) => progress.push([r, t]) });
      assert.deepEqual(progress.at(-1), [good.length, undefined]);
    } finally {
      if (saved === undefined) delete process.env.RSATTAE_ML100K_URL;
      else process.env.RSATTAE_ML100K_URL = saved;
    }
    assert.deepEqual(await readdir(dataDir), ['ml-100k']);
  });

  const failures: [string, string, RegExp][] = [
    ['404', '/nope.zip', /download of http:\/\/127\.0\.0\.1:\d+\/nope\.zip failed: HTTP 404 Not Found/],
    ['truncated', '/truncated.zip', /was truncated: connection lost after 500 of \d+ bytes/],
    ['corrupted (hash mismatch)', '/corrupt.zip', /failed verification: u\.data has SHA-256 [0-9a-f]{64}, expected [0-9a-f]{64}/],
    ['a file missing from the archive', '/missing-file.zip', /failed verification: u\.item is missing/],
    ['not a zip', '/garbage.zip', /is not a valid zip file/],
    ['hung before headers', '/hang-headers.zip', /timed out: no data for 300 ms \(before a response arrived, received 0 bytes\)/],
    ['hung mid-body', '/hang-body.zip', /timed out: no data for 300 ms \(after 100 bytes, received 100 of \d+ bytes\)/],
  ];
  for (const [what, path, message] of failures) {
    test(`${what}: clear error, no dataset folder, no temp leftovers`, async () => {
      const dataDir = freshDir();
      const t0 = Date.now();
      await assert.rejects(
        fetchDataset('ml-100k', { dataDir, url: `${base}${path}`, expectedHashes: hashes, timeoutMs: 300 }),
        (e: Error) => {
          assert.ok(e instanceof DownloadError, `expected a DownloadError, got ${e}`);
          assert.match(e.message, message);
          return true;
        },
      );
      assert.ok(Date.now() - t0 < 5000);
      assert.deepEqual(await readdir(dataDir), []);
    });
  }

  test('the connection being refused is reported with its cause', async () => {
    const dataDir = freshDir();
    // a port that was free a moment ago: nothing listens there
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    await assert.rejects(
      fetchDataset('ml-100k', { dataDir, url: `http://127.0.0.1:${port}/x.zip`, expectedHashes: hashes }),
      /failed before a response arrived: fetch failed \(.*ECONNREFUSED/,
    );
    assert.deepEqual(await readdir(dataDir), []);
  });

  test('every extracted file and the folders are fsynced before and after the rename', { skip: needsProcFd }, async () => {
    const dataDir = freshDir();
    await mkdir(dataDir);
    const synced = await watchFsyncs(dataDir);
    try {
      await fetchDataset('ml-100k', { dataDir, url: `${base}/good.zip`, expectedHashes: hashes });
    } finally {
      mock.restoreAll();
    }
    const staged = synced.find((p) => p.endsWith('/ml-100k') && p.includes('/.ml-100k.partial-'));
    assert.ok(staged, synced.join(', '));
    for (const f of Object.keys(files)) assert.ok(synced.includes(`${staged}/${f}`), `${f} fsynced before the rename`);
    assert.equal(synced.at(-1), dataDir, 'the data folder is fsynced after the rename');
  });

  test('unknown dataset names are an InputError listing the known ones', async () => {
    await assert.rejects(fetchDataset('ml-2m' as DatasetName, { dataDir: freshDir() }), /unknown dataset "ml-2m"; known datasets: ml-100k, ml-1m, ml-10m, ml-20m, ml-25m, ml-latest-small/);
  });
});

describe('ensureDataset', () => {
  test('uses an existing folder, downloads a missing one only when allowed', async () => {
    const dataDir = freshDir();
    await assert.rejects(ensureDataset('ml-100k', { dataDir, fetch: false }), (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /dataset ml-100k not found in .*; run "rsattae data fetch ml-100k" or pass --data-dir/);
      return true;
    });
    const dir = await ensureDataset('ml-100k', { dataDir, fetch: true, url: `${base}/good.zip`, expectedHashes: hashes });
    assert.equal(dir, join(dataDir, 'ml-100k'));
    // present now: no download is attempted (this URL would 404)
    assert.equal(await ensureDataset('ml-100k', { dataDir, fetch: true, url: `${base}/nope.zip` }), dir);
  });
});

// fetches argv[3] into the data folder argv[2] with the fixture's hashes (argv[4]), printing "receiving" once
const FETCH_CHILD = `
const { fetchDataset } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'data', 'fetch.js')).href)});
let said = false;
await fetchDataset('ml-100k', {
  dataDir: process.argv[2], url: process.argv[3], expectedHashes: JSON.parse(process.argv[4]), timeoutMs: 60000,
  onProgress: () => { if (!said) { said = true; process.stdout.write('receiving\\n'); } },
});
`;

describe('interrupted downloads', () => {
  let child: string;
  before(async () => {
    child = join(tmp.path, 'fetch-child.mjs');
    await writeFile(child, FETCH_CHILD);
  });

  /** Starts a child fetching `path` into `dataDir`; spawned asynchronously, as this process serves the download. */
  function startFetch(dataDir: string, path: string, crashAt?: string) {
    const env = { ...process.env, [CRASH_ENV]: crashAt ?? '' };
    return spawn(process.execPath, [child, dataDir, `${base}${path}`, JSON.stringify(hashes)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  }

  for (const point of [CRASH_POINTS.fetchReceiving, CRASH_POINTS.fetchStaged]) {
    test(`killed at ${point}: no dataset folder; the next fetch removes the dead one's partial folder`, async () => {
      const dataDir = freshDir();
      const proc = startFetch(dataDir, '/good.zip', point);
      const [, signal] = (await once(proc, 'exit')) as [number | null, string | null];
      assert.equal(signal, 'SIGKILL');
      const left = await readdir(dataDir);
      assert.equal(left.length, 1, left.join());
      assert.match(left[0], new RegExp(`^\\.ml-100k\\.partial-${proc.pid}-`));
      await fetchDataset('ml-100k', { dataDir, url: `${base}/good.zip`, expectedHashes: hashes });
      assert.deepEqual(await readdir(dataDir), ['ml-100k']);
    });
  }

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    test(`${signal} mid-download removes the partial folder and still ends the process`, async () => {
      const dataDir = freshDir();
      const proc = startFetch(dataDir, '/hang-body.zip');
      const exited = once(proc, 'exit');
      await once(proc.stdout, 'data');
      assert.equal((await readdir(dataDir)).length, 1, 'the partial folder exists while receiving');
      proc.kill(signal);
      const [, got] = (await exited) as [number | null, string | null];
      assert.equal(got, signal, 'the process dies of the signal as it would without the cleanup');
      assert.deepEqual(await readdir(dataDir), []);
    });
  }

  test("a live process's partial folder is left alone", async () => {
    const dataDir = freshDir();
    const live = `.ml-100k.partial-${process.pid}-abcdef`;
    await mkdir(join(dataDir, live), { recursive: true });
    await fetchDataset('ml-100k', { dataDir, url: `${base}/good.zip`, expectedHashes: hashes });
    assert.deepEqual((await readdir(dataDir)).sort(), [live, 'ml-100k'].sort());
  });
});
