package somnium.tensor.cpu;

import java.util.Arrays;

import jdk.incubator.vector.FloatVector;

/**
 * 2-D convolution and transposed convolution on the CPU, NCHW, PyTorch weight layouts, no dilation or groups.
 *
 * <h2>How the float path works: im2col + {@link Gemm}</h2>
 * For one image, {@code col} is the (Cin·kh·kw) x (OH·OW) matrix whose column q holds the input patch under
 * output pixel q (zeros where the patch hangs over the padding). Then, with W the weight seen as a
 * Cout x (Cin·kh·kw) matrix:
 * <pre>
 *   forward          Y    = W · col                      (Cout x OH·OW)
 *   backward input   dcol = Wᵀ · dY,  dX = col2im(dcol)   (col2im scatter-adds each patch back)
 *   backward weight  dW  += dY · colᵀ                     (summed over images)
 * </pre>
 * Several images are put side by side in one {@code col} (a "group", columns img·OH·OW + q) whenever one
 * image alone gives too few columns for an efficient GEMM: the Dreamer encoder's last layer has 2x2 outputs
 * per image and the decoder's first transposed conv has a 1x1 input, where grouping turns 250 matrix-vector
 * products into one GEMM (like conv.py's "opt" decoder).
 *
 * <p>A transposed convolution is the adjoint of a convolution, and its PyTorch weight [Cin, Cout, kh, kw] is
 * exactly the weight of the convolution that maps its output back to its input. So
 * {@code convTranspose2d} is the convolution's backward-input core, its backward-input is the convolution's
 * forward core, and its backward-weight is the convolution's backward-weight core with x and dy swapped.
 *
 * <p>Threads: over groups of images when there are at least two groups (each thread runs serial GEMMs and
 * owns its workspace), inside the GEMM otherwise. Workspaces are per-thread arrays grown on demand. The
 * weight gradient is reduced in a fixed order (per-chunk partial sums added chunk by chunk), so results do
 * not depend on thread timing.
 *
 * <p>The double versions are plain direct loops: the float64 path for gradient checks.
 */
public final class Conv {
    private Conv() {}

    /**
     * Target number of GEMM columns (images x output pixels) per group; {@code -Dsomnium.conv.groupCols}
     * overrides it (read once, for experiments). 128, 256, 512 and 1024 measured within the noise of a
     * shared machine on the Dreamer layers.
     */
    static final int GROUP_COLS = Integer.getInteger("somnium.conv.groupCols", 256);
    /**
     * Whether the forward and weight-gradient cores pack GEMM panels straight from the image (implicit im2col)
     * where they run serial GEMMs and the im2col matrix has at least {@link #IMPLICIT_MIN_ROWS} rows;
     * {@code -Dsomnium.conv.implicit=false} keeps the explicit im2col matrix (read once, for experiments).
     * Measured (thread CPU time, Dreamer layers): 13-25 % faster weight gradients for Cin >= 32 and up to 25 %
     * faster forwards on the small-image layers; slower for Cin = 3 (48 or 108 rows), where the explicit
     * copies are long contiguous runs and the packer's short runs cost more than the pass they save.
     */
    static final boolean IMPLICIT = Boolean.parseBoolean(System.getProperty("somnium.conv.implicit", "true"));
    static final int IMPLICIT_MIN_ROWS = 256;
    /**
     * Backward input: whether the GEMM computes padded pixels (rows of width pw, see col2im) so that col2im is
     * one contiguous vector add per column-matrix row, and the largest share of extra columns that is accepted
     * for it. {@code -Dsomnium.conv.padCols=false} / {@code -Dsomnium.conv.padColsMax=...} (read once).
     */
    static final boolean PAD_COLS = Boolean.parseBoolean(System.getProperty("somnium.conv.padCols", "true"));
    static final double PAD_COLS_MAX = Double.parseDouble(System.getProperty("somnium.conv.padColsMax", "0.2"));
    /** Largest im2col workspace per group, in floats (4 MiB). */
    static final int MAX_COL = 1 << 20;

    /** Output size of a convolution: {@code (in + 2*pad - k)/stride + 1}. */
    public static int outSize(int in, int k, int stride, int pad) {
        return Math.floorDiv(in + 2 * pad - k, stride) + 1;
    }

    /** Output size of a transposed convolution: {@code (in-1)*stride - 2*pad + k + outputPad}. */
    public static int transposeOutSize(int in, int k, int stride, int pad, int outputPad) {
        return (in - 1) * stride - 2 * pad + k + outputPad;
    }

    // ------------------------------------------------------------------------------- public float API

    /** {@code y = conv2d(x, wt) + bias}; x [n, cin, h, w], wt [cout, cin, kh, kw], y [n, cout, oh, ow] overwritten. */
    public static void conv2d(float[] x, int n, int cin, int h, int w, float[] wt, int cout, int kh, int kw,
                              int stride, int pad, float[] bias, float[] y) {
        Args o = new Args("conv2d", n, cin, h, w, cout, kh, kw, stride, pad, -1);
        o.need("x", x, (long) n * cin * h * w);
        o.need("wt", wt, (long) cout * cin * kh * kw);
        if (bias != null) o.need("bias", bias, cout);
        o.need("y", y, (long) n * cout * o.oh * o.ow);
        forward(x, n, cin, h, w, wt, cout, kh, kw, stride, pad, o.oh, o.ow, bias, y);
    }

    /** Gradient of conv2d with respect to x: dy [n, cout, oh, ow] -> dx [n, cin, h, w] (overwritten). */
    public static void conv2dBackwardInput(float[] dy, int n, int cin, int h, int w, float[] wt, int cout,
                                           int kh, int kw, int stride, int pad, float[] dx) {
        Args o = new Args("conv2dBackwardInput", n, cin, h, w, cout, kh, kw, stride, pad, -1);
        o.need("dy", dy, (long) n * cout * o.oh * o.ow);
        o.need("wt", wt, (long) cout * cin * kh * kw);
        o.need("dx", dx, (long) n * cin * h * w);
        backwardInput(dy, n, cin, h, w, o.oh, o.ow, wt, cout, kh, kw, stride, pad, null, dx);
    }

    /** Gradient of conv2d with respect to the weight: dw [cout, cin, kh, kw] (overwritten). */
    public static void conv2dBackwardWeight(float[] x, float[] dy, int n, int cin, int h, int w, int cout,
                                            int kh, int kw, int stride, int pad, float[] dw) {
        Args o = new Args("conv2dBackwardWeight", n, cin, h, w, cout, kh, kw, stride, pad, -1);
        o.need("x", x, (long) n * cin * h * w);
        o.need("dy", dy, (long) n * cout * o.oh * o.ow);
        o.need("dw", dw, (long) cout * cin * kh * kw);
        backwardWeight(x, dy, n, cin, h, w, o.oh, o.ow, cout, kh, kw, stride, pad, dw);
    }

    /** Gradient of the bias (conv2d or convTranspose2d): db[c] = sum of dy over n, oh, ow (overwritten). */
    public static void conv2dBackwardBias(float[] dy, int n, int cout, int oh, int ow, float[] db) {
        checkPositive("conv2dBackwardBias", "n", n, "cout", cout, "oh", oh, "ow", ow);
        need("conv2dBackwardBias", "dy", dy, (long) n * cout * oh * ow);
        need("conv2dBackwardBias", "db", db, cout);
        int p = oh * ow;
        for (int c = 0; c < cout; c++) {
            double s = 0;
            for (int i = 0; i < n; i++) s += sum(dy, (i * cout + c) * p, p);
            db[c] = (float) s;
        }
    }

