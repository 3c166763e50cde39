/**
 * The MovieLens family beyond ML-100K, each read from its dataset folder in its real format into a
 * {@link RatingsDataset}. Ratings go through {@link readRatingsFile} (its fast path: these files have no quotes, or
 * use `::`), so even ML-25M's 25 million ratings are read in bounded memory.
 *
 * Id maps: the feature tables' ids come first, in file order (users.dat, movies.dat / movies.csv), then any id
 * seen only in the ratings, in first-seen order. Item titles are those of the movies file ('' for an item that
 * only occurs in the ratings).
 */
import { open } from 'node:fs/promises';
import { join } from 'node:path';
import { InputError, ParseError } from '../core/errors.js';
import { type FeatureColumnSpec, type FeatureTable, IdMap, type RatingScale, type RatingsDataset } from './dataset.js';
import { readFeatureTableWithLines, readRatingsFile } from './delimited.js';

/** The presets {@link loadPreset} knows (ML-100K has its own loader). */
export const PRESET_NAMES = Object.freeze(['ml-1m', 'ml-10m', 'ml-20m', 'ml-25m', 'ml-latest-small'] as const);

/** A name of {@link PRESET_NAMES}. */
export type PresetName = (typeof PRESET_NAMES)[number];

/** ML-1M occupation names by code 0–20, as in the ML-1M README. */
export const ML1M_OCCUPATIONS: readonly string[] = Object.freeze([
  'other or not specified',
  'academic/educator',
  'artist',
  'clerical/admin',
  'college/grad student',
  'customer service',
  'doctor/health care',
  'executive/managerial',
  'farmer',
  'homemaker',
  'K-12 student',
  'lawyer',
  'programmer',
  'retired',
  'sales/marketing',
  'scientist',
  'self-employed',
  'technician/engineer',
  'tradesman/craftsman',
  'unemployed',
  'writer',
]);

/** ML-1M age codes in order: under 18, 18–24, 25–34, 35–44, 45–49, 50–55, 56+ (the file holds the codes). */
export const ML1M_AGES: readonly string[] = Object.freeze(['1', '18', '25', '35', '45', '50', '56']);

/** The 18 genres of the ML-1M README, in its order. */
export const ML1M_GENRES: readonly string[] = Object.freeze([
  'Action',
  'Adventure',
  'Animation',
  "Children's",
  'Comedy',
  'Crime',
  'Documentary',
  'Drama',
  'Fantasy',
  'Film-Noir',
  'Horror',
  'Musical',
  'Mystery',
  'Romance',
  'Sci-Fi',
  'Thriller',
  'War',
  'Western',
]);

/**
 * Genres of ML-10M and the CSV presets: the same 18 with `Children` (as the files spell it; `Children's` is read
 * as `Children`) plus `IMAX`. Other values go to the encoder's `other` column; `(no genres listed)` is no genre.
 */
export const MOVIELENS_GENRES: readonly string[] = Object.freeze([
  ...ML1M_GENRES.map((g) => (g === "Children's" ? 'Children' : g)),
  'IMAX',
]);

const WHOLE_STARS: RatingScale = Object.freeze({ min: 1, max: 5, step: 1 });
const HALF_STARS: RatingScale = Object.freeze({ min: 0.5, max: 5, step: 0.5 });

/** Options of {@link loadPreset}. */
export interface LoadPresetOptions {
  /** Called while the ratings file is read: its name, bytes read so far and its size. */
  readonly onProgress?: (file: string, bytesRead: number, totalBytes: number) => void;
}

/** The release year at the end of a MovieLens title, `Toy Story (1995)` → `1995` (also `(2007-)`), or ''. */
export function titleYear(title: string): string {
  const m = /\((\d{4})(?:[-–]\d{0,4})?\)\s*$/.exec(title);
  return m === null ? '' : m[1];
}

/**
 * The encoding of a `.dat` file: UTF-8 when its bytes are valid UTF-8, else latin-1 (ML-1M's are latin-1; reading
 * both ways keeps a re-encoded copy working). Looks at the first 4 MiB, the whole of any MovieLens movies/users file.
 */
