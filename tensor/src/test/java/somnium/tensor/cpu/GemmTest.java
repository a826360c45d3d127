package somnium.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GemmTest {
    private final Random rnd = new Random(42);
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** Naive triple loop in double: the independent reference. */
    private static double[] reference(boolean tA, boolean tB, int m, int n, int k, float[] a, int aOff, int lda,
                                      float[] b, int bOff, int ldb, float[] c0, int cOff, int ldc, boolean acc) {
        double[] r = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++) {
                double s = acc ? c0[cOff + i * ldc + j] : 0;
                for (int p = 0; p < k; p++) {
                    double x = tA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    double y = tB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                }
                r[i * n + j] = s;
            }
        return r;
    }

    private float[] random(int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    /** Runs one sgemm case with padded leading dimensions and offsets, and checks C (and its padding). */
    private void checkCase(boolean tA, boolean tB, int m, int n, int k, boolean acc, int pad, int off) {
        int aRows = tA ? k : m, aCols = tA ? m : k;
        int bRows = tB ? n : k, bCols = tB ? k : n;
        int lda = aCols + pad, ldb = bCols + pad + 1, ldc = n + pad + 2;
        float[] a = random(off + Math.max(0, aRows) * lda + 3);
        float[] b = random(off + 2 + Math.max(0, bRows) * ldb + 3);
        float[] c = random(off + 1 + m * ldc + 3);
        float[] c0 = c.clone();
        Gemm.sgemm(tA, tB, m, n, k, a, off, lda, b, off + 2, ldb, c, off + 1, ldc, acc);
        double[] r = reference(tA, tB, m, n, k, a, off, lda, b, off + 2, ldb, c0, off + 1, ldc, acc);
        String what = "tA=" + tA + " tB=" + tB + " m=" + m + " n=" + n + " k=" + k + " acc=" + acc
                + " threads=" + Parallel.threads();
        for (int idx = 0; idx < c.length; idx++) {
            int rel = idx - (off + 1);
            int i = rel >= 0 ? rel / ldc : -1, j = rel >= 0 ? rel % ldc : -1;
            if (i >= 0 && i < m && j < n) {
                double want = r[i * n + j];
                double tol = 1e-5 * (k + 1) + 1e-5 * Math.abs(want);
                assertEquals(want, c[idx], tol, what + " at (" + i + "," + j + ")");
            } else {
                assertEquals(c0[idx], c[idx], 0f, what + ": wrote outside C at index " + idx);
            }
        }
    }

    @Test
    void allTransposeCombosOnOddShapes() {
        int[] sizes = {1, 2, 5, 7, 8, 9, 16, 17, 33, 65};
        Parallel.setThreads(1);
        for (boolean tA : new boolean[] {false, true})
            for (boolean tB : new boolean[] {false, true})
                for (int t = 0; t < 40; t++) {
                    int m = sizes[rnd.nextInt(sizes.length)], n = sizes[rnd.nextInt(sizes.length)],
                            k = sizes[rnd.nextInt(sizes.length)];
                    checkCase(tA, tB, m, n, k, rnd.nextBoolean(), rnd.nextInt(3), rnd.nextInt(4));
                }
    }

    @Test
    void everyTileHeightAndWidth() {
        // m = 1..13 reaches the 6-, 4- and 2-row micro-kernels with every row count they cover; n = NR and
        // 2 NR + 3 give full and partial tile widths; accumulate and overwrite both
        Parallel.setThreads(1);
        for (int m = 1; m <= 13; m++)
            for (int n : new int[] {Gemm.NR, 2 * Gemm.NR + 3})
                for (boolean acc : new boolean[] {false, true}) {
                    checkCase(false, false, m, n, 37, acc, 0, 0);
                    checkCase(true, true, m, n, 300, acc, 1, 2);
                }
    }

    @Test
    void largerThanOneBlockAndEdges() {
        // crosses KC (256), MC (120) and partial micro-tiles in both directions
        Parallel.setThreads(1);
        checkCase(false, false, 130, 67, 300, false, 1, 3);
        checkCase(true, false, 127, 33, 257, true, 0, 0);
        checkCase(false, true, 7, 130, 513, true, 2, 1);
        checkCase(true, true, 121, 50, 129, false, 0, 2);
        // A stored transposed, taller than one slab (MB = 1020 rows): two slabs, the second not a multiple of MC
        checkCase(true, false, 1100, 21, 300, true, 1, 3);
    }

    @Test
    void rowSweepOrderOnLargeCAndEdges() {
        // C above ROW_SWEEP_MIN_C and k > KC: the row-sweep order, with partial tiles, a partial last B block
        // (NB_FLOATS / kc columns), k not a multiple of KC, and m > MB (two packed A blocks)
        Parallel.setThreads(1);
        checkCase(false, false, 517, 531, 300, false, 1, 3);
        checkCase(true, true, 523, 520, 259, true, 0, 1);
        checkCase(false, true, 1100, 245, 257, true, 2, 0);
        checkCase(true, false, 1031, 260, 520, false, 0, 2);
    }

    @Test
    void prePackedAMatchesReference() {
        // packA once + sgemmSerialPackedAB (denseB): blocks of KC and MC, partial panels, both layouts of A
        int[][] shapes = {{130, 67, 300}, {7, 40, 513}, {121, 50, 256}, {250, 33, 20}};
        for (int[] sh : shapes)
            for (boolean tA : new boolean[] {false, true})
                for (boolean tB : new boolean[] {false, true}) {
                    int m = sh[0], n = sh[1], k = sh[2];
                    int lda = (tA ? m : k) + 1, ldb = (tB ? k : n) + 2;
                    float[] a = random((tA ? k : m) * lda), b = random((tB ? n : k) * ldb), c = random(m * n);
                    float[] c0 = c.clone();
                    boolean acc = (m & 1) == 0;
                    Gemm.PackedA pa = Gemm.packA(tA, m, k, a, 0, lda, new float[7]);
                    Gemm.sgemmSerialPackedAB(pa, n, Gemm.denseB(tB, b, 0, ldb), c, 0, n, acc);
                    double[] r = reference(tA, tB, m, n, k, a, 0, lda, b, 0, ldb, c0, 0, n, acc);
                    for (int i = 0; i < m * n; i++)
                        assertEquals(r[i], c[i], 1e-5 * (k + 1) + 1e-5 * Math.abs(r[i]),
                                "tA=" + tA + " tB=" + tB + " " + m + "x" + n + "x" + k + " at " + i);
                }
    }

    @Test
    void twoThreadsRowAndColumnSplits() {
        Parallel.setThreads(2);
        // Every case is above Gemm.PARALLEL_FLOPS, so it is really split.
        int[][] cases = {{400, 110, 200}, {20, 1000, 450}, {1, 10000, 1000}, {10000, 1, 1000}};
        for (int[] c : cases) assertTrue(2L * c[0] * c[1] * c[2] >= Gemm.PARALLEL_FLOPS, java.util.Arrays.toString(c));
        for (boolean tA : new boolean[] {false, true})
            for (boolean tB : new boolean[] {false, true}) {
                checkCase(tA, tB, 400, 110, 200, false, 1, 1);   // m >= n: row split
                checkCase(tA, tB, 20, 1000, 450, true, 0, 2);    // short-wide: column split
            }
        checkCase(false, false, 1, 10000, 1000, false, 0, 0); // one row, split by columns
        checkCase(false, false, 10000, 1, 1000, true, 0, 0);  // one column, split by rows
    }

    @Test
    void twoThreadsMatchOneThread() {
        int m = 200, n = 210, k = 220;
        assertTrue(2L * m * n * k >= Gemm.PARALLEL_FLOPS, "large enough to be split");
        float[] a = random(m * k), b = random(k * n);
        float[] c1 = new float[m * n], c2 = new float[m * n];
        Parallel.setThreads(1);
        Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c1, 0, n, false);
        Parallel.setThreads(2);
        Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c2, 0, n, false);
        assertArrayEquals(c1, c2, 0f); // the split does not change the summation order per element
    }

    @Test
    void zeroSizes() {
        float[] c = {1, 2, 3, 4, 5, 6};
        Gemm.sgemm(false, false, 2, 3, 0, new float[0], 0, 1, new float[0], 0, 3, c, 0, 3, true);
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, 6}, c);
        Gemm.sgemm(false, false, 2, 3, 0, new float[0], 0, 1, new float[0], 0, 3, c, 0, 3, false);
        assertArrayEquals(new float[6], c);
        Gemm.sgemm(false, false, 0, 3, 4, new float[0], 0, 4, new float[12], 0, 3, new float[0], 0, 3, false);
        Gemm.sgemm(false, false, 3, 0, 4, new float[12], 0, 4, new float[0], 0, 1, new float[0], 0, 1, false);
        double[] d = {1, 2};
        Gemm.dgemm(false, false, 1, 2, 0, new double[0], 0, 1, new double[0], 0, 2, d, 0, 2, false);
        assertArrayEquals(new double[2], d);
    }

    @Test
    void batchedWithBroadcastOperand() {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] shape : new int[][] {{7, 9, 5}, {33, 17, 65}, {130, 40, 64}}) {
                int m = shape[0], n = shape[1], k = shape[2], batch = 6;
                float[] a = random(3 + batch * m * k), b = random(k * n); // B shared: stride 0
                float[] c = random(batch * m * n + 1);
                float[] c0 = c.clone();
                Gemm.sgemmBatched(batch, false, false, m, n, k, a, 3, k, (long) m * k, b, 0, n, 0,
                        c, 1, n, (long) m * n, true);
                for (int i = 0; i < batch; i++) {
                    double[] r = reference(false, false, m, n, k, a, 3 + i * m * k, k, b, 0, n,
                            c0, 1 + i * m * n, n, true);
                    for (int e = 0; e < m * n; e++)
                        assertEquals(r[e], c[1 + i * m * n + e], 1e-4 * (k + 1), "batch " + i);
                }
                assertEquals(c0[0], c[0]);
                // transposed, A broadcast
                float[] bt = random(batch * n * k);
                float[] a2 = random(k * m);
                float[] c2 = new float[batch * m * n];
                Gemm.sgemmBatched(batch, true, true, m, n, k, a2, 0, m, 0, bt, 0, k, (long) n * k,
                        c2, 0, n, (long) m * n, false);
                for (int i = 0; i < batch; i++) {
                    double[] r = reference(true, true, m, n, k, a2, 0, m, bt, i * n * k, k, null, 0, n, false);
                    for (int e = 0; e < m * n; e++)
                        assertEquals(r[e], c2[i * m * n + e], 1e-4 * (k + 1), "batch " + i);
                }
            }
        }
    }

    @Test
    void packedBMatchesReferenceAcrossBlocks() {
        // op(B) exists only through the packer (here: reading a row-major k x n matrix); k > KC and n > NC
        // exercise several packed blocks, odd m and n partial micro-tiles, acc both ways.
        int[][] shapes = {{13, Gemm.NC + 37, Gemm.KC + 45}, {7, 29, 3}, {1, 1, 1}, {6, Gemm.NR, 300}};
        for (int[] sh : shapes)
            for (boolean tA : new boolean[] {false, true})
                for (boolean acc : new boolean[] {false, true}) {
                    int m = sh[0], n = sh[1], k = sh[2], off = 3, lda = (tA ? m : k) + 2, ldc = n + 1;
                    float[] a = random(off + (tA ? k : m) * lda), b = random(k * n), c = random(m * ldc);
                    double[] want = reference(tA, false, m, n, k, a, off, lda, b, 0, n, c, 0, ldc, acc);
                    Gemm.BPacker packer = (pc, kc, jc, nc, bp) -> {
                        for (int q = 0; q * Gemm.NR < nc; q++)
                            for (int p = 0; p < kc; p++)
                                for (int j = 0; j < Gemm.NR; j++) {
                                    int col = q * Gemm.NR + j;
                                    bp[q * Gemm.NR * kc + p * Gemm.NR + j] = col < nc ? b[(pc + p) * n + jc + col] : 0f;
                                }
                    };
                    Gemm.sgemmSerialPackedB(tA, m, n, k, a, off, lda, packer, c, 0, ldc, acc);
                    String what = java.util.Arrays.toString(sh) + " tA=" + tA + " acc=" + acc;
                    for (int i = 0; i < m; i++)
                        for (int j = 0; j < n; j++)
                            assertEquals(want[i * n + j], c[i * ldc + j], 1e-4 * (1 + Math.abs(want[i * n + j])) * Math.sqrt(k), what);
                }
        assertThrows(IllegalArgumentException.class, // A too short
                () -> Gemm.sgemmSerialPackedB(false, 4, 4, 4, new float[15], 0, 4, (pc, kc, jc, nc, bp) -> { }, new float[16], 0, 4, false));
    }

    @Test
    void dgemmMatchesReference() {
        for (boolean tA : new boolean[] {false, true})
            for (boolean tB : new boolean[] {false, true}) {
                int m = 9, n = 13, k = 17, lda = (tA ? m : k) + 2, ldb = (tB ? k : n) + 1, ldc = n + 3;
                float[] af = random(1 + (tA ? k : m) * lda), bf = random(2 + (tB ? n : k) * ldb);
                float[] cf = random(m * ldc);
                double[] a = toDouble(af), b = toDouble(bf), c = toDouble(cf);
                Gemm.dgemm(tA, tB, m, n, k, a, 1, lda, b, 2, ldb, c, 0, ldc, true);
                double[] r = reference(tA, tB, m, n, k, af, 1, lda, bf, 2, ldb, cf, 0, ldc, true);
                for (int i = 0; i < m; i++)
                    for (int j = 0; j < n; j++) assertEquals(r[i * n + j], c[i * ldc + j], 1e-12);
            }
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    @Test
    void argumentErrors() {
        float[] a = new float[12], b = new float[12], c = new float[9];
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, 3, 3, 5, a, 0, 5, b, 0, 3, c, 0, 3, false));
        assertTrue(e.getMessage().contains("sgemm") && e.getMessage().contains("k=5"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(false, false, -1, 3, 4, a, 0, 4, b, 0, 3, c, 0, 3, false));
        assertThrows(IllegalArgumentException.class, // lda smaller than k
                () -> Gemm.sgemm(false, false, 3, 3, 4, a, 0, 3, b, 0, 3, c, 0, 3, false));
        assertThrows(IllegalArgumentException.class, // C too short with offset
                () -> Gemm.sgemm(false, false, 3, 3, 4, a, 0, 4, b, 0, 3, c, 1, 3, false));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.sgemm(true, false, 3, 3, 4, a, 0, 3, b, 0, 3, null, 0, 3, false));
        assertThrows(IllegalArgumentException.class, // the last product runs past C
                () -> Gemm.sgemmBatched(2, false, false, 3, 3, 4, a, 0, 4, 0, b, 0, 3, 0, c, 0, 3, 9, false));
        assertThrows(IllegalArgumentException.class, // C broadcast would race
                () -> Gemm.sgemmBatched(2, false, false, 1, 1, 1, a, 0, 1, 1, b, 0, 1, 1, c, 0, 1, 0, false));
        assertThrows(IllegalArgumentException.class,
                () -> Gemm.dgemm(false, false, 2, 2, 2, new double[3], 0, 2, new double[4], 0, 2,
                        new double[4], 0, 2, false));
    }
}
