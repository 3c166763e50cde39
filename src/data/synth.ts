/**
 * A synthetic MovieLens-shaped dataset generator, for scaling runs and tests without downloading the real sets.
 * The shape follows MovieLens: Zipf-like item popularity, heavy-tailed user activity with at least 20 ratings per
 * user, no (user, item) pair twice, ratings from a latent-factor model plus biases rounded to the star scale (mean
 * calibrated to 3.5), and timestamps increasing per user. The feature tables are derived from the same latent
 * vectors plus noise, so features carry signal attention can use.
 *
 * Output is streamed with backpressure (memory holds the latent factors and per-entity typed arrays, never the
 * rating lines) and each file is staged beside its target and renamed into place. One seed, one byte sequence.
 */
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { stagingName, syncPath, writeFileAtomic } from '../core/atomic-fs.js';
import { InputError } from '../core/errors.js';
import { createRng, type Rng } from '../core/rng.js';
import { type DatasetDescriptor, parseDescriptor } from './descriptor.js';

/** Output layouts of {@link synthesize}. */
export const SYNTH_FORMATS = ['csv', 'ml-100k'] as const;
/** An output layout: MovieLens-style CSV files, or the ML-100K folder layout. */
export type SynthFormat = (typeof SYNTH_FORMATS)[number];

/** Size presets of {@link synthesize}: the real MovieLens sizes and rating scales. */
export const SYNTH_SHAPES = ['ml-1m', 'ml-10m', 'ml-20m', 'ml-25m'] as const;
/** A size preset. */
export type SynthShape = (typeof SYNTH_SHAPES)[number];

interface ShapeSpec {
  readonly users: number;
  readonly items: number;
  readonly ratings: number;
  readonly halfStars: boolean;
  /** The real set has user demographics (only ML-1M of these). */
  readonly demographics: boolean;
  /** Latest release year in the catalogue. */
  readonly lastYear: number;
}

const SHAPES: Readonly<Record<SynthShape, ShapeSpec>> = {
  'ml-1m': { users: 6040, items: 3706, ratings: 1_000_209, halfStars: false, demographics: true, lastYear: 2000 },
  'ml-10m': { users: 69_878, items: 10_677, ratings: 10_000_054, halfStars: true, demographics: false, lastYear: 2008 },
  'ml-20m': { users: 138_493, items: 26_744, ratings: 20_000_263, halfStars: true, demographics: false, lastYear: 2015 },
  'ml-25m': { users: 162_541, items: 59_047, ratings: 25_000_095, halfStars: true, demographics: false, lastYear: 2019 },
};

/** MovieLens requires this many ratings of every user; so does the generator. */
export const MIN_RATINGS_PER_USER = 20;

/** Options of {@link synthesize}; `users`, `items` and `ratings` override the shape's sizes. */
export interface SynthOptions {
  /** Output folder (created when missing; files in it are replaced). */
  readonly out: string;
  readonly seed: number;
  readonly shape?: SynthShape;
  readonly users?: number;
  readonly items?: number;
  readonly ratings?: number;
  /** Default `csv`. */
  readonly format?: SynthFormat;
}

/** What {@link synthesize} wrote. */
export interface SynthSummary {
  readonly out: string;
  readonly format: SynthFormat;
  readonly users: number;
  readonly items: number;
  readonly ratings: number;
  /** Items with at least one rating. */
  readonly ratedItems: number;
  readonly scale: { readonly min: number; readonly max: number; readonly step: number };
  /** Mean of the written ratings. */
  readonly mean: number;
  /** Files written, in the folder, descriptor last. */
  readonly files: readonly string[];
}

/** Progress of {@link synthesize}: ratings written so far and the total. */
export type SynthProgress = (done: number, total: number) => void;

/** Options after presets and checks: see {@link resolveSynthOptions}. */
export interface ResolvedSynth {
  readonly out: string;
  readonly seed: number;
  readonly format: SynthFormat;
  readonly users: number;
  readonly items: number;
  readonly ratings: number;
  readonly halfStars: boolean;
  readonly demographics: boolean;
  readonly lastYear: number;
}

