package somnium.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import somnium.tensor.Tensor;

/** CemReference against Tensor composites: topk + indexSelect + mean/var, as in shared/reference/cem.py. */
class CemReferenceTest {
    @Test
    void refitMatchesTopkMeanStd() {
        int e = 3, n = 50, d = 12, k = 7;
        float[] mean = Ref.rand(41, e * d, -0.5f, 0.5f), std = Ref.rand(42, e * d, 0.2f, 1f);
        float[] cand = new float[e * n * d];
        CemReference.sample(e, n, d, mean, std, 99, 4, -1f, 1f, cand);
        for (float v : cand) assertTrue(v >= -1f && v <= 1f, "clamped");
        float[] scores = Ref.randn(43, e * n);
        scores[5] = scores[9];   // a tie: the lower index must win
        float[] m2 = new float[e * d], s2 = new float[e * d];
        int[] el = CemReference.refit(e, n, d, k, cand, scores, m2, s2);
        Tensor C = Tensor.of(cand, e, n, d), S = Tensor.of(scores, e, n);
        for (int ee = 0; ee < e; ee++) {
            Tensor.TopK top = S.select(0, ee).topk(k, true);
            int[] want = top.indices().toIntArray();
            assertArrayEquals(want, java.util.Arrays.copyOfRange(el, ee * k, ee * k + k), "elites of env " + ee);
            Tensor elites = C.select(0, ee).indexSelect(0, top.indices());
            Tensor mu = elites.mean(0), sd = elites.var(new int[] {0}, false, false).sqrt();
            Ref.assertClose(mu.toFloatArray(), java.util.Arrays.copyOfRange(m2, ee * d, ee * d + d), 1e-6, 1e-5, "mean of env " + ee);
            Ref.assertClose(sd.toFloatArray(), java.util.Arrays.copyOfRange(s2, ee * d, ee * d + d), 1e-6, 1e-4, "std of env " + ee);
        }
    }

    @Test
    void sampleIsMeanPlusStdTimesRngNormalsClamped() {
        int e = 2, n = 5, d = 3;
        float[] mean = Ref.rand(44, e * d, -2, 2), std = Ref.rand(45, e * d, 0.1f, 3f);
        float[] cand = new float[e * n * d];
        CemReference.sample(e, n, d, mean, std, 5, 0, -1f, 1f, cand);
        Tensor eps = new somnium.tensor.Rng(5, 0).normal(somnium.tensor.Shape.of(e, n, d), 0, 1, somnium.tensor.DType.F32, somnium.tensor.Device.CPU);
        Tensor want = Tensor.of(mean, e, 1, d).add(Tensor.of(std, e, 1, d).mul(eps)).clamp(-1, 1);
        Ref.assertClose(want.toFloatArray(), cand, 0, 0, "candidates (bit-exact)");
    }
}
