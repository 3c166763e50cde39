/**
 * XGBRegressor: gradient-boosted regression trees on the native XGBoost library, behaving like Python's
 * `xgboost.XGBRegressor(...).fit(X, y)` (same parameters → same model, same predictions).
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';
import { InputError } from '../core/errors.js';
import type { Float32Matrix } from '../core/types.js';
import { loadXGBoost, type Pointer, type XGBoost } from './library.js';
import { nativeParams, type ResolvedXGBRegressorParams, resolveParams, type XGBRegressorParams } from './regressor-params.js';
import { checkedBatches, checkSource, createQuantileDMatrix, isRowSource, type RowSource } from './row-source.js';

/** Training or prediction rows: one dense matrix, or a {@link RowSource} read batch by batch. */
export type Rows = Float32Matrix | RowSource;

/** Labels: one finite value per row. Converted to float32, as Python's xgboost does. */
export type Labels = Float32Array | Float64Array | readonly number[];

/** On-disk / in-memory model encodings: XGBoost's JSON or Universal Binary JSON. */
export type ModelFormat = 'json' | 'ubj';

/** Feature importance definitions of `XGBoosterFeatureScore` (same as Python's `get_score(importance_type=...)`). */
export type ImportanceType = 'weight' | 'gain' | 'cover' | 'total_gain' | 'total_cover';

/** Progress after one boosting round, passed to {@link FitOptions.onIteration}. */
export interface IterationInfo {
  /** 0-based round just finished. */
  readonly iteration: number;
  /** Rounds requested (`nEstimators`); training may stop earlier with early stopping. */
  readonly nIterations: number;
  /** Training-set metric (`evalMetric`) after this round. */
  readonly train: number;
  /** Eval-set metric after this round, when an eval set was given. */
  readonly eval?: number;
}

/** Options of {@link XGBRegressor.fit}. */
export interface FitOptions {
  /**
   * Validation data `[X, y]`, evaluated after every round (like Python's `eval_set=[(X, y)]`). A {@link RowSource}
   * becomes a QuantileDMatrix sharing the training data's histogram cuts.
   */
  readonly evalSet?: readonly [Rows, Labels];
  /**
   * Stop when the eval metric has not improved for this many rounds; {@link XGBRegressor.predict} then uses the
   * trees up to the best round (Python's `best_iteration`). Requires `evalSet`.
   */
  readonly earlyStoppingRounds?: number;
  /** Called after every round, e.g. to drive a progress bar. Throwing aborts training. */
  readonly onIteration?: (info: IterationInfo) => void;
  /**
   * Continue boosting from this model's trees instead of from scratch (Python's `xgb.train(..., xgb_model=)`): its
   * trees and base score are kept and `nEstimators` more rounds are fitted to the residuals on X. It may be this
   * model itself. The rows must have its feature count.
   */
  readonly initModel?: XGBRegressor;
}

