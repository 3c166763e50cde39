import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { InputError } from '../../src/core/errors.js';
import { xgbRegressorParamsSchema } from '../../src/gbdt/index.js';
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import { RSAttAE } from 'rsattae';
import { deriveSeed, SEED_STREAMS, type SeedStream, seedSchema } from '../../src/core/seeds.js';
import { parseDescriptor } from '../../src/data/descriptor.js';
import { CONFIG_PRESET_NAMES, CONFIG_PRESETS, checkConfigInput, configSchema, defaultBoosterEmbeddings, defaultsProfile, isResolvedConfig, LARGE_DATA_BLEND, LARGE_DATA_DEFAULTS, LARGE_DATA_FROM, RESOLVE_CONFIG_CHANNEL, type RSAttAEConfigInput, resolveConfig } from '../../src/model/rsattae-config.js';
import { autoencoderSettingsSchema, defaultAutoencoderConfig } from '../../src/nn/index.js';
import { synthetic } from './synthetic.js';

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
      blend: ['baseline-only', 'svd', 'svdpp', 'knn-baseline', 'bfm'],
      autoencoder: { model: 'attention', dim: 64, epochs: 1000, patience: 100, dropout: 0.5, learningRate: 1e-3, weightDecay: 1e-5, restore: 'best', backend: 'wasm', parallel: true },
      xgboost: { nEstimators: 1900, maxDepth: 9, learningRate: 0.01, subsample: 1, colsampleBytree: 0.2, regLambda: 1, regAlpha: 3, minChildWeight: 1, treeMethod: 'hist', earlyStoppingRounds: 100 },
      bfm: { rank: 10, iterations: 512, burnIn: 0, samples: 64, sampleMemory: 2 ** 30, initStd: 0.1, output: 'auto', implicit: true, features: true, time: false },
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
      bfm: { rank: 10, iterations: 512, burnIn: 0, samples: 64, sampleMemory: 2 ** 30, initStd: 0.1, output: 'auto', implicit: true, features: true, time: false },
    });
    // a resolved configuration (every field set) resolves to itself, whatever the preset it came from
    for (const c of [resolveConfig(), resolveConfig({ preset: 'paper' }), resolveConfig({ seed: 3, blend: ['svd'] })]) assert.deepEqual(resolveConfig(c), c);
    // the user's unset nested fields keep the default pipeline's, set ones win
    const c = resolveConfig({ autoencoder: { epochs: 5, patience: undefined }, xgboost: { earlyStoppingRounds: 7 } });
    assert.deepEqual([c.autoencoder.epochs, c.autoencoder.patience, c.xgboost.earlyStoppingRounds], [5, 100, 7]);
  });

  test('a configuration stored before the FM member existed (no bfm section) resolves as it was stored', () => {
    const { bfm, ...stored } = resolveConfig({ preset: 'paper' });
    const again = resolveConfig(stored);
    // complete, so the default pipeline's patience, early stopping and stack are not filled in
    assert.equal(again.xgboost.earlyStoppingRounds, undefined);
    assert.equal(again.autoencoder.patience, undefined);
    assert.deepEqual(again.blend, []);
    assert.deepEqual(again.bfm, bfm);
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

describe('a configuration is resolved once', () => {
  test('resolveConfig returns a frozen configuration that it, checkConfigInput and fit take as it is', async () => {
    const c = resolveConfig({ seed: 7, autoencoder: { dim: 4, epochs: 2, parallel: false }, xgboost: { nEstimators: 3, nThread: 1 } });
    assert.ok(isResolvedConfig(c) && Object.isFrozen(c) && Object.isFrozen(c.autoencoder) && Object.isFrozen(c.xgboost) && Object.isFrozen(c.blend));
    assert.throws(() => {
      (c as { seed: number }).seed = 8;
    }, TypeError);
    assert.equal(resolveConfig(c, { trainingRatings: LARGE_DATA_FROM }), c, 'the same object, not resolved again for large data');
    assert.ok(!isResolvedConfig({ ...c }), 'a spread is an input, resolved anew');
    assert.deepEqual(checkConfigInput(c), { seed: 7, valFraction: 0.1 });
    // fit trains with that very object, and resolves nothing
    const seen: unknown[] = [];
    const count = (m: unknown): number => seen.push(m);
    subscribe(RESOLVE_CONFIG_CHANNEL, count);
    try {
      const model = await RSAttAE.fit(synthetic(20, 25, 3).data, c);
      assert.equal(model.config, c);
      model.dispose();
    } finally {
      unsubscribe(RESOLVE_CONFIG_CHANNEL, count);
    }
    assert.equal(seen.length, 0);
  });

  test('checkConfigInput refuses what resolveConfig refuses, before any data, and gives the seed and share the data is split with', () => {
    assert.deepEqual(checkConfigInput(), { seed: 42, valFraction: 0.1 });
    assert.deepEqual(checkConfigInput({ preset: 'paper', seed: 3, valFraction: 0.2 }), { seed: 3, valFraction: 0.2 });
    for (const bad of [{ seed: -1 }, { seed: 2 ** 31 }, { seed: 1.5 }, { valFraction: 1 }, { autoencoder: { model: 'vanilla' }, boosterEmbeddings: 'attended' }] as const) {
      assert.throws(() => checkConfigInput(bad), InputError, JSON.stringify(bad));
      assert.throws(() => resolveConfig(bad), InputError, JSON.stringify(bad));
    }
  });

  test('an input setting every top-level field is not taken for a resolved one: the default pipeline still fills its sections', () => {
    const input: RSAttAEConfigInput = {
      seed: 1,
      valFraction: 0.1,
      embeddings: 'in-sample',
      folds: 5,
      validationRows: 'held-out',
      boosterEmbeddings: 'attended',
      blend: ['svd'],
      autoencoder: { epochs: 5 },
      xgboost: { nEstimators: 9 },
    };
    const c = resolveConfig(input);
    assert.deepEqual([c.autoencoder.patience, c.xgboost.earlyStoppingRounds], [100, 100]);
    // a stored configuration (every field with a default set, e.g. read back from a manifest) keeps its unset ones unset
    const paper = JSON.parse(JSON.stringify(resolveConfig({ preset: 'paper' })));
    assert.deepEqual(resolveConfig(paper), resolveConfig({ preset: 'paper' }));
  });
});

describe('seed streams', () => {
  test('every stream is derived as it was first written, so results and bundles reproduce', () => {
    const seed = 42;
    const expected: Record<SeedStream, number> = {
      holdout: seed,
      testSplit: seed ^ 0x7e57,
      usersModule: seed,
      moviesModule: seed + 1,
      dropout: seed + 0x9e3779b9,
      outOfFold: seed ^ 0x5eed,
      xgboost: seed,
      baselines: seed,
      coldUsers: seed ^ 0xc01d,
      coldItems: seed ^ 0xc01e,
      stacker: seed ^ 0x57ac,
      coldMixUser: seed ^ 0xc01d,
      coldMixItem: seed ^ 0xc01e,
      coldMixBoth: seed ^ 0xc01f,
      updateHoldout: seed ^ 0x0bda7e,
    };
    assert.deepEqual(Object.keys(SEED_STREAMS).sort(), Object.keys(expected).sort());
    for (const [stream, v] of Object.entries(expected)) assert.equal(deriveSeed(seed, stream as SeedStream), v, stream);
    // a stream taken as it is keeps a seed beyond 32 bits whole (createRng folds it), as the seed was always passed on
    assert.equal(deriveSeed(2 ** 40 + 1, 'holdout'), 2 ** 40 + 1);
  });

  test("one seed range, the configuration's, XGBoost's and a dataset descriptor's", () => {
    const seeds = [-1, 0, 2 ** 31 - 1, 2 ** 31];
    const want = [false, true, true, false];
    for (const schema of [seedSchema, configSchema.shape.seed, xgbRegressorParamsSchema.shape.seed]) assert.deepEqual(seeds.map((v) => schema.safeParse(v).success), want);
    const descriptorTakes = (seed: number): boolean => {
      try {
        parseDescriptor({ preset: 'ml-100k', seed }, 'test');
        return true;
      } catch {
        return false;
      }
    };
    assert.deepEqual(seeds.map(descriptorTakes), want);
  });
});
