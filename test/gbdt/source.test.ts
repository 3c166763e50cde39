import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import type { Float32Matrix } from '../../src/core/types.js';
import { matrixSource, type RowSource, XGBRegressor, type XGBRegressorParams } from '../../src/gbdt/index.js';
import { nonlinear, spyCallbacks } from './helpers.js';

const train = nonlinear(6000, 8, 11, { missing: 0.01 });
const valid = nonlinear(1500, 8, 12, { missing: 0.01 });
const params: XGBRegressorParams = { nEstimators: 40, maxDepth: 5, learningRate: 0.1, colsampleBytree: 0.6, subsample: 0.8, nThread: 2 };

/** Fits, then returns the predictions on `valid` and the saved JSON model. */
function fitted(X: Float32Matrix | RowSource, opts: { evalSource?: boolean } = {}): { pred: Float32Array; model: string; evals: readonly number[] } {
  const m = new XGBRegressor(params);
  try {
    const evalX = opts.evalSource ? matrixSource(valid.X, 500) : valid.X;
    m.fit(X, train.y, { evalSet: [evalX, valid.y] });
    return { pred: m.predict(valid.X), model: Buffer.from(m.saveModelToBuffer('json')).toString('utf8'), evals: m.evalsResult.eval };
  } finally {
    m.dispose();
  }
}

/** A source that refills one buffer for every batch, as a memory-bounded producer would. */
function reusingSource(X: Float32Matrix, batchRows: number): RowSource {
  return {
    rows: X.rows,
    cols: X.cols,
    *batches() {
      const buf = new Float32Array(batchRows * X.cols);
      for (let r = 0; r < X.rows; r += batchRows) {
        const n = Math.min(batchRows, X.rows - r);
        buf.set(X.data.subarray(r * X.cols, (r + n) * X.cols));
        yield { rows: n, data: buf.subarray(0, n * X.cols) };
      }
    },
  };
}

describe('RowSource (callback-fed QuantileDMatrix)', () => {
  const dense = fitted(train.X);

  test('gives the bit-identical model of the dense DMatrix, for one batch and for many', () => {
    // libxgboost 1.7.4 sketches quantiles with the same container for both paths, so the cuts, trees and
    // predictions are identical, not merely close.
    for (const batchRows of [6000, 1024, 333]) {
      const viaSource = fitted(matrixSource(train.X, batchRows));
      assert.equal(viaSource.model, dense.model, `model differs with ${batchRows}-row batches`);
      assert.deepEqual(viaSource.pred, dense.pred);
    }
  });

  test('a producer reusing one buffer gives the same model (XGBoost copies each batch before asking for the next)', () => {
    assert.equal(fitted(reusingSource(train.X, 700)).model, dense.model);
  });

  test('an eval set given as a source shares the training cuts (dense or source training): same eval curve and model', () => {
    for (const X of [matrixSource(train.X, 2000), train.X]) {
      const viaSource = fitted(X, { evalSource: true });
      assert.equal(viaSource.evals.length, params.nEstimators);
      assert.deepEqual(viaSource.evals, dense.evals);
      assert.equal(viaSource.model, dense.model);
    }
  });

  test('fitAsync takes a source too', async () => {
    const m = new XGBRegressor(params);
    after(() => m.dispose());
    await m.fitAsync(matrixSource(train.X, 1500), train.y, { evalSet: [valid.X, valid.y] });
    assert.deepEqual(m.predict(valid.X), dense.pred);
  });

  test('predict over a source (batch by batch) equals the dense prediction', () => {
    const m = new XGBRegressor(params);
    after(() => m.dispose());
    m.fit(train.X, train.y);
    const expected = m.predict(valid.X);
    assert.deepEqual(m.predict(reusingSource(valid.X, 128)), expected);
    assert.deepEqual(m.predict(matrixSource({ rows: 0, cols: 8, data: new Float32Array(0) }, 10)), new Float32Array(0));
    const short: RowSource = { rows: 10, cols: 8, batches: () => [{ rows: 10, data: new Float32Array(79) }] };
    assert.throws(() => m.predict(short), (e: Error) => e instanceof InputError && /has 79 values/.test(e.message));
  });

  test('an error thrown by the batch generator is reported, and the callbacks are released', () => {
    const spy = spyCallbacks();
    try {
      for (const failAfter of [0, 2]) {
        const boom = new Error(`generator failed after ${failAfter} batches`);
        const failing: RowSource = {
          rows: train.X.rows,
          cols: 8,
          *batches() {
            let k = 0;
            for (const b of matrixSource(train.X, 1000).batches()) {
              if (k++ === failAfter) throw boom;
              yield b;
            }
          },
        };
        const m = new XGBRegressor(params);
        assert.throws(
          () => m.fit(failing, train.y),
          (e: Error) => e.cause === boom && e.message.includes('the row source failed') && e.message.includes(boom.message),
        );
        assert.equal(m.isFitted, false);
        // the same model trains normally afterwards
        m.fit(matrixSource(train.X, 3000), train.y);
        assert.deepEqual(m.predict(valid.X).length, valid.X.rows);
        m.dispose();
      }
      assert.equal(spy.registered, 4);
      assert.equal(spy.released, 4);
    } finally {
      spy.restore();
    }
  });

  test('malformed batches are input errors', () => {
    const m = new XGBRegressor(params);
    after(() => m.dispose());
    const of = (rows: number, batches: { rows: number; data: Float32Array }[]): RowSource => ({ rows, cols: 8, batches: () => batches });
    const ok = new Float32Array(80);
    const cases: [RowSource, Float32Array, RegExp][] = [
      [of(10, [{ rows: 10, data: new Float32Array(79) }]), new Float32Array(10), /batch of 10 rows has 79 values/],
      [of(20, [{ rows: 10, data: ok }]), new Float32Array(20), /batches hold 10 rows but the source declares 20/],
      [of(10, [{ rows: 10, data: ok }, { rows: 10, data: ok }]), new Float32Array(10), /more than the declared 10 rows/],
      [of(10, [{ rows: 10, data: Float32Array.from(ok, (_, i) => (i === 17 ? Infinity : 0)) }]), new Float32Array(10), /infinite value at row 2, column 1/],
    ];
    for (const [source, y, message] of cases) {
      assert.throws(() => m.fit(source, y), (e: Error) => e instanceof InputError && message.test(e.message));
    }
  });

  test('a source needs the hist tree method', () => {
    const m = new XGBRegressor({ ...params, treeMethod: 'exact' });
    assert.throws(() => m.fit(matrixSource(train.X, 1000), train.y), (e: Error) => e instanceof InputError && /treeMethod 'hist'/.test(e.message));
  });
});