/**
 * Applies the shape preset, then the explicit sizes, and checks them.
 * @throws InputError naming the option: a missing size, too few ratings (< 20 per user), more ratings than pairs,
 *   a half-star shape in the whole-star ML-100K format, an unknown shape or format
 */
export function resolveSynthOptions(opts: SynthOptions): ResolvedSynth {
  const format = opts.format ?? 'csv';
  if (!SYNTH_FORMATS.includes(format)) throw new InputError(`unknown format ${JSON.stringify(format)}; expected one of ${SYNTH_FORMATS.join(', ')}`);
  if (opts.shape !== undefined && !SYNTH_SHAPES.includes(opts.shape)) {
    throw new InputError(`unknown shape ${JSON.stringify(opts.shape)}; expected one of ${SYNTH_SHAPES.join(', ')}`);
  }
  const shape = opts.shape === undefined ? undefined : SHAPES[opts.shape];
  const size = (name: 'users' | 'items' | 'ratings'): number => {
    const v = opts[name] ?? shape?.[name];
    if (v === undefined) throw new InputError(`--${name} is missing: give --users, --items and --ratings, or a --shape (${SYNTH_SHAPES.join(', ')})`);
    if (!Number.isSafeInteger(v) || v < 1) throw new InputError(`--${name} must be a whole number >= 1, got ${v}`);
    return v;
  };
  const users = size('users');
  const items = size('items');
  const ratings = size('ratings');
  if (!Number.isSafeInteger(opts.seed)) throw new InputError(`--seed must be a whole number, got ${opts.seed}`);
  if (items < MIN_RATINGS_PER_USER) {
    throw new InputError(`--items ${items} is too few: every user rates at least ${MIN_RATINGS_PER_USER} distinct items`);
  }
  if (ratings < MIN_RATINGS_PER_USER * users) {
    throw new InputError(`--ratings ${ratings} is too few for ${users} users: MovieLens has at least ${MIN_RATINGS_PER_USER} ratings per user, so at least ${MIN_RATINGS_PER_USER * users}`);
  }
  // heavy users take at most half the catalogue, which keeps the sampling fast and the data sparse
  const maxPerUser = Math.max(MIN_RATINGS_PER_USER, Math.floor(items / 2));
  if (ratings > users * maxPerUser) {
    throw new InputError(`--ratings ${ratings} is too many for ${users} users and ${items} items: at most ${users * maxPerUser} (each user rates at most half the items)`);
  }
  const halfStars = shape?.halfStars ?? false;
  if (format === 'ml-100k' && halfStars) {
    throw new InputError(`--format ml-100k holds whole stars only, but --shape ${opts.shape} has half stars; use --format csv`);
  }
  if (format === 'ml-100k' && ratings > 2147483647) throw new InputError('--ratings too large for the ML-100K format');
  return {
    out: opts.out,
    seed: opts.seed,
    format,
    users,
    items,
    ratings,
    halfStars,
    // the ML-100K layout always has u.user
    demographics: format === 'ml-100k' || (shape?.demographics ?? true),
    lastYear: format === 'ml-100k' ? 2000 : (shape?.lastYear ?? 2000),
  };
}

/** The 19 ML-100K genres in u.genre order; generated items take 1..18 ("unknown" only in the flags' layout). */
const GENRES = [
  'unknown', 'Action', 'Adventure', 'Animation', "Children's", 'Comedy', 'Crime', 'Documentary', 'Drama', 'Fantasy',
  'Film-Noir', 'Horror', 'Musical', 'Mystery', 'Romance', 'Sci-Fi', 'Thriller', 'War', 'Western',
];
/** The 21 ML-100K occupations in u.occupation order. */
const OCCUPATIONS = [
  'administrator', 'artist', 'doctor', 'educator', 'engineer', 'entertainment', 'executive', 'healthcare', 'homemaker',
  'lawyer', 'librarian', 'marketing', 'none', 'other', 'programmer', 'retired', 'salesman', 'scientist', 'student',
  'technician', 'writer',
];