    /**
     * Sum of x[off..off+len) in float: four vector accumulators (a scalar loop's one running sum is bound by
     * the add latency), lanes and tail added in a fixed order, so the result does not depend on the JIT tier.
     */
    private static float sum(float[] x, int off, int len) {
        int L = Gemm.L, i = 0;
        float t = 0f;
        if (len >= 4 * L) {
            FloatVector a0 = FloatVector.zero(Gemm.S), a1 = a0, a2 = a0, a3 = a0;
            for (; i <= len - 4 * L; i += 4 * L) {
                a0 = a0.add(FloatVector.fromArray(Gemm.S, x, off + i));
                a1 = a1.add(FloatVector.fromArray(Gemm.S, x, off + i + L));
                a2 = a2.add(FloatVector.fromArray(Gemm.S, x, off + i + 2 * L));
                a3 = a3.add(FloatVector.fromArray(Gemm.S, x, off + i + 3 * L));
            }
            FloatVector a = a0.add(a1).add(a2.add(a3));
            for (int l = 0; l < L; l++) t += a.lane(l);
        }
        for (; i < len; i++) t += x[off + i];
        return t;
    }

    /**
     * Transposed convolution: x [n, cin, h, w], wt [cin, cout, kh, kw] (PyTorch layout),
     * y [n, cout, transposeOutSize(h), transposeOutSize(w)] overwritten; 0 <= outputPad < stride.
     */
    public static void convTranspose2d(float[] x, int n, int cin, int h, int w, float[] wt, int cout, int kh,
                                       int kw, int stride, int pad, int outputPad, float[] bias, float[] y) {
        Args o = new Args("convTranspose2d", n, cin, h, w, cout, kh, kw, stride, pad, outputPad);
        o.need("x", x, (long) n * cin * h * w);
        o.need("wt", wt, (long) cin * cout * kh * kw);
        if (bias != null) o.need("bias", bias, cout);
        o.need("y", y, (long) n * cout * o.oh * o.ow);
        // The convolution from y's space (cout channels) to x's space (cin channels) has weight wt.
        backwardInput(x, n, cout, o.oh, o.ow, h, w, wt, cin, kh, kw, stride, pad, bias, y);
    }

    /** Gradient of convTranspose2d with respect to x: dy [n, cout, OH, OW] -> dx [n, cin, h, w] (overwritten). */
    public static void convTranspose2dBackwardInput(float[] dy, int n, int cin, int h, int w, float[] wt,
                                                    int cout, int kh, int kw, int stride, int pad, int outputPad,
                                                    float[] dx) {
        Args o = new Args("convTranspose2dBackwardInput", n, cin, h, w, cout, kh, kw, stride, pad, outputPad);
        o.need("dy", dy, (long) n * cout * o.oh * o.ow);
        o.need("wt", wt, (long) cin * cout * kh * kw);
        o.need("dx", dx, (long) n * cin * h * w);
        forward(dy, n, cout, o.oh, o.ow, wt, cin, kh, kw, stride, pad, h, w, null, dx);
    }

    /** Gradient of convTranspose2d with respect to the weight: dw [cin, cout, kh, kw] (overwritten). */
    public static void convTranspose2dBackwardWeight(float[] x, float[] dy, int n, int cin, int h, int w, int cout,
                                                     int kh, int kw, int stride, int pad, int outputPad, float[] dw) {
        Args o = new Args("convTranspose2dBackwardWeight", n, cin, h, w, cout, kh, kw, stride, pad, outputPad);
        o.need("x", x, (long) n * cin * h * w);
        o.need("dy", dy, (long) n * cout * o.oh * o.ow);
        o.need("dw", dw, (long) cin * cout * kh * kw);
        backwardWeight(dy, x, n, cout, o.oh, o.ow, h, w, cin, kh, kw, stride, pad, dw);
    }

    // ------------------------------------------------------------------------------------ float cores

    /** Per-thread workspaces, grown on demand. */
    private static final class Work {
        float[] col = new float[0];
        float[] mat = new float[0];
        float[] partial = new float[0];
        float[] wpack = new float[0];
        float[] phase = new float[0];
        int[] rowT = new int[0], colT = new int[0];
        final Im2colPacker packer = new Im2colPacker();

        int[] rowT(int size) {
            if (rowT.length < size) rowT = new int[size];
            return rowT;
        }

        int[] colT(int size) {
            if (colT.length < size) colT = new int[size];
            return colT;
        }

        /** The packed weight of the current call (written by the calling thread before any fork). */
        float[] wpack(int size) {
            if (wpack.length < size) wpack = new float[size];
            return wpack;
        }

        float[] phase(int size) {
            if (phase.length < size) phase = new float[size];
            return phase;
        }

        float[] col(int size) {
            if (col.length < size) col = new float[size];
            return col;
        }

        float[] mat(int size) {
            if (mat.length < size) mat = new float[size];
            return mat;
        }

        float[] partial(int size) {
            if (partial.length < size) partial = new float[size];
            return partial;
        }
    }

    private static final ThreadLocal<Work> WORK = ThreadLocal.withInitial(Work::new);

    /** Images per group: enough to give the GEMM about GROUP_COLS columns, bounded by the workspace size. */
    static int groupSize(int n, int ckk, int pixels) {
        int g = Math.max(1, Math.min(n, (GROUP_COLS + pixels - 1) / pixels));
        g = Math.max(1, Math.min(g, MAX_COL / Math.max(1, ckk * pixels)));
        int groups = (n + g - 1) / g, t = Parallel.threads();
        if (t > 1 && groups > 1 && groups < 4 * t) { // few groups: make their count a multiple of the threads
            groups = (groups + t - 1) / t * t;
            g = (n + groups - 1) / groups;
        }
        return g;
    }

    /**
     * Convolution forward core: x [n, c, hh, ww] -> y [n, k, oh, ow] with weight [k, c, kh, kw] (+ bias[k]).
     * oh/ow are given so that the transposed conv's output padding can pass through.
     */
    static void forward(float[] x, int n, int c, int hh, int ww, float[] wt, int k, int kh, int kw,
                        int s, int p, int oh, int ow, float[] bias, float[] y) {
        int ckk = c * kh * kw, pix = oh * ow;
        int g = groupSize(n, ckk, pix), groups = (n + g - 1) / g;
        long work = 2L * n * k * ckk * pix;
        boolean overGroups = Parallel.threads() > 1 && groups > 1 && work >= Gemm.PARALLEL_FLOPS;
        boolean pointwise = kh == 1 && kw == 1 && s == 1 && p == 0;
        int pw = ow + (kw - 1) / s;
        boolean padded = PAD_COLS && pw > ow && (pw - ow) <= PAD_COLS_MAX * ow;
        if (IMPLICIT && !pointwise && (ckk >= IMPLICIT_MIN_ROWS || padded) && (overGroups || Parallel.threads() == 1)) {
            forwardImplicit(x, n, c, hh, ww, wt, k, kh, kw, s, p, oh, ow, bias, y, padded, overGroups, work);
            return;
        }
        Parallel.RangeBody body = (g0, g1) -> {
            Work ws = WORK.get();
            float[] phase = ws.phase(phaseSize(c, kh, kw, s, oh, ow));
            for (int gr = g0; gr < g1; gr++) {
                int i0 = gr * g, gi = Math.min(g, n - i0), cols = gi * pix;
                float[] col;
                boolean direct = kh == 1 && kw == 1 && s == 1 && p == 0 && gi == 1;
                int colOff = 0;
                if (direct) {
                    col = x;
                    colOff = i0 * c * hh * ww;
                } else {
                    col = ws.col(ckk * cols);
                    for (int img = 0; img < gi; img++)
                        im2col(x, (i0 + img) * c * hh * ww, c, hh, ww, kh, kw, s, p, oh, ow, col, img * pix, cols, phase);
                }
                if (gi == 1) {
                    int yOff = i0 * k * pix;
                    if (bias != null) for (int o = 0; o < k; o++) Arrays.fill(y, yOff + o * pix, yOff + (o + 1) * pix, bias[o]);
                    gemm(!overGroups, false, false, k, pix, ckk, wt, 0, ckk, col, colOff, pix, y, yOff, pix, bias != null);
                } else {
                    float[] out = ws.mat(k * cols);
                    gemm(!overGroups, false, false, k, cols, ckk, wt, 0, ckk, col, 0, cols, out, 0, cols, false);
                    for (int img = 0; img < gi; img++)
                        for (int o = 0; o < k; o++) {
                            int dst = ((i0 + img) * k + o) * pix, src = o * cols + img * pix;
                            if (bias == null) System.arraycopy(out, src, y, dst, pix);
                            else {
                                float b = bias[o];
                                for (int q = 0; q < pix; q++) y[dst + q] = out[src + q] + b;
                            }
                        }
                }
            }
        };
        if (overGroups) Parallel.forRange(groups, work, 1, body);
        else body.run(0, groups);
    }

