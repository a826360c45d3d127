// elementwise.cu — fill, copy (with dtype conversion), unary ops, binary ops and where, on strided operands
// with broadcasting (stride 0). Backend methods: fill, copy, unary, binary, where.
//
// CPU reference: somnium.tensor.cpu.Elementwise (scalar definitions UnaryOp.apply / BinaryOp.apply).
// Layout: one thread per output element, grid-stride loop; the operands' dims/strides/offsets arrive in one
//   `Strided` struct by value (common.cuh). A contiguous fast path (all strides row-major, offsets added on the
//   host side) skips the index arithmetic.
// Numerics: float32 ops use CUDA's float math (expf, logf, tanhf... within 2 ulp); the CPU rounds double results
//   to float, so results agree to a few ulp, not bit for bit. Comparisons, min/max, neg/abs/relu/clamp, affine
//   (x*p0 + p1, deliberately unfused) and copies are exact. max/min/clamp propagate NaN like Java's Math.max.
//   float->int conversion truncates toward zero and saturates, NaN -> 0 (Java's (int) cast; cvt.rzi.s32.f32).
//
// Versions:
//   v1  strided grid-stride loop, one element per thread, runtime op switch (warp-uniform).
//   v2  contiguous float32 unary/binary bodies on float4s where the pointers are 16-byte aligned, scalar tail.
// Measured speed: contiguous add 3.18 TB/s (torch 3.31), exp 2.67 (2.91); add with a broadcast row 1.42 (2.09). (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
#include "common.cuh"

// ---- scalar op definitions (float and double) ----
template <typename T> __device__ __forceinline__ T sgn(T x) { return x > (T) 0 ? (T) 1 : x < (T) 0 ? (T) -1 : x; }
template <typename T> __device__ __forceinline__ T sigmoid_(T x) {
    return x >= (T) 0 ? (T) 1 / ((T) 1 + exp(-x)) : exp(x) / ((T) 1 + exp(x));
}
template <typename T> __device__ __forceinline__ T softplus_(T x) { return x > (T) 20 ? x : log1p(exp(x)); }

template <typename T>
__device__ __forceinline__ T unary_op(int op, T x, T p0, T p1) {
    switch (op) {
        case UOP_NEG: return -x;
        case UOP_ABS: return fabs(x);
        case UOP_SIGN: return sgn(x);
        case UOP_SQUARE: return x * x;
        case UOP_SQRT: return sqrt(x);
        case UOP_RSQRT: return (T) 1 / sqrt(x);
        case UOP_RECIPROCAL: return (T) 1 / x;
        case UOP_EXP: return exp(x);
        case UOP_EXPM1: return expm1(x);
        case UOP_LOG: return log(x);
        case UOP_LOG1P: return log1p(x);
        case UOP_SIN: return sin(x);
        case UOP_COS: return cos(x);
        case UOP_TANH: return tanh(x);
        case UOP_ATANH: return (T) 0.5 * log(((T) 1 + x) / ((T) 1 - x));
        case UOP_SIGMOID: return sigmoid_(x);
        case UOP_RELU: return x > (T) 0 ? x : (T) 0;
        case UOP_ELU: return x > (T) 0 ? x : p0 * expm1(x);
        case UOP_SILU: return x * sigmoid_(x);
        case UOP_MISH: return x * tanh(softplus_(x));
        case UOP_SOFTPLUS: return softplus_(x);
        case UOP_CLAMP: return min_nan(max_nan(x, p0), p1);
        case UOP_SYMLOG: return sgn(x) * log1p(fabs(x));
        case UOP_SYMEXP: return sgn(x) * expm1(fabs(x));
        case UOP_POW: return pow(x, p0);
        case UOP_AFFINE: return x * p0 + p1;   // see the affine kernels below for the unfused form
        default: return (T) NAN;
    }
}

