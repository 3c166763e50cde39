/**
 * The booster's view of a cold entity, simulated on validation pairs so that the rule for cold pairs can be chosen
 * on held-out data. A cold entity (no training rating) is embedded from an empty rating row; with Ê the attention
 * then mixes in what its feature group's population reads. To see validation pairs that way, the entities are dealt
 * into folds and each fold's rating rows are emptied in turn (the rest of the population staying as it is), so every
 * entity gets the embedding it would have had with no ratings, among a population that has them.
 */
import { createRng } from '../core/rng.js';
import { deriveSeed } from '../core/seeds.js';
import type { Float32Matrix, Ratings } from '../core/types.js';
import type { XGBRegressor } from '../gbdt/index.js';
import type { TrainedAutoencoder } from '../nn/index.js';
import { type BoosterEmbeddings, boosterEmbeddingBlock } from './booster-embeddings.js';
import { pairRowSource, type RowBlocks } from './booster-rows.js';
import type { ColdBoosterPredictions } from './stack.js';

/** Folds the entities are dealt into: a tenth of a side's population is emptied at a time. */
const COLD_FOLDS = 10;

/** The encoder's output for an empty rating row (the same for every entity: no input, no dropout). */
function emptyRowEmbedding(ae: TrainedAutoencoder): Float32Array {
  const empty = { rows: 1, cols: ae.shape.m, indptr: new Int32Array(2), indices: new Int32Array(0), values: new Float32Array(0) };
  return ae.embed(empty).data;
}

/**
 * Each entity's booster embedding as if it had no ratings, given the population's encoder outputs `e` (of the train
 * ratings) and `features`.
 */
export function coldEmbeddingBlock(ae: TrainedAutoencoder, e: Float32Matrix, features: Float32Matrix, mode: BoosterEmbeddings, seed: number): Float32Matrix {
  const e0 = emptyRowEmbedding(ae);
  const d = e.cols;
  if (mode === 'encoder') {
    const data = new Float32Array(e.rows * d);
    for (let r = 0; r < e.rows; r++) data.set(e0, r * d);
    return { rows: e.rows, cols: d, data };
  }
  const fold = new Uint8Array(e.rows);
  const perm = createRng(seed).permutation(e.rows);
  for (let j = 0; j < perm.length; j++) fold[perm[j]] = j % COLD_FOLDS;
  let out: Float32Matrix | undefined;
  for (let f = 0; f < Math.min(COLD_FOLDS, e.rows); f++) {
    const emptied = e.data.slice();
    for (let r = 0; r < e.rows; r++) if (fold[r] === f) emptied.set(e0, r * d);
    const block = boosterEmbeddingBlock(ae, { rows: e.rows, cols: d, data: emptied }, features, mode);
    out ??= { rows: e.rows, cols: block.cols, data: new Float32Array(e.rows * block.cols) };
    for (let r = 0; r < e.rows; r++) if (fold[r] === f) out.data.set(block.data.subarray(r * block.cols, (r + 1) * block.cols), r * block.cols);
  }
  return out!;
}

/**
 * The booster's predictions of the `validation` pairs with the user, the item and both scored as cold, given the
 * held-out encoder outputs of each side (`eUsers`, `eItems`: of the train ratings alone) and the held-out blocks.
 */
export function coldBoosterPredictions(
  xgb: XGBRegressor,
  heldOut: RowBlocks,
  sides: { readonly users: TrainedAutoencoder; readonly items: TrainedAutoencoder; readonly eUsers: Float32Matrix; readonly eItems: Float32Matrix },
  mode: BoosterEmbeddings,
  validation: Ratings,
  seed: number,
): ColdBoosterPredictions {
  const coldUsers = coldEmbeddingBlock(sides.users, sides.eUsers, heldOut.userFeatures, mode, deriveSeed(seed, 'coldUsers'));
  const coldItems = coldEmbeddingBlock(sides.items, sides.eItems, heldOut.itemFeatures, mode, deriveSeed(seed, 'coldItems'));
  const predict = (blocks: RowBlocks): Float32Array => xgb.predict(pairRowSource(validation.user, validation.item, blocks));
  return {
    user: predict({ ...heldOut, userEmbeddings: coldUsers }),
    item: predict({ ...heldOut, itemEmbeddings: coldItems }),
    both: predict({ ...heldOut, userEmbeddings: coldUsers, itemEmbeddings: coldItems }),
  };
}