async function datEncoding(path: string): Promise<'utf8' | 'latin1'> {
  let fh: Awaited<ReturnType<typeof open>>;
  try {
    fh = await open(path, 'r');
  } catch {
    return 'latin1'; // the reader reports the missing file
  }
  try {
    const buf = Buffer.alloc(4 << 20);
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    // a character cut at the end of the sample is not an error
    new TextDecoder('utf-8', { fatal: true }).decode(buf.subarray(0, bytesRead), { stream: true });
    return 'utf8';
  } catch {
    return 'latin1';
  } finally {
    await fh.close();
  }
}

/** The item feature table of a movies file: genres (multi, fixed levels) and the year from the title. */
interface Movies {
  readonly table: FeatureTable;
  readonly titles: readonly string[];
  readonly sha256: string;
}

async function readMovies(dir: string, file: string, format: 'dat' | 'csv', genres: readonly string[], strict: boolean): Promise<Movies> {
  const path = join(dir, file);
  // by header name in movies.csv, by position in movies.dat
  const specs: FeatureColumnSpec[] = [
    { name: 'movieId', kind: 'id' },
    { name: 'title', kind: 'category' },
    { name: 'genres', kind: 'multi' },
  ];
  const read = await readFeatureTableWithLines(path, specs, {
    name: path,
    sep: format === 'dat' ? '::' : ',',
    header: format === 'dat' ? 'no' : 'yes',
    encoding: format === 'dat' ? await datEncoding(path) : 'utf8',
  });
  const [titles, rawGenres] = read.table.values;
  const known = new Set(genres);
  const genreValues = rawGenres.map((g, r) => {
    if (g === '(no genres listed)' || g === '') return '';
    const list = g.split('|').map((x) => (strict ? x : x === "Children's" ? 'Children' : x));
    if (strict) {
      const bad = list.find((x) => !known.has(x));
      if (bad !== undefined) {
        const text = `${read.table.ids[r]}::${titles[r]}::${g}`;
        throw new ParseError(path, read.lines[r], `unknown genre ${JSON.stringify(bad)} in column 3 (known: ${genres.join(', ')})`, text);
      }
    }
    return list.join('|');
  });
  const table: FeatureTable = {
    source: path,
    columns: [
      { name: 'genres', kind: 'multi', separator: '|', levels: genres, other: !strict, label: 'genre' },
      { name: 'year', kind: 'numeric' },
    ],
    ids: read.table.ids,
    values: [genreValues, titles.map(titleYear)],
  };
  return { table, titles, sha256: read.sha256 };
}

/** ML-1M users.dat: gender, age code and occupation (code → README name) as categories; zip ignored. */
async function readMl1mUsers(dir: string): Promise<{ table: FeatureTable; sha256: string }> {
  const path = join(dir, 'users.dat');
  const specs: FeatureColumnSpec[] = [
    { name: 'userId', kind: 'id' },
    { name: 'gender', kind: 'category' },
    { name: 'age', kind: 'category' },
    { name: 'occupation', kind: 'category' },
    { name: 'zip', kind: 'ignore' },
  ];
  const read = await readFeatureTableWithLines(path, specs, { name: path, sep: '::', header: 'no', encoding: await datEncoding(path) });
  const [gender, age, occupation] = read.table.values;
  const occupations = occupation.map((code, r) => {
    const fail = (reason: string): never => {
      const text = [read.table.ids[r], gender[r], age[r], code].join('::');
      throw new ParseError(path, read.lines[r], reason, text);
    };
    if (gender[r] !== 'F' && gender[r] !== 'M') fail(`gender ${JSON.stringify(gender[r])} in column 2 is not F or M`);
    if (!ML1M_AGES.includes(age[r])) fail(`age ${JSON.stringify(age[r])} in column 3 is not one of the codes ${ML1M_AGES.join(', ')}`);
    const name = /^\d{1,2}$/.test(code) ? ML1M_OCCUPATIONS[Number(code)] : undefined;
    if (name === undefined) fail(`occupation ${JSON.stringify(code)} in column 4 is not a code 0-20`);
    return name as string;
  });
  const table: FeatureTable = {
    source: path,
    columns: [
      { name: 'gender', kind: 'category', levels: ['F', 'M'], other: false },
      { name: 'age', kind: 'category', levels: ML1M_AGES, other: false },
      { name: 'occupation', kind: 'category', levels: ML1M_OCCUPATIONS, other: false },
    ],
    ids: read.table.ids,
    values: [gender, age, occupations],
  };
  return { table, sha256: read.sha256 };
}

