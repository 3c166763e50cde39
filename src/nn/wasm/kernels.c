// WebAssembly SIMD kernels of the RSAttAE autoencoder (see src/nn/kernels.ts for the contract of each function).
// Freestanding: no libc, memory imported from JS, all buffers allocated by the caller.
// Build: scripts/build-nn-wasm.sh (clang --target=wasm32 -msimd128; output committed as src/nn/wasm-binary.ts).
#include <wasm_simd128.h>

typedef float f32;
typedef int i32;

#define SLOPE 0.01f
#define BLK 8 /* vectors of 4 floats kept in registers per pass (32 columns) */

static inline v128_t leaky4(v128_t z) {
  v128_t pos = wasm_f32x4_gt(z, wasm_f32x4_splat(0.0f));
  return wasm_v128_bitselect(z, wasm_f32x4_mul(z, wasm_f32x4_splat(SLOPE)), pos);
}

static inline f32 leaky1(f32 z) { return z > 0.0f ? z : z * SLOPE; }

static inline f32 hsum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

// out[0..k) = act(bias + sum_t x_t * w[row_t * k ..]), with the terms given as (row index, value) pairs:
// rows[t] (or t itself when rows == 0) and vals[perm ? perm[t] : t]. Zero values are skipped.
static inline void accum_row(const i32 *rows, const f32 *vals, const i32 *perm, i32 t0, i32 t1, i32 vstride,
                             const f32 *w, i32 k, const f32 *bias, f32 *out, i32 leaky) {
  i32 c = 0;
  for (; c + 4 * BLK <= k; c += 4 * BLK) {
    v128_t acc[BLK];
    for (i32 b = 0; b < BLK; b++) acc[b] = bias ? wasm_v128_load(bias + c + 4 * b) : wasm_f32x4_splat(0.0f);
    for (i32 t = t0; t < t1; t++) {
      f32 x = vals[perm ? perm[t] : t * vstride];
      if (x == 0.0f) continue;
      const f32 *wr = w + (rows ? rows[t] : t - t0) * k + c;
      v128_t xv = wasm_f32x4_splat(x);
      for (i32 b = 0; b < BLK; b++) acc[b] = wasm_f32x4_add(acc[b], wasm_f32x4_mul(xv, wasm_v128_load(wr + 4 * b)));
    }
    for (i32 b = 0; b < BLK; b++) wasm_v128_store(out + c + 4 * b, leaky ? leaky4(acc[b]) : acc[b]);
  }
  for (; c + 4 <= k; c += 4) {
    v128_t acc = bias ? wasm_v128_load(bias + c) : wasm_f32x4_splat(0.0f);
    for (i32 t = t0; t < t1; t++) {
      f32 x = vals[perm ? perm[t] : t * vstride];
      if (x == 0.0f) continue;
      const f32 *wr = w + (rows ? rows[t] : t - t0) * k + c;
      acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_f32x4_splat(x), wasm_v128_load(wr)));
    }
    wasm_v128_store(out + c, leaky ? leaky4(acc) : acc);
  }
  for (; c < k; c++) {
    f32 acc = bias ? bias[c] : 0.0f;
    for (i32 t = t0; t < t1; t++) {
      f32 x = vals[perm ? perm[t] : t * vstride];
      if (x == 0.0f) continue;
      acc += x * w[(rows ? rows[t] : t - t0) * k + c];
    }
    out[c] = leaky ? leaky1(acc) : acc;
  }
}

__attribute__((export_name("spmm"))) void spmm(const i32 *indptr, const i32 *indices, const f32 *vals, const f32 *w,
                                                  i32 k, const f32 *bias, f32 *out, i32 r0, i32 r1, i32 leaky) {
  for (i32 r = r0; r < r1; r++) accum_row(indices, vals, 0, indptr[r], indptr[r + 1], 1, w, k, bias, out + r * k, leaky);
}

