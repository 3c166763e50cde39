import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { zipSync } from 'fflate';
import { needsRealData, REPO_ROOT, realDataDir, tempDir } from './helpers.js';

const BIN = join(REPO_ROOT, 'bin', 'rsattae');

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/rsattae asynchronously (a local HTTP server may be serving from this process). */
function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      env: { ...process.env, RSATTAE_DATA_DIR: '', XDG_CACHE_HOME: '/nonexistent-cache', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const FILES = ['u.info', 'u.occupation', 'u.genre', 'u.user', 'u.item', 'u.data', 'u1.base', 'u1.test'];

let tmp: { path: string; cleanup: () => Promise<void> };
before(async () => {
  tmp = await tempDir();
});
after(() => tmp.cleanup());

describe('rsattae data (no data needed)', () => {
  test('unknown dataset: exit 2 listing the known ones', async () => {
    const r = await run(['data', 'info', 'nope', '--data-dir', tmp.path]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown dataset "nope"; known datasets: ml-100k/);
    assert.equal(r.stdout, '');
  });

  test('invalid option values: exit 2 with the reason', async () => {
    const cases: [string[], RegExp][] = [
      [['--val-fraction', '1.5'], /--val-fraction .*'1\.5' is invalid\. expected a number > 0 and < 1/],
      [['--seed', '4.2'], /--seed .*'4\.2' is invalid\. expected a whole number/],
      [['--split', 'u9'], /split: expected KIND:F with KIND one of random, temporal, user .* or an ML-100K split \(u1, u2, u3, u4, u5, ua, ub\)/],
      [['--timeout', '0'], /--timeout .*'0' is invalid/],
    ];
    for (const [opts, message] of cases) {
      const r = await run(['data', 'info', 'ml-100k', ...opts, '--data-dir', tmp.path]);
      assert.equal(r.code, 2, opts.join(' '));
      assert.match(r.stderr, message);
    }
  });

  test('--help works at every level', async () => {
    for (const args of [['data', '--help'], ['data', 'info', '--help'], ['data', 'fetch', '--help']]) {
      const r = await run(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.match(r.stdout, /Usage: rsattae data/);
    }
    assert.match((await run(['data', 'info', '--help'])).stdout, /--data-dir <dir>[\s\S]*RSATTAE_DATA_DIR/);
  });
});

describe('rsattae data on the real ML-100K', { skip: needsRealData() }, () => {
  test('data info --split u1 --json prints exactly one JSON object', async () => {
    const r = await run(['data', 'info', 'ml-100k', '--split', 'u1', '--json', '--data-dir', realDataDir()!]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, 1);
    const info = JSON.parse(lines[0]);
    assert.deepEqual(info, {
      dataset: 'ml-100k',
      users: 943,
      items: 1682,
      ratings: 100000,
      density: 0.063047,
      ratingScale: [1, 5],
      ratingStep: 1,
      timestamps: true,
      userFeatures: 27,
      itemFeatures: 23,
      split: { name: 'u1', valFraction: 0.1, seed: 42, train: 72000, validation: 8000, test: 20000, coldTest: { users: 0, items: 32, ratings: 32 } },
    });
    assert.equal(info.split.train + info.split.validation, 80000);
  });

  test('data info as a table', async () => {
    const r = await run(['data', 'info', 'ml-100k', '--data-dir', realDataDir()!]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^users +943$/m);
    assert.match(r.stdout, /^user features +27$/m);
    assert.match(r.stdout, /^item features +23$/m);
  });

  const broken: [string, number, (line: string) => string][] = [
    ['u1.base', 100, (l) => l.replace(/^(\d+\t\d+\t)\d/, '$1x')],
    ['u.user', 10, (l) => l.replace(/\|[MF]\|/, '|X|')],
    ['u.item', 20, (l) => l.slice(0, l.lastIndexOf('|'))],
  ];
  for (const [file, line, breakLine] of broken) {
    test(`a broken line in ${file}: exit 2 naming ${file}:${line}`, async () => {
      const dataDir = join(tmp.path, `broken-${file}`);
      const ds = join(dataDir, 'ml-100k');
      await mkdir(ds, { recursive: true });
      for (const f of FILES) {
        let bytes = await readFile(join(realDataDir()!, 'ml-100k', f));
        if (f === file) {
          const lines = bytes.toString('latin1').split('\n');
          lines[line - 1] = breakLine(lines[line - 1]);
          bytes = Buffer.from(lines.join('\n'), 'latin1');
        }
        await writeFile(join(ds, f), bytes);
      }
      const r = await run(['data', 'info', 'ml-100k', '--split', 'u1', '--data-dir', dataDir]);
      assert.equal(r.code, 2, r.stderr);
      assert.ok(r.stderr.includes(`${join(ds, file)}:${line}: `), r.stderr);
      assert.equal(r.stdout, '');
    });
  }
});

describe('rsattae data fetch from a local mirror of the real archive', { skip: needsRealData() }, () => {
  let server: Server;
  let url: string;
  before(async () => {
    const entries: Record<string, Uint8Array> = {};
    const src = join(realDataDir()!, 'ml-100k');
    for (const f of await readdir(src)) if (f !== 'SHA256SUMS') entries[`ml-100k/${f}`] = await readFile(join(src, f));
    const zip = Buffer.from(zipSync(entries, { level: 0 }));
    server = createServer((req, res) => {
      if (req.url !== '/ml-100k.zip') {
        res.writeHead(404);
        return void res.end();
      }
      res.writeHead(200, { 'Content-Length': zip.length });
      res.end(zip);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  test('fetch downloads and verifies; fetch again verifies the existing copy', async () => {
    const dataDir = join(tmp.path, 'fetched');
    const env = { RSATTAE_ML100K_URL: `${url}/ml-100k.zip` };
    const r = await run(['data', 'fetch', 'ml-100k', '--data-dir', dataDir], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /downloading ml-100k into/);
    assert.match(r.stderr, /ml-100k: downloaded and verified/);
    assert.deepEqual(await readdir(dataDir), ['ml-100k']);
    const again = await run(['data', 'fetch', 'ml-100k', '--data-dir', dataDir], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stderr, /already present and verified/);
  });

  test('info downloads a missing dataset and still prints only JSON on stdout', async () => {
    const dataDir = join(tmp.path, 'info-fetch');
    const r = await run(['data', 'info', 'ml-100k', '--json', '--data-dir', dataDir], { RSATTAE_ML100K_URL: `${url}/ml-100k.zip` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).ratings, 100000);
    assert.match(r.stderr, /downloaded and verified/);
  });

  test('a failed download exits 1 with the reason and leaves nothing behind', async () => {
    const dataDir = join(tmp.path, 'failed');
    const r = await run(['data', 'fetch', 'ml-100k', '--data-dir', dataDir], { RSATTAE_ML100K_URL: `${url}/gone.zip` });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /HTTP 404/);
    assert.ok(!existsSync(join(dataDir, 'ml-100k')));
    assert.deepEqual(await readdir(dataDir), []);
  });
});
