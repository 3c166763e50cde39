/**
 * `rsattae/autoencoder`: One side's attention (or vanilla) autoencoder: training, its configuration, and saved weights.
 * @packageDocumentation
 */
export { type AutoencoderConfig, defaultAutoencoderConfig, type EpochInfo, loadAutoencoder, type SideData, TrainedAutoencoder, type TrainingHistory, trainAutoencoder } from '../nn/index.js';