    /**
     * The forward core with implicit im2col: each group's images are split into phase planes and the GEMM's
     * B panels are packed straight from them ({@link Im2colPacker}); the im2col matrix never exists. Serial
     * GEMMs (threads, if any, run over groups).
     */
    private static void forwardImplicit(float[] x, int n, int c, int hh, int ww, float[] wt, int k, int kh, int kw,
                                        int s, int p, int oh, int ow, float[] bias, float[] y, boolean padded,
                                        boolean mayFork, long work) {
        int ckk = c * kh * kw, pix = oh * ow, psz = phaseSize(c, kh, kw, s, oh, ow), pw = ow + (kw - 1) / s;
        int ppix = padded ? oh * pw : pix;
        int g = groupSize(n, ckk, ppix), groups = (n + g - 1) / g;
        boolean overGroups = mayFork && groups > 1;
        // the weight (GEMM A) packed once for all groups rather than once per group (shared read-only by threads)
        Gemm.PackedA wp = Gemm.packA(false, k, ckk, wt, 0, ckk, WORK.get().wpack(Gemm.packedASize(k, ckk)));
        Parallel.RangeBody body = (g0, g1) -> {
            Work ws = WORK.get();
            float[] phase = ws.phase(g * psz + pw); // padded columns read up to (kw-1)/s past the last plane
            int[] rowT = ws.rowT(ckk), colT = ws.colT(g * ppix);
            im2colTables(c, kh, kw, s, oh, ow, g, rowT, colT);
            if (padded) // column q of image img is the phase-plane offset q: whole panels are contiguous runs
                for (int img = 0; img < g; img++)
                    for (int q = 0; q < ppix; q++) colT[img * ppix + q] = img * psz + q;
            Im2colPacker pk = ws.packer.set(phase, rowT, colT);
            for (int gr = g0; gr < g1; gr++) {
                int i0 = gr * g, gi = Math.min(g, n - i0), cols = gi * ppix;
                for (int img = 0; img < gi; img++)
                    buildPhases(x, (i0 + img) * c * hh * ww, c, hh, ww, kh, kw, s, p, oh, ow, phase, img * psz);
                if (gi == 1 && !padded) {
                    int yOff = i0 * k * pix;
                    if (bias != null) for (int o = 0; o < k; o++) Arrays.fill(y, yOff + o * pix, yOff + (o + 1) * pix, bias[o]);
                    Gemm.sgemmSerialPackedAB(wp, pix, pk, y, yOff, pix, bias != null);
                } else {
                    float[] out = ws.mat(k * cols);
                    Gemm.sgemmSerialPackedAB(wp, cols, pk, out, 0, cols, false);
                    if (padded) scatterPadded(out, i0, gi, k, oh, ow, pw, bias, y);
                    else scatter(out, i0, gi, k, pix, bias, y);
                }
            }
        };
        if (overGroups) Parallel.forRange(groups, work, 1, body);
        else body.run(0, groups);
    }

    /** {@link #scatter} for padded pixel rows: keeps the first ow of every pw columns. */
    private static void scatterPadded(float[] out, int i0, int gi, int k, int oh, int ow, int pw, float[] bias, float[] y) {
        int ppix = oh * pw, cols = gi * ppix, pix = oh * ow;
        for (int img = 0; img < gi; img++)
            for (int o = 0; o < k; o++) {
                int dst = ((i0 + img) * k + o) * pix, src = o * cols + img * ppix;
                float b = bias == null ? 0f : bias[o];
                for (int oy = 0; oy < oh; oy++, dst += ow, src += pw) {
                    if (bias == null) System.arraycopy(out, src, y, dst, ow);
                    else for (int q = 0; q < ow; q++) y[dst + q] = out[src + q] + b;
                }
            }
    }

    /** The GEMM output of a group ([k, gi*pix]) back to images i0.. of y ([n, k, pix]), plus bias[o] when given. */
    private static void scatter(float[] out, int i0, int gi, int k, int pix, float[] bias, float[] y) {
        int cols = gi * pix;
        for (int img = 0; img < gi; img++)
            for (int o = 0; o < k; o++) {
                int dst = ((i0 + img) * k + o) * pix, src = o * cols + img * pix;
                if (bias == null) System.arraycopy(out, src, y, dst, pix);
                else {
                    float b = bias[o];
                    for (int q = 0; q < pix; q++) y[dst + q] = out[src + q] + b;
                }
            }
    }

    /**
     * Convolution backward-input core: dy [n, k, oh, ow] -> dx [n, c, hh, ww] (overwritten, + bias[c] when
     * given: the transposed conv's bias).
     */
    static void backwardInput(float[] dy, int n, int c, int hh, int ww, int oh, int ow, float[] wt, int k,
                              int kh, int kw, int s, int p, float[] bias, float[] dx) {
        int ckk = c * kh * kw, pix = oh * ow, img = c * hh * ww, pw = ow + (kw - 1) / s;
        // padded pixels (see col2im) when they add at most PAD_COLS_MAX of GEMM columns
        boolean padded = PAD_COLS && pw > ow && (pw - ow) <= PAD_COLS_MAX * ow;
        int ppix = padded ? oh * pw : pix;
        int g = groupSize(n, ckk, ppix), groups = (n + g - 1) / g;
        long work = 2L * n * k * ckk * pix;
        boolean overGroups = Parallel.threads() > 1 && groups > 1 && work >= Gemm.PARALLEL_FLOPS;
        // serial GEMMs over several groups: the transposed weight (GEMM A) packed once, not once per group
        Gemm.PackedA wp = groups > 1 && (overGroups || Parallel.threads() == 1)
                ? Gemm.packA(true, ckk, k, wt, 0, ckk, WORK.get().wpack(Gemm.packedASize(ckk, k))) : null;
        Parallel.RangeBody body = (g0, g1) -> {
            Work ws = WORK.get();
            float[] phase = ws.phase(phaseSize(c, kh, kw, s, oh, ow) + pw);
            for (int gr = g0; gr < g1; gr++) {
                int i0 = gr * g, gi = Math.min(g, n - i0);
                float[] dyg;
                int dyOff, cols = gi * ppix;
                if (padded) { // dy images side by side, each row widened from ow to pw with zeros
                    dyg = ws.mat(k * cols);
                    dyOff = 0;
                    gatherPadded(dy, i0, gi, k, oh, ow, pw, dyg);
                } else if (gi == 1) {
                    dyg = dy;
                    dyOff = i0 * k * pix;
                } else {
                    dyg = ws.mat(k * cols);
                    dyOff = 0;
                    gather(dy, i0, gi, k, pix, dyg);
                }
                float[] dcol = ws.col(ckk * cols);
                if (wp != null) Gemm.sgemmSerialPackedAB(wp, cols, Gemm.denseB(false, dyg, dyOff, cols), dcol, 0, cols, false);
                else gemm(!overGroups, true, false, ckk, cols, k, wt, 0, ckk, dyg, dyOff, cols, dcol, 0, cols, false);
                for (int i = 0; i < gi; i++) {
                    int off = (i0 + i) * img;
                    if (bias == null) Arrays.fill(dx, off, off + img, 0f);
                    else for (int ch = 0; ch < c; ch++) Arrays.fill(dx, off + ch * hh * ww, off + (ch + 1) * hh * ww, bias[ch]);
                    col2im(dcol, i * ppix, cols, padded, c, hh, ww, kh, kw, s, p, oh, ow, dx, off, phase);
                }
            }
        };
        if (overGroups) Parallel.forRange(groups, work, 1, body);
        else body.run(0, groups);
    }

