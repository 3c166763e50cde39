/** Shared pipeline test data: a small synthetic rating problem and the mean-predictor baseline. */
import type { Ratings, RecommenderData } from 'rsattae';
import { createRng, type FeatureMatrix } from 'rsattae/data';
import { tableEncoder } from '../../src/data/encoding.js';

/** A small low-rank rating problem with features that explain part of it. */
export function synthetic(nUsers: number, nItems: number, seed: number): { data: RecommenderData; test: Ratings } {
  const rng = createRng(seed);
  const k = 3;
  const groupsU = 4;
  const groupsI = 3;
  const gu = Array.from({ length: nUsers }, () => rng.nextInt(groupsU));
  const gi = Array.from({ length: nItems }, () => rng.nextInt(groupsI));
  const pu = Array.from({ length: nUsers }, (_, u) => Array.from({ length: k }, (_, f) => rng.nextNormal() * 0.6 + (f === gu[u] % k ? 0.8 : 0)));
  const qi = Array.from({ length: nItems }, (_, i) => Array.from({ length: k }, (_, f) => rng.nextNormal() * 0.6 + (f === gi[i] % k ? 0.8 : 0)));
  // per-entity biases, partly explained by the features, are what an autoencoder row picks up first
  const bu = gu.map((g) => (g - 1.5) * 0.4 + rng.nextNormal() * 0.4);
  const bi = gi.map((g) => (g - 1) * 0.5 + rng.nextNormal() * 0.4);
  const rows: [number, number, number][] = [];
  for (let u = 0; u < nUsers; u++) {
    for (let i = 0; i < nItems; i++) {
      if (rng.next() > 0.3) continue;
      let s = 3 + bu[u] + bi[i];
      for (let f = 0; f < k; f++) s += pu[u][f] * qi[i][f];
      rows.push([u, i, Math.min(5, Math.max(1, Math.round(s + rng.nextNormal() * 0.3)))]);
    }
  }
  rng.shuffle(rows);
  const part = (a: number, b: number): Ratings => {
    const s = rows.slice(a, b);
    return {
      user: Int32Array.from(s, (r) => r[0]),
      item: Int32Array.from(s, (r) => r[1]),
      rating: Float32Array.from(s, (r) => r[2]),
      timestamp: new Int32Array(s.length),
    };
  };
  const n = rows.length;
  const oneHot = (groups: number[], g: number, prefix: string): FeatureMatrix => {
    const data = new Float32Array(groups.length * g);
    groups.forEach((v, r) => {
      data[r * g + v] = 1;
    });
    return { rows: groups.length, cols: g, data, names: Array.from({ length: g }, (_, j) => `${prefix}=${j}`) };
  };
  return {
    data: {
      nUsers,
      nItems,
      train: part(0, Math.floor(n * 0.7)),
      validation: part(Math.floor(n * 0.7), Math.floor(n * 0.8)),
      userFeatures: oneHot(gu, groupsU, 'group'),
      itemFeatures: oneHot(gi, groupsI, 'kind'),
      itemTitles: Array.from({ length: nItems }, (_, i) => `Item ${i + 1}`),
      source: { dataset: 'synthetic', split: 's1', files: {} },
    },
    test: part(Math.floor(n * 0.8), n),
  };
}

/** RMSE of predicting the mean training rating for every test rating. */
export function meanRmse(train: Ratings, test: Ratings): number {
  const mean = train.rating.reduce((a, b) => a + b, 0) / train.rating.length;
  return Math.sqrt(test.rating.reduce((a, r) => a + (r - mean) ** 2, 0) / test.rating.length);
}

/** The synthetic problem with the encoders that name its one-hot feature columns, and a 1..5 scale. */
export function withEncoders(data: RecommenderData): RecommenderData {
  const levels = (n: number): string[] => Array.from({ length: n }, (_, k) => String(k));
  return {
    ...data,
    userEncoder: tableEncoder([{ kind: 'category', name: 'group', label: 'group', levels: levels(4), other: false }]),
    itemEncoder: tableEncoder([{ kind: 'category', name: 'kind', label: 'kind', levels: levels(3), other: false }]),
    scale: { min: 1, max: 5, step: 1 },
  };
}
