/**
 * Seeded pseudo-random numbers that give the same sequence on every machine and Node version: all arithmetic is
 * 32-bit integer (Math.imul, shifts), so no platform float differences can creep in (except {@link Rng.nextNormal},
 * which uses Math.log/cos; V8 implements those in software (fdlibm port), so they are stable across platforms too).
 */

/** A seeded generator; see {@link createRng}. */
export interface Rng {
  /** Next 32-bit unsigned integer in [0, 2^32). */
  nextUint32(): number;
  /** Next float in [0, 1) with 32 random bits. */
  next(): number;
  /** Unbiased integer in [0, n) (rejection sampling); n must be an integer in [1, 2^32]. */
  nextInt(n: number): number;
  /** A standard normal deviate (Box–Muller, one deviate per two uniforms, nothing cached). */
  nextNormal(): number;
  /** Fisher–Yates (Durstenfeld) shuffle in place, iterating i = n-1 down to 1 with j = nextInt(i + 1); returns `a`. */
  shuffle<A extends { length: number; [index: number]: unknown }>(a: A): A;
  /** A uniformly random permutation of 0..n-1 (identity then {@link Rng.shuffle}). */
  permutation(n: number): Int32Array;
  /** The internal 32-bit state; `createRng(0, state)` resumes the sequence exactly. */
  readonly state: number;
}

const TWO_32 = 4294967296;

/** Folds any safe integer seed into 32 bits; the high word is mixed in so that e.g. 1 and 2^32 + 1 differ. */
function seedToState(seed: number): number {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  const lo = seed >>> 0;
  const hi = Math.floor(seed / TWO_32) >>> 0;
  return (lo ^ Math.imul(hi, 0x9e3779b9)) >>> 0;
}

/**
 * Creates a mulberry32 generator (Tommy Ettinger's 32-bit state generator: add the Weyl constant 0x6D2B79F5, then
 * an xorshift-multiply output hash). Period 2^32, passes gjrand/PractRand up to a few GB, which is ample for
 * shuffles and weight initialisation. The same seed yields the same stream everywhere.
 *
 * @param seed any safe integer (negative and > 2^32 values are folded to 32 bits)
 * @param state resume from a saved {@link Rng.state} instead of seeding (then `seed` is ignored)
 */
export function createRng(seed: number, state?: number): Rng {
  let a = state === undefined ? seedToState(seed) : state >>> 0;

  const nextUint32 = (): number => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
  const next = (): number => nextUint32() / TWO_32;
  const nextInt = (n: number): number => {
    if (!Number.isInteger(n) || n < 1 || n > TWO_32) throw new RangeError(`nextInt bound must be an integer in [1, 2^32], got ${n}`);
    // reject the top sliver of the 32-bit range so every residue is equally likely
    const limit = TWO_32 - (TWO_32 % n);
    let x = nextUint32();
    while (x >= limit) x = nextUint32();
    return x % n;
  };
  const shuffle = <A extends { length: number; [index: number]: unknown }>(arr: A): A => {
    for (let i = arr.length - 1; i > 0; i--) {
      const j = nextInt(i + 1);
      const tmp = arr[i];
      arr[i] = arr[j];
      arr[j] = tmp;
    }
    return arr;
  };
  return {
    nextUint32,
    next,
    nextInt,
    nextNormal(): number {
      const u1 = 1 - next(); // (0, 1], so log is finite
      const u2 = next();
      return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
    },
    shuffle,
    permutation(n: number): Int32Array {
      const p = new Int32Array(n);
      for (let i = 0; i < n; i++) p[i] = i;
      return shuffle(p);
    },
    get state(): number {
      return a >>> 0;
    },
  };
}
