// gemm.cu — batched matrix products C = alpha * op(A) op(B) (+ C when accumulate), row-major, op = identity or
// transpose per operand, batch strides per operand (0 = broadcast). Backend method: matmul (and conv via
// im2col + GEMM in conv.cu / CudaBackend). This is the path that always works: cuBLAS (JCublas) is used only
// where libcublas.so.12 loads, which it does not on a CUDA-13-only machine.
//
// CPU reference: somnium.tensor.cpu.Gemm (via CpuBackend.matmul).
// Element access: A(i, p) = transA ? A[p * lda + i] : A[i * lda + p]; B(p, j) = transB ? B[j * ldb + p] : B[p * ldb + j];
//   C(i, j) = C[i * ldc + j]; batch b adds b * strideX to each base pointer; grid.z = batch.
//
// Versions:
//   v1  sgemm_tiled / dgemm_tiled: 64x64 block tile, BK = 16, 256 threads, 4x4 outputs per thread (strided
//       16 apart to avoid shared-memory bank conflicts), float accumulation; zero-filled edges (any M, N, K).
//   v2  sgemm_tf32: tensor cores (wmma 16x16x8 TF32, sm_80+; traps on older targets): 64x64 block tile, 4 warps
//       of 32x32, BK = 16; inputs rounded to TF32 (10-bit mantissa), float accumulation. Opt-in
//       (-Dsomnium.cuda.tf32=true) because it changes results at the 1e-3 relative level.
// Measured speed: not yet measured on a GPU.
#include "common.cuh"
#include <mma.h>

#define BM 64
#define BN 64
#define BK 16

