/**
 * Finding, loading and binding the native XGBoost library (libxgboost) through koffi.
 *
 * Search order, first hit wins:
 * 1. `XGBOOST_LIBRARY` (full path to the shared library; when set, nothing else is tried);
 * 2. the system loader (`libxgboost.so`, `libxgboost.so.0`, `libxgboost.dylib`, `xgboost.dll`) and the usual
 *    install folders (Debian/Ubuntu multiarch lib dir, /usr/local/lib, Homebrew, conda);
 * 3. the `lib` folder of a pip-installed xgboost: known site-packages folders first, then
 *    `python3 -c 'import xgboost'` (spawned once, lazily).
 *
 * Nothing is loaded until the first call that needs the library, so importing the package stays cheap and works
 * on machines without XGBoost.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir } from 'node:os';
import path from 'node:path';
import type * as KoffiModule from 'koffi';

type Koffi = typeof KoffiModule;

/** A native handle (DMatrixHandle, BoosterHandle) or any other C pointer: koffi 3 represents pointers as BigInt. */
export type Pointer = bigint;

/** The oldest XGBoost whose C API has everything used here (SaveModelToBuffer with UBJSON, FeatureScore). */
const MIN_VERSION: readonly [number, number] = [1, 6];

/** A non-zero return code from an XGBoost C function, with the library's own explanation. */
export class XGBoostError extends Error {
  override readonly name: string = 'XGBoostError';
  /**
   * @param functionName the C function that failed, e.g. `XGBoosterUpdateOneIter`
   * @param nativeMessage the full text of `XGBGetLastError()` (may include a native stack trace)
   */
  constructor(
    readonly functionName: string,
    readonly nativeMessage: string,
  ) {
    // The native text often carries a multi-line stack trace; keep the message itself readable.
    const head = nativeMessage.split('\nStack trace:')[0]!.trim();
    super(`${functionName} failed: ${head || '(no message from XGBoost)'}`);
  }
}

/** No usable XGBoost shared library could be found; the message says where we looked and how to install it. */
export class XGBoostNotFoundError extends Error {
  override readonly name: string = 'XGBoostNotFoundError';
  /** @param attempts one line per place tried and why it failed */
  constructor(readonly attempts: readonly string[]) {
    super(
      [
        'the XGBoost native library (libxgboost, version >= 1.6) was not found. Install it with one of:',
        '  Debian/Ubuntu: sudo apt-get install libxgboost-dev',
        '  macOS:         brew install xgboost',
        '  pip:           pip install xgboost   (its bundled library is found through the xgboost package folder)',
        'or point XGBOOST_LIBRARY at the shared library, e.g. XGBOOST_LIBRARY=/path/to/libxgboost.so',
        'Tried:',
        ...attempts.map((a) => `  - ${a}`),
      ].join('\n'),
    );
  }
}

/**
 * The subset of the XGBoost C API used by this package, with return codes already checked: every function throws
 * {@link XGBoostError} instead of returning non-zero. `_Out_` parameters are single-element arrays filled in place.
 */
export interface XGBoostApi {
  XGDMatrixCreateFromMat_omp(
    data: Float32Array,
    nrow: number,
    ncol: number,
    missing: number,
    out: [Pointer | null],
    nthread: number,
  ): void;
  XGDMatrixSetFloatInfo(handle: Pointer, field: string, values: Float32Array, len: number): void;
  XGDMatrixFree(handle: Pointer): void;
  XGProxyDMatrixCreate(out: [Pointer | null]): void;
  XGProxyDMatrixSetDataDense(handle: Pointer, arrayInterface: string): void;
  XGQuantileDMatrixCreateFromCallback(
    iter: Pointer | null,
    proxy: Pointer,
    ref: Pointer | null,
    reset: Pointer,
    next: Pointer,
    config: string,
    out: [Pointer | null],
  ): void;
  XGBoosterCreate(dmats: Pointer[], len: number, out: [Pointer | null]): void;
  XGBoosterFree(handle: Pointer): void;
  XGBoosterSetParam(handle: Pointer, name: string, value: string): void;
  XGBoosterUpdateOneIter(handle: Pointer, iter: number, dtrain: Pointer): void;
  XGBoosterEvalOneIter(
    handle: Pointer,
    iter: number,
    dmats: Pointer[],
    names: string[],
    len: number,
    out: [string | null],
  ): void;
  XGBoosterPredictFromDense(
    handle: Pointer,
    values: string,
    config: string,
    proxy: Pointer | null,
    outShape: [Pointer | null],
    outDim: [number],
    outResult: [Pointer | null],
  ): void;
  XGBoosterSaveModelToBuffer(handle: Pointer, config: string, outLen: [number], outData: [Pointer | null]): void;
  XGBoosterLoadModelFromBuffer(handle: Pointer, buf: Uint8Array, len: number): void;
  XGBoosterSerializeToBuffer(handle: Pointer, outLen: [number], outData: [Pointer | null]): void;
  XGBoosterUnserializeFromBuffer(handle: Pointer, buf: Uint8Array, len: number): void;
  XGBoosterGetNumFeature(handle: Pointer, out: [number]): void;
  XGBoosterBoostedRounds(handle: Pointer, out: [number]): void;
  XGBoosterSetAttr(handle: Pointer, key: string, value: string | null): void;
  XGBoosterGetAttr(handle: Pointer, key: string, out: [string | null], success: [number]): void;
  XGBoosterGetStrFeatureInfo(handle: Pointer, field: string, outLen: [number], outFeatures: [Pointer | null]): void;
  XGBoosterFeatureScore(
    handle: Pointer,
    config: string,
    outNFeatures: [number],
    outFeatures: [Pointer | null],
    outDim: [number],
    outShape: [Pointer | null],
    outScores: [Pointer | null],
  ): void;
}