/** Latent dimensions of the rating model. */
const K = 8;
/** Spread of each latent coordinate: a dot product then spreads about 0.6 stars. */
const FACTOR_SD = 0.46;
const USER_BIAS_SD = 0.3;
const ITEM_BIAS_SD = 0.3;
const NOISE_SD = 0.5;
/**
 * Item popularity by rank: 1 / (rank + 1 + ZIPF_OFFSET · items)^ZIPF. The offset flattens the head so that the top
 * film is rated by about half the users (as in MovieLens) rather than by nearly all; the top 10% of items still
 * hold about half the ratings.
 */
const ZIPF = 1.2;
const ZIPF_OFFSET = 0.01;
/** Spread of log user activity beyond the minimum. */
const ACTIVITY_SD = 1.3;
const TARGET_MEAN = 3.5;
/** Ratings in the calibration pilot: the mean lands within about ±0.01 of the target. */
const PILOT = 400_000;
const FIRST_TIME = 880_000_000;
const TIME_SPAN = 300_000_000;

/** Everything drawn before the ratings: latent factors, biases, popularity, activity and the features. */
interface Model {
  readonly p: Float64Array;
  readonly q: Float64Array;
  readonly bu: Float64Array;
  readonly bi: Float64Array;
  /** Ratings per user, summing to the total. */
  readonly count: Int32Array;
  readonly alias: Alias;
  /** Popularity weight of each item. */
  readonly popularity: Float64Array;
  readonly age: Int32Array;
  readonly female: Uint8Array;
  readonly occupation: Int32Array;
  readonly zip: Int32Array;
  /** Genre flags, item-major, {@link GENRES}.length per item. */
  readonly genres: Uint8Array;
  readonly year: Int32Array;
}

/** Vose's alias table: O(1) draws from a discrete distribution. */
interface Alias {
  readonly prob: Float64Array;
  readonly alias: Int32Array;
}

function buildAlias(weights: Float64Array): Alias {
  const n = weights.length;
  let total = 0;
  for (const w of weights) total += w;
  const prob = new Float64Array(n);
  const alias = new Int32Array(n);
  const scaled = Float64Array.from(weights, (w) => (w * n) / total);
  const small: number[] = [];
  const large: number[] = [];
  for (let i = 0; i < n; i++) (scaled[i] < 1 ? small : large).push(i);
  while (small.length > 0 && large.length > 0) {
    const s = small.pop() as number;
    const l = large.pop() as number;
    prob[s] = scaled[s];
    alias[s] = l;
    scaled[l] = scaled[l] + scaled[s] - 1;
    (scaled[l] < 1 ? small : large).push(l);
  }
  for (const i of large) prob[i] = 1;
  for (const i of small) prob[i] = 1; // float leftovers
  return { prob, alias };
}

