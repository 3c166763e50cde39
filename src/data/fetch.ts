/**
 * Downloading datasets: stream the archive to a temp folder inside the data folder while hashing it, check the
 * archive's SHA-256 (when the registry has one), unzip the kept files as a stream (ML-25M unzips to over 1 GB, never
 * held in memory), verify every kept file against SHA-256 values kept in the source (ml-100k), then rename the
 * finished folder into place. A failure at any step
 * removes the temp folder, so a dataset folder either exists complete and verified or not at all.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, mkdir, mkdtemp, open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Unzip, type UnzipFile, UnzipInflate } from 'fflate';
import { removeStaleSiblings, syncPath, syncTree } from '../core/atomic-fs.js';
import { CRASH_POINTS, crashPoint } from '../core/crash.js';
import { InputError } from '../core/errors.js';
import { removeOnSignal } from '../core/signals.js';
import { type DatasetName, type DatasetSpec, datasetSpec } from './registry.js';

/** A download failed: network error, HTTP error, timeout, truncation, corrupt archive or checksum mismatch. */
export class DownloadError extends Error {
  override readonly name: string = 'DownloadError';
}

/** Progress callback: bytes received so far and the expected total (undefined when unknown). */
export type ProgressCallback = (received: number, total: number | undefined) => void;

/** Options of {@link fetchDataset}. */
export interface FetchOptions {
  /** The data folder; the dataset lands in `<dataDir>/<name>`. Created when missing. */
  readonly dataDir: string;
  /** Archive URL; default: the dataset's env override (e.g. `RSATTAE_ML100K_URL`), else the official URL. */
  readonly url?: string;
  /** Abort when no data arrives for this long (headers or body), in ms. Default 60 000. */
  readonly timeoutMs?: number;
  /** Called after every received chunk. */
  readonly onProgress?: ProgressCallback;
  /**
   * File name → SHA-256 hex of every file to keep (these files are kept, and only these); default the dataset's
   * kept files and published per-file hashes (tests inject their own).
   */
  readonly expectedHashes?: Readonly<Record<string, string>>;
  /**
   * SHA-256 hex the archive must have; default the registry's (see {@link DatasetSpec.archiveSha256}) unless
   * `expectedHashes` is given; `null` checks no archive hash.
   */
  readonly archiveSha256?: string | null;
}

/** Default idle timeout of a download. */
export const DEFAULT_FETCH_TIMEOUT_MS = 60_000;

/** SHA-256 hex of a file, streamed (ML-20M files are large). */
async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Describes a fetch failure, digging out undici's cause (`fetch failed` alone says nothing). */
function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause;
  if (cause instanceof Error && cause.message && cause.message !== err.message) return `${err.message} (${cause.message})`;
  return err.message;
}

/**
 * Streams `url` to `file`, enforcing the idle timeout and the announced Content-Length; returns the SHA-256 of the
 * bytes received (hashed as they arrive, so a large archive is not read again).
 */
async function download(url: string, file: string, timeoutMs: number, onProgress?: ProgressCallback): Promise<string> {
  const hash = createHash('sha256');
  const controller = new AbortController();
  let timedOut = false;
  let timer: NodeJS.Timeout | undefined;
  // an idle timer rather than a total deadline: a slow but live connection is fine, a stalled one is not
  const arm = (): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, timeoutMs);
  };
  let received = 0;
  let total: number | undefined;
  const fail = (err: unknown, stage: string): DownloadError => {
    if (timedOut) {
      const got = total === undefined ? `${received} bytes` : `${received} of ${total} bytes`;
      return new DownloadError(`download of ${url} timed out: no data for ${timeoutMs} ms (${stage}, received ${got})`);
    }
    return new DownloadError(`download of ${url} failed ${stage}: ${describe(err)}`);
  };
  arm();
  try {
    let res: Response;
    try {
      res = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw fail(err, 'before a response arrived');
    }
    if (!res.ok) {
      await res.body?.cancel().catch(() => undefined);
      throw new DownloadError(`download of ${url} failed: HTTP ${res.status} ${res.statusText}`.trimEnd());
    }
    if (res.body === null) throw new DownloadError(`download of ${url} failed: empty response body`);
    const length = res.headers.get('content-length');
    // with a Content-Encoding, fetch decodes the body and the header counts encoded bytes: unusable as a check
    if (length !== null && res.headers.get('content-encoding') === null) total = Number(length);
    const fh = await open(file, 'w');
    try {
      const reader = res.body.getReader();
      for (;;) {
        let chunk: Awaited<ReturnType<typeof reader.read>>;
        try {
          chunk = await reader.read();
        } catch (err) {
          if (!timedOut && total !== undefined) {
            const why = describe(err);
            throw new DownloadError(`download of ${url} was truncated: connection lost after ${received} of ${total} bytes (${why})`);
          }
          throw fail(err, `after ${received} bytes`);
        }
        if (chunk.done) break;
        arm();
        hash.update(chunk.value);
        await fh.write(chunk.value);
        crashPoint(CRASH_POINTS.fetchReceiving);
        received += chunk.value.byteLength;
        onProgress?.(received, total);
      }
    } finally {
      await fh.close();
    }
    if (total !== undefined && received !== total) {
      throw new DownloadError(`download of ${url} was truncated: received ${received} of ${total} bytes`);
    }
    return hash.digest('hex');
  } finally {
    clearTimeout(timer);
  }
}

