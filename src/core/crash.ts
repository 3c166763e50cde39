/**
 * Test-only fault injection. When `RSATTAE_TEST_CRASH_AT` names a step, the process is killed with SIGKILL at that
 * step: no `finally`, no exit handlers, as after a power cut or `kill -9`. The crash-safety tests use it to prove
 * that a bundle write or a download interrupted at any step leaves the complete old or the complete new state.
 * Not for users; unset (the normal case) it costs one environment lookup.
 */

/** The environment variable naming the step at which to crash (tests only). */
export const CRASH_ENV = 'RSATTAE_TEST_CRASH_AT';

/** The named steps, in the order they happen, for tests to iterate over. */
export const CRASH_POINTS = {
  /** writeDirAtomic: staging folder complete and fsynced, nothing renamed yet. */
  dirStaged: 'dir:staged',
  /** writeDirAtomic: the old folder moved aside, the new one not yet in place. */
  dirOldMoved: 'dir:old-moved',
  /** writeDirAtomic: the new folder in place, the old one not yet deleted. */
  dirNewInPlace: 'dir:new-in-place',
  /** fetchDataset: part of the archive received. */
  fetchReceiving: 'fetch:receiving',
  /** fetchDataset: files extracted and verified into the temp folder, not yet renamed. */
  fetchStaged: 'fetch:staged',
} as const;

/** Kills the process abruptly when `RSATTAE_TEST_CRASH_AT` equals `name`; otherwise does nothing. */
export function crashPoint(name: string): void {
  if (process.env[CRASH_ENV] === name) process.kill(process.pid, 'SIGKILL');
}
