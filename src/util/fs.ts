/** Crash-safe file writes: stage beside the target, then rename, so readers see the old or the new, never half. */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Hex SHA-256 of some bytes. */
export function sha256(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function stagingName(target: string, tag: string): string {
  return join(dirname(target), `.${basename(target)}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`);
}

/** Writes `data` to `path` through a temporary file in the same folder and a rename. */
export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = stagingName(path, 'tmp');
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Builds a directory with `fill(stagingDir)` and moves it to `target`, replacing an existing one only once the new
 * one is complete. A failure in `fill` removes the staging folder and leaves `target` untouched. The old folder is
 * moved aside before the new one is renamed in (a directory can't be renamed over a non-empty one), then deleted.
 */
export async function writeDirAtomic(target: string, fill: (dir: string) => Promise<void>): Promise<void> {
  await mkdir(dirname(target), { recursive: true });
  const staged = stagingName(target, 'tmp');
  await mkdir(staged);
  try {
    await fill(staged);
  } catch (err) {
    await rm(staged, { recursive: true, force: true });
    throw err;
  }
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
  try {
    await rename(staged, target);
  } catch (err) {
    if (movedOld) await rename(old, target);
    await rm(staged, { recursive: true, force: true });
    throw err;
  }
  if (movedOld) await rm(old, { recursive: true, force: true });
}