/** A loaded XGBoost: the checked C API plus helpers to copy native memory out. */
export interface XGBoost {
  /** Path (or loader name) the library was loaded from. */
  readonly path: string;
  /** `[major, minor, patch]` as reported by `XGBoostVersion`. */
  readonly version: readonly [number, number, number];
  readonly api: XGBoostApi;
  /** Copies `n` floats out of native memory. */
  readFloat32(ptr: Pointer | null, n: number): Float32Array;
  /** Copies `n` bytes out of native memory. */
  readBytes(ptr: Pointer | null, n: number): Uint8Array;
  /** Reads `n` C strings from a `const char **`. */
  readStrings(ptr: Pointer | null, n: number): string[];
  /** Reads `n` uint64 values (as numbers) from a `const uint64_t *`. */
  readUint64(ptr: Pointer | null, n: number): number[];
  /**
   * `__array_interface__` JSON (as numpy writes it) describing a row-major float32 matrix in place, for the
   * `...FromDense` functions. Valid only while `data` is alive and not detached: use it within one synchronous call.
   */
  arrayInterface(data: Float32Array, rows: number, cols: number): string;
  /**
   * Registers JS functions as a DataIter's `next` (returns 1 while there is a batch, 0 at the end) and `reset`
   * callbacks, for `XGQuantileDMatrixCreateFromCallback`. They must not throw (a throw inside a native call cannot
   * unwind through C): catch and record instead. Call `release` once the native call has returned.
   */
  dataIterCallbacks(next: () => number, reset: () => void): DataIterCallbacks;
}

/** Function pointers of registered DataIter callbacks; valid until {@link DataIterCallbacks.release}. */
export interface DataIterCallbacks {
  readonly next: Pointer;
  readonly reset: Pointer;
  /** Unregisters both callbacks. Idempotent. */
  release(): void;
}

