// random.cu — Philox4x32-10 random numbers (the layout of docs/random.md, bit-identical to somnium.tensor.Philox in
// the uniform bits), reparameterized Normal sampling and categorical sampling with straight-through gradients and
// unimix. Backend methods: uniform, normal. CudaKernels: words, ints, normalRsample(+Backward),
// categoricalSt(+Backward).
//
// CPU references: somnium.tensor.Philox (words, uniforms, normals, ints, categorical picks);
//   somnium.kernels.reference.SamplingReference (rsample, categorical straight-through with unimix).
// Exactness: words, float/double uniforms and ints are bit-exact; normals are computed in double from the same
//   words (sqrt(-2 log u1), (2 pi) u2, r cos t, r sin t) and rounded, so they agree with Java to the last-ulp
//   behaviour of log/sin/cos (float results are almost always identical). The final mean + std * z and
//   lo + (hi - lo) * u are unfused, as Java computes them.
// Categorical picks: one thread per row accumulates the weights left to right in double, exactly as
//   Philox.fillCategorical, so given the same float probabilities the pick is identical.
//
// Versions:
//   v1  one thread per element (per pair for normals, per row for categorical); each thread computes its own
//       Philox block(s). (v2 idea: one thread per block of 4 words when offset % 4 == 0.)
// Measured speed: 16M Philox normals 122.8 us, 0.55 TB/s (torch.randn 58.8 us); categorical straight-through + unimix,
//   80000 x 32: 128.7 us (torch softmax/multinomial/one_hot: 254 us). (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
#include "common.cuh"

extern "C" __global__ void philox_words(long long n, unsigned long long seed, unsigned long long offset, unsigned* out) {
    GRID_STRIDE(i, n) out[i] = philox_word(seed, offset + (unsigned long long) i);
}

extern "C" __global__ void uniform_f32(long long n, unsigned long long seed, unsigned long long offset,
                                       float lo, float range, float* out) {
    GRID_STRIDE(i, n) {
        float u = philox_uniform_float(philox_word(seed, offset + (unsigned long long) i));
        out[i] = __fadd_rn(lo, __fmul_rn(range, u));
    }
}

extern "C" __global__ void uniform_f64(long long n, unsigned long long seed, unsigned long long offset,
                                       double lo, double range, double* out) {
    GRID_STRIDE(i, n) {
        unsigned long long w = offset + 2ULL * (unsigned long long) i;
        double u = philox_uniform_double(philox_word(seed, w), philox_word(seed, w + 1));
        out[i] = __dadd_rn(lo, __dmul_rn(range, u));
    }
}

// One thread per pair j (elements 2j, 2j + 1).
extern "C" __global__ void normal_f32(long long n, unsigned long long seed, unsigned long long offset,
                                      float mean, float std, float* out) {
    long long pairs = (n + 1) / 2;
    GRID_STRIDE(j, pairs) {
        unsigned long long w = offset + 2ULL * (unsigned long long) j;
        double2 z = philox_box_muller(philox_word(seed, w), philox_word(seed, w + 1));
        out[2 * j] = __fadd_rn(mean, __fmul_rn(std, __double2float_rn(z.x)));
        if (2 * j + 1 < n) out[2 * j + 1] = __fadd_rn(mean, __fmul_rn(std, __double2float_rn(z.y)));
    }
}

extern "C" __global__ void normal_f64(long long n, unsigned long long seed, unsigned long long offset,
                                      double mean, double std, double* out) {
    long long pairs = (n + 1) / 2;
    GRID_STRIDE(j, pairs) {
        unsigned long long w = offset + 2ULL * (unsigned long long) j;
        double2 z = philox_box_muller(philox_word(seed, w), philox_word(seed, w + 1));
        out[2 * j] = __dadd_rn(mean, __dmul_rn(std, z.x));
        if (2 * j + 1 < n) out[2 * j + 1] = __dadd_rn(mean, __dmul_rn(std, z.y));
    }
}

// Uniform ints in [0, bound): high 64 bits of ((w1 << 32) | w0) * bound.
extern "C" __global__ void philox_ints(long long n, unsigned long long seed, unsigned long long offset, int bound, int* out) {
    GRID_STRIDE(i, n) {
        unsigned long long w = offset + 2ULL * (unsigned long long) i;
        unsigned long long x = ((unsigned long long) philox_word(seed, w + 1) << 32) | philox_word(seed, w);
        out[i] = (int) __umul64hi(x, (unsigned long long) bound);
    }
}

