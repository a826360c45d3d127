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
//   v3  sgemm_large: 128x128 block tile, BK = 8, 256 threads, 8x8 outputs per thread, double-buffered shared
//       memory, float4 loads where aligned (details at the kernel). AUTO's choice when its tiles fill the SMs.
//   split-K (splitk_sum): AUTO cuts a long K into pieces for outputs of few tiles (weight gradients), one batched
//       v1 launch for the pieces, then one kernel adds them into C.
// Measured speed: v3 35.3 / 38.9 TFLOP/s at 2048^3 / 4096^3 = 0.74 / 0.78 of cuBLAS fp32; v1 14.3 / 16.4; RL shapes (50 rows)
//   0.26-0.28 TFLOP/s, launch-bound (0.67-0.68 of torch); v2 TF32 16-20 TFLOP/s (cuBLAS TF32 250-363). (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
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

// ---- v3: 128 x 128 FP32 tiles for large products ----
// 256 threads; each computes an 8 x 8 block of C as four 4 x 4 pieces (rows ty*4.. and 64+ty*4.., columns tx*4..
// and 64+tx*4..), so its shared-memory reads are float4s without bank conflicts. BK = 8, shared memory double
// buffered: the next k-tile is fetched into registers while the current one is multiplied, then stored into the
// other buffer (one __syncthreads per k-tile). Each thread fetches 4 consecutive elements of each operand along
// that operand's contiguous dimension (k for plain A and transposed B, m or n otherwise): one float4 load where
// the four are in bounds and 16-byte aligned, else four checked scalar loads (zero outside). Any M, N, K, batch.
// Chosen by CudaBackend when the 128-tiles alone fill the device (see gemm()); smaller products use v1.
#define LBM 128
#define LBN 128
#define LBK 8
#define LPAD 4

// Four consecutive elements of row-major X starting at (r, c) (row stride ld), zero outside rows x cols.
__device__ __forceinline__ void load4(const float* __restrict__ X, long long ld, int r, int c, int rows, int cols, float v[4]) {
    const float* p = X + (long long) r * ld + c;
    if (r < rows && c + 3 < cols && (((size_t) p) & 15) == 0) {
        float4 q = *reinterpret_cast<const float4*>(p);
        v[0] = q.x; v[1] = q.y; v[2] = q.z; v[3] = q.w;
    } else {
#pragma unroll
        for (int e = 0; e < 4; e++) v[e] = (r < rows && c + e < cols) ? p[e] : 0.f;
    }
}

