/**
 * Error types shared by the library. The CLI maps {@link InputError} to exit code 2 (bad input or usage) and
 * anything else to exit code 1.
 */

/** Bad input from the user: a malformed file, an unknown id, an invalid option. Message says what and where. */
export class InputError extends Error {
  override readonly name: string = 'InputError';
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
    super(`${file}:${line}: ${reason}: ${JSON.stringify(shown)}`);
  }
}
