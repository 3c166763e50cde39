/**
 * Peak memory of a benchmark process, read from Linux's /proc: VmHWM starts afresh at exec (getrusage's maxRSS
 * would carry over the parent's peak through fork + exec) and can be reset to measure one phase.
 */
import { readFileSync, writeFileSync } from 'node:fs';

/** Peak RSS of this process in MB since exec or the last {@link resetPeakRss}; getrusage's off Linux. */
export function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

/** Restarts {@link peakRssMB} from the current RSS (Linux's clear_refs 5; elsewhere nothing happens). */
export function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // not Linux: the peak then covers the whole process
  }
}
