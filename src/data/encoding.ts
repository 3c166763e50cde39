/**
 * Fitted feature encoders for any {@link FeatureTable}: each kept column becomes one-hot columns, and the fitted
 * encoder is plain JSON-able data stored in the model bundle, so a new user or item is encoded later exactly as the
 * training entities were.
 *
 * - `category`: one column per level (levels by descending count, ties by name; or the spec's fixed `levels`).
 *   Levels seen fewer than `minCount` times, and values never seen, go to `<label>=other`. A `baseline` level
 *   encodes as all zeros (dummy coding: ML-100K's single `gender=F` column). Empty fields encode as all zeros.
 * - `multi`: like `category`, one column per level, several set at once (`Action|Comedy`).
 * - `numeric`: one-hot over right-closed bins (a, b], as pandas.cut; edges are the column's quantiles
 *   (`bins`, default {@link DEFAULT_NUMERIC_BINS}, duplicates merged) or the spec's fixed `edges`. Values beyond the
 *   outer edges go to the nearest edge bin; empty fields take `fill` (default: the median). Bucketing keeps the number
 *   of distinct feature rows, and so the attention's groups, small.
 */
import { InputError } from '../core/errors.js';
import type { FeatureMatrix } from '../core/types.js';
import type { FeatureColumnSpec, FeatureTable, IdMap } from './dataset.js';

/** Quantile bins of a `numeric` column when its spec gives neither `bins` nor `edges`. */
export const DEFAULT_NUMERIC_BINS = 5;

/** A fitted `category` or `multi` column. */
export interface LevelsEncoder {
  readonly kind: 'category' | 'multi';
  /** The source column's name. */
  readonly name: string;
  /** Prefix of the output column names. */
  readonly label: string;
  /** `multi` only: the separator between values. */
  readonly separator?: string;
  /** Levels with a column each, in column order. */
  readonly levels: readonly string[];
  /** A level encoded as all zeros, if any. */
  readonly baseline?: string;
  /** Whether an `other` column follows the levels (pooled rare levels and unseen values). */
  readonly other: boolean;
}

/** A fitted `numeric` column. */
export interface NumericEncoder {
  readonly kind: 'numeric';
  readonly name: string;
  readonly label: string;
  /** Right-closed bin edges, ascending, at least two. */
  readonly edges: readonly number[];
  /** Value used for an empty field. */
  readonly fill: number;
}

/** One fitted column. */
export type ColumnEncoder = LevelsEncoder | NumericEncoder;

/** A fitted encoder of one feature table: its columns and the names of the output columns. */
export interface TableEncoder {
  readonly columns: readonly ColumnEncoder[];
  /** One name per output column, e.g. `age=(18,30]`, `occupation=engineer`, `genre=Action`. */
  readonly names: readonly string[];
}

/** Label of bin k of `edges`, e.g. `(18,30]`. */
export function binLabel(edges: readonly number[], k: number): string {
  return `(${edges[k]},${edges[k + 1]}]`;
}

/** Width of a column's one-hot block. */
function width(c: ColumnEncoder): number {
  return c.kind === 'numeric' ? c.edges.length - 1 : c.levels.length + (c.other ? 1 : 0);
}

function columnNames(c: ColumnEncoder): string[] {
  if (c.kind === 'numeric') return c.edges.slice(1).map((_, k) => `${c.label}=${binLabel(c.edges, k)}`);
  return [...c.levels.map((l) => `${c.label}=${l}`), ...(c.other ? [`${c.label}=other`] : [])];
}

/** An encoder over the given fitted columns (names derived from them). */
export function tableEncoder(columns: readonly ColumnEncoder[]): TableEncoder {
  return { columns: [...columns], names: columns.flatMap(columnNames) };
}

/** The values of one `multi` field. */
function tokens(value: string, separator: string): string[] {
  if (value === '') return [];
  return value
    .split(separator)
    .map((t) => t.trim())
    .filter((t) => t !== '');
}

