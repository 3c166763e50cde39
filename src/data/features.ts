/**
 * Side-information features, exactly as the reference's `load()`:
 * - user (27 columns): `gender=F` (1 when F), age one-hot over (0,12] (12,18] (18,30] (30,50] (50,90], occupation
 *   one-hot in u.occupation order;
 * - item (23 columns): release-year one-hot over (1920,1940] (1940,1960] (1960,1980] (1980,2000], then the 19 genre
 *   flags. A missing release date takes the year of the most frequent full date string (pandas `mode()`; ties go to
 *   the smallest string, as pandas sorts the modes). In ML-100K only item 267 lacks a date and the mode is
 *   `01-Jan-1995`.
 * Bins are right-closed like pandas.cut. A value outside all bins goes to the nearest edge bin (pandas.cut would
 * give NaN there and the reference would crash); ML-100K has none (ages 7..73, years 1922..1998).
 * The encoders are plain JSON-able data so a saved model can encode a cold-start user or item the same way.
 */
import { InputError } from '../core/errors.js';
import type { FeatureMatrix } from '../core/types.js';
import { binIndex, binLabel } from './encoding.js';
import type { MovieLens100K } from './movielens-parsers.js';

/** Age bin edges of the reference (right-closed bins). */
export const AGE_EDGES: readonly number[] = Object.freeze([0, 12, 18, 30, 50, 90]);
/** Release-year bin edges of the reference (right-closed bins). */
export const YEAR_EDGES: readonly number[] = Object.freeze([1920, 1940, 1960, 1980, 2000]);

/** Everything needed to encode a user's side information; plain data (JSON round-trips). */
export interface UserEncoder {
  /** Right-closed age bin edges, ascending. */
  readonly ageEdges: readonly number[];
  /** Occupation categories in one-hot order. */
  readonly occupations: readonly string[];
  /** Column names, one per feature. */
  readonly names: readonly string[];
}

/** Everything needed to encode an item's side information; plain data (JSON round-trips). */
export interface ItemEncoder {
  /** Right-closed release-year bin edges, ascending. */
  readonly yearEdges: readonly number[];
  /** Genre names in flag order. */
  readonly genres: readonly string[];
  /** Year used when an item has no release date (from the training catalogue's most frequent date). */
  readonly defaultReleaseYear: number;
  /** Column names, one per feature. */
  readonly names: readonly string[];
}

/** A user's side information as {@link encodeUser} takes it. */
export interface UserSideInfo {
  readonly age: number;
  readonly gender: string;
  readonly occupation: string;
}

/** An item's side information as {@link encodeItem} takes it. */
export interface ItemSideInfo {
  /** Null when unknown: {@link ItemEncoder.defaultReleaseYear} is used. */
  readonly releaseYear: number | null;
  /** Either one 0/1 flag per {@link ItemEncoder.genres} entry, or a list of genre names. */
  readonly genres: ArrayLike<number> | readonly string[];
}

// the generic encoders' binning, so the reference encoding and the ML-100K preset bin alike by construction
export { binIndex };

/** A user encoder for the given occupation list (u.occupation order) and the reference's age bins. */
export function createUserEncoder(occupations: readonly string[], ageEdges: readonly number[] = AGE_EDGES): UserEncoder {
  const names = [
    'gender=F',
    ...ageEdges.slice(1).map((_, k) => `age=${binLabel(ageEdges, k)}`),
    ...occupations.map((o) => `occupation=${o}`),
  ];
  return { ageEdges: [...ageEdges], occupations: [...occupations], names };
}

/** An item encoder for the given genre list, default year and the reference's year bins. */
export function createItemEncoder(
  genres: readonly string[],
  defaultReleaseYear: number,
  yearEdges: readonly number[] = YEAR_EDGES,
): ItemEncoder {
  const names = [...yearEdges.slice(1).map((_, k) => `year=${binLabel(yearEdges, k)}`), ...genres.map((g) => `genre=${g}`)];
  return { yearEdges: [...yearEdges], genres: [...genres], defaultReleaseYear, names };
}

/** The user encoder of a dataset (its occupation list). */
export function fitUserEncoder(ds: Pick<MovieLens100K, 'occupations'>): UserEncoder {
  return createUserEncoder(ds.occupations);
}

/**
 * The item encoder of a dataset; its default release year is the year of the most frequent release-date string
 * (ties: smallest string), as the reference's `fillna(mode()[0])`.
 *
 * @throws InputError when no item has a release date
 */