template <typename T>
__device__ __forceinline__ T binary_op(int op, T a, T b) {
    switch (op) {
        case BOP_ADD: return a + b;
        case BOP_SUB: return a - b;
        case BOP_MUL: return a * b;
        case BOP_DIV: return a / b;
        case BOP_POW: return pow(a, b);
        case BOP_MAXIMUM: return max_nan(a, b);
        case BOP_MINIMUM: return min_nan(a, b);
        case BOP_EQ: return a == b ? (T) 1 : (T) 0;
        case BOP_NE: return a != b ? (T) 1 : (T) 0;
        case BOP_LT: return a < b ? (T) 1 : (T) 0;
        case BOP_LE: return a <= b ? (T) 1 : (T) 0;
        case BOP_GT: return a > b ? (T) 1 : (T) 0;
        case BOP_GE: return a >= b ? (T) 1 : (T) 0;
        default: return (T) NAN;
    }
}

// Java's unfused x * p0 + p1 (nvcc would contract it into one FMA).
__device__ __forceinline__ float affine_(float x, float p0, float p1) { return __fadd_rn(__fmul_rn(x, p0), p1); }
__device__ __forceinline__ double affine_(double x, double p0, double p1) { return __dadd_rn(__dmul_rn(x, p0), p1); }

// ---- conversions (Java semantics) ----
template <typename D, typename S> __device__ __forceinline__ D convert(S v) { return (D) v; }
template <> __device__ __forceinline__ int convert<int, float>(float v) { return __float2int_rz(v); }     // NaN -> 0, saturates
template <> __device__ __forceinline__ int convert<int, double>(double v) { return __double2int_rz(v); }
template <> __device__ __forceinline__ float convert<float, double>(double v) { return __double2float_rn(v); }

// ---- fill ----
template <typename T>
__device__ void fill_impl(Strided s, long long n, T* out, T v) {
    GRID_STRIDE(i, n) {
        int o[1];
        strided_offsets<1>(s, i, o);
        out[o[0]] = v;
    }
}
extern "C" __global__ void fill_f32(Strided s, long long n, float* out, float v) { fill_impl(s, n, out, v); }
extern "C" __global__ void fill_f64(Strided s, long long n, double* out, double v) { fill_impl(s, n, out, v); }
extern "C" __global__ void fill_i32(Strided s, long long n, int* out, int v) { fill_impl(s, n, out, v); }

// ---- copy: operand 0 = src, 1 = dst ----
template <typename S, typename D>
__device__ void copy_impl(Strided s, long long n, const S* src, D* dst) {
    GRID_STRIDE(i, n) {
        int o[2];
        strided_offsets<2>(s, i, o);
        dst[o[1]] = convert<D, S>(src[o[0]]);
    }
}
#define COPY(SN, ST, DN, DT) \
    extern "C" __global__ void copy_##SN##_##DN(Strided s, long long n, const ST* src, DT* dst) { copy_impl(s, n, src, dst); }
COPY(f32, float, f32, float)
COPY(f32, float, f64, double)
COPY(f32, float, i32, int)
COPY(f64, double, f32, float)
COPY(f64, double, f64, double)
COPY(f64, double, i32, int)
COPY(i32, int, f32, float)
COPY(i32, int, f64, double)
COPY(i32, int, i32, int)

// Contiguous same-type copy of n elements (4-byte words), the common case of .contiguous() on a dense tensor.
extern "C" __global__ void copy_contig_b32(long long n, const unsigned* src, unsigned* dst) {
    GRID_STRIDE(i, n) dst[i] = src[i];
}

// ---- unary: operand 0 = x, 1 = out ----
template <typename T>
__device__ void unary_impl(int op, T p0, T p1, Strided s, long long n, const T* x, T* out) {
    if (op == UOP_AFFINE) {
        GRID_STRIDE(i, n) {
            int o[2];
            strided_offsets<2>(s, i, o);
            out[o[1]] = affine_(x[o[0]], p0, p1);
        }
        return;
    }
    GRID_STRIDE(i, n) {
        int o[2];
        strided_offsets<2>(s, i, o);
        out[o[1]] = unary_op<T>(op, x[o[0]], p0, p1);
    }
}
extern "C" __global__ void unary_f32(int op, float p0, float p1, Strided s, long long n, const float* x, float* out) {
    unary_impl(op, p0, p1, s, n, x, out);
}
extern "C" __global__ void unary_f64(int op, double p0, double p1, Strided s, long long n, const double* x, double* out) {
    unary_impl(op, p0, p1, s, n, x, out);
}