/** Options of {@link XGBRegressor.fitAsync}. */
export interface FitAsyncOptions extends FitOptions {
  /** Aborts training between rounds; the promise rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

/** Per-round metric history of the last fit. */
export interface EvalsResult {
  /** Training metric per round (only recorded when `onIteration` was given). */
  readonly train: readonly number[];
  /** Eval-set metric per round (only recorded when `evalSet` was given). */
  readonly eval: readonly number[];
}

/** A booster handle plus what we know about it. */
interface BoosterState {
  readonly handle: Pointer;
  readonly nFeatures: number;
  readonly bestIteration: number | undefined;
  readonly bestScore: number | undefined;
}

/** Safety net for models that are dropped without {@link XGBRegressor.dispose}. */
const finalizer = new FinalizationRegistry<Pointer>((handle) => {
  try {
    loadXGBoost().api.XGBoosterFree(handle);
  } catch {
    // Nothing sensible to do in a finalizer.
  }
});

/**
 * Gradient-boosted trees for regression, on the native XGBoost library. Parameters and results follow Python's
 * `xgboost.XGBRegressor`: the same data and parameters give the same trees and predictions (within float32
 * rounding, checked to 1e-6 by the parity tests).
 *
 * Native memory is freed by {@link dispose}; a FinalizationRegistry frees it eventually if you forget.
 *
 * ```ts
 * const model = new XGBRegressor({ nEstimators: 1900, maxDepth: 9, learningRate: 0.01, colsampleBytree: 0.2, regAlpha: 3 });
 * await model.fitAsync(X, y, { onIteration: ({ iteration, nIterations }) => bar.update(iteration + 1) });
 * const yHat = model.predict(Xtest);
 * model.saveModel('model.ubj');
 * model.dispose();
 * ```
 */
export class XGBRegressor {
  /** Validated parameters with defaults filled in. */
  readonly params: ResolvedXGBRegressorParams;
  private booster: BoosterState | undefined;
  private disposed = false;
  private training = false;
  private history: EvalsResult = { train: [], eval: [] };

  /**
   * @param params xgboost scikit-learn parameters in camelCase (their ranges and defaults: `xgbRegressorParamsSchema`)
   * @throws InputError for unknown parameters (the message lists the valid ones) or invalid values
   */
  constructor(params: XGBRegressorParams = {}) {
    this.params = resolveParams(params);
  }

  /** Whether the model has been fitted or loaded (and not disposed). */
  get isFitted(): boolean {
    return this.booster !== undefined;
  }

  /** Number of features the model was trained on. */
  get nFeatures(): number {
    return this.state().nFeatures;
  }

  /** 0-based best round found by early stopping (also restored from saved models), else undefined. */
  get bestIteration(): number | undefined {
    return this.state().bestIteration;
  }

  /** Eval metric at {@link bestIteration}, else undefined. */
  get bestScore(): number | undefined {
    return this.state().bestScore;
  }

  /** Number of boosting rounds in the model (with early stopping: up to the round training stopped at). */
  get nBoostedRounds(): number {
    const out: [number] = [0];
    loadXGBoost().api.XGBoosterBoostedRounds(this.state().handle, out);
    return out[0];
  }

  /** Metric history of the last fit. */
  get evalsResult(): EvalsResult {
    return this.history;
  }

  /**
   * Trains from scratch (replacing any previous model), synchronously: the event loop is blocked until training
   * ends (about a minute for the paper's 1900-tree setup on 68k rows, 2 cores). Use {@link fitAsync} to keep timers and
   * progress bars alive.
   * @param X training features, row-major float32; NaN marks a missing value. A {@link RowSource} is fed to
   *   XGBoost batch by batch through `XGQuantileDMatrixCreateFromCallback` (needs `treeMethod` `'hist'` or `'auto'`),
   *   so the rows never exist as one float matrix; the booster only keeps their histogram bins.
   * @param y one finite label per row
   * @throws InputError for malformed inputs (shapes, empty data, non-finite labels or features, bad options)
   * @throws XGBoostError if the native library reports a failure
   */
  fit(X: Rows, y: Labels, options: FitOptions = {}): this {
    const steps = this.train(X, y, options);
    while (!steps.next().done) {
      // Each step is one boosting round.
    }
    return this;
  }

  /**
   * Same as {@link fit}, but yields to the event loop (via `setImmediate`) after every boosting round, so progress
   * bars render and timers fire. Each round still runs synchronously on the main thread (about 30 ms for
   * the paper's setup), because XGBoost reports errors per thread and must be driven from one thread.
   */
  async fitAsync(X: Rows, y: Labels, options: FitAsyncOptions = {}): Promise<this> {
    const { signal } = options;
    signal?.throwIfAborted();
    const steps = this.train(X, y, options);
    try {
      while (!steps.next().done) {
        await new Promise<void>((resolve) => setImmediate(resolve));
        signal?.throwIfAborted();
      }
    } catch (e) {
      steps.return(undefined); // runs the generator's cleanup (frees the half-built booster)
      throw e;
    }
    return this;
  }

