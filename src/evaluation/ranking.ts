/**
 * Top-k ranking metrics with binary relevance: precision@k, recall@k, NDCG@k, MAP@k, hit rate and catalogue
 * coverage, plus the protocol that scores a trained model with them. The metric functions are pure: a ranked list
 * (best first) and the set of relevant items in, a number out.
 */
import { InputError } from '../core/errors.js';
import type { CsrMatrix, Ratings } from '../core/types.js';
import { ratingsToCsr } from '../data/csr.js';
import type { StackMember } from '../model/stack-members.js';
import type { RSAttAE } from '../model/rsattae.js';

/** One user's ranked list (item indices, best first, at least the top k) and the items relevant to that user. */
export interface RankedList {
  readonly ranked: ArrayLike<number>;
  readonly relevant: ReadonlySet<number>;
}

function checkK(k: number): void {
  if (!Number.isInteger(k) || k < 1) throw new InputError(`k must be a positive integer, got ${k}`);
}

/** Number of relevant items among the first `k` of `ranked`. */
function hitsAt(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  let hits = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i])) hits++;
  return hits;
}

/**
 * Precision@k = |top-k ∩ relevant| / k (Manning, Raghavan & Schütze, Introduction to Information Retrieval, 2008,
 * §8.4). The divisor is k even when the list is shorter, so a short list is not rewarded for being short.
 */
export function precisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  return hitsAt(ranked, relevant, k) / k;
}

/** Recall@k = |top-k ∩ relevant| / |relevant| (Manning et al. 2008, §8.4); 0 when nothing is relevant. */
export function recallAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  return relevant.size === 0 ? 0 : hitsAt(ranked, relevant, k) / relevant.size;
}

/**
 * NDCG@k with binary gains (Järvelin & Kekäläinen, "Cumulated gain-based evaluation of IR techniques", ACM TOIS
 * 2002), in the now common form with discount 1 / log2(i + 1) at rank i (1-based): DCG@k = Σ_{i≤k} rel_i / log2(i+1),
 * divided by the ideal DCG, that of min(k, |relevant|) relevant items at the top. 0 when nothing is relevant.
 */
export function ndcgAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  if (relevant.size === 0) return 0;
  let dcg = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) if (relevant.has(ranked[i])) dcg += 1 / Math.log2(i + 2);
  let ideal = 0;
  for (let i = 0; i < Math.min(k, relevant.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/**
 * Average precision at k: AP@k = (1 / min(k, |relevant|)) · Σ_{i≤k} P@i · rel_i, the mean of the precisions at the
 * ranks of the relevant items retrieved (Manning et al. 2008, §8.4), normalised by min(k, |relevant|) as in the
 * common recommender-systems convention (e.g. Kaggle's and ml_metrics' apk), so a perfect top-k scores 1 even when
 * more than k items are relevant. MAP@k is its mean over users. 0 when nothing is relevant.
 */
export function averagePrecisionAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  if (relevant.size === 0) return 0;
  let hits = 0;
  let sum = 0;
  const n = Math.min(k, ranked.length);
  for (let i = 0; i < n; i++) {
    if (relevant.has(ranked[i])) {
      hits++;
      sum += hits / (i + 1);
    }
  }
  return sum / Math.min(k, relevant.size);
}

/** Hit@k: 1 when at least one relevant item is in the top k, else 0 (its mean over users is the hit rate). */
export function hitAtK(ranked: ArrayLike<number>, relevant: ReadonlySet<number>, k: number): number {
  checkK(k);
  return hitsAt(ranked, relevant, k) > 0 ? 1 : 0;
}

/** Catalogue coverage: distinct items over all users' top k, divided by the catalogue size. */
export function catalogueCoverage(lists: readonly ArrayLike<number>[], k: number, catalogueSize: number): number {
  checkK(k);
  if (!Number.isInteger(catalogueSize) || catalogueSize < 1) throw new InputError(`catalogue size must be a positive integer, got ${catalogueSize}`);
  const shown = new Set<number>();
  for (const l of lists) for (let i = 0; i < Math.min(k, l.length); i++) shown.add(l[i]);
  return shown.size / catalogueSize;
}

/** Mean top-k metrics over users (see the functions above for each definition). */
export interface RankingMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly ndcg: number;
  readonly map: number;
  readonly hitRate: number;
  readonly coverage: number;
}

