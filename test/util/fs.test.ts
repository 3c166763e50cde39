/**
 * Durability of the atomic writes: every file is fsynced before the rename that publishes it, and the folder
 * holding the rename after it. A power loss can't be simulated here, so the test watches the fsync calls
 * themselves (see fsync-spy.ts).
 */
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, mock, test } from 'node:test';
import { writeDirAtomic, writeFileAtomic } from '../../src/core/atomic-fs.js';
import { tempDir } from '../data/helpers.js';
import { needsProcFd, watchFsyncs } from './fsync-spy.js';

describe('atomic writes fsync before they rename', { skip: needsProcFd }, () => {
  let tmp: { path: string; cleanup: () => Promise<void> };
  let synced: string[] = [];
  before(async () => {
    tmp = await tempDir();
    synced = await watchFsyncs(tmp.path);
  });
  after(async () => {
    mock.restoreAll();
    await tmp?.cleanup();
  });

  test('writeDirAtomic: each file and folder in the staging folder, then the parent', async () => {
    synced.length = 0;
    const parent = join(tmp.path, 'dir');
    const target = join(parent, 'bundle');
    await writeDirAtomic(target, async (dir) => {
      await writeFile(join(dir, 'a.bin'), 'a');
      await mkdir(join(dir, 'sub'));
      await writeFile(join(dir, 'sub', 'b.json'), '{}');
    });
    assert.equal(await readFile(join(target, 'sub', 'b.json'), 'utf8'), '{}');
    const staging = synced.find((p) => /\/\.bundle\.tmp-\d+-[0-9a-f]+$/.test(p));
    assert.ok(staging, `the staging folder was fsynced: ${synced.join(', ')}`);
    // before the rename they still sit in the staging folder: proof they were synced before it
    for (const f of ['a.bin', 'sub/b.json', 'sub']) assert.ok(synced.includes(`${staging}/${f}`), `${f} fsynced in staging`);
    assert.equal(synced.at(-1), parent, 'the parent folder is fsynced after the rename');
  });

  test('writeFileAtomic: the temp file, then the folder', async () => {
    synced.length = 0;
    const file = join(tmp.path, 'file.txt');
    await writeFileAtomic(file, 'hello');
    assert.equal(await readFile(file, 'utf8'), 'hello');
    assert.equal(synced.length, 2, synced.join(', '));
    assert.match(synced[0], /\/\.file\.txt\.tmp-\d+-[0-9a-f]+$/);
    assert.equal(synced[1], tmp.path);
  });
});
