/**
 * The README's "Command line" block, run as written on the real ML-100K: each `./bin/rsattae` line with the model
 * folder moved to a temporary one, `--data-dir` added, and `train` cut to a few epochs and trees so the suite stays
 * fast (the flags the README shows are all passed unchanged). `serve` is started on a free port, asked for /health
 * and a recommendation, then stopped.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { needsRealData, REPO_ROOT, realDataDir, tempDir } from './data/helpers.js';

/** The README's `./bin/rsattae …` lines of the "Command line" section's first code block, comments removed. */
function readmeCommands(): string[] {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Command line'));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  return block
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l.startsWith('./bin/rsattae '));
}

/** A command line split as the shell would (single quotes only, as the README uses). */
function shellWords(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]);
}

describe("the README's command-line block on ML-100K", { skip: needsRealData() }, () => {
  const commands = readmeCommands();
  let tmp: { path: string; cleanup: () => Promise<void> };
  let server: ChildProcess | undefined;
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => {
    server?.kill('SIGKILL');
    await tmp.cleanup();
  });

  const args = (line: string): string[] => {
    const words = shellWords(line)
      .slice(1)
      .map((w) => (w === 'models/ml-100k' ? join(tmp.path, 'ml-100k') : w));
    const extra = words[0] === 'train' ? ['--data-dir', realDataDir() as string, '--epochs', '3', '--n-estimators', '10'] : words[0] === 'serve' ? ['--port', '0'] : [];
    return [...words, ...extra];
  };

  test('the block holds train, evaluate, predict, recommend (known and new user) and serve', () => {
    assert.deepEqual(
      commands.map((c) => shellWords(c)[1]),
      ['train', 'evaluate', 'predict', 'recommend', 'recommend', 'serve'],
    );
  });

  test('each command runs as written', { timeout: 600_000 }, async () => {
    for (const line of commands) {
      const a = args(line);
      if (a[0] === 'serve') {
        server = spawn(process.execPath, [join(REPO_ROOT, 'bin', 'rsattae'), ...a], { stdio: ['ignore', 'pipe', 'pipe'] });
        const url = await new Promise<string>((resolve, reject) => {
          let err = '';
          server!.stderr!.on('data', (d: Buffer) => {
            err += d.toString();
            const m = /listening on (http:\/\/\S+)/.exec(err);
            if (m) resolve(m[1]);
          });
          server!.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
        });
        const health = await fetch(`${url}/health`);
        assert.equal(health.status, 200);
        const recs = await fetch(`${url}/v1/users/42/recommendations?k=3`);
        assert.equal(recs.status, 200, await recs.clone().text());
        server.kill('SIGTERM');
        continue;
      }
      const r = spawnSync(process.execPath, [join(REPO_ROOT, 'bin', 'rsattae'), ...a], { encoding: 'utf8', timeout: 300_000 });
      assert.equal(r.status, 0, `${line}\n${r.stderr}`);
      assert.ok(r.stdout.trim().length > 0, `${line} printed nothing`);
    }
  });
});