/** Each metric's mean over `lists` (users), and the catalogue coverage of their top k. */
export function rankingMetrics(lists: readonly RankedList[], k: number, catalogueSize: number): RankingMetrics {
  checkK(k);
  if (lists.length === 0) throw new InputError('no ranked lists to score');
  let precision = 0;
  let recall = 0;
  let ndcg = 0;
  let map = 0;
  let hit = 0;
  for (const { ranked, relevant } of lists) {
    precision += precisionAtK(ranked, relevant, k);
    recall += recallAtK(ranked, relevant, k);
    ndcg += ndcgAtK(ranked, relevant, k);
    map += averagePrecisionAtK(ranked, relevant, k);
    hit += hitAtK(ranked, relevant, k);
  }
  const n = lists.length;
  return {
    precision: precision / n,
    recall: recall / n,
    ndcg: ndcg / n,
    map: map / n,
    hitRate: hit / n,
    coverage: catalogueCoverage(
      lists.map((l) => l.ranked),
      k,
      catalogueSize,
    ),
  };
}

/** Options of {@link evaluateRanking}. */
export interface RankingOptions {
  /** List length. Default 10. */
  readonly k?: number;
  /** A test rating at least this high makes the item relevant. Default 4 (MovieLens' "liked" on a 1–5 scale). */
  readonly relevance?: number;
}

/** What {@link evaluateRanking} measured, with the protocol's parameters. */
export interface RankingReport extends RankingMetrics {
  readonly k: number;
  readonly relevance: number;
  /** Users scored: test users with at least one relevant test item. */
  readonly users: number;
  /** Test users left out because none of their test ratings reaches the threshold. */
  readonly usersWithoutRelevant: number;
  /** Items in the catalogue (the coverage's denominator). */
  readonly catalogue: number;
  /** Pairs the booster scored (all candidates of all scored users). */
  readonly predictions: number;
}

/**
 * Scores a model's top-k lists on test ratings (0-based indices in the model's id space). Protocol: for each test user
 * with at least one relevant test item (rating ≥ `relevance`), rank every item the user has not rated in train +
 * validation (the recommend path: one batched booster prediction per user; ties by item index), keep the top k;
 * the relevant items are that user's test items rated ≥ `relevance`. A baseline model ranks the same way, its "seen" items
 * being the ratings it was fitted on. Test items rated below it stay candidates and
 * count as misses. Coverage is over the catalogue of all the model's items.
 * @throws InputError for a bad k or threshold, an index outside the model, or no user with a relevant item
 */
export function evaluateRanking(model: RSAttAE | StackMember, test: Ratings, opts: RankingOptions = {}): RankingReport {
  const k = opts.k ?? 10;
  const relevance = opts.relevance ?? 4;
  checkK(k);
  if (!Number.isFinite(relevance)) throw new InputError(`relevance threshold must be a number, got ${relevance}`);
  const { nUsers, nItems } = model;
  const relevantOf = new Map<number, Set<number>>();
  const testUsers = new Set<number>();
  for (let j = 0; j < test.user.length; j++) {
    const u = test.user[j];
    const i = test.item[j];
    if (u < 0 || u >= nUsers || i < 0 || i >= nItems) {
      throw new InputError(`rating ${j + 1} names user index ${u} / item index ${i}, outside the model's ${nUsers} users and ${nItems} items`);
    }
    testUsers.add(u);
    if (test.rating[j] >= relevance) {
      const s = relevantOf.get(u) ?? new Set<number>();
      s.add(i);
      relevantOf.set(u, s);
    }
  }
  if (relevantOf.size === 0) throw new InputError(`no test rating reaches the relevance threshold ${relevance}; nothing to rank against`);
  // a baseline keeps the ratings it was fitted on (train + validation), the same "seen" set as RSAttAE's
  const seenCsr: CsrMatrix = 'seen' in model ? model.seen : ratingsToCsr(model.train, nUsers, nItems, 'user');
  const { indptr, indices } = seenCsr;
  const seen = new Uint8Array(nItems);
  const candidates = new Int32Array(nItems);
  const lists: RankedList[] = [];
  let predictions = 0;
  for (const u of [...relevantOf.keys()].sort((a, b) => a - b)) {
    for (let p = indptr[u]; p < indptr[u + 1]; p++) seen[indices[p]] = 1;
    let n = 0;
    for (let i = 0; i < nItems; i++) if (!seen[i]) candidates[n++] = i;
    for (let p = indptr[u]; p < indptr[u + 1]; p++) seen[indices[p]] = 0;
    const items = candidates.slice(0, n);
    const scores = model.predictIndices(new Int32Array(n).fill(u), items);
    predictions += n;
    const order = Array.from(items.keys()).sort((a, b) => scores[b] - scores[a] || items[a] - items[b]);
    lists.push({ ranked: Int32Array.from(order.slice(0, k), (j) => items[j]), relevant: relevantOf.get(u)! });
  }
  return {
    k,
    relevance,
    users: lists.length,
    usersWithoutRelevant: testUsers.size - lists.length,
    catalogue: nItems,
    predictions,
    ...rankingMetrics(lists, k, nItems),
  };
}
