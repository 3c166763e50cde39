/**
 * Sparse-structure helpers for the autoencoder: merging disjoint CSR matrices, dropping explicit zeros (the
 * reference's loss mask is `y != 0`), column-major views with a permutation back to CSR order, and grouping
 * entities by identical feature rows (the key to exact attention without the n×n matrix).
 */

import { InputError } from '../core/errors.js';
import type { CsrMatrix, Float32Matrix } from '../core/types.js';

/** A column-compressed view of a CSR pattern: entry `e` of column `c` (e in colptr[c]..colptr[c+1]) is row `rowidx[e]`, stored at CSR position `perm[e]`. */
export interface CscView {
  readonly colptr: Int32Array;
  readonly rowidx: Int32Array;
  readonly perm: Int32Array;
}

/** Checks the CSR invariants the kernels rely on (lengths, bounds, ascending columns) of a caller's matrix and throws an InputError naming the problem. */
export function checkCsr(a: CsrMatrix, what: string): void {
  const { rows, cols, indptr, indices, values } = a;
  if (indptr.length !== rows + 1) throw new InputError(`${what}: indptr length ${indptr.length} != rows + 1 (${rows + 1})`);
  const nnz = indptr[rows];
  if (indptr[0] !== 0 || indices.length < nnz || values.length < nnz) throw new InputError(`${what}: inconsistent indptr/indices/values`);
  for (let r = 0; r < rows; r++) {
    const s = indptr[r];
    const e = indptr[r + 1];
    if (e < s) throw new InputError(`${what}: indptr not monotone at row ${r}`);
    for (let p = s; p < e; p++) {
      const c = indices[p];
      if (c < 0 || c >= cols) throw new InputError(`${what}: column ${c} out of range at row ${r}`);
      if (p > s && c <= indices[p - 1]) throw new InputError(`${what}: columns not strictly ascending in row ${r}`);
    }
  }
}

/** Returns `a` without explicitly stored zeros (they are neither input nor loss targets in the reference). */
export function dropZeros(a: CsrMatrix): CsrMatrix {
  const nnz = a.indptr[a.rows];
  let zeros = 0;
  for (let p = 0; p < nnz; p++) if (a.values[p] === 0) zeros++;
  if (zeros === 0 && a.indices.length === nnz && a.values.length === nnz) return a;
  const indptr = new Int32Array(a.rows + 1);
  const indices = new Int32Array(nnz - zeros);
  const values = new Float32Array(nnz - zeros);
  let q = 0;
  for (let r = 0; r < a.rows; r++) {
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      if (a.values[p] === 0) continue;
      indices[q] = a.indices[p];
      values[q++] = a.values[p];
    }
    indptr[r + 1] = q;
  }
  return { rows: a.rows, cols: a.cols, indptr, indices, values };
}

/** Sums two CSR matrices of the same shape row by row (a merge of ascending columns); used to build the train + validation input. */
export function mergeCsr(a: CsrMatrix, b: CsrMatrix): CsrMatrix {
  if (a.rows !== b.rows || a.cols !== b.cols) throw new RangeError(`shape mismatch: ${a.rows}x${a.cols} vs ${b.rows}x${b.cols}`);
  const cap = a.indptr[a.rows] + b.indptr[b.rows];
  const indptr = new Int32Array(a.rows + 1);
  const indices = new Int32Array(cap);
  const values = new Float32Array(cap);
  let q = 0;
  for (let r = 0; r < a.rows; r++) {
    let i = a.indptr[r];
    const ie = a.indptr[r + 1];
    let j = b.indptr[r];
    const je = b.indptr[r + 1];
    while (i < ie || j < je) {
      const ci = i < ie ? a.indices[i] : 0x7fffffff;
      const cj = j < je ? b.indices[j] : 0x7fffffff;
      if (ci < cj) {
        indices[q] = ci;
        values[q++] = a.values[i++];
      } else if (cj < ci) {
        indices[q] = cj;
        values[q++] = b.values[j++];
      } else {
        indices[q] = ci;
        values[q++] = a.values[i++] + b.values[j++];
      }
    }
    indptr[r + 1] = q;
  }
  return { rows: a.rows, cols: a.cols, indptr, indices: indices.slice(0, q), values: values.slice(0, q) };
}

/** Builds the column-major view of a CSR pattern; rows stay ascending inside each column, so accumulation order is fixed. */
export function cscOf(a: CsrMatrix): CscView {
  const nnz = a.indptr[a.rows];
  const colptr = new Int32Array(a.cols + 1);
  for (let p = 0; p < nnz; p++) colptr[a.indices[p] + 1]++;
  for (let c = 0; c < a.cols; c++) colptr[c + 1] += colptr[c];
  const next = colptr.slice(0, a.cols);
  const rowidx = new Int32Array(nnz);
  const perm = new Int32Array(nnz);
  for (let r = 0; r < a.rows; r++) {
    for (let p = a.indptr[r]; p < a.indptr[r + 1]; p++) {
      const q = next[a.indices[p]]++;
      rowidx[q] = r;
      perm[q] = p;
    }
  }
  return { colptr, rowidx, perm };
}

/** Entities grouped by identical feature rows: `group[i]` in 0..count.length-1, `count[g]` members, `rows` the distinct feature rows (G × nf), in order of first appearance. */
export interface FeatureGroups {
  readonly group: Int32Array;
  readonly count: Float32Array;
  readonly rows: Float32Matrix;
}

/**
 * Groups the rows of `features` by exact equality (bitwise float32). Softmax attention over keys that repeat reduces to
 * a softmax over the G distinct keys weighted by their counts, so the grouped form is exact.
 */
export function groupFeatures(features: Float32Matrix): FeatureGroups {
  const { rows: n, cols: f, data } = features;
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  const ids = new Map<string, number>();
  const group = new Int32Array(n);
  const first: number[] = [];
  for (let i = 0; i < n; i++) {
    let key = '';
    for (let c = 0; c < f; c++) key += `${bits[i * f + c].toString(36)},`;
    let g = ids.get(key);
    if (g === undefined) {
      g = first.length;
      ids.set(key, g);
      first.push(i);
    }
    group[i] = g;
  }
  const G = first.length;
  const count = new Float32Array(G);
  for (let i = 0; i < n; i++) count[group[i]]++;
  const rowsData = new Float32Array(G * f);
  for (let g = 0; g < G; g++) rowsData.set(data.subarray(first[g] * f, first[g] * f + f), g * f);
  return { group, count, rows: { rows: G, cols: f, data: rowsData } };
}
