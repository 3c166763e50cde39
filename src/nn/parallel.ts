/**
 * Training in a worker thread. One module's kernels use one core, and the user and movie modules are independent,
 * so training them in two workers at once halves the autoencoder wall time on a 2-core machine. Results are
 * identical to {@link trainAutoencoder} in the main thread: the same kernels run on the same inputs.
 */
import { Worker } from 'node:worker_threads';
import { InputError, type InputIssue } from '../core/errors.js';
import type { AutoencoderConfig } from './autoencoder-config.js';
import { type EpochInfo, type SideData, TrainedAutoencoder, type TrainedState, type TrainOptions } from './train.js';

/** @internal What the worker is started with. */
export interface WorkerInput {
  readonly data: SideData;
  readonly config: Partial<AutoencoderConfig>;
  readonly initialParams?: Float32Array;
  readonly streamThresholdBytes?: number;
  readonly blockCols?: number;
}

/** @internal Messages from the worker. */
export type WorkerMessage =
  | { readonly type: 'epoch'; readonly info: EpochInfo }
  | { readonly type: 'done'; readonly state: TrainedState }
  | { readonly type: 'error'; readonly name: string; readonly message: string; readonly issues?: readonly InputIssue[] };

function rebuildError(name: string, message: string, issues: readonly InputIssue[] | undefined): Error {
  // keep the class callers test for: bad configurations and data are InputErrors (exit 2), with their issues
  if (issues) return new InputError(message, { issues });
  if (name === 'RangeError') return new RangeError(message);
  if (name === 'TypeError') return new TypeError(message);
  const e = new Error(message);
  e.name = name;
  return e;
}

/**
 * {@link trainAutoencoder} in a worker thread: same arguments, same result; `onEpoch` runs in this thread. Aborting
 * `signal` terminates the worker and rejects with the signal's reason.
 */
export function trainAutoencoderInWorker(data: SideData, config: Partial<AutoencoderConfig> = {}, opts: TrainOptions = {}): Promise<TrainedAutoencoder> {
  return new Promise((resolve, reject) => {
    const { signal } = opts;
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('training aborted'));
      return;
    }
    const input: WorkerInput = { data, config, initialParams: opts.initialParams, streamThresholdBytes: opts.streamThresholdBytes, blockCols: opts.blockCols };
    const worker = new Worker(new URL('./worker.js', import.meta.url), { workerData: input });
    let settled = false;
    const finish = (settle: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      void worker.terminate();
      settle();
    };
    const onAbort = (): void => finish(() => reject(signal?.reason ?? new Error('training aborted')));
    signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'epoch') {
        try {
          opts.onEpoch?.(m.info);
        } catch (err) {
          finish(() => reject(err));
        }
      } else if (m.type === 'done') finish(() => resolve(new TrainedAutoencoder(m.state)));
      else finish(() => reject(rebuildError(m.name, m.message, m.issues)));
    });
    worker.on('error', (err) => finish(() => reject(err)));
    worker.on('exit', (code) => finish(() => reject(new Error(`autoencoder worker stopped (exit code ${code}) before it finished`))));
  });
}
