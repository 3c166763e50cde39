/**
 * The RSAttAE neural module: sparse-first training of the attention (or vanilla) autoencoder of one side, its
 * embeddings, and save/load. See `train.ts` for the training procedure, `network.ts` for the network and its kernels
 * and `autoencoder-config.ts` for the hyper-parameters' schema.
 */

export {
  type AdoptConfig,
  type AutoencoderConfig,
  autoencoderConfigSchema,
  autoencoderSettingsSchema,
  defaultAdoptConfig,
  defaultAutoencoderConfig,
  resolveAutoencoderConfig,
} from './autoencoder-config.js';
export { type BackendName, initBackend } from './backend.js';
export { BLOCK_COLS, chooseOrientation, type Orientation, STREAM_THRESHOLD_BYTES } from './network.js';
export { trainAutoencoderInWorker } from './parallel.js';
export { extendParams, type ModelShape } from './param-layout.js';
export { type Side, type SplitData, sideData } from './side-data.js';
export {
  type EpochInfo,
  loadAutoencoder,
  type SideData,
  TrainedAutoencoder,
  type TrainingHistory,
  type TrainOptions,
  trainAutoencoder,
} from './train.js';
