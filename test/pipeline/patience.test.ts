/**
 * Early stopping in the pipeline: `autoencoder.patience` unset (with the paper preset) or 0 means never stop early
 * (the paper's and reference's setting); N ≥ 1 stops a module after N epochs without a better validation RMSE; the
 * default pipeline sets 100. The fit report and the bundle manifest record it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RSAttAE, type RSAttAEConfigInput, resolveConfig } from 'rsattae';
import { readManifest } from 'rsattae/model';
import { InputError } from '../../src/core/errors.js';
import { tempDir } from '../data/helpers.js';
import { synthetic } from './synthetic.js';

describe('autoencoder.patience in the pipeline', () => {
  const { data } = synthetic(30, 40, 5);
  // a high learning rate overfits this small problem early, so a patience of 7 stops well before 200 epochs
  const config = (patience?: number): RSAttAEConfigInput => ({
    preset: 'paper',
    seed: 1,
    autoencoder: { dim: 4, epochs: 200, learningRate: 0.05, parallel: false, ...(patience === undefined ? {} : { patience }) },
    xgboost: { nEstimators: 5, maxDepth: 3, nThread: 1 },
  });
  const fits: RSAttAE[] = [];
  const fit = async (patience?: number): Promise<RSAttAE> => {
    const m = await RSAttAE.fit(data, config(patience));
    fits.push(m);
    return m;
  };
  let tmp: { path: string; cleanup: () => Promise<void> };
  before(async () => {
    tmp = await tempDir();
  });
  after(async () => {
    for (const m of fits) m.dispose();
    await tmp.cleanup();
  });

  test('resolveConfig: patience 100 by default, unset with the paper preset, accepts 0, rejects negatives', () => {
    assert.equal(resolveConfig().autoencoder.patience, 100);
    assert.equal(resolveConfig({ preset: 'paper' }).autoencoder.patience, undefined);
    assert.equal(resolveConfig({ autoencoder: { patience: 0 } }).autoencoder.patience, 0);
    assert.throws(
      () => resolveConfig({ autoencoder: { patience: -1 } }),
      (e: unknown) => e instanceof InputError && /autoencoder\.patience/.test(e.message),
    );
  });

  test('unset and 0 run every epoch, to the same model; the report says null', async () => {
    const unset = await fit();
    const off = await fit(0);
    for (const m of [unset, off]) {
      for (const s of [m.report!.autoencoders.users, m.report!.autoencoders.movies]) {
        assert.equal(s.patience, null);
        assert.equal(s.epochs, 200);
        assert.ok(s.bestEpoch < 190, `best epoch ${s.bestEpoch}: a patience of 7 would have stopped this run`);
      }
    }
    assert.deepEqual(off.predictIndices(data.validation.user, data.validation.item), unset.predictIndices(data.validation.user, data.validation.item));
  });

  test('an explicit patience stops each module that many epochs after its best, and the manifest records it', async () => {
    const m = await fit(7);
    for (const s of [m.report!.autoencoders.users, m.report!.autoencoders.movies]) {
      assert.equal(s.patience, 7);
      assert.equal(s.epochs, s.bestEpoch + 7);
    }
    await m.save(tmp.path);
    const manifest = await readManifest(tmp.path);
    assert.equal(manifest.autoencoders?.users.patience, 7);
    assert.equal(manifest.autoencoders?.movies.patience, 7);
    assert.equal(manifest.config.autoencoder.patience, 7);
  });
});
