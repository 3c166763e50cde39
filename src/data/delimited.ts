/**
 * Reading your own delimited files: ratings (`user,item,rating[,timestamp]`) and feature tables (one row per user
 * or item). Files are streamed, never held whole in one string; ratings go into growing typed arrays.
 *
 * Two engines read ratings and give the same output and the same errors on the same input:
 * - a byte-level fast path for plain files (no `"` anywhere, or the `::` separator, which has no quoting), used
 *   automatically because csv-parse alone cannot reach a million ratings a second;
 * - csv-parse (streaming) for everything else: RFC 4180 quoting, doubled quotes, embedded separators and newlines.
 * The fast path checks every chunk for a `"` and, on finding one, starts over with csv-parse.
 *
 * Conventions shared by both engines and by {@link readFeatureTable}:
 * - lines end in LF or CRLF; empty lines are skipped anywhere (so trailing blank lines are fine);
 * - a UTF-8 BOM is skipped; `encoding: 'latin1'` reads ISO-8859-1 files (MovieLens `.dat` files);
 * - every field is trimmed of surrounding spaces and tabs; otherwise ids are kept exactly as written
 *   (`007` stays `007`, `u_0042` and `tt0114709` are fine);
 * - with the `::` separator there is no quoting (`"` is an ordinary character, as in MovieLens `.dat` files);
 * - errors are {@link ParseError}s naming `file:line` and the column, or {@link InputError}s naming the file.
 */
import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, type Options as CsvOptions, parse } from 'csv-parse';
import { InputError, ParseError } from '../core/errors.js';
import type { Ratings } from '../core/types.js';
import type { FeatureColumnSpec, FeatureKind, FeatureTable, IdMap, RatingScale } from './dataset.js';

/** A field separator: comma, tab, `::` (MovieLens `.dat`), semicolon, a single space, or a pipe. */
export type Separator = ',' | '\t' | '::' | ';' | ' ' | '|';

/** The separators, in the order auto-detection prefers them. */
export const SEPARATORS: readonly Separator[] = Object.freeze(['::', ',', '\t', ';', '|', ' ']);

/** How a delimited file is read. */
export interface DelimitedOptions {
  /**
   * The field separator. Default `'auto'`: detected from the first records (up to 20, within the first 64 KiB). A
   * separator fits when the first record splits on it into enough fields (3 for ratings, 2 for feature tables) and
   * every other record into at least 2. `::` wins when it fits; else the one of `,` tab `;` `|` that fits alone;
   * else a space when it fits. Zero or several candidates → {@link InputError} asking for `--sep`.
   */
  readonly sep?: 'auto' | Separator;
  /**
   * Whether the first record is a header. Default `'auto'`; the rule depends on the reader:
   * ratings ({@link readRatingsFile}): yes when columns are named, or when the first record names a user, an item
   * and a rating column ({@link COLUMN_ALIASES}), or when the first record's rating field (position 2 unless given)
   * is not a decimal number while the second record's is (or there is no second record);
   * feature tables ({@link readFeatureTable}): yes exactly when some column spec's name is one of the first
   * record's fields (then every spec but `ignore` ones must name a column).
   */
  readonly header?: 'auto' | 'yes' | 'no';
  /** Text encoding. Default `'utf8'` (a BOM is skipped); `'latin1'` for ISO-8859-1 files. */
  readonly encoding?: 'utf8' | 'latin1';
  /** Name of the file in messages (`name:line: ...`). Default: the path as given. */
  readonly name?: string;
}

/** Which fields hold what: a header name, or a 0-based position (the only choice without a header). */
export interface RatingColumns {
  /** The user id column. */
  readonly user: string | number;
  /** The item id column. */
  readonly item: string | number;
  /** The rating column (plain decimal numbers). */
  readonly rating: string | number;
  /** Absent: the file has no timestamps (all 0, {@link ReadRatingsResult.hasTimestamps} false). */
  readonly timestamp?: string | number;
}

/** Options of {@link readRatingsFile}. */
export interface ReadRatingsOptions extends DelimitedOptions {
  /**
   * The columns. Default with a header: by name, case-insensitive ({@link COLUMN_ALIASES}: `user`, `userId`,
   * `user_id`, …; `item`, `itemId`, `movieId`, …; `rating`, …; `timestamp`, … — the timestamp only if present);
   * without a header: positions 0, 1, 2, and 3 as the timestamp when the first record has 4 or more fields.
   */
  readonly columns?: RatingColumns;
  /**
   * The rating scale. When given, a rating outside [min, max], or off the `step` grid from `min`, is a
   * {@link ParseError} at its line naming the column. Default: {@link inferScale} of the ratings read.
   */
  readonly scale?: RatingScale;
  /**
   * A (user, item) pair rated on more than one line: `'error'` (default) → {@link ParseError} naming both lines;
   * `'last'` keeps the last line's rating and timestamp at the last line's position; `'mean'` keeps the first
   * line's position with the mean rating and the latest timestamp.
   */
  readonly duplicates?: 'error' | 'last' | 'mean';
  /** Shared user ids: every user id read is added, in first-seen order (ids already present keep their index). */
  readonly users: IdMap;
  /** Shared item ids, as {@link ReadRatingsOptions.users}. */
  readonly items: IdMap;
  /** Called after each chunk read (about every MiB): bytes read so far and the file size. */
  readonly onProgress?: (bytesRead: number, totalBytes: number) => void;
  /**
   * Which engine reads the file: `'auto'` (default: the fast path unless the file holds a `"`), `'fast'` (quotes
   * are ordinary characters) or `'csv'` (csv-parse). For tests and benchmarks; the output does not depend on it
   * for files without quotes.
   */
  readonly engine?: 'auto' | 'fast' | 'csv';
}

/** What {@link readRatingsFile} read. */
export interface ReadRatingsResult {
  /** The ratings in file order (minus merged duplicates), indices into the shared id maps. */
  readonly ratings: Ratings;
  /** True when a timestamp column was read; otherwise every timestamp is 0. */
  readonly hasTimestamps: boolean;
  /** The scale given in the options, or the one inferred from the data. */
  readonly scale: RatingScale;
  /** The separator used (detected or given). */
  readonly sep: Separator;
  /** Whether the first record was taken as a header. */
  readonly header: boolean;
  /** The column read for each role: its header name, or `column N` (1-based) without a header. */
  readonly columns: { readonly user: string; readonly item: string; readonly rating: string; readonly timestamp?: string };
  /** SHA-256 (hex) of the file's bytes. */
  readonly sha256: string;
  /** The engine that read the file. */
  readonly engine: 'fast' | 'csv';
  /** The 1-based line on which rating `k` starts (for messages about a rating found later, e.g. train/test overlap). */
  lineOf(k: number): number;
}

