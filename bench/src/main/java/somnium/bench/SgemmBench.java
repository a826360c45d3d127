package somnium.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import somnium.tensor.cpu.Gemm;
import somnium.tensor.cpu.Parallel;

/**
 * SGEMM {@code C = A·B} (A: M x K, B: K x N, row-major, no transposes), the same shapes and names as
 * {@code shared/reference/sgemm.py}. JMH reports the time per call (µs); GFLOP/s = 2·M·N·K / time.
 * For convenience each measurement iteration also prints its GFLOP/s (calls x 2MNK / wall time of the
 * iteration, which includes a little harness overhead, so it reads slightly lower than the score).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar SgemmBench -wi 3 -i 5 -w 1s -r 1s
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class SgemmBench {
    @Param({"sq64", "sq128", "sq256", "sq512", "sq1024", "sq2048",
            "rl_2500x230x600", "rl_50x230x600", "rl_1000x200x200"})
    public String shape;

    @Param({"1", "2"})
    public int threads;

    int m, k, n;
    float[] a, b, c;
    private long calls;
    private long startNs;

    /** Shape name to {M, K, N}, as in sgemm.py. */
    static int[] dims(String shape) {
        if (shape.startsWith("sq")) {
            int s = Integer.parseInt(shape.substring(2));
            return new int[] {s, s, s};
        }
        String[] p = shape.substring(3).split("x");
        return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2])};
    }

    @Setup(Level.Trial)
    public void setUp() {
        int[] d = dims(shape);
        m = d[0];
        k = d[1];
        n = d[2];
        Parallel.setThreads(threads);
        Random r = new Random(0);
        a = new float[m * k];
        b = new float[k * n];
        c = new float[m * n];
        for (int i = 0; i < a.length; i++) a[i] = (float) r.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) r.nextGaussian();
    }

    @Setup(Level.Iteration)
    public void startIteration() {
        calls = 0;
        startNs = System.nanoTime();
    }

    @TearDown(Level.Iteration)
    public void endIteration() {
        double s = (System.nanoTime() - startNs) * 1e-9;
        if (calls > 0)
            System.out.printf(" [%s threads=%d: %.1f GFLOP/s]", shape, threads, 2.0 * m * n * k * calls / s / 1e9);
    }

    @Benchmark
    public float[] sgemm() {
        Gemm.sgemm(false, false, m, n, k, a, 0, k, b, 0, n, c, 0, n, false);
        calls++;
        return c;
    }
}