// ---- reparameterized Normal: z = mu + s * eps, s = sigma or exp(sigma) (log_sigma != 0) ----
// eps_i = standard normal float of element i of a draw at `offset` (words used: n + (n & 1)).
extern "C" __global__ void normal_rsample_f32(long long n, const float* mu, const float* sigma, int log_sigma,
                                              unsigned long long seed, unsigned long long offset, float* z, float* eps_out) {
    GRID_STRIDE(i, n) {
        float eps = philox_normal_float(seed, offset, i);
        float s = log_sigma ? expf(sigma[i]) : sigma[i];
        z[i] = __fadd_rn(mu[i], __fmul_rn(s, eps));
        if (eps_out) eps_out[i] = eps;
    }
}

// dmu = dz; dsigma = dz * eps (times s when sigma is log sigma). eps is regenerated from (seed, offset).
extern "C" __global__ void normal_rsample_backward_f32(long long n, const float* dz, const float* sigma, int log_sigma,
                                                       unsigned long long seed, unsigned long long offset,
                                                       float* dmu, float* dsigma) {
    GRID_STRIDE(i, n) {
        float eps = philox_normal_float(seed, offset, i);
        float g = dz[i];
        if (dmu) dmu[i] = g;
        float d = __fmul_rn(g, eps);
        if (log_sigma) d = __fmul_rn(d, expf(sigma[i]));
        dsigma[i] = d;
    }
}

// ---- categorical with unimix and straight-through ----
// Row r of logits [rows, C]: m = max l; e_c = exp(l_c - m); s = sum_c e_c (float, left to right);
// p_c = (1 - unimix) * (e_c / s) + unimix / C (unfused); pick by Philox.fillCategorical's rule on weights p_c
// with the word offset + r; onehot[r, pick] = 1, others 0; probs = p; index[r] = pick.
// A row with a NaN or +inf logit, or all -inf, sets err = {1, row} (the Java side throws).
extern "C" __global__ void categorical_st_f32(int rows, int C, const float* logits, float unimix,
                                              unsigned long long seed, unsigned long long offset,
                                              float* onehot, float* probs, int* index, int* err) {
    GRID_STRIDE(r, rows) {
        const float* l = logits + (long long) r * C;
        float* p = probs + (long long) r * C;
        float m = -INFINITY;
        bool bad = false;
        for (int c = 0; c < C; c++) {
            float v = l[c];
            if (v != v || v == INFINITY) bad = true;
            m = fmaxf(m, v);
        }
        if (bad || m == -INFINITY) {
            if (atomicCAS(err, 0, 1) == 0) err[1] = (int) r;
            continue;
        }
        float s = 0.f;
        for (int c = 0; c < C; c++) s = __fadd_rn(s, expf(l[c] - m));
        float keep = 1.0f - unimix, floor_ = unimix / (float) C;
        double total = 0;
        for (int c = 0; c < C; c++) {
            float pc = __fadd_rn(__fmul_rn(keep, __fdiv_rn(expf(l[c] - m), s)), floor_);
            p[c] = pc;
            total += (double) pc;
        }
        double target = philox_uniform_double32(philox_word(seed, offset + (unsigned long long) r)) * total;
        double cum = 0;
        int pick = -1, lastPositive = -1;
        for (int c = 0; c < C; c++) {
            double w = (double) p[c];
            if (w > 0) lastPositive = c;
            cum += w;
            if (cum > target) { pick = c; break; }
        }
        if (pick < 0) pick = lastPositive;
        for (int c = 0; c < C; c++) onehot[(long long) r * C + c] = c == pick ? 1.0f : 0.0f;
        index[r] = pick;
    }
}

// dlogits = (1 - unimix) * q * (dout - sum_c q_c dout_c), q = softmax(logits): the gradient of the straight-through
// estimator onehot + p - stopgrad(p) with respect to the logits.
extern "C" __global__ void categorical_st_backward_f32(int rows, int C, const float* logits, float unimix,
                                                       const float* dout, float* dlogits) {
    GRID_STRIDE(r, rows) {
        const float* l = logits + (long long) r * C;
        const float* g = dout + (long long) r * C;
        float* d = dlogits + (long long) r * C;
        float m = -INFINITY;
        for (int c = 0; c < C; c++) m = fmaxf(m, l[c]);
        float s = 0.f;
        for (int c = 0; c < C; c++) s = __fadd_rn(s, expf(l[c] - m));
        float dot = 0.f;
        for (int c = 0; c < C; c++) dot = __fadd_rn(dot, __fmul_rn(__fdiv_rn(expf(l[c] - m), s), g[c]));
        float keep = 1.0f - unimix;
        for (int c = 0; c < C; c++) {
            float q = __fdiv_rn(expf(l[c] - m), s);
            d[c] = __fmul_rn(keep, __fmul_rn(q, __fsub_rn(g[c], dot)));
        }
    }
}
