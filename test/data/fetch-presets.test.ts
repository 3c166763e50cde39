/** Downloads of the presets checked by archive hash (ml-1m, ml-10m, …), from a local server with fixture zips. */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { DownloadError, fetchDataset } from '../../src/data/fetch.js';
import { loadPreset } from '../../src/data/presets.js';
import { DATASETS } from '../../src/data/registry.js';
import { localServer, tempDir } from './helpers.js';

const sha = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

// big enough (about 3 MB unzipped) that each kept file is inflated and written in several pieces
const ratings = Array.from({ length: 120_000 }, (_, k) => `${1 + (k % 3)}::${1 + (k % 40_000)}::${1 + (k % 5)}::${978300760 + k}`).join('\n');
const ML1M: Record<string, Buffer> = {
  'ratings.dat': Buffer.from(`${ratings}\n`, 'latin1'),
  'users.dat': Buffer.from('1::F::1::10::48067\n2::M::56::16::70072\n3::M::25::15::55117\n', 'latin1'),
  'movies.dat': Buffer.from('1::Caf\u00e9 (1995)::Comedy\n2::Heat (1995)::Action|Crime|Thriller\n', 'latin1'),
};

function zipOf(top: string, contents: Record<string, Uint8Array>): Buffer {
  const entries: Record<string, Uint8Array> = {};
  for (const [k, v] of Object.entries(contents)) entries[`${top}/${k}`] = v;
  // a file not kept, as the real archives have (README, tags, genome…): skipped, never inflated
  entries[`${top}/tags.dat`] = Buffer.from('1::1::funny::978300760\n');
  return Buffer.from(zipSync(entries));
}

const ml1m = zipOf('ml-1m', ML1M);
const ml10m = zipOf('ml-10M100K', { 'ratings.dat': Buffer.from('1::122::4.5::838985046\n'), 'movies.dat': Buffer.from('122::Boomerang (1992)::Comedy|Romance\n') });
const ml1mMissing = zipOf('ml-1m', { 'ratings.dat': ML1M['ratings.dat'], 'movies.dat': ML1M['movies.dat'] });

let closeServer: () => Promise<void>;
let base: string;
let tmp: { path: string; cleanup: () => Promise<void> };
let n = 0;
const freshDir = (): string => join(tmp.path, `d${n++}`);

before(async () => {
  tmp = await tempDir();
  const zips: Record<string, Buffer> = { '/ml-1m.zip': ml1m, '/ml-10m.zip': ml10m, '/ml-1m-missing.zip': ml1mMissing };
  ({ base, close: closeServer } = await localServer((req, res) => {
    const body = zips[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200, { 'Content-Type': 'application/zip', 'Content-Length': body?.length ?? 0 });
    res.end(body);
  }));
});

after(async () => {
  await closeServer();
  await tmp.cleanup();
});

describe('fetchDataset for archive-hash presets', () => {
  test('ml-1m: archive hash checked, kept files streamed out of the zip, loadable', async () => {
    const dataDir = freshDir();
    const dir = await fetchDataset('ml-1m', { dataDir, url: `${base}/ml-1m.zip`, archiveSha256: sha(ml1m) });
    assert.equal(dir, join(dataDir, 'ml-1m'));
    assert.deepEqual((await readdir(dir)).sort(), ['movies.dat', 'ratings.dat', 'users.dat']);
    for (const [name, bytes] of Object.entries(ML1M)) assert.equal(sha(await readFile(join(dir, name))), sha(bytes), name);
    assert.deepEqual(await readdir(dataDir), ['ml-1m'], 'no partial folder left behind');
    const ds = await loadPreset('ml-1m', dir);
    assert.equal(ds.ratings.rating.length, 120_000);
    assert.equal(ds.itemTitles?.[0], 'Caf\u00e9 (1995)');
  });

  test('ml-10m: the top folder inside the archive is ml-10M100K', async () => {
    const dataDir = freshDir();
    const dir = await fetchDataset('ml-10m', { dataDir, url: `${base}/ml-10m.zip` });
    assert.deepEqual((await readdir(dir)).sort(), ['movies.dat', 'ratings.dat']);
    assert.equal((await loadPreset('ml-10m', dir)).ratings.rating[0], 4.5);
  });

  test('the registry hash is the default, and the env override only changes the URL', async () => {
    const dataDir = freshDir();
    const before = process.env.RSATTAE_ML1M_URL;
    process.env.RSATTAE_ML1M_URL = `${base}/ml-1m.zip`;
    try {
      await assert.rejects(fetchDataset('ml-1m', { dataDir }), (err: unknown) => {
        assert.ok(err instanceof DownloadError);
        assert.equal(
          err.message,
          `archive from ${base}/ml-1m.zip failed verification: SHA-256 ${sha(ml1m)}, expected ${DATASETS['ml-1m'].archiveSha256}`,
        );
        return true;
      });
    } finally {
      if (before === undefined) delete process.env.RSATTAE_ML1M_URL;
      else process.env.RSATTAE_ML1M_URL = before;
    }
    assert.deepEqual(await readdir(dataDir), [], 'nothing left behind');
  });

  test('a kept file missing from the archive fails verification', async () => {
    const dataDir = freshDir();
    await assert.rejects(
      fetchDataset('ml-1m', { dataDir, url: `${base}/ml-1m-missing.zip`, archiveSha256: null }),
      /archive from .*ml-1m-missing\.zip failed verification: users\.dat is missing/,
    );
    assert.deepEqual(await readdir(dataDir), []);
  });
});
