package somnium.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/** SamplingReference against Tensor composites (Rng normals, softmax) and finite differences. */
class SamplingReferenceTest {
    @Test
    void rsampleIsMuPlusSigmaTimesTheRngNormals() {
        int n = 11;
        long seed = 42, offset = 6;
        float[] mu = Ref.randn(31, n), sigma = Ref.rand(32, n, 0.1f, 2f);
        Tensor eps = new Rng(seed, offset).normal(Shape.of(n), 0, 1, DType.F32, Device.CPU);
        Tensor want = Tensor.of(mu, n).add(Tensor.of(sigma, n).mul(eps));
        float[] z = new float[n], e = new float[n];
        SamplingReference.normalRsample(n, mu, sigma, false, seed, offset, z, e);
        Ref.assertClose(want.toFloatArray(), z, 0, 0, "z (bit-exact)");
        Ref.assertClose(eps.toFloatArray(), e, 0, 0, "eps");
        float[] zl = new float[n];
        SamplingReference.normalRsample(n, mu, sigma, true, seed, offset, zl, null);
        Ref.assertClose(Tensor.of(mu, n).add(Tensor.of(sigma, n).exp().mul(eps)).toFloatArray(), zl, 1e-6, 1e-6, "z with log sigma");
    }

    @Test
    void rsampleBackwardMatchesFiniteDifferences() {
        int n = 9;
        float[] mu = Ref.randn(33, n), ls = Ref.rand(34, n, -1f, 1f), c = Ref.randn(35, n);
        float[] dmu = new float[n], dls = new float[n];
        SamplingReference.normalRsampleBackward(n, c, ls, true, 7, 0, dmu, dls);
        Ref.assertClose(c, dmu, 0, 0, "dmu");
        Ref.assertCloseGrad(Ref.numericGrad(ls, v -> {
            float[] z = new float[n];
            SamplingReference.normalRsample(n, mu, v, true, 7, 0, z, null);
            return Ref.dot(z, c);
        }, 1e-2f), dls, 2e-3, 2e-2, "dlogsigma");
    }

    @Test
    void categoricalProbsAreUnimixedSoftmaxAndSamplesFollowThem() {
        int rows = 4000, c = 5;
        float unimix = 0.01f;
        float[] one = {2f, -1f, 0.5f, 0f, -3f};
        float[] logits = new float[rows * c];
        for (int r = 0; r < rows; r++) System.arraycopy(one, 0, logits, r * c, c);
        float[] onehot = new float[rows * c], probs = new float[rows * c];
        int[] idx = new int[rows];
        SamplingReference.categoricalSt(rows, c, logits, unimix, 3, 0, onehot, probs, idx);
        Tensor want = Tensor.of(one, c).softmax(0).mul(1 - unimix).add(unimix / c);
        float[] p0 = java.util.Arrays.copyOf(probs, c);
        Ref.assertClose(want.toFloatArray(), p0, 1e-7, 1e-6, "probs");
        double[] freq = new double[c];
        for (int r = 0; r < rows; r++) {
            float s = 0;
            for (int k = 0; k < c; k++) s += onehot[r * c + k];
            assertEquals(1f, s, "one-hot row " + r);
            assertEquals(1f, onehot[r * c + idx[r]]);
            freq[idx[r]] += 1.0 / rows;
        }
        for (int k = 0; k < c; k++)
            assertTrue(Math.abs(freq[k] - p0[k]) < 4 * Math.sqrt(p0[k] * (1 - p0[k]) / rows) + 1e-3,
                    "category " + k + ": frequency " + freq[k] + " vs probability " + p0[k]);
    }

    @Test
    void straightThroughBackwardIsTheGradientOfTheProbabilities() {
        int rows = 3, c = 6;
        float unimix = 0.05f;
        float[] logits = Ref.randn(36, rows * c), g = Ref.randn(37, rows * c);
        float[] d = new float[rows * c];
        SamplingReference.categoricalStBackward(rows, c, logits, unimix, g, d);
        Ref.assertCloseGrad(Ref.numericGrad(logits, v -> {
            float[] p = new float[rows * c];
            SamplingReference.unimixProbs(rows, c, v, unimix, p);
            return Ref.dot(p, g);
        }, 1e-2f), d, 2e-3, 2e-2, "dlogits");
    }
}
