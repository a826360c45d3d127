// reduce.cu — reductions (sum, mean, max, min, logsumexp) over rows or columns, argmax/argmin, cumsum.
// Backend methods: reduce, argReduce, cumsum.
//
// CPU reference: somnium.tensor.cpu.Reductions. The Java side (CudaBackend.reduce) turns "reduce these axes"
// into one of two dense problems, exactly as the CPU does:
//   rows:    the reduced axes permuted to the end and made contiguous: x [outer, inner], out[r] = red(x[r, :]);
//   columns: float32, the reduced axes are the leading axes of a contiguous tensor: x [rows, cols],
//            out[c] = red(x[:, c]) (bias gradients summed over the batch).
// Numerics: rows use a block tree reduction in the element type (order differs from the CPU's vector lanes, so
//   sums agree to rounding); columns add rows sequentially in float, the CPU's order, so they are bit-exact;
//   MEAN over columns multiplies by (1f / rows) like the CPU. max/min propagate NaN. LOGSUMEXP returns the max
//   itself when it is +-inf or NaN. argmax/argmin: ties go to the lowest index, the first NaN wins.
//   cumsum accumulates in double (like the CPU) with one thread per row, sequentially: bit-exact.
//
// Versions:
//   v1  one block per row (block size from the row length, <= 256), warp shuffles + shared memory.
//   v2  few long rows: two stages (reduce_split / reduce_finish, at the end of this file).
// Measured speed: 4096 x 4096: sum over rows 1.35 TB/s (torch 1.94), of everything 1.31 (1.93; v1 alone: 2.9 GB/s),
//   over columns 0.13 TB/s (1.60; one thread per column, bit-exact with the CPU). (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
#include "common.cuh"

template <typename T> __device__ __forceinline__ T neg_inf();
template <> __device__ __forceinline__ float neg_inf<float>() { return -INFINITY; }
template <> __device__ __forceinline__ double neg_inf<double>() { return -(double) INFINITY; }

template <typename T>
__device__ __forceinline__ T warp_reduce(int op, T v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) {
        T w = __shfl_xor_sync(0xffffffffu, v, o);
        v = op == ROP_MAX ? max_nan(v, w) : op == ROP_MIN ? min_nan(v, w) : v + w;
    }
    return v;
}

