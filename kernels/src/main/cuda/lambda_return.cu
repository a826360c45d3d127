// lambda_return.cu — TD(lambda) returns of an imagined trajectory (Dreamer), forward and backward.
// CudaKernels.lambdaReturn / lambdaReturnBackward; CPU reference somnium.kernels.reference.LambdaReturnReference.
//
// Time-major: rewards r [T, B], discounts d [T, B] (gamma * continue), values v [T + 1, B] (v[T] bootstraps).
//   R[T] := v[T];   R[t] = r[t] + d[t] * ((1 - lambda) * v[t + 1] + lambda * R[t + 1]),  t = T-1 .. 0.
// Backward, given dR [T, B] (G[t] the total gradient reaching R[t], G[0] = dR[0], G[t] = dR[t] + lambda d[t-1] G[t-1]):
//   dr[t] = G[t];  dd[t] = G[t] ((1 - lambda) v[t+1] + lambda R[t+1]);
//   dv[t+1] += G[t] d[t] (1 - lambda) (+ G[T-1] d[T-1] lambda for v[T]);  dv[0] = 0.
// One thread per column b, sequential in t (T is 15 in Dreamer: the scan is short, the batch wide). Unfused ops,
// so the CPU reference agrees bit for bit.
//
// Versions:
//   v1  as above.
// Measured speed: H 15 x 2500 starts: 18.7 us (the usual PyTorch Python loop: 948 us). (2026-11-26, NVIDIA H200, docs/performance.md#gpu-nvidia-h200-2026-11-26)
#include "common.cuh"

extern "C" __global__ void lambda_return_f32(int T, int B, const float* r, const float* d, const float* v, float lambda,
                                             float* ret) {
    GRID_STRIDE(b, B) {
        float R = v[(long long) T * B + b];
        float oml = 1.0f - lambda;
        for (int t = T - 1; t >= 0; t--) {
            long long k = (long long) t * B + b;
            float mix = __fadd_rn(__fmul_rn(oml, v[k + B]), __fmul_rn(lambda, R));
            R = __fadd_rn(r[k], __fmul_rn(d[k], mix));
            ret[k] = R;
        }
    }
}

extern "C" __global__ void lambda_return_backward_f32(int T, int B, const float* dret, const float* ret, const float* d,
                                                      const float* v, float lambda, float* dr, float* dd, float* dv) {
    GRID_STRIDE(b, B) {
        float oml = 1.0f - lambda;
        float G = 0.f;
        dv[b] = 0.f;
        for (int t = 0; t < T; t++) {
            long long k = (long long) t * B + b;
            G = t == 0 ? dret[k] : __fadd_rn(dret[k], __fmul_rn(__fmul_rn(lambda, d[k - B]), G));
            float Rn = t + 1 < T ? ret[k + B] : v[(long long) T * B + b];
            if (dr) dr[k] = G;
            if (dd) dd[k] = __fmul_rn(G, __fadd_rn(__fmul_rn(oml, v[k + B]), __fmul_rn(lambda, Rn)));
            float gv = __fmul_rn(__fmul_rn(G, d[k]), oml);
            if (t == T - 1) gv = __fadd_rn(gv, __fmul_rn(__fmul_rn(G, d[k]), lambda));
            dv[k + B] = gv;
        }
    }
}
