import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { needsRealData, REPO_ROOT, realDataDir, tempDir } from './data/helpers.js';

const example = readFileSync(join(REPO_ROOT, 'examples', 'library.ts'), 'utf8');

test("the README's library example is examples/library.ts verbatim", () => {
  const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
  const body = example.slice(example.indexOf('\n') + 1);
  assert.ok(readme.includes(`\`\`\`ts\n${body}\`\`\``), 'README.md and examples/library.ts differ');
});

test('the library example runs as written', { skip: needsRealData() }, async () => {
  const tmp = await tempDir();
  try {
    const r = spawnSync(process.execPath, [join(REPO_ROOT, 'dist', 'examples', 'library.js')], {
      cwd: tmp.path,
      encoding: 'utf8',
      env: { ...process.env, RSATTAE_DATA_DIR: realDataDir() },
    });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^test \{ rmse: 0\.9\d+, mae: 0\.\d+, count: 20000 \}$/);
    assert.equal(lines.at(-1), 'true');
  } finally {
    await tmp.cleanup();
  }
});
