// common.cuh — shared by every kernels/src/main/cuda/*.cu file.
//
// What it holds:
//   * Strided: the shape/strides/offsets of up to 4 operands of one elementwise launch, passed BY VALUE as a
//     kernel parameter (Java packs the same int layout: somnium.kernels.StridedParams). Element i of the
//     launch (row-major over dims) is at element offset off[k] + sum_d coord_d * st[k][d] of operand k.
//   * The op codes of somnium.tensor.UnaryOp / BinaryOp / ReduceOp (Java maps enums to these numbers in
//     somnium.kernels.OpCodes; OpCodesTest parses this file and checks the two agree).
//   * Philox4x32-10 and the word -> value conversions of docs/random.md (bit-identical to
//     somnium.tensor.Philox in the uniform bits).
//   * Warp/block reduction helpers.
#pragma once
#include <stdint.h>
#include <math.h>
#include <float.h>

#define MAXR 8

struct Strided {
    int rank;              // number of dims (0..MAXR); rank 0 is a scalar
    int dims[MAXR];        // sizes, row-major
    int off[4];            // element offset of each operand
    int st[4][MAXR];       // element strides of each operand (0 = broadcast)
};

// Element offsets of the linear index i (row-major over s.dims) for the first NOPS operands.
// Storages hold at most 2^31 - 1 elements, so 32-bit index arithmetic suffices (and 32-bit div/mod is much
// cheaper than 64-bit on the GPU).
template <int NOPS>
__device__ __forceinline__ void strided_offsets(const Strided& s, long long li, int* o) {
    unsigned i = (unsigned) li;
#pragma unroll
    for (int k = 0; k < NOPS; k++) o[k] = s.off[k];
    for (int d = s.rank - 1; d >= 0; d--) {
        unsigned n = (unsigned) s.dims[d];
        int c = (int) (i % n);
        i /= n;
#pragma unroll
        for (int k = 0; k < NOPS; k++) o[k] += c * s.st[k][d];
    }
}

#define GRID_STRIDE(i, n) \
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < (long long) (n); \
         i += (long long) gridDim.x * blockDim.x)

// ---- op codes (keep in step with somnium.kernels.OpCodes; OpCodesTest checks) ----
#define UOP_NEG 0
#define UOP_ABS 1
#define UOP_SIGN 2
#define UOP_SQUARE 3
#define UOP_SQRT 4
#define UOP_RSQRT 5
#define UOP_RECIPROCAL 6
#define UOP_EXP 7
#define UOP_EXPM1 8
#define UOP_LOG 9
#define UOP_LOG1P 10
#define UOP_SIN 11
#define UOP_COS 12
#define UOP_TANH 13
#define UOP_ATANH 14
#define UOP_SIGMOID 15
#define UOP_RELU 16
#define UOP_ELU 17
#define UOP_SILU 18
#define UOP_MISH 19
#define UOP_SOFTPLUS 20
#define UOP_CLAMP 21
#define UOP_SYMLOG 22
#define UOP_SYMEXP 23
#define UOP_POW 24
#define UOP_AFFINE 25

#define BOP_ADD 0
#define BOP_SUB 1
#define BOP_MUL 2
#define BOP_DIV 3
#define BOP_POW 4
#define BOP_MAXIMUM 5
#define BOP_MINIMUM 6
#define BOP_EQ 7
#define BOP_NE 8
#define BOP_LT 9
#define BOP_LE 10
#define BOP_GT 11
#define BOP_GE 12

#define ROP_SUM 0
#define ROP_MEAN 1
#define ROP_MAX 2
#define ROP_MIN 3
#define ROP_LOGSUMEXP 4

// ---- Philox4x32-10 (docs/random.md section 1) ----
__device__ __forceinline__ uint4 philox4x32_10(uint4 c, uint2 k) {
#pragma unroll
    for (int r = 0; r < 10; r++) {
        if (r > 0) { k.x += 0x9E3779B9u; k.y += 0xBB67AE85u; }
        unsigned hi0 = __umulhi(0xD2511F53u, c.x), lo0 = 0xD2511F53u * c.x;
        unsigned hi1 = __umulhi(0xCD9E8D57u, c.z), lo1 = 0xCD9E8D57u * c.z;
        c = make_uint4(hi1 ^ c.y ^ k.x, lo1, hi0 ^ c.w ^ k.y, lo0);
    }
    return c;
}

