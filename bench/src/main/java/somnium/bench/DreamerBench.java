package somnium.bench;

import java.util.List;
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

import somnium.rl.dreamer.Dreamer;
import somnium.rl.dreamer.DreamerConfig;
import somnium.rl.replay.Batch;
import somnium.rl.train.config.Configs;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.cpu.Parallel;

/**
 * One full Dreamer update on states: the world-model step of {@code shared/reference/rssm_state.py} (B 16, T 50,
 * obs 3, action 1, deter 200, stoch 30, hidden 200) plus the behavior step of {@code behavior.py} (800 imagination
 * starts, horizon 15, actor 4 x 400 ELU, value 3 x 400 ELU, lambda-returns, both optimizer steps), as
 * {@link Dreamer.Learner#update(Batch)} runs them. Compare with the sum of the two scripts' medians.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar DreamerBench -wi 3 -i 5 -w 5s -r 5s -p threads=1
 * /usr/bin/python3 shared/reference/rssm_state.py --threads 1; /usr/bin/python3 shared/reference/behavior.py --threads 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class DreamerBench {
    static final int B = 16, T = 50, OBS = 3, ACT = 1;

    @Param({"1", "2"})
    public int threads;

    Dreamer.Learner learner;
    Batch batch;

    /** Dreamer V1's DMC defaults on states, at the reference's batch of 16 x 50. */
    static DreamerConfig config() {
        return Configs.withOverrides(DreamerConfig.defaults(), List.of("use_images=false", "batch_size=16", "batch_length=50"));
    }

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Rng init = new Rng(0);
        Dreamer.Agent agent = new Dreamer.Agent(config(), OBS, ACT, init);
        batch = randomBatch(init, B, T);
        learner = new Dreamer.Learner(agent, null, config(), new Rng(1));
    }

    /** A random state batch of b sequences of t steps (obs 3, action 1), each sequence starting an episode. */
    static Batch randomBatch(Rng init, int b, int t) {
        float[] first = new float[b * t];
        for (int i = 0; i < b; i++) first[i * t] = 1;
        Tensor zeros = Tensor.zeros(b, t);
        return new Batch(Tensor.randn(init, b, t, OBS), null, Tensor.rand(init, -1, 1, b, t, ACT), Tensor.randn(init, b, t),
                Tensor.of(first, b, t), zeros, zeros, Tensor.ones(b, t));
    }

    @Benchmark
    public double update() {
        return learner.update(batch).get("model_loss");
    }
}