function fitLevels(spec: FeatureColumnSpec, values: readonly string[], source: string): LevelsEncoder {
  const kind = spec.kind as 'category' | 'multi';
  const separator = kind === 'multi' ? (spec.separator ?? '|') : undefined;
  const label = spec.label ?? spec.name;
  if (spec.levels) {
    return { kind, name: spec.name, label, separator, levels: [...spec.levels], baseline: spec.baseline, other: spec.other ?? true };
  }
  const minCount = spec.minCount ?? 1;
  if (!(Number.isInteger(minCount) && minCount >= 1)) throw new InputError(`${source}: column ${spec.name}: minCount must be a whole number >= 1, got ${minCount}`);
  const counts = new Map<string, number>();
  for (const v of values) {
    const vs = separator === undefined ? (v === '' ? [] : [v]) : tokens(v, separator);
    for (const t of vs) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  const kept = [...counts]
    .filter(([l, c]) => c >= minCount && l !== spec.baseline)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .map(([l]) => l);
  // `other` also catches values first seen at cold start, so it is kept even when nothing was pooled
  return { kind, name: spec.name, label, separator, levels: kept, baseline: spec.baseline, other: spec.other ?? true };
}

function parseNumber(value: string): number {
  const v = value.trim() === '' ? Number.NaN : Number(value);
  return v;
}

function quantile(sorted: Float64Array, q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

function fitNumeric(spec: FeatureColumnSpec, values: readonly string[], ids: readonly string[], source: string): NumericEncoder {
  const label = spec.label ?? spec.name;
  const nums: number[] = [];
  for (let r = 0; r < values.length; r++) {
    if (values[r].trim() === '') continue;
    const v = parseNumber(values[r]);
    if (!Number.isFinite(v)) throw new InputError(`${source}: id ${JSON.stringify(ids[r])}: column ${spec.name} ${JSON.stringify(values[r])} is not a number`);
    nums.push(v);
  }
  const sorted = Float64Array.from(nums).sort();
  const median = sorted.length > 0 ? quantile(sorted, 0.5) : 0;
  const fill = spec.fill ?? median;
  if (spec.edges) {
    const e = spec.edges;
    if (e.length < 2 || e.some((x, k) => !Number.isFinite(x) || (k > 0 && x <= e[k - 1]))) {
      throw new InputError(`${source}: column ${spec.name}: edges must be at least two ascending numbers, got ${JSON.stringify(e)}`);
    }
    return { kind: 'numeric', name: spec.name, label, edges: [...e], fill };
  }
  const bins = spec.bins ?? DEFAULT_NUMERIC_BINS;
  if (!(Number.isInteger(bins) && bins >= 1)) throw new InputError(`${source}: column ${spec.name}: bins must be a whole number >= 1, got ${bins}`);
  if (sorted.length === 0) return { kind: 'numeric', name: spec.name, label, edges: [fill - 1, fill], fill };
  const edges: number[] = [];
  for (let k = 0; k <= bins; k++) {
    // rounded so that names stay readable; 6 significant digits keep distinct quantiles distinct in practice
    const q = Number(quantile(sorted, k / bins).toPrecision(6));
    if (edges.length === 0 || q > edges[edges.length - 1]) edges.push(q);
  }
  // binIndex puts values at or below the first edge in bin 0, so the minimum needs no edge below it
  if (edges.length === 1) edges.unshift(edges[0] - 1);
  return { kind: 'numeric', name: spec.name, label, edges, fill };
}

/**
 * Fits an encoder to a feature table (levels, bin edges, fill values).
 * @throws InputError for a non-numeric value in a numeric column (naming the id and column) or a bad spec
 */
export function fitTableEncoder(table: FeatureTable): TableEncoder {
  const columns: ColumnEncoder[] = table.columns.map((spec, c) => {
    if (spec.kind === 'numeric') return fitNumeric(spec, table.values[c], table.ids, table.source);
    if (spec.kind === 'category' || spec.kind === 'multi') return fitLevels(spec, table.values[c], table.source);
    throw new InputError(`${table.source}: column ${spec.name} of kind ${spec.kind} cannot be encoded (only category, multi, numeric)`);
  });
  return tableEncoder(columns);
}

/**
 * Index of the right-closed bin (edges[k], edges[k+1]] holding `value`; values at or below the first edge go to
 * bin 0 and values above the last edge to the last bin (nearest edge bin).
 */
export function binIndex(value: number, edges: readonly number[]): number {
  const last = edges.length - 2;
  for (let k = 0; k < last; k++) if (value <= edges[k + 1]) return k;
  return last;
}

/**
 * Encodes one entity's raw values (by column name; numbers allowed for numeric columns, arrays for multi) into
 * `out` (length `encoder.names.length`). A missing column encodes like an empty field.
 * @param who names the entity in errors, e.g. `user "u_0042" (users.csv)`
 * @throws InputError for an unknown level where there is no `other` column, or a non-numeric numeric value
 */
export function encodeRecord(
  record: Readonly<Record<string, string | number | readonly string[] | undefined>>,
  encoder: TableEncoder,
  out: Float32Array = new Float32Array(encoder.names.length),
  who = 'entity',
): Float32Array {
  if (out.length !== encoder.names.length) throw new RangeError(`output row has length ${out.length}, expected ${encoder.names.length}`);
  out.fill(0);
  let o = 0;
  for (const c of encoder.columns) {
    const raw = record[c.name];
    if (c.kind === 'numeric') {
      let v: number;
      if (raw === undefined || raw === '') v = c.fill;
      else if (typeof raw === 'number') v = raw;
      else if (typeof raw === 'string') v = parseNumber(raw);
      else v = Number.NaN;
      if (!Number.isFinite(v)) throw new InputError(`${who}: ${c.name} ${JSON.stringify(raw)} is not a number`);
      out[o + binIndex(v, c.edges)] = 1;
    } else {
      let vs: readonly string[];
      if (raw === undefined) vs = [];
      else if (Array.isArray(raw)) vs = raw as readonly string[];
      else if (c.kind === 'multi') vs = tokens(String(raw), c.separator ?? '|');
      else vs = String(raw) === '' ? [] : [String(raw)];
      for (const v of vs) {
        if (v === c.baseline) continue;
        const k = c.levels.indexOf(v);
        if (k >= 0) out[o + k] = 1;
        else if (c.other) out[o + c.levels.length] = 1;
        else {
          const known = [...c.levels, ...(c.baseline === undefined ? [] : [c.baseline])];
          throw new InputError(`${who}: ${c.name} ${JSON.stringify(v)} is not a known value; known: ${known.join(', ')}`);
        }
      }
    }
    o += width(c);
  }
  return out;
}

/**
 * The feature matrix of every entity of `ids` (row k = entity k). Entities without a row in `table` (or every
 * entity, when `table` is undefined) get the all-zero "no features" row; with no table there are no columns.
 */
export function encodeTable(table: FeatureTable | undefined, encoder: TableEncoder | undefined, ids: IdMap): FeatureMatrix {
  const n = ids.size;
  if (table === undefined || encoder === undefined) return { rows: n, cols: 0, data: new Float32Array(0), names: [] };
  const cols = encoder.names.length;
  const data = new Float32Array(n * cols);
  const record: Record<string, string> = {};
  for (let r = 0; r < table.ids.length; r++) {
    const k = ids.index(table.ids[r]);
    if (k === undefined) continue;
    for (let c = 0; c < table.columns.length; c++) record[table.columns[c].name] = table.values[c][r];
    encodeRecord(record, encoder, data.subarray(k * cols, (k + 1) * cols), `id ${JSON.stringify(table.ids[r])} (${table.source})`);
  }
  return { rows: n, cols, data, names: encoder.names };
}
