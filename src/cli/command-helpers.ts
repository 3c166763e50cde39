/**
 * Helpers shared by the CLI commands: option parsers that fail with commander's usage errors (exit 2), the common
 * `--data-dir` option, JSON output, and a progress reporter that draws a bar only on a terminal. (The configuration's
 * options are generated from its schema: config-options.ts.)
 */
import { SingleBar } from 'cli-progress';
import { type Command, InvalidArgumentError } from 'commander';

const INTEGER = /^[+-]?\d+$/;

/** Parses a whole number ≥ 1 (digits only: no `1e3`, no `2.0`). For commander `.option(..., parsePositiveInt)`. */
export function parsePositiveInt(value: string): number {
  const n = INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number >= 1.');
  return n;
}

/** Parses a whole number ≥ 0. */
export function parseNonNegativeInt(value: string): number {
  const n = INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a whole number >= 0.');
  return n;
}

/** Parses a seed: any whole number within ±2^53 (`data synth`'s; the configuration's seed has its own range, from its schema). */
export function parseSeed(value: string): number {
  const n = INTEGER.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n)) throw new InvalidArgumentError('expected a whole number.');
  return n;
}

/** Parses a positive number (e.g. seconds), fractions allowed. */
export function parsePositiveNumber(value: string): number {
  const n = value.trim() === '' ? Number.NaN : Number(value);
  if (!(n > 0 && Number.isFinite(n))) throw new InvalidArgumentError('expected a number > 0.');
  return n;
}

/** A parser accepting exactly one of `choices`, listing them on error. */
export function parseChoice<T extends string>(choices: readonly T[]): (value: string) => T {
  return (value: string): T => {
    if (!(choices as readonly string[]).includes(value)) {
      throw new InvalidArgumentError(`expected one of ${choices.join(', ')}.`);
    }
    return value as T;
  };
}

/**
 * Adds `--data-dir <dir>` to a command. It is a per-command option (not a program option) so it can be written
 * after the command name like every other option; resolve it with `resolveDataDir(opts.dataDir)`.
 */
export function addDataDirOption(cmd: Command): Command {
  return cmd.option(
    '--data-dir <dir>',
    'folder holding dataset folders such as ml-100k/ (default: $RSATTAE_DATA_DIR, else $XDG_CACHE_HOME/rsattae, else ~/.cache/rsattae)',
  );
}

/** Writes one JSON document and a newline to stdout (the only thing `--json` commands print there). */
export function writeJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}

/** Writes one line to stderr (diagnostics and progress never go to stdout). */
export function note(line: string): void {
  process.stderr.write(`${line}\n`);
}

/** A progress reporter from {@link createProgress}. */
export interface Progress {
  /** Reports `done` units of `total` (total may change, e.g. once a download announces its size). */
  update(done: number, total?: number): void;
  /** Ends the report (restoring the terminal) and writes `message` as a final line when given. */
  stop(message?: string): void;
}

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** `bytes` shows MB; `count` shows plain numbers. */
  readonly unit?: 'bytes' | 'count';
  /** Total when known up front. */
  readonly total?: number;
  /** Where to draw (default stderr). */
  readonly stream?: NodeJS.WriteStream;
}

function amount(n: number, unit: 'bytes' | 'count'): string {
  return unit === 'bytes' ? `${(n / 1e6).toFixed(1)} MB` : String(n);
}

/**
 * A progress reporter on stderr: a cli-progress bar when the stream is a terminal, otherwise plain lines at each
 * quarter of the total (so logs and CI output stay readable and short). It prints no header: say what starts first.
 */
export function createProgress(label: string, opts: ProgressOptions = {}): Progress {
  const stream = opts.stream ?? process.stderr;
  const unit = opts.unit ?? 'count';
  let total = opts.total;
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format: `${label} [{bar}] {percentage}% | {shown} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: false,
    });
    let started = false;
    return {
      update(done, newTotal) {
        if (newTotal !== undefined) total = newTotal;
        const payload = { shown: total === undefined ? amount(done, unit) : `${amount(done, unit)} / ${amount(total, unit)}` };
        if (!started) {
          bar.start(total ?? 0, done, payload);
          started = true;
        } else {
          if (total !== undefined) bar.setTotal(total);
          bar.update(done, payload);
        }
      },
      stop(message) {
        if (started) bar.stop();
        if (message !== undefined) stream.write(`${message}\n`);
      },
    };
  }
  let quarter = 0;
  return {
    update(done, newTotal) {
      if (newTotal !== undefined) total = newTotal;
      if (total === undefined || total <= 0) return;
      const q = Math.floor((4 * done) / total);
      if (q > quarter && q < 4) {
        quarter = q;
        stream.write(`${label}: ${q * 25}% (${amount(done, unit)} of ${amount(total, unit)})\n`);
      }
    },
    stop(message) {
      if (message !== undefined) stream.write(`${message}\n`);
    },
  };
}