function drawAlias(a: Alias, rng: Rng): number {
  const i = rng.nextInt(a.prob.length);
  return rng.next() < a.prob[i] ? i : a.alias[i];
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** Splits `extra` ratings over users in proportion to heavy-tailed weights, each user capped at `cap` extra. */
function activity(r: ResolvedSynth, rng: Rng): Int32Array {
  const n = r.users;
  const cap = Math.max(MIN_RATINGS_PER_USER, Math.floor(r.items / 2)) - MIN_RATINGS_PER_USER;
  const weight = new Float64Array(n);
  for (let u = 0; u < n; u++) weight[u] = Math.exp(ACTIVITY_SD * rng.nextNormal());
  const extra = new Int32Array(n);
  let left = r.ratings - MIN_RATINGS_PER_USER * n;
  // proportional shares; users hitting the cap drop out and the rest share what is left, until nothing changes
  for (let round = 0; left > 0 && round < 64; round++) {
    let total = 0;
    for (let u = 0; u < n; u++) if (extra[u] < cap) total += weight[u];
    if (total === 0) break;
    let given = 0;
    for (let u = 0; u < n; u++) {
      if (extra[u] >= cap) continue;
      const add = Math.min(cap - extra[u], Math.floor((left * weight[u]) / total));
      extra[u] += add;
      given += add;
    }
    left -= given;
    if (given === 0) break;
  }
  // the rounding remainder, one each, in user order (resolveSynthOptions guarantees room)
  for (let u = 0; left > 0; u = (u + 1) % n) {
    if (extra[u] < cap) {
      extra[u]++;
      left--;
    }
  }
  for (let u = 0; u < n; u++) extra[u] += MIN_RATINGS_PER_USER;
  return extra;
}

function normals(n: number, sd: number, rng: Rng): Float64Array {
  const a = new Float64Array(n);
  for (let k = 0; k < n; k++) a[k] = sd * rng.nextNormal();
  return a;
}

/** Draws the latent model and the features; the order of draws is part of the format (same seed, same bytes). */
function buildModel(r: ResolvedSynth, rng: Rng): Model {
  const { users: n, items: m } = r;
  const p = normals(n * K, FACTOR_SD, rng);
  const q = normals(m * K, FACTOR_SD, rng);
  // popularity: Zipf over a random ranking, so popular items are scattered over the ids
  const rank = rng.permutation(m);
  const weights = new Float64Array(m);
  for (let i = 0; i < m; i++) weights[i] = 1 / (rank[i] + 1 + ZIPF_OFFSET * m) ** ZIPF;
  const alias = buildAlias(weights);
  // biases lean on the first latent coordinate, which also drives age and genres, so features predict the mean;
  // popular items are rated a little higher, as in MovieLens
  const bu = new Float64Array(n);
  for (let u = 0; u < n; u++) bu[u] = 0.3 * (p[u * K] / FACTOR_SD) + USER_BIAS_SD * rng.nextNormal();
  const bi = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    bi[i] = 0.3 * (q[i * K] / FACTOR_SD) + 0.15 * (1 - (2 * rank[i]) / m) + ITEM_BIAS_SD * rng.nextNormal();
  }
  const count = activity(r, rng);
  // user features from the user's latent vector plus noise
  const age = new Int32Array(n);
  const female = new Uint8Array(n);
  const occupation = new Int32Array(n);
  const zip = new Int32Array(n);
  const occDir = normals(OCCUPATIONS.length * K, 1, rng);
  for (let u = 0; u < n; u++) {
    const z = (d: number): number => p[u * K + d] / FACTOR_SD;
    age[u] = Math.min(73, Math.max(7, Math.round(33 + 9 * z(0) + 6 * rng.nextNormal())));
    female[u] = rng.next() < sigmoid(1.5 * z(1) - 1) ? 1 : 0;
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let o = 0; o < OCCUPATIONS.length; o++) {
      let s = 0;
      for (let d = 0; d < K; d++) s += occDir[o * K + d] * z(d);
      s += 1.5 * rng.nextNormal();
      if (s > bestScore) {
        bestScore = s;
        best = o;
      }
    }
    occupation[u] = best;
    zip[u] = rng.nextInt(100_000);
  }
  // item features from the item's latent vector plus noise: genre g leans on a direction of its own
  const G = GENRES.length;
  const genreDir = normals(G * K, 1, rng);
  const genres = new Uint8Array(m * G);
  const year = new Int32Array(m);
  const span = r.lastYear - 1921;
  for (let i = 0; i < m; i++) {
    const z = (d: number): number => q[i * K + d] / FACTOR_SD;
    let best = 1;
    let bestScore = Number.NEGATIVE_INFINITY;
    let any = false;
    for (let g = 1; g < G; g++) {
      let s = 0;
      for (let d = 0; d < K; d++) s += genreDir[g * K + d] * z(d);
      s = s / Math.sqrt(K) + 0.5 * rng.nextNormal();
      if (s > 1.5) {
        genres[i * G + g] = 1;
        any = true;
      }
      if (s > bestScore) {
        bestScore = s;
        best = g;
      }
    }
    if (!any) genres[i * G + best] = 1;
    // most films are recent, as in MovieLens; the last coordinate shifts the decade
    const t = sigmoid(1.2 + 0.8 * z(K - 1) + 0.6 * rng.nextNormal());
    year[i] = 1921 + Math.min(span, Math.max(0, Math.round(t * span)));
  }
  return { p, q, bu, bi, count, alias, popularity: weights, age, female, occupation, zip, genres, year };
}

