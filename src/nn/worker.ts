/**
 * Worker-thread entry of {@link trainAutoencoderInWorker}: trains one module with the data and config it is
 * given, posts every epoch's progress, then the trained module as plain data (its buffers transferred, not copied).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../core/errors.js';
import type { WorkerInput, WorkerMessage } from './parallel.js';
import { trainAutoencoder } from './train.js';

const port = parentPort;
if (!port) throw new Error('src/nn/worker.js is a worker-thread entry; use trainAutoencoderInWorker');
const post = (m: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
const { data, config, initialParams, streamThresholdBytes, blockCols } = workerData as WorkerInput;
try {
  const trained = await trainAutoencoder(data, config, { onEpoch: (info) => post({ type: 'epoch', info }), initialParams, streamThresholdBytes, blockCols });
  const state = trained.toState();
  const buffers = [state.params, state.embeddings.data, state.attended?.data, state.history.trainLoss, state.history.validationRmse];
  // transfer only buffers an array owns whole (never a view into kernel memory); the rest are copied
  const owned = buffers.flatMap((b) => (b && b.buffer instanceof ArrayBuffer && b.byteLength === b.buffer.byteLength ? [b.buffer] : []));
  const transfer = [...new Set(owned)];
  post({ type: 'done', state }, transfer);
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err));
  // issue paths may hold symbols, which cannot cross a thread boundary
  const issues = e instanceof InputError ? e.issues.map((i) => ({ ...i, path: i.path.map((k) => (typeof k === 'symbol' ? String(k) : k)) })) : undefined;
  post({ type: 'error', name: e.name, message: e.message, issues });
}
