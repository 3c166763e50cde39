/**
 * Row sources: training or prediction rows handed to XGBoost in batches, so they never exist as one float matrix.
 * Training feeds them through XGBoost's callback API (`XGQuantileDMatrixCreateFromCallback` with a proxy DMatrix):
 * XGBoost pulls one batch at a time, sketches its quantiles and keeps only the binned (1-byte-per-value) matrix.
 */

import { InputError } from '../core/errors.js';
import type { Float32Matrix } from '../core/types.js';
import type { Pointer, XGBoost } from './library.js';

/** One batch of a {@link RowSource}: `rows` consecutive rows, row-major float32, NaN marks a missing value. */
export interface RowBatch {
  readonly rows: number;
  /** Length `rows * cols`. May be a view into a reused buffer: it is only read until the next batch is requested. */
  readonly data: Float32Array;
}

/**
 * Rows produced batch by batch instead of as one matrix. `batches()` must give the same rows in the same order
 * every time it is called: XGBoost reads the source more than once (quantile sketch, then binning), and the
 * concatenated batches must hold exactly `rows` rows of `cols` values. Labels are passed separately (they are
 * one float per row, small next to the features).
 */
export interface RowSource {
  readonly rows: number;
  readonly cols: number;
  batches(): Iterable<RowBatch>;
}

/** Whether `x` is a {@link RowSource} rather than a dense matrix. */
export function isRowSource(x: Float32Matrix | RowSource): x is RowSource {
  return x !== null && typeof x === 'object' && typeof (x as RowSource).batches === 'function';
}

/** A dense matrix as a {@link RowSource} of `batchRows`-row views (no copy): for tests and benchmarks. */
export function matrixSource(X: Float32Matrix, batchRows: number): RowSource {
  if (!Number.isSafeInteger(batchRows) || batchRows < 1) throw new InputError(`batchRows must be a positive integer, got ${batchRows}`);
  return {
    rows: X.rows,
    cols: X.cols,
    *batches() {
      for (let r = 0; r < X.rows; r += batchRows) {
        const n = Math.min(batchRows, X.rows - r);
        yield { rows: n, data: X.data.subarray(r * X.cols, (r + n) * X.cols) };
      }
    },
  };
}

/** Checks a source's declared shape before anything reaches C. */
export function checkSource(s: RowSource, what: string, allowEmpty: boolean): void {
  if (!Number.isSafeInteger(s.rows) || s.rows < 0 || !Number.isSafeInteger(s.cols) || s.cols < 1) {
    throw new InputError(`${what} has an invalid shape ${s.rows} x ${s.cols}`);
  }
  if (s.rows === 0 && !allowEmpty) throw new InputError(`${what} has zero rows`);
}

/**
 * Iterates a source's batches, checking each one (type, length, no infinities) and that they add up to
 * `source.rows`. Zero-row batches are skipped. Problems surface as InputError naming `what`.
 */
export function* checkedBatches(source: RowSource, what: string): Generator<RowBatch, void, undefined> {
  let seen = 0;
  for (const b of source.batches()) {
    if (b === null || typeof b !== 'object' || !(b.data instanceof Float32Array)) {
      throw new InputError(`${what}: a batch must be {rows, data: Float32Array}`);
    }
    if (!Number.isSafeInteger(b.rows) || b.rows < 0 || b.data.length !== b.rows * source.cols) {
      throw new InputError(`${what}: a batch of ${b.rows} rows has ${b.data.length} values, expected rows * ${source.cols}`);
    }
    if (b.rows === 0) continue;
    if (seen + b.rows > source.rows) throw new InputError(`${what}: batches hold more than the declared ${source.rows} rows`);
    const { data } = b;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v === Number.POSITIVE_INFINITY || v === Number.NEGATIVE_INFINITY) {
        throw new InputError(`${what} has an infinite value at row ${seen + Math.floor(i / source.cols)}, column ${i % source.cols} (use NaN for missing values)`);
      }
    }
    seen += b.rows;
    yield b;
  }
  if (seen !== source.rows) throw new InputError(`${what}: batches hold ${seen} rows but the source declares ${source.rows}`);
}

/** Settings of {@link createQuantileDMatrix}; `maxBin` must equal the booster's `max_bin`. */
export interface QuantileSettings {
  readonly maxBin: number;
  readonly nThread: number;
  /** Training DMatrix whose histogram cuts an eval matrix must reuse (XGBoost's `ref`). */
  readonly ref?: Pointer;
}

/**
 * Builds a QuantileDMatrix (XGBoost's IterativeDMatrix) from `source` through the callback API, then sets labels.
 * The JS callbacks stay registered exactly for the duration of the native call. A throw from the source (or a
 * malformed batch) is caught inside the callback, which then ends the iteration; the recorded error is rethrown
 * once XGBoost returns, in preference to whatever XGBoost made of the truncated data.
 */
export function createQuantileDMatrix(
  xgb: XGBoost,
  source: RowSource,
  labels: Float32Array | undefined,
  settings: QuantileSettings,
  what: string,
): Pointer {
  const { api } = xgb;
  let failure: { error: unknown } | undefined;
  let it: Iterator<RowBatch, void, undefined> | undefined;
  // Holds the batch XGBoost reads through the proxy until it asks for the next one, so GC cannot free it.
  let current: RowBatch | undefined;
  let proxy: Pointer | undefined;
  const close = (): void => {
    const old = it;
    it = undefined;
    current = undefined;
    old?.return?.();
  };
  const next = (): number => {
    if (failure) return 0;
    try {
      it ??= checkedBatches(source, what);
      const r = it.next();
      if (r.done) {
        current = undefined;
        return 0;
      }
      current = r.value;
      api.XGProxyDMatrixSetDataDense(proxy!, xgb.arrayInterface(current.data, current.rows, source.cols));
      return 1;
    } catch (e) {
      failure = { error: e };
      return 0;
    }
  };
  const reset = (): void => {
    try {
      close();
    } catch (e) {
      failure ??= { error: e };
    }
  };
  const proxyOut: [Pointer | null] = [null];
  api.XGProxyDMatrixCreate(proxyOut);
  proxy = proxyOut[0]!;
  let callbacks: ReturnType<XGBoost['dataIterCallbacks']> | undefined;
  let handle: Pointer | undefined;
  try {
    callbacks = xgb.dataIterCallbacks(next, reset);
    const config = `{"missing":NaN,"nthread":${settings.nThread},"max_bin":${settings.maxBin}}`;
    const out: [Pointer | null] = [null];
    try {
      api.XGQuantileDMatrixCreateFromCallback(null, proxy, settings.ref ?? null, callbacks.reset, callbacks.next, config, out);
      handle = out[0]!;
    } catch (e) {
      if (!failure) throw e;
    }
    if (failure) throw wrapSourceError(failure.error, what);
    if (labels) api.XGDMatrixSetFloatInfo(handle!, 'label', labels, labels.length);
    const made = handle!;
    handle = undefined;
    return made;
  } finally {
    callbacks?.release();
    try {
      close();
    } catch {
      // the source's own cleanup failing must not mask the real outcome
    }
    if (handle !== undefined) api.XGDMatrixFree(handle);
    api.XGDMatrixFree(proxy);
  }
}

/** Input errors pass through; anything else thrown by the source is wrapped so the message says where it came from. */
function wrapSourceError(error: unknown, what: string): Error {
  if (error instanceof InputError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new Error(`${what}: the row source failed while XGBoost was reading it: ${message}`, { cause: error });
}
