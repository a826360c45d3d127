package somnium.bench;

import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;
import somnium.tensor.cpu.Parallel;

/**
 * Elementwise ops, reductions and softmax at RL sizes, through the public {@link Tensor} API (so the
 * numbers include allocation and dispatch, as a training step sees them). The same cases are timed in
 * PyTorch by {@code bench/scripts/elementwise_torch.py}.
 *
 * <p>Each single-op benchmark runs inside a {@link TensorScope}, as ops do in a training step, so its result
 * buffer comes from the pool. {@code chain} vs {@code chainScoped} shows what the scope buys: run with
 * {@code -prof gc} and compare {@code gc.alloc.rate.norm} (bytes allocated per call).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ElementwiseBench -prof gc
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class ElementwiseBench {
    @Param({"1"})
    public int threads;

    Tensor x, y, bias, wide, logits;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Rng rng = new Rng(0);
        x = rng.normal(2500, 600);      // a PlaNet/Dreamer batch (50 x 50) of hidden activations
        y = rng.normal(2500, 600);
        bias = rng.normal(600);
        wide = rng.normal(50, 1000, 12); // CEM returns-like tensor
        logits = rng.normal(1024, 255); // DreamerV3 twohot logits
    }

    @Benchmark
    public double add() {
        try (TensorScope s = TensorScope.open()) {
            return first(x.add(y));
        }
    }

    @Benchmark
    public double addBiasBroadcast() {
        try (TensorScope s = TensorScope.open()) {
            return first(x.add(bias));
        }
    }

    @Benchmark
    public double mul() {
        try (TensorScope s = TensorScope.open()) {
            return first(x.mul(y));
        }
    }

    @Benchmark
    public double exp() {
        try (TensorScope s = TensorScope.open()) {
            return first(x.exp());
        }
    }

    @Benchmark
    public double tanh() {
        try (TensorScope s = TensorScope.open()) {
            return first(x.tanh());
        }
    }

    @Benchmark
    public double sigmoid() {
        try (TensorScope s = TensorScope.open()) {
            return first(x.sigmoid());
        }
    }

    @Benchmark
    public double elu() {
        try (TensorScope s = TensorScope.open()) {
            return first(x.elu());
        }
    }

    @Benchmark
    public double sumAxis0() {
        try (TensorScope s = TensorScope.open()) {
            return first(x.sum(0));
        }
    }

    @Benchmark
    public double sumLastAxis() {
        try (TensorScope s = TensorScope.open()) {
            return first(wide.sum(-1));
        }
    }

    @Benchmark
    public double softmax() {
        try (TensorScope s = TensorScope.open()) {
            return first(logits.softmax(-1));
        }
    }

    /** Reads one element so the result is used (the tensor itself goes back to the pool with its scope). */
    private static double first(Tensor t) {
        return t.storage().getDouble(t.offset());
    }

    /** A small chain: tanh(x * y + bias) summed over the batch, without a scope: every temporary is new garbage. */
    @Benchmark
    public double chain() {
        return x.mul(y).add(bias).tanh().sum(0).get(0);
    }

    /** The same chain inside a TensorScope: the temporaries go back to the pool. */
    @Benchmark
    public double chainScoped() {
        try (TensorScope s = TensorScope.open()) {
            return x.mul(y).add(bias).tanh().sum(0).get(0);
        }
    }
}
