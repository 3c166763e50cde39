/** Fig. 2 of the paper: how the users' and items' features are distributed (counts per level or bin). */

import type { FeatureTable } from '../data/dataset.js';
import { binIndex, binLabel, type TableEncoder } from '../data/encoding.js';

/** One feature's distribution: entities per level (category, multi) or per bin (numeric), in the encoder's order. */
export interface FeatureDistribution {
  readonly side: 'users' | 'items';
  readonly feature: string;
  readonly bins: readonly { readonly label: string; readonly count: number }[];
}

/**
 * Counts every entity of `table` once per feature: a category's level (rare and unseen levels as `other`, its
 * baseline level too, empty fields as `(empty)`), each of a multi field's levels, a numeric value's bin as the
 * encoder buckets it (an empty field takes the encoder's fill). Levels that no entity has are listed with 0.
 */
export function featureDistributions(side: 'users' | 'items', table: FeatureTable, encoder: TableEncoder): FeatureDistribution[] {
  return encoder.columns.map((col, c) => {
    const values = table.values[c];
    if (col.kind === 'numeric') {
      const counts = new Array<number>(col.edges.length - 1).fill(0);
      for (const v of values) counts[binIndex(v.trim() === '' ? col.fill : Number(v), col.edges)]++;
      return { side, feature: col.name, bins: counts.map((count, k) => ({ label: binLabel(col.edges, k), count })) };
    }
    const counts = new Map<string, number>([...(col.baseline === undefined ? [] : [col.baseline]), ...col.levels].map((l) => [l, 0]));
    const add = (level: string): void => {
      const key = level === '' ? '(empty)' : counts.has(level) ? level : 'other';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    };
    for (const v of values) {
      if (col.kind === 'multi') {
        for (const part of v.split(col.separator ?? '|')) if (part.trim() !== '') add(part.trim());
      } else add(v);
    }
    return { side, feature: col.name, bins: [...counts].map(([label, count]) => ({ label, count })) };
  });
}