  /**
   * Predicts one value per row, using the trees up to {@link bestIteration} when early stopping found one.
   * Zero rows give an empty array. A {@link RowSource} is predicted batch by batch, so memory beyond the result
   * stays bounded by one batch.
   * @throws InputError when X is malformed or its column count differs from the training data
   */
  predict(X: Rows): Float32Array {
    const state = this.state();
    if (isRowSource(X)) checkSource(X, 'X', true);
    else checkMatrix(X, 'X', true);
    if (X.cols !== state.nFeatures) {
      throw new InputError(`X has ${X.cols} columns but the model was trained on ${state.nFeatures} features`);
    }
    if (X.rows === 0) return new Float32Array(0);
    if (!isRowSource(X)) return this.predictDense(state, X);
    const out = new Float32Array(X.rows);
    let at = 0;
    for (const b of checkedBatches(X, 'X')) {
      out.set(this.predictDense(state, { rows: b.rows, cols: X.cols, data: b.data }), at);
      at += b.rows;
    }
    return out;
  }

  /** In-place prediction of a checked, non-empty dense matrix. */
  private predictDense(state: BoosterState, X: Float32Matrix): Float32Array {
    const xgb = loadXGBoost();
    // In-place prediction straight from X's memory, as Python's XGBRegressor.predict does (no DMatrix copy).
    // JSON has no NaN, but XGBoost's parser accepts it, and Python's json.dumps writes the same.
    const config = `{"type":0,"training":false,"iteration_begin":0,"iteration_end":${
      state.bestIteration === undefined ? 0 : state.bestIteration + 1
    },"strict_shape":false,"missing":NaN,"cache_id":0}`;
    const shape: [Pointer | null] = [null];
    const dim: [number] = [0];
    const result: [Pointer | null] = [null];
    xgb.api.XGBoosterPredictFromDense(state.handle, xgb.arrayInterface(X.data, X.rows, X.cols), config, null, shape, dim, result);
    const n = xgb.readUint64(shape[0], dim[0]).reduce((a, b) => a * b, 1);
    if (n !== X.rows) throw new Error(`XGBoost returned ${n} predictions for ${X.rows} rows`);
    return xgb.readFloat32(result[0], n);
  }

  /**
   * Serialises the model (trees, objective, base score, best iteration) in XGBoost's JSON or UBJSON format, readable
   * by Python's `Booster.load_model` / `XGBRegressor.load_model`.
   * @param format `'ubj'` (compact, default) or `'json'`
   */
  saveModelToBuffer(format: ModelFormat = 'ubj'): Uint8Array {
    if (format !== 'json' && format !== 'ubj') throw new InputError(`model format must be 'json' or 'ubj', got ${String(format)}`);
    const xgb = loadXGBoost();
    const len: [number] = [0];
    const data: [Pointer | null] = [null];
    xgb.api.XGBoosterSaveModelToBuffer(this.state().handle, JSON.stringify({ format }), len, data);
    return xgb.readBytes(data[0], len[0]);
  }

  /**
   * Writes the model to `file`, in JSON for `.json` and UBJSON for `.ubj`. The write is atomic: a temporary file
   * in the same folder is fsynced and renamed over the target, so readers never see a partial model.
   * @throws InputError when the extension is neither `.json` nor `.ubj`
   */
  saveModel(file: string): void {
    const bytes = this.saveModelToBuffer(formatOf(file));
    writeFileAtomic(file, bytes);
  }

  /**
   * Loads a model saved by {@link saveModel} or by Python's xgboost (`.json`, `.ubj`; the encoding is detected
   * from the content).
   * @param params settings for the loaded model (only `nThread` affects prediction)
   */
  static loadModel(file: string, params: XGBRegressorParams = {}): XGBRegressor {
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch (e) {
      throw new InputError(`cannot read model ${file}: ${(e as Error).message}`);
    }
    return XGBRegressor.loadModelFromBuffer(bytes, params);
  }

