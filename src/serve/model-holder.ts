/**
 * The model being served and its hot reload: a new bundle is loaded and checked completely beside the old one,
 * then swapped in with one assignment. A bundle that fails to load or check never replaces the serving one.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { InputError } from '../core/errors.js';
import { type Recommendation, RSAttAE } from '../model/rsattae.js';
import { readManifest } from '../store/model-bundle.js';
import type { ModelInfo } from './api-schemas.js';

/** Users whose items are scored per predict call while precomputing (bounded memory, yields between). */
const PRECOMPUTE_USERS_PER_CALL = 32;

/**
 * Default cap on the dense score matrix kept with `precompute` (users × items float32): 256 MiB holds ML-1M's
 * 6,040 × 3,706 (90 MB) many times over; an ML-20M-sized catalogue (138k × 27k, 15 GB) is far above it.
 */
export const DEFAULT_SCORE_CACHE_BYTES = 256 * 1024 * 1024;

/** Top-N lists of every known user, computed at load: item indices and scores, best first. */
export interface TopN {
  readonly k: number;
  readonly items: readonly Int32Array[];
  readonly scores: readonly Float32Array[];
}

/** A loaded model with what the server derives from it. */
export interface Served {
  readonly model: RSAttAE;
  readonly info: ModelInfo;
  readonly top?: TopN;
  /**
   * The booster's prediction for every known (user, item) pair, row-major (`scores[u * nItems + i]`), kept when
   * precomputing and under the cap: known pairs are then answered by lookup, with the booster's own values.
   */
  readonly scores?: Float32Array;
}

/** Options of {@link loadServed}. */
export interface LoadServedOptions {
  /** Precompute the top `precompute` unrated items of every known user (0 or absent: none). */
  readonly precompute?: number;
  /**
   * With `precompute`, keep the dense users × items score matrix when its float32 size is at most this many bytes
   * (default {@link DEFAULT_SCORE_CACHE_BYTES}; 0: never). Scoring the rated pairs too costs the precomputation
   * a few percent more predict rows (ML-100K: 6 %).
   */
  readonly scoreCacheBytes?: number;
}

/** Bytes of the dense score matrix of a model with `users` × `items` pairs. */
export function scoreMatrixBytes(users: number, items: number): number {
  return users * items * Float32Array.BYTES_PER_ELEMENT;
}

/** The indices of the `k` best scores, highest first, ties to the lower item index (as `RSAttAE.recommend`). */
function best(items: Int32Array, scores: Float32Array, k: number): Int32Array {
  const order = Array.from(items.keys()).sort((a, b) => scores[b] - scores[a] || items[a] - items[b]);
  return Int32Array.from(order.slice(0, k));
}

/** The unrated items of user `u` (ascending) and their scores in the user's row of a dense score matrix. */
function unratedRow(model: RSAttAE, matrix: Float32Array, u: number): { items: Int32Array; scores: Float32Array } {
  const { indptr, indices } = model.seen;
  const m = model.nItems;
  const seen = new Uint8Array(m);
  for (let p = indptr[u]; p < indptr[u + 1]; p++) seen[indices[p]] = 1;
  const items = new Int32Array(m - (indptr[u + 1] - indptr[u]));
  const scores = new Float32Array(items.length);
  let j = 0;
  for (let i = 0; i < m; i++) {
    if (seen[i]) continue;
    items[j] = i;
    scores[j++] = matrix[u * m + i];
  }
  return { items: items.subarray(0, j), scores: scores.subarray(0, j) };
}

/**
 * Top-`k` unrated items of every user, scoring a block of users' candidates in one predict call. Yields to the event
 * loop between blocks so a server reloading with precomputation keeps answering with its current model. With
 * `keepScores`, every item of every user is scored (rated ones too) and the dense matrix returned.
 */
export async function precomputeTopN(model: RSAttAE, k: number, keepScores = false): Promise<{ top: TopN; scores?: Float32Array }> {
  const { indptr, indices } = model.seen;
  const n = model.nUsers;
  const m = model.nItems;
  const outItems: Int32Array[] = new Array(n);
  const outScores: Float32Array[] = new Array(n);
  const matrix = keepScores ? new Float32Array(n * m) : undefined;
  const seen = new Uint8Array(m);
  for (let from = 0; from < n; from += PRECOMPUTE_USERS_PER_CALL) {
    const to = Math.min(n, from + PRECOMPUTE_USERS_PER_CALL);
    const users: number[] = [];
    const items: number[] = [];
    const starts = [0];
    for (let u = from; u < to; u++) {
      for (let p = indptr[u]; p < indptr[u + 1]; p++) seen[indices[p]] = 1;
      for (let i = 0; i < m; i++) {
        if (seen[i] && !matrix) continue;
        users.push(u);
        items.push(i);
      }
      for (let p = indptr[u]; p < indptr[u + 1]; p++) seen[indices[p]] = 0;
      starts.push(items.length);
    }
    const allItems = Int32Array.from(items);
    const scores = model.predictIndices(Int32Array.from(users), allItems);
    for (let u = from; u < to; u++) {
      let its: Int32Array = allItems.subarray(starts[u - from], starts[u - from + 1]);
      let sc: Float32Array = scores.subarray(starts[u - from], starts[u - from + 1]);
      if (matrix) {
        matrix.set(sc, u * m);
        ({ items: its, scores: sc } = unratedRow(model, matrix, u));
      }
      const top = best(its, sc, k);
      outItems[u] = Int32Array.from(top, (j) => its[j]);
      outScores[u] = Float32Array.from(top, (j) => sc[j]);
    }
    await yieldToEventLoop();
  }
  return { top: { k, items: outItems, scores: outScores }, ...(matrix ? { scores: matrix } : {}) };
}

