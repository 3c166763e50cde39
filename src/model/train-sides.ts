/** Training of both autoencoders, at once in two worker threads or one after the other: shared by fit and update. */
import { availableParallelism } from 'node:os';
import { deriveSeed } from '../core/seeds.js';
import { type AutoencoderConfig, type SplitData, sideData, type TrainedAutoencoder, trainAutoencoder, trainAutoencoderInWorker } from '../nn/index.js';
import type { FitProgress } from './model-types.js';

/** Options of {@link trainSides}. */
export interface TrainSidesOptions {
  /** In two worker threads when the machine has 2+ cores (`'always'`: even on one). */
  readonly parallel: boolean | 'always';
  /** The pipeline's seed; each module's is derived from it (see SEED_STREAMS). */
  readonly seed: number;
  /** A warm start per module (see extendParams), given the module's seed; undefined = the seeded initialisation. */
  readonly initialParams?: (side: 'users' | 'movies', seed: number) => Float32Array | undefined;
  readonly onStage?: (stage: 'users' | 'movies') => void;
  readonly onProgress?: (p: FitProgress) => void;
}

/** Both modules trained on `data` with `config`, each with its wall time in seconds. */
export async function trainSides(
  data: SplitData,
  config: Partial<AutoencoderConfig>,
  opts: TrainSidesOptions,
): Promise<{ users: [TrainedAutoencoder, number]; movies: [TrainedAutoencoder, number] }> {
  const parallel = opts.parallel === 'always' || (opts.parallel && availableParallelism() > 1);
  const train = parallel ? trainAutoencoderInWorker : trainAutoencoder;
  // one failing module stops the other instead of leaving it to run on
  const abort = new AbortController();
  const trainSide = async (side: 'users' | 'movies'): Promise<[TrainedAutoencoder, number]> => {
    // distinct seeds so the two modules don't draw the same initialisation and dropout streams
    const seed = deriveSeed(opts.seed, side === 'users' ? 'usersModule' : 'moviesModule');
    opts.onStage?.(side);
    const start = performance.now();
    try {
      const trained = await train(
        sideData(data, side),
        { ...config, seed },
        { onEpoch: (e) => opts.onProgress?.({ stage: side, ...e }), signal: abort.signal, initialParams: opts.initialParams?.(side, seed) },
      );
      return [trained, (performance.now() - start) / 1000];
    } catch (err) {
      abort.abort(err);
      throw err;
    }
  };
  const [users, movies] = parallel ? await Promise.all([trainSide('users'), trainSide('movies')]) : [await trainSide('users'), await trainSide('movies')];
  return { users, movies };
}
