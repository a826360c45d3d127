// conv.cu — the layout kernels of convolution as im2col + GEMM (the GEMMs are gemm.cu's). Backend methods:
// conv2d, conv2dBackwardInput, conv2dBackwardWeight, convTranspose2d and its two gradients (CudaBackend builds
// each from these pieces; see CudaConv.java).
//
// CPU reference: somnium.tensor.cpu.Conv (via CpuBackend.conv2d etc.).
// Layouts ("wide" columns, so that one GEMM covers a whole chunk of nb images):
//   image  x   [nb, C, H, W]                     dense, NCHW
//   column col [C * kh * kw, nb * Ho * Wo]       row (c, ky, kx), column (n, oy, ox)
//   conv output in GEMM order [Cout, nb, P]      P = Ho * Wo; nchw_from_cnp turns it into [nb, Cout, P] (+ bias)
// with image pixel (h, w) = (oy * stride - pad + ky, ox * stride - pad + kx).
//   conv2d:            out' [Cout, nb*P]  = W [Cout, C*kk] . im2col(x)
//   backward input:    dx = col2im(W^T [C*kk, Cout] . dy' [Cout, nb*P])
//   backward weight:   dW [Cout, C*kk]   += dy' [Cout, nb*P] . im2col(x)^T        (accumulated over chunks)
//   convTranspose2d:   out = col2im(W^T [Cout*kk, Cin] . x' [Cin, nb*H*W]) over the larger output image (+ bias)
//   convT backward in: dx' [Cin, nb*H*W] = W [Cin, Cout*kk] . im2col(dy)
//   convT backward W:  dW [Cin, Cout*kk] += x' [Cin, nb*H*W] . im2col(dy)^T
// col2im gathers (each image pixel sums its own column entries), so it is deterministic: no atomics.
//
// Versions:
//   v1  one thread per element, grid-stride loops.
// Measured speed: Dreamer encoder at batch 500 (4 conv k4 s2): forward 2.43 ms (torch/cuDNN 0.58), weight + input gradients
//   6.6 ms (0.99) after split-K for the weight gradient (96.8 ms before). (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
#include "common.cuh"

template <typename T>
__device__ void im2col_impl(const T* x, int nb, int C, int H, int W, int kh, int kw, int stride, int pad,
                            int Ho, int Wo, T* col) {
    long long P = (long long) Ho * Wo, cols = nb * P, total = (long long) C * kh * kw * cols;
    GRID_STRIDE(i, total) {
        long long row = i / cols, cidx = i % cols;
        int n = (int) (cidx / P), p = (int) (cidx % P);
        int oy = p / Wo, ox = p % Wo;
        int kx = (int) (row % kw), ky = (int) ((row / kw) % kh), c = (int) (row / ((long long) kw * kh));
        int h = oy * stride - pad + ky, w = ox * stride - pad + kx;
        T v = (T) 0;
        if (h >= 0 && h < H && w >= 0 && w < W) v = x[(((long long) n * C + c) * H + h) * W + w];
        col[i] = v;
    }
}
extern "C" __global__ void im2col_f32(const float* x, int nb, int C, int H, int W, int kh, int kw, int stride, int pad,
                                      int Ho, int Wo, float* col) {
    im2col_impl(x, nb, C, H, W, kh, kw, stride, pad, Ho, Wo, col);
}
extern "C" __global__ void im2col_f64(const double* x, int nb, int C, int H, int W, int kh, int kw, int stride, int pad,
                                      int Ho, int Wo, double* col) {
    im2col_impl(x, nb, C, H, W, kh, kw, stride, pad, Ho, Wo, col);
}