/**
 * Header names recognised (case-insensitively) for each rating column when none are given. The first name found in
 * the header wins, in this order.
 */
export const COLUMN_ALIASES: Readonly<Record<keyof RatingColumns, readonly string[]>> = Object.freeze({
  user: ['user', 'userid', 'user_id', 'user id', 'uid', 'userno', 'customer', 'customerid', 'customer_id', 'reviewerid'],
  item: ['item', 'itemid', 'item_id', 'item id', 'iid', 'movie', 'movieid', 'movie_id', 'product', 'productid', 'product_id', 'asin', 'isbn', 'bookid', 'book_id'],
  rating: ['rating', 'ratings', 'score', 'stars', 'value', 'book-rating'],
  timestamp: ['timestamp', 'time', 'ts', 'date', 'datetime', 'unix_timestamp', 'unixreviewtime'],
});

const SNIFF_BYTES = 64 * 1024;
const SNIFF_RECORDS = 20;
const CHUNK_BYTES = 64 * 1024;
const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const QUOTE = 34;
const NL = 10;
const CR = 13;

// ---------------------------------------------------------------------------------------------------------------
// Small parsers shared by both engines

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Value of the digits scanned by the last {@link scanDigits} (a variable rather than a tuple: no allocation). */
let scanned = 0;

/** Scans decimal digits of `s` from `a` up to `b`; returns where they stop and leaves their value in `scanned`. */
function scanDigits(s: string, a: number, b: number): number {
  let v = 0;
  let k = a;
  for (; k < b; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) break;
    v = v * 10 + c;
  }
  scanned = v;
  return k;
}

/** The number written in `s` (a plain decimal: no hex, no `Infinity`, no spaces), or NaN. */
export function parseDecimal(s: string): number {
  return parseDecimalAt(s, 0, s.length);
}

/** {@link parseDecimal} of `s[a..b)`, without a substring for the common `4` / `3.5`. */
function parseDecimalAt(s: string, a: number, b: number): number {
  if (b > a && b - a < 10) {
    let k = scanDigits(s, a, b);
    const whole = scanned;
    if (k === b) return whole;
    if (s.charCodeAt(k) === 46 && k > a && k + 1 < b) {
      const from = k + 1;
      k = scanDigits(s, from, b);
      if (k === b) return whole + scanned / 10 ** (b - from);
    }
  }
  const t = s.slice(a, b);
  return DECIMAL.test(t) ? Number(t) : Number.NaN;
}

/** {@link parseTimestamp} of `s[a..b)`, without a substring for whole seconds. */
function parseTimestampAt(s: string, a: number, b: number): number {
  if (b > a && b - a <= 10 && scanDigits(s, a, b) === b) return scanned;
  return parseTimestamp(s.slice(a, b));
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Seconds since 1970 from an integer (optionally signed) or an ISO-8601 date/date-time (`2019-11-21`,
 * `2019-11-21T10:20:30Z`, `2019-11-21 10:20:30+01:00`; no zone means UTC; fractions of a second are dropped).
 * NaN when neither; may lie outside the Int32 range (the caller checks).
 */
export function parseTimestamp(s: string): number {
  const neg = s.charCodeAt(0) === 45 ? 1 : 0;
  if (s.length > neg && s.length <= 11 && scanDigits(s, neg, s.length) === s.length) return neg ? -scanned : scanned;
  if (/^[+-]?\d+$/.test(s)) return Number(s); // long integers: out of range, reported by the caller
  const m = ISO_DATE.exec(s);
  if (m === null) return Number.NaN;
  const zone = m[7] === undefined ? 'Z' : m[7].length === 5 ? `${m[7].slice(0, 3)}:${m[7].slice(3)}` : m[7];
  const iso = `${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}${zone}`;
  const ms = Date.parse(iso);
  // Date.parse rolls 2019-02-31 over into March; refuse dates that do not exist
  if (Number.isNaN(ms)) return Number.NaN;
  if (m[7] === undefined && new Date(ms).toISOString().slice(0, 10) !== `${m[1]}-${m[2]}-${m[3]}`) return Number.NaN;
  return Math.floor(ms / 1000);
}

/**
 * The scale of a set of ratings: min and max of the data; `step` 1 when every rating is whole, 0.5 when every
 * rating is a multiple of 0.5, otherwise no step (continuous). Min and max are 0 for no ratings.
 */
export function inferScale(rating: Float32Array): RatingScale {
  if (rating.length === 0) return { min: 0, max: 0, step: 1 };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let whole = true;
  let half = true;
  for (let k = 0; k < rating.length; k++) {
    const r = rating[k];
    if (r < min) min = r;
    if (r > max) max = r;
    if (whole && !Number.isInteger(r)) whole = false;
    if (half && !Number.isInteger(r * 2)) half = false;
  }
  if (whole) return { min, max, step: 1 };
  if (half) return { min, max, step: 0.5 };
  return { min, max };
}

// ---------------------------------------------------------------------------------------------------------------
// Sniffing: separator and header from the first records

/** The first records of a file for sniffing: quote-aware (except for `::`), empty lines skipped. */
function sniffRecords(text: string, sep: Separator, complete: boolean): string[][] {
  const out: string[][] = [];
  const quotes = sep !== '::';
  let fields: string[] = [];
  let field = '';
  let inQuotes = false;
  let k = 0;
  const n = text.length;
  const endRecord = (): void => {
    fields.push(field.trim());
    if (!(fields.length === 1 && fields[0] === '')) out.push(fields);
    fields = [];
    field = '';
  };
  while (k < n && out.length < SNIFF_RECORDS) {
    const c = text[k];
    if (inQuotes) {
      if (c === '"') {
        if (text[k + 1] === '"') {
          field += '"';
          k++;
        } else inQuotes = false;
      } else field += c;
      k++;
    } else if (quotes && c === '"' && field.trim() === '') {
      inQuotes = true;
      field = '';
      k++;
    } else if (text.startsWith(sep, k)) {
      fields.push(field.trim());
      field = '';
      k += sep.length;
    } else if (c === '\n' || c === '\r') {
      endRecord();
      k += c === '\r' && text[k + 1] === '\n' ? 2 : 1;
    } else {
      field += c;
      k++;
    }
  }
  // a record cut off by the end of the sample is not trusted, unless the sample is the whole file
  if (k >= n && complete && !inQuotes && (fields.length > 0 || field !== '')) endRecord();
  return out;
}

interface Head {
  readonly text: string;
  /** True when the text is the whole file. */
  readonly complete: boolean;
  readonly bytes: number;
}

async function readHead(path: string, name: string, encoding: 'utf8' | 'latin1'): Promise<Head> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${name}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
  try {
    const info = await fh.stat();
    if (!info.isFile()) throw new InputError(`cannot read ${name}: not a file`);
    const size = info.size;
    const buf = Buffer.alloc(Math.min(size, SNIFF_BYTES));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    let text = buf.toString(encoding, 0, bytesRead);
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    else if (encoding === 'latin1' && text.startsWith('\u00ef\u00bb\u00bf')) text = text.slice(3);
    return { text, complete: bytesRead >= size, bytes: size };
  } finally {
    await fh.close();
  }
}

