/**
 * Crash-safe file writes: stage beside the target, fsync, then rename, so readers see the old or the new, never
 * half, even after a power loss. Staging names carry the writer's pid (`.<name>.<tag>-<pid>-<random>`), so a later
 * writer or reader can tell the leftovers of a dead process from the work of a live one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { CRASH_POINTS, crashPoint } from './crash.js';

/** Hex SHA-256 of some bytes. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** A fresh staging path beside `target`: `.<name>.<tag>-<pid>-<random>`. */
export function stagingName(target: string, tag: string): string {
  return join(dirname(target), `.${basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * The staging paths beside `target` with this `tag` (see {@link stagingName}) whose writer process is gone. A
 * name without a pid (older rsattae versions) counts as stale too.
 */
export async function staleSiblings(target: string, tag: string): Promise<string[]> {
  const prefix = `.${basename(target)}.${tag}-`;
  let names: string[];
  try {
    names = await readdir(dirname(target));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names
    .filter((n) => n.startsWith(prefix))
    .filter((n) => {
      const pid = /^(\d+)-/.exec(n.slice(prefix.length))?.[1];
      return pid === undefined || !isAlive(Number(pid));
    })
    .map((n) => join(dirname(target), n));
}

/** Removes what {@link staleSiblings} finds; best effort (a folder we may not write is left alone). */
export async function removeStaleSiblings(target: string, tag: string): Promise<void> {
  for (const p of await staleSiblings(target, tag)) await rm(p, { recursive: true, force: true }).catch(() => undefined);
}

/** fsyncs a file, or a directory's entries (skipped where a directory cannot be opened: Windows). */
export async function syncPath(path: string, isDir = false): Promise<void> {
  if (isDir && process.platform === 'win32') return;
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch (err) {
    // some filesystems cannot fsync a directory; the files themselves were synced
    if (!isDir || !['EINVAL', 'EISDIR', 'EPERM', 'ENOTSUP'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
  } finally {
    await fh.close();
  }
}

/** fsyncs every file under `dir`, then each directory (children first), so a rename of `dir` publishes durable data. */
export async function syncTree(dir: string): Promise<void> {
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await syncTree(p);
    else await syncPath(p);
  }
  await syncPath(dir, true);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw err;
  }
}

/** Writes `data` to `path` through a temporary file in the same folder, an fsync and a rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = stagingName(path, 'tmp');
  try {
    const fh = await open(tmp, 'w');
    try {
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
  await syncPath(dirname(path), true);
}

/**
 * Repairs what a save of `target` by {@link writeDirAtomic} left when its process died: when `target` is missing
 * and the old folder was moved aside, moves it back (it is complete: it was the previous bundle); then removes the
 * dead writers' staging and old folders. A live writer's folders are left alone. Called by the next save and by
 * loaders, so nobody ever sees the gap between the two renames.
 */
export async function recoverDir(target: string): Promise<void> {
  const olds = await staleSiblings(target, 'old');
  if (olds.length > 0 && !(await exists(target))) {
    // several can only come from concurrent crashed saves; any of them is a complete bundle, take the latest
    const times = await Promise.all(olds.map(async (p) => (await lstat(p)).mtimeMs));
    const latest = olds[times.indexOf(Math.max(...times))];
    await rename(latest, target);
    await syncPath(dirname(target), true);
    olds.splice(olds.indexOf(latest), 1);
  }
  for (const p of olds) await rm(p, { recursive: true, force: true }).catch(() => undefined);
  await removeStaleSiblings(target, 'tmp');
}

/**
 * Builds a directory with `fill(stagingDir)` and moves it to `target`, replacing an existing one only once the new
 * one is complete and fsynced. A failure in `fill` removes the staging folder and leaves `target` untouched. A
 * directory can't be renamed over a non-empty one, so the old folder is moved aside first; if the process dies
 * before the new one is in, {@link recoverDir} (run by the next save and by the bundle loader) moves it back.
 */
export async function writeDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  await recoverDir(target);
  const staged = stagingName(target, 'tmp');
  await mkdir(staged);
  try {
    await fill(staged);
    await syncTree(staged);
  } catch (err) {
    await rm(staged, { recursive: true, force: true });
    throw err;
  }
  crashPoint(CRASH_POINTS.dirStaged);
  const old = stagingName(target, 'old');
  let movedOld = false;
  try {
    await rename(target, old);
    movedOld = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      await rm(staged, { recursive: true, force: true });
      throw err;
    }
  }
  crashPoint(CRASH_POINTS.dirOldMoved);
  try {
    await rename(staged, target);
  } catch (err) {
    if (movedOld) await rename(old, target);
    await rm(staged, { recursive: true, force: true });
    throw err;
  }
  // both renames durable before the old copy is deleted: a power loss now shows the old or the new, never neither
  await syncPath(dirname(target), true);
  crashPoint(CRASH_POINTS.dirNewInPlace);
  if (movedOld) await rm(old, { recursive: true, force: true });
}