/** How each preset's folder is laid out. */
const LAYOUT: Readonly<Record<PresetName, { format: 'dat' | 'csv'; scale: RatingScale; users: boolean }>> = Object.freeze({
  'ml-1m': { format: 'dat', scale: WHOLE_STARS, users: true },
  'ml-10m': { format: 'dat', scale: HALF_STARS, users: false },
  'ml-20m': { format: 'csv', scale: HALF_STARS, users: false },
  'ml-25m': { format: 'csv', scale: HALF_STARS, users: false },
  'ml-latest-small': { format: 'csv', scale: HALF_STARS, users: false },
});

/** True when `name` is one of {@link PRESET_NAMES}. */
export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}

/**
 * Loads a MovieLens preset from its dataset folder (as `rsattae data fetch` leaves it):
 * - `ml-1m`: ratings.dat (`UserID::MovieID::Rating::Timestamp`, 1–5), users.dat (gender, age code, occupation
 *   code → name; zip ignored), movies.dat (genres from the 18 of the README, year from the title);
 *   `.dat` files are read as UTF-8 when valid UTF-8, else as latin-1 (ML-1M's encoding);
 * - `ml-10m`: ratings.dat (half stars) and movies.dat; no user features;
 * - `ml-20m`, `ml-25m`, `ml-latest-small`: ratings.csv (`userId,movieId,rating,timestamp`, half stars) and
 *   movies.csv (`movieId,title,genres`, titles quoted when they hold commas); no user features.
 * Every file's SHA-256 is in `files`, by file name; ratings outside the preset's scale are errors.
 *
 * @throws InputError for an unknown name (listing the known ones) or a missing file
 * @throws ParseError at `file:line` for anything malformed (an unknown occupation code, a rating off the scale, …)
 */
export async function loadPreset(name: string, dir: string, opts: LoadPresetOptions = {}): Promise<RatingsDataset> {
  if (!isPresetName(name)) {
    throw new InputError(`unknown preset ${JSON.stringify(name)}; known presets: ${PRESET_NAMES.join(', ')} (ml-100k has its own loader)`);
  }
  const layout = LAYOUT[name];
  const dat = layout.format === 'dat';
  const files: Record<string, string> = {};
  const users = new IdMap();
  const items = new IdMap();

  let userFeatures: FeatureTable | undefined;
  if (layout.users) {
    const u = await readMl1mUsers(dir);
    userFeatures = u.table;
    files['users.dat'] = u.sha256;
    for (const id of u.table.ids) users.add(id);
  }
  const moviesFile = dat ? 'movies.dat' : 'movies.csv';
  const movies = await readMovies(dir, moviesFile, layout.format, name === 'ml-1m' ? ML1M_GENRES : MOVIELENS_GENRES, name === 'ml-1m');
  files[moviesFile] = movies.sha256;
  for (const id of movies.table.ids) items.add(id);

  const ratingsFile = dat ? 'ratings.dat' : 'ratings.csv';
  const ratingsPath = join(dir, ratingsFile);
  const r = await readRatingsFile(ratingsPath, {
    name: ratingsPath,
    sep: dat ? '::' : ',',
    header: dat ? 'no' : 'yes',
    columns: dat ? { user: 0, item: 1, rating: 2, timestamp: 3 } : { user: 'userId', item: 'movieId', rating: 'rating', timestamp: 'timestamp' },
    scale: layout.scale,
    users,
    items,
    onProgress: opts.onProgress === undefined ? undefined : (n, total) => opts.onProgress?.(ratingsFile, n, total),
  });
  files[ratingsFile] = r.sha256;

  const titles: string[] = new Array(items.size).fill('');
  for (let k = 0; k < movies.titles.length; k++) titles[k] = movies.titles[k];
  return {
    name,
    users,
    items,
    ratings: r.ratings,
    hasTimestamps: true,
    scale: layout.scale,
    ...(userFeatures === undefined ? {} : { userFeatures }),
    itemFeatures: movies.table,
    itemTitles: titles,
    files,
  };
}