/** The separator of a file from its first records (see {@link DelimitedOptions.sep}). */
function detectSeparator(head: Head, name: string, minFields: number): Separator {
  // short records later on are the parser's to report at their line, so only the first record must be complete
  const consistent = (sep: Separator): boolean => {
    const recs = sniffRecords(head.text, sep, head.complete);
    return recs.length > 0 && recs[0].length >= minFields && recs.every((r) => r.length >= 2);
  };
  if (consistent('::')) return '::';
  const found = ([',', '\t', ';', '|'] as const).filter(consistent);
  if (found.length === 1) return found[0];
  const shown = (s: string): string => (s === '\t' ? 'tab' : s === ' ' ? 'space' : `"${s}"`);
  if (found.length === 0 && consistent(' ')) return ' ';
  const why =
    found.length === 0
      ? `no separator splits its first line into ${minFields} or more fields and the next lines into 2 or more`
      : `its first lines split on ${found.map(shown).join(' and on ')}`;
  throw new InputError(`cannot tell the separator of ${name}: ${why}; give it with --sep (one of , tab :: ; space |)`);
}

/** A label for a column in messages: its header name, or `column N` (1-based). */
function columnLabel(names: readonly string[] | null, pos: number): string {
  return names === null ? `column ${pos + 1}` : `column "${names[pos]}"`;
}

function listColumns(names: readonly string[]): string {
  return names.map((n) => JSON.stringify(n)).join(', ');
}

// ---------------------------------------------------------------------------------------------------------------
// Ratings

/** Resolved columns: 0-based positions and display labels. */
interface Resolved {
  readonly user: number;
  readonly item: number;
  readonly rating: number;
  readonly timestamp: number; // -1: none
  readonly labels: ReadRatingsResult['columns'];
  /** Fields a record needs: max position + 1. */
  readonly need: number;
}

function resolveColumns(
  name: string,
  header: readonly string[] | null,
  firstRecord: readonly string[],
  given: RatingColumns | undefined,
): Resolved {
  const find = (role: keyof RatingColumns, spec: string | number | undefined): number => {
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec) || spec < 0) throw new InputError(`${name}: ${role} column position must be a whole number ≥ 0, got ${spec}`);
      return spec;
    }
    if (header === null) {
      if (spec === undefined) return -1;
      throw new InputError(`${name}: the ${role} column is named (${JSON.stringify(spec)}) but the file has no header; give positions`);
    }
    if (spec !== undefined) {
      let k = header.indexOf(spec);
      if (k < 0) k = header.findIndex((h) => h.toLowerCase() === spec.toLowerCase());
      if (k < 0) throw new InputError(`${name}: no ${role} column ${JSON.stringify(spec)}; its columns are ${listColumns(header)}`);
      return k;
    }
    for (const alias of COLUMN_ALIASES[role]) {
      const k = header.findIndex((h) => h.toLowerCase() === alias);
      if (k >= 0) return k;
    }
    return -1;
  };
  let user: number;
  let item: number;
  let rating: number;
  let timestamp: number;
  if (given === undefined && header === null) {
    [user, item, rating] = [0, 1, 2];
    timestamp = firstRecord.length >= 4 ? 3 : -1;
  } else {
    user = find('user', given?.user);
    item = find('item', given?.item);
    rating = find('rating', given?.rating);
    timestamp = find('timestamp', given?.timestamp);
    const missing = (['user', 'item', 'rating'] as const).filter((_, k) => [user, item, rating][k] < 0);
    if (missing.length > 0 && header !== null) {
      throw new InputError(
        `${name}: cannot find the ${missing.join(', ')} column${missing.length > 1 ? 's' : ''} by name; its columns are ${listColumns(header)}; name them with --columns`,
      );
    }
  }
  const pos = [user, item, rating, ...(timestamp >= 0 ? [timestamp] : [])];
  if (new Set(pos).size !== pos.length) throw new InputError(`${name}: the user, item, rating and timestamp columns must differ`);
  const label = (p: number): string => columnLabel(header, p);
  return {
    user,
    item,
    rating,
    timestamp,
    labels: { user: label(user), item: label(item), rating: label(rating), ...(timestamp >= 0 ? { timestamp: label(timestamp) } : {}) },
    need: Math.max(...pos) + 1,
  };
}

/** A growable typed array. */
class Grow<T extends Int32Array | Float32Array> {
  n = 0;
  constructor(
    public a: T,
    private readonly make: (n: number) => T,
  ) {}
  push(v: number): void {
    if (this.n === this.a.length) {
      const b = this.make(Math.ceil(this.a.length * 1.5) + 16);
      b.set(this.a);
      this.a = b;
    }
    this.a[this.n++] = v;
  }
  /**
   * The filled part: a view when the spare capacity is under a quarter (the usual case, arrays being sized from the
   * file), else a copy so the rest can be freed. A copy briefly holds both, which for 20M ratings is 80 MB an array.
   */
  done(): T {
    return (this.a.length > this.n * 1.25 + 1024 ? this.a.slice(0, this.n) : this.a.subarray(0, this.n)) as T;
  }
}

/** Where each rating's line is: breakpoints `(index, line)` where `line - index` changes (blank lines, multi-line records). */
class LineIndex {
  private readonly at: number[] = [];
  private readonly line: number[] = [];
  note(k: number, line: number): void {
    const n = this.at.length;
    if (n === 0 || this.line[n - 1] + (k - this.at[n - 1]) !== line) {
      this.at.push(k);
      this.line.push(line);
    }
  }
  lineOf(k: number): number {
    let lo = 0;
    let hi = this.at.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.at[mid] <= k) lo = mid;
      else hi = mid - 1;
    }
    return this.line[lo] + (k - this.at[lo]);
  }
}