  /**
   * Loads a model from bytes produced by {@link saveModelToBuffer} (or Python's `save_raw('ubj'|'json')`).
   * @param params settings for the loaded model (only `nThread` affects prediction)
   */
  static loadModelFromBuffer(bytes: Uint8Array, params: XGBRegressorParams = {}): XGBRegressor {
    if (!(bytes instanceof Uint8Array) || bytes.length === 0) throw new InputError('model buffer is empty');
    const model = new XGBRegressor(params);
    const xgb = loadXGBoost();
    const out: [Pointer | null] = [null];
    xgb.api.XGBoosterCreate([], 0, out);
    const handle = out[0]!;
    try {
      xgb.api.XGBoosterLoadModelFromBuffer(handle, bytes, bytes.length);
      xgb.api.XGBoosterSetParam(handle, 'nthread', String(model.params.nThread));
      model.adopt(xgb, handle);
    } catch (e) {
      xgb.api.XGBoosterFree(handle);
      throw e;
    }
    return model;
  }

  /**
   * Feature importance per feature index (length {@link nFeatures}; features never used in a split get 0), as
   * computed by XGBoost's `XGBoosterFeatureScore` — Python's `get_booster().get_score(importance_type=type)`.
   * @param type `'gain'` (average gain of the feature's splits, default), `'weight'` (number of splits),
   *   `'total_gain'`, `'cover'`, `'total_cover'`
   */
  featureImportance(type: ImportanceType = 'gain'): Float32Array {
    const valid: readonly string[] = ['weight', 'gain', 'cover', 'total_gain', 'total_cover'];
    if (!valid.includes(type)) throw new InputError(`importance type must be one of ${valid.join(', ')}; got ${String(type)}`);
    const state = this.state();
    const xgb = loadXGBoost();
    // Booster feature names (set when the model came from e.g. pandas in Python) replace the default "f<i>" names.
    const nNames: [number] = [0];
    const namesPtr: [Pointer | null] = [null];
    xgb.api.XGBoosterGetStrFeatureInfo(state.handle, 'feature_name', nNames, namesPtr);
    const names = xgb.readStrings(namesPtr[0], nNames[0]);
    const index = new Map(names.map((n, i) => [n, i]));
    const nFeat: [number] = [0];
    const featPtr: [Pointer | null] = [null];
    const dim: [number] = [0];
    const shapePtr: [Pointer | null] = [null];
    const scoresPtr: [Pointer | null] = [null];
    xgb.api.XGBoosterFeatureScore(state.handle, JSON.stringify({ importance_type: type }), nFeat, featPtr, dim, shapePtr, scoresPtr);
    const features = xgb.readStrings(featPtr[0], nFeat[0]);
    const scores = xgb.readFloat32(scoresPtr[0], nFeat[0]);
    const out = new Float32Array(state.nFeatures);
    features.forEach((f, k) => {
      const i = index.get(f) ?? (/^f\d+$/.test(f) ? Number(f.slice(1)) : -1);
      if (i >= 0 && i < out.length) out[i] = scores[k]!;
    });
    return out;
  }

  /** Frees the native model. Idempotent; the object is unusable afterwards. */
  dispose(): void {
    this.release();
    this.disposed = true;
  }

