/** Summaries over seeds (or folds) that the report's tables and bands show. */

/** Mean, sample standard deviation (0 for one value), range and count of some values. */
export interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly min: number;
  readonly max: number;
  readonly n: number;
}

/** The {@link Spread} of `values` (at least one). */
export function spread(values: readonly number[]): Spread {
  const n = values.length;
  if (n === 0) throw new Error('spread of no values');
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sd = n > 1 ? Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / (n - 1)) : 0;
  return { mean, sd, min: Math.min(...values), max: Math.max(...values), n };
}

/** Groups items by a key, keeping the order in which keys first appear. */
export function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const out = new Map<K, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

/** `x` with `digits` decimals, and a true minus sign. */
export function fixed(x: number, digits = 4): string {
  return x.toFixed(digits).replace(/^-/, '−');
}

/** A difference with its sign always shown (`+0.0123`, `−0.0040`). */
export function signed(x: number, digits = 4): string {
  const s = fixed(Math.abs(x), digits);
  if (Number(x.toFixed(digits)) === 0) return `±${s}`;
  return x > 0 ? `+${s}` : `−${s}`;
}