    /** Convolution backward-weight core: dw [k, c, kh, kw] = sum over images of dY · colᵀ (overwritten). */
    static void backwardWeight(float[] x, float[] dy, int n, int c, int hh, int ww, int oh, int ow, int k,
                               int kh, int kw, int s, int p, float[] dw) {
        int ckk = c * kh * kw, pix = oh * ow, dwSize = k * ckk, pw = ow + (kw - 1) / s;
        long work = 2L * n * k * ckk * pix;
        int t = Parallel.threads();
        // padded pixels here lengthen the GEMM's k (its costliest dimension): only when they add <= half PAD_COLS_MAX
        boolean padCand = IMPLICIT && PAD_COLS && pw > ow && (pw - ow) <= 0.5 * PAD_COLS_MAX * ow;
        int g0 = groupSize(n, ckk, padCand ? oh * pw : pix), groups0 = (n + g0 - 1) / g0;
        int chunks0 = t > 1 && groups0 > 1 && work >= Gemm.PARALLEL_FLOPS ? Math.min(t, groups0) : 1;
        boolean implicit = IMPLICIT && (ckk >= IMPLICIT_MIN_ROWS || padCand) && (chunks0 > 1 || t == 1);
        boolean padded = implicit && padCand;
        if (padCand && !padded) { // back to the unpadded geometry
            g0 = groupSize(n, ckk, pix);
            groups0 = (n + g0 - 1) / g0;
            chunks0 = t > 1 && groups0 > 1 && work >= Gemm.PARALLEL_FLOPS ? Math.min(t, groups0) : 1;
        }
        int g = g0, groups = groups0, chunks = chunks0, ppix = padded ? oh * pw : pix;
        boolean overGroups = chunks > 1;
        float[] partial = overGroups ? WORK.get().partial((chunks - 1) * dwSize) : null;
        Parallel.RangeBody body = (c0, c1) -> {
            Work ws = WORK.get();
            int psz = phaseSize(c, kh, kw, s, oh, ow);
            float[] phase = ws.phase(implicit ? g * psz + pw : psz);
            Im2colPacker pk = null;
            if (implicit) {
                int[] rowT = ws.rowT(ckk), colT = ws.colT(g * ppix);
                im2colTables(c, kh, kw, s, oh, ow, g, rowT, colT);
                if (padded)
                    for (int img = 0; img < g; img++)
                        for (int q = 0; q < ppix; q++) colT[img * ppix + q] = img * psz + q;
                pk = ws.packer.set(phase, colT, rowT);
                pk.transposed = true;
            }
            for (int ch = c0; ch < c1; ch++) {
                int gStart = (int) ((long) groups * ch / chunks), gEnd = (int) ((long) groups * (ch + 1) / chunks);
                float[] target = ch == 0 ? dw : partial;
                int tOff = ch == 0 ? 0 : (ch - 1) * dwSize;
                if (gStart == gEnd) Arrays.fill(target, tOff, tOff + dwSize, 0f);
                for (int gr = gStart; gr < gEnd; gr++) {
                    int i0 = gr * g, gi = Math.min(g, n - i0), cols = gi * ppix;
                    float[] col = null;
                    if (implicit)
                        for (int i = 0; i < gi; i++)
                            buildPhases(x, (i0 + i) * c * hh * ww, c, hh, ww, kh, kw, s, p, oh, ow, phase, i * psz);
                    else {
                        col = ws.col(ckk * cols);
                        for (int i = 0; i < gi; i++)
                            im2col(x, (i0 + i) * c * hh * ww, c, hh, ww, kh, kw, s, p, oh, ow, col, i * pix, cols, phase);
                    }
                    float[] dyg;
                    int dyOff;
                    if (padded) {
                        dyg = ws.mat(k * cols);
                        dyOff = 0;
                        gatherPadded(dy, i0, gi, k, oh, ow, pw, dyg);
                    } else if (gi == 1) {
                        dyg = dy;
                        dyOff = i0 * k * pix;
                    } else {
                        dyg = ws.mat(k * cols);
                        dyOff = 0;
                        gather(dy, i0, gi, k, pix, dyg);
                    }
                    if (implicit)
                        Gemm.sgemmSerialPackedB(false, k, ckk, cols, dyg, dyOff, cols, pk, target, tOff, ckk, gr > gStart);
                    else
                        gemm(!overGroups, false, true, k, ckk, cols, dyg, dyOff, cols, col, 0, cols,
                                target, tOff, ckk, gr > gStart);
                }
            }
        };
        if (overGroups) {
            Parallel.forRange(chunks, work, 1, body);
            for (int ch = 1; ch < chunks; ch++) {
                int off = (ch - 1) * dwSize;
                for (int i = 0; i < dwSize; i++) dw[i] += partial[off + i];
            }
        } else {
            body.run(0, 1);
        }
    }

    private static void gemm(boolean mayFork, boolean tA, boolean tB, int m, int n, int k, float[] a, int aOff, int lda,
                             float[] b, int bOff, int ldb, float[] c, int cOff, int ldc, boolean acc) {
        if (mayFork) Gemm.sgemmParallel(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc);
        else Gemm.sgemmSerial(tA, tB, m, n, k, a, aOff, lda, b, bOff, ldb, c, cOff, ldc, acc);
    }

    /** {@link #gather} into padded pixel rows: dst [k, gi*oh*pw], each row of ow values followed by pw - ow zeros. */
    private static void gatherPadded(float[] dy, int i0, int gi, int k, int oh, int ow, int pw, float[] dst) {
        int pix = oh * ow, ppix = oh * pw, cols = gi * ppix;
        for (int i = 0; i < gi; i++)
            for (int o = 0; o < k; o++) {
                int src = ((i0 + i) * k + o) * pix, d = o * cols + i * ppix;
                for (int oy = 0; oy < oh; oy++, src += ow, d += pw) {
                    System.arraycopy(dy, src, dst, d, ow);
                    for (int j = ow; j < pw; j++) dst[d + j] = 0f;
                }
            }
    }