  /** The training loop as a generator: one `yield` per boosting round, cleanup in `finally`. */
  private *train(X: Rows, y: Labels, options: FitOptions): Generator<void, void, undefined> {
    if (this.disposed) throw new Error('XGBRegressor has been disposed');
    if (this.training) throw new Error('XGBRegressor is already training (fitAsync in progress)');
    const { evalSet, earlyStoppingRounds, onIteration } = options;
    checkRows(X, 'X');
    const labels = checkLabels(y, X.rows, 'y');
    let evalData: [Rows, Float32Array] | undefined;
    if (evalSet !== undefined) {
      if (!Array.isArray(evalSet) || evalSet.length !== 2) throw new InputError('evalSet must be a pair [X, y]');
      checkRows(evalSet[0], 'evalSet X');
      if (evalSet[0].cols !== X.cols) {
        throw new InputError(`evalSet X has ${evalSet[0].cols} columns but X has ${X.cols}`);
      }
      evalData = [evalSet[0], checkLabels(evalSet[1], evalSet[0].rows, 'evalSet y')];
    }
    if (earlyStoppingRounds !== undefined) {
      if (!Number.isInteger(earlyStoppingRounds) || earlyStoppingRounds < 1) {
        throw new InputError(`earlyStoppingRounds must be a positive integer, got ${earlyStoppingRounds}`);
      }
      if (!evalData) throw new InputError('earlyStoppingRounds needs an evalSet to monitor');
    }
    if (onIteration !== undefined && typeof onIteration !== 'function') throw new InputError('onIteration must be a function');
    const p = this.params;
    if ((isRowSource(X) || (evalData && isRowSource(evalData[0]))) && p.treeMethod !== 'hist' && p.treeMethod !== 'auto') {
      // XGBoost 1.7 builds callback-fed in-memory data only as a QuantileDMatrix, which only the hist method reads.
      throw new InputError(`a RowSource needs treeMethod 'hist' (or 'auto'), not '${p.treeMethod}'`);
    }

    let init: { bytes: Uint8Array; rounds: number } | undefined;
    if (options.initModel !== undefined) {
      if (!(options.initModel instanceof XGBRegressor)) throw new InputError('initModel must be an XGBRegressor');
      if (options.initModel.nFeatures !== X.cols) {
        throw new InputError(`X has ${X.cols} columns but initModel was trained on ${options.initModel.nFeatures} features`);
      }
      // read before release(): initModel may be this model
      init = { bytes: options.initModel.saveModelToBuffer('ubj'), rounds: options.initModel.nBoostedRounds };
    }

    const xgb = loadXGBoost();
    const { api } = xgb;
    this.release(); // like sklearn, fit() starts from scratch (or from initModel's copy)
    this.history = { train: [], eval: [] };
    const dmats: Pointer[] = [];
    let handle: Pointer | undefined;
    let done = false;
    this.training = true;
    try {
      const quantile = { maxBin: p.maxBin, nThread: p.nThread };
      dmats.push(
        isRowSource(X) ? createQuantileDMatrix(xgb, X, labels, quantile, 'X') : createDMatrix(xgb, X, labels, p.nThread),
      );
      if (evalData) {
        const [eX, eY] = evalData;
        dmats.push(
          isRowSource(eX)
            ? createQuantileDMatrix(xgb, eX, eY, { ...quantile, ref: dmats[0]! }, 'evalSet X')
            : createDMatrix(xgb, eX, eY, p.nThread),
        );
      }
      const out: [Pointer | null] = [null];
      // Python caches [dtrain, *evals] in the booster the same way.
      api.XGBoosterCreate(dmats, dmats.length, out);
      handle = out[0]!;
      // as Python's Booster(params, cache, model_file): load the trees first, then set this model's parameters
      if (init) api.XGBoosterLoadModelFromBuffer(handle, init.bytes, init.bytes.length);
      for (const [k, v] of nativeParams(p)) api.XGBoosterSetParam(handle, k, v);
      const first = init?.rounds ?? 0;

      // Evaluate only what someone will look at: the metric costs a pass over the data.
      const evalNames = [...(onIteration ? ['train'] : []), ...(evalData ? ['eval'] : [])];
      const evalDmats = [...(onIteration ? [dmats[0]!] : []), ...(evalData ? [dmats[1]!] : [])];
      const metricOut: [string | null] = [null];
      let best: { iteration: number; score: number } | undefined;
      let sinceBest = 0;
      const train: number[] = [];
      const evals: number[] = [];
      this.history = { train, eval: evals };
      for (let i = 0; i < p.nEstimators; i++) {
        api.XGBoosterUpdateOneIter(handle, first + i, dmats[0]!);
        if (evalNames.length > 0) {
          api.XGBoosterEvalOneIter(handle, first + i, evalDmats, evalNames, evalNames.length, metricOut);
          const metrics = parseEvalLine(metricOut[0] ?? '', p.evalMetric);
          const trainMetric = metrics.get('train');
          const evalMetric = metrics.get('eval');
          if (trainMetric !== undefined) train.push(trainMetric);
          if (evalMetric !== undefined) evals.push(evalMetric);
          let stop = false;
          if (earlyStoppingRounds !== undefined && evalMetric !== undefined) {
            // Same rule as xgboost.callback.EarlyStopping: strict improvement resets the counter.
            if (best === undefined || evalMetric < best.score) {
              best = { iteration: first + i, score: evalMetric };
              sinceBest = 0;
              api.XGBoosterSetAttr(handle, 'best_iteration', String(first + i));
              api.XGBoosterSetAttr(handle, 'best_score', String(evalMetric));
            } else {
              sinceBest++;
            }
            stop = sinceBest >= earlyStoppingRounds;
          }
          onIteration?.({ iteration: i, nIterations: p.nEstimators, train: trainMetric ?? Number.NaN, eval: evalMetric });
          if (stop) break;
        }
        yield;
        if (this.disposed) throw new Error('XGBRegressor was disposed during training');
      }
      // Like Python's train() (bst.copy()), round-trip through serialisation so the booster drops its training
      // caches (gradients, per-DMatrix prediction caches) instead of holding them for its lifetime.
      const len: [number] = [0];
      const data: [Pointer | null] = [null];
      api.XGBoosterSerializeToBuffer(handle, len, data);
      const snapshot = xgb.readBytes(data[0], len[0]);
      const copyOut: [Pointer | null] = [null];
      api.XGBoosterCreate([], 0, copyOut);
      try {
        api.XGBoosterUnserializeFromBuffer(copyOut[0]!, snapshot, snapshot.length);
      } catch (e) {
        api.XGBoosterFree(copyOut[0]!);
        throw e;
      }
      api.XGBoosterFree(handle);
      handle = copyOut[0]!;
      this.adopt(xgb, handle);
      done = true;
    } finally {
      this.training = false;
      if (!done && handle !== undefined) api.XGBoosterFree(handle);
      for (const d of dmats) api.XGDMatrixFree(d);
    }
  }

