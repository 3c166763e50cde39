import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { RSAttAE, type RSAttAEConfigInput } from 'rsattae';
import type { Float32Matrix } from '../../src/core/types.js';
import { boosterRows, buildRows, pairRowSource, type RowBlocks } from '../../src/model/booster-rows.js';
import { spyCallbacks } from '../gbdt/helpers.js';
import { synthetic } from './synthetic.js';

/** A matrix of distinct values, so a misplaced copy cannot go unnoticed. */
function table(rows: number, cols: number, base: number): Float32Matrix {
  return { rows, cols, data: Float32Array.from({ length: rows * cols }, (_, k) => base + k) };
}

describe('pairRowSource', () => {
  const blocks: RowBlocks = {
    userEmbeddings: table(5, 3, 0),
    userFeatures: table(5, 2, 100),
    itemEmbeddings: table(7, 4, 200),
    itemFeatures: table(7, 1, 300),
  };
  const user = Int32Array.from([0, 4, 2, 2, 1, 3, 0, 4, 1, 3, 2]);
  const item = Int32Array.from([6, 0, 3, 5, 1, 2, 2, 4, 0, 6, 1]);

  test('its batches, concatenated, are buildRows for any batch size', () => {
    const dense = buildRows(user, item, blocks);
    for (const batchRows of [1, 3, 4, 11, 100]) {
      const source = pairRowSource(user, item, blocks, undefined, batchRows);
      assert.equal(source.rows, dense.rows);
      assert.equal(source.cols, dense.cols);
      const parts: number[] = [];
      let nBatches = 0;
      // twice: XGBoost reads a source more than once, and the shared buffer must be refilled each time
      for (let pass = 0; pass < 2; pass++) {
        parts.length = 0;
        nBatches = 0;
        for (const b of source.batches()) {
          assert.equal(b.data.length, b.rows * dense.cols);
          parts.push(...b.data);
          nBatches++;
        }
        assert.deepEqual(Float32Array.from(parts), dense.data, `batchRows ${batchRows}, pass ${pass}`);
      }
      assert.equal(nBatches, Math.ceil(user.length / batchRows));
    }
  });

  test('per-pair embeddings are taken by pair index', () => {
    const perPair = { userEmbeddings: table(user.length, 3, 1000), itemEmbeddings: table(user.length, 4, 2000) };
    const dense = buildRows(user, item, blocks, perPair);
    const got: number[] = [];
    // copied as read: a batch's buffer is refilled for the next one
    for (const b of pairRowSource(user, item, blocks, perPair, 4).batches()) got.push(...b.data);
    assert.deepEqual(Float32Array.from(got), dense.data);
    assert.throws(() => pairRowSource(user.subarray(1), item.subarray(1), blocks, perPair), /per-pair embeddings have 11/);
  });

  test('boosterRows: one decision by the training size, for every set it builds', () => {
    const small = { user: user.subarray(0, 3), item: item.subarray(0, 3) };
    const isSource = (r: unknown): boolean => typeof (r as { batches?: unknown }).batches === 'function';
    // a training set at the threshold batches its validation set too, however small that one is
    const batched = boosterRows(blocks, 'hist', 10, 10);
    assert.ok(isSource(batched(small)));
    assert.ok(isSource(boosterRows(blocks, 'auto', 10, 10)(small)));
    // below it, or with a method that cannot read callback-fed data, rows are one dense matrix
    const dense = boosterRows(blocks, 'hist', 9, 10)(small);
    assert.ok(!isSource(dense));
    assert.deepEqual(dense, buildRows(small.user, small.item, blocks));
    assert.ok(!isSource(boosterRows(blocks, 'exact', 1e9, 10)(small)));
  });
});

describe('RSAttAE.fit: batched (callback-fed) XGBoost rows against the dense matrix', () => {
  const { data, test: testSet } = synthetic(40, 50, 21);
  const base: RSAttAEConfigInput = {
    preset: 'paper',
    seed: 5,
    autoencoder: { dim: 4, epochs: 8, parallel: false },
    xgboost: { nEstimators: 25, maxDepth: 4, learningRate: 0.2, colsampleBytree: 0.7, nThread: 2 },
  };
  const models: RSAttAE[] = [];
  after(() => {
    for (const m of models) m.dispose();
  });
  const fitBoth = async (config: RSAttAEConfigInput): Promise<[RSAttAE, RSAttAE]> => {
    const spy = spyCallbacks();
    try {
      const dense = await RSAttAE.fit(data, config);
      assert.equal(spy.registered, 0, 'the default keeps small data on the dense path');
      const batched = await RSAttAE.fit(data, config, { batchedRowsFrom: 0 });
      assert.equal(spy.registered, 2, 'training and validation rows both fed through the callback API');
      assert.equal(spy.released, 2);
      models.push(dense, batched);
      return [dense, batched];
    } finally {
      spy.restore();
    }
  };
  let inSample: [RSAttAE, RSAttAE];
  let outOfFold: [RSAttAE, RSAttAE];
  before(async () => {
    inSample = await fitBoth(base);
    outOfFold = await fitBoth({ ...base, embeddings: 'out-of-fold', folds: 3 });
  });

  test('identical XGBoost model, validation metrics and test predictions', () => {
    for (const [dense, batched] of [inSample, outOfFold]) {
      assert.deepEqual(batched.parts.xgb.saveModelToBuffer('json'), dense.parts.xgb.saveModelToBuffer('json'));
      assert.deepEqual(batched.report!.validation, dense.report!.validation);
      assert.deepEqual(batched.predictIndices(testSet.user, testSet.item), dense.predictIndices(testSet.user, testSet.item));
    }
    // the two embedding modes really train on different rows
    assert.notDeepEqual(outOfFold[0].parts.xgb.saveModelToBuffer('json'), inSample[0].parts.xgb.saveModelToBuffer('json'));
  });

  test('batched prediction equals one-matrix prediction', () => {
    const [dense] = inSample;
    const expected = dense.parts.xgb.predict(buildRows(testSet.user, testSet.item, dense.parts.blocks));
    assert.deepEqual(dense.predictIndices(testSet.user, testSet.item), expected);
    assert.deepEqual(dense.parts.xgb.predict(pairRowSource(testSet.user, testSet.item, dense.parts.blocks, undefined, 7)), expected);
  });
});
