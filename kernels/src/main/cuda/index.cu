// index.cu — gather, scatterAdd, indexSelect and top-k. Backend methods: gather, scatterAdd, indexSelect, topk.
//
// CPU reference: somnium.tensor.cpu.IndexOps.
// gather/scatterAdd/indexSelect walk one tensor's coordinates with a `Strided` (common.cuh) whose operands are
//   arranged so that the axis coordinate is replaced by the looked-up index (the "other" operand has stride 0
//   along the axis; the index is read through its own strides). Out-of-range indices cannot throw on the GPU:
//   the first bad one is written to err[0..2] = {1, index, position}, and the Java side checks it after the
//   launch and throws IndexOutOfBoundsException like the CPU.
// scatterAdd uses atomicAdd: float sums into one element happen in an unspecified order (not bit-reproducible
//   when indices repeat; exact when they do not).
// topk: rows of a dense [outer, n] tensor; one block per row, CUB BlockRadixSort of (order-preserving key, index)
//   for n <= 2048 (stable, so ties go to the lower index, as on the CPU); for larger rows a rank-counting kernel
//   (O(n^2) per row, v1 fallback).
//
// Versions:
//   v1  as above.
// Measured speed: index_select of 50000 rows of 100000 x 64: 53.5 us (torch 50.4 us). (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
#include "common.cuh"
#include "topk.cuh"
#include <cub/block/block_radix_sort.cuh>

__device__ __forceinline__ bool bad_index(int idx, int size, int pos, int* err) {
    if (idx >= 0 && idx < size) return false;
    if (atomicCAS(err, 0, 1) == 0) { err[1] = idx; err[2] = pos; }
    return true;
}

// operands: 0 = index (index's shape), 1 = x with axis stride 0, 2 = out.
template <typename T>
__device__ void gather_impl(Strided s, long long n, const int* index, const T* x, int axisStride, int axisSize, T* out, int* err) {
    GRID_STRIDE(i, n) {
        int o[3];
        strided_offsets<3>(s, i, o);
        int idx = index[o[0]];
        if (bad_index(idx, axisSize, (int) i, err)) continue;
        out[o[2]] = x[o[1] + (long long) idx * axisStride];
    }
}
extern "C" __global__ void gather_f32(Strided s, long long n, const int* index, const float* x, int axisStride, int axisSize, float* out, int* err) {
    gather_impl(s, n, index, x, axisStride, axisSize, out, err);
}
extern "C" __global__ void gather_f64(Strided s, long long n, const int* index, const double* x, int axisStride, int axisSize, double* out, int* err) {
    gather_impl(s, n, index, x, axisStride, axisSize, out, err);
}
extern "C" __global__ void gather_i32(Strided s, long long n, const int* index, const int* x, int axisStride, int axisSize, int* out, int* err) {
    gather_impl(s, n, index, x, axisStride, axisSize, out, err);
}

// operands: 0 = index, 1 = out with axis stride 0, 2 = src.
template <typename T>
__device__ void scatter_add_impl(Strided s, long long n, const int* index, T* out, int axisStride, int axisSize, const T* src, int* err) {
    GRID_STRIDE(i, n) {
        int o[3];
        strided_offsets<3>(s, i, o);
        int idx = index[o[0]];
        if (bad_index(idx, axisSize, (int) i, err)) continue;
        atomicAdd(out + o[1] + (long long) idx * axisStride, src[o[2]]);
    }
}
extern "C" __global__ void scatter_add_f32(Strided s, long long n, const int* index, float* out, int axisStride, int axisSize, const float* src, int* err) {
    scatter_add_impl(s, n, index, out, axisStride, axisSize, src, err);
}
extern "C" __global__ void scatter_add_f64(Strided s, long long n, const int* index, double* out, int axisStride, int axisSize, const double* src, int* err) {
    scatter_add_impl(s, n, index, out, axisStride, axisSize, src, err);
}

