/**
 * Core data types shared by every layer. Indices are 0-based internally; MovieLens ids are 1-based and are
 * converted at the edges (parsers in, CLI/API out).
 */

/** A compressed-sparse-row matrix on typed arrays: row r's entries are `indices/values[indptr[r]..indptr[r+1])`, columns ascending. */
export interface CsrMatrix {
  readonly rows: number;
  readonly cols: number;
  /** Length rows + 1. */
  readonly indptr: Int32Array;
  /** Column index of each stored entry, ascending within a row. */
  readonly indices: Int32Array;
  /** Value of each stored entry. */
  readonly values: Float32Array;
}

/** A dense row-major float32 matrix. */
export interface Float32Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major, length rows * cols. */
  readonly data: Float32Array;
}

/** A dense row-major float32 matrix with named columns (one-hot features keep their names for reports and cold start). */
export interface FeatureMatrix extends Float32Matrix {
  /** One name per column, e.g. `age=(18,30]`, `occupation=engineer`, `genre=Action`. */
  readonly names: readonly string[];
}

/** A list of ratings as parallel typed arrays, 0-based user and item indices. */
export interface Ratings {
  readonly user: Int32Array;
  readonly item: Int32Array;
  readonly rating: Float32Array;
  readonly timestamp: Int32Array;
}
