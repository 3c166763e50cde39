import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createContext } from '../../src/nn/backend.js';
import { SizeCounter } from '../../src/nn/kernels.js';
import { Net, type NetProblem, type Orientation } from '../../src/nn/network.js';
import { initParams, type ParamName, paramSpecs } from '../../src/nn/param-layout.js';
import { dropZeros, groupFeatures, mergeCsr } from '../../src/nn/sparse.js';
import { dense, denseForward, maxAbsDiff, paramTensors, randomProblem, tf } from './helpers.js';

function setup(backend: 'wasm' | 'cpu', attention: boolean, d: number, distinct: number, seed: number) {
  const n = 13;
  const m = 11;
  const nf = 5;
  const prob = randomProblem(seed, n, m, nf, distinct);
  const train = dropZeros(prob.train);
  const problem: NetProblem = { train, validation: prob.validation, all: mergeCsr(train, prob.validation), groups: groupFeatures(prob.features) };
  const shape = { m, nf, d, attention };
  const ctx = createContext(backend, Net.bytesNeeded(new SizeCounter(), shape, problem));
  const net = new Net(ctx, shape, problem);
  initParams(net.params, net.specs, seed);
  // some dropped (0) and some doubled inputs, like a dropout mask
  const masked = train.values.map((v, i) => (i % 3 === 0 ? 0 : 2 * v));
  net.setMaskedInput(masked);
  const shapes: Record<string, [number, number]> = {};
  for (const s of paramSpecs(shape)) shapes[s.name] = [s.rows, s.cols];
  return { net, prob, train, masked, shapes, n, m, nf };
}

for (const backend of ['wasm', 'cpu'] as const) {
  for (const attention of [true, false]) {
    for (const [d, distinct] of [
      [3, 4],
      [8, 1],
      [16, 13],
      [64, 5],
    ] as const) {
      const title = `${backend} ${attention ? 'attention' : 'vanilla'} d=${d} groups=${distinct}`;
      describe(`sparse path equals dense tfjs (${title})`, () => {
        const { net, prob, train, masked, shapes, n, m, nf } = setup(backend, attention, d, distinct, 7 + d);
        const loss = net.lossAndGrads();
        const params = paramTensors(net.p, shapes);
        const x = tf.tensor2d(dense(train, masked), [n, m]);
        const y = tf.tensor2d(dense(train), [n, m]);
        const f = tf.tensor2d(prob.features.data, [n, nf]);
        const names = Object.keys(shapes) as ParamName[];
        const { value, grads } = tf.variableGrads(() => {
          const vars = {} as Record<ParamName, ReturnType<typeof tf.tensor>>;
          for (const name of names) vars[name] = tf.engine().registeredVariables[`${title}/${name}`];
          return denseForward(vars, x, f, y, attention).loss;
        }, names.map((name) => tf.variable(params[name], true, `${title}/${name}`)));

        it('training loss', () => {
          assert.ok(Math.abs(loss - value.dataSync()[0]) <= 1e-5, `${loss} vs ${value.dataSync()[0]}`);
        });
        it('every parameter gradient', () => {
          for (const name of names) {
            const ref = grads[`${title}/${name}`].dataSync();
            const diff = maxAbsDiff(net.g[name], ref);
            assert.ok(diff <= 1e-4, `${name}: max abs diff ${diff}`);
            // with a single feature group the attention is uniform and the projections get no gradient
            if (distinct > 1 || !['wq', 'bq', 'wk', 'bk'].includes(name)) assert.ok(ref.some((v) => v !== 0), `${name}: reference gradient is all zero`);
          }
        });
        it('validation RMSE and embeddings (evaluation mode, train + validation input)', () => {
          const all = tf.tensor2d(dense(mergeCsr(train, prob.validation)), [n, m]);
          const target = tf.tensor2d(dense(prob.validation), [n, m]);
          const ref = denseForward(params, all, f, target, attention);
          assert.ok(Math.abs(net.validationRmse() - ref.loss.dataSync()[0]) <= 1e-5);
          const { e, ehat } = net.embeddings();
          assert.ok(maxAbsDiff(e, ref.e.dataSync()) <= 1e-5);
          if (attention) assert.ok(maxAbsDiff(ehat!, ref.ehat.dataSync()) <= 1e-4, 'grouped attention differs from dense');
        });
      });
    }
  }
}

describe('streamed and column-blocked kernel orientations give the same net bit for bit', () => {
  for (const backend of ['wasm', 'cpu'] as const) {
    for (const attention of [true, false]) {
      it(`${backend} ${attention ? 'attention' : 'vanilla'}: loss, every gradient, validation RMSE, embeddings`, () => {
        const run = (orientation: Orientation) => {
          const prob = randomProblem(21, 13, 11, 5, 4);
          const train = dropZeros(prob.train);
          const problem: NetProblem = { train, validation: prob.validation, all: mergeCsr(train, prob.validation), groups: groupFeatures(prob.features) };
          const shape = { m: 11, nf: 5, d: 8, attention };
          const net = new Net(createContext(backend, Net.bytesNeeded(new SizeCounter(), shape, problem, orientation)), shape, problem, orientation);
          initParams(net.params, net.specs, 21);
          net.setMaskedInput(train.values.map((v, i) => (i % 3 === 0 ? 0 : 2 * v)));
          const loss = net.lossAndGrads();
          return { loss, grads: net.grads.slice(), rmse: net.validationRmse(), ...net.embeddings() };
        };
        const classic = run({ rows: false, blockCols: 0 });
        assert.ok(classic.grads.some((g) => g !== 0));
        assert.deepEqual(run({ rows: true, blockCols: 0 }), classic);
        // blocks of 1 column, uneven blocks, one block covering all 11 columns
        for (const blockCols of [1, 4, 100]) assert.deepEqual(run({ rows: false, blockCols }), classic, `blockCols ${blockCols}`);
      });
    }
  }
});
