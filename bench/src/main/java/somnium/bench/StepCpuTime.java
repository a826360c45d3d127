package somnium.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

import somnium.tensor.cpu.Parallel;

/**
 * The RSSM training step, its no-grad loss, the CEM planning call, a full Dreamer update and the GRU 50-step
 * unroll ({@link RssmBench}, {@link CemBench}, {@link DreamerBench}, {@link GruBench#unroll50FwdBwd}) timed
 * in <em>thread CPU time</em> (and wall time beside it), single thread: on a machine shared with other jobs the
 * time slices lost to them do not count. Twin of the PyTorch scripts run with {@code time.perf_counter}
 * replaced by {@code time.thread_time} (see docs/perf-planet.md).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar somnium.bench.StepCpuTime [rssm|nograd|cem|dreamer|gru]...
 * </pre>
 * Prints one JSON line per workload: median and best of the repetitions after warm-up, in ms, and the mean process CPU
 * time per op (which adds GC, JIT and other JVM threads).
 */
public final class StepCpuTime {
    public static void main(String[] args) {
        String[] work = args.length > 0 ? args : new String[] {"rssm", "nograd", "cem"};
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        for (String w : work) {
            Runnable op;
            int warm, reps;
            switch (w) {
                case "rssm", "nograd" -> {
                    RssmBench b = new RssmBench();
                    b.threads = 1;
                    b.setup();
                    op = w.equals("rssm") ? b::trainStep : b::lossNoGrad;
                    warm = w.equals("rssm") ? 30 : 40;
                    reps = 20;
                }
                case "cem" -> {
                    CemBench b = new CemBench();
                    b.threads = 1;
                    b.setup();
                    op = b::plan;
                    warm = 4;
                    reps = 7;
                }
                case "gru" -> {
                    GruBench b = new GruBench();
                    b.threads = 1;
                    b.setup();
                    op = b::unroll50FwdBwd;
                    warm = 40;
                    reps = 30;
                }
                case "dreamer" -> {
                    DreamerBench b = new DreamerBench();
                    b.threads = 1;
                    b.setup();
                    op = b::update;
                    warm = 8;
                    reps = 10;
                }
                default -> throw new IllegalArgumentException("unknown workload " + w + "; choose rssm, nograd, cem, dreamer, gru");
            }
            Parallel.setThreads(1);
            for (int i = 0; i < warm; i++) op.run();
            double[] cpu = new double[reps], wall = new double[reps];
            long p0 = os.getProcessCpuTime();
            for (int i = 0; i < reps; i++) {
                long c0 = mx.getCurrentThreadCpuTime(), w0 = System.nanoTime();
                op.run();
                cpu[i] = (mx.getCurrentThreadCpuTime() - c0) * 1e-6;
                wall[i] = (System.nanoTime() - w0) * 1e-6;
            }
            double procPerOp = (os.getProcessCpuTime() - p0) * 1e-6 / reps; // + GC, JIT and other JVM threads
            Arrays.sort(cpu);
            Arrays.sort(wall);
            System.out.printf("{\"workload\": \"%s\", \"lib\": \"somnium\", \"reps\": %d, \"cpu_median_ms\": %.1f, \"cpu_min_ms\": %.1f, "
                    + "\"process_cpu_mean_ms\": %.1f, \"wall_median_ms\": %.1f, \"wall_min_ms\": %.1f}%n", w, reps, cpu[reps / 2], cpu[0], procPerOp,
                    wall[reps / 2], wall[0]);
        }
    }
}