__attribute__((export_name("spmmT"))) void spmmT(const i32 *colptr, const i32 *rowidx, const i32 *perm, const f32 *vals,
                                                    const f32 *y, i32 k, f32 *g, i32 c0, i32 c1, f32 *sums) {
  for (i32 c = c0; c < c1; c++) {
    accum_row(rowidx, vals, perm, colptr[c], colptr[c + 1], 1, y, k, 0, g + c * k, 0);
    if (sums) {
      f32 s = 0.0f;
      for (i32 e = colptr[c]; e < colptr[c + 1]; e++) s += vals[perm[e]];
      sums[c] = s;
    }
  }
}

static inline f32 dot(const f32 *a, const f32 *b, i32 k) {
  v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0;
  i32 c = 0;
  for (; c + 8 <= k; c += 8) {
    s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + c), wasm_v128_load(b + c)));
    s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(a + c + 4), wasm_v128_load(b + c + 4)));
  }
  for (; c + 4 <= k; c += 4) s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(a + c), wasm_v128_load(b + c)));
  f32 s = hsum(wasm_f32x4_add(s0, s1));
  for (; c < k; c++) s += a[c] * b[c];
  return s;
}

__attribute__((export_name("sddmm"))) void sddmm(const i32 *indptr, const i32 *indices, const f32 *a, const f32 *b,
                                                    i32 k, const f32 *bias, f32 *out, i32 r0, i32 r1) {
  for (i32 r = r0; r < r1; r++) {
    const f32 *ar = a + r * k;
    for (i32 e = indptr[r]; e < indptr[r + 1]; e++) {
      i32 j = indices[e];
      out[e] = leaky1(dot(ar, b + j * k, k) + bias[j]);
    }
  }
}

// spmmT computed from the rows (see spmmTByRows in kernels.ts): streams y in order and scatters into g, which stays in
// cache. Every element of g sees the same additions in the same order as in spmmT, so results are bit-identical.

// o[0..k) += x * src[0..k)
static inline void axpy(f32 *o, f32 x, const f32 *src, i32 k) {
  v128_t xv = wasm_f32x4_splat(x);
  i32 c = 0;
  for (; c + 4 <= k; c += 4) wasm_v128_store(o + c, wasm_f32x4_add(wasm_v128_load(o + c), wasm_f32x4_mul(xv, wasm_v128_load(src + c))));
  for (; c < k; c++) o[c] += x * src[c];
}

// g[indices[e]] += vals[e] * yr for e0 <= e < e1 (zero values skipped in g, added to the f32 column sums)
static inline void scatter_range(const i32 *indices, const f32 *vals, i32 e0, i32 e1, const f32 *yr, i32 k, f32 *g, f32 *sums) {
  for (i32 e = e0; e < e1; e++) {
    f32 x = vals[e];
    i32 c = indices[e];
    if (sums) sums[c] += x;
    if (x == 0.0f) continue;
    axpy(g + c * k, x, yr, k);
  }
}

__attribute__((export_name("spmmTByRows"))) void spmmTByRows(const i32 *indptr, const i32 *indices, const f32 *vals,
                                                                const f32 *y, i32 k, f32 *g, i32 n, i32 m, f32 *sums) {
  for (i32 t = 0; t < m * k; t++) g[t] = 0.0f;
  if (sums)
    for (i32 c = 0; c < m; c++) sums[c] = 0.0f;
  for (i32 r = 0; r < n; r++) scatter_range(indices, vals, indptr[r], indptr[r + 1], y + r * k, k, g, sums);
}

// Column-blocked kernels (see spmmBlocked etc. in kernels.ts): row r's entries in column block b are the slice
// bp[b*n + r] .. bp[(b+1)*n + r]; walking block by block keeps that block of the column-indexed operand in cache.

__attribute__((export_name("spmmTBlocked"))) void spmmTBlocked(const i32 *bp, i32 blocks, const i32 *indices, const f32 *vals,
                                                                  const f32 *y, i32 k, f32 *g, i32 n, i32 m, f32 *sums) {
  for (i32 t = 0; t < m * k; t++) g[t] = 0.0f;
  if (sums)
    for (i32 c = 0; c < m; c++) sums[c] = 0.0f;
  for (i32 b = 0; b < blocks; b++) {
    const i32 *lo = bp + b * n, *hi = lo + n;
    for (i32 r = 0; r < n; r++) scatter_range(indices, vals, lo[r], hi[r], y + r * k, k, g, sums);
  }
}