/**
 * Local ids ↔ indices, looked up by a region of a larger string: no substring is made for an id already seen (a
 * Map would need one per lookup, and hashing it was most of the reading time).
 */
class LocalIds {
  readonly list: string[] = [];
  private hashes = new Int32Array(64);
  private slots = new Int32Array(128); // index + 1, 0 = empty
  private mask = 127;

  get size(): number {
    return this.list.length;
  }

  /** The index of `s[a..b)`, added when new. */
  find(s: string, a: number, b: number): number {
    let h = 0x811c9dc5;
    for (let k = a; k < b; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
    const len = b - a;
    let slot = h & this.mask;
    for (;;) {
      const v = this.slots[slot];
      if (v === 0) break;
      const id = this.list[v - 1];
      if (this.hashes[v - 1] === h && id.length === len) {
        let k = 0;
        while (k < len && id.charCodeAt(k) === s.charCodeAt(a + k)) k++;
        if (k === len) return v - 1;
      }
      slot = (slot + 1) & this.mask;
    }
    const index = this.list.length;
    // a copy, so the id does not keep the chunk's whole text alive
    const id = len < 13 ? s.slice(a, b) : Buffer.from(s.slice(a, b), 'utf8').toString('utf8');
    this.list.push(id);
    if (index >= this.hashes.length) {
      const hs = new Int32Array(this.hashes.length * 2);
      hs.set(this.hashes);
      this.hashes = hs;
    }
    this.hashes[index] = h;
    this.slots[slot] = index + 1;
    if (this.list.length * 2 > this.slots.length) this.rehash();
    return index;
  }

  private rehash(): void {
    this.slots = new Int32Array(this.slots.length * 2);
    this.mask = this.slots.length - 1;
    for (let k = 0; k < this.list.length; k++) {
      let slot = this.hashes[k] & this.mask;
      while (this.slots[slot] !== 0) slot = (slot + 1) & this.mask;
      this.slots[slot] = k + 1;
    }
  }
}

const SPACE = 32;
const TAB = 9;

/** Receives records from either engine, validates them and stores them (ids in local tables, see readRatingsFile). */
class RatingSink {
  readonly users = new LocalIds();
  readonly items = new LocalIds();
  readonly user: Grow<Int32Array>;
  readonly item: Grow<Int32Array>;
  readonly rating: Grow<Float32Array>;
  readonly timestamp: Grow<Int32Array>;
  readonly lines = new LineIndex();
  /** Where each field is: `src[k].slice(from[k], to[k])`; filled by the engine for every record. */
  readonly src: string[];
  readonly from: Int32Array;
  readonly to: Int32Array;
  private lastUser = -1;
  private lastUserSrc = '';
  private lastUserFrom = 0;
  private lastUserTo = 0;

  constructor(
    private readonly name: string,
    readonly cols: Resolved,
    private readonly scale: RatingScale | undefined,
    capacity: number,
  ) {
    const i32 = (n: number): Int32Array => new Int32Array(n);
    this.user = new Grow(i32(capacity), i32);
    this.item = new Grow(i32(capacity), i32);
    this.rating = new Grow(new Float32Array(capacity), (n) => new Float32Array(n));
    this.timestamp = new Grow(i32(cols.timestamp >= 0 ? capacity : 0), i32);
    this.src = new Array(cols.need).fill('');
    this.from = new Int32Array(cols.need);
    this.to = new Int32Array(cols.need);
  }

  /** Field `k` trimmed of spaces and tabs: narrows from/to and returns the string holding it. */
  private trim(k: number): string {
    const s = this.src[k];
    let a = this.from[k];
    let b = this.to[k];
    while (a < b && (s.charCodeAt(a) === SPACE || s.charCodeAt(a) === TAB)) a++;
    while (b > a && (s.charCodeAt(b - 1) === SPACE || s.charCodeAt(b - 1) === TAB)) b--;
    this.from[k] = a;
    this.to[k] = b;
    return s;
  }

  private error(line: number, text: () => string, reason: string): ParseError {
    return new ParseError(this.name, line, reason, text());
  }

  /** Field `k` as a string (error messages only). */
  private field(k: number): string {
    return this.src[k].slice(this.from[k], this.to[k]);
  }