/** C prototypes, in koffi's C-like syntax. `DMatrixHandle`/`BoosterHandle` are opaque pointers declared in {@link bind}. */
const PROTOTYPES: Record<keyof XGBoostApi, string> = {
  XGDMatrixCreateFromMat_omp:
    'int XGDMatrixCreateFromMat_omp(const float *data, uint64_t nrow, uint64_t ncol, float missing, _Out_ DMatrixHandle *out, int nthread)',
  XGDMatrixSetFloatInfo: 'int XGDMatrixSetFloatInfo(DMatrixHandle handle, const char *field, const float *array, uint64_t len)',
  XGDMatrixFree: 'int XGDMatrixFree(DMatrixHandle handle)',
  XGProxyDMatrixCreate: 'int XGProxyDMatrixCreate(_Out_ DMatrixHandle *out)',
  XGProxyDMatrixSetDataDense: 'int XGProxyDMatrixSetDataDense(DMatrixHandle handle, const char *c_interface_str)',
  XGQuantileDMatrixCreateFromCallback:
    'int XGQuantileDMatrixCreateFromCallback(void *iter, DMatrixHandle proxy, DMatrixHandle ref, DataIterResetCallback *reset, XGDMatrixCallbackNext *next, const char *config, _Out_ DMatrixHandle *out)',
  XGBoosterCreate: 'int XGBoosterCreate(const DMatrixHandle *dmats, uint64_t len, _Out_ BoosterHandle *out)',
  XGBoosterFree: 'int XGBoosterFree(BoosterHandle handle)',
  XGBoosterSetParam: 'int XGBoosterSetParam(BoosterHandle handle, const char *name, const char *value)',
  XGBoosterUpdateOneIter: 'int XGBoosterUpdateOneIter(BoosterHandle handle, int iter, DMatrixHandle dtrain)',
  XGBoosterEvalOneIter:
    'int XGBoosterEvalOneIter(BoosterHandle handle, int iter, const DMatrixHandle *dmats, const char **evnames, uint64_t len, _Out_ const char **out_result)',
  XGBoosterPredictFromDense:
    'int XGBoosterPredictFromDense(BoosterHandle handle, const char *values, const char *config, DMatrixHandle m, _Out_ void **out_shape, _Out_ uint64_t *out_dim, _Out_ void **out_result)',
  XGBoosterSaveModelToBuffer:
    'int XGBoosterSaveModelToBuffer(BoosterHandle handle, const char *config, _Out_ uint64_t *out_len, _Out_ void **out_dptr)',
  XGBoosterLoadModelFromBuffer: 'int XGBoosterLoadModelFromBuffer(BoosterHandle handle, const void *buf, uint64_t len)',
  XGBoosterSerializeToBuffer:
    'int XGBoosterSerializeToBuffer(BoosterHandle handle, _Out_ uint64_t *out_len, _Out_ void **out_dptr)',
  XGBoosterUnserializeFromBuffer: 'int XGBoosterUnserializeFromBuffer(BoosterHandle handle, const void *buf, uint64_t len)',
  XGBoosterGetNumFeature: 'int XGBoosterGetNumFeature(BoosterHandle handle, _Out_ uint64_t *out)',
  XGBoosterBoostedRounds: 'int XGBoosterBoostedRounds(BoosterHandle handle, _Out_ int *out)',
  XGBoosterSetAttr: 'int XGBoosterSetAttr(BoosterHandle handle, const char *key, const char *value)',
  XGBoosterGetAttr: 'int XGBoosterGetAttr(BoosterHandle handle, const char *key, _Out_ const char **out, _Out_ int *success)',
  XGBoosterGetStrFeatureInfo:
    'int XGBoosterGetStrFeatureInfo(BoosterHandle handle, const char *field, _Out_ uint64_t *len, _Out_ void **out_features)',
  XGBoosterFeatureScore:
    'int XGBoosterFeatureScore(BoosterHandle handle, const char *config, _Out_ uint64_t *out_n_features, _Out_ void **out_features, _Out_ uint64_t *out_dim, _Out_ void **out_shape, _Out_ void **out_scores)',
};

/** The DataIter callback types, declared once per process like the handle types. */
const CALLBACK_PROTOTYPES: readonly [string, string][] = [
  ['XGDMatrixCallbackNext', 'int XGDMatrixCallbackNext(void *iter)'],
  ['DataIterResetCallback', 'void DataIterResetCallback(void *iter)'],
];

let koffiModule: Koffi | undefined;
let loaded: XGBoost | undefined;

/** koffi is required lazily so that importing the package never touches native code. */
function getKoffi(): Koffi {
  if (!koffiModule) koffiModule = createRequire(import.meta.url)('koffi') as Koffi;
  return koffiModule;
}

/** The shared-library file name on this platform. */
function libraryFileName(): string {
  if (process.platform === 'win32') return 'xgboost.dll';
  if (process.platform === 'darwin') return 'libxgboost.dylib';
  return 'libxgboost.so';
}

/** Names handed to the system loader, then well-known absolute paths (in case the loader cache is stale). */
function systemCandidates(): string[] {
  const env = process.env;
  const conda = env.CONDA_PREFIX ? [path.join(env.CONDA_PREFIX, 'lib', libraryFileName())] : [];
  if (process.platform === 'win32') return ['xgboost.dll', ...conda];
  if (process.platform === 'darwin') {
    return [
      'libxgboost.dylib',
      '/opt/homebrew/lib/libxgboost.dylib',
      '/opt/homebrew/opt/xgboost/lib/libxgboost.dylib',
      '/usr/local/lib/libxgboost.dylib',
      '/usr/local/opt/xgboost/lib/libxgboost.dylib',
      ...conda,
    ];
  }
  const multiarch: Record<string, string> = {
    x64: 'x86_64-linux-gnu',
    arm64: 'aarch64-linux-gnu',
    ppc64: 'powerpc64le-linux-gnu',
    riscv64: 'riscv64-linux-gnu',
  };
  const dirs = [
    ...(multiarch[process.arch] ? [`/usr/lib/${multiarch[process.arch]}`] : []),
    '/usr/local/lib',
    '/usr/lib64',
    '/usr/lib',
  ];
  return [
    'libxgboost.so',
    'libxgboost.so.0',
    ...dirs.flatMap((d) => [path.join(d, 'libxgboost.so'), path.join(d, 'libxgboost.so.0')]),
    ...conda,
  ];
}

