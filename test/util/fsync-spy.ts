/**
 * Watches fsync calls: wraps FileHandle.sync (every fsync in src/ goes through it) and records the path of each
 * synced descriptor through /proc/self/fd, so a test can check what was made durable, and in which order.
 */
import { readlinkSync } from 'node:fs';
import { open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { mock } from 'node:test';

/** Skip reason where descriptors can't be named (no /proc), else false. */
export const needsProcFd: string | false = process.platform !== 'linux' && 'needs /proc/self/fd to name fsynced descriptors';

/** Starts recording into the returned array (in call order); `mock.restoreAll()` stops it. */
export async function watchFsyncs(scratchDir: string): Promise<string[]> {
  const synced: string[] = [];
  const probePath = join(scratchDir, '.fsync-probe');
  const probe = await open(probePath, 'w');
  const proto = Object.getPrototypeOf(probe) as { sync: (this: { fd: number }) => Promise<void> };
  await probe.close();
  await rm(probePath);
  const real = proto.sync;
  mock.method(proto, 'sync', function (this: { fd: number }) {
    synced.push(readlinkSync(`/proc/self/fd/${this.fd}`));
    return real.call(this);
  });
  return synced;
}
