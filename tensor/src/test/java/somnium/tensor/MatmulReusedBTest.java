package somnium.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;
import somnium.tensor.cpu.Gemm;
import somnium.tensor.cpu.Parallel;

/**
 * matmulReusedB (a weight packed once, reused while its storage version holds) against plain matmul: bit-identical,
 * and a write to the weight is seen. The fused ELU backward against its composite twin, bit for bit.
 */
class MatmulReusedBTest {
    @Test
    void packedWeightGivesTheSameBitsAsMatmulAndSeesInPlaceUpdates() {
        Random r = new Random(3);
        // Shapes around the micro-tile and block edges (MR 6, NR 16, KC 256), tiny products, and one past KC.
        int[][] shapes = {{16, 200, 600}, {1, 3, 200}, {7, 5, 9}, {2, 3, 4}, {13, 300, 37}, {1000, 31, 200}, {6, 257, 16}, {0, 4, 5}};
        for (int[] s : shapes) {
            int m = s[0], k = s[1], n = s[2];
            Tensor x = T.rand(r, m, k), w = T.rand(r, n, k), wk = T.rand(r, k, n);
            for (int threads : new int[] {1, 2}) {
                Parallel.setThreads(threads);
                try {
                    assertArrayEquals(x.matmul(w.t()).toFloatArray(), x.matmulReusedB(w.t()).toFloatArray(), "x·W^T " + m + "x" + k + "x" + n);
                    assertArrayEquals(x.matmul(wk).toFloatArray(), x.matmulReusedB(wk).toFloatArray(), "x·W " + m + "x" + k + "x" + n);
                    Tensor xt = T.rand(r, k, m);
                    assertArrayEquals(xt.t().matmul(w.t()).toFloatArray(), xt.t().matmulReusedB(w.t()).toFloatArray(), "x^T·W^T");
                    // Twice more (from the cache), then after an in-place update (packed again).
                    assertArrayEquals(x.matmul(w.t()).toFloatArray(), x.matmulReusedB(w.t()).toFloatArray());
                    w.mulInPlace(w);
                    wk.addInPlace(wk);
                    assertArrayEquals(x.matmul(w.t()).toFloatArray(), x.matmulReusedB(w.t()).toFloatArray(), "after W *= W");
                    assertArrayEquals(x.matmul(wk).toFloatArray(), x.matmulReusedB(wk).toFloatArray(), "after W += W");
                    w.set(7.5, n - 1, k - 1);
                    assertArrayEquals(x.matmul(w.t()).toFloatArray(), x.matmulReusedB(w.t()).toFloatArray(), "after set");
                } finally {
                    Parallel.setThreads(1);
                }
            }
        }
        // A view into a larger weight (a narrowed column block) and a non-2-D call (falls back to matmul).
        Tensor big = T.rand(r, 40, 30), x = T.rand(r, 9, 20);
        Tensor view = big.narrow(1, 5, 20).t();
        assertArrayEquals(x.matmul(view).toFloatArray(), x.matmulReusedB(view).toFloatArray());
        Tensor x3 = T.rand(r, 2, 9, 30);
        assertArrayEquals(x3.matmul(big.t()).toFloatArray(), x3.matmulReusedB(big.t()).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> x.matmulReusedB(big));
    }

    @Test
    void gemmPackedBMatchesSgemmWithAccumulate() {
        Random r = new Random(4);
        int m = 20, k = 300, n = 40;
        float[] a = new float[m * k], b = new float[n * k], c0 = new float[m * n], c1;
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        for (int i = 0; i < c0.length; i++) c0[i] = (float) r.nextGaussian();
        c1 = c0.clone();
        Gemm.sgemm(false, true, m, n, k, a, 0, k, b, 0, k, c0, 0, n, true);
        Gemm.sgemmPackedB(false, m, a, 0, k, Gemm.packB(true, k, n, b, 0, k), c1, 0, n, true);
        assertArrayEquals(c0, c1);
        assertThrows(IllegalArgumentException.class, () -> Gemm.packB(true, k, n, b, 1, k));
    }