// Block-wide reduction of v with op (SUM or MAX or MIN); all threads get the result.
template <typename T>
__device__ __forceinline__ T block_reduce(int op, T v, T identity) {
    __shared__ T scratch[32];
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = warp_reduce(op, v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    T t = lane < nw ? scratch[lane] : identity;
    t = warp_reduce(op, t);
    __syncthreads();
    return t;
}

template <typename T>
__device__ void reduce_rows_impl(int op, int outer, int inner, const T* x, T* out) {
    for (int row = blockIdx.x; row < outer; row += gridDim.x) {
        const T* p = x + (long long) row * inner;
        T r;
        if (op == ROP_SUM || op == ROP_MEAN) {
            T s = 0;
            for (int i = threadIdx.x; i < inner; i += blockDim.x) s += p[i];
            s = block_reduce<T>(ROP_SUM, s, (T) 0);
            r = op == ROP_MEAN ? s / (T) inner : s;
        } else if (op == ROP_MAX || op == ROP_MIN) {
            T id = op == ROP_MAX ? neg_inf<T>() : -neg_inf<T>();
            T m = id;
            for (int i = threadIdx.x; i < inner; i += blockDim.x) m = op == ROP_MAX ? max_nan(m, p[i]) : min_nan(m, p[i]);
            r = block_reduce<T>(op, m, id);
        } else {   // LOGSUMEXP
            T m = neg_inf<T>();
            for (int i = threadIdx.x; i < inner; i += blockDim.x) m = max_nan(m, p[i]);
            m = block_reduce<T>(ROP_MAX, m, neg_inf<T>());
            if (isinf(m) || isnan(m)) {
                r = m;
            } else {
                T s = 0;
                for (int i = threadIdx.x; i < inner; i += blockDim.x) s += exp(p[i] - m);
                s = block_reduce<T>(ROP_SUM, s, (T) 0);
                r = (T) ((double) m + log((double) s));
            }
        }
        if (threadIdx.x == 0) out[row] = r;
    }
}
extern "C" __global__ void reduce_rows_f32(int op, int outer, int inner, const float* x, float* out) {
    reduce_rows_impl(op, outer, inner, x, out);
}
extern "C" __global__ void reduce_rows_f64(int op, int outer, int inner, const double* x, double* out) {
    reduce_rows_impl(op, outer, inner, x, out);
}

// out[c] = red_r x[r * cols + c] for a dense [rows, cols] float block (rows >= 1), the CPU's sequential order.
extern "C" __global__ void reduce_cols_f32(int op, int rows, int cols, const float* x, float* out) {
    GRID_STRIDE(c, cols) {
        float a = x[c];
        for (int r = 1; r < rows; r++) {
            float v = x[(long long) r * cols + c];
            a = op == ROP_MAX ? max_nan(a, v) : op == ROP_MIN ? min_nan(a, v) : a + v;
        }
        if (op == ROP_MEAN) a = a * (1.0f / (float) rows);
        out[c] = a;
    }
}

// ---- argmax / argmin along rows of a dense [outer, n] tensor ----
template <typename T>
__device__ __forceinline__ bool arg_better(bool mx, T a, int ia, T b, int ib) {
    bool na = a != a, nb = b != b;
    if (na || nb) return na && (!nb || ia < ib);   // the first NaN wins
    if (a != b) return mx ? a > b : a < b;
    return ia < ib;
}

template <typename T>
__device__ void arg_rows_impl(int mx, int outer, int n, const T* x, int* out) {
    __shared__ T sv[32];
    __shared__ int si[32];
    for (int row = blockIdx.x; row < outer; row += gridDim.x) {
        const T* p = x + (long long) row * n;
        T bv = p[0];
        int bi = 0;
        for (int i = threadIdx.x; i < n; i += blockDim.x)
            if (arg_better<T>(mx, p[i], i, bv, bi)) { bv = p[i]; bi = i; }
#pragma unroll
        for (int o = 16; o > 0; o >>= 1) {
            T v = __shfl_xor_sync(0xffffffffu, bv, o);
            int j = __shfl_xor_sync(0xffffffffu, bi, o);
            if (arg_better<T>(mx, v, j, bv, bi)) { bv = v; bi = j; }
        }
        int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
        if (lane == 0) { sv[warp] = bv; si[warp] = bi; }
        __syncthreads();
        if (warp == 0) {
            bv = lane < nw ? sv[lane] : p[0];
            bi = lane < nw ? si[lane] : 0;
#pragma unroll
            for (int o = 16; o > 0; o >>= 1) {
                T v = __shfl_xor_sync(0xffffffffu, bv, o);
                int j = __shfl_xor_sync(0xffffffffu, bi, o);
                if (arg_better<T>(mx, v, j, bv, bi)) { bv = v; bi = j; }
            }
            if (lane == 0) out[row] = bi;
        }
        __syncthreads();
    }
}
extern "C" __global__ void arg_rows_f32(int mx, int outer, int n, const float* x, int* out) { arg_rows_impl(mx, outer, n, x, out); }
extern "C" __global__ void arg_rows_f64(int mx, int outer, int n, const double* x, int* out) { arg_rows_impl(mx, outer, n, x, out); }
extern "C" __global__ void arg_rows_i32(int mx, int outer, int n, const int* x, int* out) { arg_rows_impl(mx, outer, n, x, out); }

// ---- cumsum along rows of a dense [outer, n] tensor, double accumulation (the CPU's), one thread per row ----
template <typename T>
__device__ void cumsum_rows_impl(int reverse, int outer, int n, const T* x, T* out) {
    GRID_STRIDE(row, outer) {
        const T* p = x + row * (long long) n;
        T* q = out + row * (long long) n;
        double acc = 0;
        for (int k = 0; k < n; k++) {
            int i = reverse ? n - 1 - k : k;
            acc += (double) p[i];
            q[i] = (T) acc;
        }
    }
}
extern "C" __global__ void cumsum_rows_f32(int reverse, int outer, int n, const float* x, float* out) { cumsum_rows_impl(reverse, outer, n, x, out); }
extern "C" __global__ void cumsum_rows_f64(int reverse, int outer, int n, const double* x, double* out) { cumsum_rows_impl(reverse, outer, n, x, out); }
extern "C" __global__ void cumsum_rows_i32(int reverse, int outer, int n, const int* x, int* out) { cumsum_rows_impl(reverse, outer, n, x, out); }

// ---- v2: long rows in two stages (CudaBackend picks this for fewer rows than SMs and rows of >= 32768) ----
// Stage 1: block (s, row) reduces x[row, s*chunk .. min(inner, (s+1)*chunk)) into partial[row * S + s]
// (SUM and MEAN both sum; MAX/MIN as themselves). Stage 2: one block per row reduces its S partials, MEAN divides
// by inner. LOGSUMEXP keeps the one-stage kernel. Sums agree with the CPU to rounding, as the one-stage kernel does.
template <typename T>
__device__ void reduce_split_impl(int op, int inner, int S, int chunk, const T* x, T* partial) {
    const int s = blockIdx.x, row = blockIdx.y;
    const T* p = x + (long long) row * inner;
    const int lo = s * chunk, hi = min(inner, lo + chunk);
    T r;
    if (op == ROP_MAX || op == ROP_MIN) {
        T id = op == ROP_MAX ? neg_inf<T>() : -neg_inf<T>();
        T m = id;
        for (int i = lo + threadIdx.x; i < hi; i += blockDim.x) m = op == ROP_MAX ? max_nan(m, p[i]) : min_nan(m, p[i]);
        r = block_reduce<T>(op, m, id);
    } else {
        T a = 0;
        for (int i = lo + threadIdx.x; i < hi; i += blockDim.x) a += p[i];
        r = block_reduce<T>(ROP_SUM, a, (T) 0);
    }
    if (threadIdx.x == 0) partial[(long long) row * S + s] = r;
}
extern "C" __global__ void reduce_split_f32(int op, int inner, int S, int chunk, const float* x, float* partial) {
    reduce_split_impl(op, inner, S, chunk, x, partial);
}
extern "C" __global__ void reduce_split_f64(int op, int inner, int S, int chunk, const double* x, double* partial) {
    reduce_split_impl(op, inner, S, chunk, x, partial);
}

template <typename T>
__device__ void reduce_finish_impl(int op, int outer, int S, int inner, const T* partial, T* out) {
    for (int row = blockIdx.x; row < outer; row += gridDim.x) {
        const T* p = partial + (long long) row * S;
        T r;
        if (op == ROP_MAX || op == ROP_MIN) {
            T id = op == ROP_MAX ? neg_inf<T>() : -neg_inf<T>();
            T m = id;
            for (int i = threadIdx.x; i < S; i += blockDim.x) m = op == ROP_MAX ? max_nan(m, p[i]) : min_nan(m, p[i]);
            r = block_reduce<T>(op, m, id);
        } else {
            T a = 0;
            for (int i = threadIdx.x; i < S; i += blockDim.x) a += p[i];
            a = block_reduce<T>(ROP_SUM, a, (T) 0);
            r = op == ROP_MEAN ? a / (T) inner : a;
        }
        if (threadIdx.x == 0) out[row] = r;
    }
}
extern "C" __global__ void reduce_finish_f32(int op, int outer, int S, int inner, const float* partial, float* out) {
    reduce_finish_impl(op, outer, S, inner, partial, out);
}
extern "C" __global__ void reduce_finish_f64(int op, int outer, int S, int inner, const double* partial, double* out) {
    reduce_finish_impl(op, outer, S, inner, partial, out);
}
