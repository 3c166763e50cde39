/**
 * The shared datasets' descriptors (bench/real/datasets.ts) read what ../shared/datasets/README.md says each folder
 * holds: the number of ratings, of users and items, the test file's size, the rating scale and the feature tables.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { SHARED_DATASETS, SHARED_FOLDERS, type SharedDataset, sharedDescriptor } from '../../bench/real/datasets.js';
import type { Ratings } from '../../src/core/types.js';
import type { RatingScale } from '../../src/data/dataset.js';
import { readDescriptorFile } from '../../src/data/descriptor.js';
import { loadData } from '../../src/model/prepare-data.js';
import { needsSharedData, REPO_ROOT, sharedDataDir, tempDir } from './helpers.js';

/** What each dataset should load as. */
interface Expected {
  /** All ratings, test included (README: ratings). */
  readonly ratings: number;
  /** The given test file's ratings, or the split's share for the random ones. */
  readonly test: number;
  /** Users and items with at least one rating (README: users × items). */
  readonly rated: readonly [number, number];
  /** The id maps: also holds feature-table rows without ratings (ML-1M's movies.dat lists 3,883 movies). */
  readonly ids: readonly [number, number];
  readonly scale: RatingScale;
  /** Feature tables present: users, items. */
  readonly features: readonly [boolean, boolean];
  /** Whether the test set has pairs with a user or item unseen in train + validation. */
  readonly cold: boolean;
}

const STARS: RatingScale = { min: 1, max: 5, step: 1 };

/**
 * Where a figure is not the README's: Flixster and Yahoo! Music's README users × items is the 3,000 × 3,000 matrix
 * they are cut from, and fewer ids have a rating (their SOURCE.txt's non-empty rows and columns); Epinions' 922,267
 * rows hold 912,441 distinct pairs (the descriptor merges the repeats); Coat's 366 pairs in both files leave the
 * training side. A random split's test is 10 %, rounded as splitRatings does.
 */
const EXPECTED: Record<SharedDataset, Expected> = {
  'ml-100k-u1': { ratings: 100_000, test: 20_000, rated: [943, 1_682], ids: [943, 1_682], scale: STARS, features: [true, true], cold: true },
  'ml-100k-u2': { ratings: 100_000, test: 20_000, rated: [943, 1_682], ids: [943, 1_682], scale: STARS, features: [true, true], cold: true },
  'ml-100k-u3': { ratings: 100_000, test: 20_000, rated: [943, 1_682], ids: [943, 1_682], scale: STARS, features: [true, true], cold: true },
  'ml-100k-u4': { ratings: 100_000, test: 20_000, rated: [943, 1_682], ids: [943, 1_682], scale: STARS, features: [true, true], cold: true },
  'ml-100k-u5': { ratings: 100_000, test: 20_000, rated: [943, 1_682], ids: [943, 1_682], scale: STARS, features: [true, true], cold: true },
  'ml-1m': { ratings: 1_000_209, test: 100_021, rated: [6_040, 3_706], ids: [6_040, 3_883], scale: STARS, features: [true, true], cold: true },
  flixster: { ratings: 23_556 + 2_617, test: 2_617, rated: [2_341, 2_956], ids: [2_341, 2_956], scale: { min: 0.5, max: 5, step: 0.5 }, features: [false, false], cold: true },
  'yahoo-music': { ratings: 4_802 + 533, test: 533, rated: [1_357, 1_363], ids: [1_357, 1_363], scale: { min: 1, max: 100, step: 1 }, features: [false, false], cold: true },
  epinions: { ratings: 912_441, test: 91_244, rated: [22_164, 296_277], ids: [22_164, 296_277], scale: STARS, features: [false, false], cold: true },
  yelp: { ratings: 198_397, test: 19_840, rated: [16_239, 14_284], ids: [16_239, 14_284], scale: STARS, features: [false, true], cold: true },
  coat: { ratings: 6_960 - 366 + 4_640, test: 4_640, rated: [290, 300], ids: [290, 300], scale: STARS, features: [true, true], cold: false },
};

