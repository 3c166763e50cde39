/**
 * MovieLens-100K as a {@link RatingsDataset}: the preset that reproduces the paper's (and the reference's) setup
 * exactly. Ids are the MovieLens ids as strings, indexed in id order ("1" → 0), and the feature tables carry fixed
 * levels and bin edges so that the generic encoders (encoding.ts) give the reference's 27 user and 23 item columns
 * column for column: `gender=F`, age over (0,12] … (50,90], occupation one-hot in u.occupation order; release-year
 * over (1920,1940] … (1980,2000] (a missing date takes the catalogue's most frequent date's year), then 19 genres.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../core/atomic-fs.js';
import { InputError } from '../core/errors.js';
import { type FeatureTable, IdMap, type RatingsDataset } from './dataset.js';
import { AGE_EDGES, fitItemEncoder, YEAR_EDGES } from './features.js';
import { isSplitName, loadMovieLens100K, type MovieLens100K, SPLIT_NAMES } from './movielens-parsers.js';
import { checkDisjoint } from './split.js';

const SIDE_FILES = ['u.info', 'u.user', 'u.item', 'u.occupation', 'u.genre'];

/** The user feature table of ML-100K (gender, age, occupation) with the reference's fixed encoding. */
export function ml100kUserTable(ds: MovieLens100K): FeatureTable {
  return {
    source: join(ds.dir, 'u.user'),
    columns: [
      { name: 'gender', kind: 'category', levels: ['F'], baseline: 'M', other: false },
      { name: 'age', kind: 'numeric', edges: AGE_EDGES },
      { name: 'occupation', kind: 'category', levels: ds.occupations, other: false },
    ],
    ids: ds.users.map((u) => String(u.id)),
    values: [ds.users.map((u) => u.gender), ds.users.map((u) => String(u.age)), ds.users.map((u) => u.occupation)],
  };
}

/** The item feature table of ML-100K (release year, genres) with the reference's fixed encoding. */
export function ml100kItemTable(ds: MovieLens100K): FeatureTable {
  return {
    source: join(ds.dir, 'u.item'),
    columns: [
      { name: 'year', kind: 'numeric', edges: YEAR_EDGES, fill: fitItemEncoder(ds).defaultReleaseYear },
      { name: 'genres', kind: 'multi', separator: '|', levels: ds.genres, other: false, label: 'genre' },
    ],
    ids: ds.items.map((i) => String(i.id)),
    values: [
      ds.items.map((i) => (i.releaseYear === null ? '' : String(i.releaseYear))),
      ds.items.map((i) => ds.genres.filter((_, g) => i.genres[g] === 1).join('|')),
    ],
  };
}

/**
 * Loads ML-100K from its folder. With a predefined split (`u1`…`u5`, `ua`, `ub`) the ratings are `<split>.base` and
 * the test set `<split>.test`, which must not share a (user, item) pair; with any other split (e.g. `random:0.1`)
 * the ratings are all of `u.data` and the caller splits them.
 *
 * @throws InputError for a malformed file, a base/test overlap (naming the first pair) or an empty base
 */
export async function loadMovieLens100KDataset(dir: string, split = 'u1'): Promise<RatingsDataset> {
  const ds = await loadMovieLens100K(dir);
  const users = IdMap.fromIds(ds.users.map((u) => String(u.id)), 'user id');
  const items = IdMap.fromIds(ds.items.map((i) => String(i.id)), 'item id');
  const predefined = isSplitName(split);
  if (!predefined && /^u[a-z0-9]+$/.test(split)) {
    throw new InputError(`unknown split ${JSON.stringify(split)}; ML-100K's predefined splits: ${SPLIT_NAMES.join(', ')} (or random:F, temporal:F, user:F)`);
  }
  const ratingFiles = predefined ? [`${split}.base`, `${split}.test`] : ['u.data'];
  const files: Record<string, string> = {};
  for (const f of [...SIDE_FILES, ...ratingFiles]) files[f] = sha256(await readFile(join(ds.dir, f)));
  const ratings = await ds.readRatings(ratingFiles[0]);
  if (ratings.rating.length === 0) throw new InputError(`${join(ds.dir, ratingFiles[0])}: no ratings`);
  let test: RatingsDataset['test'];
  if (predefined) {
    test = await ds.readRatings(ratingFiles[1]);
    // ML-100K files hold one rating per line, so a row's line number is its position + 1
    checkDisjoint(ratings, test, {
      users,
      items,
      train: (k) => `${join(ds.dir, ratingFiles[0])}:${k + 1}`,
      test: (k) => `${join(ds.dir, ratingFiles[1])}:${k + 1}`,
    });
  }
  return {
    name: 'ml-100k',
    users,
    items,
    ratings,
    test,
    hasTimestamps: true,
    scale: { min: 1, max: 5, step: 1 },
    userFeatures: ml100kUserTable(ds),
    itemFeatures: ml100kItemTable(ds),
    itemTitles: ds.items.map((i) => i.title),
    files,
  };
}