export function fitItemEncoder(ds: Pick<MovieLens100K, 'items' | 'genres'>): ItemEncoder {
  const counts = new Map<string, number>();
  for (const item of ds.items) if (item.releaseDate !== null) counts.set(item.releaseDate, (counts.get(item.releaseDate) ?? 0) + 1);
  let mode: string | undefined;
  let best = 0;
  for (const [date, c] of counts) {
    if (c > best || (c === best && mode !== undefined && date < mode)) {
      mode = date;
      best = c;
    }
  }
  const year = ds.items.find((item) => item.releaseDate === mode)?.releaseYear;
  if (mode === undefined || year == null) throw new InputError('no item has a release date: cannot pick a default year');
  return createItemEncoder(ds.genres, year);
}

/**
 * One user's feature row (length `encoder.names.length`), written into `out` when given.
 *
 * @throws InputError for a non-finite age, a gender other than M/F, or an unknown occupation
 */
export function encodeUser(user: UserSideInfo, encoder: UserEncoder, out?: Float32Array): Float32Array {
  const width = encoder.names.length;
  const row = out ?? new Float32Array(width);
  if (row.length !== width) throw new RangeError(`output row has length ${row.length}, expected ${width}`);
  if (!Number.isFinite(user.age)) throw new InputError(`age must be a number, got ${user.age}`);
  if (user.gender !== 'M' && user.gender !== 'F') throw new InputError(`gender must be M or F, got ${JSON.stringify(user.gender)}`);
  const occ = encoder.occupations.indexOf(user.occupation);
  if (occ < 0) {
    throw new InputError(`unknown occupation ${JSON.stringify(user.occupation)}; known: ${encoder.occupations.join(', ')}`);
  }
  const ageBins = encoder.ageEdges.length - 1;
  row.fill(0);
  row[0] = user.gender === 'F' ? 1 : 0;
  row[1 + binIndex(user.age, encoder.ageEdges)] = 1;
  row[1 + ageBins + occ] = 1;
  return row;
}

/**
 * One item's feature row (length `encoder.names.length`), written into `out` when given.
 *
 * @throws InputError for a non-finite year, an unknown genre name, a flag other than 0/1 or a wrong flag count
 */
export function encodeItem(item: ItemSideInfo, encoder: ItemEncoder, out?: Float32Array): Float32Array {
  const width = encoder.names.length;
  const row = out ?? new Float32Array(width);
  if (row.length !== width) throw new RangeError(`output row has length ${row.length}, expected ${width}`);
  const year = item.releaseYear ?? encoder.defaultReleaseYear;
  if (!Number.isFinite(year)) throw new InputError(`release year must be a number, got ${year}`);
  const yearBins = encoder.yearEdges.length - 1;
  row.fill(0);
  row[binIndex(year, encoder.yearEdges)] = 1;
  const g = item.genres;
  if (g.length > 0 && typeof g[0] === 'string') {
    for (const name of g as readonly string[]) {
      const k = encoder.genres.indexOf(name);
      if (k < 0) throw new InputError(`unknown genre ${JSON.stringify(name)}; known: ${encoder.genres.join(', ')}`);
      row[yearBins + k] = 1;
    }
  } else if (g.length > 0) {
    const flags = g as ArrayLike<number>;
    if (flags.length !== encoder.genres.length) {
      throw new InputError(`expected ${encoder.genres.length} genre flags, got ${flags.length}`);
    }
    for (let k = 0; k < flags.length; k++) {
      if (flags[k] !== 0 && flags[k] !== 1) throw new InputError(`genre flag ${encoder.genres[k]} must be 0 or 1, got ${flags[k]}`);
      row[yearBins + k] = flags[k];
    }
  }
  return row;
}

/** The user feature matrix (row k = user id k+1), 27 columns on ML-100K. */
export function userFeatures(ds: Pick<MovieLens100K, 'users' | 'occupations'>, encoder: UserEncoder = fitUserEncoder(ds)): FeatureMatrix {
  const cols = encoder.names.length;
  const data = new Float32Array(ds.users.length * cols);
  for (let r = 0; r < ds.users.length; r++) encodeUser(ds.users[r], encoder, data.subarray(r * cols, (r + 1) * cols));
  return { rows: ds.users.length, cols, data, names: encoder.names };
}

/** The item feature matrix (row k = item id k+1), 23 columns on ML-100K. */
export function itemFeatures(ds: Pick<MovieLens100K, 'items' | 'genres'>, encoder: ItemEncoder = fitItemEncoder(ds)): FeatureMatrix {
  const cols = encoder.names.length;
  const data = new Float32Array(ds.items.length * cols);
  for (let r = 0; r < ds.items.length; r++) encodeItem(ds.items[r], encoder, data.subarray(r * cols, (r + 1) * cols));
  return { rows: ds.items.length, cols, data, names: encoder.names };
}
