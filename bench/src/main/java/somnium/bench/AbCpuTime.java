package somnium.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * A/B comparison of two builds in one JVM, in thread CPU time, single thread: each jar is loaded by its own class
 * loader, both set up the same {@link StepCpuTime} workload, and their operations alternate (A, B, A, B, ...), so
 * both sides see the same outside load on a shared machine, slice by slice.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp bench/target/benchmarks.jar somnium.bench.AbCpuTime before.jar after.jar rssm [reps]
 * </pre>
 * Workloads: gru, rssm, nograd, cem, dreamer, and {@code sgemm:SHAPE} (a {@link SgemmBench} shape such as
 * {@code sgemm:rl_50x230x600}). Prints one JSON line per jar (median and min ms, ratio to A).
 */
public final class AbCpuTime {
    public static void main(String[] args) throws Exception {
        if (args.length < 3) throw new IllegalArgumentException("usage: AbCpuTime jarA jarB workload [reps]");
        String w = args[2];
        boolean sgemm = w.startsWith("sgemm:");
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : sgemm ? 2000 : switch (w) {
            case "cem" -> 7;
            case "dreamer" -> 10;
            default -> 30;
        };
        int warm = sgemm ? 2000 : switch (w) {
            case "cem" -> 4;
            case "dreamer" -> 8;
            default -> 30;
        };
        Runnable[] ops = new Runnable[2];
        for (int s = 0; s < 2; s++) ops[s] = load(Path.of(args[s]).toUri().toURL(), w);
        for (int i = 0; i < warm; i++) for (Runnable op : ops) op.run();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double[][] cpu = new double[2][reps];
        for (int i = 0; i < reps; i++) {
            for (int k = 0; k < 2; k++) {
                int s = (i + k) % 2; // alternate which side goes first
                long c0 = mx.getCurrentThreadCpuTime();
                ops[s].run();
                cpu[s][i] = (mx.getCurrentThreadCpuTime() - c0) * 1e-6;
            }
        }
        double[] med = new double[2];
        for (int s = 0; s < 2; s++) {
            Arrays.sort(cpu[s]);
            med[s] = cpu[s][reps / 2];
        }
        for (int s = 0; s < 2; s++)
            System.out.printf("{\"workload\": \"%s\", \"jar\": \"%s\", \"reps\": %d, \"cpu_median_ms\": %.4g, \"cpu_min_ms\": %.4g, \"median_vs_A\": %.3f, \"min_vs_A\": %.3f}%n",
                    w, args[s], reps, med[s], cpu[s][0], med[s] / med[0], cpu[s][0] / cpu[0][0]);
    }

    /** The workload's operation from the bench classes of {@code jar}, set up for one thread. */
    private static Runnable load(URL jar, String w) throws Exception {
        ClassLoader cl = new URLClassLoader(new URL[] {jar}, ClassLoader.getPlatformClassLoader());
        if (w.startsWith("sgemm:")) {
            Class<?> c = Class.forName("somnium.bench.SgemmBench", true, cl);
            Object b = c.getConstructor().newInstance();
            c.getField("shape").set(b, w.substring("sgemm:".length()));
            c.getField("threads").setInt(b, 1);
            c.getMethod("setUp").invoke(b);
            Method m = c.getMethod("sgemm");
            return () -> {
                try {
                    m.invoke(b);
                } catch (ReflectiveOperationException e) {
                    throw new RuntimeException(e);
                }
            };
        }
        String cls = switch (w) {
            case "rssm", "nograd" -> "somnium.bench.RssmBench";
            case "cem" -> "somnium.bench.CemBench";
            case "dreamer" -> "somnium.bench.DreamerBench";
            case "gru" -> "somnium.bench.GruBench";
            default -> throw new IllegalArgumentException("unknown workload " + w);
        };
        String method = switch (w) {
            case "rssm" -> "trainStep";
            case "nograd" -> "lossNoGrad";
            case "cem" -> "plan";
            case "dreamer" -> "update";
            default -> "unroll50FwdBwd";
        };
        Class<?> c = Class.forName(cls, true, cl);
        Object b = c.getConstructor().newInstance();
        c.getField("threads").setInt(b, 1);
        c.getMethod("setup").invoke(b);
        Class.forName("somnium.tensor.cpu.Parallel", true, cl).getMethod("setThreads", int.class).invoke(null, 1);
        Method m = c.getMethod(method);
        return () -> {
            try {
                m.invoke(b);
            } catch (ReflectiveOperationException e) {
                throw new RuntimeException(e);
            }
        };
    }
}
