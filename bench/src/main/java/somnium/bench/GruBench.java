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

import somnium.autograd.NoGrad;
import somnium.autograd.Var;
import somnium.autograd.nn.GruCell;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;
import somnium.tensor.cpu.Parallel;

/**
 * The GRU cell workloads of {@code shared/reference/gru.py} (float32, B = 50, input 230, hidden 200):
 * <ul>
 *   <li>{@code stepNoGrad}: one step h1 = cell(x, h0) under no-grad (gru.py's gru_step_fwd_nograd);</li>
 *   <li>{@code stepGrad}: the same step recording the graph, no backward (gru_step_fwd_grad);</li>
 *   <li>{@code unroll50FwdBwd}: 50 steps from h_0 = 0, loss = mean over t of sum(h_t^2)/B, backward to
 *       the weights (x needs no grad); gradients are zeroed inside the timed region (gru_unroll50_fwdbwd).</li>
 * </ul>
 * Each invocation runs in a {@link TensorScope}, so temporaries go back to the pool as in a training loop.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar GruBench -wi 3 -i 5 -w 1s -r 1s -p threads=1
 * /usr/bin/python3 shared/reference/gru.py --threads 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class GruBench {
    static final int B = 50, I = 230, H = 200, T = 50;

    @Param({"1", "2"})
    public int threads;

    GruCell cell;
    Var x1, h0, zeros;
    Var[] xs;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Rng rng = new Rng(0);
        cell = new GruCell(I, H, rng);
        x1 = Var.constant(Tensor.randn(rng, B, I));
        h0 = Var.constant(Tensor.randn(rng, B, H));
        zeros = Var.constant(Tensor.zeros(B, H));
        Tensor all = Tensor.randn(rng, T, B, I);
        xs = new Var[T];
        for (int t = 0; t < T; t++) xs[t] = Var.constant(all.select(0, t).contiguous());
    }

    @Benchmark
    public double stepNoGrad() {
        try (TensorScope scope = TensorScope.open(); NoGrad ng = NoGrad.open()) {
            return cell.forward(x1, h0).value().get(0, 0);
        }
    }

    @Benchmark
    public double stepGrad() {
        try (TensorScope scope = TensorScope.open()) {
            return cell.forward(x1, h0).value().get(0, 0);
        }
    }

    @Benchmark
    public double unroll50FwdBwd() {
        try (TensorScope scope = TensorScope.open()) {
            cell.zeroGrad();
            Var h = zeros;
            Var loss = null;
            for (int t = 0; t < T; t++) {
                h = cell.forward(xs[t], h);
                Var term = h.mul(h).sum().div(B);
                loss = loss == null ? term : loss.add(term);
            }
            loss.div(T).backward();
            return cell.weightHh.grad().get(0, 0);
        }
    }
}
