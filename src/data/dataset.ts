/**
 * The general dataset model: what every reader (MovieLens presets, your own CSV files) produces and everything
 * downstream (splits, features, nn, gbdt, pipeline, bundles) consumes. External ids are strings as written in the
 * files; inside, users and items are dense 0-based indices, and {@link IdMap} converts both ways.
 */
import { InputError } from '../core/errors.js';
import type { Ratings } from '../core/types.js';

/**
 * External string ids ↔ dense 0-based indices, in first-added order. Plain data once frozen: {@link IdMap.toJSON}
 * gives the id list, {@link IdMap.fromIds} rebuilds it.
 *
 * @example
 * const users = new IdMap();
 * users.add('u_0042'); // 0
 * users.index('u_0042'); // 0
 * users.id(0); // 'u_0042'
 */
export class IdMap {
  private readonly byId = new Map<string, number>();
  private readonly list: string[] = [];

  /** A map holding `ids` in order; {@link InputError} on a repeated id. */
  static fromIds(ids: Iterable<string>, what = 'id'): IdMap {
    const m = new IdMap();
    for (const id of ids) {
      if (m.byId.has(id)) throw new InputError(`${what} ${JSON.stringify(id)} is listed twice`);
      m.add(id);
    }
    return m;
  }

  /** Number of ids. */
  get size(): number {
    return this.list.length;
  }

  /** The index of `id`, adding it at the end when new. */
  add(id: string): number {
    let k = this.byId.get(id);
    if (k === undefined) {
      k = this.list.length;
      this.byId.set(id, k);
      this.list.push(id);
    }
    return k;
  }

  /** The index of `id`, or undefined when unknown. */
  index(id: string): number | undefined {
    return this.byId.get(id);
  }

  /** True when `id` is known. */
  has(id: string): boolean {
    return this.byId.has(id);
  }

  /** The external id at `index`. @throws RangeError outside 0..size-1 */
  id(index: number): string {
    const v = this.list[index];
    if (v === undefined) throw new RangeError(`index ${index} outside 0..${this.list.length - 1}`);
    return v;
  }

  /** All ids by index (a copy). */
  ids(): string[] {
    return [...this.list];
  }

  /** The id list, so JSON.stringify stores the map as an array. */
  toJSON(): string[] {
    return this.ids();
  }
}

/** The rating scale: ratings lie in [min, max]; `step` (e.g. 0.5 for half stars) when ratings come on a grid. */
export interface RatingScale {
  readonly min: number;
  readonly max: number;
  /** Grid step from `min` (1 for whole stars, 0.5 for half stars); absent for a continuous scale. */
  readonly step?: number;
}

/** How a feature column is encoded. */
export type FeatureKind = 'id' | 'category' | 'multi' | 'numeric' | 'ignore';

/**
 * One column of a feature table and how to encode it (see features-generic.ts):
 * - `id`: the join key (exactly one per table);
 * - `category`: one-hot; levels seen fewer than `minCount` times pool into `other`;
 * - `multi`: several categories in one field split by `separator` (genres `Action|Comedy`), one column per level;
 * - `numeric`: bucketed into `bins` quantile bins (or fixed right-closed `edges`), one-hot;
 * - `ignore`: read past.
 */
export interface FeatureColumnSpec {
  /** The column's name (header name, or the name given to a positional column). */
  readonly name: string;
  readonly kind: FeatureKind;
  /** `multi`: the separator between values (default `|`). */
  readonly separator?: string;
  /** `category` / `multi`: levels seen fewer times pool into `other` (default 1: nothing pooled). */
  readonly minCount?: number;
  /** `numeric`: number of quantile bins (default 5). */
  readonly bins?: number;
  /** `numeric`: fixed right-closed bin edges instead of quantiles (values outside go to the nearest edge bin). */
  readonly edges?: readonly number[];
  /** `category` / `multi`: fixed levels in one-hot order instead of those seen (unseen values go to `other`). */
  readonly levels?: readonly string[];
  /** `category` / `multi`: whether values outside the levels get an `other` column (default true). */
  readonly other?: boolean;
  /** `category`: a level encoded as all zeros (dummy coding), e.g. `M` for a single `gender=F` column. */
  readonly baseline?: string;
  /** `numeric`: value used for an empty field (default: the median of the column). */
  readonly fill?: number;
  /** Prefix of the encoded column names (default `name`), e.g. `genre` gives `genre=Action`. */
  readonly label?: string;
}

/**
 * A raw feature table as read from a file: one row per entity, raw string values per kept column. Encoding into
 * numbers is a separate, fitted step, so that the fitted encoder can be stored and a new entity encoded later.
 */
export interface FeatureTable {
  /** Where it was read from, for messages. */
  readonly source: string;
  /** The kept columns (kinds other than `id` and `ignore`), in encoding order. */
  readonly columns: readonly FeatureColumnSpec[];
  /** External entity id of each row, distinct. */
  readonly ids: readonly string[];
  /** `values[c][r]`: the raw text of column c for row r ('' when empty). */
  readonly values: readonly (readonly string[])[];
}

/** A loaded ratings dataset: ids, ratings, scale and optional side information. */
export interface RatingsDataset {
  /** Name for reports and bundles, e.g. `ml-100k` or the ratings file's base name. */
  readonly name: string;
  /** User ids ↔ indices. Covers every user of {@link RatingsDataset.ratings}, `test` and the user feature table. */
  readonly users: IdMap;
  /** Item ids ↔ indices. Covers every item of the ratings, `test` and the item feature table. */
  readonly items: IdMap;
  /** The ratings to train on (and to split, when there is no `test`). */
  readonly ratings: Ratings;
  /** Ratings given as a separate test set (ML-100K's `u1.test`, `--test FILE`), if any. */
  readonly test?: Ratings;
  /** Whether the timestamps are real (otherwise all 0 and a temporal split is refused). */
  readonly hasTimestamps: boolean;
  readonly scale: RatingScale;
  readonly userFeatures?: FeatureTable;
  readonly itemFeatures?: FeatureTable;
  /** Display title of each item by index (MovieLens titles), when known. */
  readonly itemTitles?: readonly string[];
  /** SHA-256 of every file read, by display name: the bundle's data fingerprint. */
  readonly files: Readonly<Record<string, string>>;
}
