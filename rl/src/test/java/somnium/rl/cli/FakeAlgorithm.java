package somnium.rl.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

import somnium.rl.replay.ReplayBuffer;
import somnium.rl.replay.Step;
import somnium.rl.train.Algorithm;
import somnium.rl.train.Checkpoint;
import somnium.rl.train.Checkpointer;
import somnium.rl.train.EnvCatalog;
import somnium.rl.train.EnvLike;
import somnium.rl.train.EnvOptions;
import somnium.rl.train.FakeEnv;
import somnium.rl.train.LoopSchedule;
import somnium.rl.train.LoopTrainer;
import somnium.rl.train.Policy;
import somnium.rl.train.RunContext;
import somnium.rl.train.Trainer;
import somnium.rl.train.Updater;
import somnium.rl.train.config.Doc;
import somnium.tensor.Rng;

/** A stand-in algorithm: a one-number "model" that counts its updates, trained on {@link FakeEnv} through LoopTrainer. */
final class FakeAlgorithm implements Algorithm<FakeAlgorithm.Config> {
    record Config(@Doc("action repeat") int actionRepeat, @Doc("env steps") long steps, int seedEpisodes, int collectInterval,
                  boolean useImages, double lr, int batchLength) implements somnium.rl.train.LoopConfig {
        Config {
            if (steps < 1) throw new IllegalArgumentException("steps must be >= 1, got " + steps);
        }

        @Override public LoopSchedule schedule() {
            return LoopSchedule.planet(steps, actionRepeat, seedEpisodes, collectInterval, 0.1, 100, 1, 60);
        }
        @Override public EnvOptions envOptions() { return new EnvOptions(actionRepeat, useImages, 0); }
        @Override public long replayCapacity() { return 1000; }
    }

    static EnvCatalog catalog() {
        return new EnvCatalog() {
            @Override public List<String> ids() { return List.of("fake-env", "fake-pixels"); }
            @Override public EnvLike make(String id, EnvOptions o) { return new FakeEnv(10, o.images()); }
        };
    }

    @Override public String name() { return "fake"; }
    @Override public String description() { return "a test algorithm"; }
    @Override public Class<Config> configType() { return Config.class; }

    @Override
    public Map<String, Config> presets() {
        Map<String, Config> m = new LinkedHashMap<>();
        m.put("default", new Config(2, 200, 2, 3, false, 0.1, 5));
        m.put("pixels", new Config(2, 200, 2, 3, true, 0.1, 5));
        return m;
    }

    @Override
    public String defaultPreset(String envId) {
        return envId.equals("fake-pixels") ? "pixels" : "default";
    }

    @Override
    public Trainer create(RunContext ctx) {
        Config c = ctx.config(Config.class);
        return new LoopTrainer(ctx, c) {
            double weight;
            Rng learnerRng = new Rng(ctx.seed() + 1);
            ReplayBuffer replay;

            @Override protected void build(int actionDim, ReplayBuffer replay) { this.replay = replay; }

            @Override protected Policy policy() {
                return new Policy() {
                    @Override public void reset() {}
                    @Override public float[] act(Step obs, boolean explore) { return new float[]{(float) Math.tanh(weight), 0}; }
                };
            }

            @Override protected Updater updater() {
                return () -> {
                    replay.sample(2, c.batchLength(), learnerRng);
                    weight += c.lr();
                    return Map.of("model_loss", 1.0 / (1 + weight));
                };
            }

            @Override protected Map<String, Checkpointer.Part> parts() {
                return Map.of("model.bin", out -> out.write(ByteBuffer.allocate(8).putDouble(weight).array()));
            }

            @Override protected void restoreParts(Checkpoint ck) throws IOException {
                weight = ByteBuffer.wrap(ck.readAllBytes("model.bin")).getDouble();
            }

            @Override protected Object extraState() {
                return Map.of("rng_seed", learnerRng.seed(), "rng_offset", learnerRng.offset());
            }

            @Override protected void restoreExtraState(JsonNode n) {
                learnerRng = new Rng(n.get("rng_seed").asLong(), n.get("rng_offset").asLong());
            }
        };
    }
}
