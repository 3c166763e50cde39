/**
 * Backend selection. `wasm` (default): the autoencoder kernels run as WebAssembly SIMD; `cpu`: plain TypeScript
 * kernels. Nothing here (or anywhere in src/) uses tfjs at run time: tfjs is the tests' oracle only.
 */
import type { BackendName } from './autoencoder-config.js';
import { createJsContext, type KernelContext } from './kernels.js';
import { createWasmContext, wasmKernelsAvailable } from './wasm-kernels.js';

export type { BackendName } from './autoencoder-config.js';

/**
 * Checks that the kernels of `name` can run in this runtime (WebAssembly SIMD for `wasm`). Optional: training fails
 * the same way without it; calling it first reports the problem before any data is loaded.
 */
export async function initBackend(name: BackendName = 'wasm'): Promise<void> {
  if (name === 'wasm' && !wasmKernelsAvailable()) throw new Error('WebAssembly SIMD is not available in this runtime; use backend "cpu"');
}

/** A kernel context of `bytes` capacity for the backend (the wasm one sizes its memory once). */
export function createContext(name: BackendName, bytes: number): KernelContext {
  return name === 'wasm' ? createWasmContext(bytes) : createJsContext();
}
