/**
 * Similarity matrices of KNNBaseline, as Surprise's similarities.pyx computes them: over the entities x (items when
 * item-based) that share a y (a user who rated both), summing over the ys in Surprise's order.
 */
import { InputError } from '../errors.js';
import type { Grouped } from './trainset.js';

/** Above this many entities the n × n matrices (28 bytes an entry while building) no longer fit a normal machine. */
export const MAX_SIMILARITY_ENTITIES = 12_000;

/** How to compute a similarity matrix. */
export interface SimilarityOptions {
  readonly similarity: 'pearson-baseline' | 'msd';
  /** Pairs with fewer common ys get 0 (pearson-baseline: at least 2, as Surprise enforces). */
  readonly minSupport: number;
  /** Pearson-baseline shrinkage λ: sim × (n − 1) / (n − 1 + λ) for n common ys. */
  readonly shrinkage: number;
  readonly globalMean: number;
  /** Baselines of the x side (b_i when item-based) and of the y side; pearson-baseline only. */
  readonly bx: Float64Array;
  readonly by: Float64Array;
}

/**
 * The n × n similarity matrix (row-major, symmetric, diagonal 1) of the entities listed on the `other` side of `yr`.
 * - `pearson-baseline`: Σ d_xy d_x'y / √(Σ d_xy² · Σ d_x'y²) over the common ys, d_xy = r_xy − (μ + b_x + b_y),
 *   shrunk by (n − 1) / (n − 1 + shrinkage); 0 when a sum of squares is 0 (Surprise would divide by zero).
 * - `msd`: 1 / (Σ (r_xy − r_x'y)² / n + 1).
 * @throws InputError when n exceeds {@link MAX_SIMILARITY_ENTITIES}
 */
export function similarityMatrix(yr: Grouped, n: number, o: SimilarityOptions): Float64Array {
  if (n > MAX_SIMILARITY_ENTITIES) {
    throw new InputError(`knn-baseline: ${n} entities need an ${n} x ${n} similarity matrix; it takes at most ${MAX_SIMILARITY_ENTITIES} (use the other side: userBased)`);
  }
  const pearson = o.similarity === 'pearson-baseline';
  const minSupport = pearson ? Math.max(2, o.minSupport) : o.minSupport;
  const freq = new Int32Array(n * n);
  // pearson: Σ d d'; msd: Σ (r − r')². Becomes the similarity matrix at the end.
  const acc = new Float64Array(n * n);
  // Σ d² of the lower-numbered entity of the pair, and of the higher one (pearson only)
  const sqLo = pearson ? new Float64Array(n * n) : acc;
  const sqHi = pearson ? new Float64Array(n * n) : acc;
  const d = new Float64Array(yr.other.length);
  for (const y of yr.order) {
    const from = yr.ptr[y];
    const to = yr.ptr[y + 1];
    for (let p = from; p < to; p++) d[p] = pearson ? yr.rating[p] - (o.globalMean + o.by[y] + o.bx[yr.other[p]]) : yr.rating[p];
    for (let a = from; a < to; a++) {
      const xa = yr.other[a];
      for (let b = a + 1; b < to; b++) {
        const xb = yr.other[b];
        const ab = xa < xb;
        const k = ab ? xa * n + xb : xb * n + xa;
        const dLo = ab ? d[a] : d[b];
        const dHi = ab ? d[b] : d[a];
        freq[k]++;
        if (pearson) {
          acc[k] += dLo * dHi;
          sqLo[k] += dLo * dLo;
          sqHi[k] += dHi * dHi;
        } else {
          acc[k] += (dLo - dHi) ** 2;
        }
      }
    }
  }
  const sim = acc;
  for (let x = 0; x < n; x++) {
    sim[x * n + x] = 1;
    for (let x2 = x + 1; x2 < n; x2++) {
      const k = x * n + x2;
      const f = freq[k];
      let s = 0;
      if (f >= minSupport && f > 0) {
        if (pearson) {
          const den = Math.sqrt(sqLo[k] * sqHi[k]);
          s = den === 0 ? 0 : (acc[k] / den) * ((f - 1) / (f - 1 + o.shrinkage));
        } else {
          s = 1 / (acc[k] / f + 1);
        }
      }
      sim[k] = s;
      sim[x2 * n + x] = s;
    }
  }
  return sim;
}
