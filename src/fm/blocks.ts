/**
 * The relational blocks of a rating dataset for the Bayesian FM (Rendle 2013): a user block (the user's id, the
 * user's feature columns, the items the user rated), an item block (the item's id, its feature columns, the users who
 * rated it) and, when the ratings have timestamps, a day block (the day of the rating). Each implicit set is
 * normalised by 1/√count, as SVD++ and libFM's examples do. Every group of columns (an id, one source column of the
 * features such as `age` or `genre`, an implicit set, the day) gets its own prior.
 */
import { InputError } from '../core/errors.js';
import type { FeatureMatrix, Ratings } from '../core/types.js';
import type { BfmConfig } from './bfm-config.js';
import type { RelationBlock } from './gibbs.js';

/** What a Bayesian FM is fitted on: 0-based training ratings, the index space, and optional feature tables. */
export interface BfmData {
  readonly nUsers: number;
  readonly nItems: number;
  readonly train: Ratings;
  /** One row per user (index order), as the dataset's encoders produce them. */
  readonly userFeatures?: FeatureMatrix;
  /** One row per item. */
  readonly itemFeatures?: FeatureMatrix;
  /** Predictions are clipped to it; default the training ratings' range. */
  readonly scale?: { readonly min: number; readonly max: number };
}

/** The blocks and what maps a rating to its entity in each. */
export interface BfmLayout {
  readonly blocks: readonly RelationBlock[];
  /** Name of each prior group, e.g. `user`, `user:age`, `user:rated`, `day`. */
  readonly groupNames: readonly string[];
  /** Day (whole days since the epoch) → entity of the day block; absent without the day block. */
  readonly days?: ReadonlyMap<number, number>;
  /** Training ratings of each day entity: the weights of the typical day a pair without a known day is scored on. */
  readonly dayRatings?: Float64Array;
  /** Column of the implicit set in the user block (-1: none); the item block's likewise. */
  readonly userRatedFrom: number;
  readonly itemRatedFrom: number;
}

const DAY = 86_400;

/**
 * The day entity of a pair without a day the model knows: {@link BayesianFM.predict} scores it on the typical day, the
 * training days' terms averaged by their ratings, which is the prediction averaged over the day the rating was made.
 */
export const UNKNOWN_DAY = -2;

/** The source column of a feature column's name: `age=(18,30]` → `age`. */
function sourceOf(name: string): string {
  const at = name.indexOf('=');
  return at < 0 ? name : name.slice(0, at);
}

/** Whether the ratings carry timestamps (a table without them holds zeros). */
export function hasTimestamps(r: Ratings): boolean {
  for (const t of r.timestamp) if (t !== 0) return true;
  return false;
}

/** Builder of one block's CSR rows and its columns' groups. */
class BlockBuilder {
  private readonly indptr: number[] = [0];
  private readonly indices: number[] = [];
  private readonly values: number[] = [];
  private readonly groups: number[] = [];
  constructor(
    private readonly name: string,
    private readonly groupNames: string[],
  ) {}
  /** Adds `count` columns in the group `group` (created on first use); returns the first column. */
  columns(count: number, group: string): number {
    let g = this.groupNames.indexOf(group);
    if (g < 0) g = this.groupNames.push(group) - 1;
    const first = this.groups.length;
    for (let c = 0; c < count; c++) this.groups.push(g);
    return first;
  }
  /** Adds a column per distinct source of `names` (the columns' groups), returns their first column. */
  featureColumns(names: readonly string[], prefix: string): number {
    const first = this.groups.length;
    for (const n of names) this.columns(1, `${prefix}:${sourceOf(n)}`);
    return first;
  }
  push(entries: [number, number][]): void {
    entries.sort((a, b) => a[0] - b[0]);
    for (const [c, v] of entries) {
      this.indices.push(c);
      this.values.push(v);
    }
    this.indptr.push(this.indices.length);
  }
  build(): RelationBlock {
    return {
      name: this.name,
      entities: this.indptr.length - 1,
      columns: this.groups.length,
      indptr: Int32Array.from(this.indptr),
      indices: Int32Array.from(this.indices),
      values: Float64Array.from(this.values),
      groups: Int32Array.from(this.groups),
    };
  }
}

