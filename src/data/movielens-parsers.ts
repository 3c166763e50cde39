/**
 * Strict parsers for the MovieLens 100K files. Every malformed line stops loading with a {@link ParseError} naming
 * the file, the 1-based line and the text; nothing is dropped silently. Empty lines are accepted only at the end of
 * a file (u.genre ends with a blank line). Ids are 1-based in the files and 0-based in {@link Ratings}.
 */
import { readFile } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { InputError, ParseError } from '../core/errors.js';
import type { Ratings } from '../core/types.js';

/** Counts from u.info; ids in the other files must lie in 1..users and 1..items. */
export interface DatasetCounts {
  readonly users: number;
  readonly items: number;
  readonly ratings: number;
}

/** One line of u.user. */
export interface UserRecord {
  /** 1-based MovieLens user id (row id - 1 in feature and rating matrices). */
  readonly id: number;
  readonly age: number;
  readonly gender: 'M' | 'F';
  /** One of {@link MovieLens100K.occupations}. */
  readonly occupation: string;
  /** US zip code as written (some are Canadian postcodes, so a string). */
  readonly zip: string;
}

/** One line of u.item. */
export interface ItemRecord {
  /** 1-based MovieLens item id. */
  readonly id: number;
  readonly title: string;
  /** Release date as written (`01-Jan-1995`), or null when empty. */
  readonly releaseDate: string | null;
  /** Year of {@link ItemRecord.releaseDate}, or null when the date is empty. */
  readonly releaseYear: number | null;
  /** Video release date as written, or null when empty (always empty in ML-100K). */
  readonly videoReleaseDate: string | null;
  readonly url: string;
  /** One 0/1 flag per entry of {@link MovieLens100K.genres}, in that order. */
  readonly genres: Uint8Array;
}

/** A loaded MovieLens 100K folder: side information eagerly, ratings on demand. */
export interface MovieLens100K {
  /** Absolute path of the dataset folder. */
  readonly dir: string;
  readonly info: DatasetCounts;
  /** Ordered by id: `users[k].id === k + 1`. */
  readonly users: readonly UserRecord[];
  /** Ordered by id: `items[k].id === k + 1`. */
  readonly items: readonly ItemRecord[];
  /** Occupation names in u.occupation order (the one-hot order of user features). */
  readonly occupations: readonly string[];
  /** Genre names by u.genre index (the order of the genre flags). */
  readonly genres: readonly string[];
  /** Reads a ratings file of this folder (e.g. `u.data`, `u1.base`), checked against {@link MovieLens100K.info}. */
  readRatings(file: string): Promise<Ratings>;
}

/** Names of the predefined MovieLens 100K train/test splits (files `<name>.base` and `<name>.test`). */
export type SplitName = 'u1' | 'u2' | 'u3' | 'u4' | 'u5' | 'ua' | 'ub';

/** All {@link SplitName}s. */
export const SPLIT_NAMES: readonly SplitName[] = Object.freeze(['u1', 'u2', 'u3', 'u4', 'u5', 'ua', 'ub']);

/** True when `name` is a {@link SplitName}. */
export function isSplitName(name: string): name is SplitName {
  return (SPLIT_NAMES as readonly string[]).includes(name);
}

const NL = 10;
const CR = 13;
const TAB = 9;
const ZERO = 48;
const INT32_MAX = 2147483647;

async function readBytes(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
  }
}

/** A line with its 1-based number. */
interface Line {
  readonly no: number;
  readonly text: string;
}

/** Splits text into lines (LF or CRLF); blank lines only at the end are dropped, any other is an error. */
function lines(path: string, text: string): Line[] {
  const out: Line[] = [];
  let blank = 0; // first blank line not yet followed by content
  let no = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    no++;
    const stop = end > start && text.charCodeAt(end - 1) === CR ? end - 1 : end;
    if (stop === start) {
      if (blank === 0) blank = no;
    } else {
      if (blank !== 0) throw new ParseError(path, blank, 'empty line', '');
      out.push({ no, text: text.slice(start, stop) });
    }
    start = end + 1;
  }
  return out;
}

