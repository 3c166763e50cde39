import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { KERNELS_C_SHA256, KERNELS_WASM_BASE64 } from '../../src/nn/wasm-binary.js';

// dist/test/nn/ → the repository root
const kernelsC = new URL('../../../src/nn/wasm/kernels.c', import.meta.url);

test('the committed wasm module was built from the current kernels.c (else run scripts/build-nn-wasm.sh)', () => {
  const sha = createHash('sha256').update(readFileSync(kernelsC)).digest('hex');
  assert.equal(sha, KERNELS_C_SHA256, 'src/nn/wasm/kernels.c changed since src/nn/wasm-binary.ts was generated');
});

test('the committed module is a valid WebAssembly binary', () => {
  const bytes = Buffer.from(KERNELS_WASM_BASE64, 'base64');
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d]);
  const wasm = (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly;
  assert.ok(wasm.validate(bytes));
});