// Accumulates into out in place (accum_row with out as its own bias: the same f32 adds as one pass), LeakyReLU last.
__attribute__((export_name("spmmBlocked"))) void spmmBlocked(const i32 *bp, i32 blocks, const i32 *indices, const f32 *vals,
                                                                const f32 *w, i32 k, const f32 *bias, f32 *out, i32 n, i32 leaky) {
  for (i32 r = 0; r < n; r++)
    for (i32 c = 0; c < k; c++) out[r * k + c] = bias ? bias[c] : 0.0f;
  for (i32 b = 0; b < blocks; b++) {
    const i32 *lo = bp + b * n, *hi = lo + n;
    for (i32 r = 0; r < n; r++)
      if (lo[r] < hi[r]) accum_row(indices, vals, 0, lo[r], hi[r], 1, w, k, out + r * k, out + r * k, 0);
  }
  if (leaky)
    for (i32 t = 0; t < n * k; t++) out[t] = leaky1(out[t]);
}

__attribute__((export_name("sddmmBlocked"))) void sddmmBlocked(const i32 *bp, i32 blocks, const i32 *indices, const f32 *a,
                                                                  const f32 *b, i32 k, const f32 *bias, f32 *out, i32 n) {
  for (i32 q = 0; q < blocks; q++) {
    const i32 *lo = bp + q * n, *hi = lo + n;
    for (i32 r = 0; r < n; r++) {
      const f32 *ar = a + r * k;
      for (i32 e = lo[r]; e < hi[r]; e++) {
        i32 j = indices[e];
        out[e] = leaky1(dot(ar, b + j * k, k) + bias[j]);
      }
    }
  }
}

__attribute__((export_name("gemmNN"))) void gemmNN(const f32 *a, const f32 *b, f32 *c, i32 n, i32 p, i32 k,
                                                      const f32 *bias, i32 leaky) {
  for (i32 i = 0; i < n; i++) accum_row(0, a + i * p, 0, 0, p, 1, b, k, bias, c + i * k, leaky);
}

// c[p x k] = a[n x p]^T y[n x k]: four rows of y per pass so each c load/store carries four multiply-adds.
__attribute__((export_name("gemmTN"))) void gemmTN(const f32 *a, const f32 *y, f32 *c, i32 n, i32 p, i32 k) {
  for (i32 t = 0; t < p * k; t++) c[t] = 0.0f;
  i32 i = 0;
  for (; i + 4 <= n; i += 4) {
    const f32 *a0 = a + i * p, *a1 = a0 + p, *a2 = a1 + p, *a3 = a2 + p;
    const f32 *y0 = y + i * k, *y1 = y0 + k, *y2 = y1 + k, *y3 = y2 + k;
    for (i32 q = 0; q < p; q++) {
      f32 x0 = a0[q], x1 = a1[q], x2 = a2[q], x3 = a3[q];
      f32 *cr = c + q * k;
      v128_t v0 = wasm_f32x4_splat(x0), v1 = wasm_f32x4_splat(x1), v2 = wasm_f32x4_splat(x2), v3 = wasm_f32x4_splat(x3);
      i32 j = 0;
      for (; j + 4 <= k; j += 4) {
        v128_t s = wasm_f32x4_add(wasm_f32x4_mul(v0, wasm_v128_load(y0 + j)), wasm_f32x4_mul(v1, wasm_v128_load(y1 + j)));
        s = wasm_f32x4_add(s, wasm_f32x4_add(wasm_f32x4_mul(v2, wasm_v128_load(y2 + j)), wasm_f32x4_mul(v3, wasm_v128_load(y3 + j))));
        wasm_v128_store(cr + j, wasm_f32x4_add(wasm_v128_load(cr + j), s));
      }
      for (; j < k; j++) cr[j] += (x0 * y0[j] + x1 * y1[j]) + (x2 * y2[j] + x3 * y3[j]);
    }
  }
  for (; i < n; i++) {
    const f32 *ar = a + i * p;
    const f32 *yr = y + i * k;
    for (i32 q = 0; q < p; q++) {
      f32 x = ar[q];
      f32 *cr = c + q * k;
      v128_t v = wasm_f32x4_splat(x);
      i32 j = 0;
      for (; j + 4 <= k; j += 4) wasm_v128_store(cr + j, wasm_f32x4_add(wasm_v128_load(cr + j), wasm_f32x4_mul(v, wasm_v128_load(yr + j))));
      for (; j < k; j++) cr[j] += x * yr[j];
    }
  }
}

