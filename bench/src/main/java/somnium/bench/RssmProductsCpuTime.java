package somnium.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.cpu.Parallel;

/**
 * The per-step products of the RSSM unroll (batch 16, deter 200) in thread CPU time, single thread, as the linear op
 * calls them ({@code matmulReusedB}, weights packed once): the three products that read h_t (the next step's W_hh
 * [600, 200], img_out [200, 200], obs_out's deter half [200, 200]) separately against one product with the three
 * weights stacked ([1000, 200]), forward (h·Wᵀ) and for the input gradient (g·W); and one [M, 200] x [200, 1000]
 * product over M, to show the cost of row counts that are not a multiple of the micro-kernel's 6 rows.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar somnium.bench.RssmProductsCpuTime [rounds]
 * </pre>
 * Prints the best round of each (us per product, GFLOP/s); see docs/perf-planet.md.
 */
public final class RssmProductsCpuTime {
    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        Parallel.setThreads(1);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Rng r = new Rng(1);
        Tensor h = r.normal(16, 200), whh = r.normal(600, 200), w1 = r.normal(200, 200), w2 = r.normal(200, 200);
        Tensor wc = Tensor.concat(0, whh, w1, w2);
        Tensor g1 = r.normal(16, 600), g2 = r.normal(16, 200), g3 = r.normal(16, 200), gc = r.normal(16, 1000);
        int n = 2000;
        double[] best = new double[4];
        java.util.Arrays.fill(best, Double.MAX_VALUE);
        for (int round = 0; round < rounds; round++) {
            long[] t = new long[5];
            t[0] = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                h.matmulReusedB(whh.t());
                h.matmulReusedB(w1.t());
                h.matmulReusedB(w2.t());
            }
            t[1] = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) h.matmulReusedB(wc.t());
            t[2] = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) {
                Tensor d = g1.matmulReusedB(whh);
                d.addInPlace(g2.matmulReusedB(w1));
                d.addInPlace(g3.matmulReusedB(w2));
            }
            t[3] = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < n; i++) gc.matmulReusedB(wc);
            t[4] = mx.getCurrentThreadCpuTime();
            for (int k = 0; k < 4; k++) best[k] = Math.min(best[k], (t[k + 1] - t[k]) * 1e-3 / n);
        }
        double flop = 2.0 * 16 * 200 * 1000;
        String[] names = {"forward, three products", "forward, one stacked product", "input gradient, three products (+2 adds)",
                "input gradient, one stacked product"};
        for (int k = 0; k < 4; k++) System.out.printf("%-42s %7.1f us  %5.1f GFLOP/s%n", names[k], best[k], flop / best[k] * 1e-3);

        int[] ms = {12, 16, 18, 24, 30, 32, 36};
        Tensor w = r.normal(1000, 200);
        double[] bestM = new double[ms.length];
        for (int round = 0; round < rounds; round++)
            for (int i = 0; i < ms.length; i++) {
                Tensor x = r.normal(ms[i], 200);
                int reps = 400_000_000 / (ms[i] * 200 * 1000) + 1;
                long t0 = mx.getCurrentThreadCpuTime();
                for (int k = 0; k < reps; k++) x.matmulReusedB(w.t());
                long t1 = mx.getCurrentThreadCpuTime();
                bestM[i] = Math.max(bestM[i], 2.0 * ms[i] * 200 * 1000 * reps / (t1 - t0));
            }
        for (int i = 0; i < ms.length; i++)
            System.out.printf("[%d, 200] x [200, 1000]: %5.1f GFLOP/s, %6.1f us%n", ms[i], bestM[i], 2.0 * ms[i] * 200 * 1000 / bestM[i] * 1e-3);
    }
}