    /** dy images i0..i0+gi ([k, pix] each) side by side into dst [k, gi*pix]. */
    private static void gather(float[] dy, int i0, int gi, int k, int pix, float[] dst) {
        int cols = gi * pix;
        for (int i = 0; i < gi; i++)
            for (int o = 0; o < k; o++)
                System.arraycopy(dy, ((i0 + i) * k + o) * pix, dst, o * cols + i * pix, pix);
    }

    /*
     * im2col and col2im go through "phase planes" so that their inner loops are contiguous copies/adds with no
     * bounds checks. For stride s, the zero-padded image splits into s*s planes,
     *     plane(a, b)[ch][i][j] = xpad[ch][i*s + a][j*s + b],
     * and then the input under kernel tap (ky, kx) at output pixel (oy, ox) is
     *     plane(ky % s, kx % s)[ch][oy + ky / s][ox + kx / s],
     * contiguous in ox. Building the planes is one strided pass over the (much smaller) image; the im2col
     * matrix, kh*kw/s^2 times larger, is then written with plain copies. Only the planes a < min(s, kh),
     * b < min(s, kw) are ever read, so only those are built.
     */

    /** Floats of phase-plane workspace for one image. */
    static int phaseSize(int c, int kh, int kw, int s, int oh, int ow) {
        int ph = oh + (kh - 1) / s, pw = ow + (kw - 1) / s;
        return c * Math.min(s, kh) * Math.min(s, kw) * ph * pw;
    }

