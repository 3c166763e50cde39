/**
 * Similarities of KNNBaseline, as Surprise's similarities.pyx computes them: over the entities x (items when
 * item-based) that share a y (a user who rated both), summing over the ys in Surprise's order. Two layouts of the
 * same numbers: the dense n × n matrix Surprise builds, and lists of each entity's positive similarities, which is
 * all a prediction reads and fits catalogues whose matrix would not.
 */
import { InputError } from '../core/errors.js';
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

/** What each rating contributes to the sums, by position in `yr`: its deviation d (pearson) or its rating (msd). */
function deviations(yr: Grouped, o: SimilarityOptions): Float64Array {
  if (o.similarity !== 'pearson-baseline') return yr.rating;
  const d = new Float64Array(yr.other.length);
  for (const y of yr.order) {
    for (let p = yr.ptr[y]; p < yr.ptr[y + 1]; p++) d[p] = yr.rating[p] - (o.globalMean + o.by[y] + o.bx[yr.other[p]]);
  }
  return d;
}

/**
 * One pair's similarity from its sums over f common ys: `acc` is Σ d d' (pearson) or Σ (r − r')² (msd), `sqA` and
 * `sqB` the two Σ d² (pearson only). Both layouts finish pairs here, so they agree to the bit given the same sums.
 */
function pairSimilarity(o: SimilarityOptions, minSupport: number, f: number, acc: number, sqA: number, sqB: number): number {
  if (f < minSupport || f === 0) return 0;
  if (o.similarity !== 'pearson-baseline') return 1 / (acc / f + 1);
  const den = Math.sqrt(sqA * sqB);
  return den === 0 ? 0 : (acc / den) * ((f - 1) / (f - 1 + o.shrinkage));
}

/** Surprise enforces a support of at least 2 for pearson-baseline (one common y has no correlation). */
function effectiveMinSupport(o: SimilarityOptions): number {
  return o.similarity === 'pearson-baseline' ? Math.max(2, o.minSupport) : o.minSupport;
}

/**
 * The similarities of an entity the ratings do not hold (a fold-in on the x side) to each of the n entities, from
 * its own ratings: `ys` (each with at least one training rating) and their `ratings`, with its baseline `bNew` for
 * pearson-baseline. Each pair is finished by the same rule as the matrix's, over the ys the two share; an entity
 * sharing none gets 0. O(Σ ratings of its ys) time, O(n) memory.
 */
export function foldInSimilarities(yr: Grouped, n: number, o: SimilarityOptions, ys: Int32Array, ratings: ArrayLike<number>, bNew: number): Float64Array {
  const pearson = o.similarity === 'pearson-baseline';
  const minSupport = effectiveMinSupport(o);
  const freq = new Int32Array(n);
  const acc = new Float64Array(n);
  const sqA = pearson ? new Float64Array(n) : acc;
  const sqB = pearson ? new Float64Array(n) : acc;
  for (let k = 0; k < ys.length; k++) {
    const y = ys[k];
    const dNew = pearson ? ratings[k] - (o.globalMean + bNew + o.by[y]) : ratings[k];
    for (let q = yr.ptr[y]; q < yr.ptr[y + 1]; q++) {
      const x = yr.other[q];
      freq[x]++;
      if (pearson) {
        const d = yr.rating[q] - (o.globalMean + o.by[y] + o.bx[x]);
        acc[x] += dNew * d;
        sqA[x] += dNew * dNew;
        sqB[x] += d * d;
      } else {
        acc[x] += (dNew - yr.rating[q]) ** 2;
      }
    }
  }
  const sim = new Float64Array(n);
  for (let x = 0; x < n; x++) if (freq[x] > 0) sim[x] = pairSimilarity(o, minSupport, freq[x], acc[x], sqA[x], sqB[x]);
  return sim;
}

/**
 * The n × n similarity matrix (row-major, symmetric, diagonal 1) of the entities listed on the `other` side of `yr`.
 * - `pearson-baseline`: Σ d_xy d_x'y / √(Σ d_xy² · Σ d_x'y²) over the common ys, d_xy = r_xy − (μ + b_x + b_y),
 *   shrunk by (n − 1) / (n − 1 + shrinkage); 0 when a sum of squares is 0 (Surprise would divide by zero).
 * - `msd`: 1 / (Σ (r_xy − r_x'y)² / n + 1).
 * @throws InputError when n exceeds {@link MAX_SIMILARITY_ENTITIES} ({@link neighbourLists} has no such limit)
 */