// operands: 0 = out (out's shape), 1 = x with axis stride 0, 2 = the 1-D index seen with its stride on the axis, 0 elsewhere.
template <typename T>
__device__ void index_select_impl(Strided s, long long n, const int* index, const T* x, int axisStride, int axisSize, T* out, int* err) {
    GRID_STRIDE(i, n) {
        int o[3];
        strided_offsets<3>(s, i, o);
        int idx = index[o[2]];
        if (bad_index(idx, axisSize, (int) i, err)) continue;
        out[o[0]] = x[o[1] + (long long) idx * axisStride];
    }
}
extern "C" __global__ void index_select_f32(Strided s, long long n, const int* index, const float* x, int axisStride, int axisSize, float* out, int* err) {
    index_select_impl(s, n, index, x, axisStride, axisSize, out, err);
}
extern "C" __global__ void index_select_f64(Strided s, long long n, const int* index, const double* x, int axisStride, int axisSize, double* out, int* err) {
    index_select_impl(s, n, index, x, axisStride, axisSize, out, err);
}
extern "C" __global__ void index_select_i32(Strided s, long long n, const int* index, const int* x, int axisStride, int axisSize, int* out, int* err) {
    index_select_impl(s, n, index, x, axisStride, axisSize, out, err);
}

// ---- top-k ----
#define TOPK_THREADS 256
#define TOPK_ITEMS 8   // rows up to 2048

template <typename T, typename K>
__device__ void topk_sort_impl(int largest, int outer, int n, int k, const T* x, T* values, int* indices) {
    typedef cub::BlockRadixSort<K, TOPK_THREADS, TOPK_ITEMS, int> Sort;
    __shared__ typename Sort::TempStorage tmp;
    for (int row = blockIdx.x; row < outer; row += gridDim.x) {
        const T* p = x + (long long) row * n;
        K keys[TOPK_ITEMS];
        int idx[TOPK_ITEMS];
#pragma unroll
        for (int j = 0; j < TOPK_ITEMS; j++) {
            int i = threadIdx.x * TOPK_ITEMS + j;      // blocked arrangement: item rank = index
            idx[j] = i;
            keys[j] = i < n ? sort_key(p[i], largest != 0) : (K) ~(K) 0;   // padding sorts last (stable)
        }
        Sort(tmp).Sort(keys, idx);
#pragma unroll
        for (int j = 0; j < TOPK_ITEMS; j++) {
            int r = threadIdx.x * TOPK_ITEMS + j;
            if (r < k) {
                values[(long long) row * k + r] = p[idx[j]];
                indices[(long long) row * k + r] = idx[j];
            }
        }
        __syncthreads();
    }
}
extern "C" __global__ void __launch_bounds__(TOPK_THREADS)
topk_sort_f32(int largest, int outer, int n, int k, const float* x, float* values, int* indices) {
    topk_sort_impl<float, unsigned>(largest, outer, n, k, x, values, indices);
}
extern "C" __global__ void __launch_bounds__(TOPK_THREADS)
topk_sort_f64(int largest, int outer, int n, int k, const double* x, double* values, int* indices) {
    topk_sort_impl<double, unsigned long long>(largest, outer, n, k, x, values, indices);
}

// Fallback for long rows: element i of row blockIdx.y has rank #{j : key_j < key_i or (key_j == key_i and j < i)}.
template <typename T>
__device__ void topk_rank_impl(int largest, int n, int k, const T* x, T* values, int* indices) {
    int row = blockIdx.y;
    const T* p = x + (long long) row * n;
    for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += gridDim.x * blockDim.x) {
        auto ki = sort_key(p[i], largest != 0);
        int rank = 0;
        for (int j = 0; j < n && rank < k; j++) {
            auto kj = sort_key(p[j], largest != 0);
            rank += (kj < ki || (kj == ki && j < i)) ? 1 : 0;
        }
        if (rank < k) {
            values[(long long) row * k + rank] = p[i];
            indices[(long long) row * k + rank] = i;
        }
    }
}
extern "C" __global__ void topk_rank_f32(int largest, int n, int k, const float* x, float* values, int* indices) {
    topk_rank_impl(largest, n, k, x, values, indices);
}
extern "C" __global__ void topk_rank_f64(int largest, int n, int k, const double* x, double* values, int* indices) {
    topk_rank_impl(largest, n, k, x, values, indices);
}