/** Parses a whole number written with digits only (no sign, no spaces), or returns -1. */
function parseWhole(s: string): number {
  if (s.length === 0 || s.length > 10) return -1;
  let v = 0;
  for (let i = 0; i < s.length; i++) {
    const d = s.charCodeAt(i) - ZERO;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v > INT32_MAX ? -1 : v;
}

/** Splits a `|`-separated line and checks the field count. */
function fields(path: string, line: Line, count: number, what: string): string[] {
  const f = line.text.split('|');
  if (f.length !== count) {
    throw new ParseError(path, line.no, `expected ${count} '|'-separated fields (${what}), found ${f.length}`, line.text);
  }
  return f;
}

function wholeField(path: string, line: Line, field: string, value: string): number {
  const v = parseWhole(value);
  if (v < 0) throw new ParseError(path, line.no, `${field} ${JSON.stringify(value)} is not a whole number`, line.text);
  return v;
}

function idField(path: string, line: Line, field: string, value: string, max: number): number {
  const v = wholeField(path, line, field, value);
  if (v < 1 || v > max) throw new ParseError(path, line.no, `${field} ${v} outside 1..${max} (u.info)`, line.text);
  return v;
}

/** Parses u.info: the lines `<n> users`, `<n> items`, `<n> ratings`, in any order. */
export async function parseInfo(path: string): Promise<DatasetCounts> {
  const found = new Map<string, number>();
  for (const line of lines(path, (await readBytes(path)).toString('latin1'))) {
    const parts = line.text.trim().split(' ');
    const key = parts[1];
    if (parts.length !== 2 || (key !== 'users' && key !== 'items' && key !== 'ratings')) {
      throw new ParseError(path, line.no, 'expected "<count> users|items|ratings"', line.text);
    }
    if (found.has(key)) throw new ParseError(path, line.no, `${key} given twice`, line.text);
    const n = parseWhole(parts[0]);
    if (n < 1) throw new ParseError(path, line.no, `${key} count must be a positive whole number`, line.text);
    found.set(key, n);
  }
  const get = (key: string): number => {
    const n = found.get(key);
    if (n === undefined) throw new InputError(`${path}: missing the "<count> ${key}" line`);
    return n;
  };
  return { users: get('users'), items: get('items'), ratings: get('ratings') };
}

/** Parses u.occupation: one name per line (surrounding spaces trimmed, as the reference does). */
export async function parseOccupations(path: string): Promise<string[]> {
  const names: string[] = [];
  for (const line of lines(path, (await readBytes(path)).toString('latin1'))) {
    const name = line.text.trim();
    if (name === '' || name.includes('|')) throw new ParseError(path, line.no, 'expected an occupation name', line.text);
    if (names.includes(name)) throw new ParseError(path, line.no, `occupation ${JSON.stringify(name)} listed twice`, line.text);
    names.push(name);
  }
  if (names.length === 0) throw new InputError(`${path}: no occupations`);
  return names;
}

/** Parses u.genre (`name|index`) into names ordered by index; indices must be exactly 0..n-1. */
export async function parseGenres(path: string): Promise<string[]> {
  const byIndex: (string | undefined)[] = [];
  const seen = new Set<string>();
  const all = lines(path, (await readBytes(path)).toString('latin1'));
  for (const line of all) {
    const [name, index] = fields(path, line, 2, 'name|index');
    const k = wholeField(path, line, 'genre index', index);
    if (name === '') throw new ParseError(path, line.no, 'empty genre name', line.text);
    if (k >= all.length) throw new ParseError(path, line.no, `genre index ${k} outside 0..${all.length - 1}`, line.text);
    if (byIndex[k] !== undefined) throw new ParseError(path, line.no, `genre index ${k} given twice`, line.text);
    if (seen.has(name)) throw new ParseError(path, line.no, `genre ${JSON.stringify(name)} listed twice`, line.text);
    byIndex[k] = name;
    seen.add(name);
  }
  if (all.length === 0) throw new InputError(`${path}: no genres`);
  // n distinct indices in 0..n-1 cover every slot
  return byIndex as string[];
}

/** Parses u.user (`id|age|gender|occupation|zip`); every id 1..users must appear exactly once. */
export async function parseUsers(path: string, counts: DatasetCounts, occupations: readonly string[]): Promise<UserRecord[]> {
  const known = new Set(occupations);
  const users: UserRecord[] = new Array(counts.users);
  let n = 0;
  for (const line of lines(path, (await readBytes(path)).toString('latin1'))) {
    const f = fields(path, line, 5, 'id|age|gender|occupation|zip');
    const id = idField(path, line, 'user id', f[0], counts.users);
    if (users[id - 1] !== undefined) throw new ParseError(path, line.no, `user id ${id} given twice`, line.text);
    const age = wholeField(path, line, 'age', f[1]);
    const gender = f[2];
    if (gender !== 'M' && gender !== 'F') {
      throw new ParseError(path, line.no, `gender ${JSON.stringify(gender)} is not M or F`, line.text);
    }
    if (!known.has(f[3])) {
      throw new ParseError(path, line.no, `occupation ${JSON.stringify(f[3])} is not in u.occupation`, line.text);
    }
    users[id - 1] = { id, age, gender, occupation: f[3], zip: f[4] };
    n++;
  }
  if (n !== counts.users) {
    let missing = 0;
    while (users[missing] !== undefined) missing++;
    throw new InputError(`${path}: ${n} users but u.info says ${counts.users} (user id ${missing + 1} is missing)`);
  }
  return users;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Year of a `d-Mon-yyyy` / `dd-Mon-yyyy` date, or -1 when it is not a valid calendar date in that form. */
function dateYear(s: string): number {
  // one item of ML-100K (1373) has a one-digit day: "4-Feb-1971"
  const dash = s.indexOf('-');
  if ((dash !== 1 && dash !== 2) || s.length !== dash + 9 || s.charCodeAt(dash + 4) !== 45) return -1;
  const day = parseWhole(s.slice(0, dash));
  const month = MONTHS.indexOf(s.slice(dash + 1, dash + 4));
  const year = parseWhole(s.slice(dash + 5));
  if (day < 1 || month < 0 || year < 0) return -1;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month];
  return day <= days ? year : -1;
}

/**
 * Parses u.item (latin-1; `id|title|release date|video release date|url|<one 0/1 flag per genre>`); every id
 * 1..items must appear exactly once. Dates are `dd-Mon-yyyy` (or `d-Mon-yyyy`) or empty.
 */
export async function parseItems(path: string, counts: DatasetCounts, genres: readonly string[]): Promise<ItemRecord[]> {
  const items: ItemRecord[] = new Array(counts.items);
  const width = 5 + genres.length;
  const what = `id|title|release date|video release date|url|${genres.length} genre flags`;
  let n = 0;
  for (const line of lines(path, (await readBytes(path)).toString('latin1'))) {
    const f = fields(path, line, width, what);
    const id = idField(path, line, 'item id', f[0], counts.items);
    if (items[id - 1] !== undefined) throw new ParseError(path, line.no, `item id ${id} given twice`, line.text);
    const date = (field: string, value: string): number | null => {
      if (value === '') return null;
      const year = dateYear(value);
      if (year < 0) throw new ParseError(path, line.no, `${field} ${JSON.stringify(value)} is not a dd-Mon-yyyy date`, line.text);
      return year;
    };
    const releaseYear = date('release date', f[2]);
    date('video release date', f[3]);
    const flags = new Uint8Array(genres.length);
    for (let g = 0; g < genres.length; g++) {
      const v = f[5 + g];
      if (v !== '0' && v !== '1') {
        throw new ParseError(path, line.no, `genre flag ${genres[g]} ${JSON.stringify(v)} is not 0 or 1`, line.text);
      }
      flags[g] = v === '1' ? 1 : 0;
    }
    items[id - 1] = {
      id,
      title: f[1],
      releaseDate: f[2] === '' ? null : f[2],
      releaseYear,
      videoReleaseDate: f[3] === '' ? null : f[3],
      url: f[4],
      genres: flags,
    };
    n++;
  }
  if (n !== counts.items) {
    let missing = 0;
    while (items[missing] !== undefined) missing++;
    throw new InputError(`${path}: ${n} items but u.info says ${counts.items} (item id ${missing + 1} is missing)`);
  }
  return items;
}

const FIELD_NAMES = ['user id', 'item id', 'rating', 'timestamp'];

function countTabs(buf: Uint8Array, start: number, end: number): number {
  let k = 0;
  for (let q = start; q < end; q++) if (buf[q] === TAB) k++;
  return k;
}

/**
 * Parses a tab-separated ratings file (`user item rating timestamp`, as u.data and uN.base/test) straight from
 * bytes, without per-line strings or regexes. Ratings must be whole numbers 1..5, ids within `counts`, and no
 * (user, item) pair may occur twice in the file.
 */
export async function parseRatings(path: string, counts: Pick<DatasetCounts, 'users' | 'items'>): Promise<Ratings> {
  const buf = await readBytes(path);
  let capacity = 0;
  for (let i = 0; i < buf.length; i++) if (buf[i] === NL) capacity++;
  if (buf.length > 0 && buf[buf.length - 1] !== NL) capacity++;
  const user = new Int32Array(capacity);
  const item = new Int32Array(capacity);
  const rating = new Float32Array(capacity);
  const timestamp = new Int32Array(capacity);
  const { users, items } = counts;
  // a bitmap of seen pairs while it stays small (ML-100K: 1.6 MB); a Set beyond that
  const bitmap = users * items <= 1 << 26 ? new Uint8Array(users * items) : undefined;
  const seen = bitmap === undefined ? new Set<number>() : undefined;
  const values = [0, 0, 0, 0];
  let n = 0;
  let no = 0;
  let blank = 0;
  let pos = 0;
  const text = (start: number, end: number): string => buf.toString('latin1', start, end);
  while (pos < buf.length) {
    let end = buf.indexOf(NL, pos);
    if (end < 0) end = buf.length;
    no++;
    const stop = end > pos && buf[end - 1] === CR ? end - 1 : end;
    if (stop === pos) {
      if (blank === 0) blank = no;
      pos = end + 1;
      continue;
    }
    if (blank !== 0) throw new ParseError(path, blank, 'empty line', '');
    let p = pos;
    for (let f = 0; f < 4; f++) {
      const start = p;
      let v = 0;
      let bad = false;
      while (p < stop && buf[p] !== TAB) {
        const d = buf[p] - ZERO;
        if (d < 0 || d > 9) bad = true;
        v = v * 10 + d;
        p++;
      }
      if ((p === stop && f < 3) || (f === 3 && p !== stop)) {
        const reason = `expected 4 tab-separated fields (user item rating timestamp), found ${countTabs(buf, pos, stop) + 1}`;
        throw new ParseError(path, no, reason, text(pos, stop));
      }
      if (bad || p === start || p - start > 10 || v > INT32_MAX) {
        const reason = `${FIELD_NAMES[f]} ${JSON.stringify(text(start, p))} is not a whole number`;
        throw new ParseError(path, no, reason, text(pos, stop));
      }
      values[f] = v;
      p++; // skip the tab
    }
    const [u, i, r] = values;
    if (u < 1 || u > users) throw new ParseError(path, no, `user id ${u} outside 1..${users} (u.info)`, text(pos, stop));
    if (i < 1 || i > items) throw new ParseError(path, no, `item id ${i} outside 1..${items} (u.info)`, text(pos, stop));
    if (r < 1 || r > 5) throw new ParseError(path, no, `rating ${r} outside 1..5`, text(pos, stop));
    const key = (u - 1) * items + (i - 1);
    let dup: boolean;
    if (bitmap !== undefined) {
      dup = bitmap[key] === 1;
      bitmap[key] = 1;
    } else {
      dup = seen!.has(key);
      seen!.add(key);
    }
    if (dup) {
      // rare path: find the earlier row; rows map to lines 1:1 since blank lines only occur at the end
      let first = 0;
      while (user[first] !== u - 1 || item[first] !== i - 1) first++;
      const reason = `duplicate rating of item ${i} by user ${u} (first on line ${first + 1})`;
      throw new ParseError(path, no, reason, text(pos, stop));
    }
    user[n] = u - 1;
    item[n] = i - 1;
    rating[n] = r;
    timestamp[n] = values[3];
    n++;
    pos = end + 1;
  }
  return { user: user.slice(0, n), item: item.slice(0, n), rating: rating.slice(0, n), timestamp: timestamp.slice(0, n) };
}

/**
 * Loads a MovieLens 100K folder: u.info, u.occupation, u.genre, u.user and u.item eagerly (all cross-checked), the
 * ratings files on demand through {@link MovieLens100K.readRatings}. Files are not hash-checked here, so an edited
 * copy loads as long as it parses.
 *
 * @throws ParseError for a malformed line, InputError for a missing file or inconsistent counts
 */
export async function loadMovieLens100K(dir: string): Promise<MovieLens100K> {
  const root = resolve(dir);
  const at = (file: string): string => resolve(root, file);
  const info = await parseInfo(at('u.info'));
  const [occupations, genres] = await Promise.all([parseOccupations(at('u.occupation')), parseGenres(at('u.genre'))]);
  const [users, items] = await Promise.all([
    parseUsers(at('u.user'), info, occupations),
    parseItems(at('u.item'), info, genres),
  ]);
  return {
    dir: root,
    info,
    users,
    items,
    occupations,
    genres,
    async readRatings(file: string): Promise<Ratings> {
      const path = at(file);
      const ratings = await parseRatings(path, info);
      if (basename(path) === 'u.data' && ratings.user.length !== info.ratings) {
        throw new InputError(`${path}: ${ratings.user.length} ratings but u.info says ${info.ratings}`);
      }
      return ratings;
    },
  };
}

/**
 * Reads a predefined split: `<name>.base` and `<name>.test` of the dataset folder.
 *
 * @throws InputError for an unknown split name, ParseError for a malformed line
 */
export async function readSplit(ds: MovieLens100K, name: SplitName): Promise<{ base: Ratings; test: Ratings }> {
  if (!isSplitName(name)) {
    throw new InputError(`unknown split ${JSON.stringify(name)}; known splits: ${SPLIT_NAMES.join(', ')}`);
  }
  const [base, test] = await Promise.all([ds.readRatings(`${name}.base`), ds.readRatings(`${name}.test`)]);
  return { base, test };
}
