/** Building and combining {@link CsrMatrix} rating matrices (counting sorts: O(nnz + rows + cols), no comparisons). */
import { InputError } from '../core/errors.js';
import type { CsrMatrix, Float32Matrix, Ratings } from '../core/types.js';

/**
 * The rating matrix of `r` as CSR with ascending columns in every row. `by: 'user'` gives rows = users and
 * cols = items; `by: 'item'` the transpose (rows = items). Values are the ratings.
 *
 * @param rows number of rows (users for 'user', items for 'item')
 * @param cols number of columns
 * @throws InputError for an index out of range or a (user, item) pair given twice
 */
export function ratingsToCsr(r: Ratings, rows: number, cols: number, by: 'user' | 'item'): CsrMatrix {
  const rowOf = by === 'user' ? r.user : r.item;
  const colOf = by === 'user' ? r.item : r.user;
  const rowName = by === 'user' ? 'user' : 'item';
  const colName = by === 'user' ? 'item' : 'user';
  const n = rowOf.length;
  for (let k = 0; k < n; k++) {
    if (rowOf[k] < 0 || rowOf[k] >= rows) throw new InputError(`${rowName} index ${rowOf[k]} outside 0..${rows - 1}`);
    if (colOf[k] < 0 || colOf[k] >= cols) throw new InputError(`${colName} index ${colOf[k]} outside 0..${cols - 1}`);
  }
  // pass 1: order entries by column; pass 2 (stable) by row, so columns end up ascending within each row
  const colPtr = new Int32Array(cols + 1);
  for (let k = 0; k < n; k++) colPtr[colOf[k] + 1]++;
  for (let c = 0; c < cols; c++) colPtr[c + 1] += colPtr[c];
  const byCol = new Int32Array(n);
  for (let k = 0; k < n; k++) byCol[colPtr[colOf[k]]++] = k;
  const indptr = new Int32Array(rows + 1);
  for (let k = 0; k < n; k++) indptr[rowOf[k] + 1]++;
  for (let q = 0; q < rows; q++) indptr[q + 1] += indptr[q];
  const next = indptr.slice(0, rows);
  const indices = new Int32Array(n);
  const values = new Float32Array(n);
  for (let s = 0; s < n; s++) {
    const k = byCol[s];
    const at = next[rowOf[k]]++;
    indices[at] = colOf[k];
    values[at] = r.rating[k];
  }
  for (let q = 0; q < rows; q++) {
    for (let at = indptr[q] + 1; at < indptr[q + 1]; at++) {
      if (indices[at] === indices[at - 1]) {
        throw new InputError(`duplicate rating for ${rowName} index ${q}, ${colName} index ${indices[at]}`);
      }
    }
  }
  return { rows, cols, indptr, indices, values };
}

/** The transpose of `a` (columns stay ascending in every row). */
export function transposeCsr(a: CsrMatrix): CsrMatrix {
  const nnz = a.indptr[a.rows];
  const indptr = new Int32Array(a.cols + 1);
  for (let k = 0; k < nnz; k++) indptr[a.indices[k] + 1]++;
  for (let c = 0; c < a.cols; c++) indptr[c + 1] += indptr[c];
  const next = indptr.slice(0, a.cols);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  // visiting rows in order makes each output row's columns (the old rows) ascending
  for (let q = 0; q < a.rows; q++) {
    for (let k = a.indptr[q]; k < a.indptr[q + 1]; k++) {
      const at = next[a.indices[k]]++;
      indices[at] = q;
      values[at] = a.values[k];
    }
  }
  return { rows: a.cols, cols: a.rows, indptr, indices, values };
}

/**
 * The union of two matrices with disjoint patterns (e.g. train + validation ratings).
 *
 * @throws InputError when the shapes differ or both store an entry at the same place
 */
export function addCsr(a: CsrMatrix, b: CsrMatrix): CsrMatrix {
  if (a.rows !== b.rows || a.cols !== b.cols) {
    throw new InputError(`cannot add a ${a.rows}x${a.cols} matrix and a ${b.rows}x${b.cols} matrix`);
  }
  const nnz = a.indptr[a.rows] + b.indptr[b.rows];
  const indptr = new Int32Array(a.rows + 1);
  const indices = new Int32Array(nnz);
  const values = new Float32Array(nnz);
  let at = 0;
  for (let q = 0; q < a.rows; q++) {
    let i = a.indptr[q];
    let j = b.indptr[q];
    const iEnd = a.indptr[q + 1];
    const jEnd = b.indptr[q + 1];
    while (i < iEnd || j < jEnd) {
      if (j >= jEnd || (i < iEnd && a.indices[i] < b.indices[j])) {
        indices[at] = a.indices[i];
        values[at++] = a.values[i++];
      } else if (i >= iEnd || b.indices[j] < a.indices[i]) {
        indices[at] = b.indices[j];
        values[at++] = b.values[j++];
      } else {
        throw new InputError(`both matrices hold an entry at row ${q}, column ${a.indices[i]}`);
      }
    }
    indptr[q + 1] = at;
  }
  return { rows: a.rows, cols: a.cols, indptr, indices, values };
}

/** The dense row-major copy of `a` (absent entries are 0), e.g. the autoencoder's input matrix. */
export function csrToDense(a: CsrMatrix): Float32Matrix {
  const data = new Float32Array(a.rows * a.cols);
  for (let q = 0; q < a.rows; q++) {
    for (let k = a.indptr[q]; k < a.indptr[q + 1]; k++) data[q * a.cols + a.indices[k]] = a.values[k];
  }
  return { rows: a.rows, cols: a.cols, data };
}