// c[n x p] = y[n x k] b[p x k]^T: four output columns per pass share the loads of y's row.
__attribute__((export_name("gemmNT"))) void gemmNT(const f32 *y, const f32 *b, f32 *c, i32 n, i32 k, i32 p) {
  for (i32 i = 0; i < n; i++) {
    const f32 *yr = y + i * k;
    f32 *cr = c + i * p;
    i32 q = 0;
    for (; q + 4 <= p; q += 4) {
      const f32 *b0 = b + q * k, *b1 = b0 + k, *b2 = b1 + k, *b3 = b2 + k;
      v128_t s0 = wasm_f32x4_splat(0.0f), s1 = s0, s2 = s0, s3 = s0;
      i32 j = 0;
      for (; j + 4 <= k; j += 4) {
        v128_t v = wasm_v128_load(yr + j);
        s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(v, wasm_v128_load(b0 + j)));
        s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(v, wasm_v128_load(b1 + j)));
        s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(v, wasm_v128_load(b2 + j)));
        s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(v, wasm_v128_load(b3 + j)));
      }
      f32 t0 = hsum(s0), t1 = hsum(s1), t2 = hsum(s2), t3 = hsum(s3);
      for (; j < k; j++) {
        t0 += yr[j] * b0[j];
        t1 += yr[j] * b1[j];
        t2 += yr[j] * b2[j];
        t3 += yr[j] * b3[j];
      }
      cr[q] = t0;
      cr[q + 1] = t1;
      cr[q + 2] = t2;
      cr[q + 3] = t3;
    }
    for (; q < p; q++) cr[q] = dot(yr, b + q * k, k);
  }
}

// ADOPT; t^(1/4) is computed by the caller (clip), step == 0 only initialises v.
__attribute__((export_name("adopt"))) void adopt(f32 *params, const f32 *grads, f32 *m, f32 *v, i32 n, f32 lr, f32 beta1,
                                                    f32 beta2, f32 eps, f32 wd, i32 step, f32 clip) {
  if (step == 0) {
    for (i32 i = 0; i < n; i++) {
      f32 g = grads[i] + wd * params[i];
      v[i] = g * g;
    }
    return;
  }
  f32 om1 = 1.0f - beta1, om2 = 1.0f - beta2;
  for (i32 i = 0; i < n; i++) {
    f32 g = grads[i] + wd * params[i];
    f32 den = __builtin_sqrtf(v[i]);
    den = den > eps ? den : eps;
    f32 z = g / den;
    z = z > clip ? clip : z;
    z = z < -clip ? -clip : z;
    f32 mi = m[i] + om1 * (z - m[i]);
    m[i] = mi;
    params[i] -= lr * mi;
    v[i] = beta2 * v[i] + om2 * g * g;
  }
}

// ---- elementwise glue (see the matching functions in src/nn/kernels.ts) ----

__attribute__((export_name("leakyBwdColsum"))) void leakyBwdColsum(f32 *dx, const f32 *y, i32 n, i32 k, f32 *sums) {
  for (i32 c = 0; c < k; c++) sums[c] = 0.0f;
  for (i32 i = 0; i < n; i++) {
    f32 *d = dx + i * k;
    const f32 *yr = y + i * k;
    i32 c = 0;
    for (; c + 4 <= k; c += 4) {
      v128_t g = wasm_v128_load(d + c);
      v128_t pos = wasm_f32x4_gt(wasm_v128_load(yr + c), wasm_f32x4_splat(0.0f));
      g = wasm_v128_bitselect(g, wasm_f32x4_mul(g, wasm_f32x4_splat(SLOPE)), pos);
      wasm_v128_store(d + c, g);
      wasm_v128_store(sums + c, wasm_f32x4_add(wasm_v128_load(sums + c), g));
    }
    for (; c < k; c++) {
      f32 g = yr[c] > 0.0f ? d[c] : d[c] * SLOPE;
      d[c] = g;
      sums[c] += g;
    }
  }
}

