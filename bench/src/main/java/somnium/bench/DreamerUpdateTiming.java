package somnium.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import somnium.rl.dreamer.Dreamer;
import somnium.rl.dreamer.DreamerConfig;
import somnium.rl.replay.Batch;
import somnium.rl.train.config.Configs;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/**
 * One full Dreamer update ({@link Dreamer.Learner#update(Batch)}: world model, actor and value) timed on any
 * device, one JSON line per batch size: the twin of {@code kernels/scripts/torch_gpu_twins.py dreamer} on a GPU
 * (on the CPU, {@link DreamerBench} under JMH is the measurement of record). The model is Dreamer V1's DMC setting
 * on states (deter 200, stoch 30, 400-unit actor and value) with obs 3 and action 1, as in DreamerBench. The
 * batch is made on the CPU and moved inside each update, as the replay's batches are. Each repetition ends by
 * reading one parameter back, so queued device work is inside the time. Median of the repetitions after warm-up.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp ... somnium.bench.DreamerUpdateTiming cuda [reps] [warmup] [BxT ...]
 * </pre>
 * Defaults: 20 repetitions, 3 warm-up updates, batches 16x50 (the references') and 50x50 (the paper's).
 */
public final class DreamerUpdateTiming {
    private DreamerUpdateTiming() {}

    public static void main(String[] args) {
        Device device = Device.parse(args.length > 0 ? args[0] : "cuda");
        int reps = args.length > 1 ? Integer.parseInt(args[1]) : 20, warmup = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        List<String> sizes = args.length > 3 ? Arrays.asList(args).subList(3, args.length) : List.of("16x50", "50x50");
        for (String size : sizes) {
            String[] bt = size.split("x");
            int b = Integer.parseInt(bt[0]), t = Integer.parseInt(bt[1]);
            DreamerConfig cfg = Configs.withOverrides(DreamerConfig.defaults(),
                    List.of("use_images=false", "batch_size=" + b, "batch_length=" + t));
            Rng init = new Rng(0);
            Dreamer.Agent agent = new Dreamer.Agent(cfg, DreamerBench.OBS, DreamerBench.ACT, init, device);
            Batch batch = DreamerBench.randomBatch(init, b, t);
            Dreamer.Learner learner = new Dreamer.Learner(agent, null, cfg, new Rng(1));
            Tensor probe = agent.behavior.parameters().get(0).value();
            Map<String, Double> last = null;
            for (int i = 0; i < warmup; i++) last = learner.update(batch);
            double[] ms = new double[reps];
            for (int i = 0; i < reps; i++) {
                long t0 = System.nanoTime();
                last = learner.update(batch);
                probe.sum().item();   // drain the device queue (the optimizer steps run after the last metric read)
                ms[i] = (System.nanoTime() - t0) / 1e6;
            }
            Arrays.sort(ms);
            double med = reps % 2 == 1 ? ms[reps / 2] : 0.5 * (ms[reps / 2 - 1] + ms[reps / 2]);
            System.out.println(String.format(Locale.ROOT,
                    "{\"workload\": \"dreamer_update_states_b%dx%d\", \"lib\": \"somnium\", \"device\": \"%s\", \"median_ms\": %.3f, "
                            + "\"min_ms\": %.3f, \"max_ms\": %.3f, \"reps\": %d, \"model_loss\": %.4f, \"actor_loss\": %.4f}",
                    b, t, device, med, ms[0], ms[reps - 1], reps, last.get("model_loss"), last.get("actor_loss")));
        }
    }
}