const FOLDERS = SHARED_DATASETS.map((d) => SHARED_FOLDERS[d]);

/** Distinct users and items over some ratings. */
function distinct(parts: readonly Ratings[]): [number, number] {
  const users = new Set<number>();
  const items = new Set<number>();
  for (const r of parts) {
    for (const u of r.user) users.add(u);
    for (const i of r.item) items.add(i);
  }
  return [users.size, items.size];
}

describe('the shared datasets load as their README describes', { skip: needsSharedData(FOLDERS) }, () => {
  const dataDir = (): string => sharedDataDir(FOLDERS)!;

  for (const name of SHARED_DATASETS) {
    test(name, async () => {
      const want = EXPECTED[name];
      const p = await loadData(sharedDescriptor(name, dataDir()), { dataDir: dataDir(), fetch: false, seed: 42 });
      const { train, validation } = p.data;
      assert.equal(train.rating.length + validation.rating.length + p.test.rating.length, want.ratings, 'ratings');
      assert.equal(p.test.rating.length, want.test, 'test ratings');
      assert.deepEqual(distinct([train, validation, p.test]), want.rated, 'rated users × items');
      assert.deepEqual([p.data.nUsers, p.data.nItems], want.ids, 'id maps');
      assert.deepEqual(p.data.scale, want.scale, 'rating scale');
      assert.deepEqual([p.dataset.userFeatures !== undefined, p.dataset.itemFeatures !== undefined], want.features, 'feature tables');
      assert.equal(p.coldTest.ratings > 0, want.cold, `cold test pairs: ${JSON.stringify(p.coldTest)}`);
      for (const r of [train, validation, p.test]) {
        for (const x of r.rating) assert.ok(x >= want.scale.min && x <= want.scale.max, `rating ${x} off the scale`);
      }
    });
  }

  test("ml-1m reads ml-1m-nots/dataset.json's way (it only adds the scale)", async () => {
    const own = await readDescriptorFile(join(dataDir(), 'ml-1m-nots', 'dataset.json'));
    const { name: _a, ratingScale: _b, ...ours } = sharedDescriptor('ml-1m', dataDir());
    const { name: _c, ...theirs } = own;
    assert.deepEqual(ours, theirs);
  });
});

describe('bench/real on Coat: one JSON line per result, a summary, a rerun skips what is done', { skip: needsSharedData(['coat']) }, () => {
  test('two baselines, run twice', async () => {
    const tmp = await tempDir();
    try {
      const out = join(tmp.path, 'results.jsonl');
      const bench = (): { status: number | null; stdout: string; stderr: string } =>
        spawnSync(
          process.execPath,
          [join(REPO_ROOT, 'dist', 'bench', 'real', 'bench.js'), '--datasets', 'coat', '--seeds', '42', '--methods', 'global-mean,baseline-only', '--data-dir', sharedDataDir(['coat'])!, '--out', out],
          { encoding: 'utf8' },
        );
      const first = bench();
      assert.equal(first.status, 0, first.stderr);
      const lines = (await readFile(out, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as { method: string; test: { rmse: number; count: number }; cold: unknown });
      assert.deepEqual(lines.map((l) => l.method), ['global-mean', 'baseline-only']);
      assert.ok(lines.every((l) => l.test.count === 4_640 && l.cold === null && l.test.rmse > 0));
      const summary = JSON.parse(first.stdout) as { datasets: { coat: { sameSplit: boolean; bestBaseline: { method: string }; rsattaeAtMostBestBaseline: null } } };
      assert.equal(summary.datasets.coat.sameSplit, true);
      assert.equal(summary.datasets.coat.bestBaseline.method, lines[0].test.rmse < lines[1].test.rmse ? 'global-mean' : 'baseline-only');
      assert.equal(summary.datasets.coat.rsattaeAtMostBestBaseline, null);
      const again = bench();
      assert.equal(again.status, 0, again.stderr);
      assert.equal((again.stderr.match(/already/g) ?? []).length, 2, again.stderr);
      assert.equal((await readFile(out, 'utf8')).trim().split('\n').length, 2);
    } finally {
      await tmp.cleanup();
    }
  });
});