    /** Writes the patches of one image x[xOff..] ([c, hh, ww]) into col rows (c,ky,kx), columns colOff + q. */
    static void im2col(float[] x, int xOff, int c, int hh, int ww, int kh, int kw, int s, int p, int oh, int ow,
                       float[] col, int colOff, int ldcol, float[] phase) {
        int sa = Math.min(s, kh), sb = Math.min(s, kw), ph = oh + (kh - 1) / s, pw = ow + (kw - 1) / s;
        int plane = ph * pw;
        // 1. split the padded image into phase planes
        buildPhases(x, xOff, c, hh, ww, kh, kw, s, p, oh, ow, phase, 0);
        // 2. every (ch, ky, kx, oy) row segment of col is a contiguous run of one plane
        for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) {
                    int dst = colOff + ((ch * kh + ky) * kw + kx) * ldcol;
                    int src = ((ch * sa + ky % s) * sb + kx % s) * plane + (ky / s) * pw + kx / s;
                    for (int oy = 0; oy < oh; oy++, dst += ow, src += pw) {
                        if (ow >= 16) System.arraycopy(phase, src, col, dst, ow);
                        else for (int ox = 0; ox < ow; ox++) col[dst + ox] = phase[src + ox];
                    }
                }
    }

    /** Splits the zero-padded image x[xOff..] ([c, hh, ww]) into its phase planes at phase[phOff..] (phaseSize floats). */
    static void buildPhases(float[] x, int xOff, int c, int hh, int ww, int kh, int kw, int s, int p, int oh, int ow,
                            float[] phase, int phOff) {
        int sa = Math.min(s, kh), sb = Math.min(s, kw), ph = oh + (kh - 1) / s, pw = ow + (kw - 1) / s;
        int plane = ph * pw;
        for (int ch = 0; ch < c; ch++) {
            int src = xOff + ch * hh * ww;
            for (int a = 0; a < sa; a++)
                for (int b = 0; b < sb; b++) {
                    int dst = phOff + ((ch * sa + a) * sb + b) * plane;
                    if (s == 2 && sb == 2) { // both column phases of row phase a in one pass
                        buildPhasePair(x, src, hh, ww, a, p, ph, pw, phase, dst, dst + plane);
                        break;
                    }
                    int lo = Math.min(pw, p - b <= 0 ? 0 : (p - b + s - 1) / s);
                    int hi = Math.max(lo, Math.min(pw, Math.floorDiv(ww - 1 + p - b, s) + 1));
                    for (int i = 0; i < ph; i++, dst += pw) {
                        int iy = i * s + a - p;
                        if (iy < 0 || iy >= hh) {
                            Arrays.fill(phase, dst, dst + pw, 0f);
                            continue;
                        }
                        int row = src + iy * ww + b - p;
                        for (int j = 0; j < lo; j++) phase[dst + j] = 0f;
                        if (s == 1) System.arraycopy(x, row + lo, phase, dst + lo, hi - lo);
                        else for (int j = lo; j < hi; j++) phase[dst + j] = x[row + j * s];
                        for (int j = hi; j < pw; j++) phase[dst + j] = 0f;
                    }
                }
        }
    }

    /**
     * {@link #buildPhases} for stride 2, planes (a, 0) and (a, 1) of one channel together: one pass over each
     * input row writes its even columns to plane (a, 0) and its odd columns to plane (a, 1), instead of two
     * stride-2 passes (buildPhases was ~10 % of the encoder's thread time; this pass is ~25 % faster on the
     * encoder's layer-1 shape). A vector de-interleave with the two-vector rearrange was 1.7x slower
     * (JDK 17), and one with single-vector shuffles and half-width stores only ~15 % faster than this.
     */
    private static void buildPhasePair(float[] x, int src, int hh, int ww, int a, int p, int ph, int pw,
                                       float[] phase, int dst0, int dst1) {
        // plane b, column j reads input column 2j + b - p; valid for j in [lo_b, hi_b)
        int lo0 = Math.min(pw, p <= 0 ? 0 : (p + 1) / 2), lo1 = Math.min(pw, p - 1 <= 0 ? 0 : p / 2);
        int hi0 = Math.max(lo0, Math.min(pw, Math.floorDiv(ww - 1 + p, 2) + 1));
        int hi1 = Math.max(lo1, Math.min(pw, Math.floorDiv(ww - 2 + p, 2) + 1));
        int jlo = Math.max(lo0, lo1), jhi = Math.max(jlo, Math.min(hi0, hi1));
        for (int i = 0; i < ph; i++, dst0 += pw, dst1 += pw) {
            int iy = i * 2 + a - p;
            if (iy < 0 || iy >= hh) {
                Arrays.fill(phase, dst0, dst0 + pw, 0f);
                Arrays.fill(phase, dst1, dst1 + pw, 0f);
                continue;
            }
            int row = src + iy * ww - p; // input column 2j + b - p is x[row + 2j + b]
            for (int j = jlo; j < jhi; j++) { // columns where both planes read the image
                phase[dst0 + j] = x[row + 2 * j];
                phase[dst1 + j] = x[row + 2 * j + 1];
            }
            pairRest(x, row, phase, dst0, pw, lo0, hi0, jlo, jhi);
            pairRest(x, row + 1, phase, dst1, pw, lo1, hi1, jlo, jhi);
        }
    }

    /** One plane row of buildPhasePair outside the shared columns [vLo, vHi): x[row + 2j] on [lo, hi), zeros elsewhere. */
    private static void pairRest(float[] x, int row, float[] phase, int dst, int pw, int lo, int hi, int vLo, int vHi) {
        for (int j = 0; j < lo; j++) phase[dst + j] = 0f;
        for (int j = lo; j < Math.min(hi, vLo); j++) phase[dst + j] = x[row + 2 * j];
        for (int j = Math.max(lo, vHi); j < hi; j++) phase[dst + j] = x[row + 2 * j];
        for (int j = hi; j < pw; j++) phase[dst + j] = 0f;
    }

    /**
     * Fills the two index tables of an implicit im2col over phase planes: element (r, q) of the im2col matrix
     * (row r = (ch, ky, kx), column q = img*oh*ow + oy*ow + ox) is {@code phase[rowT[r] + colT[q]]}, for up to
     * {@code gi} images whose planes lie phaseSize apart.
     */
    static void im2colTables(int c, int kh, int kw, int s, int oh, int ow, int gi, int[] rowT, int[] colT) {
        int sa = Math.min(s, kh), sb = Math.min(s, kw), pw = ow + (kw - 1) / s;
        int plane = (oh + (kh - 1) / s) * pw, psz = phaseSize(c, kh, kw, s, oh, ow);
        for (int ch = 0, r = 0; ch < c; ch++)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++, r++)
                    rowT[r] = ((ch * sa + ky % s) * sb + kx % s) * plane + (ky / s) * pw + kx / s;
        for (int img = 0, q = 0; img < gi; img++)
            for (int oy = 0; oy < oh; oy++)
                for (int ox = 0; ox < ow; ox++, q++) colT[q] = img * psz + oy * pw + ox;
    }

    /**
     * Packs GEMM B panels straight from phase planes: op(B)[p][j] = src[pT[p] + jT[j]]. With pT the row
     * table and jT the column table this is the im2col matrix (forward); swapped, its transpose (weight
     * gradient). One per thread (in {@link Work}); no allocation per call.
     */
    static final class Im2colPacker implements Gemm.BPacker {
        float[] src;
        int[] pT, jT;

        /** Per panel: starts (panel column) and lengths of the runs where jT steps by 1, and their source offsets. */
        private final int[] runJ = new int[Gemm.NR], runLen = new int[Gemm.NR], runSrc = new int[Gemm.NR];

        /** Set when jT steps across planes (the weight gradient): packs column by column over runs of pT. */
        boolean transposed;
        private int[] prP = new int[0], prLen = new int[0], prSrc = new int[0];

        Im2colPacker set(float[] src, int[] pT, int[] jT) {
            this.src = src;
            this.pT = pT;
            this.jT = jT;
            this.transposed = false;
            return this;
        }

        @Override public void pack(int pc, int kc, int jc, int nc, float[] bp) {
            if (transposed && packByColumns(pc, kc, jc, nc, bp)) return;
            final int nrFull = Gemm.NR;
            float[] x = src;
            int[] pt = pT, jt = jT, rj = runJ, rl = runLen, rs = runSrc;
            for (int jr = 0; jr < nc; jr += nrFull) {
                int nr = Math.min(nrFull, nc - jr), j0 = jc + jr, dst = jr * kc;
                // split the panel's columns into runs of consecutive source offsets
                int runs = 0;
                for (int j = 0; j < nr; j++) {
                    int o = jt[j0 + j];
                    if (runs > 0 && o == rs[runs - 1] + rl[runs - 1]) rl[runs - 1]++;
                    else {
                        rj[runs] = j;
                        rs[runs] = o;
                        rl[runs++] = 1;
                    }
                }
                if (runs == 1 && nr == nrFull) {
                    int o = rs[0];
                    for (int p = 0; p < kc; p++, dst += nrFull) {
                        int base = pt[pc + p] + o;
                        FloatVector.fromArray(Gemm.S, x, base).intoArray(bp, dst);
                        FloatVector.fromArray(Gemm.S, x, base + Gemm.L).intoArray(bp, dst + Gemm.L);
                    }
                } else if (runs <= 4) {
                    for (int p = 0; p < kc; p++, dst += nrFull) {
                        int base = pt[pc + p];
                        for (int r = 0; r < runs; r++) {
                            int d = dst + rj[r], sIdx = base + rs[r], len = rl[r];
                            for (int t = 0; t < len; t++) bp[d + t] = x[sIdx + t];
                        }
                        for (int j = nr; j < nrFull; j++) bp[dst + j] = 0f;
                    }
                } else {
                    for (int p = 0; p < kc; p++, dst += nrFull) {
                        int base = pt[pc + p], j = 0;
                        for (; j < nr; j++) bp[dst + j] = x[base + jt[j0 + j]];
                        for (; j < nrFull; j++) bp[dst + j] = 0f;
                    }
                }
            }
        }

        /**
         * op(B)[p][j] = src[pT[p] + jT[j]] column by column, over the runs where pT steps by 1 (contiguous
         * loads, no index load per element); false (nothing written) when the runs are too short to pay.
         */
        private boolean packByColumns(int pc, int kc, int jc, int nc, float[] bp) {
            if (prP.length < kc) {
                prP = new int[kc];
                prLen = new int[kc];
                prSrc = new int[kc];
            }
            int[] pt = pT, jt = jT, rp = prP, rl = prLen, rs = prSrc;
            int runs = 0;
            for (int p = 0; p < kc; p++) {
                int o = pt[pc + p];
                if (runs > 0 && o == rs[runs - 1] + rl[runs - 1]) rl[runs - 1]++;
                else {
                    rp[runs] = p;
                    rs[runs] = o;
                    rl[runs++] = 1;
                }
            }
            if (runs * 8 > kc) return false;
            final int nrFull = Gemm.NR;
            float[] x = src;
            for (int jr = 0; jr < nc; jr += nrFull) {
                int nr = Math.min(nrFull, nc - jr), j0 = jc + jr, dst = jr * kc;
                for (int j = 0; j < nr; j++) {
                    int base = jt[j0 + j], d = dst + j;
                    for (int r = 0; r < runs; r++) {
                        int sIdx = base + rs[r], dd = d + rp[r] * nrFull, len = rl[r];
                        for (int u = 0; u < len; u++) bp[dd + u * nrFull] = x[sIdx + u];
                    }
                }
                for (int j = nr; j < nrFull; j++)
                    for (int p = 0, d = dst + j; p < kc; p++, d += nrFull) bp[d] = 0f;
            }
            return true;
        }
    }

    /** dst[dOff..dOff+len) += src[sOff..sOff+len), vectorized. */
    private static void addRun(float[] src, int sOff, float[] dst, int dOff, int len) {
        int i = 0, L = Gemm.L;
        for (; i <= len - L; i += L)
            FloatVector.fromArray(Gemm.S, dst, dOff + i).add(FloatVector.fromArray(Gemm.S, src, sOff + i)).intoArray(dst, dOff + i);
        for (; i < len; i++) dst[dOff + i] += src[sOff + i];
    }

    /** The adjoint of im2col: adds each column's patch back into the image dx[dxOff..] ([c, hh, ww]). */
    static void col2im(float[] col, int colOff, int ldcol, int c, int hh, int ww, int kh, int kw, int s, int p,
                       int oh, int ow, float[] dx, int dxOff, float[] phase) {
        col2im(col, colOff, ldcol, false, c, hh, ww, kh, kw, s, p, oh, ow, dx, dxOff, phase);
    }

    /**
     * col2im; with {@code padded} the columns of one image are oh x pw "padded pixels" (pw = ow + (kw-1)/s,
     * the phase-plane width) whose last pw - ow of every row are zero: then each col row lands in its phase
     * plane as one contiguous run (the zeros wrap onto the next plane row, or up to (kw-1)/s floats past the
     * last plane: phase needs that much slack).
     */
    static void col2im(float[] col, int colOff, int ldcol, boolean padded, int c, int hh, int ww, int kh, int kw,
                       int s, int p, int oh, int ow, float[] dx, int dxOff, float[] phase) {
        int sa = Math.min(s, kh), sb = Math.min(s, kw), ph = oh + (kh - 1) / s, pw = ow + (kw - 1) / s;
        int plane = ph * pw;
        Arrays.fill(phase, 0, c * sa * sb * plane, 0f);
        // 1. accumulate the col rows into the phase planes (contiguous adds)
        for (int ch = 0; ch < c; ch++)
            for (int ky = 0; ky < kh; ky++)
                for (int kx = 0; kx < kw; kx++) {
                    int src = colOff + ((ch * kh + ky) * kw + kx) * ldcol;
                    int dst = ((ch * sa + ky % s) * sb + kx % s) * plane + (ky / s) * pw + kx / s;
                    if (padded) addRun(col, src, phase, dst, oh * pw);
                    else
                        for (int oy = 0; oy < oh; oy++, src += ow, dst += pw)
                            for (int ox = 0; ox < ow; ox++) phase[dst + ox] += col[src + ox];
                }
        // 2. add the planes' interior (not the padding) into dx
        for (int ch = 0; ch < c; ch++) {
            int out = dxOff + ch * hh * ww;
            for (int a = 0; a < sa; a++)
                for (int b = 0; b < sb; b++) {
                    int src = ((ch * sa + a) * sb + b) * plane;
                    if (s == 2 && sb == 2) { // both column phases of row phase a in one pass over dx
                        addPhasePair(phase, src, src + plane, hh, ww, a, p, ph, pw, dx, out);
                        break;
                    }
                    int lo = Math.min(pw, p - b <= 0 ? 0 : (p - b + s - 1) / s);
                    int hi = Math.max(lo, Math.min(pw, Math.floorDiv(ww - 1 + p - b, s) + 1));
                    for (int i = 0; i < ph; i++, src += pw) {
                        int iy = i * s + a - p;
                        if (iy < 0 || iy >= hh) continue;
                        int row = out + iy * ww + b - p;
                        if (s == 1) for (int j = lo; j < hi; j++) dx[row + j] += phase[src + j];
                        else for (int j = lo; j < hi; j++) dx[row + j * s] += phase[src + j];
                    }
                }
        }
    }

    /**
     * The adjoint of {@link #buildPhasePair}: adds planes (a, 0) and (a, 1) of one channel into the image
     * rows, even columns from the first and odd from the second, in one contiguous pass per row (instead of
     * two stride-2 passes).
     */
    private static void addPhasePair(float[] phase, int src0, int src1, int hh, int ww, int a, int p, int ph, int pw,
                                     float[] dx, int out) {
        int lo0 = Math.min(pw, p <= 0 ? 0 : (p + 1) / 2), lo1 = Math.min(pw, p - 1 <= 0 ? 0 : p / 2);
        int hi0 = Math.max(lo0, Math.min(pw, Math.floorDiv(ww - 1 + p, 2) + 1));
        int hi1 = Math.max(lo1, Math.min(pw, Math.floorDiv(ww - 2 + p, 2) + 1));
        int jlo = Math.max(lo0, lo1), jhi = Math.max(jlo, Math.min(hi0, hi1));
        for (int i = 0; i < ph; i++, src0 += pw, src1 += pw) {
            int iy = i * 2 + a - p;
            if (iy < 0 || iy >= hh) continue;
            int row = out + iy * ww - p; // image column 2j + b - p is dx[row + 2j + b]
            for (int j = jlo; j < jhi; j++) {
                dx[row + 2 * j] += phase[src0 + j];
                dx[row + 2 * j + 1] += phase[src1 + j];
            }
            addPairRest(phase, src0, dx, row, lo0, hi0, jlo, jhi);
            addPairRest(phase, src1, dx, row + 1, lo1, hi1, jlo, jhi);
        }
    }

    /** One plane row of addPhasePair outside the shared columns [vLo, vHi): dx[row + 2j] += plane[j] on [lo, hi). */
    private static void addPairRest(float[] phase, int src, float[] dx, int row, int lo, int hi, int vLo, int vHi) {
        for (int j = lo; j < Math.min(hi, vLo); j++) dx[row + 2 * j] += phase[src + j];
        for (int j = Math.max(lo, vHi); j < hi; j++) dx[row + 2 * j] += phase[src + j];
    }

    // ------------------------------------------------------------------------------ double (direct loops)

    /** Double-precision {@link #conv2d(float[], int, int, int, int, float[], int, int, int, int, int, float[], float[])}. */
    public static void conv2d(double[] x, int n, int cin, int h, int w, double[] wt, int cout, int kh, int kw,
                              int stride, int pad, double[] bias, double[] y) {
        Args o = new Args("conv2d", n, cin, h, w, cout, kh, kw, stride, pad, -1);
        o.need("x", x, (long) n * cin * h * w);
        o.need("wt", wt, (long) cout * cin * kh * kw);
        if (bias != null) o.need("bias", bias, cout);
        o.need("y", y, (long) n * cout * o.oh * o.ow);
        convDirect(x, n, cin, h, w, wt, cout, kh, kw, stride, pad, o.oh, o.ow, bias, y);
    }

    public static void conv2dBackwardInput(double[] dy, int n, int cin, int h, int w, double[] wt, int cout,
                                           int kh, int kw, int stride, int pad, double[] dx) {
        Args o = new Args("conv2dBackwardInput", n, cin, h, w, cout, kh, kw, stride, pad, -1);
        o.need("dy", dy, (long) n * cout * o.oh * o.ow);
        o.need("wt", wt, (long) cout * cin * kh * kw);
        o.need("dx", dx, (long) n * cin * h * w);
        backInputDirect(dy, n, cin, h, w, o.oh, o.ow, wt, cout, kh, kw, stride, pad, null, dx);
    }

    public static void conv2dBackwardWeight(double[] x, double[] dy, int n, int cin, int h, int w, int cout,
                                            int kh, int kw, int stride, int pad, double[] dw) {
        Args o = new Args("conv2dBackwardWeight", n, cin, h, w, cout, kh, kw, stride, pad, -1);
        o.need("x", x, (long) n * cin * h * w);
        o.need("dy", dy, (long) n * cout * o.oh * o.ow);
        o.need("dw", dw, (long) cout * cin * kh * kw);
        backWeightDirect(x, dy, n, cin, h, w, o.oh, o.ow, cout, kh, kw, stride, pad, dw);
    }

    public static void conv2dBackwardBias(double[] dy, int n, int cout, int oh, int ow, double[] db) {
        checkPositive("conv2dBackwardBias", "n", n, "cout", cout, "oh", oh, "ow", ow);
        need("conv2dBackwardBias", "dy", dy, (long) n * cout * oh * ow);
        need("conv2dBackwardBias", "db", db, cout);
        int p = oh * ow;
        for (int c = 0; c < cout; c++) {
            double s = 0;
            for (int i = 0; i < n; i++)
                for (int q = 0; q < p; q++) s += dy[(i * cout + c) * p + q];
            db[c] = s;
        }
    }

    public static void convTranspose2d(double[] x, int n, int cin, int h, int w, double[] wt, int cout, int kh,
                                       int kw, int stride, int pad, int outputPad, double[] bias, double[] y) {
        Args o = new Args("convTranspose2d", n, cin, h, w, cout, kh, kw, stride, pad, outputPad);
        o.need("x", x, (long) n * cin * h * w);
        o.need("wt", wt, (long) cin * cout * kh * kw);
        if (bias != null) o.need("bias", bias, cout);
        o.need("y", y, (long) n * cout * o.oh * o.ow);
        backInputDirect(x, n, cout, o.oh, o.ow, h, w, wt, cin, kh, kw, stride, pad, bias, y);
    }

    public static void convTranspose2dBackwardInput(double[] dy, int n, int cin, int h, int w, double[] wt,
                                                    int cout, int kh, int kw, int stride, int pad, int outputPad,
                                                    double[] dx) {
        Args o = new Args("convTranspose2dBackwardInput", n, cin, h, w, cout, kh, kw, stride, pad, outputPad);
        o.need("dy", dy, (long) n * cout * o.oh * o.ow);
        o.need("wt", wt, (long) cin * cout * kh * kw);
        o.need("dx", dx, (long) n * cin * h * w);
        convDirect(dy, n, cout, o.oh, o.ow, wt, cin, kh, kw, stride, pad, h, w, null, dx);
    }

    public static void convTranspose2dBackwardWeight(double[] x, double[] dy, int n, int cin, int h, int w, int cout,
                                                     int kh, int kw, int stride, int pad, int outputPad, double[] dw) {
        Args o = new Args("convTranspose2dBackwardWeight", n, cin, h, w, cout, kh, kw, stride, pad, outputPad);
        o.need("x", x, (long) n * cin * h * w);
        o.need("dy", dy, (long) n * cout * o.oh * o.ow);
        o.need("dw", dw, (long) cin * cout * kh * kw);
        backWeightDirect(dy, x, n, cout, o.oh, o.ow, h, w, cin, kh, kw, stride, pad, dw);
    }

    private static void convDirect(double[] x, int n, int c, int hh, int ww, double[] wt, int k, int kh, int kw,
                                   int s, int p, int oh, int ow, double[] bias, double[] y) {
        for (int i = 0; i < n; i++)
            for (int o = 0; o < k; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = bias == null ? 0 : bias[o];
                        for (int ch = 0; ch < c; ch++)
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * s - p + ky;
                                if (iy < 0 || iy >= hh) continue;
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * s - p + kx;
                                    if (ix < 0 || ix >= ww) continue;
                                    acc += x[((i * c + ch) * hh + iy) * ww + ix] * wt[((o * c + ch) * kh + ky) * kw + kx];
                                }
                            }
                        y[((i * k + o) * oh + oy) * ow + ox] = acc;
                    }
    }

    private static void backInputDirect(double[] dy, int n, int c, int hh, int ww, int oh, int ow, double[] wt, int k,
                                        int kh, int kw, int s, int p, double[] bias, double[] dx) {
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                Arrays.fill(dx, (i * c + ch) * hh * ww, (i * c + ch + 1) * hh * ww, bias == null ? 0 : bias[ch]);
        for (int i = 0; i < n; i++)
            for (int o = 0; o < k; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double g = dy[((i * k + o) * oh + oy) * ow + ox];
                        for (int ch = 0; ch < c; ch++)
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * s - p + ky;
                                if (iy < 0 || iy >= hh) continue;
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * s - p + kx;
                                    if (ix < 0 || ix >= ww) continue;
                                    dx[((i * c + ch) * hh + iy) * ww + ix] += g * wt[((o * c + ch) * kh + ky) * kw + kx];
                                }
                            }
                    }
    }

    private static void backWeightDirect(double[] x, double[] dy, int n, int c, int hh, int ww, int oh, int ow, int k,
                                         int kh, int kw, int s, int p, double[] dw) {
        Arrays.fill(dw, 0, k * c * kh * kw, 0.0);
        for (int i = 0; i < n; i++)
            for (int o = 0; o < k; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double g = dy[((i * k + o) * oh + oy) * ow + ox];
                        for (int ch = 0; ch < c; ch++)
                            for (int ky = 0; ky < kh; ky++) {
                                int iy = oy * s - p + ky;
                                if (iy < 0 || iy >= hh) continue;
                                for (int kx = 0; kx < kw; kx++) {
                                    int ix = ox * s - p + kx;
                                    if (ix < 0 || ix >= ww) continue;
                                    dw[((o * c + ch) * kh + ky) * kw + kx] += g * x[((i * c + ch) * hh + iy) * ww + ix];
                                }
                            }
                    }
    }

    // ------------------------------------------------------------------------------------- validation

    /** The checked arguments of one call; {@link #need} names the op and all dims when an array is short. */
    private static final class Args {
        final String op;
        final int n, cin, h, w, cout, kh, kw, stride, pad, outputPad, oh, ow;

        /** outputPad < 0 means a plain convolution; oh/ow are then the conv output, else the transpose output. */
        Args(String op, int n, int cin, int h, int w, int cout, int kh, int kw, int stride, int pad, int outputPad) {
            this.op = op; this.n = n; this.cin = cin; this.h = h; this.w = w; this.cout = cout; this.kh = kh;
            this.kw = kw; this.stride = stride; this.pad = pad; this.outputPad = outputPad;
            if (n <= 0 || cin <= 0 || h <= 0 || w <= 0 || cout <= 0 || kh <= 0 || kw <= 0)
                throw fail("dimensions must be positive");
            if (stride <= 0) throw fail("stride must be positive");
            if (pad < 0) throw fail("pad must be >= 0");
            long oh, ow;
            if (outputPad < 0) {
                if (h + 2L * pad < kh || w + 2L * pad < kw) throw fail("kernel larger than the padded input");
                oh = outSize(h, kh, stride, pad);
                ow = outSize(w, kw, stride, pad);
            } else {
                if (outputPad >= stride) throw fail("outputPad must be in [0, stride)");
                oh = (long) (h - 1) * stride - 2L * pad + kh + outputPad;
                ow = (long) (w - 1) * stride - 2L * pad + kw + outputPad;
                if (oh <= 0 || ow <= 0) throw fail("output size " + oh + "x" + ow + " is not positive");
            }
            if (oh > Integer.MAX_VALUE || ow > Integer.MAX_VALUE) throw fail("output too large");
            this.oh = (int) oh;
            this.ow = (int) ow;
            // the im2col matrix of one image must be indexable by int
            long col = outputPad < 0 ? (long) cin * kh * kw * oh * ow : (long) cout * kh * kw * h * w;
            if (col > Integer.MAX_VALUE) throw fail("im2col workspace too large for int indexing");
        }

        IllegalArgumentException fail(String why) {
            return new IllegalArgumentException(this + ": " + why);
        }

        void need(String name, Object array, long size) {
            if (size > Integer.MAX_VALUE) throw fail(name + " would need " + size + " elements, more than an array holds");
            if (array == null) throw fail(name + " is null (needs " + size + " elements)");
            int len = array instanceof float[] f ? f.length : ((double[]) array).length;
            if (len < size) throw fail(name + " has " + len + " elements, needs " + size);
        }

        @Override public String toString() {
            return op + "(n=" + n + ", cin=" + cin + ", h=" + h + ", w=" + w + ", cout=" + cout + ", kh=" + kh
                    + ", kw=" + kw + ", stride=" + stride + ", pad=" + pad
                    + (outputPad >= 0 ? ", outputPad=" + outputPad : "") + ")";
        }
    }

    private static void checkPositive(String op, String n1, int v1, String n2, int v2, String n3, int v3, String n4, int v4) {
        if (v1 <= 0 || v2 <= 0 || v3 <= 0 || v4 <= 0)
            throw new IllegalArgumentException(op + "(" + n1 + "=" + v1 + ", " + n2 + "=" + v2 + ", " + n3 + "=" + v3
                    + ", " + n4 + "=" + v4 + "): dimensions must be positive");
    }

    private static void need(String op, String name, Object array, long size) {
        if (size > Integer.MAX_VALUE) throw new IllegalArgumentException(op + ": " + name + " would need " + size
                + " elements, more than an array can hold");
        if (array == null) throw new IllegalArgumentException(op + ": " + name + " is null (needs " + size + " elements)");
        int len = array instanceof float[] f ? f.length : ((double[]) array).length;
        if (len < size) throw new IllegalArgumentException(op + ": " + name + " has " + len + " elements, needs " + size);
    }
}
