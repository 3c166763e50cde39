/**
 * Crash safety of model bundles, by fault injection: a child process saves a bundle over an existing one and is
 * killed (SIGKILL, via RSATTAE_TEST_CRASH_AT) at each step of the write. The target must then load as the complete
 * old or the complete new bundle, and the next save must work and leave no leftovers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { RSAttAE } from 'rsattae';
import { CRASH_ENV, CRASH_POINTS } from '../../src/core/crash.js';
import { REPO_ROOT, tempDir } from '../data/helpers.js';
import { synthetic } from './synthetic.js';

const TINY = (seed: number) => ({
  seed,
  autoencoder: { dim: 4, epochs: 3, parallel: false },
  xgboost: { nEstimators: 5, maxDepth: 3, nThread: 1 },
});

// loads the bundle argv[2] and saves it to argv[3]: a save of "new" over whatever argv[3] holds
const CHILD = `
const { RSAttAE } = await import(${JSON.stringify(pathToFileURL(join(REPO_ROOT, 'dist', 'src', 'index.js')).href)});
const m = await RSAttAE.load(process.argv[2], { autoencoders: true });
await m.save(process.argv[3]);
m.dispose();
`;

describe('bundle writes killed at every step', () => {
  const { data, test: testSet } = synthetic(30, 40, 5);
  let oldModel: RSAttAE;
  let newModel: RSAttAE;
  let tmp: { path: string; cleanup: () => Promise<void> };
  let child: string;
  let newBundle: string;
  let n = 0;
  const predictions = (m: RSAttAE): Float32Array => m.predictIndices(testSet.user, testSet.item);

  before(async () => {
    tmp = await tempDir();
    oldModel = await RSAttAE.fit(data, TINY(1));
    newModel = await RSAttAE.fit(data, TINY(2));
    assert.notDeepEqual(predictions(oldModel), predictions(newModel), 'the two bundles are told apart by their predictions');
    newBundle = join(tmp.path, 'new-bundle');
    await newModel.save(newBundle);
    child = join(tmp.path, 'save.mjs');
    await writeFile(child, CHILD);
  });
  after(async () => {
    oldModel?.dispose();
    newModel?.dispose();
    await tmp?.cleanup();
  });

  /** A fresh folder holding `model` (the old bundle) unless `withOld` is false; returns [parent, target]. */
  async function setUp(withOld = true): Promise<[string, string]> {
    const parent = join(tmp.path, `case-${n++}`);
    await mkdir(parent);
    const target = join(parent, 'model');
    if (withOld) await oldModel.save(target);
    return [parent, target];
  }

  function saveNewAndCrash(target: string, point: string): void {
    const r = spawnSync(process.execPath, [child, newBundle, target], { encoding: 'utf8', env: { ...process.env, [CRASH_ENV]: point } });
    assert.equal(r.signal, 'SIGKILL', `the save should have been killed at ${point}: status ${r.status}, ${r.stderr}`);
  }

  async function assertHolds(target: string, want: RSAttAE): Promise<void> {
    const loaded = await RSAttAE.load(target, { autoencoders: true });
    try {
      assert.deepEqual(predictions(loaded), predictions(want));
    } finally {
      loaded.dispose();
    }
  }

  const expected = [
    [CRASH_POINTS.dirStaged, 'old'],
    [CRASH_POINTS.dirOldMoved, 'old'],
    [CRASH_POINTS.dirNewInPlace, 'new'],
  ] as const;
  for (const [point, holds] of expected) {
    test(`killed at ${point}: loads as the complete ${holds} bundle, and leftovers go`, async () => {
      const [parent, target] = await setUp();
      saveNewAndCrash(target, point);
      assert.ok((await readdir(parent)).some((f) => f.startsWith('.model.')), 'the killed save left its folder behind');
      await assertHolds(target, holds === 'old' ? oldModel : newModel);
      assert.deepEqual(await readdir(parent), ['model'], 'loading cleared the dead save’s leftovers');
    });
  }

  test('killed with the old bundle moved aside: the next save (not only a load) recovers and replaces it', async () => {
    const [parent, target] = await setUp();
    saveNewAndCrash(target, CRASH_POINTS.dirOldMoved);
    await newModel.save(target);
    assert.deepEqual(await readdir(parent), ['model']);
    await assertHolds(target, newModel);
  });

  test('killed before the first bundle was in place: still no bundle, and no leftovers after a load attempt', async () => {
    const [parent, target] = await setUp(false);
    saveNewAndCrash(target, CRASH_POINTS.dirOldMoved);
    await assert.rejects(RSAttAE.load(target), /no manifest\.json here/);
    assert.deepEqual(await readdir(parent), []);
  });

  test("a live writer's staging folder is left alone", async () => {
    const [parent, target] = await setUp();
    const live = join(parent, `.model.tmp-${process.pid}-0000`);
    await mkdir(live);
    await assertHolds(target, oldModel);
    assert.deepEqual((await readdir(parent)).sort(), [live.slice(parent.length + 1), 'model'].sort());
  });
});