  /** Takes ownership of a native booster: reads its metadata and registers the finalizer. */
  private adopt(xgb: XGBoost, handle: Pointer): void {
    const nFeatures: [number] = [0];
    xgb.api.XGBoosterGetNumFeature(handle, nFeatures);
    const attr = (key: string): number | undefined => {
      const out: [string | null] = [null];
      const ok: [number] = [0];
      xgb.api.XGBoosterGetAttr(handle, key, out, ok);
      const v = ok[0] && out[0] !== null ? Number(out[0]) : Number.NaN;
      return Number.isFinite(v) ? v : undefined;
    };
    this.booster = { handle, nFeatures: nFeatures[0], bestIteration: attr('best_iteration'), bestScore: attr('best_score') };
    finalizer.register(this, handle, this);
  }

  private release(): void {
    if (!this.booster) return;
    finalizer.unregister(this);
    const { handle } = this.booster;
    this.booster = undefined;
    loadXGBoost().api.XGBoosterFree(handle);
  }

  private state(): BoosterState {
    if (this.disposed) throw new Error('XGBRegressor has been disposed');
    if (!this.booster) throw new Error('XGBRegressor is not fitted: call fit() or XGBRegressor.loadModel() first');
    return this.booster;
  }
}

/** Parses `[3]\ttrain-rmse:0.51\teval-rmse:0.62` into `{train: 0.51, eval: 0.62}`. */
function parseEvalLine(line: string, metric: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const field of line.split('\t').slice(1)) {
    const colon = field.lastIndexOf(':');
    const key = field.slice(0, colon);
    if (!key.endsWith(`-${metric}`)) continue;
    out.set(key.slice(0, -metric.length - 1), Number(field.slice(colon + 1)));
  }
  return out;
}

