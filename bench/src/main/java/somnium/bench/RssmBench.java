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
import somnium.autograd.nn.Activation;
import somnium.autograd.optim.Adam;
import somnium.autograd.optim.GradClip;
import somnium.rl.replay.Batch;
import somnium.rl.world.WorldModel;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;
import somnium.tensor.cpu.Parallel;

/**
 * One RSSM world-model training step on state observations, shaped like {@code shared/reference/rssm_state.py}:
 * B 16, T 50, obs 3, action 1, deter 200, stoch 30, hidden 200, embed 200, ELU, heads 2 x 200, free nats 3 on
 * the batch mean, Adam lr 6e-4 eps 1e-7, gradient-norm clip 100, on fixed random data.
 * <ul>
 *   <li>{@code trainStep}: zero_grad + loss (filter over T, decoder, reward, KL) + backward + clip + Adam step
 *       (rssm_state_train_step);</li>
 *   <li>{@code lossNoGrad}: the loss alone under no-grad (rssm_state_fwd_only_nograd).</li>
 * </ul>
 * One difference in shape: our state encoder is an MLP 3 -> 200 -> 200 -> 200 (two hidden layers and an output
 * layer, {@link somnium.autograd.nn.Mlp}), the reference's is 3 -> 200 -> 200 (one 800 x 200 x 200 matmul less).
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar RssmBench -wi 3 -i 5 -w 2s -r 2s -p threads=1
 * /usr/bin/python3 shared/reference/rssm_state.py --threads 1
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class RssmBench {
    static final int B = 16, T = 50, OBS = 3, ACT = 1;

    @Param({"1", "2"})
    public int threads;

    WorldModel model;
    Adam adam;
    Batch batch;
    Rng rng;

    static WorldModel.Spec spec() {
        return new WorldModel.Spec(OBS, false, ACT, 200, 30, 200, 200, 2, 32, Activation.ELU, 0.1, 3.0, false, 1.0, 1.0, 0, 0, 8, 0.0);
    }

    @Setup
    public void setup() {
        Parallel.setThreads(threads);
        Rng init = new Rng(0);
        model = new WorldModel(spec(), init);
        adam = new Adam(model.namedParameters(), 6e-4, 1e-7);
        float[] first = new float[B * T];
        for (int b = 0; b < B; b++) first[b * T] = 1;
        Tensor zeros = Tensor.zeros(B, T);
        batch = new Batch(Tensor.randn(init, B, T, OBS), null, Tensor.rand(init, -1, 1, B, T, ACT), Tensor.randn(init, B, T),
                Tensor.of(first, B, T), zeros, zeros, Tensor.ones(B, T));
        rng = new Rng(1);
    }

    @Benchmark
    public double trainStep() {
        try (TensorScope scope = TensorScope.open()) {
            adam.zeroGrad();
            WorldModel.Loss loss = model.loss(batch, rng);
            loss.total().backward();
            GradClip.clipGradNorm(adam.parameters(), 100);
            adam.step();
            return loss.total().item();
        }
    }

    @Benchmark
    public double lossNoGrad() {
        try (TensorScope scope = TensorScope.open(); NoGrad ng = NoGrad.open()) {
            return model.loss(batch, rng).total().item();
        }
    }
}