/** Rounds a score onto the scale: whole stars 1–5 or half stars 0.5–5. */
function toStars(score: number, half: boolean): number {
  return half ? Math.min(5, Math.max(0.5, Math.round(score * 2) / 2)) : Math.min(5, Math.max(1, Math.round(score)));
}

function dot(p: Float64Array, u: number, q: Float64Array, i: number): number {
  let s = 0;
  for (let d = 0; d < K; d++) s += p[u * K + d] * q[i * K + d];
  return s;
}

/** Working arrays of {@link pickItems}, allocated once. */
interface PickScratch {
  /** `stamp[i] === u + 1` when user u already has item i. */
  readonly stamp: Int32Array;
  /** The user's items, in rating order. */
  readonly picks: Int32Array;
  readonly keys: Float64Array;
  readonly order: Int32Array;
}

function pickScratch(items: number): PickScratch {
  return {
    stamp: new Int32Array(items),
    picks: new Int32Array(Math.max(MIN_RATINGS_PER_USER, Math.floor(items / 2))),
    keys: new Float64Array(items),
    order: new Int32Array(items),
  };
}

/** Draws the `n` distinct items of user `u` by popularity into `s.picks`. */
function pickItems(model: Model, u: number, n: number, rng: Rng, s: PickScratch): void {
  const m = s.stamp.length;
  if (n * 8 <= m) {
    // light user: popularity draws, a repeat is drawn again
    let k = 0;
    while (k < n) {
      const i = drawAlias(model.alias, rng);
      if (s.stamp[i] === u + 1) continue;
      s.stamp[i] = u + 1;
      s.picks[k++] = i;
    }
    return;
  }
  // heavy user: weighted sampling without replacement (Efraimidis–Spirakis keys log(U)/w, largest first)
  for (let i = 0; i < m; i++) {
    s.order[i] = i;
    s.keys[i] = Math.log(1 - rng.next()) / model.popularity[i];
  }
  s.order.sort((a, b) => s.keys[b] - s.keys[a] || a - b);
  s.picks.set(s.order.subarray(0, n));
}

/**
 * The global offset that puts the mean rounded rating at 3.5: bisection on a pilot sample drawn like the data
 * (the picks of random users until {@link PILOT} ratings, fresh noise), from its own seeded stream.
 */
function calibrate(model: Model, r: ResolvedSynth, seed: number): number {
  const rng = createRng(seed);
  const scratch = pickScratch(r.items);
  const order = rng.permutation(r.users);
  const parts: number[] = [];
  for (let k = 0; k < order.length && parts.length < PILOT; k++) {
    const u = order[k];
    const n = model.count[u];
    pickItems(model, u, n, rng, scratch);
    for (let j = 0; j < n; j++) {
      const i = scratch.picks[j];
      parts.push(model.bu[u] + model.bi[i] + dot(model.p, u, model.q, i) + NOISE_SD * rng.nextNormal());
    }
  }
  const base = Float64Array.from(parts);
  const size = base.length;
  let lo = 0;
  let hi = 7;
  for (let it = 0; it < 40; it++) {
    const mid = (lo + hi) / 2;
    let sum = 0;
    for (let k = 0; k < size; k++) sum += toStars(mid + base[k], r.halfStars);
    if (sum / size < TARGET_MEAN) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

/** A text file streamed to a staging name beside its target, in chunks, with backpressure; renamed on commit. */
class StagedWriter {
  private readonly tmp: string;
  private readonly stream: WriteStream;
  private buf = '';
  /** A write error (e.g. a full disk), kept so the next write or commit throws it instead of it going unheard. */
  private failure: Error | undefined;

  constructor(readonly path: string) {
    this.tmp = stagingName(path, 'tmp');
    this.stream = createWriteStream(this.tmp);
    this.stream.on('error', (err) => {
      this.failure ??= err;
    });
  }

  /** Appends text; waits for the stream to drain when its buffer is full. */
  async write(text: string): Promise<void> {
    this.buf += text;
    if (this.buf.length >= 1 << 16) await this.flush();
  }

  private async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    const chunk = this.buf;
    this.buf = '';
    if (chunk.length > 0 && !this.stream.write(chunk, 'latin1')) await once(this.stream, 'drain');
  }

  /** Writes what is left, fsyncs and renames the file into place. */
  async commit(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, 'finish');
    if (this.failure) throw this.failure;
    await syncPath(this.tmp);
    await rename(this.tmp, this.path);
  }

  /** Drops the staged file. */
  async abort(): Promise<void> {
    this.stream.destroy();
    await rm(this.tmp, { force: true });
  }
}

