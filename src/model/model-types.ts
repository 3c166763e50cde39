/**
 * The RSAttAE model's data: what a fit learns from ({@link RecommenderData}, with its {@link DataSource}), what it
 * reports ({@link FitProgress}, {@link FitReport}) and what a trained model holds ({@link ModelParts}, what a bundle
 * stores). Types only, below the model class (rsattae.ts), so that the bundle store, the training of the sides and
 * the incremental update can name them without importing the class that imports them.
 */
import type { CsrMatrix } from '../core/types.js';
import type { IdMap, RatingScale } from '../data/dataset.js';
import type { DatasetDescriptor } from '../data/descriptor.js';
import type { TableEncoder } from '../data/encoding.js';
import type { XGBRegressor } from '../gbdt/index.js';
import type { SplitData, TrainedAutoencoder } from '../nn/index.js';
import type { RowBlocks } from './booster-rows.js';
import type { DefaultsProfile, RSAttAEConfig } from './rsattae-config.js';
import type { Blend, StackReport } from './stack.js';

/** What {@link RSAttAE.fit} learns from: one split of a ratings dataset with side information. */
export interface RecommenderData extends SplitData {
  /** External user ids ↔ indices; default `"1"`…`"nUsers"` (1-based, as MovieLens numbers them). */
  readonly users?: IdMap;
  /** External item ids ↔ indices; default `"1"`…`"nItems"`. */
  readonly items?: IdMap;
  /** Item titles by index, shown by recommend. */
  readonly itemTitles?: readonly string[];
  /** Encoders that made the feature matrices, kept for cold start. */
  readonly userEncoder?: TableEncoder;
  readonly itemEncoder?: TableEncoder;
  /** The rating scale, recorded in the bundle. */
  readonly scale?: RatingScale;
  /** Where the data came from, recorded in a saved bundle. */
  readonly source?: DataSource;
}

/** Provenance of the training data. */
export interface DataSource {
  readonly dataset: string;
  readonly split: string;
  /** SHA-256 of each input file by name. */
  readonly files: Readonly<Record<string, string>>;
  /** The dataset descriptor it was read with, so `evaluate` can rebuild the same test set. */
  readonly descriptor?: unknown;
  /** Ratings files added since by `update`, in order (see incremental-update.ts), so a later update can rebuild all ratings. */
  readonly updates?: readonly UpdateRecord[];
}

/** A ratings file added by an update, recorded in the new bundle so the next update can read it again. */
export interface UpdateRecord {
  /** Absolute path of the file. */
  readonly file: string;
  /** SHA-256 of its bytes when it was added. */
  readonly sha256: string;
  /** The reading options it was read with (descriptor fields: sep, header, encoding, duplicates, columns). */
  readonly reading: Partial<DatasetDescriptor>;
}

/** Progress of {@link RSAttAE.fit}, one event per epoch or boosting round. */
export type FitProgress =
  | {
      readonly stage: 'users' | 'movies';
      readonly epoch: number;
      readonly epochs: number;
      readonly trainLoss: number;
      readonly validationRmse: number;
      readonly bestValidationRmse: number;
    }
  | { readonly stage: 'xgboost'; readonly iteration: number; readonly nIterations: number; readonly train: number; readonly eval?: number };

/** What one autoencoder's training came to. */
export interface AutoencoderSummary {
  readonly model: 'attention' | 'vanilla';
  readonly dim: number;
  readonly epochs: number;
  readonly bestEpoch: number;
  readonly bestValidationRmse: number;
  readonly msPerEpoch: number;
  readonly alpha: number | null;
  /** G, distinct feature rows the attention groups entities by (null for the vanilla model). */
  readonly groups: number | null;
  /** Early stopping in effect: epochs without a better validation RMSE before stopping, null = never (unset or 0). */
  readonly patience: number | null;
  readonly seconds: number;
}

/** What the booster stage chose on validation, with the figures that decided it. */
export interface FitChoices {
  /**
   * The validation rows the figures are on: 'held-out' (embedded from the train ratings alone, as a test pair is:
   * honest) or 'in-sample' (the paper's: each validation rating is in the input that embeds it, so the figures are
   * optimistic).
   */
  readonly validationRows: 'in-sample' | 'held-out';
  /** Trees the booster kept (early stopping picks the best round on validation) of at most `max`. */
  readonly trees: { readonly used: number; readonly max: number; readonly earlyStoppingRounds: number | null };
  /** The stack's choices (config `blend`): stacker, members' and cold rules' cross-fitted validation RMSEs. */
  readonly stack?: StackReport;
}

/** Metrics and timings of a fit. */
export interface FitReport {
  /**
   * Whose defaults filled the unset fields: the paper's, or the large-data ones (see `LARGE_DATA_FROM`);
   * 'inherited' for an update, which keeps its model's configuration.
   */
  readonly defaults: DefaultsProfile | 'inherited';
  /** The model's validation RMSE and MAE: cross-fitted for a stack, on the rows `choices.validationRows` says. */
  readonly validation: { readonly rmse: number; readonly mae: number };
  /** What was chosen on validation (absent for an update, which keeps its model's choices). */
  readonly choices?: FitChoices;
  readonly autoencoders: { readonly users: AutoencoderSummary; readonly movies: AutoencoderSummary };
  readonly seconds: { readonly users: number; readonly movies: number; readonly xgboost: number; readonly total: number };
  /** Learning curves of both autoencoders (paper Fig. 4B). */
  readonly curves: {
    readonly users: { readonly trainLoss: Float32Array; readonly validationRmse: Float32Array };
    readonly movies: { readonly trainLoss: Float32Array; readonly validationRmse: Float32Array };
  };
}

/** Everything a trained model holds; what a bundle stores. */
export interface ModelParts {
  readonly config: RSAttAEConfig;
  readonly nUsers: number;
  readonly nItems: number;
  /** External ids ↔ indices. */
  readonly users: IdMap;
  readonly items: IdMap;
  readonly blocks: RowBlocks;
  /** Items each user rated in train + validation (rows = users), excluded by recommend. */
  readonly seen: CsrMatrix;
  readonly xgb: XGBRegressor;
  /** The baselines blended with the booster and their weights (config `blend`). */
  readonly blend?: Blend;
  readonly userAutoencoder?: TrainedAutoencoder;
  readonly itemAutoencoder?: TrainedAutoencoder;
  readonly itemTitles?: readonly string[];
  readonly userEncoder?: TableEncoder;
  readonly itemEncoder?: TableEncoder;
  readonly scale?: RatingScale;
  readonly source?: DataSource;
  readonly report?: FitReport;
}