export function similarityMatrix(yr: Grouped, n: number, o: SimilarityOptions): Float64Array {
  if (n > MAX_SIMILARITY_ENTITIES) {
    throw new InputError(`knn-baseline: ${n} entities need an ${n} x ${n} similarity matrix; it takes at most ${MAX_SIMILARITY_ENTITIES} (use neighbour lists)`);
  }
  const pearson = o.similarity === 'pearson-baseline';
  const minSupport = effectiveMinSupport(o);
  const freq = new Int32Array(n * n);
  // pearson: Σ d d'; msd: Σ (r − r')². Becomes the similarity matrix at the end.
  const acc = new Float64Array(n * n);
  // Σ d² of the lower-numbered entity of the pair, and of the higher one (pearson only)
  const sqLo = pearson ? new Float64Array(n * n) : acc;
  const sqHi = pearson ? new Float64Array(n * n) : acc;
  const d = deviations(yr, o);
  for (const y of yr.order) {
    const from = yr.ptr[y];
    const to = yr.ptr[y + 1];
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
      const s = pairSimilarity(o, minSupport, freq[k], acc[k], sqLo[k], sqHi[k]);
      sim[k] = s;
      sim[x2 * n + x] = s;
    }
  }
  return sim;
}

/**
 * Each entity's positive similarities, as compressed sparse rows: entity x's neighbours are `idx[ptr[x]..ptr[x+1])`
 * with similarities `sim[…]` at the same positions, in no particular order. The diagonal (1) is not stored. `idx`
 * and `sim` may be views of longer buffers.
 */
export interface NeighbourLists {
  /** Length n + 1. */
  readonly ptr: Int32Array;
  readonly idx: Int32Array;
  readonly sim: Float64Array;
}

/** The most entries {@link NeighbourLists} can hold (its `ptr` is an Int32Array). */
const MAX_ENTRIES = 2 ** 31 - 1;

/**
 * Output arrays that grow by doubling up to a known bound on what will be written. A fresh typed array's pages take
 * memory only once written (the system maps zeros lazily), so an array larger than what is written costs little.
 */
class Growing {
  idx = new Int32Array(0);
  sim = new Float64Array(0);
  length = 0;

  constructor(
    capacity: number,
    private readonly bound: number,
  ) {
    this.resize(Math.max(1, Math.min(capacity, bound, MAX_ENTRIES)));
  }

  push(x: number, s: number): void {
    if (this.length === this.idx.length) this.resize(Math.min(this.bound, MAX_ENTRIES, 2 * this.idx.length));
    this.idx[this.length] = x;
    this.sim[this.length++] = s;
  }

  private resize(capacity: number): void {
    const advice = 'pearson-baseline or the other side (userBased) keeps fewer';
    if (capacity <= this.length) throw new InputError(`knn-baseline: more than ${MAX_ENTRIES} positive similarities; ${advice}`);
    try {
      const idx = new Int32Array(capacity);
      idx.set(this.idx.subarray(0, this.length));
      const sim = new Float64Array(capacity);
      sim.set(this.sim.subarray(0, this.length));
      this.idx = idx;
      this.sim = sim;
    } catch (e) {
      if (!(e instanceof RangeError)) throw e;
      throw new InputError(`knn-baseline: ${capacity} similarities (12 bytes each) do not fit in memory; ${advice}`, { cause: e });
    }
  }

  /**
   * What was written. Views of the arrays when they are at least half full: their unwritten tail takes no memory,
   * while a trimmed copy would hold everything twice at once. A copy when mostly unwritten, to free the address space.
   */
  lists(ptr: Int32Array): NeighbourLists {
    const n = this.length;
    if (2 * n >= this.idx.length) return { ptr, idx: this.idx.subarray(0, n), sim: this.sim.subarray(0, n) };
    return { ptr, idx: this.idx.slice(0, n), sim: this.sim.slice(0, n) };
  }
}