/** An extracted file being written. */
interface Output {
  readonly fh: FileHandle;
  readonly hash: Hash;
}

/**
 * Unzips the files named in `keep` (at the archive root or under `<topFolder>/`) from the archive at `archivePath`
 * into `outDir`, streaming: the archive is read a MiB at a time and each inflated piece written out before the next
 * is read. Then checks that every kept file was there and, for those in `hashes`, its SHA-256.
 */
async function extractVerified(
  archivePath: string,
  outDir: string,
  topFolder: string,
  keep: readonly string[],
  hashes: Readonly<Record<string, string>>,
  url: string,
): Promise<void> {
  const wanted = new Set(keep);
  const baseName = (entry: string): string | undefined => {
    const base = entry.startsWith(`${topFolder}/`) ? entry.slice(topFolder.length + 1) : entry;
    return wanted.has(base) ? base : undefined;
  };
  const invalid = (why: unknown): DownloadError => new DownloadError(`archive from ${url} is not a valid zip file: ${describe(why)}`);
  // fflate calls back synchronously inside push(): queue the pieces, write them after each push
  const queue: { base: string; data: Uint8Array; final: boolean }[] = [];
  const outputs = new Map<string, Output>();
  const digests = new Map<string, string>();
  const started = new Set<string>();
  let entries = 0;
  let failure: DownloadError | undefined;
  const unzip = new Unzip((file: UnzipFile) => {
    entries++;
    const base = baseName(file.name);
    // files not kept are never started, so never inflated (ml-100k.zip holds helper scripts, ml-25m.zip a 400 MB genome)
    if (base === undefined) return;
    if (started.has(base)) {
      failure ??= new DownloadError(`archive from ${url} holds ${base} twice`);
      return;
    }
    started.add(base);
    file.ondata = (err, data, final) => {
      if (err) failure ??= invalid(err);
      else queue.push({ base, data, final });
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  const drain = async (): Promise<void> => {
    for (const { base, data, final } of queue.splice(0)) {
      let out = outputs.get(base);
      if (out === undefined) {
        out = { fh: await open(join(outDir, base), 'w'), hash: createHash('sha256') };
        outputs.set(base, out);
      }
      out.hash.update(data);
      await out.fh.write(data);
      if (final) {
        await out.fh.close();
        outputs.delete(base);
        digests.set(base, out.hash.digest('hex'));
      }
    }
  };
  try {
    for await (const chunk of createReadStream(archivePath, { highWaterMark: 1 << 20 })) {
      try {
        unzip.push(chunk as Buffer);
      } catch (err) {
        throw invalid(err);
      }
      await drain();
      if (failure !== undefined) throw failure;
    }
    try {
      unzip.push(new Uint8Array(0), true);
    } catch (err) {
      throw invalid(err);
    }
    await drain();
    if (failure !== undefined) throw failure;
  } finally {
    for (const out of outputs.values()) await out.fh.close().catch(() => undefined);
  }
  if (entries === 0) throw invalid('no entries found');
  const problems: string[] = [];
  for (const file of keep) {
    const actual = digests.get(file);
    const expected = hashes[file];
    if (actual === undefined) problems.push(`${file} is missing`);
    else if (expected !== undefined && actual !== expected.toLowerCase()) problems.push(`${file} has SHA-256 ${actual}, expected ${expected}`);
  }
  if (problems.length > 0) {
    const shown = problems.length > 5 ? [...problems.slice(0, 5), `... and ${problems.length - 5} more`] : problems;
    throw new DownloadError(`archive from ${url} failed verification: ${shown.join('; ')}`);
  }
}

/** The files to keep, their hashes and the archive hash for a download. */
function expectations(spec: DatasetSpec, opts: FetchOptions): { keep: readonly string[]; hashes: Readonly<Record<string, string>>; archive?: string } {
  if (opts.expectedHashes !== undefined) {
    const archive = opts.archiveSha256 ?? undefined;
    return { keep: Object.keys(opts.expectedHashes), hashes: opts.expectedHashes, ...(archive === undefined ? {} : { archive }) };
  }
  const archive = opts.archiveSha256 === undefined ? spec.archiveSha256 : (opts.archiveSha256 ?? undefined);
  return { keep: spec.files, hashes: spec.sha256, ...(archive === undefined ? {} : { archive }) };
}

/**
 * Downloads a dataset into `<dataDir>/<name>` and returns that folder. The archive is streamed to a temp folder
 * (`<dataDir>/.<name>.partial-<pid>-XXXXXX`) and hashed on the way (checked against the archive's SHA-256 when
 * the registry has one), the kept files are unzipped with fflate as a stream and checked against their SHA-256
 * (ml-100k), fsynced, and the folder is renamed into place only then; on any failure, SIGINT or SIGTERM the temp folder is
 * removed and a {@link DownloadError} says what failed (HTTP status, timeout, truncation, corruption). Temp folders
 * of processes that died mid-download (killed, power loss) are removed first.
 *
 * @throws InputError for an unknown dataset or when `<dataDir>/<name>` already exists
 * @throws DownloadError when the download or its verification fails
 */
export async function fetchDataset(name: DatasetName, opts: FetchOptions): Promise<string> {
  const spec = datasetSpec(name);
  const url = opts.url ?? (process.env[spec.urlEnv] || spec.url);
  const expect = expectations(spec, opts);
  const timeoutMs = opts.timeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS;
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be positive, got ${timeoutMs}`);
  const target = join(opts.dataDir, spec.name);
  if (await isDirectory(target)) throw new InputError(`${target} already exists; remove it to download again`);
  await mkdir(opts.dataDir, { recursive: true });
  await removeStaleSiblings(target, 'partial');
  const temp = await mkdtemp(join(opts.dataDir, `.${spec.name}.partial-${process.pid}-`));
  const stopWatching = removeOnSignal(temp);
  try {
    const archivePath = join(temp, 'archive.zip');
    const archiveHash = await download(url, archivePath, timeoutMs, opts.onProgress);
    if (expect.archive !== undefined && archiveHash !== expect.archive.toLowerCase()) {
      throw new DownloadError(`archive from ${url} failed verification: SHA-256 ${archiveHash}, expected ${expect.archive}`);
    }
    const staged = join(temp, spec.name);
    await mkdir(staged);
    await extractVerified(archivePath, staged, spec.topFolder, expect.keep, expect.hashes, url);
    // the archive is not needed any more: free its space before the rename (ml-25m's is 250 MB)
    await rm(archivePath, { force: true });
    await syncTree(staged);
    crashPoint(CRASH_POINTS.fetchStaged);
    try {
      // same filesystem (both under dataDir), so this is atomic: readers see no folder or a complete one
      await rename(staged, target);
    } catch (err) {
      throw new DownloadError(`cannot move the downloaded ${spec.name} into ${target}: ${describe(err)}`);
    }
    await syncPath(opts.dataDir, true);
    return target;
  } finally {
    stopWatching();
    await rm(temp, { recursive: true, force: true });
  }
}

/** Options of {@link ensureDataset}. */
export interface EnsureOptions extends FetchOptions {
  /** Download the dataset when its folder is missing (otherwise an {@link InputError} says how to get it). */
  readonly fetch: boolean;
}

/**
 * Returns `<dataDir>/<name>`, downloading it first when the folder does not exist and `fetch` is true. An existing
 * folder is used as is (not re-verified: a hand-made or edited copy is the user's business, and the parsers report
 * anything malformed in it).
 *
 * @throws InputError for an unknown dataset, or a missing one when `fetch` is false
 * @throws DownloadError when downloading fails
 */
export async function ensureDataset(name: string, opts: EnsureOptions): Promise<string> {
  const spec = datasetSpec(name);
  const target = join(opts.dataDir, spec.name);
  if (await isDirectory(target)) return target;
  if (!opts.fetch) {
    throw new InputError(
      `dataset ${spec.name} not found in ${opts.dataDir}; run "rsattae data fetch ${spec.name}" or pass --data-dir`,
    );
  }
  return fetchDataset(spec.name, opts);
}

/** Outcome of {@link verifyDataset}. */
export interface VerifyResult {
  /** True when every expected file is present with the expected hash. */
  readonly ok: boolean;
  /** One line per missing or differing file, e.g. `u.data: SHA-256 … differs from …`. */
  readonly problems: readonly string[];
}

/**
 * Checks a dataset folder against SHA-256 values (default: the published ml-100k hashes). Extra files are ignored.
 * Loading does not call this: only downloads are held to the hashes.
 */
export async function verifyDataset(
  dir: string,
  expectedHashes: Readonly<Record<string, string>> = datasetSpec('ml-100k').sha256,
): Promise<VerifyResult> {
  const problems: string[] = [];
  for (const [file, expected] of Object.entries(expectedHashes)) {
    let actual: string;
    try {
      actual = await sha256File(join(dir, file));
    } catch (err) {
      problems.push(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'missing' : describe(err)}`);
      continue;
    }
    if (actual !== expected.toLowerCase()) problems.push(`${file}: SHA-256 ${actual} differs from ${expected}`);
  }
  return { ok: problems.length === 0, problems };
}
