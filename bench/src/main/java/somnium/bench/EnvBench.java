package somnium.bench;

import java.util.SplittableRandom;
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
import somnium.rl.env.ActionSpec;
import somnium.rl.env.Env;
import somnium.rl.env.Envs;
import somnium.rl.env.Step;

/**
 * Cost of one env step (physics + reward + observation, with the registry's time limit, auto-reset at
 * the end of an episode) and of one 64x64 render, per built-in env.
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar EnvBench}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 3, time = 1)
public class EnvBench {
    @Param({"gym:Pendulum-v1", "gym:MountainCarContinuous-v0", "gym:CartPole-v1", "gym:Acrobot-v1",
            "dmc:cartpole-balance", "dmc:cartpole-swingup", "dmc:cartpole-balance_sparse", "dmc:cartpole-swingup_sparse",
            "dmc:pendulum-swingup", "dmc:acrobot-swingup", "dmc:point_mass-easy", "dmc:reacher-easy", "dmc:reacher-hard"})
    public String id;

    private Env env;
    private float[][] actions;
    private int next;
    private final byte[] frame = new byte[64 * 64 * 3];

    @Setup
    public void setup() {
        env = Envs.make(id);
        env.reset(0);
        ActionSpec spec = env.actionSpec();
        SplittableRandom rng = new SplittableRandom(1);
        actions = new float[1024][spec.size()];
        for (float[] a : actions) {
            for (int i = 0; i < a.length; i++) {
                a[i] = spec.discrete() ? rng.nextInt(spec.numActions())
                        : (float) (spec.low()[i] + rng.nextDouble() * (spec.high()[i] - spec.low()[i]));
            }
        }
        // move away from the reset pose so renders draw a typical state
        for (int t = 0; t < 50; t++) advance();
    }

    private Step advance() {
        Step s = env.step(actions[next++ & 1023]);
        if (s.done()) env.reset();
        return s;
    }

    @Benchmark
    public Step step() {
        return advance();
    }

    @Benchmark
    public byte[] render() {
        env.render(frame);
        return frame;
    }
}
