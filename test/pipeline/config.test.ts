import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { xgbRegressorParamsSchema } from '../../src/gbdt/index.js';
import { CONFIG_PRESET_NAMES, CONFIG_PRESETS, configSchema, defaultBoosterEmbeddings, defaultsProfile, LARGE_DATA_BLEND, LARGE_DATA_DEFAULTS, LARGE_DATA_FROM, resolveConfig } from '../../src/model/rsattae-config.js';
import { autoencoderSettingsSchema, defaultAutoencoderConfig } from '../../src/nn/index.js';

/** The code and path of every issue resolveConfig reports for `input`. */
function issues(input: unknown): [string, readonly PropertyKey[]][] {
  try {
    resolveConfig(input as never);
  } catch (e) {
    assert.ok(e instanceof InputError, String(e));
    assert.match(e.message, /^invalid configuration: /);
    return e.issues.map((i) => [i.code, i.path]);
  }
  return assert.fail('expected an InputError');
}

describe('resolveConfig', () => {
  test("defaults: the paper's hyper-parameters (Table II setup 4, d = 64, 10 % validation) in the honest, validated pipeline", () => {
    assert.deepEqual(resolveConfig(), {
      seed: 42,
      valFraction: 0.1,
      embeddings: 'in-sample',
      folds: 5,
      validationRows: 'held-out',
      boosterEmbeddings: 'attended',
      blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline'],
      autoencoder: { model: 'attention', dim: 64, epochs: 1000, patience: 100, dropout: 0.5, learningRate: 1e-3, weightDecay: 1e-5, restore: 'best', backend: 'wasm', parallel: true },
      xgboost: { nEstimators: 1900, maxDepth: 9, learningRate: 0.01, subsample: 1, colsampleBytree: 0.2, regLambda: 1, regAlpha: 3, minChildWeight: 1, treeMethod: 'hist', earlyStoppingRounds: 100 },
    });
    // the paper's pipeline exactly: no stack, in-sample validation rows, every epoch and every tree
    assert.deepEqual(resolveConfig({ preset: 'paper' }), {
      seed: 42,
      valFraction: 0.1,
      embeddings: 'in-sample',
      folds: 5,
      validationRows: 'in-sample',
      boosterEmbeddings: 'encoder',
      blend: [],
      autoencoder: { model: 'attention', dim: 64, epochs: 1000, dropout: 0.5, learningRate: 1e-3, weightDecay: 1e-5, restore: 'best', backend: 'wasm', parallel: true },
      xgboost: { nEstimators: 1900, maxDepth: 9, learningRate: 0.01, subsample: 1, colsampleBytree: 0.2, regLambda: 1, regAlpha: 3, minChildWeight: 1, treeMethod: 'hist' },
    });
    // a resolved configuration (every field set) resolves to itself, whatever the preset it came from
    for (const c of [resolveConfig(), resolveConfig({ preset: 'paper' }), resolveConfig({ seed: 3, blend: ['svd'] })]) assert.deepEqual(resolveConfig(c), c);
    // the user's unset nested fields keep the default pipeline's, set ones win
    const c = resolveConfig({ autoencoder: { epochs: 5, patience: undefined }, xgboost: { earlyStoppingRounds: 7 } });
    assert.deepEqual([c.autoencoder.epochs, c.autoencoder.patience, c.xgboost.earlyStoppingRounds], [5, 100, 7]);
  });

  test('from LARGE_DATA_FROM training ratings the large-data defaults fill the unset fields, and only those', () => {
    const below = resolveConfig({}, { trainingRatings: LARGE_DATA_FROM - 1 });
    assert.deepEqual(below, resolveConfig());
    assert.equal(defaultsProfile(LARGE_DATA_FROM - 1), 'paper');
    assert.equal(defaultsProfile(LARGE_DATA_FROM), 'large-data');
    const large = resolveConfig({}, { trainingRatings: LARGE_DATA_FROM });
    assert.equal(large.autoencoder.epochs, LARGE_DATA_DEFAULTS.autoencoder.epochs);
    assert.equal(large.xgboost.nEstimators, LARGE_DATA_DEFAULTS.xgboost.nEstimators);
    assert.equal(large.xgboost.learningRate, LARGE_DATA_DEFAULTS.xgboost.learningRate);
    assert.notEqual(large.autoencoder.epochs, below.autoencoder.epochs);
    // Ê is not measured at scale: the booster keeps the paper's E there; the stack keeps its cheap members
    assert.deepEqual([large.boosterEmbeddings, below.boosterEmbeddings], ['encoder', 'attended']);
    assert.deepEqual(large.blend, [...LARGE_DATA_BLEND]);
    // everything else stays the same
    assert.deepEqual({ ...large, boosterEmbeddings: 'attended', blend: below.blend, autoencoder: { ...large.autoencoder, epochs: 0 }, xgboost: { ...large.xgboost, nEstimators: 0, learningRate: 0 } }, {
      ...below,
      autoencoder: { ...below.autoencoder, epochs: 0 },
      xgboost: { ...below.xgboost, nEstimators: 0, learningRate: 0 },
    });
    // a field the caller sets wins; one it passes as undefined (an unset CLI option) does not
    const mixed = resolveConfig({ autoencoder: { epochs: 1000, dim: undefined }, xgboost: { nEstimators: undefined, maxDepth: 6 } }, { trainingRatings: 20_000_000 });
    assert.equal(mixed.autoencoder.epochs, 1000);
    assert.equal(mixed.autoencoder.dim, 64);
    assert.equal(mixed.xgboost.nEstimators, LARGE_DATA_DEFAULTS.xgboost.nEstimators);
    assert.equal(mixed.xgboost.maxDepth, 6);
    // and the merged input is still validated
    assert.throws(() => resolveConfig({ xgboost: { learningRate: -1 } }, { trainingRatings: LARGE_DATA_FROM }), /xgboost.learningRate/);
  });

  test('a preset fills the unset fields first; what the caller sets wins; an unknown one lists the valid names', () => {
    const paper = resolveConfig({ preset: 'paper' });
    assert.deepEqual({ boosterEmbeddings: paper.boosterEmbeddings, validationRows: paper.validationRows, blend: paper.blend }, { boosterEmbeddings: 'encoder', validationRows: 'in-sample', blend: [] });
    const { patience: _, ...aeDefaults } = resolveConfig().autoencoder;
    const { earlyStoppingRounds: __, ...xgbDefaults } = resolveConfig().xgboost;
    assert.deepEqual(
      { ...paper, boosterEmbeddings: 'x', validationRows: 'x', blend: [] },
      { ...resolveConfig(), boosterEmbeddings: 'x', validationRows: 'x', blend: [], autoencoder: aeDefaults, xgboost: xgbDefaults },
      'the rest is the defaults',
    );
    // accurate is the default pipeline by its old name
    const accurate = resolveConfig({ preset: 'accurate', seed: 3 });
    assert.deepEqual(accurate, resolveConfig({ seed: 3 }));
    assert.deepEqual(
      { validationRows: accurate.validationRows, blend: accurate.blend, seed: accurate.seed },
      { validationRows: CONFIG_PRESETS.accurate.validationRows, blend: [...CONFIG_PRESETS.accurate.blend], seed: 3 },
    );
    assert.deepEqual(resolveConfig({ preset: 'accurate', blend: [], boosterEmbeddings: undefined }).blend, [], 'a set field wins, an undefined one does not');
    assert.equal(resolveConfig({ preset: 'accurate', boosterEmbeddings: undefined }).boosterEmbeddings, 'attended');
    // with the large-data defaults on top
    const large = resolveConfig({ preset: 'accurate' }, { trainingRatings: LARGE_DATA_FROM });
    assert.deepEqual(large, resolveConfig({}, { trainingRatings: LARGE_DATA_FROM }));
    assert.deepEqual([large.boosterEmbeddings, large.autoencoder.epochs], ['encoder', LARGE_DATA_DEFAULTS.autoencoder.epochs]);
    assert.throws(
      () => resolveConfig({ preset: 'best' as never }),
      (e: unknown) => e instanceof InputError && e.issues[0].path[0] === 'preset' && e.message.includes(CONFIG_PRESET_NAMES.join(', ')),
    );
  });

  test("an unset boosterEmbeddings is Ê where Ê exists, E elsewhere; a set one is checked, not replaced", () => {
    assert.equal(resolveConfig().boosterEmbeddings, 'attended');
    assert.equal(resolveConfig({ autoencoder: { model: 'vanilla' } }).boosterEmbeddings, 'encoder');
    assert.equal(resolveConfig({ embeddings: 'out-of-fold' }).boosterEmbeddings, 'encoder');
    assert.equal(resolveConfig({ embeddings: 'leave-one-out', boosterEmbeddings: undefined }).boosterEmbeddings, 'encoder');
    assert.equal(resolveConfig({ preset: 'paper' }).boosterEmbeddings, 'encoder');
    assert.equal(resolveConfig({ boosterEmbeddings: 'both' }, { trainingRatings: LARGE_DATA_FROM }).boosterEmbeddings, 'both');
    assert.equal(defaultBoosterEmbeddings(resolveConfig(), 'large-data'), 'encoder');
    assert.deepEqual(issues({ autoencoder: { model: 'vanilla' }, boosterEmbeddings: 'attended' }), [['invalid_combination', ['boosterEmbeddings']]]);
    // a stored configuration without the field predates it: the schema still reads it as E
    assert.equal(configSchema.parse({}).boosterEmbeddings, 'encoder');
  });

  test('the autoencoder section uses the nn defaults (one source)', () => {
    const { parallel, ...ae } = resolveConfig({ preset: 'paper' }).autoencoder;
    const { seed, ...nn } = defaultAutoencoderConfig;
    assert.equal(parallel, true);
    assert.equal(seed, 42);
    assert.deepEqual(ae, nn);
  });

  test("ranges come from the components' schemas", () => {
    // maxDepth's upper bound and nEstimators' are written only in src/gbdt/regressor-params.ts, dim's only in src/nn/autoencoder-config.ts
    assert.ok(!xgbRegressorParamsSchema.safeParse({ maxDepth: 1001 }).success);
    assert.deepEqual(issues({ xgboost: { maxDepth: 1001, nEstimators: 0 } }), [
      ['too_small', ['xgboost', 'nEstimators']],
      ['too_big', ['xgboost', 'maxDepth']],
    ]);
    assert.ok(!autoencoderSettingsSchema.safeParse({ dim: 4097 }).success);
    assert.deepEqual(issues({ autoencoder: { dim: 4097 } }), [['too_big', ['autoencoder', 'dim']]]);
  });

  test('pipeline-only fields and unknown keys are reported with their paths', () => {
    assert.deepEqual(issues({ valFraction: 1.5, folds: 1 }), [
      ['too_big', ['valFraction']],
      ['too_small', ['folds']],
    ]);
    assert.deepEqual(issues({ autoencoder: { seed: 3 } }), [['unrecognized_keys', ['autoencoder']]]);
    assert.deepEqual(issues({ xgboost: { objective: 'reg:gamma' } }), [['unrecognized_keys', ['xgboost']]]);
    assert.deepEqual(issues(null), [['invalid_type', []]]);
  });

  test('configSchema.parse fills nested defaults of a partial section', () => {
    const c = configSchema.parse({ xgboost: { nThread: 2 } });
    assert.equal(c.xgboost.nThread, 2);
    assert.equal(c.xgboost.nEstimators, 1900);
  });
});