// x[n, c, h, w] = sum over (ky, kx) with h = oy*stride - pad + ky, w = ox*stride - pad + kx in the column grid.
template <typename T>
__device__ void col2im_impl(const T* col, int nb, int C, int H, int W, int kh, int kw, int stride, int pad,
                            int Ho, int Wo, T* x) {
    long long P = (long long) Ho * Wo, cols = nb * P, total = (long long) nb * C * H * W;
    GRID_STRIDE(i, total) {
        int w = (int) (i % W), h = (int) ((i / W) % H), c = (int) ((i / ((long long) W * H)) % C);
        int n = (int) (i / ((long long) W * H * C));
        T s = (T) 0;
        for (int ky = 0; ky < kh; ky++) {
            int ty = h + pad - ky;
            if (ty < 0 || ty % stride != 0) continue;
            int oy = ty / stride;
            if (oy >= Ho) continue;
            for (int kx = 0; kx < kw; kx++) {
                int tx = w + pad - kx;
                if (tx < 0 || tx % stride != 0) continue;
                int ox = tx / stride;
                if (ox >= Wo) continue;
                long long row = ((long long) c * kh + ky) * kw + kx;
                s += col[row * cols + (long long) n * P + (long long) oy * Wo + ox];
            }
        }
        x[i] = s;
    }
}
extern "C" __global__ void col2im_f32(const float* col, int nb, int C, int H, int W, int kh, int kw, int stride, int pad,
                                      int Ho, int Wo, float* x) {
    col2im_impl(col, nb, C, H, W, kh, kw, stride, pad, Ho, Wo, x);
}
extern "C" __global__ void col2im_f64(const double* col, int nb, int C, int H, int W, int kh, int kw, int stride, int pad,
                                      int Ho, int Wo, double* x) {
    col2im_impl(col, nb, C, H, W, kh, kw, stride, pad, Ho, Wo, x);
}

// dst [nb, C, P] = src [C, nb, P] (+ bias[c] when bias != null).
template <typename T>
__device__ void nchw_from_cnp_impl(const T* src, const T* bias, int nb, int C, int P, T* dst) {
    long long total = (long long) nb * C * P;
    GRID_STRIDE(i, total) {
        int p = (int) (i % P), c = (int) ((i / P) % C), n = (int) (i / ((long long) P * C));
        T v = src[((long long) c * nb + n) * P + p];
        if (bias) v += bias[c];
        dst[i] = v;
    }
}
extern "C" __global__ void nchw_from_cnp_f32(const float* src, const float* bias, int nb, int C, int P, float* dst) {
    nchw_from_cnp_impl(src, bias, nb, C, P, dst);
}
extern "C" __global__ void nchw_from_cnp_f64(const double* src, const double* bias, int nb, int C, int P, double* dst) {
    nchw_from_cnp_impl(src, bias, nb, C, P, dst);
}

// dst [C, nb, P] = src [nb, C, P].
template <typename T>
__device__ void cnp_from_nchw_impl(const T* src, int nb, int C, int P, T* dst) {
    long long total = (long long) nb * C * P;
    GRID_STRIDE(i, total) {
        int p = (int) (i % P), n = (int) ((i / P) % nb), c = (int) (i / ((long long) P * nb));
        dst[i] = src[((long long) n * C + c) * P + p];
    }
}
extern "C" __global__ void cnp_from_nchw_f32(const float* src, int nb, int C, int P, float* dst) { cnp_from_nchw_impl(src, nb, C, P, dst); }
extern "C" __global__ void cnp_from_nchw_f64(const double* src, int nb, int C, int P, double* dst) { cnp_from_nchw_impl(src, nb, C, P, dst); }

// out [nb, C, P] += bias[c] (convTranspose2d's bias after col2im).
template <typename T>
__device__ void add_channel_bias_impl(const T* bias, int nb, int C, int P, T* out) {
    long long total = (long long) nb * C * P;
    GRID_STRIDE(i, total) out[i] += bias[(i / P) % C];
}
extern "C" __global__ void add_channel_bias_f32(const float* bias, int nb, int C, int P, float* out) { add_channel_bias_impl(bias, nb, C, P, out); }
extern "C" __global__ void add_channel_bias_f64(const double* bias, int nb, int C, int P, double* out) { add_channel_bias_impl(bias, nb, C, P, out); }
