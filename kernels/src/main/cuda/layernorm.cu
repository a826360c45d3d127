// layernorm.cu — LayerNorm over the last axis, forward and backward. CudaKernels.layerNormForward / Backward;
// CPU reference somnium.kernels.reference.LayerNormReference.
//
// x [rows, D] dense; gamma, beta [D] (either may be null = 1 and 0).
// Forward: mean = sum(x) / D; var = sum((x - mean)^2) / D (two-pass, biased); rstd = 1 / sqrt(var + eps);
//   y = (x - mean) * rstd * gamma + beta; saves mean and rstd [rows].
// Backward (xhat = (x - mean) rstd, g = dy * gamma):
//   dx = rstd * (g - mean(g) - xhat * mean(g * xhat));   dgamma = sum_rows dy * xhat;   dbeta = sum_rows dy.
//   dx: one block per row; dgamma/dbeta: one thread per column summing rows in order (deterministic, no atomics).
//
// Versions:
//   v1  one block per row (block size from D), float accumulation.
// Measured speed: forward 2500 x 600: 25.4 us (torch F.layer_norm 23.0 us). (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
#include "common.cuh"

extern "C" __global__ void layernorm_forward_f32(int rows, int D, float eps, const float* x, const float* gamma,
                                                 const float* beta, float* y, float* mean, float* rstd) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* p = x + (long long) r * D;
        float s = 0.f;
        for (int i = threadIdx.x; i < D; i += blockDim.x) s += p[i];
        float m = block_sum(s, scratch) / (float) D;
        float q = 0.f;
        for (int i = threadIdx.x; i < D; i += blockDim.x) { float d = p[i] - m; q += d * d; }
        float var = block_sum(q, scratch) / (float) D;
        float rs = 1.0f / sqrtf(var + eps);
        float* o = y + (long long) r * D;
        for (int i = threadIdx.x; i < D; i += blockDim.x) {
            float v = (p[i] - m) * rs;
            if (gamma) v = v * gamma[i];
            if (beta) v = v + beta[i];
            o[i] = v;
        }
        if (threadIdx.x == 0) {
            if (mean) mean[r] = m;
            if (rstd) rstd[r] = rs;
        }
    }
}

extern "C" __global__ void layernorm_backward_dx_f32(int rows, int D, const float* dy, const float* x, const float* mean,
                                                     const float* rstd, const float* gamma, float* dx) {
    __shared__ float scratch[32];
    for (int r = blockIdx.x; r < rows; r += gridDim.x) {
        const float* g0 = dy + (long long) r * D;
        const float* p = x + (long long) r * D;
        float m = mean[r], rs = rstd[r];
        float a = 0.f, b = 0.f;
        for (int i = threadIdx.x; i < D; i += blockDim.x) {
            float g = gamma ? g0[i] * gamma[i] : g0[i];
            float xh = (p[i] - m) * rs;
            a += g;
            b += g * xh;
        }
        float mg = block_sum(a, scratch) / (float) D;
        float mgx = block_sum(b, scratch) / (float) D;
        float* o = dx + (long long) r * D;
        for (int i = threadIdx.x; i < D; i += blockDim.x) {
            float g = gamma ? g0[i] * gamma[i] : g0[i];
            float xh = (p[i] - m) * rs;
            o[i] = rs * (g - mg - xh * mgx);
        }
    }
}

// dgamma[d] = sum_r dy[r, d] * xhat[r, d]; dbeta[d] = sum_r dy[r, d] (either output may be null).
extern "C" __global__ void layernorm_backward_params_f32(int rows, int D, const float* dy, const float* x, const float* mean,
                                                         const float* rstd, float* dgamma, float* dbeta) {
    GRID_STRIDE(d, D) {
        float sg = 0.f, sb = 0.f;
        for (int r = 0; r < rows; r++) {
            float g = dy[(long long) r * D + d];
            sg += g * ((x[(long long) r * D + d] - mean[r]) * rstd[r]);
            sb += g;
        }
        if (dgamma) dgamma[d] = sg;
        if (dbeta) dbeta[d] = sb;
    }
}
