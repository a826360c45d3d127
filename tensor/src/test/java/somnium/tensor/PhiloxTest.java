package somnium.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class PhiloxTest {

    // ---------------------------------------------------------------- known answers

    /**
     * Random123 tests/kat_vectors, the three "philox4x32 10" lines (counter[4] key[2] -> output[4]):
     * github.com/DEShawResearch/random123. The same values appear in TensorFlow's and others' Philox tests.
     */
    private static final int[][] KAT = {
        {0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000, 0x00000000,
            0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
        {0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff,
            0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
        {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
            0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
    };

    @Test
    void blockMatchesRandom123KnownAnswers() {
        int[] out = new int[4];
        for (int[] v : KAT) {
            Philox.block(v[0], v[1], v[2], v[3], v[4], v[5], out);
            assertArrayEquals(Arrays.copyOfRange(v, 6, 10), out,
                    () -> "counter " + hex(v, 0, 4) + " key " + hex(v, 4, 6) + " gave " + hex(out, 0, 4));
        }
    }

    @Test
    void interleavedBlockPairEqualsTwoBlocks() {
        int[] eight = new int[8], four = new int[4];
        long[] pairs = {0, 1, 0x7FFF_FFFFL, 0x8000_0000L, 0x1_2345_6789L, (1L << 60) - 1};
        for (long pair : pairs) {
            Philox.blockPair(pair, 0xa4093822, 0x299f31d0, eight);
            for (int half = 0; half < 2; half++) {
                long b = 2 * pair + half;
                Philox.block((int) b, (int) (b >>> 32), 0, 0, 0xa4093822, 0x299f31d0, four);
                assertArrayEquals(four, Arrays.copyOfRange(eight, 4 * half, 4 * half + 4), "block " + b);
            }
        }
    }

    @Test
    void streamStartIsTheZeroCounterBlock() {
        // seed 0 -> key (0,0); words 0..3 -> counter (0,0,0,0): the first known-answer vector.
        for (int w = 0; w < 4; w++) assertEquals(KAT[0][6 + w], Philox.word(0L, w));
        float[] u = new float[4];
        Philox.fillUniform(u, 0, 4, 0L, 0L, 0f, 1f);
        assertEquals(0x6627e8 * 0x1.0p-24f, u[0]);
        assertEquals(0xe169c5 * 0x1.0p-24f, u[1]);
        assertEquals(0xbc57ac * 0x1.0p-24f, u[2]);
        assertEquals(0x9b00db * 0x1.0p-24f, u[3]);
        // seed's low half is k0, high half k1; word 4*b+lane is lane of the block at counter (lo b, hi b, 0, 0).
        long seed = 0x299f31d0_a4093822L;
        long b = 0x1_0000_0003L;
        int[] out = new int[4];
        Philox.block(3, 1, 0, 0, 0xa4093822, 0x299f31d0, out);
        for (int lane = 0; lane < 4; lane++) assertEquals(out[lane], Philox.word(seed, 4 * b + lane));
    }

    // ---------------------------------------------------------------- layout: the per-element (CUDA thread) view

    /** Word w computed from scratch, as one CUDA thread would: no cursor, no shared state. */
    private static int ref(long seed, long w) {
        long b = w >>> 2;
        int[] out = new int[4];
        Philox.block((int) b, (int) (b >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), out);
        return out[(int) (w & 3)];
    }

    private static final long[] OFFSETS = {0, 1, 2, 3, 5, 4096 + 2, (1L << 34) - 3, (5L << 40) + 1};

    @Test
    void fillsMatchTheDocumentedPerElementFormulas() {
        long seed = 0x0123_4567_89ab_cdefL;
        int n = 37;
        for (long offset : OFFSETS) {
            float[] f = new float[n];
            Philox.fillUniform(f, 0, n, seed, offset, -2f, 3f);
            double[] d = new double[n];
            Philox.fillUniform(d, 0, n, seed, offset, -2.0, 3.0);
            float[] nf = new float[n];
            Philox.fillNormal(nf, 0, n, seed, offset, 0.5f, 2f);
            double[] nd = new double[n];
            Philox.fillNormal(nd, 0, n, seed, offset, 0.5, 2.0);
            int[] ints = new int[n];
            Philox.fillInts(ints, 0, n, seed, offset, 1_000_003);
            for (int i = 0; i < n; i++) {
                String at = "offset " + offset + " element " + i;
                float u = (ref(seed, offset + i) >>> 8) * 0x1.0p-24f;
                assertEquals(-2f + 5f * u, f[i], at);

                long a = ref(seed, offset + 2L * i) & 0xFFFFFFFFL, bb = ref(seed, offset + 2L * i + 1) & 0xFFFFFFFFL;
                double ud = ((a >>> 5) * 67108864.0 + (bb >>> 6)) / 9007199254740992.0;
                assertEquals(-2.0 + 5.0 * ud, d[i], at);

                long j = i / 2;
                double u1 = ((ref(seed, offset + 2 * j) & 0xFFFFFFFFL) + 1) / 4294967296.0;
                double u2 = (ref(seed, offset + 2 * j + 1) & 0xFFFFFFFFL) / 4294967296.0;
                double r = Math.sqrt(-2 * Math.log(u1));
                double z = i % 2 == 0 ? r * Math.cos(2 * Math.PI * u2) : r * Math.sin(2 * Math.PI * u2);
                assertEquals(0.5f + 2f * (float) z, nf[i], at);
                assertEquals(0.5 + 2.0 * z, nd[i], at);

                // floor(x * bound / 2^64) with BigInteger-free arithmetic: split x into 32-bit halves.
                long bound = 1_000_003;
                long hiProd = bb * bound, loProd = a * bound;
                long expect = (hiProd + (loProd >>> 32)) >>> 32;
                assertEquals(expect, ints[i], at);
            }
        }
    }

    @Test
    void fillsAtOffsetKAreTheTailOfTheFillFromZero() {
        long seed = 42;
        int n = 1000;
        float[] whole = new float[n];
        Philox.fillUniform(whole, 0, n, seed, 0, 0f, 1f);
        for (int k : new int[] {1, 2, 3, 4, 7, 501}) {
            float[] tail = new float[n - k];
            Philox.fillUniform(tail, 0, n - k, seed, k, 0f, 1f);
            assertArrayEquals(Arrays.copyOfRange(whole, k, n), tail, "uniform offset " + k);
        }
        double[] wholeD = new double[n];
        Philox.fillUniform(wholeD, 0, n, seed, 0, 0.0, 1.0);
        float[] wholeN = new float[n];
        Philox.fillNormal(wholeN, 0, n, seed, 0, 0f, 1f);
        int[] wholeI = new int[n];
        Philox.fillInts(wholeI, 0, n, seed, 0, 10);
        for (int k : new int[] {1, 2, 3, 250}) {
            // two-word elements: element k starts at word 2k
            double[] tailD = new double[n - k];
            Philox.fillUniform(tailD, 0, n - k, seed, 2L * k, 0.0, 1.0);
            assertArrayEquals(Arrays.copyOfRange(wholeD, k, n), tailD, "double uniform element " + k);
            int[] tailI = new int[n - k];
            Philox.fillInts(tailI, 0, n - k, seed, 2L * k, 10);
            assertArrayEquals(Arrays.copyOfRange(wholeI, k, n), tailI, "ints element " + k);
            // normals pair up words from the draw's start: an even element 2k starts at word 2k
            float[] tailN = new float[n - 2 * k];
            Philox.fillNormal(tailN, 0, n - 2 * k, seed, 2L * k, 0f, 1f);
            assertArrayEquals(Arrays.copyOfRange(wholeN, 2 * k, n), tailN, "normal element " + 2 * k);
        }
    }

    @Test
    void splitFillsConcatenateToOneFill() {
        long seed = -7;
        int n = 64;
        float[] one = new float[n];
        Philox.fillUniform(one, 0, n, seed, 3, 0f, 1f);
        for (int n1 : new int[] {0, 1, 3, 4, 5, 33}) {
            float[] two = new float[n];
            Philox.fillUniform(two, 0, n1, seed, 3, 0f, 1f);
            Philox.fillUniform(two, n1, n - n1, seed, 3 + Philox.wordsUsedUniform(n1), 0f, 1f);
            assertArrayEquals(one, two, "uniform split at " + n1);
        }
        float[] oneN = new float[n];
        Philox.fillNormal(oneN, 0, n, seed, 3, 1f, 2f);
        for (int n1 : new int[] {0, 2, 4, 6, 30}) {
            float[] two = new float[n];
            Philox.fillNormal(two, 0, n1, seed, 3, 1f, 2f);
            Philox.fillNormal(two, n1, n - n1, seed, 3 + Philox.wordsUsedNormal(n1), 1f, 2f);
            assertArrayEquals(oneN, two, "normal split at " + n1);
        }
        // An odd normal draw drops its last z1: the next draw continues at the following pair.
        float[] odd = new float[5];
        Philox.fillNormal(odd, 0, 5, seed, 3, 1f, 2f);
        assertEquals(6, Philox.wordsUsedNormal(5));
        assertArrayEquals(Arrays.copyOf(oneN, 5), odd);
        float[] next = new float[4];
        Philox.fillNormal(next, 0, 4, seed, 3 + 6, 1f, 2f);
        assertArrayEquals(Arrays.copyOfRange(oneN, 6, 10), next);
    }

    @Test
    void doubleNormalsAreTheFloatNormalsUnrounded() {
        int n = 1001;
        float[] f = new float[n];
        double[] d = new double[n];
        Philox.fillNormal(f, 0, n, 9, 11, 0f, 1f);
        Philox.fillNormal(d, 0, n, 9, 11, 0.0, 1.0);
        for (int i = 0; i < n; i++) assertEquals((float) d[i], f[i]);
    }

    @Test
    void differentSeedsGiveDifferentStreams() {
        int n = 1000;
        long[] seeds = {0, 1, 1L << 32, -1, 0x8000_0000L};
        float[][] u = new float[seeds.length][n];
        for (int s = 0; s < seeds.length; s++) Philox.fillUniform(u[s], 0, n, seeds[s], 0, 0f, 1f);
        for (int s = 0; s < seeds.length; s++) {
            for (int t = s + 1; t < seeds.length; t++) {
                int same = 0;
                for (int i = 0; i < n; i++) if (u[s][i] == u[t][i]) same++;
                assertTrue(same < 3, "seeds " + seeds[s] + " and " + seeds[t] + " agree on " + same + " of " + n);
            }
        }
    }

    @Test
    void fillsWriteOnlyTheirRange() {
        float[] out = new float[10];
        Arrays.fill(out, -1f);
        Philox.fillNormal(out, 3, 5, 1, 0, 0f, 1f);
        for (int i : new int[] {0, 1, 2, 8, 9}) assertEquals(-1f, out[i]);
        for (int i = 3; i < 8; i++) assertTrue(out[i] != -1f);
        assertThrows(IndexOutOfBoundsException.class, () -> Philox.fillUniform(out, 8, 3, 1, 0, 0f, 1f));
    }

    @Test
    void badArgumentsAreLoud() {
        int[] out = new int[4];
        assertThrows(IllegalArgumentException.class, () -> Philox.fillInts(out, 0, 4, 1, 0, 0));
        assertThrows(IllegalArgumentException.class, () -> Philox.fillInts(out, 0, 4, 1, -1, 5));
        assertThrows(IllegalArgumentException.class, () -> Philox.fillInts(out, 0, 4, 1, Long.MAX_VALUE - 3, 5));
        assertThrows(IllegalArgumentException.class, () -> new Rng(1, -1));
        float[] p = {0.5f, Float.NaN, 0.5f, 0.5f};
        var e = assertThrows(IllegalArgumentException.class,
                () -> Philox.fillCategorical(out, 0, 2, 2, p, 0, false, 1, 0));
        assertTrue(e.getMessage().contains("row 0"), e.getMessage());
        float[] neg = {0.5f, 0.5f, -0.1f, 1f};
        e = assertThrows(IllegalArgumentException.class,
                () -> Philox.fillCategorical(out, 0, 2, 2, neg, 0, false, 1, 0));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
        float[] zeros = {0f, 0f};
        assertThrows(IllegalArgumentException.class, () -> Philox.fillCategorical(out, 0, 1, 2, zeros, 0, false, 1, 0));
        float[] ninf = {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY};
        assertThrows(IllegalArgumentException.class, () -> Philox.fillCategorical(out, 0, 1, 2, ninf, 0, true, 1, 0));
        float[] pinf = {0f, Float.POSITIVE_INFINITY};
        assertThrows(IllegalArgumentException.class, () -> Philox.fillCategorical(out, 0, 1, 2, pinf, 0, true, 1, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> Philox.fillCategorical(out, 0, 3, 2, zeros, 0, false, 1, 0));
    }

    // ---------------------------------------------------------------- statistics (fixed seeds, deterministic)

    private static final int N = 1_000_000;
    /** Kolmogorov–Smirnov critical value times sqrt(n) at significance 0.001 (asymptotic). */
    private static final double KS_001 = 1.949;

    @Test
    void uniformFloatsHaveTheRightMomentsAndDistribution() {
        float[] u = new float[N];
        Philox.fillUniform(u, 0, N, 20240601L, 0, 0f, 1f);
        double sum = 0, sq = 0;
        int[] bins = new int[1000];
        for (float x : u) {
            assertTrue(x >= 0f && x < 1f, "out of [0,1): " + x);
            sum += x;
            bins[(int) (x * 1000)]++;
        }
        double mean = sum / N;
        for (float x : u) sq += (x - mean) * (x - mean);
        double var = sq / (N - 1);
        assertEquals(0.5, mean, 5 * Math.sqrt(1.0 / 12 / N), "mean");
        assertEquals(1.0 / 12, var, 5 * Math.sqrt((1.0 / 80 - 1.0 / 144) / N), "variance");
        assertChiSquare(bins, uniformExpected(1000, N), "uniform 1000 bins");
        double[] sorted = new double[N];
        for (int i = 0; i < N; i++) sorted[i] = u[i];
        assertKs(sorted, x -> x, "uniform");
        // neighbours are uncorrelated
        double c = 0;
        for (int i = 1; i < N; i++) c += (u[i - 1] - 0.5) * (u[i] - 0.5);
        assertEquals(0, c / (N - 1) * 12, 5 / Math.sqrt(N), "lag-1 correlation");

        float[] shifted = new float[1000];
        Philox.fillUniform(shifted, 0, 1000, 5, 0, -3f, -1f);
        for (float x : shifted) assertTrue(x >= -3f && x <= -1f, "out of [-3,-1]: " + x);
    }

    @Test
    void uniformDoublesAreInRangeWithTheRightMean() {
        int n = 200_000;
        double[] u = new double[n];
        Philox.fillUniform(u, 0, n, 77, 0, 0.0, 1.0);
        double sum = 0;
        boolean fine = false; // some value below 2^-24 resolution would be rare; check the low bits are used
        for (double x : u) {
            assertTrue(x >= 0 && x < 1, "out of [0,1): " + x);
            sum += x;
            if (x * 0x1.0p30 != Math.floor(x * 0x1.0p30)) fine = true;
        }
        assertTrue(fine, "double uniforms use more than 30 bits");
        assertEquals(0.5, sum / n, 5 * Math.sqrt(1.0 / 12 / n));
    }

    @Test
    void normalsPassMomentsAndKolmogorovSmirnov() {
        float[] z = new float[N];
        Philox.fillNormal(z, 0, N, 31337L, 12, 0f, 1f);
        double sum = 0, sq = 0, pair = 0;
        for (int i = 0; i < N; i++) sum += z[i];
        double mean = sum / N;
        for (int i = 0; i < N; i++) sq += (z[i] - mean) * (z[i] - mean);
        for (int i = 0; i < N; i += 2) pair += z[i] * (double) z[i + 1];
        assertEquals(0, mean, 5 / Math.sqrt(N), "mean");
        assertEquals(1, sq / (N - 1), 5 * Math.sqrt(2.0 / N), "variance");
        assertEquals(0, pair / (N / 2), 5 / Math.sqrt(N / 2), "correlation of z0 and z1 in a pair");
        double[] sorted = new double[N];
        int beyond3 = 0;
        for (int i = 0; i < N; i++) {
            sorted[i] = z[i];
            if (Math.abs(z[i]) > 3) beyond3++;
        }
        assertKs(sorted, PhiloxTest::normalCdf, "normal");
        double p3 = 2 * normalCdf(-3); // 0.0026998
        assertEquals(p3 * N, beyond3, 5 * Math.sqrt(p3 * N), "count beyond 3 sigma");

        float[] shifted = new float[100_000];
        Philox.fillNormal(shifted, 0, shifted.length, 3, 0, 10f, 0.5f);
        double s = 0;
        for (float x : shifted) s += x;
        assertEquals(10, s / shifted.length, 5 * 0.5 / Math.sqrt(shifted.length));
    }

    @Test
    void intsAreUniformOverTheirBound() {
        int[] bounds = {1, 2, 7, 10, 1000};
        for (int bound : bounds) {
            int n = 100 * Math.max(bound, 1000);
            int[] v = new int[n];
            Philox.fillInts(v, 0, n, bound * 31L, 5, bound);
            int[] counts = new int[bound];
            for (int x : v) {
                assertTrue(x >= 0 && x < bound, "out of [0," + bound + "): " + x);
                counts[x]++;
            }
            if (bound > 1) assertChiSquare(counts, uniformExpected(bound, n), "ints bound " + bound);
        }
        // A large bound: in range, and its 16 sixteenths equally often.
        int bound = Integer.MAX_VALUE - 2;
        int n = 160_000;
        int[] v = new int[n];
        Philox.fillInts(v, 0, n, 99, 0, bound);
        int[] sixteenths = new int[16];
        for (int x : v) {
            assertTrue(x >= 0 && x < bound, "out of range: " + x);
            sixteenths[(int) (x * 16L / bound)]++;
        }
        assertChiSquare(sixteenths, uniformExpected(16, n), "ints large bound");
    }

    @Test
    void categoricalFrequenciesMatchProbabilities() {
        int rows = 200_000, cats = 4;
        float[] probs = {0.1f, 0.2f, 0f, 0.7f};
        float[] unnormalized = new float[cats];
        float[] logits = new float[cats];
        for (int c = 0; c < cats; c++) {
            unnormalized[c] = 3 * probs[c];
            logits[c] = (float) Math.log(probs[c]) + 5; // log 0 = -inf: probability zero
        }
        float[] pTable = tile(probs, rows), uTable = tile(unnormalized, rows), lTable = tile(logits, rows);
        int[] a = new int[rows], b = new int[rows], l = new int[rows];
        Philox.fillCategorical(a, 0, rows, cats, pTable, 0, false, 4, 8);
        Philox.fillCategorical(b, 0, rows, cats, uTable, 0, false, 4, 8);
        Philox.fillCategorical(l, 0, rows, cats, lTable, 0, true, 4, 8);
        int[] counts = new int[cats];
        int agreeU = 0, agreeL = 0;
        for (int r = 0; r < rows; r++) {
            counts[a[r]]++;
            if (a[r] == b[r]) agreeU++;
            if (a[r] == l[r]) agreeL++;
        }
        assertEquals(0, counts[2], "a zero-probability category was drawn");
        int[] nonzero = {counts[0], counts[1], counts[3]};
        assertChiSquare(nonzero, new double[] {0.1 * rows, 0.2 * rows, 0.7 * rows}, "categorical");
        // Same uniform per row: scaling the weights or passing log-weights moves only rounding-level boundaries.
        assertTrue(agreeU >= rows - 2, "unnormalized agreed on " + agreeU);
        assertTrue(agreeL >= rows - 2, "logits agreed on " + agreeL);

        // Rows are independent distributions: row r is one-hot on r % cats.
        float[] oneHot = new float[8 * cats];
        for (int r = 0; r < 8; r++) oneHot[r * cats + r % cats] = 1f;
        int[] picks = new int[8];
        Philox.fillCategorical(picks, 0, 8, cats, oneHot, 0, false, 1, 0);
        for (int r = 0; r < 8; r++) assertEquals(r % cats, picks[r]);

        // The per-element formula: row r uses word offset + r.
        int[] one = new int[1];
        Philox.fillCategorical(one, 0, 1, cats, pTable, 0, false, 4, 8 + 123);
        assertEquals(a[123], one[0]);
    }

    // ---------------------------------------------------------------- the stream and allocation

    @Test
    void streamAdvancesByTheWordsUsedAndResumesExactly() {
        Rng s = new Rng(2024);
        float[] u = new float[5];
        s.nextUniform(u, 0, u.length, 0f, 1f);
        assertEquals(5, s.offset());
        float[] z = new float[3];
        s.nextNormal(z, 0, z.length, 0f, 1f);
        assertEquals(9, s.offset());
        int[] ints = new int[2];
        s.nextInts(ints, 0, 2, 6);
        assertEquals(13, s.offset());
        assertEquals(16, s.alignToBlock().offset());
        assertEquals(16, s.advance(100));
        assertEquals(116, s.offset());

        Rng saved = new Rng(s.seed(), s.offset());
        float[] x = new float[17], y = new float[17];
        s.nextNormal(x, 0, 17, 0f, 1f);
        saved.nextNormal(y, 0, 17, 0f, 1f);
        assertArrayEquals(x, y);
        assertEquals(s.offset(), saved.offset());
        float f = s.nextFloat();
        assertEquals(Philox.uniformFloat(Philox.word(2024, saved.offset())), f);

        float[] expected = new float[5];
        Philox.fillUniform(expected, 0, 5, 2024, 0, 0f, 1f);
        assertArrayEquals(expected, u);
    }

    @Test
    void fillsDoNotAllocate() {
        var bean = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        float[] f = new float[64];
        double[] d = new double[64];
        int[] ints = new int[64];
        float[] probs = tile(new float[] {0.25f, 0.75f}, 64);
        Runnable all = () -> {
            Philox.fillUniform(f, 0, 64, 1, 3, 0f, 1f);
            Philox.fillNormal(f, 0, 63, 1, 3, 0f, 1f);
            Philox.fillUniform(d, 0, 64, 1, 3, 0.0, 1.0);
            Philox.fillNormal(d, 0, 64, 1, 3, 0.0, 1.0);
            Philox.fillInts(ints, 0, 64, 1, 3, 17);
            Philox.fillCategorical(ints, 0, 64, 2, probs, 0, true, 1, 3);
        };
        for (int i = 0; i < 200; i++) all.run(); // the per-thread scratch, class loading
        long before = bean.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < 500; i++) all.run();
        long bytes = bean.getCurrentThreadAllocatedBytes() - before;
        assertTrue(bytes < 8192, bytes + " bytes allocated by 3000 fill calls");
    }

    // ---------------------------------------------------------------- helpers

    private static float[] tile(float[] row, int rows) {
        float[] t = new float[rows * row.length];
        for (int r = 0; r < rows; r++) System.arraycopy(row, 0, t, r * row.length, row.length);
        return t;
    }

    private static double[] uniformExpected(int k, int n) {
        double[] e = new double[k];
        Arrays.fill(e, (double) n / k);
        return e;
    }

    /** Pearson chi-square at significance 0.001, critical value by the Wilson–Hilferty approximation. */
    private static void assertChiSquare(int[] observed, double[] expected, String what) {
        double chi2 = 0;
        for (int i = 0; i < observed.length; i++) {
            double dlt = observed[i] - expected[i];
            chi2 += dlt * dlt / expected[i];
        }
        int df = observed.length - 1;
        double h = 2.0 / (9 * df);
        double critical = df * Math.pow(1 - h + 3.090 * Math.sqrt(h), 3);
        assertTrue(chi2 < critical, what + ": chi-square " + chi2 + " >= " + critical + " (df " + df + ")");
    }

    private static void assertKs(double[] sample, java.util.function.DoubleUnaryOperator cdf, String what) {
        double[] s = sample.clone();
        Arrays.sort(s);
        int n = s.length;
        double d = 0;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(s[i]);
            d = Math.max(d, Math.max((i + 1.0) / n - f, f - (double) i / n));
        }
        assertTrue(d * Math.sqrt(n) < KS_001, what + ": KS D = " + d + ", sqrt(n) D = " + d * Math.sqrt(n));
    }

    /** Standard normal CDF through erf's everywhere-convergent positive series (accurate to ~1e-15). */
    static double normalCdf(double x) {
        return 0.5 * (1 + erf(x / Math.sqrt(2)));
    }

    /** erf(y) = 2/sqrt(pi) e^{-y^2} sum_n 2^n y^{2n+1} / (1*3*...*(2n+1)); all terms positive for y > 0. */
    static double erf(double y) {
        if (y < 0) return -erf(-y);
        if (y > 6) return 1.0;
        double term = y, sum = y, y2 = 2 * y * y;
        for (int n = 1; n < 500 && term > 1e-17 * sum; n++) {
            term *= y2 / (2 * n + 1);
            sum += term;
        }
        return 2 / Math.sqrt(Math.PI) * Math.exp(-y * y) * sum;
    }

    @Test
    void erfHelperIsAccurate() {
        // erf values from Abramowitz & Stegun Table 7.1 / standard tables.
        assertEquals(0.0, erf(0), 0);
        assertEquals(0.5204998778130465, erf(0.5), 1e-14);
        assertEquals(0.8427007929497149, erf(1), 1e-14);
        assertEquals(0.9953222650189527, erf(2), 1e-14);
        assertEquals(0.9999779095030014, erf(3), 1e-14);
        assertEquals(0.0013498980316301, normalCdf(-3), 1e-14);
    }

    private static String hex(int[] v, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = from; i < to; i++) sb.append(String.format("%08x ", v[i]));
        return sb.toString().trim();
    }
}