    @Test
    void gemmPackedBRowSweepMatchesSgemm() {
        // C above ROW_SWEEP_MIN_C (2^18 floats) and k > KC: the packed-B product takes the row-sweep order, with m
        // past one A block (MB = 1020 rows), k not a multiple of KC and n ending in a partial panel; both A layouts.
        // Bit-identical to sgemm and within float rounding of a double loop (sgemm takes the same order here too).
        Parallel.setThreads(1); // one thread: a split would hand each worker a C below the threshold
        Random r = new Random(8);
        int m = 1100, k = 300, n = 300; // n > 256: two column blocks of the sweep
        float[] b = new float[n * k];
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
        Gemm.PackedB pb = Gemm.packB(true, k, n, b, 0, k);
        for (boolean tA : new boolean[] {false, true}) {
            float[] a = new float[m * k], c0 = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
            for (int i = 0; i < c0.length; i++) c0[i] = (float) r.nextGaussian();
            float[] c1 = c0.clone(), ref = c0.clone();
            int lda = tA ? m : k;
            Gemm.sgemm(tA, true, m, n, k, a, 0, lda, b, 0, k, c0, 0, n, true);
            Gemm.sgemmPackedB(tA, m, a, 0, lda, pb, c1, 0, n, true);
            assertArrayEquals(c0, c1, "tA=" + tA);
            for (int i = 0; i < m; i += 37)
                for (int j = 0; j < n; j += 7) {
                    double sum = ref[i * n + j];
                    for (int p = 0; p < k; p++) sum += (double) (tA ? a[p * lda + i] : a[i * lda + p]) * b[j * k + p];
                    assertEquals(sum, c1[i * n + j], 1e-3, "tA=" + tA + " C[" + i + "," + j + "]");
                }
        }
    }

    @Test
    void gemmPackedBMatchesSgemmForEveryTileHeight() {
        // m = 1..13 reaches the 6-, 4- and 2-row kernels on both A layouts (rows copied whole when A is not
        // transposed, interleaved when it is); k = 300 crosses KC, n = 35 ends in a partial tile
        Random r = new Random(6);
        for (int m = 1; m <= 13; m++)
            for (int k : new int[] {37, 300})
                for (int n : new int[] {16, 35})
                    for (boolean tA : new boolean[] {false, true}) {
                        float[] a = new float[m * k], b = new float[n * k], c0 = new float[m * n];
                        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
                        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
                        for (int i = 0; i < c0.length; i++) c0[i] = (float) r.nextGaussian();
                        float[] c1 = c0.clone();
                        int lda = tA ? m : k;
                        Gemm.sgemm(tA, true, m, n, k, a, 0, lda, b, 0, k, c0, 0, n, m % 2 == 0);
                        Gemm.sgemmPackedB(tA, m, a, 0, lda, Gemm.packB(true, k, n, b, 0, k), c1, 0, n, m % 2 == 0);
                        assertArrayEquals(c0, c1, "m=" + m + " k=" + k + " n=" + n + " tA=" + tA);
                    }
    }

    @Test
    void fusedEluBackwardMatchesItsCompositeTwinBitForBit() {
        Random r = new Random(5);
        for (double alpha : new double[] {1.0, 0.5}) {
            Tensor x = T.rand(r, 37, 11).mul(3);
            x.set(0, 0, 0);
            Tensor y = x.elu(alpha), g = T.rand(r, 37, 11);
            Tensor composite = g.mul(Tensor.where(x.gt(0), y.onesLike(), y.add(alpha)));
            assertArrayEquals(composite.toFloatArray(), Tensor.eluBackward(g, x, y, alpha).toFloatArray());
            // Strided operands (transposed views) and a broadcast gradient.
            Tensor xt = x.t(), yt = y.t(), gt = g.t();
            assertArrayEquals(gt.mul(Tensor.where(xt.gt(0), yt.onesLike(), yt.add(alpha))).toFloatArray(),
                    Tensor.eluBackward(gt, xt, yt, alpha).toFloatArray());
            Tensor g1 = T.rand(r, 1, 11);
            assertArrayEquals(g1.mul(Tensor.where(x.gt(0), y.onesLike(), y.add(alpha))).toFloatArray(),
                    Tensor.eluBackward(g1, x, y, alpha).toFloatArray());
            // F64 takes the backend's composite default.
            Tensor xd = x.toType(DType.F64), yd = xd.elu(alpha), gd = g.toType(DType.F64);
            assertArrayEquals(gd.mul(Tensor.where(xd.gt(0), yd.onesLike(), yd.add(alpha))).toDoubleArray(),
                    Tensor.eluBackward(gd, xd, yd, alpha).toDoubleArray());
        }
        assertThrows(IllegalArgumentException.class, () -> Tensor.eluBackward(T.rand(new Random(1), 2, 3), T.rand(new Random(1), 2, 3), T.rand(new Random(1), 3, 2), 1));
    }
}