// Contiguous variants: no index arithmetic (x and out dense from their base pointers).
// Where every pointer is 16-byte aligned the body runs on float4s (4x the bytes in flight per load, which is what
// it takes to approach HBM bandwidth), then a scalar tail; the Java side launches n / 4 threads' worth of blocks.
__device__ __forceinline__ bool aligned16(const void* p) { return (((size_t) p) & 15) == 0; }

extern "C" __global__ void unary_contig_f32(int op, float p0, float p1, long long n, const float* x, float* out) {
    const long long n4 = aligned16(x) && aligned16(out) ? n / 4 : 0;
    const float4* x4 = reinterpret_cast<const float4*>(x);
    float4* o4 = reinterpret_cast<float4*>(out);
    if (op == UOP_AFFINE) {
        GRID_STRIDE(i, n4) {
            float4 v = x4[i];
            o4[i] = make_float4(affine_(v.x, p0, p1), affine_(v.y, p0, p1), affine_(v.z, p0, p1), affine_(v.w, p0, p1));
        }
        GRID_STRIDE(t, n - 4 * n4) out[4 * n4 + t] = affine_(x[4 * n4 + t], p0, p1);
        return;
    }
    GRID_STRIDE(i, n4) {
        float4 v = x4[i];
        o4[i] = make_float4(unary_op<float>(op, v.x, p0, p1), unary_op<float>(op, v.y, p0, p1),
                            unary_op<float>(op, v.z, p0, p1), unary_op<float>(op, v.w, p0, p1));
    }
    GRID_STRIDE(t, n - 4 * n4) out[4 * n4 + t] = unary_op<float>(op, x[4 * n4 + t], p0, p1);
}

// ---- binary: operands 0 = a, 1 = b, 2 = out ----
template <typename T>
__device__ void binary_impl(int op, Strided s, long long n, const T* a, const T* b, T* out) {
    GRID_STRIDE(i, n) {
        int o[3];
        strided_offsets<3>(s, i, o);
        out[o[2]] = binary_op<T>(op, a[o[0]], b[o[1]]);
    }
}
extern "C" __global__ void binary_f32(int op, Strided s, long long n, const float* a, const float* b, float* out) {
    binary_impl(op, s, n, a, b, out);
}
extern "C" __global__ void binary_f64(int op, Strided s, long long n, const double* a, const double* b, double* out) {
    binary_impl(op, s, n, a, b, out);
}
extern "C" __global__ void binary_contig_f32(int op, long long n, const float* a, const float* b, float* out) {
    const long long n4 = aligned16(a) && aligned16(b) && aligned16(out) ? n / 4 : 0;
    const float4* a4 = reinterpret_cast<const float4*>(a);
    const float4* b4 = reinterpret_cast<const float4*>(b);
    float4* o4 = reinterpret_cast<float4*>(out);
    GRID_STRIDE(i, n4) {
        float4 x = a4[i], y = b4[i];
        o4[i] = make_float4(binary_op<float>(op, x.x, y.x), binary_op<float>(op, x.y, y.y),
                            binary_op<float>(op, x.z, y.z), binary_op<float>(op, x.w, y.w));
    }
    GRID_STRIDE(t, n - 4 * n4) out[4 * n4 + t] = binary_op<float>(op, a[4 * n4 + t], b[4 * n4 + t]);
}

// ---- where: operands 0 = cond, 1 = a, 2 = b, 3 = out (cond != 0 ? a : b) ----
template <typename C, typename T>
__device__ void where_impl(Strided s, long long n, const C* cond, const T* a, const T* b, T* out) {
    GRID_STRIDE(i, n) {
        int o[4];
        strided_offsets<4>(s, i, o);
        out[o[3]] = cond[o[0]] != (C) 0 ? a[o[1]] : b[o[2]];
    }
}
#define WHERE(CN, CT, VN, VT) \
    extern "C" __global__ void where_##CN##_##VN(Strided s, long long n, const CT* c, const VT* a, const VT* b, VT* out) { \
        where_impl(s, n, c, a, b, out); }
WHERE(f32, float, f32, float)
WHERE(f32, float, f64, double)
WHERE(f32, float, i32, int)
WHERE(f64, double, f32, float)
WHERE(f64, double, f64, double)
WHERE(f64, double, i32, int)
WHERE(i32, int, f32, float)
WHERE(i32, int, f64, double)
WHERE(i32, int, i32, int)
