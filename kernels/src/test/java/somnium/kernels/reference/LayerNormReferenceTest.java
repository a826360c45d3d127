package somnium.kernels.reference;

import org.junit.jupiter.api.Test;
import somnium.tensor.Tensor;

/** LayerNormReference against Tensor ops (mean, var, rsqrt) and its backward against finite differences. */
class LayerNormReferenceTest {
    static final int R = 4, D = 7;
    static final float EPS = 1e-5f;

    @Test
    void forwardMatchesTensorComposite() {
        float[] x = Ref.randn(21, R * D), g = Ref.rand(22, D, 0.5f, 1.5f), b = Ref.rand(23, D, -0.5f, 0.5f);
        Tensor X = Tensor.of(x, R, D);
        Tensor mean = X.mean(-1, true), var = X.var(new int[] {-1}, false, true);
        Tensor want = X.sub(mean).div(var.add(EPS).sqrt()).mul(Tensor.of(g, D)).add(Tensor.of(b, D));
        float[] y = new float[R * D], m = new float[R], rs = new float[R];
        LayerNormReference.forward(R, D, EPS, x, g, b, y, m, rs);
        Ref.assertClose(want.toFloatArray(), y, 1e-5, 1e-5, "y");
        Ref.assertClose(mean.toFloatArray(), m, 1e-6, 1e-6, "mean");
        float[] noAffine = new float[R * D];
        LayerNormReference.forward(R, D, EPS, x, null, null, noAffine, null, null);
        Ref.assertClose(X.sub(mean).div(var.add(EPS).sqrt()).toFloatArray(), noAffine, 1e-5, 1e-5, "y without gamma/beta");
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        float[] x = Ref.randn(24, R * D), g = Ref.rand(25, D, 0.5f, 1.5f), b = Ref.rand(26, D, -0.5f, 0.5f), c = Ref.randn(27, R * D);
        float[] y = new float[R * D], m = new float[R], rs = new float[R];
        LayerNormReference.forward(R, D, EPS, x, g, b, y, m, rs);
        float[] dx = new float[R * D], dg = new float[D], db = new float[D];
        LayerNormReference.backward(R, D, c, x, m, rs, g, dx, dg, db);
        Ref.assertCloseGrad(Ref.numericGrad(x, v -> loss(v, g, b, c), 1e-2f), dx, 5e-3, 3e-2, "dx");
        Ref.assertCloseGrad(Ref.numericGrad(g, v -> loss(x, v, b, c), 1e-2f), dg, 5e-3, 2e-2, "dgamma");
        Ref.assertCloseGrad(Ref.numericGrad(b, v -> loss(x, g, v, c), 1e-2f), db, 5e-3, 2e-2, "dbeta");
    }

    static double loss(float[] x, float[] g, float[] b, float[] c) {
        float[] y = new float[R * D];
        LayerNormReference.forward(R, D, EPS, x, g, b, y, null, null);
        return Ref.dot(y, c);
    }
}