__device__ __forceinline__ uint4 philox_block(unsigned long long seed, unsigned long long block) {
    return philox4x32_10(make_uint4((unsigned) block, (unsigned) (block >> 32), 0u, 0u),
                         make_uint2((unsigned) seed, (unsigned) (seed >> 32)));
}

// Word w of the stream of `seed` (section 2): lane w % 4 of block w / 4.
__device__ __forceinline__ unsigned philox_word(unsigned long long seed, unsigned long long w) {
    uint4 o = philox_block(seed, w >> 2);
    unsigned lane = (unsigned) (w & 3);
    return lane == 0 ? o.x : lane == 1 ? o.y : lane == 2 ? o.z : o.w;
}

// Section 3 conversions. All exact (power-of-two scalings of integers).
__device__ __forceinline__ float philox_uniform_float(unsigned x) {
    return (float) (x >> 8) * 0x1.0p-24f;
}

__device__ __forceinline__ double philox_uniform_double(unsigned a, unsigned b) {
    return ((double) (a >> 5) * 67108864.0 + (double) (b >> 6)) * 0x1.0p-53;
}

__device__ __forceinline__ double philox_uniform_double32(unsigned x) {
    return (double) x * 0x1.0p-32;
}

// Box-Muller pair from words a, b, in double: (z0, z1) = r * (cos t, sin t).
// The products are explicitly unfused (Java's r * Math.cos(t) is one rounded multiply).
__device__ __forceinline__ double2 philox_box_muller(unsigned a, unsigned b) {
    double u1 = ((double) a + 1.0) * 0x1.0p-32;
    double u2 = (double) b * 0x1.0p-32;
    double r = sqrt(__dmul_rn(-2.0, log(u1)));
    double t = __dmul_rn(6.283185307179586, u2);   // (2 * Math.PI) as a double literal
    double s, c;
    sincos(t, &s, &c);
    return make_double2(__dmul_rn(r, c), __dmul_rn(r, s));
}

// Standard normal float element i of a draw at `offset` (section 3): pair j = i / 2 reads words
// offset + 2j, offset + 2j + 1; element 2j gets z0, 2j + 1 gets z1.
__device__ __forceinline__ float philox_normal_float(unsigned long long seed, unsigned long long offset, long long i) {
    unsigned long long w = offset + (unsigned long long) (i & ~1LL);
    unsigned a = philox_word(seed, w), b = philox_word(seed, w + 1);
    double2 z = philox_box_muller(a, b);
    return __double2float_rn((i & 1) ? z.y : z.x);
}

// ---- reductions ----
__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
__device__ __forceinline__ double warp_sum(double v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
// max/min that propagate NaN like Java's Math.max/min (fmaxf would drop it).
__device__ __forceinline__ float max_nan(float a, float b) { return (a > b || a != a) ? a : (b != b ? b : fmaxf(a, b)); }
__device__ __forceinline__ float min_nan(float a, float b) { return (a < b || a != a) ? a : (b != b ? b : fminf(a, b)); }
__device__ __forceinline__ double max_nan(double a, double b) { return (a > b || a != a) ? a : (b != b ? b : fmax(a, b)); }
__device__ __forceinline__ double min_nan(double a, double b) { return (a < b || a != a) ? a : (b != b ? b : fmin(a, b)); }

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = max_nan(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

// Sum over the block (blockDim.x a multiple of 32, <= 1024); every thread gets the result.
// `scratch` holds at least 32 T. Ends with a __syncthreads so scratch can be reused at once.
template <typename T>
__device__ __forceinline__ T block_sum(T v, T* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = warp_sum(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    T t = lane < nw ? scratch[lane] : (T) 0;
    t = warp_sum(t);
    __syncthreads();
    return t;
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
    int lane = threadIdx.x & 31, warp = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = warp_max(v);
    if (lane == 0) scratch[warp] = v;
    __syncthreads();
    float t = lane < nw ? scratch[lane] : -INFINITY;
    t = warp_max(t);
    __syncthreads();
    return t;
}