template <typename T>
__device__ void gemm_tiled_impl(int transA, int transB, int M, int N, int K, T alpha,
                                const T* __restrict__ A, int lda, long long sA,
                                const T* __restrict__ B, int ldb, long long sB,
                                T* __restrict__ C, int ldc, long long sC, int accumulate) {
    __shared__ T As[BK][BM + 1];
    __shared__ T Bs[BK][BN + 1];
    const int b = blockIdx.z;
    A += b * sA;
    B += b * sB;
    C += b * sC;
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4;
    T acc[4][4];
#pragma unroll
    for (int r = 0; r < 4; r++)
#pragma unroll
        for (int c = 0; c < 4; c++) acc[r][c] = (T) 0;

    for (int k0 = 0; k0 < K; k0 += BK) {
        // Load a BM x BK tile of op(A) and a BK x BN tile of op(B), 4 elements of each per thread.
#pragma unroll
        for (int e = 0; e < 4; e++) {
            int idx = tid + e * 256;            // 0 .. 1023
            int kk, ii;
            if (transA) { ii = idx % BM; kk = idx / BM; } else { kk = idx % BK; ii = idx / BK; }
            int gi = row0 + ii, gk = k0 + kk;
            T va = (T) 0;
            if (gi < M && gk < K) va = transA ? A[(long long) gk * lda + gi] : A[(long long) gi * lda + gk];
            As[kk][ii] = va;
            int jj;
            if (transB) { kk = idx % BK; jj = idx / BK; } else { jj = idx % BN; kk = idx / BN; }
            int gj = col0 + jj;
            gk = k0 + kk;
            T vb = (T) 0;
            if (gj < N && gk < K) vb = transB ? B[(long long) gj * ldb + gk] : B[(long long) gk * ldb + gj];
            Bs[kk][jj] = vb;
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < BK; kk++) {
            T a[4], bb[4];
#pragma unroll
            for (int r = 0; r < 4; r++) a[r] = As[kk][ty + 16 * r];
#pragma unroll
            for (int c = 0; c < 4; c++) bb[c] = Bs[kk][tx + 16 * c];
#pragma unroll
            for (int r = 0; r < 4; r++)
#pragma unroll
                for (int c = 0; c < 4; c++) acc[r][c] += a[r] * bb[c];
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 4; r++) {
        int i = row0 + ty + 16 * r;
        if (i >= M) continue;
#pragma unroll
        for (int c = 0; c < 4; c++) {
            int j = col0 + tx + 16 * c;
            if (j >= N) continue;
            T v = alpha * acc[r][c];
            T* p = C + (long long) i * ldc + j;
            *p = accumulate ? *p + v : v;
        }
    }
}

extern "C" __global__ void __launch_bounds__(256)
sgemm_tiled(int transA, int transB, int M, int N, int K, float alpha,
            const float* A, int lda, long long sA, const float* B, int ldb, long long sB,
            float* C, int ldc, long long sC, int accumulate) {
    gemm_tiled_impl<float>(transA, transB, M, N, K, alpha, A, lda, sA, B, ldb, sB, C, ldc, sC, accumulate);
}

extern "C" __global__ void __launch_bounds__(256)
dgemm_tiled(int transA, int transB, int M, int N, int K, double alpha,
            const double* A, int lda, long long sA, const double* B, int ldb, long long sB,
            double* C, int ldc, long long sC, int accumulate) {
    gemm_tiled_impl<double>(transA, transB, M, N, K, alpha, A, lda, sA, B, ldb, sB, C, ldc, sC, accumulate);
}

// ---- v2: TF32 tensor cores ----
#define TBK 16
#define APAD 4
#define BPAD 4
extern "C" __global__ void __launch_bounds__(128)
sgemm_tf32(int transA, int transB, int M, int N, int K, float alpha,
           const float* A, int lda, long long sA, const float* B, int ldb, long long sB,
           float* C, int ldc, long long sC, int accumulate) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    using namespace nvcuda;
    __shared__ __align__(32) float As[BM][TBK + APAD];     // op(A) tile, row-major
    __shared__ __align__(32) float Bs[TBK][BN + BPAD];     // op(B) tile, row-major
    __shared__ __align__(32) float Cs[BM][BN + BPAD];
    const int b = blockIdx.z;
    A += b * sA;
    B += b * sB;
    C += b * sC;
    const int row0 = blockIdx.y * BM, col0 = blockIdx.x * BN;
    const int tid = threadIdx.x, warp = tid >> 5, wr = warp >> 1, wc = warp & 1;   // 2 x 2 warps of 32 x 32
    wmma::fragment<wmma::accumulator, 16, 16, 8, float> acc[2][2];
#pragma unroll
    for (int r = 0; r < 2; r++)
#pragma unroll
        for (int c = 0; c < 2; c++) wmma::fill_fragment(acc[r][c], 0.0f);

    for (int k0 = 0; k0 < K; k0 += TBK) {
        for (int idx = tid; idx < BM * TBK; idx += 128) {
            int ii, kk;
            if (transA) { ii = idx % BM; kk = idx / BM; } else { kk = idx % TBK; ii = idx / TBK; }
            int gi = row0 + ii, gk = k0 + kk;
            float v = 0.f;
            if (gi < M && gk < K) v = transA ? A[(long long) gk * lda + gi] : A[(long long) gi * lda + gk];
            As[ii][kk] = wmma::__float_to_tf32(v);
        }
        for (int idx = tid; idx < TBK * BN; idx += 128) {
            int jj, kk;
            if (transB) { kk = idx % TBK; jj = idx / TBK; } else { jj = idx % BN; kk = idx / BN; }
            int gj = col0 + jj, gk = k0 + kk;
            float v = 0.f;
            if (gj < N && gk < K) v = transB ? B[(long long) gj * ldb + gk] : B[(long long) gk * ldb + gj];
            Bs[kk][jj] = wmma::__float_to_tf32(v);
        }
        __syncthreads();
#pragma unroll
        for (int kk = 0; kk < TBK; kk += 8) {
            wmma::fragment<wmma::matrix_a, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fa[2];
            wmma::fragment<wmma::matrix_b, 16, 16, 8, wmma::precision::tf32, wmma::row_major> fb[2];
#pragma unroll
            for (int r = 0; r < 2; r++) wmma::load_matrix_sync(fa[r], &As[wr * 32 + r * 16][kk], TBK + APAD);
#pragma unroll
            for (int c = 0; c < 2; c++) wmma::load_matrix_sync(fb[c], &Bs[kk][wc * 32 + c * 16], BN + BPAD);
#pragma unroll
            for (int r = 0; r < 2; r++)
#pragma unroll
                for (int c = 0; c < 2; c++) wmma::mma_sync(acc[r][c], fa[r], fb[c], acc[r][c]);
        }
        __syncthreads();
    }
#pragma unroll
    for (int r = 0; r < 2; r++)
#pragma unroll
        for (int c = 0; c < 2; c++)
            wmma::store_matrix_sync(&Cs[wr * 32 + r * 16][wc * 32 + c * 16], acc[r][c], BN + BPAD, wmma::mem_row_major);
    __syncthreads();
    for (int idx = tid; idx < BM * BN; idx += 128) {
        int ii = idx / BN, jj = idx % BN, i = row0 + ii, j = col0 + jj;
        if (i < M && j < N) {
            float v = alpha * Cs[ii][jj];
            float* p = C + (long long) i * ldc + j;
            *p = accumulate ? *p + v : v;
        }
    }
#else
    __trap();   // TF32 tensor cores need sm_80+; the Java side never launches this on older devices
#endif
}
