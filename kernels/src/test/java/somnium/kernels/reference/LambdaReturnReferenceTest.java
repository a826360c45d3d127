package somnium.kernels.reference;

import org.junit.jupiter.api.Test;
import somnium.tensor.Tensor;

/** LambdaReturnReference against a Tensor-op recursion and its backward against finite differences. */
class LambdaReturnReferenceTest {
    static final int T = 6, B = 3;
    static final float LAMBDA = 0.95f;

    @Test
    void forwardMatchesTensorRecursion() {
        float[] r = Ref.randn(51, T * B), d = Ref.rand(52, T * B, 0.9f, 1f), v = Ref.randn(53, (T + 1) * B);
        Tensor R = Tensor.of(r, T, B), Dd = Tensor.of(d, T, B), V = Tensor.of(v, T + 1, B);
        Tensor next = V.select(0, T);
        Tensor[] rows = new Tensor[T];
        for (int t = T - 1; t >= 0; t--) {
            next = R.select(0, t).add(Dd.select(0, t).mul(V.select(0, t + 1).mul(1 - LAMBDA).add(next.mul(LAMBDA))));
            rows[t] = next;
        }
        float[] ret = new float[T * B];
        LambdaReturnReference.forward(T, B, r, d, v, LAMBDA, ret);
        Ref.assertClose(Tensor.stack(0, rows).toFloatArray(), ret, 1e-6, 1e-6, "returns");
        // lambda = 1: discounted Monte-Carlo return bootstrapped with v[T]; lambda = 0: one-step TD targets.
        float[] td = new float[T * B];
        LambdaReturnReference.forward(T, B, r, d, v, 0f, td);
        float[] want = new float[T * B];
        for (int i = 0; i < T * B; i++) want[i] = r[i] + d[i] * v[i + B];
        Ref.assertClose(want, td, 1e-6, 1e-6, "lambda = 0");
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        float[] r = Ref.randn(54, T * B), d = Ref.rand(55, T * B, 0.8f, 1f), v = Ref.randn(56, (T + 1) * B), c = Ref.randn(57, T * B);
        float[] ret = new float[T * B];
        LambdaReturnReference.forward(T, B, r, d, v, LAMBDA, ret);
        float[] dr = new float[T * B], dd = new float[T * B], dv = new float[(T + 1) * B];
        LambdaReturnReference.backward(T, B, c, ret, d, v, LAMBDA, dr, dd, dv);
        Ref.assertCloseGrad(Ref.numericGrad(r, x -> loss(x, d, v, c), 1e-2f), dr, 2e-3, 1e-2, "dr");
        Ref.assertCloseGrad(Ref.numericGrad(d, x -> loss(r, x, v, c), 1e-2f), dd, 2e-3, 1e-2, "dd");
        Ref.assertCloseGrad(Ref.numericGrad(v, x -> loss(r, d, x, c), 1e-2f), dv, 2e-3, 1e-2, "dv");
    }

    static double loss(float[] r, float[] d, float[] v, float[] c) {
        float[] ret = new float[T * B];
        LambdaReturnReference.forward(T, B, r, d, v, LAMBDA, ret);
        return Ref.dot(ret, c);
    }
}