/** Validates training rows: a non-empty matrix, or a source's declared shape (its batches are checked as read). */
function checkRows(X: Rows, what: string): void {
  if (isRowSource(X)) checkSource(X, what, false);
  else checkMatrix(X, what, false);
}

/** Validates a feature matrix before it reaches C. NaN is allowed (missing value); infinities are not. */
function checkMatrix(X: Float32Matrix, what: string, allowEmpty: boolean): void {
  if (X === null || typeof X !== 'object') throw new InputError(`${what} must be a Float32Matrix {rows, cols, data}`);
  const { rows, cols, data } = X;
  if (!(data instanceof Float32Array)) throw new InputError(`${what}.data must be a Float32Array`);
  if (!Number.isSafeInteger(rows) || rows < 0 || !Number.isSafeInteger(cols) || cols < 1) {
    throw new InputError(`${what} has an invalid shape ${rows} x ${cols}`);
  }
  if (rows === 0 && !allowEmpty) throw new InputError(`${what} has zero rows`);
  if (data.length !== rows * cols) {
    throw new InputError(`${what}.data has length ${data.length} but rows * cols = ${rows} * ${cols} = ${rows * cols}`);
  }
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
      throw new InputError(
        `${what} has an infinite value at row ${Math.floor(i / cols)}, column ${i % cols} (use NaN for missing values)`,
      );
    }
  }
}

/** Validates labels and converts them to float32 (checking finiteness after the conversion, which can overflow). */
function checkLabels(y: Labels, rows: number, what: string): Float32Array {
  if (!(y instanceof Float32Array || y instanceof Float64Array || Array.isArray(y))) {
    throw new InputError(`${what} must be a Float32Array, Float64Array or number array`);
  }
  if (y.length !== rows) throw new InputError(`${what} has ${y.length} labels but there are ${rows} rows`);
  const out = y instanceof Float32Array ? y : Float32Array.from(y as ArrayLike<number>);
  for (let i = 0; i < out.length; i++) {
    if (!Number.isFinite(out[i]!)) throw new InputError(`${what}[${i}] is ${y[i]}; labels must be finite float32 values`);
  }
  return out;
}

/** Copies X (and labels) into a native DMatrix; NaN marks missing values, as in Python. */
function createDMatrix(xgb: XGBoost, X: Float32Matrix, labels: Float32Array | undefined, nThread: number): Pointer {
  const out: [Pointer | null] = [null];
  xgb.api.XGDMatrixCreateFromMat_omp(X.data, X.rows, X.cols, Number.NaN, out, nThread);
  const handle = out[0]!;
  if (labels) {
    try {
      xgb.api.XGDMatrixSetFloatInfo(handle, 'label', labels, labels.length);
    } catch (e) {
      xgb.api.XGDMatrixFree(handle);
      throw e;
    }
  }
  return handle;
}

function formatOf(file: string): ModelFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.ubj') return 'ubj';
  throw new InputError(`model file ${file} must end in .json or .ubj (got ${ext || 'no extension'})`);
}

let tmpCounter = 0;

/** Writes bytes to a temporary sibling, fsyncs, then renames over `file`. */
function writeFileAtomic(file: string, bytes: Uint8Array): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${++tmpCounter}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'w');
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, file);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw new InputError(`cannot write model ${file}: ${(e as Error).message}`);
  }
}