  /** One record whose first `count` fields (at most `cols.need`) are in src/from/to. */
  add(count: number, line: number, text: () => string): void {
    // no closures in here: this runs once per rating
    const c = this.cols;
    if (count < c.need) throw this.error(line, text, `expected at least ${c.need} fields, found ${count}`);
    const us = this.trim(c.user);
    const ua = this.from[c.user];
    const ub = this.to[c.user];
    if (ua === ub) throw this.error(line, text, `empty user id in ${c.labels.user}`);
    const is = this.trim(c.item);
    if (this.from[c.item] === this.to[c.item]) throw this.error(line, text, `empty item id in ${c.labels.item}`);
    const r = parseDecimalAt(this.trim(c.rating), this.from[c.rating], this.to[c.rating]);
    if (Number.isNaN(r)) throw this.error(line, text, `rating ${JSON.stringify(this.field(c.rating))} in ${c.labels.rating} is not a number`);
    const s = this.scale;
    if (s !== undefined) {
      if (r < s.min || r > s.max) throw this.error(line, text, `rating ${this.field(c.rating)} in ${c.labels.rating} is outside the scale ${s.min}..${s.max}`);
      if (s.step !== undefined && Math.abs((r - s.min) / s.step - Math.round((r - s.min) / s.step)) > 1e-6) {
        const why = `rating ${this.field(c.rating)} in ${c.labels.rating} is not on the scale's grid (${s.min}..${s.max} in steps of ${s.step})`;
        throw this.error(line, text, why);
      }
    }
    let t = 0;
    if (c.timestamp >= 0) {
      t = parseTimestampAt(this.trim(c.timestamp), this.from[c.timestamp], this.to[c.timestamp]);
      if (Number.isNaN(t)) {
        const why = `timestamp ${JSON.stringify(this.field(c.timestamp))} in ${c.labels.timestamp} is neither whole seconds nor an ISO-8601 date`;
        throw this.error(line, text, why);
      }
      if (t < INT32_MIN || t > INT32_MAX) {
        const why = `timestamp ${this.field(c.timestamp)} in ${c.labels.timestamp} is outside the 32-bit range of seconds (milliseconds?)`;
        throw this.error(line, text, why);
      }
    }
    // ratings usually come grouped by user: a repeated user costs one comparison
    let ui = -1;
    if (this.lastUser >= 0 && ub - ua === this.lastUserTo - this.lastUserFrom) {
      let k = 0;
      const n = ub - ua;
      const ls = this.lastUserSrc;
      const la = this.lastUserFrom;
      while (k < n && us.charCodeAt(ua + k) === ls.charCodeAt(la + k)) k++;
      if (k === n) ui = this.lastUser;
    }
    if (ui < 0) {
      ui = this.users.find(us, ua, ub);
      this.lastUser = ui;
      this.lastUserSrc = us;
      this.lastUserFrom = ua;
      this.lastUserTo = ub;
    }
    this.lines.note(this.rating.n, line);
    this.user.push(ui);
    this.item.push(this.items.find(is, this.from[c.item], this.to[c.item]));
    this.rating.push(r);
    if (c.timestamp >= 0) this.timestamp.push(t);
  }
}

/** Thrown inside the fast path when it meets a quote: start over with csv-parse. */
class NeedsCsv extends Error {}

/**
 * The fast path: decodes each chunk's complete lines to one string (bounded by the chunk size) and splits lines and
 * fields with indexOf. Returns false (nothing kept) when it meets a `"` and quotes are not allowed.
 */
async function readFast(
  path: string,
  sep: Separator,
  encoding: 'utf8' | 'latin1',
  header: boolean,
  allowQuotes: boolean,
  sink: RatingSink,
  hash: Hash,
  progress: (n: number) => void,
): Promise<boolean> {
  const need = sink.cols.need;
  const step = sep.length;
  const { src, from, to } = sink;
  let line = 0;
  let skipHeader = header;
  let carry: Buffer | null = null;
  let first = true;
  let read = 0;
  // the current line, for the error text: one closure for all lines rather than one per line
  let str = '';
  let lineStart = 0;
  let lineEnd = 0;
  const text = (): string => str.slice(lineStart, lineEnd);

  const lines = (s: string, last: boolean): void => {
    str = s;
    let p = 0;
    const n = s.length;
    while (p < n) {
      let nl = s.indexOf('\n', p);
      if (nl < 0) {
        if (!last) break;
        nl = n;
      }
      line++;
      let end = nl;
      if (end > p && s.charCodeAt(end - 1) === CR) end--;
      if (end > p) {
        if (skipHeader) skipHeader = false;
        else {
          let count = 0;
          let q = p;
          // only the fields up to the last needed one become strings
          while (count < need) {
            let f = s.indexOf(sep, q);
            if (f < 0 || f > end) f = end;
            src[count] = s;
            from[count] = q;
            to[count++] = f;
            if (f >= end) break;
            q = f + step;
          }
          lineStart = p;
          lineEnd = end;
          sink.add(count, line, text);
        }
      }
      p = nl + 1;
    }
  };

  const stream = createReadStream(path, { highWaterMark: CHUNK_BYTES });
  try {
    for await (const raw of stream) {
      const chunk = raw as Buffer;
      read += chunk.length;
      hash.update(chunk);
      if (!allowQuotes && chunk.indexOf(QUOTE) >= 0) throw new NeedsCsv();
      progress(read);
      let p = 0;
      if (first) {
        first = false;
        if (encoding === 'utf8' && chunk.length >= 3 && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) p = 3;
      }
      if (carry !== null) {
        // the line cut by the previous chunk: finish it alone rather than copying this whole chunk behind it
        const nl = chunk.indexOf(NL);
        if (nl < 0) {
          carry = Buffer.concat([carry, chunk]);
          continue;
        }
        lines(Buffer.concat([carry, chunk.subarray(0, nl + 1)]).toString(encoding), false);
        carry = null;
        p = nl + 1;
      }
      // decode up to the last newline only, so no UTF-8 character is cut in two
      const nl = chunk.lastIndexOf(NL);
      if (nl >= p) {
        lines(chunk.toString(encoding, p, nl + 1), false);
        p = nl + 1;
      }
      carry = p < chunk.length ? Buffer.from(chunk.subarray(p)) : null;
    }
    if (carry !== null) lines(carry.toString(encoding), true);
  } catch (err) {
    if (err instanceof NeedsCsv) return false;
    throw err;
  } finally {
    stream.destroy();
  }
  return true;
}

/** Passes bytes through, hashing them and reporting progress. */
function tap(hash: Hash, progress: (n: number) => void): Transform {
  let read = 0;
  return new Transform({
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
      hash.update(chunk);
      read += chunk.length;
      progress(read);
      done(null, chunk);
    },
  });
}

/** csv-parse options shared by the ratings and feature-table readers. */
function csvOptions(sep: Separator, encoding: 'utf8' | 'latin1'): CsvOptions {
  return {
    delimiter: sep,
    encoding,
    bom: true,
    quote: sep === '::' ? false : '"',
    relax_column_count: true,
    // no info/raw/skip_empty_lines: csv-parse builds an info object per record for those, which cost 3/4 of the
    // time; lines are counted here instead (an empty line arrives as one empty field)
  };
}

/** Newlines inside a record's (quoted) fields: the extra lines it spans. */
function innerNewlines(record: readonly string[]): number {
  let extra = 0;
  for (const f of record) {
    for (let k = f.indexOf('\n'); k >= 0; k = f.indexOf('\n', k + 1)) extra++;
  }
  return extra;
}

/** Turns a csv-parse error into a ParseError at its line (quoting errors and the like). */
function csvError(name: string, err: unknown): unknown {
  if (err instanceof CsvError) {
    const ctx = err as CsvError & { lines?: number; raw?: string };
    const reason = err.message.replace(/ at line \d+/, '');
    return new ParseError(name, ctx.lines ?? 0, `malformed CSV (${reason})`, (ctx.raw ?? '').replace(/[\r\n]+$/, ''));
  }
  return err;
}

/**
 * Streams a file through csv-parse, calling `each` on every non-empty record with its start line and its text
 * (the fields joined by the separator: the line itself unless it had quotes).
 */
