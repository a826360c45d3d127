package somnium.tensor.cpu;

import java.lang.management.ManagementFactory;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * General matrix multiply on the CPU: {@code C = op(A)·op(B)} (or {@code C += ...}), row-major.
 *
 * <h2>How the float path works (Goto/BLIS layout)</h2>
 * <pre>
 * for jc over n in steps of NC            B block  (KC x NC)  packed once, lives in L2/L3
 *   for pc over k in steps of KC
 *     pack B[pc.., jc..] into NR-wide column panels (zero padded)
 *     for ic over m in steps of MC        A block  (MC x KC)  packed, lives in L2
 *       pack A[ic.., pc..] into MR-row panels: each row copied whole (stride KC), or, when A is
 *       stored transposed, the MR rows interleaved along k (zero padded)
 *       for jr over the NC columns in steps of NR
 *         for ir over the MC rows in steps of MR
 *           micro-kernel: an MR x NR tile of C in MR*2 vector registers, FMA over kc
 * </pre>
 * Products with a large C (over 1 MiB) and k > KC loop in another order, {@link #rowSweep}, that reads C
 * row by row instead of tile column by tile column (the C loads of a Goto sweep miss every cache there).
 *
 * <p>Packing makes the four transpose combinations (NN, NT, TN, TT) look the same to the micro-kernels (one family
 * per A layout: {@link #kernel} and {@link #kernelRows}), and the padding means a micro-kernel always computes a
 * whole tile; only the store of a partial tile (at
 * the bottom or right edge of C) goes through a small scalar copy.
 *
 * <p>The micro-kernel keeps {@code MR x 2} vector accumulators (6 x 2 = 12 of the 16 AVX2 registers), and
 * per k step loads two vectors of B and broadcasts MR scalars of A. Tiles of at most 4 or 2 rows (the bottom
 * edge of C when m is not a multiple of 6) go to 4- and 2-row versions of the same kernel. Species live in {@code static final}
 * fields only (see the VectorSpecies javadoc). FMA is used only when HotSpot's {@code UseFMA} flag is on:
 * without hardware FMA, {@code FloatVector.fma} falls back to a BigDecimal path thousands of times slower.
 *
 * <p>Threading: one {@link Parallel#forRange} split at the top, over rows when {@code m >= n} and over
 * columns otherwise (so that a short-wide product such as 50x230x600 still gives every thread work). Each
 * thread runs the serial algorithm on its part with its own packing buffers. Products below
 * {@link #PARALLEL_FLOPS} stay on the calling thread.
 *
 * <p>Packing buffers are per-thread scratch arrays grown on demand and reused: no allocation per call in
 * steady state.
 */
public final class Gemm {
    private Gemm() {}

    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /** Micro-tile height (rows of C per micro-kernel call). */
    static final int MR = 6;
    /** Micro-tile width: two vectors. */
    static final int NR = 2 * L;
    /**
     * Depth of a packed block (k): one packed B micro-panel, KC x NR floats (16 KiB), stays in L1.
     * Tunable for experiments with {@code -Dsomnium.gemm.kc}, {@code .mc}, {@code .nc} (read once).
     */
    static final int KC = Math.max(1, Integer.getInteger("somnium.gemm.kc", 256));
    /** Rows of A per packed block, a multiple of MR: the MC x KC block (120 KiB) sits in L2. */
    static final int MC = Math.max(1, Integer.getInteger("somnium.gemm.mc", 120) / MR) * MR;
    /** Columns of B per packed block, a multiple of NR (the KC x NC block lives in L2/L3). */
    static final int NC = Math.max(1, Integer.getInteger("somnium.gemm.nc", 2048) / NR) * NR;
    /**
     * Row-sweep order (see {@link #rowSweep}): floats of one packed B block (KC x 256 columns at KC = 256,
     * 256 KiB), half of Zen 3's 512 KiB L2, so that the block stays there while C and the A panels stream past.
     */
    static final int NB_FLOATS = 1 << 16;
    /** Row-sweep order: rows of A packed at a time (a multiple of MR; 1020 x 256 floats = 1 MiB). */
    static final int MB = 170 * MR;
    /**
     * Products with C larger than this many floats (1 MiB) and k > KC take the row-sweep order;
     * {@code -Dsomnium.gemm.rowSweep=false} turns it off (read once, for experiments).
     */
    static final long ROW_SWEEP_MIN_C = 1L << 18;
    static final boolean ROW_SWEEP = Boolean.parseBoolean(System.getProperty("somnium.gemm.rowSweep", "true"));
    /**
     * Products with fewer flops (2mnk, 2^21: about 25 us on one core) stay single-threaded; tunable with
     * {@code -Dsomnium.gemm.parallelFlops}. It was 2^24 while the pool was a ForkJoinPool: waking its parked
     * thread cost about 100 us on the 2-core VM of docs/performance.md and made a 2-thread 128^3 take twice its
     * 1-thread time. {@link Parallel}'s workers now poll for work between jobs, and 128^3 gains from the split.
     */
    static final long PARALLEL_FLOPS = Math.max(1, Long.getLong("somnium.gemm.parallelFlops", 1L << 21));
    /** Products with at most this many multiply-adds (mnk) skip packing and use plain loops. */
    static final long TINY = 512;

    /** Whether the JVM uses hardware FMA instructions (else {@code fma} is a very slow software path). */
    static final boolean FMA = detectFma();

    private static boolean detectFma() {
        try {
            var bean = ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return Boolean.parseBoolean(bean.getVMOption("UseFMA").getValue());
        } catch (Throwable t) {
            return false;
        }
    }

    /** Per-thread packing buffers, grown on demand. */
    private static final class Scratch {
        float[] a = new float[MC * KC];
        float[] b = new float[KC * NR * 8];
        final float[] tile = new float[MR * NR];

        float[] b(int size) {
            if (b.length < size) b = new float[Math.max(size, b.length * 2)];
            return b;
        }

        float[] a(int size) {
            if (a.length < size) a = new float[size];
            return a;
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    // ------------------------------------------------------------------------------------------ float

    /**
     * {@code C(m x n) = op(A)·op(B)}, or {@code C += op(A)·op(B)} when {@code accumulate}.
     *
     * <p>op(A) is m x k: {@code A[aOff + i*lda + p]}, or when {@code transA} A is stored k x m and read as
     * {@code A[aOff + p*lda + i]}. op(B) is k x n: {@code B[bOff + p*ldb + j]}, or when {@code transB}
     * {@code B[bOff + j*ldb + p]}. C is {@code C[cOff + i*ldc + j]}. With k = 0 and no accumulate, C is
     * zeroed.
     *
     * @throws IllegalArgumentException when a dimension is negative or an array is too short
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                             float[] c, int cOff, int ldc, boolean accumulate) {
        check("sgemm", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
                b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc);
        sgemmParallel(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, accumulate);
    }

    /**
     * A batch of independent products: product {@code i} uses offsets {@code aOff + i*strideA},
     * {@code bOff + i*strideB}, {@code cOff + i*strideC}. A stride of 0 broadcasts an operand (for A or B;
     * for C it would make products overwrite each other, and is allowed only with batch 1). Parallel over the
     * batch when there are many small products, within each product otherwise.
     */
    public static void sgemmBatched(int batch, boolean transA, boolean transB, int m, int n, int k,
                                    float[] a, int aOff, int lda, long strideA,
                                    float[] b, int bOff, int ldb, long strideB,
                                    float[] c, int cOff, int ldc, long strideC, boolean accumulate) {
        if (batch < 0) throw new IllegalArgumentException("sgemmBatched: batch must be >= 0, got " + batch);
        if (strideA < 0 || strideB < 0 || strideC < 0)
            throw new IllegalArgumentException("sgemmBatched: strides must be >= 0, got strideA=" + strideA
                    + " strideB=" + strideB + " strideC=" + strideC);
        if (batch > 1 && strideC == 0 && (long) m * n > 0)
            throw new IllegalArgumentException("sgemmBatched: strideC = 0 with batch " + batch
                    + " would make the products overwrite each other");
        if (batch == 0) return;
        long lastA = aOff + (batch - 1) * strideA, lastB = bOff + (batch - 1) * strideB,
                lastC = cOff + (batch - 1) * strideC;
        if (lastA > Integer.MAX_VALUE || lastB > Integer.MAX_VALUE || lastC > Integer.MAX_VALUE)
            throw new IllegalArgumentException("sgemmBatched: offsets overflow int (batch " + batch + ")");
        // The first and the last product bound all the others (strides are >= 0).
        check("sgemmBatched", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
                b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc);
        check("sgemmBatched", transA, transB, m, n, k, a.length, (int) lastA, lda,
                b.length, (int) lastB, ldb, c.length, (int) lastC, ldc);
        long flopsEach = 2L * m * n * k;
        int t = Parallel.threads();
        if (t > 1 && batch >= t && flopsEach < (1L << 24) && flopsEach * batch >= PARALLEL_FLOPS) {
            Parallel.forRange(batch, flopsEach * batch, 1, (s, e) -> {
                for (int i = s; i < e; i++)
                    sgemmSerial(transA, transB, m, n, k, a, (int) (aOff + i * strideA), lda,
                            b, (int) (bOff + i * strideB), ldb, c, (int) (cOff + i * strideC), ldc, accumulate);
            });
        } else {
            for (int i = 0; i < batch; i++)
                sgemmParallel(transA, transB, m, n, k, a, (int) (aOff + i * strideA), lda,
                        b, (int) (bOff + i * strideB), ldb, c, (int) (cOff + i * strideC), ldc, accumulate);
        }
    }

    /** Splits a checked product over threads (rows or columns), or runs it serially when small. */
    static void sgemmParallel(boolean tA, boolean tB, int m, int n, int k,
                              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                              float[] c, int cOff, int ldc, boolean acc) {
        long flops = 2L * m * n * k;
        if (Parallel.threads() == 1 || flops < PARALLEL_FLOPS || (m < 2 * MR && n < 2 * NR)) {
            sgemmSerial(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc);
        } else if (m >= n || n < 2 * NR) {
            Parallel.forRange(m, flops, MR, (s, e) -> sgemmSerial(tA, tB, e - s, n, k,
                    a, tA ? aOff + s : aOff + s * lda, lda, b, bOff, ldb, c, cOff + s * ldc, ldc, acc));
        } else {
            Parallel.forRange(n, flops, NR, (s, e) -> sgemmSerial(tA, tB, m, e - s, k,
                    a, aOff, lda, b, tB ? bOff + s * ldb : bOff + s, ldb, c, cOff + s, ldc, acc));
        }
    }

    /** The single-threaded blocked algorithm on a checked problem. */
    static void sgemmSerial(boolean tA, boolean tB, int m, int n, int k,
                            float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                            float[] c, int cOff, int ldc, boolean acc) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!acc) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        if ((long) m * n * k <= TINY) {
            tiny(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc);
            return;
        }
        Scratch s = SCRATCH.get();
        if (ROW_SWEEP && k > KC && (long) m * n > ROW_SWEEP_MIN_C) {
            rowSweep(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, null, c, cOff, ldc, acc, s);
            return;
        }
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int ncPad = (nc + NR - 1) / NR * NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bp = s.b(ncPad * kc);
                packB(tB, b, bOff, ldb, pc, kc, jc, nc, bp);
                boolean add = acc || pc > 0;
                sweepA(tA, m, nc, kc, pc, a, aOff, lda, bp, 0, c, cOff + jc, ldc, add, s);
            }
        }
    }

    /**
     * The ic loop of the Goto order for one packed B block (nc columns, depth kc from pc, panels from
     * {@code bp[bpOff]}): packs each MC-row block of op(A) and sweeps the micro-kernel over it, panel by panel.
     * C's block starts at {@code cOff} (column jc already added). A stored transposed is packed in slabs of up to
     * MB rows (its stored rows read whole, see {@link #packAT}) and swept MC rows at a time: with MC-row blocks, a
     * weight gradient gᵀ·x (g [2500, 600]) read 480 of each 2400-byte row per block and ran at 68-71 GFLOP/s, with
     * whole rows at 77-79 (OpenBLAS: 78).
     */
    private static void sweepA(boolean tA, int m, int nc, int kc, int pc, float[] a, int aOff, int lda, float[] bp,
                               int bpOff, float[] c, int cOff, int ldc, boolean add, Scratch s) {
        int ps = panelStride(tA, kc), slab = tA ? MB : MC;
        for (int is = 0; is < m; is += slab) {
            int ms = Math.min(slab, m - is);
            float[] ap = s.a((ms + MR - 1) / MR * MR * ps);
            packBlock(tA, a, aOff, lda, is, ms, pc, kc, ap);
            for (int ic = 0; ic < ms; ic += MC) {
                int mc = Math.min(MC, ms - ic);
                for (int jr = 0; jr < nc; jr += NR) {
                    int nr = Math.min(NR, nc - jr);
                    for (int ir = ic; ir < ic + mc; ir += MR)
                        micro(tA, kc, ap, ir * ps, bp, bpOff + jr * kc, c, cOff + jr + (is + ir) * ldc, ldc,
                                Math.min(MR, ic + mc - ir), nr, add, s.tile);
                }
            }
        }
    }

    /**
     * The blocked algorithm in "row-sweep" order, for products whose C is far larger than L2 and k > KC:
     * <pre>
     * for pc over k in steps of KC
     *   for ic over m in steps of MB (1020 rows)       A block (MB x KC, 1 MiB) packed, streams from L3
     *     for jc over n in steps of NB_FLOATS/kc       B block (KC x 256 columns, 256 KiB) packed, stays in L2
     *       for ir over the MB rows in steps of MR     A micro-panel (6 KiB) stays in L1 for the sweep
     *         for jr over the block in steps of NR     C rows read left to right
     * </pre>
     * Why: with k > KC the micro-kernel must load its C tile (C += ...), and in the Goto order (ir inner)
     * consecutive tiles lie in different rows: every tile's 6 rows are fresh cache lines that no hardware
     * prefetcher predicts, and at n = 1024-2048 (C 4-16 MiB) each kernel call then waits for L3 or DRAM.
     * Here the six C rows of one ir are read in order along jr, six sequential streams that the prefetchers
     * follow. Measured (thread CPU time, 1 thread): skipping the C accesses altogether made 1024/2048 ~12 %
     * faster, and this order recovers most of that; it is not used for small C (which stays in L2) or
     * k <= KC (C is then only written, and stores do not stall the kernel). B is packed here, or comes pre-packed
     * ({@code pb}, from {@link #sgemmPackedB} with n <= NC; its KC-blocks are then read in place): the Dreamer value
     * and reward heads' 12000 x 400 x 400 products went from 74 to 80 GFLOP/s with this order.
     */
    private static void rowSweep(boolean tA, boolean tB, int m, int n, int k, float[] a, int aOff, int lda,
                                 float[] b, int bOff, int ldb, PackedB pb, float[] c, int cOff, int ldc, boolean acc,
                                 Scratch s) {
        float[] tile = s.tile;
        int nPad = (n + NR - 1) / NR * NR;
        for (int pc = 0; pc < k; pc += KC) {
            int kc = Math.min(KC, k - pc);
            boolean add = acc || pc > 0;
            int nb = Math.max(NR, NB_FLOATS / kc / NR * NR);
            for (int ic = 0; ic < m; ic += MB) {
                int mb = Math.min(MB, m - ic);
                int ps = panelStride(tA, kc);
                float[] ap = s.a((mb + MR - 1) / MR * MR * ps);
                packBlock(tA, a, aOff, lda, ic, mb, pc, kc, ap);
                for (int jc = 0; jc < n; jc += nb) {
                    int nc = Math.min(nb, n - jc);
                    float[] bp;
                    int bpOff;
                    if (pb != null) { // pre-packed, one column block (n <= NC): block pc at pc * nPad, its panels kc apart
                        bp = pb.data;
                        bpOff = pc * nPad + jc * kc;
                    } else {
                        bp = s.b((nc + NR - 1) / NR * NR * kc);
                        bpOff = 0;
                        packB(tB, b, bOff, ldb, pc, kc, jc, nc, bp);
                    }
                    for (int ir = 0; ir < mb; ir += MR) {
                        int mr = Math.min(MR, mb - ir), cRow = cOff + (ic + ir) * ldc + jc;
                        for (int jr = 0; jr < nc; jr += NR)
                            micro(tA, kc, ap, ir * ps, bp, bpOff + jr * kc, c, cRow + jr, ldc, mr, Math.min(NR, nc - jr), add, tile);
                    }
                }
            }
        }
    }

    /**
     * Supplies the B operand of {@link #sgemmSerialPackedB} panel by panel, so that a caller can pack it
     * straight from another layout (an image seen as its im2col matrix) instead of materialising op(B).
     */
    public interface BPacker {
        /**
         * Writes op(B)[pc..pc+kc, jc..jc+nc] into NR-wide column panels: panel q (columns jc + q*NR ..) at
         * {@code q*NR*kc}, element (p, j) of a panel at {@code p*NR + j}; columns past nc in the last panel
         * must be zero.
         */
        void pack(int pc, int kc, int jc, int nc, float[] bp);
    }

    /**
     * Single-threaded {@code C(m x n) = op(A)·op(B)} (or {@code +=}) where op(B) (k x n) exists only through
     * {@code packer}; otherwise the same blocked algorithm and micro-kernel as {@link #sgemm}. A is checked
     * here; the packer is trusted to stay inside its own operand.
     */
    public static void sgemmSerialPackedB(boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                                          BPacker packer, float[] c, int cOff, int ldc, boolean accumulate) {
        check("sgemmSerialPackedB", transA, false, m, n, k, a == null ? -1 : a.length, aOff, lda,
                Integer.MAX_VALUE, 0, Math.max(1, n), c == null ? -1 : c.length, cOff, ldc);
        packedBCore(null, transA, m, n, k, a, aOff, lda, packer, c, cOff, ldc, accumulate);
    }

    /**
     * {@link #sgemmSerialPackedB} with op(A) already packed by {@link #packA(boolean, int, int, float[], int, int, float[])}
     * (a convolution weight, packed once per call instead of once per image group).
     */
    public static void sgemmSerialPackedAB(PackedA a, int n, BPacker packer, float[] c, int cOff, int ldc,
                                           boolean accumulate) {
        check("sgemmSerialPackedAB", false, false, a.m, n, a.k, Integer.MAX_VALUE, 0, Math.max(1, a.k),
                Integer.MAX_VALUE, 0, Math.max(1, n), c == null ? -1 : c.length, cOff, ldc);
        packedBCore(a, false, a.m, n, a.k, null, 0, 0, packer, c, cOff, ldc, accumulate);
    }

    /** The blocked loops behind the packer entry points; A comes from {@code pa} when given, else from a. */
    private static void packedBCore(PackedA pa, boolean transA, int m, int n, int k, float[] a, int aOff, int lda,
                                    BPacker packer, float[] c, int cOff, int ldc, boolean accumulate) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!accumulate) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        Scratch s = SCRATCH.get();
        float[] tile = s.tile;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int ncPad = (nc + NR - 1) / NR * NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bp = s.b(ncPad * kc);
                packer.pack(pc, kc, jc, nc, bp);
                boolean add = accumulate || pc > 0;
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    float[] ap;
                    int apOff;
                    if (pa != null) { // block (pc, ic) of the pre-packed A
                        ap = pa.data;
                        apOff = pc * pa.mPad + ic * kc;
                    } else {
                        ap = s.a((mc + MR - 1) / MR * MR * kc);
                        apOff = 0;
                        packA(transA, a, aOff, lda, ic, mc, pc, kc, ap, 0);
                    }
                    for (int jr = 0; jr < nc; jr += NR) {
                        int nr = Math.min(NR, nc - jr);
                        int cCol = cOff + jc + jr;
                        for (int ir = 0; ir < mc; ir += MR) {
                            int mr = Math.min(MR, mc - ir);
                            kernel(kc, ap, apOff + ir * kc, bp, jr * kc, c, cCol + (ic + ir) * ldc, ldc, mr, nr, add, tile);
                        }
                    }
                }
            }
        }
    }

    /** An ordinary op(B) (k x n, stored n x k when transB) as a {@link BPacker}, for {@link #sgemmSerialPackedAB}. */
    public static BPacker denseB(boolean transB, float[] b, int bOff, int ldb) {
        return (pc, kc, jc, nc, bp) -> packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
    }

    /**
     * op(A) (m x k) packed for {@link #sgemmSerialPackedAB}: for each KC block of k (at {@code pc * mPad}), all
     * m rows in MR-row panels (rows ic.. of the block at {@code + ic * kc}), the layout packedBCore's blocks use.
     */
    public static final class PackedA {
        final int m, k, mPad;
        final float[] data;

        PackedA(int m, int k, float[] data) {
            this.m = m;
            this.k = k;
            this.mPad = (m + MR - 1) / MR * MR;
            this.data = data;
        }
    }

    /** Floats a {@link PackedA} of op(A) m x k needs. */
    public static int packedASize(int m, int k) {
        return (m + MR - 1) / MR * MR * k;
    }

    /**
     * Packs op(A) (m x k; stored k x m when {@code transA}) into {@code buf} when it holds
     * {@link #packedASize} floats (else into a new array); the result is valid until buf is reused.
     */
    public static PackedA packA(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] buf) {
        check("packA", transA, false, m, 0, k, a == null ? -1 : a.length, aOff, lda, Integer.MAX_VALUE, 0, 1,
                Integer.MAX_VALUE, 0, 1);
        PackedA pa = new PackedA(m, k, buf != null && buf.length >= packedASize(m, k) ? buf : new float[packedASize(m, k)]);
        for (int pc = 0; pc < k; pc += KC) packA(transA, a, aOff, lda, 0, m, pc, Math.min(KC, k - pc), pa.data, pc * pa.mPad);
        return pa;
    }

    /** Packs op(B)[pc..pc+kc, jc..jc+nc] into NR-wide panels: panel q at q*NR*kc, element (p, j) at p*NR + j. */
    private static void packB(boolean tB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int nr = Math.min(NR, nc - jr);
            int dst = jr * kc;
            if (!tB) {
                int src = bOff + pc * ldb + jc + jr;
                if (nr == NR) {
                    for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                        FloatVector.fromArray(S, b, src).intoArray(bp, dst);
                        FloatVector.fromArray(S, b, src + L).intoArray(bp, dst + L);
                    }
                } else {
                    for (int p = 0; p < kc; p++, src += ldb, dst += NR) {
                        int j = 0;
                        for (; j < nr; j++) bp[dst + j] = b[src + j];
                        for (; j < NR; j++) bp[dst + j] = 0f;
                    }
                }
            } else {
                // B stored n x k: column j of op(B) is row j of B, contiguous in p.
                for (int j = 0; j < nr; j++) {
                    int src = bOff + (jc + jr + j) * ldb + pc;
                    for (int p = 0, d = dst + j; p < kc; p++, d += NR) bp[d] = b[src + p];
                }
                for (int j = nr; j < NR; j++)
                    for (int p = 0, d = dst + j; p < kc; p++, d += NR) bp[d] = 0f;
            }
        }
    }

    /** Packs op(A)[ic..ic+mc, pc..pc+kc] into MR-high panels: panel q at apOff + q*MR*kc, element (i, p) at p*MR + i. */
    private static void packA(boolean tA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap,
                              int apOff) {
        if (tA) {
            packAT(a, aOff, lda, ic, mc, pc, kc, ap, apOff, kc);
            return;
        }
        for (int ir = 0; ir < mc; ir += MR) {
            int mr = Math.min(MR, mc - ir);
            int dst = apOff + ir * kc;
            for (int i = 0; i < mr; i++) {
                int src = aOff + (ic + ir + i) * lda + pc;
                for (int p = 0, d = dst + i; p < kc; p++, d += MR) ap[d] = a[src + p];
            }
            for (int i = mr; i < MR; i++)
                for (int p = 0, d = dst + i; p < kc; p++, d += MR) ap[d] = 0f;
        }
    }

    /**
     * {@link #packA} for A stored k x m (transposed): row p of A holds op(A)[.., p] contiguously, so each source
     * row is read once, left to right, and its MR-wide pieces go to the panels (k outer, panels inner). The other
     * order (panel outer) read one cache line per k from rows lda floats apart, six floats of it at a time, and
     * the lines were fetched again for the next panels: for a weight gradient gᵀ·x with g [2500, 600] it took
     * 18 % of the product's time. A piece is copied with one L-lane load and store where L >= MR: lanes MR..
     * land in the next k's slots of the same panel, which the next k rewrites; the last (L-1)/MR k's, whose lanes
     * would leave the panel, and loads that would run past the end of a, go element by element. Panel q starts at
     * {@code apOff + q * MR * rs}: rs = kc for the dense layouts of {@link #packA}, kc + 2 in the Goto sweeps
     * ({@link #panelStride}), so that the panels written for one k do not all fall into the same L1 sets (with a
     * stride of 6 KiB they did, and this order alone then gained nothing).
     */
    private static void packAT(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap, int apOff,
                               int rs) {
        int full = mc / MR, mr = mc - full * MR, ps = MR * rs;
        int pv = L >= MR ? kc - (L - 1) / MR : 0;
        for (int p = 0; p < kc; p++) {
            int src = aOff + (pc + p) * lda + ic, dst = apOff + p * MR;
            int q = 0;
            if (p < pv) {
                int qv = Math.min(full, Math.floorDiv(a.length - L - src, MR) + 1); // panels whose load stays inside a
                for (; q < qv; q++) FloatVector.fromArray(S, a, src + q * MR).intoArray(ap, dst + q * ps);
            }
            for (; q < full; q++) {
                int s = src + q * MR, d = dst + q * ps;
                ap[d] = a[s];
                ap[d + 1] = a[s + 1];
                ap[d + 2] = a[s + 2];
                ap[d + 3] = a[s + 3];
                ap[d + 4] = a[s + 4];
                ap[d + 5] = a[s + 5];
            }
            if (mr > 0) {
                int s = src + full * MR, d = dst + full * ps, i = 0;
                for (; i < mr; i++) ap[d + i] = a[s + i];
                for (; i < MR; i++) ap[d + i] = 0f;
            }
        }
    }

    /**
     * Floats per row of a packed A panel: KC when A's rows are copied whole ({@link #packARows}, A not
     * transposed), kc when they are interleaved ({@link #packA}, A stored transposed). Panel q of a block starts at
     * {@code q * MR * panelStride}, i.e. at {@code ir * panelStride} for its first row ir.
     */
    private static int panelStride(boolean tA, int kc) {
        return tA ? kc + 2 : KC;
    }

    /** Packs op(A)[ic..ic+mc, pc..pc+kc] into ap in the layout {@link #micro} reads for this tA. */
    private static void packBlock(boolean tA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        if (tA) packAT(a, aOff, lda, ic, mc, pc, kc, ap, 0, panelStride(true, kc));
        else packARows(a, aOff, lda, ic, mc, pc, kc, ap, 0);
    }

    /** One micro-tile on A packed by {@link #packBlock}: {@link #kernelRows} for rows copied whole, else {@link #kernel}. */
    private static void micro(boolean tA, int kc, float[] ap, int pa, float[] bp, int pb,
                              float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        if (tA) kernel(kc, ap, pa, bp, pb, c, cOff, ldc, mr, nr, add, tile);
        else kernelRows(kc, ap, pa, bp, pb, c, cOff, ldc, mr, nr, add, tile);
    }

    /**
     * Packs op(A)[ic..ic+mc, pc..pc+kc] for {@link #kernelRows}, A stored m x k (not transposed): row i of the block
     * at {@code apOff + i * KC}, its kc floats copied as they are (one arraycopy per row), so panel q (rows 6q..)
     * starts at {@code apOff + q * MR * KC}. Rows past mc in the last panel are zeroed, as {@link #packA} pads
     * (their results are never stored, but stale values could be subnormal and slow the FMAs). The {@link #packA} layout (6 rows
     * interleaved along k) costs one scalar load and store per element, which for a product with few columns
     * (n = 64: Dreamer's small networks) took a quarter of the product's time; this one is a plain copy.
     */
    private static void packARows(float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap, int apOff) {
        for (int i = 0; i < mc; i++) System.arraycopy(a, aOff + (ic + i) * lda + pc, ap, apOff + i * KC, kc);
        for (int i = mc, pad = (mc + MR - 1) / MR * MR; i < pad; i++)
            java.util.Arrays.fill(ap, apOff + i * KC, apOff + i * KC + kc, 0f);
    }

    /**
     * One micro-tile: C[0..mr, 0..nr] (+)= Apanel(mr x kc) · Bpanel(kc x 2L), by the narrowest kernel that covers
     * mr rows. The packed A panel is always MR (6) rows high; the 4- and 2-row kernels read its first rows with
     * the same stride. Without them a product of 16 rows (the RSSM's batch) computed 18 and one of 50 rows
     * computed 54: [16, 200] x [200, 1000] ran at 77 GFLOP/s against 88 for 18 rows (RssmProductsCpuTime).
     */
    private static void kernel(int kc, float[] ap, int pa, float[] bp, int pb,
                               float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        if (mr > 4) kernel6(kc, ap, pa, bp, pb, c, cOff, ldc, mr, nr, add, tile);
        else if (mr > 2) kernel4(kc, ap, pa, bp, pb, c, cOff, ldc, mr, nr, add, tile);
        else kernel2(kc, ap, pa, bp, pb, c, cOff, ldc, mr, nr, add, tile);
    }

    /** The 4 x 2L micro-kernel for tiles of 3 or 4 rows: the 6-row kernel's loop with rows 4 and 5 left out. */
    private static void kernel4(int kc, float[] ap, int pa, float[] bp, int pb,
                                float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int end = pb + kc * NR;
        if (FMA) {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia += MR) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, ap[ia + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, ap[ia + 2]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, ap[ia + 3]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            }
        } else {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia += MR) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.mul(b0).add(c00); c01 = x.mul(b1).add(c01);
                x = FloatVector.broadcast(S, ap[ia + 1]);
                c10 = x.mul(b0).add(c10); c11 = x.mul(b1).add(c11);
                x = FloatVector.broadcast(S, ap[ia + 2]);
                c20 = x.mul(b0).add(c20); c21 = x.mul(b1).add(c21);
                x = FloatVector.broadcast(S, ap[ia + 3]);
                c30 = x.mul(b0).add(c30); c31 = x.mul(b1).add(c31);
            }
        }
        if (mr == 4 && nr == NR) {
            int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
            if (add) {
                c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
                c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
                c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
                c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
            }
            c00.intoArray(c, r0); c01.intoArray(c, r0 + L);
            c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
        } else {
            c00.intoArray(tile, 0); c01.intoArray(tile, L);
            c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
            storePartial(tile, c, cOff, ldc, mr, nr, add);
        }
    }

    /** The 2 x 2L micro-kernel for tiles of 1 or 2 rows. */
    private static void kernel2(int kc, float[] ap, int pa, float[] bp, int pb,
                                float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        int end = pb + kc * NR;
        if (FMA) {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia += MR) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, ap[ia + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            }
        } else {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia += MR) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.mul(b0).add(c00); c01 = x.mul(b1).add(c01);
                x = FloatVector.broadcast(S, ap[ia + 1]);
                c10 = x.mul(b0).add(c10); c11 = x.mul(b1).add(c11);
            }
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        storePartial(tile, c, cOff, ldc, mr, nr, add);
    }

    /**
     * The 6 x 2L micro-kernel: C[0..mr, 0..nr] (+)= Apanel(6 x kc) · Bpanel(kc x 2L).
     * Kept flat (no helper calls in the loop) so that C2 keeps every vector in a register.
     */
    private static void kernel6(int kc, float[] ap, int pa, float[] bp, int pb,
                                float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        // The B index is the loop variable and the A index a second induction variable. C2 then removes the
        // bounds checks of the B loads and keeps the loop at ~27 instructions per k step (12 FMAs, 8 loads,
        // one check of the A index, the increments). Counting p from 0 and computing pa + p*MR, pb + p*NR
        // (the previous form) made C2 recompute both indices from p with shifts and stack reloads every step,
        // ~39 instructions: the 6-wide front end, not the two FMA pipes, was then the limit (measured on an
        // L1-resident panel: ~86 GFLOP/s vs ~98 now). Unrolling by hand makes C2 spill accumulators (2x slower).
        int end = pb + kc * NR;
        if (FMA) {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia += MR) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, ap[ia + 1]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, ap[ia + 2]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, ap[ia + 3]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, ap[ia + 4]);
                c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, ap[ia + 5]);
                c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            }
        } else {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia += MR) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.mul(b0).add(c00); c01 = x.mul(b1).add(c01);
                x = FloatVector.broadcast(S, ap[ia + 1]);
                c10 = x.mul(b0).add(c10); c11 = x.mul(b1).add(c11);
                x = FloatVector.broadcast(S, ap[ia + 2]);
                c20 = x.mul(b0).add(c20); c21 = x.mul(b1).add(c21);
                x = FloatVector.broadcast(S, ap[ia + 3]);
                c30 = x.mul(b0).add(c30); c31 = x.mul(b1).add(c31);
                x = FloatVector.broadcast(S, ap[ia + 4]);
                c40 = x.mul(b0).add(c40); c41 = x.mul(b1).add(c41);
                x = FloatVector.broadcast(S, ap[ia + 5]);
                c50 = x.mul(b0).add(c50); c51 = x.mul(b1).add(c51);
            }
        }
        if (mr == MR && nr == NR) {
            int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
            if (add) {
                c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
                c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
                c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
                c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
                c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
                c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
            }
            c00.intoArray(c, r0); c01.intoArray(c, r0 + L);
            c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
            c40.intoArray(c, r4); c41.intoArray(c, r4 + L);
            c50.intoArray(c, r5); c51.intoArray(c, r5 + L);
        } else {
            c00.intoArray(tile, 0); c01.intoArray(tile, L);
            c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
            c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
            c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
            storePartial(tile, c, cOff, ldc, mr, nr, add);
        }
    }

    /**
     * The micro-kernels for A packed by {@link #packARows} (row i of a panel at {@code i * KC}, i.e. the rows of A
     * as they are, each padded to KC): the same loops as {@link #kernel6}, {@link #kernel4} and {@link #kernel2}
     * with the A index stepping by one along k. The constant row stride keeps C2's one range check per k step.
     */
    private static void kernelRows(int kc, float[] ap, int pa, float[] bp, int pb,
                                   float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        if (mr > 4) kernelRows6(kc, ap, pa, bp, pb, c, cOff, ldc, mr, nr, add, tile);
        else if (mr > 2) kernelRows4(kc, ap, pa, bp, pb, c, cOff, ldc, mr, nr, add, tile);
        else kernelRows2(kc, ap, pa, bp, pb, c, cOff, ldc, mr, nr, add, tile);
    }

    /** {@link #kernel6} on A packed by rows. */
    private static void kernelRows6(int kc, float[] ap, int pa, float[] bp, int pb,
                                    float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        int end = pb + kc * NR;
        if (FMA) {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia++) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, ap[ia + KC]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, ap[ia + 2 * KC]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, ap[ia + 3 * KC]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
                x = FloatVector.broadcast(S, ap[ia + 4 * KC]);
                c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
                x = FloatVector.broadcast(S, ap[ia + 5 * KC]);
                c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
            }
        } else {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia++) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.mul(b0).add(c00); c01 = x.mul(b1).add(c01);
                x = FloatVector.broadcast(S, ap[ia + KC]);
                c10 = x.mul(b0).add(c10); c11 = x.mul(b1).add(c11);
                x = FloatVector.broadcast(S, ap[ia + 2 * KC]);
                c20 = x.mul(b0).add(c20); c21 = x.mul(b1).add(c21);
                x = FloatVector.broadcast(S, ap[ia + 3 * KC]);
                c30 = x.mul(b0).add(c30); c31 = x.mul(b1).add(c31);
                x = FloatVector.broadcast(S, ap[ia + 4 * KC]);
                c40 = x.mul(b0).add(c40); c41 = x.mul(b1).add(c41);
                x = FloatVector.broadcast(S, ap[ia + 5 * KC]);
                c50 = x.mul(b0).add(c50); c51 = x.mul(b1).add(c51);
            }
        }
        if (mr == MR && nr == NR) {
            int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc, r4 = r3 + ldc, r5 = r4 + ldc;
            if (add) {
                c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
                c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
                c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
                c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
                c40 = c40.add(FloatVector.fromArray(S, c, r4)); c41 = c41.add(FloatVector.fromArray(S, c, r4 + L));
                c50 = c50.add(FloatVector.fromArray(S, c, r5)); c51 = c51.add(FloatVector.fromArray(S, c, r5 + L));
            }
            c00.intoArray(c, r0); c01.intoArray(c, r0 + L);
            c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
            c40.intoArray(c, r4); c41.intoArray(c, r4 + L);
            c50.intoArray(c, r5); c51.intoArray(c, r5 + L);
        } else {
            c00.intoArray(tile, 0); c01.intoArray(tile, L);
            c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
            c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
            c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
            storePartial(tile, c, cOff, ldc, mr, nr, add);
        }
    }

    /** {@link #kernel4} on A packed by rows. */
    private static void kernelRows4(int kc, float[] ap, int pa, float[] bp, int pb,
                                    float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        int end = pb + kc * NR;
        if (FMA) {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia++) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, ap[ia + KC]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
                x = FloatVector.broadcast(S, ap[ia + 2 * KC]);
                c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
                x = FloatVector.broadcast(S, ap[ia + 3 * KC]);
                c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            }
        } else {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia++) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.mul(b0).add(c00); c01 = x.mul(b1).add(c01);
                x = FloatVector.broadcast(S, ap[ia + KC]);
                c10 = x.mul(b0).add(c10); c11 = x.mul(b1).add(c11);
                x = FloatVector.broadcast(S, ap[ia + 2 * KC]);
                c20 = x.mul(b0).add(c20); c21 = x.mul(b1).add(c21);
                x = FloatVector.broadcast(S, ap[ia + 3 * KC]);
                c30 = x.mul(b0).add(c30); c31 = x.mul(b1).add(c31);
            }
        }
        if (mr == 4 && nr == NR) {
            int r0 = cOff, r1 = r0 + ldc, r2 = r1 + ldc, r3 = r2 + ldc;
            if (add) {
                c00 = c00.add(FloatVector.fromArray(S, c, r0)); c01 = c01.add(FloatVector.fromArray(S, c, r0 + L));
                c10 = c10.add(FloatVector.fromArray(S, c, r1)); c11 = c11.add(FloatVector.fromArray(S, c, r1 + L));
                c20 = c20.add(FloatVector.fromArray(S, c, r2)); c21 = c21.add(FloatVector.fromArray(S, c, r2 + L));
                c30 = c30.add(FloatVector.fromArray(S, c, r3)); c31 = c31.add(FloatVector.fromArray(S, c, r3 + L));
            }
            c00.intoArray(c, r0); c01.intoArray(c, r0 + L);
            c10.intoArray(c, r1); c11.intoArray(c, r1 + L);
            c20.intoArray(c, r2); c21.intoArray(c, r2 + L);
            c30.intoArray(c, r3); c31.intoArray(c, r3 + L);
        } else {
            c00.intoArray(tile, 0); c01.intoArray(tile, L);
            c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
            c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
            c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
            storePartial(tile, c, cOff, ldc, mr, nr, add);
        }
    }

    /** {@link #kernel2} on A packed by rows. */
    private static void kernelRows2(int kc, float[] ap, int pa, float[] bp, int pb,
                                    float[] c, int cOff, int ldc, int mr, int nr, boolean add, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        int end = pb + kc * NR;
        if (FMA) {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia++) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
                x = FloatVector.broadcast(S, ap[ia + KC]);
                c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            }
        } else {
            for (int ib = pb, ia = pa; ib < end; ib += NR, ia++) {
                FloatVector b0 = FloatVector.fromArray(S, bp, ib);
                FloatVector b1 = FloatVector.fromArray(S, bp, ib + L);
                FloatVector x = FloatVector.broadcast(S, ap[ia]);
                c00 = x.mul(b0).add(c00); c01 = x.mul(b1).add(c01);
                x = FloatVector.broadcast(S, ap[ia + KC]);
                c10 = x.mul(b0).add(c10); c11 = x.mul(b1).add(c11);
            }
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        storePartial(tile, c, cOff, ldc, mr, nr, add);
    }

    /**
     * Copies (or adds) the top-left {@code mr x nr} of a full tile into C. Kept out of {@link #kernel} on purpose:
     * C2 disables loop predication (range-check hoisting) for a whole method once one of its loops has trapped
     * on a failed predicate often enough, and these short loops did that in workloads whose first GEMMs have
     * odd shapes (the Dreamer update), leaving the FMA loop with its bounds checks and at about half speed
     * (JFR: 2x the kernel samples; docs/perf-planet.md). In their own method they cannot take the FMA loop down.
     */
    private static void storePartial(float[] tile, float[] c, int cOff, int ldc, int mr, int nr, boolean add) {
        for (int i = 0; i < mr; i++) {
            int ci = cOff + i * ldc, ti = i * NR;
            if (add) for (int j = 0; j < nr; j++) c[ci + j] += tile[ti + j];
            else for (int j = 0; j < nr; j++) c[ci + j] = tile[ti + j];
        }
    }

    /** Plain loops for tiny products, where packing would cost more than it saves. */
    private static void tiny(boolean tA, boolean tB, int m, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean acc) {
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            for (int j = 0; j < n; j++) {
                float s = 0f;
                for (int p = 0; p < k; p++) {
                    float x = tA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    float y = tB ? b[bOff + j * ldb + p] : b[bOff + p * ldb + j];
                    s += x * y;
                }
                c[ci + j] = acc ? c[ci + j] + s : s;
            }
        }
    }

    // ----------------------------------------------------------------------------------------- double

    /**
     * Double-precision {@code C = op(A)·op(B)} (or {@code +=}), same contract as
     * {@link #sgemm}. Simple cache-friendly loops (i-p-j, or i-j-p dot products when B is transposed): the
     * float64 path for gradient checks and the reference in tests, not a fast kernel.
     */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double[] a, int aOff, int lda, double[] b, int bOff, int ldb,
                             double[] c, int cOff, int ldc, boolean accumulate) {
        check("dgemm", transA, transB, m, n, k, a == null ? -1 : a.length, aOff, lda,
                b == null ? -1 : b.length, bOff, ldb, c == null ? -1 : c.length, cOff, ldc);
        for (int i = 0; i < m; i++) {
            int ci = cOff + i * ldc;
            if (!accumulate) java.util.Arrays.fill(c, ci, ci + n, 0.0);
            if (transB) {
                for (int j = 0; j < n; j++) {
                    int bj = bOff + j * ldb;
                    double s = 0;
                    if (transA) for (int p = 0; p < k; p++) s += a[aOff + p * lda + i] * b[bj + p];
                    else {
                        int ai = aOff + i * lda;
                        for (int p = 0; p < k; p++) s += a[ai + p] * b[bj + p];
                    }
                    c[ci + j] += s;
                }
            } else {
                for (int p = 0; p < k; p++) {
                    double x = transA ? a[aOff + p * lda + i] : a[aOff + i * lda + p];
                    if (x == 0.0) continue;
                    int bp = bOff + p * ldb;
                    for (int j = 0; j < n; j++) c[ci + j] += x * b[bp + j];
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------- validation

    /** Checks dimensions, leading dimensions, offsets and array lengths (a length of -1 means null). */
    static void check(String op, boolean tA, boolean tB, int m, int n, int k,
                      int aLen, int aOff, int lda, int bLen, int bOff, int ldb, int cLen, int cOff, int ldc) {
        String dims = op + "(transA=" + tA + ", transB=" + tB + ", m=" + m + ", n=" + n + ", k=" + k
                + ", lda=" + lda + ", ldb=" + ldb + ", ldc=" + ldc + ")";
        if (m < 0 || n < 0 || k < 0) throw new IllegalArgumentException(dims + ": negative dimension");
        if (aOff < 0 || bOff < 0 || cOff < 0)
            throw new IllegalArgumentException(dims + ": negative offset (aOff=" + aOff + ", bOff=" + bOff
                    + ", cOff=" + cOff + ")");
        if (aLen < 0 || bLen < 0 || cLen < 0) throw new IllegalArgumentException(dims + ": null array");
        // A: rows x cols as stored
        int aRows = tA ? k : m, aCols = tA ? m : k;
        int bRows = tB ? n : k, bCols = tB ? k : n;
        operand(dims, "A", aRows, aCols, aLen, aOff, lda);
        operand(dims, "B", bRows, bCols, bLen, bOff, ldb);
        operand(dims, "C", m, n, cLen, cOff, ldc);
    }

    private static void operand(String dims, String name, int rows, int cols, int len, int off, int ld) {
        if (ld < Math.max(1, cols))
            throw new IllegalArgumentException(dims + ": ld" + name.toLowerCase() + "=" + ld
                    + " is smaller than the " + cols + " columns of " + name + " as stored");
        if (rows == 0 || cols == 0) return;
        long end = off + (long) (rows - 1) * ld + cols;
        if (end > len)
            throw new IllegalArgumentException(dims + ": " + name + " needs " + end + " elements (offset " + off
                    + ", " + rows + " x " + cols + " stored, ld " + ld + ") but has " + len);
    }

    // ------------------------------------------------------------------------------ pre-packed B (weights)

    /**
     * op(B) (k x n) packed once into the panels {@link #sgemmSerial} would build on every call, for a B that many
     * products read unchanged (a weight between optimizer steps; the RSSM's 16-row products per time step
     * spent as long packing the weight as multiplying by it). Blocks follow sgemmSerial's loop order: for each
     * jc block of NC columns, for each pc block of KC rows, one {@code ncPad x kc} block.
     */
    public static final class PackedB {
        final int k, n;
        final float[] data;

        PackedB(int k, int n, float[] data) {
            this.k = k;
            this.n = n;
            this.data = data;
        }

        public int k() {
            return k;
        }

        public int n() {
            return n;
        }
    }

    /** Packs op(B) (k x n; stored n x k when {@code transB}) for {@link #sgemmPackedB}. */
    public static PackedB packB(boolean transB, int k, int n, float[] b, int bOff, int ldb) {
        check("packB", false, transB, 0, n, k, Integer.MAX_VALUE, 0, Math.max(1, k), b == null ? -1 : b.length, bOff, ldb,
                Integer.MAX_VALUE, 0, Math.max(1, n));
        int size = 0;
        for (int jc = 0; jc < n; jc += NC) size += (Math.min(NC, n - jc) + NR - 1) / NR * NR * k;
        float[] data = new float[size];
        int at = 0;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc), ncPad = (nc + NR - 1) / NR * NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                float[] bp = new float[ncPad * kc];
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                System.arraycopy(bp, 0, data, at, bp.length);
                at += bp.length;
            }
        }
        return new PackedB(k, n, data);
    }

    /**
     * {@code C(m x n) (+)= op(A)·B} with B packed by {@link #packB(boolean, int, int, float[], int, int)}: the same
     * arithmetic, in the same order, as {@link #sgemm} (results are bit-identical), without packing B.
     */
    public static void sgemmPackedB(boolean transA, int m, float[] a, int aOff, int lda, PackedB b,
                                    float[] c, int cOff, int ldc, boolean accumulate) {
        int n = b.n, k = b.k;
        check("sgemmPackedB", transA, false, m, n, k, a == null ? -1 : a.length, aOff, lda, Integer.MAX_VALUE, 0, Math.max(1, n),
                c == null ? -1 : c.length, cOff, ldc);
        long flops = 2L * m * n * k;
        if (Parallel.threads() == 1 || flops < PARALLEL_FLOPS || m < 2 * MR) {
            packedSerial(transA, m, a, aOff, lda, b, c, cOff, ldc, accumulate);
        } else {
            Parallel.forRange(m, flops, MR, (s, e) -> packedSerial(transA, e - s, a, transA ? aOff + s : aOff + s * lda, lda, b,
                    c, cOff + s * ldc, ldc, accumulate));
        }
    }

    private static void packedSerial(boolean tA, int m, float[] a, int aOff, int lda, PackedB pb,
                                     float[] c, int cOff, int ldc, boolean acc) {
        int n = pb.n, k = pb.k;
        if (m == 0 || n == 0) return;
        if (k == 0) {
            if (!acc) for (int i = 0; i < m; i++) java.util.Arrays.fill(c, cOff + i * ldc, cOff + i * ldc + n, 0f);
            return;
        }
        if ((long) m * n * k <= TINY) { // the same plain loops as sgemmSerial, reading B back from the panels
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++) {
                    float sum = 0f;
                    for (int p = 0; p < k; p++) sum += (tA ? a[aOff + p * lda + i] : a[aOff + i * lda + p]) * packedAt(pb, p, j);
                    int ci = cOff + i * ldc + j;
                    c[ci] = acc ? c[ci] + sum : sum;
                }
            return;
        }
        Scratch s = SCRATCH.get();
        if (ROW_SWEEP && k > KC && (long) m * n > ROW_SWEEP_MIN_C && n <= NC) {
            rowSweep(tA, false, m, n, k, a, aOff, lda, null, 0, 0, pb, c, cOff, ldc, acc, s);
            return;
        }
        float[] bp = pb.data;
        int at = 0;
        for (int jc = 0; jc < n; jc += NC) {
            int nc = Math.min(NC, n - jc);
            int ncPad = (nc + NR - 1) / NR * NR;
            for (int pc = 0; pc < k; pc += KC) {
                int kc = Math.min(KC, k - pc);
                boolean add = acc || pc > 0;
                sweepA(tA, m, nc, kc, pc, a, aOff, lda, bp, at, c, cOff + jc, ldc, add, s);
                at += ncPad * kc;
            }
        }
    }

    /** Element (p, j) of op(B) read back from its panels. */
    private static float packedAt(PackedB pb, int p, int j) {
        int at = 0;
        for (int jc = 0; jc < pb.n; jc += NC) {
            int nc = Math.min(NC, pb.n - jc), ncPad = (nc + NR - 1) / NR * NR;
            for (int pc = 0; pc < pb.k; pc += KC) {
                int kc = Math.min(KC, pb.k - pc);
                if (j < jc + nc && p < pc + kc && j >= jc && p >= pc) {
                    int jj = j - jc, pp = p - pc;
                    return pb.data[at + (jj / NR) * NR * kc + pp * NR + jj % NR];
                }
                at += ncPad * kc;
            }
        }
        throw new IndexOutOfBoundsException("packedAt(" + p + ", " + j + ")");
    }
}
