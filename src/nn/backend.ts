/**
 * Backend selection. `wasm` (default): the autoencoder kernels run as WebAssembly SIMD, and tfjs (used by the ADOPT
 * optimizer class and tests) uses its wasm backend; `cpu`: plain TypeScript kernels and the tfjs cpu backend.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { createJsContext, type KernelContext } from './kernels.js';
import { createWasmContext, wasmKernelsAvailable } from './wasm-kernels.js';

/** Compute backend name. */
export type BackendName = 'wasm' | 'cpu';

let tfBackend: Promise<void> | undefined;
let tfBackendName: BackendName | undefined;

/**
 * Prepares tfjs for `name` (registers the backend, locates the wasm binaries under Node) and checks that the
 * autoencoder's own kernels can run. Idempotent; calling it with another name switches the tfjs backend.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (name === 'wasm' && !wasmKernelsAvailable()) throw new Error('WebAssembly SIMD is not available in this runtime; use backend "cpu"');
  if (tfBackend && tfBackendName === name) return tfBackend;
  tfBackendName = name;
  tfBackend = (async () => {
    if (name === 'wasm') {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      const require = createRequire(import.meta.url);
      // Node cannot fetch the .wasm files relative to the bundle: point tfjs at the package's dist folder
      wasm.setWasmPaths(`${join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
    } else {
      await import('@tensorflow/tfjs-backend-cpu');
    }
    if (!(await tf.setBackend(name))) throw new Error(`tfjs backend ${name} failed to initialise`);
    await tf.ready();
  })();
  return tfBackend;
}

/** A kernel context of `bytes` capacity for the backend (the wasm one sizes its memory once). */
export function createContext(name: BackendName, bytes: number): KernelContext {
  return name === 'wasm' ? createWasmContext(bytes) : createJsContext();
}
