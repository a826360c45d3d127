package somnium.tensor.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ConvTest {
    private final Random rnd = new Random(7);
    private final int savedThreads = Parallel.threads();

    @AfterEach
    void restoreThreads() {
        Parallel.setThreads(savedThreads);
    }

    /** One test case: a convolution x [n,c,h,w] -> y [n,k,oh,ow], weight [k,c,kh,kw]. */
    private record Case(int n, int c, int h, int w, int k, int kh, int kw, int s, int p) {
        int oh() { return (h + 2 * p - kh) / s + 1; }
        int ow() { return (w + 2 * p - kw) / s + 1; }
        int xSize() { return n * c * h * w; }
        int ySize() { return n * k * oh() * ow(); }
        int wSize() { return k * c * kh * kw; }
    }

    // ------------------------------------------------------------- independent naive references (double)

    /** y[i,o,oy,ox] = b[o] + sum x[i,ch,oy*s-p+ky,ox*s-p+kx] * wt[o,ch,ky,kx]. */
    private static double[] refConv(Case t, float[] x, float[] wt, float[] b) {
        double[] y = new double[t.ySize()];
        int oh = t.oh(), ow = t.ow();
        for (int i = 0; i < t.n; i++)
            for (int o = 0; o < t.k; o++)
                for (int oy = 0; oy < oh; oy++)
                    for (int ox = 0; ox < ow; ox++) {
                        double acc = b == null ? 0 : b[o];
                        for (int ch = 0; ch < t.c; ch++)
                            for (int ky = 0; ky < t.kh; ky++)
                                for (int kx = 0; kx < t.kw; kx++) {
                                    int iy = oy * t.s - t.p + ky, ix = ox * t.s - t.p + kx;
                                    if (iy >= 0 && iy < t.h && ix >= 0 && ix < t.w)
                                        acc += (double) x[((i * t.c + ch) * t.h + iy) * t.w + ix]
                                                * wt[((o * t.c + ch) * t.kh + ky) * t.kw + kx];
                                }
                        y[((i * t.k + o) * oh + oy) * ow + ox] = acc;
                    }
        return y;
    }

    /** dx[i,ch,iy,ix] = sum over (o,oy,ox) with iy = oy*s-p+ky, ix = ox*s-p+kx of dy * wt. */
    private static double[] refConvBackInput(Case t, float[] dy, float[] wt) {
        double[] dx = new double[t.xSize()];
        int oh = t.oh(), ow = t.ow();
        for (int i = 0; i < t.n; i++)
            for (int ch = 0; ch < t.c; ch++)
                for (int iy = 0; iy < t.h; iy++)
                    for (int ix = 0; ix < t.w; ix++) {
                        double acc = 0;
                        for (int o = 0; o < t.k; o++)
                            for (int ky = 0; ky < t.kh; ky++)
                                for (int kx = 0; kx < t.kw; kx++) {
                                    int ny = iy + t.p - ky, nx = ix + t.p - kx;
                                    if (ny < 0 || nx < 0 || ny % t.s != 0 || nx % t.s != 0) continue;
                                    int oy = ny / t.s, ox = nx / t.s;
                                    if (oy >= oh || ox >= ow) continue;
                                    acc += (double) dy[((i * t.k + o) * oh + oy) * ow + ox]
                                            * wt[((o * t.c + ch) * t.kh + ky) * t.kw + kx];
                                }
                        dx[((i * t.c + ch) * t.h + iy) * t.w + ix] = acc;
                    }
        return dx;
    }

    private static double[] refConvBackWeight(Case t, float[] x, float[] dy) {
        double[] dw = new double[t.wSize()];
        int oh = t.oh(), ow = t.ow();
        for (int o = 0; o < t.k; o++)
            for (int ch = 0; ch < t.c; ch++)
                for (int ky = 0; ky < t.kh; ky++)
                    for (int kx = 0; kx < t.kw; kx++) {
                        double acc = 0;
                        for (int i = 0; i < t.n; i++)
                            for (int oy = 0; oy < oh; oy++)
                                for (int ox = 0; ox < ow; ox++) {
                                    int iy = oy * t.s - t.p + ky, ix = ox * t.s - t.p + kx;
                                    if (iy >= 0 && iy < t.h && ix >= 0 && ix < t.w)
                                        acc += (double) x[((i * t.c + ch) * t.h + iy) * t.w + ix]
                                                * dy[((i * t.k + o) * oh + oy) * ow + ox];
                                }
                        dw[((o * t.c + ch) * t.kh + ky) * t.kw + kx] = acc;
                    }
        return dw;
    }

    /**
     * Transposed conv by its definition (scatter): input [n,ci,h,w], weight [ci,co,kh,kw], output
     * [n,co,OH,OW] with y[oy = iy*s-p+ky, ox = ix*s-p+kx] += x * wt.
     */
    private static double[] refConvT(int n, int ci, int h, int w, float[] x, float[] wt, int co, int kh, int kw,
                                     int s, int p, int op, float[] b) {
        int oh = (h - 1) * s - 2 * p + kh + op, ow = (w - 1) * s - 2 * p + kw + op;
        double[] y = new double[n * co * oh * ow];
        for (int i = 0; i < n; i++)
            for (int o = 0; o < co; o++)
                for (int q = 0; q < oh * ow; q++) y[(i * co + o) * oh * ow + q] = b == null ? 0 : b[o];
        for (int i = 0; i < n; i++)
            for (int c = 0; c < ci; c++)
                for (int iy = 0; iy < h; iy++)
                    for (int ix = 0; ix < w; ix++) {
                        double v = x[((i * ci + c) * h + iy) * w + ix];
                        for (int o = 0; o < co; o++)
                            for (int ky = 0; ky < kh; ky++)
                                for (int kx = 0; kx < kw; kx++) {
                                    int oy = iy * s - p + ky, ox = ix * s - p + kx;
                                    if (oy >= 0 && oy < oh && ox >= 0 && ox < ow)
                                        y[((i * co + o) * oh + oy) * ow + ox] += v * wt[((c * co + o) * kh + ky) * kw + kx];
                                }
                    }
        return y;
    }

    // -------------------------------------------------------------------------------------- helpers

    private float[] random(int len) {
        float[] x = new float[len];
        for (int i = 0; i < len; i++) x[i] = rnd.nextFloat() * 2 - 1;
        return x;
    }

    private static double[] toDouble(float[] x) {
        double[] d = new double[x.length];
        for (int i = 0; i < x.length; i++) d[i] = x[i];
        return d;
    }

    private static void close(double[] want, float[] got, int reduction, String what) {
        double tol = 1e-5 + 2e-6 * reduction;
        for (int i = 0; i < want.length; i++)
            assertEquals(want[i], got[i], tol * (1 + Math.abs(want[i])), what + " at " + i);
    }

    private static void close(double[] want, double[] got, String what) {
        for (int i = 0; i < want.length; i++) assertEquals(want[i], got[i], 1e-9 * (1 + Math.abs(want[i])), what + " at " + i);
    }

    private static final Case[] CASES = {
            new Case(2, 3, 9, 9, 4, 3, 3, 1, 1),
            new Case(3, 2, 7, 10, 5, 4, 4, 2, 0),   // Dreamer-style k4 s2, odd sizes
            new Case(1, 5, 11, 8, 3, 3, 2, 3, 2),   // stride 3, rectangular kernel, pad 2
            new Case(4, 3, 5, 5, 6, 1, 1, 1, 0),    // 1x1 (direct, no im2col)
            new Case(2, 4, 6, 6, 2, 5, 5, 2, 2),    // pad covers most of the input
            new Case(37, 6, 4, 4, 9, 3, 3, 2, 0),   // 1x1 output per image: images grouped
            new Case(45, 8, 8, 8, 16, 4, 4, 2, 1),  // 2 groups of 23 + 22 images (parallel over groups)
            new Case(3, 16, 13, 13, 33, 3, 3, 1, 1), // above the parallel threshold
            // >= IMPLICIT_MIN_ROWS im2col rows: B panels packed straight from phase planes
            new Case(5, 32, 9, 11, 7, 3, 3, 2, 1),   // stride 2, pad 1, odd rectangular image
            new Case(3, 17, 7, 8, 20, 4, 4, 2, 0),   // Dreamer-style k4 s2
            new Case(2, 11, 12, 10, 5, 5, 5, 3, 2),  // stride 3, pad 2
            new Case(40, 22, 5, 5, 9, 4, 3, 1, 2),   // groups of 7 images (6x7 outputs), last one partial
            new Case(2, 64, 14, 14, 128, 4, 4, 2, 0), // Dreamer encoder layer 3 (6x6 outputs)
            // backward input through padded pixel rows (pw - ow <= 20 % of ow)
            new Case(2, 3, 12, 14, 4, 3, 3, 1, 1),   // stride 1, pad 1, 12x14 outputs
            new Case(9, 2, 31, 31, 3, 4, 4, 2, 0),   // Dreamer encoder layer 2 shape (14x14 outputs)
            new Case(40, 8, 23, 23, 16, 4, 4, 2, 0), // padded rows, groups of 3 images, parallel over groups
            new Case(2, 30, 10, 20, 5, 3, 3, 1, 0),  // weight gradient packed column by column (8x18 outputs)
            // stride-2 phase planes built with vector de-interleaving (pw >= one vector), with padding
            new Case(2, 3, 21, 37, 4, 4, 4, 2, 1),   // pad 1: the odd plane starts one column in
            new Case(2, 2, 19, 40, 3, 3, 3, 2, 2),   // pad 2, kernel 3 (rows i reach past the image)
            new Case(2, 3, 9, 34, 5, 2, 2, 2, 0),    // kernel 2 (pw = ow), even width
            new Case(1, 40, 12, 41, 6, 4, 4, 2, 1)   // >= IMPLICIT_MIN_ROWS, odd width, pad 1
    };

    // ---------------------------------------------------------------------------------------- tests

    @Test
    void convForwardBackwardMatchNaiveLoops() {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (Case t : CASES) {
                String what = t + " threads=" + threads;
                float[] x = random(t.xSize()), wt = random(t.wSize()), b = random(t.k), dy = random(t.ySize());
                float[] y = random(t.ySize());
                Conv.conv2d(x, t.n, t.c, t.h, t.w, wt, t.k, t.kh, t.kw, t.s, t.p, b, y);
                close(refConv(t, x, wt, b), y, t.c * t.kh * t.kw, "conv2d " + what);
                Conv.conv2d(x, t.n, t.c, t.h, t.w, wt, t.k, t.kh, t.kw, t.s, t.p, null, y);
                close(refConv(t, x, wt, null), y, t.c * t.kh * t.kw, "conv2d no bias " + what);

                float[] dx = random(t.xSize());
                Conv.conv2dBackwardInput(dy, t.n, t.c, t.h, t.w, wt, t.k, t.kh, t.kw, t.s, t.p, dx);
                close(refConvBackInput(t, dy, wt), dx, t.k * t.kh * t.kw, "backwardInput " + what);

                float[] dw = random(t.wSize());
                Conv.conv2dBackwardWeight(x, dy, t.n, t.c, t.h, t.w, t.k, t.kh, t.kw, t.s, t.p, dw);
                close(refConvBackWeight(t, x, dy), dw, t.n * t.oh() * t.ow(), "backwardWeight " + what);

                float[] db = random(t.k);
                Conv.conv2dBackwardBias(dy, t.n, t.k, t.oh(), t.ow(), db);
                double[] wantDb = new double[t.k];
                for (int i = 0; i < t.n; i++)
                    for (int o = 0; o < t.k; o++)
                        for (int q = 0; q < t.oh() * t.ow(); q++) wantDb[o] += dy[(i * t.k + o) * t.oh() * t.ow() + q];
                close(wantDb, db, t.n * t.oh() * t.ow(), "backwardBias " + what);
            }
        }
    }

    @Test
    void doubleVersionsMatchNaiveLoops() {
        for (Case t : new Case[] {CASES[0], CASES[1], CASES[2], CASES[4]}) {
            float[] x = random(t.xSize()), wt = random(t.wSize()), b = random(t.k), dy = random(t.ySize());
            double[] y = new double[t.ySize()], dx = new double[t.xSize()], dw = new double[t.wSize()];
            Conv.conv2d(toDouble(x), t.n, t.c, t.h, t.w, toDouble(wt), t.k, t.kh, t.kw, t.s, t.p, toDouble(b), y);
            close(refConv(t, x, wt, b), y, "conv2d(double) " + t);
            Conv.conv2dBackwardInput(toDouble(dy), t.n, t.c, t.h, t.w, toDouble(wt), t.k, t.kh, t.kw, t.s, t.p, dx);
            close(refConvBackInput(t, dy, wt), dx, "backwardInput(double) " + t);
            Conv.conv2dBackwardWeight(toDouble(x), toDouble(dy), t.n, t.c, t.h, t.w, t.k, t.kh, t.kw, t.s, t.p, dw);
            close(refConvBackWeight(t, x, dy), dw, "backwardWeight(double) " + t);
        }
    }

    /** Transposed conv cases: {n, cin, h, w, cout, kh, kw, stride, pad, outputPad}. */
    private static final int[][] T_CASES = {
            {2, 3, 4, 5, 2, 3, 3, 2, 1, 1},
            {3, 4, 1, 1, 5, 5, 5, 2, 0, 0},     // Dreamer decoder layer 1: 1x1 input, grouped into one GEMM
            {2, 5, 5, 5, 3, 5, 5, 2, 0, 0},     // decoder layer 2 shape family
            {1, 2, 6, 3, 4, 6, 6, 2, 0, 0},     // k6 s2
            {2, 3, 7, 7, 2, 3, 3, 1, 1, 0},     // stride 1 (same-size)
            {3, 2, 4, 4, 3, 4, 2, 3, 1, 2},     // stride 3, outputPad 2
            {40, 32, 1, 1, 16, 5, 5, 2, 0, 0},  // above the parallel threshold, grouped
            {3, 6, 5, 4, 32, 5, 5, 2, 1, 1},    // cout 32: implicit im2col in backward input / weight
            {2, 3, 12, 11, 4, 4, 4, 2, 1, 1},   // forward through padded pixel rows (11 -> 12 wide), pad, outputPad
    };

    @Test
    void convTransposeMatchesDefinitionAndItsAdjoints() {
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[] tc : T_CASES) {
                int n = tc[0], ci = tc[1], h = tc[2], w = tc[3], co = tc[4], kh = tc[5], kw = tc[6], s = tc[7],
                        p = tc[8], op = tc[9];
                int oh = Conv.transposeOutSize(h, kh, s, p, op), ow = Conv.transposeOutSize(w, kw, s, p, op);
                String what = java.util.Arrays.toString(tc) + " threads=" + threads;
                float[] x = random(n * ci * h * w), wt = random(ci * co * kh * kw), b = random(co);
                float[] y = random(n * co * oh * ow);
                Conv.convTranspose2d(x, n, ci, h, w, wt, co, kh, kw, s, p, op, b, y);
                double[] want = refConvT(n, ci, h, w, x, wt, co, kh, kw, s, p, op, b);
                close(want, y, ci * kh * kw, "convTranspose2d " + what);
                double[] yd = new double[y.length];
                Conv.convTranspose2d(toDouble(x), n, ci, h, w, toDouble(wt), co, kh, kw, s, p, op, toDouble(b), yd);
                close(want, yd, "convTranspose2d(double) " + what);

                // backward input and weight: check <convT(x), dy> identities against the scatter definition
                float[] dy = random(y.length);
                float[] dx = random(x.length);
                Conv.convTranspose2dBackwardInput(dy, n, ci, h, w, wt, co, kh, kw, s, p, op, dx);
                double[] wantDx = new double[x.length];
                for (int e = 0; e < x.length; e++) { // dx[e] = d<convT(x), dy>/dx[e] = <convT(unit e), dy>
                    float[] unit = new float[x.length];
                    unit[e] = 1f;
                    double[] col = refConvT(n, ci, h, w, unit, wt, co, kh, kw, s, p, op, null);
                    double acc = 0;
                    for (int q = 0; q < col.length; q++) if (col[q] != 0) acc += col[q] * dy[q];
                    wantDx[e] = acc;
                    if (e > 60) break; // a prefix is enough to pin the mapping
                }
                for (int e = 0; e <= Math.min(60, x.length - 1); e++)
                    assertEquals(wantDx[e], dx[e], 1e-4 * (1 + co * kh * kw), "convTranspose2dBackwardInput " + what);
                double[] dxd = new double[x.length];
                Conv.convTranspose2dBackwardInput(toDouble(dy), n, ci, h, w, toDouble(wt), co, kh, kw, s, p, op, dxd);
                for (int e = 0; e < x.length; e++) assertEquals(dxd[e], dx[e], 1e-4 * (1 + Math.abs(dxd[e])), what);

                float[] dw = random(wt.length);
                Conv.convTranspose2dBackwardWeight(x, dy, n, ci, h, w, co, kh, kw, s, p, op, dw);
                double[] dwd = new double[wt.length];
                Conv.convTranspose2dBackwardWeight(toDouble(x), toDouble(dy), n, ci, h, w, co, kh, kw, s, p, op, dwd);
                for (int e = 0; e < wt.length; e++) { // dw[e] = <convT_{unit e}(x), dy>
                    if (e < 40) {
                        float[] unit = new float[wt.length];
                        unit[e] = 1f;
                        double[] yy = refConvT(n, ci, h, w, x, unit, co, kh, kw, s, p, op, null);
                        double acc = 0;
                        for (int q = 0; q < yy.length; q++) acc += yy[q] * dy[q];
                        assertEquals(acc, dwd[e], 1e-9 * (1 + Math.abs(acc)), "convTranspose2dBackwardWeight(double) " + what);
                    }
                    assertEquals(dwd[e], dw[e], 1e-4 * (1 + Math.abs(dwd[e])) * (1 + n * h * w / 50.0),
                            "convTranspose2dBackwardWeight " + what);
                }
            }
        }
    }

    @Test
    void adjointIdentities() {
        // <conv(x), dy> == <x, convBackwardInput(dy)> and <conv_w(x), dy> == <w, convBackwardWeight(x, dy)>
        for (Case t : CASES) {
            double[] x = toDouble(random(t.xSize())), wt = toDouble(random(t.wSize())), dy = toDouble(random(t.ySize()));
            double[] y = new double[t.ySize()], dx = new double[t.xSize()], dw = new double[t.wSize()];
            Conv.conv2d(x, t.n, t.c, t.h, t.w, wt, t.k, t.kh, t.kw, t.s, t.p, null, y);
            Conv.conv2dBackwardInput(dy, t.n, t.c, t.h, t.w, wt, t.k, t.kh, t.kw, t.s, t.p, dx);
            Conv.conv2dBackwardWeight(x, dy, t.n, t.c, t.h, t.w, t.k, t.kh, t.kw, t.s, t.p, dw);
            double lhs = dot(y, dy);
            assertEquals(lhs, dot(x, dx), 1e-9 * (1 + Math.abs(lhs)), "input adjoint " + t);
            assertEquals(lhs, dot(wt, dw), 1e-9 * (1 + Math.abs(lhs)), "weight adjoint " + t);

            // the same identities on the float path, and for the transposed pair (convT = adjoint of conv)
            float[] xf = random(t.xSize()), wf = random(t.wSize()), dyf = random(t.ySize());
            float[] yf = new float[t.ySize()], dxf = new float[t.xSize()];
            Conv.conv2d(xf, t.n, t.c, t.h, t.w, wf, t.k, t.kh, t.kw, t.s, t.p, null, yf);
            Conv.conv2dBackwardInput(dyf, t.n, t.c, t.h, t.w, wf, t.k, t.kh, t.kw, t.s, t.p, dxf);
            double l = dot(yf, dyf), r = dot(xf, dxf);
            assertEquals(l, r, 1e-4 * (1 + Math.abs(l)) * Math.sqrt(t.ySize()), "float input adjoint " + t);
        }
        // convT with weight [cin', cout'] = conv weight [k, c]: convT(dy) over y-space equals conv backward-input
        Case t = new Case(3, 2, 7, 7, 5, 4, 4, 2, 0); // output padding 1 is needed to get back to 7x7
        float[] wt = random(t.wSize()), dy = random(t.ySize());
        float[] a = new float[t.xSize()], b = new float[t.xSize()];
        int op = t.h - Conv.transposeOutSize(t.oh(), t.kh, t.s, t.p, 0);
        int opw = t.w - Conv.transposeOutSize(t.ow(), t.kw, t.s, t.p, 0);
        assertEquals(op, opw, "test case needs equal output padding in both directions");
        Conv.conv2dBackwardInput(dy, t.n, t.c, t.h, t.w, wt, t.k, t.kh, t.kw, t.s, t.p, a);
        Conv.convTranspose2d(dy, t.n, t.k, t.oh(), t.ow(), wt, t.c, t.kh, t.kw, t.s, t.p, op, null, b);
        for (int i = 0; i < a.length; i++) assertEquals(a[i], b[i], 1e-6f);
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += a[i] * b[i];
        return s;
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }

    @Test
    void sizes() {
        assertEquals(31, Conv.outSize(64, 4, 2, 0));
        assertEquals(2, Conv.outSize(6, 4, 2, 0));
        assertEquals(5, Conv.transposeOutSize(1, 5, 2, 0, 0));
        assertEquals(64, Conv.transposeOutSize(30, 6, 2, 0, 0));
        assertEquals(8, Conv.transposeOutSize(4, 3, 2, 1, 1));
    }

    @Test
    void argumentErrors() {
        float[] x = new float[2 * 3 * 8 * 8], wt = new float[4 * 3 * 3 * 3], y = new float[2 * 4 * 6 * 6];
        Conv.conv2d(x, 2, 3, 8, 8, wt, 4, 3, 3, 1, 0, null, y); // fits exactly
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2d(x, 2, 3, 8, 8, wt, 4, 3, 3, 1, 1, null, y)); // pad 1: y too short
        assertTrue(e.getMessage().contains("conv2d") && e.getMessage().contains("pad=1")
                && e.getMessage().contains("y"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conv.conv2d(x, 2, 3, 8, 8, wt, 4, 3, 3, 0, 0, null, y));
        assertThrows(IllegalArgumentException.class, () -> Conv.conv2d(x, 2, 3, 8, 8, wt, 4, 3, 3, 1, -1, null, y));
        assertThrows(IllegalArgumentException.class, () -> Conv.conv2d(x, 0, 3, 8, 8, wt, 4, 3, 3, 1, 0, null, y));
        assertThrows(IllegalArgumentException.class, () -> Conv.conv2d(x, 3, 3, 8, 8, wt, 4, 3, 3, 1, 0, null, y));
        assertThrows(IllegalArgumentException.class, // kernel larger than the input
                () -> Conv.conv2d(x, 2, 3, 2, 2, wt, 4, 3, 3, 1, 0, null, y));
        assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2d(x, 2, 3, 8, 8, wt, 4, 3, 3, 1, 0, new float[3], y));
        assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2dBackwardWeight(x, y, 2, 3, 8, 8, 4, 3, 3, 1, 0, new float[10]));
        assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2dBackwardInput(y, 2, 3, 8, 8, wt, 4, 3, 3, 1, 0, null));
        assertThrows(IllegalArgumentException.class, () -> Conv.conv2dBackwardBias(y, 2, 4, 6, 6, new float[3]));
        IllegalArgumentException t = assertThrows(IllegalArgumentException.class, // outputPad must be < stride
                () -> Conv.convTranspose2d(x, 1, 3, 2, 2, wt, 4, 3, 3, 2, 0, 2, null, y));
        assertTrue(t.getMessage().contains("convTranspose2d") && t.getMessage().contains("outputPad=2"), t.getMessage());
        assertThrows(IllegalArgumentException.class, // output size not positive
                () -> Conv.convTranspose2d(x, 1, 3, 1, 1, wt, 4, 3, 3, 1, 2, 0, null, y));
        assertThrows(IllegalArgumentException.class,
                () -> Conv.convTranspose2dBackwardWeight(x, y, 2, 3, 8, 8, 4, 3, 3, 1, 0, 0, new float[5]));
        assertThrows(IllegalArgumentException.class,
                () -> Conv.conv2d(new double[5], 2, 3, 8, 8, new double[108], 4, 3, 3, 1, 0, null, new double[288]));
    }
}