/**
 * The positive entries of {@link similarityMatrix}, computed row by row with O(n) scratch space instead of n × n.
 *
 * Row x accumulates its sums over the ys who rated x, visited in `yr.order` as the matrix visits them, and finishes
 * each pair as the matrix does; so every stored similarity is bit-identical to the matrix's (given no y rated the
 * same x twice). Dropping the rest loses nothing a prediction uses: KNNBaseline takes the k largest similarities
 * among the candidates and then counts only the positive ones, so a candidate missing from the lists (similarity
 * ≤ 0) is never counted. Time is Σ_y |ratings of y|², twice the matrix's pair visits (each pair is met from both rows) but in O(n)
 * scratch that stays in cache; memory is the positive pairs, 12 bytes each (up to twice that while the arrays
 * grow, for pearson-baseline). No cap on a row's neighbours, which
 * would bound memory but not predict the same: under MSD, where nearly every co-rated pair is positive, a row's
 * largest are the pairs of a single agreeing rater (similarity 1), not the candidates a user rated.
 * @throws InputError when the lists exceed 2^31 entries or memory
 */
export function neighbourLists(yr: Grouped, n: number, o: SimilarityOptions): NeighbourLists {
  const pearson = o.similarity === 'pearson-baseline';
  const minSupport = effectiveMinSupport(o);
  const d = deviations(yr, o);
  // The transpose of yr, each x's ys in yr.order (the matrix's summation order): the y and the rating's position.
  const tptr = new Int32Array(n + 1);
  for (let p = 0; p < yr.other.length; p++) tptr[yr.other[p] + 1]++;
  for (let x = 0; x < n; x++) tptr[x + 1] += tptr[x];
  const ty = new Int32Array(yr.other.length);
  const tpos = new Int32Array(yr.other.length);
  const next = tptr.slice(0, n);
  for (const y of yr.order) {
    for (let p = yr.ptr[y]; p < yr.ptr[y + 1]; p++) {
      const k = next[yr.other[p]]++;
      ty[k] = y;
      tpos[k] = p;
    }
  }
  // A bound on the entries kept: each row's visits to others, at most n − 1 distinct ones.
  let bound = 0;
  for (let x = 0; x < n; x++) {
    let visits = 0;
    for (let k = tptr[x]; k < tptr[x + 1]; k++) visits += yr.ptr[ty[k] + 1] - yr.ptr[ty[k]] - 1;
    bound += Math.min(n - 1, visits);
  }
  // MSD is positive wherever it is computed, so with support 1 it keeps nearly all of the bound: allocated at once,
  // it is never copied. Pearson keeps a small share of it (support 2, positive only): start small and double.
  const out = new Growing(!pearson && minSupport <= 1 ? bound : 1 << 20, bound);
  const ptr = new Int32Array(n + 1);
  const freq = new Int32Array(n);
  const acc = new Float64Array(n);
  const sqA = pearson ? new Float64Array(n) : acc;
  const sqB = pearson ? new Float64Array(n) : acc;
  const touched = new Int32Array(n);
  for (let x = 0; x < n; x++) {
    let nTouched = 0;
    for (let k = tptr[x]; k < tptr[x + 1]; k++) {
      const y = ty[k];
      const dx = d[tpos[k]];
      for (let q = yr.ptr[y]; q < yr.ptr[y + 1]; q++) {
        const x2 = yr.other[q];
        if (x2 === x) continue;
        if (freq[x2]++ === 0) touched[nTouched++] = x2;
        const d2 = d[q];
        if (pearson) {
          acc[x2] += dx * d2;
          sqA[x2] += dx * dx;
          sqB[x2] += d2 * d2;
        } else {
          acc[x2] += (dx - d2) ** 2;
        }
      }
    }
    for (let t = 0; t < nTouched; t++) {
      const x2 = touched[t];
      const s = pairSimilarity(o, minSupport, freq[x2], acc[x2], sqA[x2], sqB[x2]);
      if (s > 0) out.push(x2, s);
      freq[x2] = 0;
      acc[x2] = 0;
      sqA[x2] = 0;
      sqB[x2] = 0;
    }
    ptr[x + 1] = out.length;
  }
  return out.lists(ptr);
}