/**
 * The recommendations of user index `u` without the booster: the precomputed list when `k` is within it, else the
 * user's row of the score matrix when it is kept (same order as `RSAttAE.recommend`); undefined otherwise.
 */
export function precomputed(served: Served, u: number, k: number): Recommendation[] | undefined {
  const { top, scores: matrix } = served;
  let its: Int32Array;
  let sc: Float32Array;
  if (top && k <= top.k) {
    its = top.items[u];
    sc = top.scores[u];
  } else if (matrix) {
    const row = unratedRow(served.model, matrix, u);
    const order = best(row.items, row.scores, k);
    its = Int32Array.from(order, (j) => row.items[j]);
    sc = Float32Array.from(order, (j) => row.scores[j]);
  } else return undefined;
  const { items, itemTitles } = served.model;
  const out: Recommendation[] = [];
  for (let j = 0; j < Math.min(k, its.length); j++) {
    out.push({ item: items.id(its[j]), ...(itemTitles ? { title: itemTitles[its[j]] } : {}), score: sc[j] });
  }
  return out;
}

/**
 * Predicted ratings of pairs of user and item indices: by lookup in the score matrix when it is kept (the values the
 * booster gave at load), else in one batched predict call.
 */
export function scorePairs(served: Served, users: Int32Array, items: Int32Array): Float32Array {
  const matrix = served.scores;
  if (!matrix) return served.model.predictIndices(users, items);
  const m = served.model.nItems;
  const out = new Float32Array(users.length);
  for (let k = 0; k < users.length; k++) out[k] = matrix[users[k] * m + items[k]];
  return out;
}

/**
 * Loads and checks the bundle in `dir`: checksums (by the loader), one finite prediction, the precomputed lists.
 * The autoencoder weights are loaded when the bundle has them (fold-in needs them).
 * @throws InputError when the bundle is missing, damaged or predicts garbage
 */
export async function loadServed(dir: string, opts: LoadServedOptions = {}): Promise<Served> {
  const manifest = await readManifest(dir);
  const hasAutoencoders = Object.keys(manifest.files).some((f) => f.startsWith('autoencoders/'));
  const model = await RSAttAE.load(dir, { autoencoders: hasAutoencoders });
  try {
    if (model.nUsers === 0 || model.nItems === 0) throw new InputError(`model bundle ${dir}: it has no users or no items`);
    const probe = model.predictIndices(Int32Array.of(0), Int32Array.of(0))[0];
    if (!Number.isFinite(probe)) throw new InputError(`model bundle ${dir}: it predicts ${probe} for the first user and item`);
    const k = opts.precompute ?? 0;
    const bytes = scoreMatrixBytes(model.nUsers, model.nItems);
    const keep = bytes <= (opts.scoreCacheBytes ?? DEFAULT_SCORE_CACHE_BYTES);
    const { top, scores } = k > 0 ? await precomputeTopN(model, k, keep) : { top: undefined, scores: undefined };
    const info: ModelInfo = {
      dir,
      users: model.nUsers,
      items: model.nItems,
      createdAt: manifest.createdAt,
      loadedAt: new Date().toISOString(),
      precomputedK: top ? k : null,
      scoreCacheBytes: scores ? bytes : null,
      foldIn: hasAutoencoders,
    };
    return { model, info, top, ...(scores ? { scores } : {}) };
  } catch (err) {
    model.dispose();
    throw err;
  }
}

/**
 * Holds the served model. Request handlers read {@link ModelHolder.current} and use it synchronously (prediction is
 * synchronous), so once a reload has swapped the reference no handler can still be using the old model, and it is
 * freed at once.
 */
export class ModelHolder {
  #current: Served;
  #reloading: Promise<Served> | undefined;
  #closed = false;

  /**
   * @param served the first model
   * @param dir where reloads read the bundle from
   * @param opts load options reused by every reload
   */
  constructor(
    served: Served,
    readonly dir: string,
    readonly opts: LoadServedOptions = {},
  ) {
    this.#current = served;
  }

  /** Loads the bundle in `dir` and holds it. */
  static async open(dir: string, opts: LoadServedOptions = {}): Promise<ModelHolder> {
    return new ModelHolder(await loadServed(dir, opts), dir, opts);
  }

  /** The model serving now. */
  get current(): Served {
    return this.#current;
  }

  /**
   * Loads the bundle again from the directory (e.g. after `rsattae train --out` replaced it) and swaps it in. One
   * reload at a time: a reload asked for while another runs waits for it, then loads again.
   * @throws the load or check error; the old model then keeps serving
   */
  reload(): Promise<Served> {
    const previous = this.#reloading ?? Promise.resolve(this.#current);
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const fresh = await loadServed(this.dir, this.opts);
        if (this.#closed) {
          fresh.model.dispose();
          throw new Error('the server closed during the reload');
        }
        const old = this.#current;
        this.#current = fresh;
        old.model.dispose();
        return fresh;
      });
    this.#reloading = next;
    const clear = (): void => {
      if (this.#reloading === next) this.#reloading = undefined;
    };
    next.then(clear, clear);
    return next;
  }

  /** Frees the model (after the server has stopped). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#current.model.dispose();
  }
}
