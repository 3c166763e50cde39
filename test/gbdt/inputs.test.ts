import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import type { Float32Matrix } from '../../src/core/types.js';
import { XGBRegressor, type XGBRegressorParams } from '../../src/gbdt/index.js';
import { nonlinear } from './helpers.js';

const { X, y } = nonlinear(200, 4, 7);
const dir = mkdtempSync(path.join(tmpdir(), 'rsattae-gbdt-inputs-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Asserts an InputError whose message matches `pattern`. */
function inputError(fn: () => unknown, pattern: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
    assert.match(e.message, pattern);
    return true;
  });
}

describe('XGBRegressor parameter validation', () => {
  test('unknown parameters are rejected with the list of valid ones and a hint', () => {
    inputError(() => new XGBRegressor({ max_depth: 3 } as unknown as XGBRegressorParams), /"max_depth" \(did you mean maxDepth\?\).*valid parameters are: nEstimators, maxDepth/);
    inputError(() => new XGBRegressor({ nJobs: 2 } as unknown as XGBRegressorParams), /did you mean nThread/);
    inputError(() => new XGBRegressor({ foo: 1 } as unknown as XGBRegressorParams), /unknown XGBRegressor parameter "foo"; valid/);
  });

  test('out-of-range and mistyped values are rejected', () => {
    inputError(() => new XGBRegressor({ nEstimators: 0 }), /nEstimators/);
    inputError(() => new XGBRegressor({ nEstimators: 2.5 }), /nEstimators/);
    inputError(() => new XGBRegressor({ maxDepth: -1 }), /maxDepth/);
    inputError(() => new XGBRegressor({ subsample: 0 }), /subsample/);
    inputError(() => new XGBRegressor({ colsampleBytree: 1.5 }), /colsampleBytree/);
    inputError(() => new XGBRegressor({ learningRate: Number.NaN }), /learningRate/);
    inputError(() => new XGBRegressor({ regAlpha: -3 }), /regAlpha/);
    inputError(() => new XGBRegressor({ nThread: 0 }), /nThread/);
    inputError(() => new XGBRegressor({ seed: -1 }), /seed/);
    inputError(() => new XGBRegressor({ treeMethod: 'gpu_hist' as 'hist' }), /treeMethod/);
    inputError(() => new XGBRegressor({ objective: 'binary:logistic' as 'reg:squarederror' }), /objective/);
    inputError(() => new XGBRegressor({ maxDepth: '6' as unknown as number }), /maxDepth/);
  });

  test('the problems are data too: code and path of each issue', () => {
    const issues = (fn: () => unknown): [string, readonly PropertyKey[]][] => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof InputError);
        return e.issues.map((i) => [i.code, i.path]);
      }
      assert.fail('expected an InputError');
    };
    assert.deepEqual(issues(() => new XGBRegressor({ maxDepth: -1, subsample: 2 })), [['too_small', ['maxDepth']], ['too_big', ['subsample']]]);
    assert.deepEqual(issues(() => new XGBRegressor({ foo: 1 } as unknown as XGBRegressorParams)), [['unrecognized_keys', ['foo']]]);
    assert.deepEqual(issues(() => new XGBRegressor(7 as unknown as XGBRegressorParams)), [['invalid_type', []]]);
  });

  test('defaults follow the scikit-learn wrapper; undefined means default', () => {
    const p = new XGBRegressor({ maxDepth: undefined }).params;
    assert.equal(p.nEstimators, 100);
    assert.equal(p.maxDepth, 6);
    assert.equal(p.learningRate, 0.3);
    assert.equal(p.treeMethod, 'hist');
    assert.equal(p.objective, 'reg:squarederror');
    assert.equal(p.evalMetric, 'rmse');
    assert.equal(p.seed, 0);
    assert.ok(p.nThread >= 1);
  });
});

