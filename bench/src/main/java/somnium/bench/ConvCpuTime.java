package somnium.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * {@link ConvBench}'s four workloads on one thread, timed in thread CPU time (robust to time slices lost to
 * other jobs on a shared machine). Twin: {@code bench/scripts/conv_cputime.py} for PyTorch.
 * <pre>java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar somnium.bench.ConvCpuTime</pre>
 */
public final class ConvCpuTime {
    interface Work { Object run(); }

    public static void main(String[] args) {
        ConvBench b = new ConvBench();
        b.threads = 1;
        b.setUp();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        String[] names = {"encoderFwd", "encoderFwdBwd", "decoderFwd", "decoderFwdBwd"};
        Work[] work = {b::encoderFwd, b::encoderFwdBwd, b::decoderFwd, b::decoderFwdBwd};
        for (int w = 0; w < names.length; w++) {
            for (int i = 0; i < 3; i++) work[w].run();
            double[] ms = new double[7];
            for (int r = 0; r < ms.length; r++) {
                long t0 = mx.getCurrentThreadCpuTime();
                work[w].run();
                ms[r] = (mx.getCurrentThreadCpuTime() - t0) / 1e6;
            }
            java.util.Arrays.sort(ms);
            System.out.printf("{\"workload\": \"%s\", \"lib\": \"somnium\", \"clock\": \"thread_cpu\", "
                    + "\"median_ms_per_image\": %.4f, \"min_ms_per_image\": %.4f}%n",
                    names[w], ms[ms.length / 2] / ConvBench.B, ms[0] / ConvBench.B);
        }
    }
}