async function readCsv(
  path: string,
  name: string,
  sep: Separator,
  encoding: 'utf8' | 'latin1',
  hash: Hash,
  progress: (n: number) => void,
  each: (fields: string[], line: number, raw: string) => void,
): Promise<void> {
  try {
    await pipeline(createReadStream(path, { highWaterMark: CHUNK_BYTES }), tap(hash, progress), parse(csvOptions(sep, encoding)), async (source) => {
      let line = 1;
      for await (const record of source as AsyncIterable<string[]>) {
        const at = line;
        line += 1 + innerNewlines(record);
        if (record.length === 1 && record[0] === '') continue;
        each(record, at, record.join(sep));
      }
    });
  } catch (err) {
    throw csvError(name, err);
  }
}

/** Files larger than this get their lines counted before reading, to size the arrays exactly. */
const LARGE_FILE = 64 * 1024 * 1024;

/** The number of LF bytes in a file. */
async function countLines(path: string): Promise<number> {
  let n = 0;
  for await (const raw of createReadStream(path, { highWaterMark: 1 << 20 })) {
    const chunk = raw as Buffer;
    for (let k = chunk.indexOf(NL); k >= 0; k = chunk.indexOf(NL, k + 1)) n++;
  }
  return n;
}

/** Sniffs separator and header, resolving `'auto'`s. */
async function sniff(
  path: string,
  name: string,
  opts: DelimitedOptions,
  minFields: number,
): Promise<{ head: Head; sep: Separator; records: string[][] }> {
  const encoding = opts.encoding ?? 'utf8';
  const head = await readHead(path, name, encoding);
  if (head.bytes === 0 || head.text.trim() === '') throw new InputError(`${name} is empty`);
  const sep = opts.sep === undefined || opts.sep === 'auto' ? detectSeparator(head, name, minFields) : opts.sep;
  if (!SEPARATORS.includes(sep)) throw new InputError(`${name}: unknown separator ${JSON.stringify(sep)}; use one of , tab :: ; space |`);
  return { head, sep, records: sniffRecords(head.text, sep, head.complete) };
}

/**
 * Reads a ratings file: one rating per record, `user`, `item`, `rating` and optionally `timestamp` fields
 * (columns by header name or position, see {@link ReadRatingsOptions.columns}; other fields are ignored).
 * User and item ids are added to the shared maps in first-seen order. Ratings are plain decimal numbers (half
 * stars fine); timestamps whole seconds since 1970 or ISO-8601 dates ({@link parseTimestamp}), within Int32.
 *
 * @throws InputError when the file cannot be read, is empty, holds no ratings, or the separator or a column cannot
 *   be determined (the message lists the columns found)
 * @throws ParseError at `file:line` naming the column, for a malformed record or a repeated (user, item) pair
 */
export async function readRatingsFile(path: string, opts: ReadRatingsOptions): Promise<ReadRatingsResult> {
  const name = opts.name ?? path;
  const encoding = opts.encoding ?? 'utf8';
  const { head, sep, records } = await sniff(path, name, opts, 3);
  const first = records[0] ?? [];
  const named = opts.columns !== undefined && Object.values(opts.columns).some((v) => typeof v === 'string');
  let header: boolean;
  const mode = opts.header ?? 'auto';
  if (mode === 'auto') {
    if (named) header = true;
    else {
      const rp = typeof opts.columns?.rating === 'number' ? opts.columns.rating : 2;
      const numeric = (r: readonly string[] | undefined): boolean => r !== undefined && !Number.isNaN(parseDecimal(r[rp] ?? ''));
      const aliased = (['user', 'item', 'rating'] as const).every((role) =>
        first.some((f) => COLUMN_ALIASES[role].includes(f.toLowerCase())),
      );
      header = aliased || (records.length > 0 && !numeric(records[0]) && (records.length < 2 || numeric(records[1])));
    }
  } else header = mode === 'yes';
  if (named && !header) throw new InputError(`${name}: columns are given by name but the file is read without a header`);
  const cols = resolveColumns(name, header ? first : null, header ? (records[1] ?? first) : first, opts.columns);
  if (opts.scale !== undefined && !(opts.scale.min <= opts.scale.max)) {
    throw new InputError(`bad rating scale ${opts.scale.min}..${opts.scale.max}`);
  }

  const total = head.bytes;
  const progress = (n: number): void => opts.onProgress?.(n, total);
  // size the arrays so a large file needs no regrowth (which briefly holds old and new) and little slack: from the
  // line count for a large file (a quick extra pass, from the page cache), else from the sample's bytes per line
  let capacity: number;
  if (total > LARGE_FILE) capacity = (await countLines(path)) + 1;
  else {
    const sample = head.text.split('\n', SNIFF_RECORDS * 4);
    capacity = Math.max(1024, Math.ceil((total / Math.max(4, Buffer.byteLength(sample.join('\n')) / sample.length)) * 1.05));
  }
  const engine = opts.engine ?? 'auto';
  let sink = new RatingSink(name, cols, opts.scale, capacity);
  let hash = createHash('sha256');
  let used: 'fast' | 'csv' = 'fast';
  const fastOk = engine !== 'csv' && (await readFast(path, sep, encoding, header, engine === 'fast' || sep === '::', sink, hash, progress));
  if (!fastOk) {
    used = 'csv';
    sink = new RatingSink(name, cols, opts.scale, capacity);
    hash = createHash('sha256');
    let skip = header;
    await readCsv(path, name, sep, encoding, hash, progress, (fields, line, raw) => {
      if (skip) {
        skip = false;
        return;
      }
      const count = Math.min(fields.length, cols.need);
      for (let k = 0; k < count; k++) {
        sink.src[k] = fields[k];
        sink.from[k] = 0;
        sink.to[k] = fields[k].length;
      }
      sink.add(count, line, () => raw);
    });
  }
  const n = sink.rating.n;
  if (n === 0) throw new InputError(`${name} holds no ratings`);

  let user = sink.user.done();
  let item = sink.item.done();
  let rating = sink.rating.done();
  let timestamp = cols.timestamp >= 0 ? sink.timestamp.done() : new Int32Array(n);
  let lineOf = (k: number): number => sink.lines.lineOf(k);

  const merged = mergeDuplicates(name, sep, sink, user, item, rating, timestamp, opts.duplicates ?? 'error');
  if (merged !== null) {
    ({ user, item, rating, timestamp } = merged);
    const lines = merged.lines;
    lineOf = (k: number): number => lines[k];
  }

  // local ids → shared ids, in first-seen order
  const remap = (local: LocalIds, shared: IdMap, a: Int32Array): void => {
    const to = Int32Array.from(local.list, (id) => shared.add(id));
    for (let k = 0; k < a.length; k++) a[k] = to[a[k]];
  };
  remap(sink.users, opts.users, user);
  remap(sink.items, opts.items, item);

  return {
    ratings: { user, item, rating, timestamp },
    hasTimestamps: cols.timestamp >= 0,
    scale: opts.scale ?? inferScale(rating),
    sep,
    header,
    columns: cols.labels,
    sha256: hash.digest('hex'),
    engine: used,
    lineOf,
  };
}