/** Lists of the other side's entities rated, per entity. */
function ratedBy(own: Int32Array, other: Int32Array, n: number): Int32Array[] {
  const count = new Int32Array(n);
  for (const e of own) count[e]++;
  const lists = Array.from(count, (c) => new Int32Array(c));
  const fill = new Int32Array(n);
  for (let k = 0; k < own.length; k++) lists[own[k]][fill[own[k]]++] = other[k];
  return lists;
}

/**
 * The blocks of `data` for `config`'s choices (implicit sets, features, the day).
 * @throws InputError when a feature table's rows do not match the entities or an index is out of range
 */
export function buildLayout(data: BfmData, config: Pick<BfmConfig, 'implicit' | 'features' | 'time'>): BfmLayout {
  const { nUsers, nItems, train } = data;
  for (let k = 0; k < train.user.length; k++) {
    if (!(train.user[k] >= 0 && train.user[k] < nUsers && train.item[k] >= 0 && train.item[k] < nItems)) {
      throw new InputError(`bfm: training rating ${k} pairs user ${train.user[k]} with item ${train.item[k]}, outside ${nUsers} users × ${nItems} items`);
    }
  }
  const groupNames: string[] = [];
  const side = (name: 'user' | 'item', n: number, features: FeatureMatrix | undefined, rated: Int32Array[], nOther: number): { block: RelationBlock; ratedFrom: number } => {
    const b = new BlockBuilder(name, groupNames);
    b.columns(n, name);
    const useFeatures = config.features && features !== undefined && features.cols > 0;
    if (useFeatures && features.rows !== n) throw new InputError(`bfm: the ${name} features hold ${features.rows} rows for ${n} ${name}s`);
    const featFrom = useFeatures ? b.featureColumns(features.names, name) : -1;
    const ratedFrom = config.implicit ? b.columns(nOther, `${name}:rated`) : -1;
    for (let e = 0; e < n; e++) {
      const entries: [number, number][] = [[e, 1]];
      if (useFeatures) {
        for (let c = 0; c < features.cols; c++) {
          const x = features.data[e * features.cols + c];
          if (x !== 0) entries.push([featFrom + c, x]);
        }
      }
      if (ratedFrom >= 0 && rated[e].length > 0) {
        const x = 1 / Math.sqrt(rated[e].length);
        // an entity rated twice by the same partner counts once
        for (const o of new Set(rated[e])) entries.push([ratedFrom + o, x]);
      }
      b.push(entries);
    }
    return { block: b.build(), ratedFrom };
  };
  const user = side('user', nUsers, data.userFeatures, ratedBy(train.user, train.item, nUsers), nItems);
  const item = side('item', nItems, data.itemFeatures, ratedBy(train.item, train.user, nItems), nUsers);
  const blocks = [user.block, item.block];
  let days: Map<number, number> | undefined;
  let dayRatings: Float64Array | undefined;
  if (config.time && hasTimestamps(train)) {
    days = new Map();
    const sorted = Array.from(new Set(Array.from(train.timestamp, (t) => Math.floor(t / DAY)))).sort((a, b) => a - b);
    for (let i = 0; i < sorted.length; i++) days.set(sorted[i], i);
    dayRatings = new Float64Array(sorted.length);
    for (const t of train.timestamp) dayRatings[days.get(Math.floor(t / DAY)) as number]++;
    const b = new BlockBuilder('day', groupNames);
    b.columns(sorted.length, 'day');
    for (let d = 0; d < sorted.length; d++) b.push([[d, 1]]);
    blocks.push(b.build());
  }
  return { blocks, groupNames, ...(days && dayRatings ? { days, dayRatings } : {}), userRatedFrom: user.ratedFrom, itemRatedFrom: item.ratedFrom };
}

/**
 * Each row's entity in each block of `layout`: the user (-1 outside the model), the item, and the day when the layout
 * has a day block: {@link UNKNOWN_DAY} for a day not seen in training, or without timestamps.
 */
export function rowEntities(layout: BfmLayout, users: Int32Array, items: Int32Array, timestamps?: Int32Array): Int32Array[] {
  const [ub, ib] = layout.blocks;
  const inside = (x: Int32Array, n: number): Int32Array => Int32Array.from(x, (e) => (e >= 0 && e < n ? e : -1));
  const out = [inside(users, ub.entities), inside(items, ib.entities)];
  if (layout.days) {
    const days = layout.days;
    out.push(timestamps ? Int32Array.from(timestamps, (t) => days.get(Math.floor(t / DAY)) ?? UNKNOWN_DAY) : new Int32Array(users.length).fill(UNKNOWN_DAY));
  }
  return out;
}
