// WebAssembly kernels of the Bayesian FM's Gibbs sampler (see src/fm/kernels.ts for the contract of each function and
// the TypeScript oracle they are tested against). Freestanding: no libc, memory imported from JS, all buffers
// allocated by the caller. Double precision throughout, in the oracle's order of operations, so both give the same
// samples. Build: scripts/build-nn-wasm.sh (clang --target=wasm32; output committed as src/fm/wasm-binary.ts).

typedef double f64;
typedef int i32;

static inline f64 sqrt64(f64 x) { return __builtin_sqrt(x); }

// q[e] = sum x * v[col], qs[e] = sum (x * v[col])^2 over entity e's entries
__attribute__((export_name("blockQ"))) void blockQ(i32 entities, const i32 *indptr, const i32 *indices, const f64 *values, const f64 *v, f64 *q, f64 *qs) {
  for (i32 e = 0; e < entities; e++) {
    f64 s = 0, s2 = 0;
    for (i32 p = indptr[e]; p < indptr[e + 1]; p++) {
      f64 xv = values[p] * v[indices[p]];
      s += xv;
      s2 += xv * xv;
    }
    q[e] = s;
    qs[e] = s2;
  }
}

// qt[i] += q[re[i]] for rows with an entity
__attribute__((export_name("addRows"))) void addRows(i32 n, const i32 *re, const f64 *q, f64 *qt) {
  for (i32 i = 0; i < n; i++) {
    i32 e = re[i];
    if (e >= 0) qt[i] += q[e];
  }
}

// Per entity: sums[4e..4e+4) += (o, o^2, e_i, e_i * o) with o = qt[i] - q[e]; then qt[i] = o and the block's own
// terms are taken out of e_i.
__attribute__((export_name("gatherRows"))) void gatherRows(i32 n, const i32 *re, const f64 *q, const f64 *qs, f64 *qt, f64 *e, f64 *sums) {
  for (i32 i = 0; i < n; i++) {
    i32 en = re[i];
    if (en < 0) continue;
    f64 qe = q[en];
    f64 other = qt[i] - qe;
    f64 ei = e[i];
    f64 *s = sums + 4 * en;
    s[0] += other;
    s[1] += other * other;
    s[2] += ei;
    s[3] += ei * other;
    qt[i] = other;
    e[i] = ei - (other * qe + 0.5 * qe * qe - 0.5 * qs[en]);
  }
}

// The block's columns in order, each drawn from its conditional N(lin/quad, 1/quad) with the given standard normal
// normals[c], then the entities' q, qs and sums updated.
__attribute__((export_name("drawColumns"))) void drawColumns(i32 cols, const i32 *colptr, const i32 *entity, const f64 *value, const f64 *card, f64 *q, f64 *qs,
                 f64 *sums, f64 *v, const i32 *groups, i32 g0, const f64 *lamV, const f64 *muV, f64 alpha,
                 const f64 *normals) {
  for (i32 c = 0; c < cols; c++) {
    i32 gi = g0 + groups[c];
    f64 old = v[c];
    f64 sq = 0, lin = 0;
    i32 p1 = colptr[c + 1];
    for (i32 p = colptr[c]; p < p1; p++) {
      i32 en = entity[p];
      f64 x = value[p];
      f64 h = q[en] - x * old;
      const f64 *s = sums + 4 * en;
      f64 c1 = s[0];
      sq += x * x * (h * h * card[en] + 2 * c1 * h + s[1]);
      lin -= (s[2] * h + s[3]) * x;
    }
    lin += sq * old;
    f64 lam = lamV[gi];
    f64 quad = alpha * sq + lam;
    f64 next = (alpha * lin + lam * muV[gi]) / quad + normals[c] / sqrt64(quad);
    f64 d = next - old;
    v[c] = next;
    for (i32 p = colptr[c]; p < p1; p++) {
      i32 en = entity[p];
      f64 x = value[p];
      f64 h = q[en] - x * old;
      f64 *s = sums + 4 * en;
      f64 c1 = s[0];
      q[en] += d * x;
      qs[en] += d * (next + old) * x * x;
      s[2] += x * d * (h * card[en] + c1);
      s[3] += x * d * (h * c1 + s[1]);
    }
  }
}

// The block's new terms put back into e_i, and its q back into qt[i]
__attribute__((export_name("scatterRows"))) void scatterRows(i32 n, const i32 *re, const f64 *q, const f64 *qs, f64 *qt, f64 *e) {
  for (i32 i = 0; i < n; i++) {
    i32 en = re[i];
    if (en < 0) continue;
    f64 qe = q[en];
    e[i] += qt[i] * qe + 0.5 * qe * qe - 0.5 * qs[en];
    qt[i] += qe;
  }
}

// One block's per-entity terms under the parameters w (the block's first column at w[0]) and v (factor f of the
// block's first column at v[f * stride]): constant[e] = sum x*w - 1/2 sum_f sum (x*v_f)^2, q[e*k + f] = sum x*v_f
__attribute__((export_name("entityTerms"))) void entityTerms(i32 entities, const i32 *indptr, const i32 *indices,
                                                             const f64 *values, const f64 *w, const f64 *v, i32 stride,
                                                             i32 k, f64 *constant, f64 *q) {
  for (i32 e = 0; e < entities; e++) {
    f64 c = 0;
    for (i32 p = indptr[e]; p < indptr[e + 1]; p++) c += values[p] * w[indices[p]];
    for (i32 f = 0; f < k; f++) {
      const f64 *vf = v + f * stride;
      f64 s = 0, s2 = 0;
      for (i32 p = indptr[e]; p < indptr[e + 1]; p++) {
        f64 xv = values[p] * vf[indices[p]];
        s += xv;
        s2 += xv * xv;
      }
      q[e * k + f] = s;
      c -= 0.5 * s2;
    }
    constant[e] = c;
  }
}

// out[i] = w0 + sum_b constant_b[e_b] + 1/2 sum_f (sum_b q_b[e_b*k + f])^2 - target[i], over up to three blocks (a
// null re pointer: no such block; an entity below 0: the block adds nothing to the row); target may be null
__attribute__((export_name("scoreRows3"))) void scoreRows3(i32 n, i32 k, f64 w0, const i32 *re0, const f64 *c0,
                                                           const f64 *q0, const i32 *re1, const f64 *c1, const f64 *q1,
                                                           const i32 *re2, const f64 *c2, const f64 *q2,
                                                           const f64 *target, f64 *out) {
  for (i32 i = 0; i < n; i++) {
    f64 s = w0;
    i32 e0 = re0 ? re0[i] : -1, e1 = re1 ? re1[i] : -1, e2 = re2 ? re2[i] : -1;
    if (e0 >= 0) s += c0[e0];
    if (e1 >= 0) s += c1[e1];
    if (e2 >= 0) s += c2[e2];
    for (i32 f = 0; f < k; f++) {
      f64 t = 0;
      if (e0 >= 0) t += q0[e0 * k + f];
      if (e1 >= 0) t += q1[e1 * k + f];
      if (e2 >= 0) t += q2[e2 * k + f];
      s += 0.5 * t * t;
    }
    out[i] = target ? s - target[i] : s;
  }
}