__attribute__((export_name("segmentMean"))) void segmentMean(const f32 *e, const i32 *group, const f32 *invCount, i32 n, i32 d,
                                                                i32 G, f32 *ebar) {
  for (i32 t = 0; t < G * d; t++) ebar[t] = 0.0f;
  for (i32 i = 0; i < n; i++) {
    f32 *o = ebar + group[i] * d;
    const f32 *r = e + i * d;
    for (i32 c = 0; c < d; c++) o[c] += r[c];
  }
  for (i32 g = 0; g < G; g++)
    for (i32 c = 0; c < d; c++) ebar[g * d + c] *= invCount[g];
}

__attribute__((export_name("segmentAddScaled"))) void segmentAddScaled(f32 *de, const f32 *debar, const i32 *group,
                                                                          const f32 *invCount, i32 n, i32 d) {
  for (i32 i = 0; i < n; i++) {
    i32 g = group[i];
    f32 s = invCount[g];
    const f32 *src = debar + g * d;
    f32 *r = de + i * d;
    for (i32 c = 0; c < d; c++) r[c] += src[c] * s;
  }
}

__attribute__((export_name("mixLayerNorm"))) void mixLayerNorm(const f32 *e, const f32 *mm, const i32 *group, i32 n, i32 d,
                                                                  f32 alpha, const f32 *gamma, const f32 *beta, f32 eps,
                                                                  f32 *xhat, f32 *rstd, f32 *ehat) {
  for (i32 i = 0; i < n; i++) {
    const f32 *er = e + i * d;
    const f32 *mr = mm + group[i] * d;
    f32 *x = xhat + i * d;
    f32 mean = 0.0f;
    for (i32 c = 0; c < d; c++) {
      f32 z = alpha * mr[c] + (1.0f - alpha) * er[c];
      x[c] = z;
      mean += z;
    }
    mean /= (f32)d;
    f32 var = 0.0f;
    for (i32 c = 0; c < d; c++) {
      f32 t = x[c] - mean;
      var += t * t;
    }
    f32 r = 1.0f / __builtin_sqrtf(var / (f32)d + eps);
    rstd[i] = r;
    f32 *o = ehat + i * d;
    for (i32 c = 0; c < d; c++) {
      f32 t = (x[c] - mean) * r;
      x[c] = t;
      o[c] = t * gamma[c] + beta[c];
    }
  }
}

// LayerNorm + mix backward; returns dLoss/dalpha. dM (G x d) is accumulated, the rest overwritten.
__attribute__((export_name("mixLayerNormBwd"))) f32 mixLayerNormBwd(const f32 *dehat, const f32 *xhat, const f32 *rstd,
                                                                       const f32 *e, const f32 *mm, const i32 *group, i32 n,
                                                                       i32 d, f32 alpha, const f32 *gamma, f32 *ggamma,
                                                                       f32 *gbeta, f32 *dm, f32 *de) {
  for (i32 c = 0; c < d; c++) ggamma[c] = gbeta[c] = 0.0f;
  double dalpha = 0.0;
  for (i32 i = 0; i < n; i++) {
    const f32 *dy = dehat + i * d;
    const f32 *x = xhat + i * d;
    f32 s1 = 0.0f, s2 = 0.0f;
    for (i32 c = 0; c < d; c++) {
      ggamma[c] += dy[c] * x[c];
      gbeta[c] += dy[c];
      f32 dx = dy[c] * gamma[c];
      s1 += dx;
      s2 += dx * x[c];
    }
    s1 /= (f32)d;
    s2 /= (f32)d;
    f32 r = rstd[i];
    const f32 *er = e + i * d;
    const f32 *mr = mm + group[i] * d;
    f32 *dmr = dm + group[i] * d;
    f32 *der = de + i * d;
    f32 da = 0.0f;
    for (i32 c = 0; c < d; c++) {
      f32 dz = r * (dy[c] * gamma[c] - s1 - x[c] * s2);
      da += dz * (mr[c] - er[c]);
      dmr[c] += alpha * dz;
      der[c] = (1.0f - alpha) * dz;
    }
    dalpha += da;
  }
  return (f32)dalpha;
}

