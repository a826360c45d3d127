package somnium.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Random;

import somnium.tensor.cpu.Gemm;
import somnium.tensor.cpu.Parallel;

/**
 * Single-thread SGEMM timed in <em>thread CPU time</em> rather than wall time: on a machine shared with other
 * jobs, time slices lost to them do not count, so the number stays close to what an idle machine gives
 * (cache pollution by the other jobs still counts). The twin for OpenBLAS is
 * {@code bench/scripts/sgemm_cputime.py}; JMH ({@link SgemmBench}) remains the reference measurement.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar somnium.bench.SgemmCpuTime
 * </pre>
 * Prints one line per shape: best and median GFLOP/s over 15 repetitions of at least 0.1 s CPU each.
 */
public final class SgemmCpuTime {
    public static void main(String[] args) {
        Parallel.setThreads(1);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] shapes = args.length > 0 ? args : new String[] {"sq64", "sq128", "sq256", "sq512", "sq1024",
                "sq2048", "rl_2500x230x600", "rl_50x230x600", "rl_1000x200x200"};
        for (String shape : shapes) {
            int[] d = SgemmBench.dims(shape);
            int m = d[0], k = d[1], n = d[2];
            Random r = new Random(0);
            float[] a = new float[m * k], b = new float[k * n], c = new float[m * n];
            for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
            for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
            double flop = 2.0 * m * n * k;
            int inner = (int) Math.max(1, Math.ceil(0.1 * 50e9 / flop));
            for (int w = 0; w < 5; w++)
                for (int i = 0; i < inner; i++) Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
            double[] g = new double[15];
            for (int rep = 0; rep < g.length; rep++) {
                long t0 = mx.getCurrentThreadCpuTime();
                for (int i = 0; i < inner; i++) Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
                g[rep] = flop * inner / ((mx.getCurrentThreadCpuTime() - t0) * 1e-9) / 1e9;
            }
            java.util.Arrays.sort(g);
            System.out.printf("{\"workload\": \"sgemm_%s\", \"lib\": \"somnium\", \"clock\": \"thread_cpu\", "
                    + "\"gflops_best\": %.2f, \"gflops_median\": %.2f}%n", shape, g[g.length - 1], g[g.length / 2]);
        }
    }
}
