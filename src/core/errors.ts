/**
 * Error types shared by the library. The CLI maps {@link InputError} to exit code 2 (bad input or usage) and
 * anything else to exit code 1. Validation failures are also data: `code` and `path` (zod's names) say which rule
 * failed where, so callers can react without parsing the message.
 */
import type { z } from 'zod';

/** A key path into the validated value, e.g. `['autoencoder', 'dim']` (zod's `issue.path`). */
export type IssuePath = readonly PropertyKey[];

/** One validation problem, as data. */
export interface InputIssue {
  /** What rule failed: zod's issue code (`too_small`, `invalid_type`, `unrecognized_keys`, …) or one of ours. */
  readonly code: string;
  /** Where, inside the validated value; empty for the value as a whole. */
  readonly path: IssuePath;
  /** Human-readable reason, without the path. */
  readonly message: string;
}

/**
 * Issue code of an id the model does not know (path: `['user']` or `['item']`), so callers such as the server can
 * answer "not found" without parsing the message.
 */
export const UNKNOWN_ID = 'unknown_id';

/** Options of {@link InputError}. */
export interface InputErrorOptions {
  /** The individual problems (default: none beyond the message). */
  readonly issues?: readonly InputIssue[];
  /** The underlying error, e.g. a failed `JSON.parse`. */
  readonly cause?: unknown;
}

/** Bad input from the user: a malformed file, an unknown id, an invalid option. Message says what and where. */
export class InputError extends Error {
  override readonly name: string = 'InputError';
  /** The problems as data; empty when the message is all there is. */
  readonly issues: readonly InputIssue[];

  /**
   * @param message what is wrong and where
   * @param options the problems as data and the cause
   */
  constructor(message: string, options: InputErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.issues = options.issues ?? [];
  }

  /** Code of the first problem (`invalid_input` when there are no issues). */
  get code(): string {
    return this.issues[0]?.code ?? 'invalid_input';
  }

  /** Path of the first problem (empty when there are no issues). */
  get path(): IssuePath {
    return this.issues[0]?.path ?? [];
  }
}

/** A parse failure at a known place in a file. */
export class ParseError extends InputError {
  override readonly name: string = 'ParseError';
  /**
   * @param file path of the file
   * @param line 1-based line number
   * @param reason what is wrong
   * @param text the offending line (truncated for display)
   */
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
    readonly text: string,
  ) {
    const shown = text.length > 120 ? `${text.slice(0, 117)}...` : text;
    super(`${file}:${line}: ${reason}: ${JSON.stringify(shown)}`, { issues: [{ code: 'parse_error', path: [file, line], message: reason }] });
  }
}

/** A path as the messages show it: `autoencoder.dim`, `layers.0.size`; `whole` when the path is empty. */
export function formatPath(path: IssuePath, whole = '(input)'): string {
  return path.length === 0 ? whole : path.map(String).join('.');
}

/**
 * The one formatter of validation problems: `path.to.field: message; …`. Accepts a zod error or issues as data.
 * @param whole what to call the value itself when an issue has an empty path (e.g. `(config)`)
 */
export function formatIssues(error: z.ZodError | readonly InputIssue[], whole?: string): string {
  const issues = Array.isArray(error) ? (error as readonly InputIssue[]) : (error as z.ZodError).issues;
  return issues.map((i) => `${formatPath(i.path, whole)}: ${i.message}`).join('; ');
}

/**
 * Validates `value` with `schema` and returns the parsed (defaulted) value.
 * @param what the message prefix, e.g. `invalid configuration`
 * @param whole what to call the value itself in the message (see {@link formatIssues})
 * @throws InputError `<what>: path: message; …`, with every issue as data
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, what: string, whole?: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.map((i) => ({ code: i.code, path: i.path, message: i.message }));
  throw new InputError(`${what}: ${formatIssues(issues, whole)}`, { issues });
}
