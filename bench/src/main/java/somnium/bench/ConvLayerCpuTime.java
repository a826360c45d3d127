package somnium.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

import somnium.tensor.cpu.Conv;
import somnium.tensor.cpu.Parallel;

/**
 * Per-layer, per-op profile of {@link ConvBench}'s layers on one thread, in thread CPU time (ms per image,
 * median of 7 after 3 warm-ups). A development tool for Conv: shows which op of which layer costs what.
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar somnium.bench.ConvLayerCpuTime [filter]</pre>
 */
public final class ConvLayerCpuTime {
    interface Op { void run(); }

    static final int B = ConvBench.B;
    static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

    static float[] rnd(Random r, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = r.nextFloat() - 0.5f;
        return x;
    }

    static void time(String name, String filter, double mflop, Op op) {
        if (filter != null && !name.matches(filter)) return;
        for (int i = 0; i < 3; i++) op.run();
        double[] ms = new double[11];
        for (int r = 0; r < ms.length; r++) {
            long t0 = MX.getCurrentThreadCpuTime();
            op.run();
            ms[r] = (MX.getCurrentThreadCpuTime() - t0) / 1e6;
        }
        java.util.Arrays.sort(ms);
        double med = ms[5] / B;
        System.out.printf("%-22s %8.4f ms/img  (min %.4f)  %6.1f GFLOP/s%n", name, med, ms[0] / B, mflop / med);
    }

    public static void main(String[] args) {
        Parallel.setThreads(1);
        String filter = args.length > 0 ? args[0] : null;
        Random r = new Random(0);
        int[] ec = {3, 32, 64, 128, 256}, eh = {64, 31, 14, 6, 2};
        for (int l = 0; l < 4; l++) {
            int c = ec[l], k = ec[l + 1], h = eh[l], oh = eh[l + 1];
            float[] x = rnd(r, B * c * h * h), w = rnd(r, k * c * 16), b = rnd(r, k), y = new float[B * k * oh * oh];
            float[] dy = rnd(r, y.length), dx = new float[x.length], dw = new float[w.length];
            double mf = 2.0 * k * c * 16 * oh * oh / 1e6;
            time("enc" + l + ".fwd", filter, mf, () -> Conv.conv2d(x, B, c, h, h, w, k, 4, 4, 2, 0, b, y));
            time("enc" + l + ".bwdW", filter, mf, () -> Conv.conv2dBackwardWeight(x, dy, B, c, h, h, k, 4, 4, 2, 0, dw));
            if (l > 0) time("enc" + l + ".bwdX", filter, mf, () -> Conv.conv2dBackwardInput(dy, B, c, h, h, w, k, 4, 4, 2, 0, dx));
        }
        if (filter != null && filter.equals("gemm")) {
            // the bare GEMMs of the forward cores (groups of ~256 columns), per image
            int[][] shapes = {{32, 961, 48, 1}, {64, 392, 512, 2}, {128, 288, 1024, 8}, {256, 256, 2048, 64},
                    {1152, 338, 64, 2}, {64, 338, 1152, 2}, {2304, 100, 128, 4}};
            for (int[] sh : shapes) {
                int m = sh[0], n = sh[1], kk = sh[2], per = sh[3];
                float[] a = rnd(r, m * kk), bb = rnd(r, kk * n), cc = new float[m * n];
                time("gemm" + m + "x" + n + "x" + kk, null, 2.0 * m * n * kk / per / 1e6, () -> {
                    for (int i = 0; i < B / per; i++) somnium.tensor.cpu.Gemm.sgemm(false, false, m, n, kk, a, 0, kk, bb, 0, n, cc, 0, n, false);
                });
            }
            return;
        }
        int[] dc = {1024, 128, 64, 32, 3}, dh = {1, 5, 13, 30, 64}, dk = {5, 5, 6, 6};
        for (int l = 0; l < 4; l++) {
            int c = dc[l], k = dc[l + 1], h = dh[l], oh = dh[l + 1], kk = dk[l];
            float[] x = rnd(r, B * c * h * h), w = rnd(r, c * k * kk * kk), b = rnd(r, k), y = new float[B * k * oh * oh];
            float[] dy = rnd(r, y.length), dx = new float[x.length], dw = new float[w.length];
            double mf = 2.0 * h * h * c * k * kk * kk / 1e6;
            time("dec" + l + ".fwd", filter, mf, () -> Conv.convTranspose2d(x, B, c, h, h, w, k, kk, kk, 2, 0, 0, b, y));
            time("dec" + l + ".bwdW", filter, mf, () -> Conv.convTranspose2dBackwardWeight(x, dy, B, c, h, h, k, kk, kk, 2, 0, 0, dw));
            if (l > 0) time("dec" + l + ".bwdX", filter, mf, () -> Conv.convTranspose2dBackwardInput(dy, B, c, h, h, w, k, kk, kk, 2, 0, 0, dx));
        }
    }
}
