// cem.cu — the batched cross-entropy-method step of PlaNet/TD-MPC planning, for E environments at once.
// Exposed through somnium.kernels.CudaKernels.cemSample / cemRefit; CPU reference somnium.kernels.reference.CemReference.
//
// Shapes: mean, std [E, D] (D = horizon * action dim, flattened); candidates [E, N, D]; scores [E, N] (larger is
// better); K elites.
//   cem_sample:  cand[e, n, d] = clamp(mean[e, d] + std[e, d] * eps_i, lo, hi), eps_i the Philox standard normal
//                of element i = (e * N + n) * D + d of a draw at `offset` (docs/random.md), multiply and add unfused.
//   cem_refit:   one block per environment: CUB BlockRadixSort of (score key, index), descending by score, ties
//                to the lower index (stable sort); then over the first K: mean_d = (sum_k c_kd) / K and
//                std_d = sqrt((sum_k (c_kd - mean_d)^2) / K) (biased, torch.std(unbiased=False)), sums taken
//                sequentially in elite order with unfused float ops, so the CPU reference matches bit for bit.
//                When `resample` != 0 the same block then draws the next iteration's candidates for its
//                environment (cem_sample's formula and layout, at `offset`): one launch per CEM iteration,
//                plus the model evaluation between launches.
// Limits: N <= 2048 (256 threads x 8 items); K <= N.
//
// Versions:
//   v1  as above.
// Measured speed: 10 iterations for 1 / 16 / 64 environments (J 1000, K 100, 12-dim): 0.51 ms each (one launch per iteration);
//   a whole plan with the RSSM prior 46.7-61.5 ms vs cem.py on cuda 36.0-83.5 ms over three runs. (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
#include "common.cuh"
#include "topk.cuh"
#include <cub/block/block_radix_sort.cuh>

#define CEM_THREADS 256
#define CEM_ITEMS 8

__device__ __forceinline__ float cem_draw(const float* mean, const float* std, int e, int n, int d, int N, int D,
                                          unsigned long long seed, unsigned long long offset, float lo, float hi) {
    long long i = ((long long) e * N + n) * D + d;
    float eps = philox_normal_float(seed, offset, i);
    float v = __fadd_rn(mean[(long long) e * D + d], __fmul_rn(std[(long long) e * D + d], eps));
    return fminf(fmaxf(v, lo), hi);
}

extern "C" __global__ void cem_sample(const float* mean, const float* std, int E, int N, int D,
                                      unsigned long long seed, unsigned long long offset, float lo, float hi, float* cand) {
    long long total = (long long) E * N * D;
    GRID_STRIDE(i, total) {
        int d = (int) (i % D), n = (int) ((i / D) % N), e = (int) (i / ((long long) D * N));
        cand[i] = cem_draw(mean, std, e, n, d, N, D, seed, offset, lo, hi);
    }
}

extern "C" __global__ void __launch_bounds__(CEM_THREADS)
cem_refit(const float* scores, float* cand, int E, int N, int D, int K, float* mean, float* std,
          int resample, unsigned long long seed, unsigned long long offset, float lo, float hi, int* elitesOut) {
    typedef cub::BlockRadixSort<unsigned, CEM_THREADS, CEM_ITEMS, int> Sort;
    __shared__ typename Sort::TempStorage tmp;
    __shared__ int elite[CEM_THREADS * CEM_ITEMS];
    int e = blockIdx.x;
    if (e >= E) return;
    const float* s = scores + (long long) e * N;
    unsigned keys[CEM_ITEMS];
    int idx[CEM_ITEMS];
#pragma unroll
    for (int j = 0; j < CEM_ITEMS; j++) {
        int i = threadIdx.x * CEM_ITEMS + j;
        idx[j] = i;
        keys[j] = i < N ? sort_key(s[i], true) : 0xffffffffu;
    }
    Sort(tmp).Sort(keys, idx);
#pragma unroll
    for (int j = 0; j < CEM_ITEMS; j++) {
        int r = threadIdx.x * CEM_ITEMS + j;
        if (r < K) {
            elite[r] = idx[j];
            if (elitesOut) elitesOut[(long long) e * K + r] = idx[j];
        }
    }
    __syncthreads();
    const float* c = cand + (long long) e * N * D;
    for (int d = threadIdx.x; d < D; d += blockDim.x) {
        float sum = 0.f;
        for (int k = 0; k < K; k++) sum = __fadd_rn(sum, c[(long long) elite[k] * D + d]);
        float m = __fdiv_rn(sum, (float) K);
        float sq = 0.f;
        for (int k = 0; k < K; k++) {
            float dv = __fsub_rn(c[(long long) elite[k] * D + d], m);
            sq = __fadd_rn(sq, __fmul_rn(dv, dv));
        }
        mean[(long long) e * D + d] = m;
        std[(long long) e * D + d] = __fsqrt_rn(__fdiv_rn(sq, (float) K));
    }
    if (!resample) return;
    __syncthreads();   // every block thread has read the old candidates of this environment
    float* out = cand + (long long) e * N * D;
    for (int i = threadIdx.x; i < N * D; i += blockDim.x)
        out[i] = cem_draw(mean, std, e, i / D, i % D, N, D, seed, offset, lo, hi);
}