/**
 * Finds repeated (user, item) pairs in O(n): ratings grouped by user (counting sort), items stamped per user.
 * Returns null when there are none; throws for `'error'`; otherwise the merged arrays and their lines.
 */
function mergeDuplicates(
  name: string,
  sep: Separator,
  sink: RatingSink,
  user: Int32Array,
  item: Int32Array,
  rating: Float32Array,
  timestamp: Int32Array,
  policy: 'error' | 'last' | 'mean',
): { user: Int32Array; item: Int32Array; rating: Float32Array; timestamp: Int32Array; lines: Int32Array } | null {
  const n = user.length;
  const nu = sink.users.size;
  const start = new Int32Array(nu + 1);
  for (let k = 0; k < n; k++) start[user[k] + 1]++;
  for (let u = 0; u < nu; u++) start[u + 1] += start[u];
  const order = new Int32Array(n);
  const fill = start.slice(0, nu);
  for (let k = 0; k < n; k++) order[fill[user[k]]++] = k;
  const stamp = new Int32Array(sink.items.size).fill(-1);
  const keptAt = new Int32Array(sink.items.size);
  let drop: Uint8Array | null = null;
  let sum: Float64Array | null = null;
  let cnt: Int32Array | null = null;
  for (let u = 0; u < nu; u++) {
    for (let j = start[u]; j < start[u + 1]; j++) {
      const k = order[j];
      const it = item[k];
      if (stamp[it] !== u) {
        stamp[it] = u;
        keptAt[it] = k;
        continue;
      }
      const prev = keptAt[it];
      if (policy === 'error') {
        const text = [sink.users.list[u], sink.items.list[it], String(rating[k])].join(sep);
        throw new ParseError(
          name,
          sink.lines.lineOf(k),
          `user ${JSON.stringify(sink.users.list[u])} rated item ${JSON.stringify(sink.items.list[it])} again (first on line ${sink.lines.lineOf(prev)}); pass duplicates 'last' or 'mean' to merge`,
          text,
        );
      }
      drop ??= new Uint8Array(n);
      if (policy === 'last') {
        drop[prev] = 1;
        keptAt[it] = k;
      } else {
        sum ??= new Float64Array(n);
        cnt ??= new Int32Array(n);
        if (cnt[prev] === 0) {
          sum[prev] = rating[prev];
          cnt[prev] = 1;
        }
        sum[prev] += rating[k];
        cnt[prev]++;
        if (timestamp[k] > timestamp[prev]) timestamp[prev] = timestamp[k];
        drop[k] = 1;
      }
    }
  }
  if (drop === null) return null;
  let m = 0;
  for (let k = 0; k < n; k++) if (drop[k] === 0) m++;
  const out = { user: new Int32Array(m), item: new Int32Array(m), rating: new Float32Array(m), timestamp: new Int32Array(m), lines: new Int32Array(m) };
  let j = 0;
  for (let k = 0; k < n; k++) {
    if (drop[k] === 1) continue;
    out.user[j] = user[k];
    out.item[j] = item[k];
    out.rating[j] = cnt !== null && sum !== null && cnt[k] > 0 ? sum[k] / cnt[k] : rating[k];
    out.timestamp[j] = timestamp[k];
    out.lines[j] = sink.lines.lineOf(k);
    j++;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Feature tables

/** A feature table with where each row came from (for presets that validate values further). */
export interface FeatureTableRead {
  readonly table: FeatureTable;
  /** 1-based start line of each row. */
  readonly lines: readonly number[];
  /** SHA-256 (hex) of the file's bytes. */
  readonly sha256: string;
  /** The separator used (detected or given). */
  readonly sep: Separator;
  /** Whether the first record was taken as a header. */
  readonly header: boolean;
}

/**
 * Reads a feature table: one row per entity. With a header, `columns` name header columns (case-sensitive, then
 * case-insensitive); without, they give the file's columns in order. Exactly one spec is the `id`; `ignore` specs
 * are read past (and need not exist with a header); file columns not named are ignored. Values are trimmed; a
 * field may be quoted (RFC 4180, embedded newlines fine). The returned table keeps the other specs in order.
 *
 * @throws InputError when the file is empty or has no rows, there is not exactly one `id` spec, or a column is
 *   missing (the message lists the file's columns)
 * @throws ParseError at `file:line` for a short record, an empty id, or a repeated id (naming both lines)
 */
export async function readFeatureTable(path: string, columns: readonly FeatureColumnSpec[], opts: DelimitedOptions = {}): Promise<FeatureTable> {
  return (await readFeatureTableWithLines(path, columns, opts)).table;
}

/** {@link readFeatureTable}, also giving each row's line, the file's SHA-256, separator and header. */
export async function readFeatureTableWithLines(
  path: string,
  columns: readonly FeatureColumnSpec[],
  opts: DelimitedOptions = {},
): Promise<FeatureTableRead> {
  const name = opts.name ?? path;
  const encoding = opts.encoding ?? 'utf8';
  const ids = columns.filter((c) => c.kind === 'id');
  if (ids.length !== 1) throw new InputError(`${name}: the column specs need exactly one id column, found ${ids.length}`);
  const { sep, records } = await sniff(path, name, opts, 2);
  const first = records[0] ?? [];
  const mode = opts.header ?? 'auto';
  // one name in the first record is enough: reading a header as data would silently make its names an entity
  const header = mode === 'auto' ? columns.some((c) => first.includes(c.name)) : mode === 'yes';
  // position of every spec in the file (-1: an ignored column that is absent)
  const pos = columns.map((c, k) => {
    if (!header) return k;
    let p = first.indexOf(c.name);
    if (p < 0) p = first.findIndex((h) => h.toLowerCase() === c.name.toLowerCase());
    if (p < 0 && c.kind !== 'ignore') throw new InputError(`${name}: no column ${JSON.stringify(c.name)}; its columns are ${listColumns(first)}`);
    return p;
  });
  const kept = columns.map((c, k) => ({ c, p: pos[k] })).filter(({ c }) => c.kind !== 'id' && c.kind !== 'ignore');
  const idPos = pos[columns.indexOf(ids[0])];
  const need = Math.max(...pos) + 1;
  const label = (p: number): string => columnLabel(header ? first : null, p);
  const rowIds: string[] = [];
  const values: string[][] = kept.map(() => []);
  const lines: number[] = [];
  const seen = new Map<string, number>();
  const hash = createHash('sha256');
  let skip = header;
  await readCsv(path, name, sep, encoding, hash, () => undefined, (fields, line, raw) => {
    if (skip) {
      skip = false;
      return;
    }
    if (fields.length < need) throw new ParseError(name, line, `expected at least ${need} fields, found ${fields.length}`, raw);
    const id = fields[idPos].trim();
    if (id === '') throw new ParseError(name, line, `empty id in ${label(idPos)}`, raw);
    const before = seen.get(id);
    if (before !== undefined) throw new ParseError(name, line, `id ${JSON.stringify(id)} in ${label(idPos)} is listed again (first on line ${before})`, raw);
    seen.set(id, line);
    rowIds.push(id);
    lines.push(line);
    for (let k = 0; k < kept.length; k++) values[k].push(fields[kept[k].p].trim());
  });
  if (rowIds.length === 0) throw new InputError(`${name} holds no rows`);
  return {
    table: { source: name, columns: kept.map(({ c }) => c), ids: rowIds, values },
    lines,
    sha256: hash.digest('hex'),
    sep,
    header,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Column specs (CLI syntax)

const KINDS: readonly FeatureKind[] = ['id', 'category', 'multi', 'numeric', 'ignore'];

/** Splits on commas outside parentheses. */
function splitTop(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  for (let k = 0; k < text.length; k++) {
    const c = text[k];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      out.push(text.slice(start, k));
      start = k + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/**
 * Parses the CLI's feature column syntax: comma-separated `name:kind` or `name:kind(params)`, kinds `id`,
 * `category`, `multi`, `numeric`, `ignore`. Parameters are comma-separated `key=value`:
 * - `category(min=5, levels=a;b;c, other=no)` — pool levels seen fewer than 5 times; fixed levels; no `other`;
 * - `multi(|)` — a bare value is the separator (default `|`); also `multi(sep=;, min=2, levels=…, other=no)`;
 * - `numeric(bins=8)`, `numeric(edges=18;25;35)` (right-closed), `numeric(fill=0)` for empty fields;
 * - `label=…` on any kind: the prefix of the encoded column names.
 * Example: `id:id,age:numeric,gender:category,genres:multi(|),year:numeric(bins=8),occupation:category(min=5),zip:ignore`.
 *
 * @throws InputError naming the bad spec: unknown kind (listing the valid ones), bad or unknown parameter, empty or
 *   repeated name, or not exactly one `id`
 */
export function parseColumnSpecs(text: string): FeatureColumnSpec[] {
  const specs: FeatureColumnSpec[] = [];
  for (const part of splitTop(text)) {
    const item = part.trim();
    const bad = (why: string): never => {
      throw new InputError(`bad column spec ${JSON.stringify(item)}: ${why}`);
    };
    const m = /^([^:()]+?)\s*:\s*([A-Za-z]+)\s*(?:\((.*)\))?$/s.exec(item);
    if (m === null) bad('expected name:kind or name:kind(params), e.g. genres:multi(|)');
    const [, name, kindText, params] = m as RegExpExecArray;
    const kind = kindText.toLowerCase() as FeatureKind;
    if (!KINDS.includes(kind)) bad(`unknown kind ${JSON.stringify(kindText)}; valid kinds: ${KINDS.join(', ')}`);
    if (specs.some((s) => s.name === name)) bad(`column ${JSON.stringify(name)} is listed twice`);
    const spec: { -readonly [K in keyof FeatureColumnSpec]: FeatureColumnSpec[K] } = { name, kind };
    const allowed: Record<FeatureKind, readonly string[]> = {
      id: ['label'],
      ignore: ['label'],
      category: ['min', 'levels', 'other', 'label'],
      multi: ['sep', 'min', 'levels', 'other', 'label'],
      numeric: ['bins', 'edges', 'fill', 'label'],
    };
    if (params !== undefined && params.trim() !== '') {
      if (kind === 'multi' && !params.includes('=')) spec.separator = params;
      else {
        for (const kv of params.split(',')) {
          const eq = kv.indexOf('=');
          if (eq < 0) bad(`parameter ${JSON.stringify(kv.trim())} is not key=value`);
          const key = kv.slice(0, eq).trim();
          const value = kv.slice(eq + 1);
          if (!allowed[kind].includes(key)) bad(`${kind} takes ${allowed[kind].join(', ')}, not ${JSON.stringify(key)}`);
          const num = (): number => {
            const v = parseDecimal(value.trim());
            if (Number.isNaN(v)) bad(`${key} must be a number, got ${JSON.stringify(value.trim())}`);
            return v;
          };
          const whole = (): number => {
            const v = num();
            if (!Number.isInteger(v) || v < 1) bad(`${key} must be a whole number ≥ 1, got ${value.trim()}`);
            return v;
          };
          switch (key) {
            case 'sep':
              if (value === '') bad('sep must not be empty');
              spec.separator = value;
              break;
            case 'min':
              spec.minCount = whole();
              break;
            case 'bins':
              spec.bins = whole();
              break;
            case 'fill':
              spec.fill = num();
              break;
            case 'label':
              spec.label = value.trim();
              break;
            case 'other': {
              const v = value.trim().toLowerCase();
              if (!['yes', 'no', 'true', 'false'].includes(v)) bad(`other must be yes or no, got ${JSON.stringify(value.trim())}`);
              spec.other = v === 'yes' || v === 'true';
              break;
            }
            case 'levels':
              spec.levels = value.split(';').map((s) => s.trim());
              break;
            case 'edges': {
              const edges = value.split(';').map((s) => parseDecimal(s.trim()));
              if (edges.some(Number.isNaN)) bad(`edges must be numbers separated by ";", got ${JSON.stringify(value)}`);
              if (edges.some((e, k) => k > 0 && e <= edges[k - 1])) bad('edges must increase');
              spec.edges = edges;
              break;
            }
          }
        }
      }
    } else if (kind === 'multi') spec.separator = '|';
    specs.push(spec);
  }
  const ids = specs.filter((s) => s.kind === 'id').length;
  if (ids !== 1) throw new InputError(`column specs ${JSON.stringify(text)} need exactly one id column, found ${ids}`);
  return specs;
}
