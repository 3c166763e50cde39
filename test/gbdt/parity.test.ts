/**
 * Parity with Python: the same data and parameters through Python's `xgboost.XGBRegressor` and through ours must
 * give the same predictions (within 1e-6). Skipped, with the reason, when no Python with xgboost is available.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import type { Float32Matrix } from '../../src/core/types.js';
import { type FitOptions, XGBRegressor, type XGBRegressorParams, xgboostVersion } from '../../src/gbdt/index.js';
import { findPythonXGBoost, maxAbsDiff, nonlinear } from './helpers.js';

/** Trains every case with Python's scikit-learn wrapper; data arrives as raw little-endian float32 files. */
const PYTHON = `
import json, sys
import numpy as np
from xgboost import XGBRegressor
spec = json.load(open(sys.argv[1]))
def mat(name, rows, cols):
    return np.fromfile(spec[name], dtype='<f4').reshape(rows, cols)
X = mat('x', spec['rows'], spec['cols']); y = np.fromfile(spec['y'], dtype='<f4')
Xv = mat('xv', spec['vrows'], spec['cols']); yv = np.fromfile(spec['yv'], dtype='<f4')
Xt = mat('xt', spec['trows'], spec['cols'])
out = []
for case in spec['cases']:
    m = XGBRegressor(**case['params'])
    fit = {'eval_set': [(Xv, yv)], 'verbose': False} if case['params'].get('early_stopping_rounds') else {}
    m.fit(X, y, **fit)
    m.predict(Xt).astype('<f4').tofile(case['out'])
    out.append({'best_iteration': int(m.best_iteration) if fit else None, 'rounds': m.get_booster().num_boosted_rounds()})
print(json.dumps(out))
`;

interface Case {
  name: string;
  params: XGBRegressorParams;
  earlyStoppingRounds?: number;
}

const CASES: Case[] = [
  { name: 'defaults', params: { nEstimators: 30 } },
  { name: 'depth 3, eta 0.1', params: { nEstimators: 60, maxDepth: 3, learningRate: 0.1 } },
  { name: 'subsample 0.7, seed 42', params: { nEstimators: 40, subsample: 0.7, seed: 42 } },
  { name: 'colsample 0.4, seed 7', params: { nEstimators: 40, colsampleBytree: 0.4, seed: 7 } },
  { name: 'regAlpha 3, regLambda 5, minChildWeight 3', params: { nEstimators: 40, regAlpha: 3, regLambda: 5, minChildWeight: 3 } },
  {
    name: 'paper setup (scaled down): depth 9, eta 0.01, colsample 0.2, alpha 3',
    params: { nEstimators: 50, maxDepth: 9, learningRate: 0.01, colsampleBytree: 0.2, regAlpha: 3, seed: 42 },
  },
  { name: 'approx tree method', params: { nEstimators: 20, treeMethod: 'approx', maxDepth: 4 } },
  { name: 'early stopping', params: { nEstimators: 300, learningRate: 0.5, subsample: 0.8, seed: 3 }, earlyStoppingRounds: 8 },
];

/** Our camelCase parameters under the scikit-learn names. */
function pythonParams(c: Case, nThread: number): Record<string, unknown> {
  const names: Record<string, string> = {
    nEstimators: 'n_estimators',
    maxDepth: 'max_depth',
    learningRate: 'learning_rate',
    subsample: 'subsample',
    colsampleBytree: 'colsample_bytree',
    regLambda: 'reg_lambda',
    regAlpha: 'reg_alpha',
    minChildWeight: 'min_child_weight',
    treeMethod: 'tree_method',
    seed: 'random_state',
  };
  const out: Record<string, unknown> = { tree_method: 'hist', n_jobs: nThread };
  for (const [k, v] of Object.entries(c.params)) out[names[k]!] = v;
  if (c.earlyStoppingRounds) out.early_stopping_rounds = c.earlyStoppingRounds;
  return out;
}

const py = findPythonXGBoost();
const skip =
  'reason' in py
    ? py.reason
    : py.version !== xgboostVersion()
      ? `Python's xgboost is ${py.version} but the loaded library is ${xgboostVersion()}`
      : false;

describe('parity with Python xgboost.XGBRegressor', { skip }, () => {
  const nThread = 2;
  const train = nonlinear(3000, 12, 11, { missing: 0.03 });
  const val = nonlinear(800, 12, 12, { missing: 0.03, noise: 0.5 });
  const testSet = nonlinear(1000, 12, 13, { missing: 0.03 });
  const dir = mkdtempSync(path.join(tmpdir(), 'rsattae-parity-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, a: Float32Array): string => {
    const file = path.join(dir, name);
    writeFileSync(file, new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
    return file;
  };
  const spec = {
    rows: train.X.rows,
    cols: train.X.cols,
    vrows: val.X.rows,
    trows: testSet.X.rows,
    x: write('x.f32', train.X.data),
    y: write('y.f32', train.y),
    xv: write('xv.f32', val.X.data),
    yv: write('yv.f32', val.y),
    xt: write('xt.f32', testSet.X.data),
    cases: CASES.map((c, i) => ({ params: pythonParams(c, nThread), out: path.join(dir, `pred${i}.f32`) })),
  };
  const specFile = path.join(dir, 'spec.json');
  writeFileSync(specFile, JSON.stringify(spec));
  let results: { best_iteration: number | null; rounds: number }[] = [];
  let pythonError = '';
  if (!skip && 'python' in py) {
    const r = spawnSync(py.python, ['-c', PYTHON, specFile], { encoding: 'utf8' });
    if (r.status === 0) results = JSON.parse(r.stdout.trim().split('\n').pop()!);
    else pythonError = r.stderr || String(r.error);
  }

  CASES.forEach((c, i) => {
    test(c.name, () => {
      assert.equal(pythonError, '', 'the Python side ran');
      const expected = new Float32Array(new Uint8Array(readFileSync(spec.cases[i]!.out)).buffer);
      const model = new XGBRegressor({ ...c.params, nThread });
      const options: FitOptions = c.earlyStoppingRounds
        ? { evalSet: [val.X, val.y], earlyStoppingRounds: c.earlyStoppingRounds, onIteration: () => {} }
        : {};
      model.fit(train.X as Float32Matrix, train.y, options);
      const ours = model.predict(testSet.X);
      assert.equal(ours.length, expected.length);
      const diff = maxAbsDiff(ours, expected);
      assert.ok(diff <= 1e-6, `max |ours - python| = ${diff}`);
      assert.equal(model.nBoostedRounds, results[i]!.rounds);
      if (c.earlyStoppingRounds) {
        assert.equal(model.bestIteration, results[i]!.best_iteration);
        assert.ok(model.nBoostedRounds < (c.params.nEstimators ?? 100), 'early stopping kicked in');
      }
      model.dispose();
    });
  });
});
