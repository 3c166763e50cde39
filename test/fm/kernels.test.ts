/**
 * The FM's WebAssembly kernels against their TypeScript oracle (src/fm/kernels.ts) on random blocks, the committed
 * module against its kernels.c, and whole fits on both backends: the same samples, bit for bit.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { createRng } from 'rsattae/data';
import { createFmWasmContext, type FmContext, fitBfm, fmWasmAvailable, jsFmContext } from '../../src/fm/index.js';
import { FM_KERNELS_C_SHA256, FM_KERNELS_WASM_BASE64 } from '../../src/fm/wasm-binary.js';

// dist/test/fm/ → the repository root
const kernelsC = new URL('../../../src/fm/wasm/kernels.c', import.meta.url);

test('the committed FM module was built from the current kernels.c (else run scripts/build-nn-wasm.sh fm)', () => {
  const sha = createHash('sha256').update(readFileSync(kernelsC)).digest('hex');
  assert.equal(sha, FM_KERNELS_C_SHA256, 'src/fm/wasm/kernels.c changed since src/fm/wasm-binary.ts was generated');
  const bytes = Buffer.from(FM_KERNELS_WASM_BASE64, 'base64');
  assert.ok((globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes));
});

/** A random block of `entities` rows over `columns` columns, its transpose, and `n` rows' entities (some -1). */
function randomCase(ctx: FmContext, seed: number) {
  const rng = createRng(seed);
  const entities = 37;
  const columns = 23;
  const n = 301;
  const k = 5;
  const rows: [number, number][][] = Array.from({ length: entities }, () => []);
  for (let e = 0; e < entities; e++) for (let c = 0; c < columns; c++) if (rng.next() < 0.3) rows[e].push([c, rng.nextNormal()]);
  const nnz = rows.reduce((s, r) => s + r.length, 0);
  const indptr = ctx.i32(entities + 1);
  const indices = ctx.i32(nnz);
  const values = ctx.f64(nnz);
  let p = 0;
  rows.forEach((r, e) => {
    for (const [c, x] of r) {
      indices[p] = c;
      values[p++] = x;
    }
    indptr[e + 1] = p;
  });
  const colptr = ctx.i32(columns + 1);
  const entity = ctx.i32(nnz);
  const value = ctx.f64(nnz);
  let at = 0;
  for (let c = 0; c < columns; c++) {
    rows.forEach((r, e) => {
      for (const [cc, x] of r) {
        if (cc !== c) continue;
        entity[at] = e;
        value[at++] = x;
      }
    });
    colptr[c + 1] = at;
  }
  const re = ctx.i32(n);
  for (let i = 0; i < n; i++) re[i] = rng.next() < 0.1 ? -1 : rng.nextInt(entities);
  const card = ctx.f64(entities);
  for (const e of re) if (e >= 0) card[e]++;
  const fill = (a: Float64Array) => {
    for (let i = 0; i < a.length; i++) a[i] = rng.nextNormal();
    return a;
  };
  const groups = ctx.i32(columns);
  for (let c = 0; c < columns; c++) groups[c] = c % 3;
  const lam = ctx.f64(3 * k);
  for (let i = 0; i < lam.length; i++) lam[i] = 0.5 + rng.next();
  return {
    entities, columns, n, k, indptr, indices, values, colptr, entity, value, re, card, groups, lam,
    w: fill(ctx.f64(2 + columns)), v: fill(ctx.f64(k * columns + 3)), mu: fill(ctx.f64(3 * k)), normals: fill(ctx.f64(columns)),
    qt: fill(ctx.f64(n)), e: fill(ctx.f64(n)), target: fill(ctx.f64(n)),
    q: ctx.f64(entities), qs: ctx.f64(entities), sums: ctx.f64(4 * entities), constant: ctx.f64(entities), terms: ctx.f64(entities * k), out: ctx.f64(n),
  };
}

/** Runs every kernel once in sequence on the case, returning every array it touched. */
function runAll(ctx: FmContext, seed: number): Record<string, Float64Array> {
  const c = randomCase(ctx, seed);
  const kern = ctx.kernels;
  kern.blockQ(c.entities, c.indptr, c.indices, c.values, c.v, 3, c.q, c.qs);
  const q0 = c.q.slice();
  kern.addRows(c.n, c.re, c.q, c.qt);
  kern.gatherRows(c.n, c.re, c.q, c.qs, c.qt, c.e, c.sums);
  const sums = c.sums.slice();
  kern.drawColumns(c.columns, c.colptr, c.entity, c.value, c.card, c.q, c.qs, c.sums, c.v, 3, c.groups, c.k, c.lam, c.mu, 1.7, c.normals);
  kern.scatterRows(c.n, c.re, c.q, c.qs, c.qt, c.e);
  kern.entityTerms(c.entities, c.indptr, c.indices, c.values, c.w, 2, c.v, 3, c.columns, c.k, c.constant, c.terms);
  kern.scoreRows(c.n, c.k, 0.3, [{ re: c.re, constant: c.constant, q: c.terms }, { re: c.re, constant: c.constant, q: c.terms }], c.target, c.out);
  return { q0, sums, q: c.q.slice(), qs: c.qs.slice(), v: c.v.slice(), qt: c.qt.slice(), e: c.e.slice(), constant: c.constant.slice(), terms: c.terms.slice(), out: c.out.slice() };
}

describe('FM kernels: WebAssembly against the TypeScript oracle', { skip: !fmWasmAvailable() && !process.env.CI && 'no WebAssembly in this runtime' }, () => {
  test('every kernel gives the oracle’s numbers, bit for bit', () => {
    for (const seed of [1, 2, 3]) {
      const js = runAll(jsFmContext(), seed);
      const wasm = runAll(createFmWasmContext(1 << 20), seed);
      for (const [name, a] of Object.entries(js)) {
        assert.ok(a.some((x) => x !== 0), `${name} was written`);
        assert.deepEqual(wasm[name], a, `${name}, seed ${seed}`);
      }
    }
  });

  test('a fit on either backend draws the same samples', () => {
    const rng = createRng(9);
    const rows: [number, number, number][] = [];
    for (let u = 0; u < 30; u++) for (let i = 0; i < 25; i++) if (rng.next() < 0.4) rows.push([u, i, 1 + rng.nextInt(5)]);
    const data = {
      nUsers: 30,
      nItems: 25,
      train: {
        user: Int32Array.from(rows, (r) => r[0]),
        item: Int32Array.from(rows, (r) => r[1]),
        rating: Float32Array.from(rows, (r) => r[2]),
        timestamp: Int32Array.from(rows, (_, j) => 86_400 * (100 + (j % 9))),
      },
    };
    const a = fitBfm(data, { rank: 4, iterations: 15, samples: 5, seed: 3 }, { backend: 'js' });
    const b = fitBfm(data, { rank: 4, iterations: 15, samples: 5, seed: 3 }, { backend: 'wasm' });
    assert.deepEqual(b.arrays, a.arrays);
    assert.ok(a.samples[4].v.some((x) => Math.abs(x) > 0.05));
  });
});