// expf for the softmax: Cody-Waite range reduction + degree-6 polynomial (max rel. error ~2 ulp on [-88, 88]).
static inline f32 expf_(f32 x) {
  if (x < -87.0f) return 0.0f;
  if (x > 88.0f) x = 88.0f;
  f32 k = __builtin_floorf(x * 1.44269504088896341f + 0.5f);
  f32 r = x - k * 0.693359375f;
  r = r - k * -2.12194440e-4f;
  f32 p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  p = p * r * r + r + 1.0f;
  union {
    f32 f;
    i32 i;
  } u;
  u.i = ((i32)k + 127) << 23;
  return p * u.f;
}

__attribute__((export_name("softmaxCounts"))) void softmaxCounts(f32 *prob, const f32 *count, i32 G) {
  for (i32 a = 0; a < G; a++) {
    f32 *row = prob + a * G;
    f32 mx = row[0];
    for (i32 g = 1; g < G; g++) mx = row[g] > mx ? row[g] : mx;
    f32 z = 0.0f;
    for (i32 g = 0; g < G; g++) {
      f32 w = count[g] * expf_(row[g] - mx);
      row[g] = w;
      z += w;
    }
    f32 inv = 1.0f / z;
    for (i32 g = 0; g < G; g++) row[g] *= inv;
  }
}

__attribute__((export_name("softmaxBwd"))) void softmaxBwd(const f32 *prob, f32 *dp, i32 G) {
  for (i32 a = 0; a < G; a++) {
    const f32 *pr = prob + a * G;
    f32 *dr = dp + a * G;
    f32 s = 0.0f;
    for (i32 g = 0; g < G; g++) s += pr[g] * dr[g];
    for (i32 g = 0; g < G; g++) dr[g] = pr[g] * (dr[g] - s);
  }
}

__attribute__((export_name("normalizeRows"))) void normalizeRows(f32 *x, f32 *norms, i32 n, i32 k) {
  for (i32 i = 0; i < n; i++) {
    f32 *r = x + i * k;
    f32 s = 0.0f;
    for (i32 c = 0; c < k; c++) s += r[c] * r[c];
    f32 nr = __builtin_sqrtf(s);
    norms[i] = nr;
    f32 inv = 1.0f / nr;
    for (i32 c = 0; c < k; c++) r[c] *= inv;
  }
}

__attribute__((export_name("normalizeBwd"))) void normalizeBwd(f32 *dx, const f32 *xhat, const f32 *norms, i32 n, i32 k) {
  for (i32 i = 0; i < n; i++) {
    f32 *d = dx + i * k;
    const f32 *x = xhat + i * k;
    f32 s = 0.0f;
    for (i32 c = 0; c < k; c++) s += x[c] * d[c];
    f32 inv = 1.0f / norms[i];
    for (i32 c = 0; c < k; c++) d[c] = (d[c] - x[c] * s) * inv;
  }
}

__attribute__((export_name("scaleRows"))) void scaleRows(const f32 *x, const f32 *norms, f32 *out, i32 n, i32 k) {
  for (i32 i = 0; i < n; i++) {
    f32 inv = 1.0f / norms[i];
    for (i32 c = 0; c < k; c++) out[i * k + c] = x[i * k + c] * inv;
  }
}

__attribute__((export_name("sse"))) double sse(const f32 *out, const f32 *y, i32 n) {
  double s = 0.0;
  for (i32 e = 0; e < n; e++) {
    double t = (double)out[e] - (double)y[e];
    s += t * t;
  }
  return s;
}

__attribute__((export_name("lossGrad"))) void lossGrad(const f32 *out, const f32 *y, i32 n, f32 scale, f32 *g) {
  for (i32 e = 0; e < n; e++) {
    f32 o = out[e];
    f32 t = (o - y[e]) * scale;
    g[e] = o > 0.0f ? t : t * SLOPE;
  }
}
