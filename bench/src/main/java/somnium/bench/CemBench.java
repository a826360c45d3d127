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

import somnium.autograd.Var;
import somnium.rl.planet.Cem;
import somnium.rl.world.Rssm;
import somnium.rl.world.WorldModel;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.cpu.Parallel;

/**
 * One PlaNet CEM planning call, shaped like {@code shared/reference/cem.py}: J 1000 candidates, K 100 elites,
 * I 10 iterations, horizon H 12, action dim 1, through the RSSM prior (deter 200, stoch 30, hidden 200, ELU,
 * sampled) and the reward head (230 -> 200 -> 200 -> 1), with random weights, from a random belief.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar CemBench -wi 3 -i 5 -w 2s -r 2s -p threads=1
 * /usr/bin/python3 shared/reference/cem.py --threads 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class CemBench {
    @Param({"1", "2"})
    public int threads;

    Cem.Model model;
    Rssm.State belief;
    Cem.Settings settings;
    Rng rng;

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Rng init = new Rng(0);
        WorldModel wm = new WorldModel(RssmBench.spec(), init);
        model = Cem.Model.of(wm);
        Var stoch = Var.constant(Tensor.randn(init, 1, 30));
        belief = new Rssm.State(Var.constant(Tensor.randn(init, 1, 200).tanh()), stoch, stoch, Var.constant(Tensor.ones(1, 30)));
        settings = new Cem.Settings(12, 10, 1000, 100);
        rng = new Rng(1);
    }

    @Benchmark
    public float plan() {
        return Cem.plan(model, belief, settings, rng)[0];
    }
}
