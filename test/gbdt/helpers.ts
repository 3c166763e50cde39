/** Shared fixtures for the gbdt tests: seeded synthetic data and access to Python's xgboost for parity checks. */
import { spawnSync } from 'node:child_process';
import type { Float32Matrix } from '../../src/core/types.js';
import { type DataIterCallbacks, loadXGBoost } from '../../src/gbdt/library.js';

/** mulberry32: a tiny seeded generator, so fixtures are identical on every run. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal deviate from a uniform source (Box–Muller). */
export function normal(u: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** The target of {@link nonlinear} without noise. */
export function truth(x: Float32Array, i: number, cols: number): number {
  const r = i * cols;
  return Math.sin(2 * x[r]!) + x[r + 1]! * x[r + 2]! + 0.5 * Math.abs(x[r + 3]!) + (x[r + 4]! > 0.3 ? 1 : 0);
}

/**
 * A nonlinear regression problem: features uniform in [-1.5, 1.5], y = sin(2 x0) + x1 x2 + |x3| / 2 + [x4 > 0.3]
 * plus Gaussian noise; a fraction of feature values is NaN (missing) to exercise that path too.
 */
export function nonlinear(
  rows: number,
  cols: number,
  seed: number,
  opts: { noise?: number; missing?: number } = {},
): { X: Float32Matrix; y: Float32Array } {
  const u = rng(seed);
  const data = new Float32Array(rows * cols);
  for (let i = 0; i < data.length; i++) data[i] = (u() * 3 - 1.5) as number;
  const y = new Float32Array(rows);
  for (let i = 0; i < rows; i++) y[i] = truth(data, i, cols) + (opts.noise ?? 0.1) * normal(u);
  // Blank features only after computing y, so the label still depends on the hidden value.
  if (opts.missing) for (let i = 0; i < data.length; i++) if (u() < opts.missing) data[i] = Number.NaN;
  return { X: { rows, cols, data }, y };
}

/** Root-mean-square difference. */
export function rmse(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(s / a.length);
}

/** Standard deviation. */
export function std(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m += a[i]!;
  m /= a.length;
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i]! - m) ** 2;
  return Math.sqrt(s / a.length);
}

/** Largest absolute difference. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i]! - b[i]!));
  return d;
}

/** A Python with xgboost, and its version, or the reason there is none. */
export function findPythonXGBoost(): { python: string; version: string } | { reason: string } {
  const candidates = [process.env.XGBOOST_PYTHON, '/usr/bin/python3', 'python3'].filter((p): p is string => Boolean(p));
  const reasons: string[] = [];
  for (const python of candidates) {
    const r = spawnSync(python, ['-c', 'import xgboost, numpy; print(xgboost.__version__)'], { encoding: 'utf8' });
    if (r.status === 0) return { python, version: r.stdout.trim() };
    reasons.push(`${python}: ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`);
  }
  return { reason: `no Python with xgboost and numpy (${reasons.join('; ')})` };
}

/** Counts callback registrations and releases on the shared library object. */
export function spyCallbacks(): { registered: number; released: number; restore(): void } {
  const xgb = loadXGBoost();
  const original = xgb.dataIterCallbacks;
  const counts = { registered: 0, released: 0, restore: () => Object.assign(xgb, { dataIterCallbacks: original }) };
  Object.assign(xgb, {
    dataIterCallbacks: (next: () => number, reset: () => void): DataIterCallbacks => {
      const cb = original(next, reset);
      counts.registered++;
      return { ...cb, release: () => { counts.released++; cb.release(); } };
    },
  });
  return counts;
}