function formatStars(x: number, half: boolean): string {
  // half-star sets write "4.0" as MovieLens' ratings.csv does; whole-star sets write "4"
  return half ? x.toFixed(1) : String(x);
}

const title = (i: number, year: number): string => `Synthetic Movie ${i + 1} (${year})`;

/** The descriptor of a CSV output. */
function csvDescriptor(r: ResolvedSynth): DatasetDescriptor {
  return parseDescriptor({
    name: `synth-${r.seed}`,
    ratings: 'ratings.csv',
    columns: 'userId,movieId,rating,timestamp',
    ratingScale: r.halfStars ? { min: 0.5, max: 5, step: 0.5 } : { min: 1, max: 5, step: 1 },
    itemFeatures: { file: 'items.csv', columns: 'movieId:id,title:ignore,genres:multi(|),year:numeric' },
    ...(r.demographics
      ? { userFeatures: { file: 'users.csv', columns: 'userId:id,age:numeric,gender:category,occupation:category' } }
      : {}),
    split: 'random:0.1',
    seed: r.seed,
  }, '(written by data synth)');
}

/** The descriptor of an ML-100K-layout output: its u1 split, the side files read as headerless `|` tables. */
function ml100kDescriptor(r: ResolvedSynth): DatasetDescriptor {
  return parseDescriptor({
    name: `synth-${r.seed}`,
    ratings: 'u1.base',
    test: 'u1.test',
    sep: '\t',
    header: 'no',
    columns: '0,1,2,3',
    ratingScale: { min: 1, max: 5, step: 1 },
    userFeatures: { file: 'u.user', sep: '|', header: 'no', columns: 'id:id,age:numeric,gender:category,occupation:category,zip:ignore' },
    itemFeatures: {
      file: 'u.item',
      sep: '|',
      header: 'no',
      encoding: 'latin1',
      columns: [
        { name: 'id', kind: 'id' },
        ...['title', 'release', 'video', 'url'].map((name) => ({ name, kind: 'ignore' as const })),
        ...GENRES.map((name) => ({ name, kind: 'category' as const, levels: ['1'], baseline: '0', other: false, label: 'genre' })),
      ],
    },
    seed: r.seed,
  }, '(written by data synth)');
}

/**
 * Writes a synthetic dataset into `opts.out`: `ratings.csv`, `items.csv`, `users.csv` (shapes with demographics)
 * and `dataset.json`; or, with format `ml-100k`, `u.data`, `u1.base`/`u1.test` (80/20 by seed), `u.user`, `u.item`,
 * `u.info`, `u.occupation`, `u.genre` and `dataset.json`. Same options, same bytes.
 *
 * @throws InputError for bad options (see {@link resolveSynthOptions})
 */
