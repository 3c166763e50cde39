/**
 * The RSAttAE neural module: sparse-first training of the attention (or vanilla) autoencoder of one side, its
 * embeddings, and save/load. See `train.ts` for the training procedure and `model.ts` for the network and its kernels.
 */
export { type AdoptConfig, AdoptOptimizer, defaultAdoptConfig } from './adopt.js';
export { type BackendName, initBackend } from './backend.js';
export { trainAutoencoderInWorker } from './parallel.js';
export type { ModelShape } from './params.js';
export { type Side, sideData } from './sides.js';
export {
  type AutoencoderConfig,
  defaultAutoencoderConfig,
  type EpochInfo,
  loadAutoencoder,
  type SideData,
  TrainedAutoencoder,
  type TrainingHistory,
  type TrainOptions,
  trainAutoencoder,
} from './train.js';
