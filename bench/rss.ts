/** Peak memory of a benchmark's process, shared by the benchmarks that run each measurement in a child process. */
import { readFileSync } from 'node:fs';

/**
 * Peak RSS of this process in MB: VmHWM from /proc (Linux), which starts afresh at exec; getrusage's maxRSS would
 * carry over the parent's peak through fork + exec.
 */
export function peakRssMB(): number {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m !== null) return Math.round(Number(m[1]) / 1024);
  } catch {
    // not Linux
  }
  return Math.round(process.resourceUsage().maxRSS / 1024);
}