/** Lists `<root>/python3*` folders, tolerating missing roots. */
function pythonDirs(root: string): string[] {
  try {
    return readdirSync(root)
      .filter((n) => /^python3(\.\d+)?$/.test(n))
      .map((n) => path.join(root, n));
  } catch {
    return [];
  }
}

/** `xgboost/lib/<libname>` inside the site-packages folders pip commonly uses, without spawning Python. */
function sitePackagesCandidates(): string[] {
  const env = process.env;
  const libDirs: string[] = [];
  for (const prefix of [env.VIRTUAL_ENV, env.CONDA_PREFIX, path.join(homedir(), '.local'), '/usr/local', '/usr', '/opt/homebrew']) {
    if (!prefix) continue;
    for (const py of pythonDirs(path.join(prefix, 'lib'))) {
      libDirs.push(path.join(py, 'site-packages'), path.join(py, 'dist-packages'));
    }
  }
  libDirs.push('/usr/lib/python3/dist-packages');
  return libDirs.map((d) => path.join(d, 'xgboost', 'lib', libraryFileName())).filter((p) => existsSync(p));
}

/** Asks each available Python where its xgboost package lives; returns `<pkg>/lib/<libname>` paths. */
function pythonCandidates(attempts: string[]): string[] {
  const pythons = [env('XGBOOST_PYTHON'), 'python3', '/usr/bin/python3', 'python'].filter(
    (p): p is string => Boolean(p),
  );
  const found: string[] = [];
  for (const py of [...new Set(pythons)]) {
    const r = spawnSync(py, ['-c', 'import xgboost, os; print(os.path.dirname(xgboost.__file__))'], {
      encoding: 'utf8',
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    if (r.status !== 0 || !r.stdout.trim()) {
      attempts.push(`${py} -c 'import xgboost': ${r.error ? r.error.message : 'xgboost not importable'}`);
      continue;
    }
    const lib = path.join(r.stdout.trim().split('\n').pop()!, 'lib', libraryFileName());
    if (existsSync(lib)) found.push(lib);
    else attempts.push(`${lib}: python's xgboost has no bundled library there`);
  }
  return found;
}

function env(name: string): string | undefined {
  const v = process.env[name];
  return v && v.trim() !== '' ? v.trim() : undefined;
}

/** Declares every prototype on `lib` and wraps each function with a return-code check. */
function bind(koffi: Koffi, lib: KoffiModule.LibraryHandle): { api: XGBoostApi; version: [number, number, number] } {
  // Re-declaring a named type throws, so create the handle types once per process.
  for (const name of ['DMatrixHandle', 'BoosterHandle']) {
    try {
      koffi.type(name);
    } catch {
      koffi.pointer(name, koffi.opaque());
    }
  }
  // c_api.h: `typedef int XGDMatrixCallbackNext(DataIterHandle iter)`, `typedef void DataIterResetCallback(DataIterHandle)`.
  for (const [name, proto] of CALLBACK_PROTOTYPES) {
    try {
      koffi.type(name);
    } catch {
      koffi.proto(proto);
    }
  }
  const versionFn: (a: [number], b: [number], c: [number]) => void = lib.func(
    'void XGBoostVersion(_Out_ int *major, _Out_ int *minor, _Out_ int *patch)',
  );
  const major: [number] = [0];
  const minor: [number] = [0];
  const patch: [number] = [0];
  versionFn(major, minor, patch);
  const lastError: () => string | null = lib.func('const char *XGBGetLastError()');
  const api: Partial<Record<keyof XGBoostApi, (...args: unknown[]) => void>> = {};
  for (const [name, proto] of Object.entries(PROTOTYPES) as [keyof XGBoostApi, string][]) {
    const fn: (...args: unknown[]) => number = lib.func(proto);
    api[name] = (...args: unknown[]) => {
      if (fn(...args) !== 0) throw new XGBoostError(name, lastError() ?? '');
    };
  }
  return { api: api as unknown as XGBoostApi, version: [major[0], minor[0], patch[0]] };
}

/** For a bare loader name, the file the loader actually picked (Linux: from /proc/self/maps); else the candidate. */
function loadedFrom(candidate: string): string {
  if (candidate.includes('/') || process.platform !== 'linux') return candidate;
  try {
    const line = readFileSync('/proc/self/maps', 'utf8')
      .split('\n')
      .find((l) => l.includes(`/${candidate.split('.so')[0]}.so`));
    const file = line?.slice(line.indexOf('/'));
    return file && existsSync(file) ? file : candidate;
  } catch {
    return candidate;
  }
}

/** Tries to load and bind one candidate; returns undefined (and records why) when it is unusable. */
function tryLoad(koffi: Koffi, candidate: string, attempts: string[]): XGBoost | undefined {
  let lib: KoffiModule.LibraryHandle;
  try {
    lib = koffi.load(candidate);
  } catch (e) {
    attempts.push(`${candidate}: ${(e as Error).message.split('\n')[0]}`);
    return undefined;
  }
  let bound: ReturnType<typeof bind>;
  try {
    bound = bind(koffi, lib);
  } catch (e) {
    attempts.push(`${candidate}: loaded but not a usable XGBoost (${(e as Error).message.split('\n')[0]})`);
    return undefined;
  }
  const [maj, min] = bound.version;
  if (maj < MIN_VERSION[0] || (maj === MIN_VERSION[0] && min < MIN_VERSION[1])) {
    attempts.push(`${candidate}: XGBoost ${bound.version.join('.')} is too old (need >= ${MIN_VERSION.join('.')})`);
    return undefined;
  }
  const view = (ptr: Pointer | null, bytes: number): ArrayBuffer =>
    bytes === 0 || ptr === null ? new ArrayBuffer(0) : koffi.view(ptr, bytes).slice(0);
  return {
    path: loadedFrom(candidate),
    version: bound.version,
    api: bound.api,
    readFloat32: (ptr, n) => new Float32Array(view(ptr, n * 4)),
    readBytes: (ptr, n) => new Uint8Array(view(ptr, n)),
    readStrings: (ptr, n) => (n === 0 || ptr === null ? [] : (koffi.decode(ptr, 'const char *', n) as string[])),
    readUint64: (ptr, n) => Array.from(new BigUint64Array(view(ptr, n * 8)), Number),
    arrayInterface: (data, rows, cols) => {
      // Reading .buffer moves a small on-heap typed array off-heap, so its address can no longer change under GC.
      void data.buffer;
      const address = koffi.address(data).toString();
      return `{"data":[${address},true],"shape":[${rows},${cols}],"strides":null,"typestr":"<f4","version":3}`;
    },
    dataIterCallbacks: (next, reset) => {
      const nextPtr = koffi.register(next, koffi.pointer('XGDMatrixCallbackNext'));
      let resetPtr: Pointer;
      try {
        resetPtr = koffi.register(reset, koffi.pointer('DataIterResetCallback'));
      } catch (e) {
        koffi.unregister(nextPtr);
        throw e;
      }
      let live = true;
      return {
        next: nextPtr,
        reset: resetPtr,
        release: () => {
          if (!live) return;
          live = false;
          koffi.unregister(nextPtr);
          koffi.unregister(resetPtr);
        },
      };
    },
  };
}

/**
 * Loads libxgboost once per process (see the module comment for the search order) and returns the bound API.
 * @throws XGBoostNotFoundError when no usable library is found
 */
export function loadXGBoost(): XGBoost {
  if (loaded) return loaded;
  const koffi = getKoffi();
  const attempts: string[] = [];
  const explicit = env('XGBOOST_LIBRARY');
  if (explicit) {
    // An explicit choice must not be silently replaced by some other copy of the library.
    loaded = tryLoad(koffi, explicit, attempts);
    if (!loaded) throw new XGBoostNotFoundError([`XGBOOST_LIBRARY=${explicit}`, ...attempts]);
    return loaded;
  }
  attempts.push('XGBOOST_LIBRARY: not set');
  for (const c of [...systemCandidates(), ...sitePackagesCandidates()]) {
    if (c.startsWith('/') && !existsSync(c)) continue;
    loaded = tryLoad(koffi, c, attempts);
    if (loaded) return loaded;
  }
  for (const c of pythonCandidates(attempts)) {
    loaded = tryLoad(koffi, c, attempts);
    if (loaded) return loaded;
  }
  throw new XGBoostNotFoundError(attempts);
}

/**
 * Version of the loaded XGBoost library, e.g. `"1.7.4"`. Loads the library if needed.
 * @throws XGBoostNotFoundError when no usable library is found
 */
export function xgboostVersion(): string {
  return loadXGBoost().version.join('.');
}

/**
 * Path of the XGBoost library in use (on Linux resolved from the loader; elsewhere a bare loader name such as
 * `libxgboost.dylib` when the system loader found it). Loads the library if needed.
 * @throws XGBoostNotFoundError when no usable library is found
 */
export function xgboostLibraryPath(): string {
  return loadXGBoost().path;
}