extern "C" __global__ void __launch_bounds__(256, 2)
sgemm_large(int transA, int transB, int M, int N, int K, float alpha,
            const float* __restrict__ A, int lda, long long sA, const float* __restrict__ B, int ldb, long long sB,
            float* __restrict__ C, int ldc, long long sC, int accumulate) {
    __shared__ __align__(16) float As[2][LBK][LBM + LPAD];   // op(A) tile, k-major: As[k][m]
    __shared__ __align__(16) float Bs[2][LBK][LBN + LPAD];   // op(B) tile, k-major: Bs[k][n]
    const int bz = blockIdx.z;
    A += bz * sA;
    B += bz * sB;
    C += bz * sC;
    const int row0 = blockIdx.y * LBM, col0 = blockIdx.x * LBN;
    const int tid = threadIdx.x, tx = tid & 15, ty = tid >> 4;
    // What this thread fetches: (m, k) of op(A) and (k, n) of op(B), 4 consecutive along the contiguous dim.
    const int am = transA ? (tid & 31) * 4 : tid >> 1, ak = transA ? tid >> 5 : (tid & 1) * 4;
    const int bn = transB ? tid >> 1 : (tid & 31) * 4, bk = transB ? (tid & 1) * 4 : tid >> 5;
    float ra[4], rb[4];

#define SGL_FETCH(k0)                                                                                   \
    do {                                                                                                \
        if (transA) load4(A, lda, (k0) + ak, row0 + am, K, M, ra);   /* A stored [K, M] */             \
        else        load4(A, lda, row0 + am, (k0) + ak, M, K, ra);   /* A stored [M, K] */             \
        if (transB) load4(B, ldb, col0 + bn, (k0) + bk, N, K, rb);   /* B stored [N, K] */             \
        else        load4(B, ldb, (k0) + bk, col0 + bn, K, N, rb);   /* B stored [K, N] */             \
    } while (0)
#define SGL_STORE(buf)                                                                                  \
    do {                                                                                                \
        if (transA) *reinterpret_cast<float4*>(&As[buf][ak][am]) = make_float4(ra[0], ra[1], ra[2], ra[3]); \
        else { _Pragma("unroll") for (int e = 0; e < 4; e++) As[buf][ak + e][am] = ra[e]; }             \
        if (transB) { _Pragma("unroll") for (int e = 0; e < 4; e++) Bs[buf][bk + e][bn] = rb[e]; }      \
        else *reinterpret_cast<float4*>(&Bs[buf][bk][bn]) = make_float4(rb[0], rb[1], rb[2], rb[3]);   \
    } while (0)

    float acc[8][8];
#pragma unroll
    for (int i = 0; i < 8; i++)
#pragma unroll
        for (int j = 0; j < 8; j++) acc[i][j] = 0.f;

    SGL_FETCH(0);
    SGL_STORE(0);
    __syncthreads();
    int buf = 0;
    for (int k0 = 0; k0 < K; k0 += LBK) {
        const bool more = k0 + LBK < K;
        if (more) SGL_FETCH(k0 + LBK);
#pragma unroll
        for (int kk = 0; kk < LBK; kk++) {
            float a[8], b[8];
            float4 q;
            q = *reinterpret_cast<const float4*>(&As[buf][kk][ty * 4]);      a[0] = q.x; a[1] = q.y; a[2] = q.z; a[3] = q.w;
            q = *reinterpret_cast<const float4*>(&As[buf][kk][64 + ty * 4]); a[4] = q.x; a[5] = q.y; a[6] = q.z; a[7] = q.w;
            q = *reinterpret_cast<const float4*>(&Bs[buf][kk][tx * 4]);      b[0] = q.x; b[1] = q.y; b[2] = q.z; b[3] = q.w;
            q = *reinterpret_cast<const float4*>(&Bs[buf][kk][64 + tx * 4]); b[4] = q.x; b[5] = q.y; b[6] = q.z; b[7] = q.w;
#pragma unroll
            for (int i = 0; i < 8; i++)
#pragma unroll
                for (int j = 0; j < 8; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        if (more) SGL_STORE(buf ^ 1);
        __syncthreads();
        buf ^= 1;
    }
#undef SGL_FETCH
#undef SGL_STORE

#pragma unroll
    for (int i = 0; i < 8; i++) {
        const int r = row0 + (i < 4 ? ty * 4 + i : 64 + ty * 4 + i - 4);
        if (r >= M) continue;
#pragma unroll
        for (int h = 0; h < 2; h++) {
            const int c = col0 + h * 64 + tx * 4;
            float* p = C + (long long) r * ldc + c;
            float v[4];
#pragma unroll
            for (int e = 0; e < 4; e++) v[e] = alpha * acc[i][h * 4 + e];
            if (c + 3 < N && (((size_t) p) & 15) == 0) {
                float4 o = make_float4(v[0], v[1], v[2], v[3]);
                if (accumulate) {
                    float4 old = *reinterpret_cast<float4*>(p);
                    o.x += old.x; o.y += old.y; o.z += old.z; o.w += old.w;
                }
                *reinterpret_cast<float4*>(p) = o;
            } else {
#pragma unroll
                for (int e = 0; e < 4; e++)
                    if (c + e < N) p[e] = accumulate ? p[e] + v[e] : v[e];
            }
        }
    }
}

// ---- split-K: C = alpha * sum_s part[s] (+ C), part dense [S, M, N] (CudaBackend.gemmSplitK) ----
template <typename T>
__device__ void splitk_sum_impl(int S, int M, int N, const T* part, T alpha, T* C, int ldc, int accumulate) {
    const long long mn = (long long) M * N;
    GRID_STRIDE(e, mn) {
        T a = 0;
        for (int s = 0; s < S; s++) a += part[s * mn + e];
        const int i = (int) (e / N), j = (int) (e % N);
        T* p = C + (long long) i * ldc + j;
        T v = alpha * a;
        *p = accumulate ? *p + v : v;
    }
}
extern "C" __global__ void splitk_sum_f32(int S, int M, int N, const float* part, float alpha, float* C, int ldc, int accumulate) {
    splitk_sum_impl<float>(S, M, N, part, alpha, C, ldc, accumulate);
}
extern "C" __global__ void splitk_sum_f64(int S, int M, int N, const double* part, double alpha, double* C, int ldc, int accumulate) {
    splitk_sum_impl<double>(S, M, N, part, alpha, C, ldc, accumulate);
}