describe('XGBRegressor input validation (before any native call)', () => {
  const m = new XGBRegressor({ nEstimators: 3 });
  const bad = (over: Partial<Float32Matrix>): Float32Matrix => ({ ...X, ...over });

  test('shape mismatches', () => {
    inputError(() => m.fit(bad({ rows: 199 }), y.subarray(0, 199)), /length 800 but rows \* cols = 199 \* 4 = 796/);
    inputError(() => m.fit(bad({ data: X.data.subarray(1) }), y), /length 799/);
    inputError(() => m.fit(X, y.subarray(1)), /y has 199 labels but there are 200 rows/);
    inputError(() => m.fit(bad({ cols: 0, rows: 200, data: new Float32Array(0) }), y), /invalid shape/);
    inputError(() => m.fit(bad({ rows: 1.5 }), y), /invalid shape/);
    inputError(() => m.fit(bad({ data: Array.from(X.data) as unknown as Float32Array }), y), /Float32Array/);
  });

  test('zero rows', () => {
    inputError(() => m.fit({ rows: 0, cols: 4, data: new Float32Array(0) }, new Float32Array(0)), /X has zero rows/);
    inputError(
      () => m.fit(X, y, { evalSet: [{ rows: 0, cols: 4, data: new Float32Array(0) }, new Float32Array(0)] }),
      /evalSet X has zero rows/,
    );
  });

  test('non-finite labels and infinite features', () => {
    for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e300]) {
      const yy = Float64Array.from(y);
      yy[17] = v;
      inputError(() => m.fit(X, yy), /y\[17\] is .*labels must be finite/);
    }
    const xx = Float32Array.from(X.data);
    xx[4 * 9 + 2] = Number.POSITIVE_INFINITY;
    inputError(() => m.fit(bad({ data: xx }), y), /infinite value at row 9, column 2 \(use NaN for missing values\)/);
  });

  test('eval set and early stopping options', () => {
    const narrow: Float32Matrix = { rows: 200, cols: 3, data: new Float32Array(600) };
    inputError(() => m.fit(X, y, { evalSet: [narrow, y] }), /evalSet X has 3 columns but X has 4/);
    inputError(() => m.fit(X, y, { evalSet: [X, y.subarray(2)] }), /evalSet y has 198 labels/);
    inputError(() => m.fit(X, y, { earlyStoppingRounds: 5 }), /needs an evalSet/);
    inputError(() => m.fit(X, y, { evalSet: [X, y], earlyStoppingRounds: 0 }), /positive integer/);
    assert.equal(m.isFitted, false);
  });

  test('predict: column count must match training; save needs .json or .ubj', () => {
    m.fit(X, y);
    inputError(() => m.predict({ rows: 2, cols: 5, data: new Float32Array(10) }), /5 columns but the model was trained on 4/);
    inputError(() => m.predict({ rows: 2, cols: 4, data: new Float32Array(7) }), /length 7/);
    inputError(() => m.saveModel(path.join(dir, 'model.bin')), /must end in \.json or \.ubj/);
    inputError(() => m.saveModel(path.join(dir, 'no-such-dir', 'model.json')), /cannot write model/);
    inputError(() => XGBRegressor.loadModel(path.join(dir, 'missing.json')), /cannot read model/);
    inputError(() => XGBRegressor.loadModelFromBuffer(new Uint8Array(0)), /empty/);
    inputError(() => m.featureImportance('nope' as 'gain'), /importance type/);
    m.dispose();
  });

  test('a corrupt model buffer surfaces the native error with the function name', () => {
    assert.throws(
      () => XGBRegressor.loadModelFromBuffer(new TextEncoder().encode('{"not": "a model"}')),
      (e: unknown) => {
        assert.ok(e instanceof Error);
        assert.equal(e.name, 'XGBoostError');
        assert.match(e.message, /^XGBoosterLoadModelFromBuffer failed: ./);
        return true;
      },
    );
  });
});