export async function synthesize(opts: SynthOptions, onProgress?: SynthProgress): Promise<SynthSummary> {
  const r = resolveSynthOptions(opts);
  const rng = createRng(r.seed);
  const model = buildModel(r, rng);
  // the pilot and the split draw from streams of their own, seeded from the main one
  const offset = calibrate(model, r, rng.nextUint32());
  const splitSeed = rng.nextUint32();
  await mkdir(r.out, { recursive: true });
  const ml = r.format === 'ml-100k';
  const writers: StagedWriter[] = [];
  const open = (name: string): StagedWriter => {
    const w = new StagedWriter(join(r.out, name));
    writers.push(w);
    return w;
  };
  const files: string[] = [];
  let sum = 0;
  let ratedItems = 0;
  try {
    const main = open(ml ? 'u.data' : 'ratings.csv');
    const base = ml ? open('u1.base') : undefined;
    const test = ml ? open('u1.test') : undefined;
    const splitRng = createRng(splitSeed);
    if (!ml) await main.write('userId,movieId,rating,timestamp\n');
    const rated = new Uint8Array(r.items);
    const scratch = pickScratch(r.items);
    const G = GENRES.length;
    let done = 0;
    for (let u = 0; u < r.users; u++) {
      const n = model.count[u];
      pickItems(model, u, n, rng, scratch);
      const picks = scratch.picks;
      const gap = Math.max(2, Math.floor((2 * TIME_SPAN) / (3 * n)));
      let t = FIRST_TIME + rng.nextInt(TIME_SPAN / 3);
      let lines = '';
      let baseLines = '';
      let testLines = '';
      for (let k = 0; k < n; k++) {
        const i = picks[k];
        const stars = toStars(offset + model.bu[u] + model.bi[i] + dot(model.p, u, model.q, i) + NOISE_SD * rng.nextNormal(), r.halfStars);
        t += 1 + rng.nextInt(gap);
        sum += stars;
        rated[i] = 1;
        const line = ml ? `${u + 1}\t${i + 1}\t${stars}\t${t}\n` : `${u + 1},${i + 1},${formatStars(stars, r.halfStars)},${t}\n`;
        lines += line;
        if (ml) {
          if (splitRng.next() < 0.2) testLines += line;
          else baseLines += line;
        }
      }
      await main.write(lines);
      if (base && test) {
        await base.write(baseLines);
        await test.write(testLines);
      }
      done += n;
      if (onProgress && (u === r.users - 1 || (u & 255) === 255)) onProgress(done, r.ratings);
    }
    for (const x of rated) ratedItems += x;
    const itemLines = (i: number): string => {
      const y = model.year[i];
      if (ml) {
        const flags = Array.from(model.genres.subarray(i * G, (i + 1) * G)).join('|');
        return `${i + 1}|${title(i, y)}|01-Jan-${y}||http://example.invalid/movie/${i + 1}|${flags}\n`;
      }
      const names = GENRES.filter((_, g) => model.genres[i * G + g] === 1).join('|');
      return `${i + 1},${title(i, y)},${names},${y}\n`;
    };
    const items = open(ml ? 'u.item' : 'items.csv');
    if (!ml) await items.write('movieId,title,genres,year\n');
    for (let i = 0; i < r.items; i++) await items.write(itemLines(i));
    if (r.demographics) {
      const users = open(ml ? 'u.user' : 'users.csv');
      if (!ml) await users.write('userId,age,gender,occupation\n');
      for (let u = 0; u < r.users; u++) {
        const g = model.female[u] ? 'F' : 'M';
        const occ = OCCUPATIONS[model.occupation[u]];
        const zip = String(model.zip[u]).padStart(5, '0');
        await users.write(ml ? `${u + 1}|${model.age[u]}|${g}|${occ}|${zip}\n` : `${u + 1},${model.age[u]},${g},${occ}\n`);
      }
    }
    for (const w of writers) {
      await w.commit();
      files.push(w.path.slice(r.out.length + 1));
    }
  } catch (err) {
    await Promise.all(writers.map((w) => w.abort()));
    throw err;
  }
  if (ml) {
    const small: [string, string][] = [
      ['u.info', `${r.users} users\n${r.items} items\n${r.ratings} ratings\n`],
      ['u.occupation', `${OCCUPATIONS.join('\n')}\n`],
      ['u.genre', `${GENRES.map((g, k) => `${g}|${k}`).join('\n')}\n\n`],
    ];
    for (const [name, text] of small) {
      await writeFileAtomic(join(r.out, name), text);
      files.push(name);
    }
  }
  const descriptor = ml ? ml100kDescriptor(r) : csvDescriptor(r);
  await writeFileAtomic(join(r.out, 'dataset.json'), `${JSON.stringify(descriptor, null, 2)}\n`);
  files.push('dataset.json');
  return {
    out: r.out,
    format: r.format,
    users: r.users,
    items: r.items,
    ratings: r.ratings,
    ratedItems,
    scale: r.halfStars ? { min: 0.5, max: 5, step: 0.5 } : { min: 1, max: 5, step: 1 },
    mean: sum / r.ratings,
    files,
  };
}
