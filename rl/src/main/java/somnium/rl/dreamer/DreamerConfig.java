package somnium.rl.dreamer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import somnium.rl.train.EnvOptions;
import somnium.rl.train.LoopConfig;
import somnium.rl.train.LoopSchedule;
import somnium.rl.train.config.Configs;
import somnium.rl.train.config.Doc;

/**
 * Dreamer (V1, Hafner et al. 2020) hyperparameters, defaults from danijar/dreamer {@code define_config}.
 * Step counts are environment steps (agent steps x action repeat), as Dreamer counts them. The paper trained
 * in fp16; Somnium computes in fp32.
 */
public record DreamerConfig(
        @Doc("environment steps per agent action (2 for every DMC task)") int actionRepeat,
        @Doc("total environment steps to train for") long steps,
        @Doc("environment steps of random actions before learning") long prefill,
        @Doc("environment steps between training bursts") long trainEvery,
        @Doc("gradient updates per burst") int trainSteps,
        @Doc("sequences per batch") int batchSize,
        @Doc("steps per sequence") int batchLength,
        @Doc("episode time limit in environment steps (500 agent steps at repeat 2)") int maxEpisodeLength,
        @Doc("replay capacity in steps (Dreamer V1 keeps every episode)") long replayCapacity,
        @Doc("learn from 64x64 pixels (true) or from the low-dimensional state (false)") boolean useImages,
        @Doc("deterministic (GRU) state size") int deter,
        @Doc("stochastic state size") int stoch,
        @Doc("hidden units of the dense layers (num_units)") int hidden,
        @Doc("channel multiplier of the conv encoder and decoder") int cnnDepth,
        @Doc("activation of the dense layers") String activation,
        @Doc("KL free nats") double freeNats,
        @Doc("KL loss scale") double klScale,
        @Doc("learn a continuation (discount) head") boolean pcont,
        @Doc("weight of the continuation loss") double pcontScale,
        @Doc("world model learning rate") double modelLr,
        @Doc("actor learning rate") double actorLr,
        @Doc("value learning rate") double valueLr,
        @Doc("gradient norm clip") double gradClip,
        @Doc("imagination horizon H") int imagHorizon,
        @Doc("discount gamma") double discount,
        @Doc("lambda of the lambda-returns (disclam)") double returnLambda,
        @Doc("std of the Gaussian exploration noise added to actions while collecting") double explNoise,
        @Doc("weight of the actor's entropy bonus (0 in Dreamer V1; DreamerV2 uses 1e-4 on normalised returns)") double actorEntropy,
        @Doc("evaluate every this many environment steps (0 = never)") long evalEvery,
        @Doc("episodes per evaluation") int evalEpisodes,
        @Doc("checkpoint every this many environment steps") long checkpointEvery) implements LoopConfig {

    public DreamerConfig {
        pos("action_repeat", actionRepeat);
        pos("steps", steps);
        pos("train_every", trainEvery);
        pos("train_steps", trainSteps);
        pos("batch_size", batchSize);
        pos("batch_length", batchLength);
        pos("max_episode_length", maxEpisodeLength);
        pos("replay_capacity", replayCapacity);
        pos("deter", deter);
        pos("stoch", stoch);
        pos("hidden", hidden);
        pos("cnn_depth", cnnDepth);
        pos("imag_horizon", imagHorizon);
        if (prefill < batchLength * (long) actionRepeat)
            throw new IllegalArgumentException("prefill (" + prefill + " env steps) must cover at least one sequence of batch_length ("
                    + batchLength + ") x action_repeat (" + actionRepeat + ")");
        if (!(discount > 0 && discount <= 1)) throw new IllegalArgumentException("discount must be in (0, 1], got " + discount);
        if (!(returnLambda >= 0 && returnLambda <= 1)) throw new IllegalArgumentException("return_lambda must be in [0, 1], got " + returnLambda);
        if (freeNats < 0 || klScale < 0 || pcontScale < 0 || explNoise < 0 || actorEntropy < 0 || evalEvery < 0 || evalEpisodes < 0 || checkpointEvery < 0)
            throw new IllegalArgumentException("free_nats, kl_scale, pcont_scale, expl_noise, actor_entropy, eval_every, eval_episodes and checkpoint_every must be >= 0");
        if (!(modelLr > 0) || !(actorLr > 0) || !(valueLr > 0) || !(gradClip > 0))
            throw new IllegalArgumentException("model_lr, actor_lr, value_lr and grad_clip must be > 0");
        if (maxEpisodeLength % actionRepeat != 0)
            throw new IllegalArgumentException("max_episode_length (" + maxEpisodeLength + ") must be a multiple of action_repeat (" + actionRepeat + ")");
    }

    private static void pos(String key, long v) {
        if (v < 1) throw new IllegalArgumentException(key + " must be >= 1, got " + v);
    }

    /** The overrides of {@code small} that make the {@code small-slow-actor} preset. */
    public static final List<String> SLOW_ACTOR = List.of("action_repeat=4", "train_every=1000", "train_steps=100", "actor_lr=2e-5", "value_lr=3e-4");

    /** Dreamer V1's defaults (its DMC setting). */
    public static DreamerConfig defaults() {
        return new DreamerConfig(2, 5_000_000, 5000, 1000, 100, 50, 50, 1000, 5_000_000, true,
                200, 30, 400, 32, "elu",
                3.0, 1.0, false, 10.0,
                6e-4, 8e-5, 8e-5, 100.0,
                15, 0.99, 0.95, 0.3, 0.0,
                10_000, 1, 100_000);
    }

    /**
     * Presets: {@code default} and {@code dmc} (the paper's DMC setting, identical); {@code small}, a
     * CPU-friendly setting from the low-dimensional state (not a paper setting); and {@code small-slow-actor}
     * (not a paper setting either): {@code small} with action repeat 4 (the 15 imagined steps then span 60
     * environment steps), the paper's update ratio (100 updates every 1000 environment steps), a 4x slower actor
     * (2e-5) and a 3.75x faster value model (3e-4). With {@code small}'s 8e-5 / 8e-5 the actor collapses onto a
     * saturated constant action within a few hundred updates on dmc:cartpole-swingup; with this preset it learns
     * that task from states in 5 of 5 seeds (docs/results.md, "Dreamer", 2026-11-26b).
     */
    public static Map<String, DreamerConfig> presets() {
        Map<String, DreamerConfig> m = new LinkedHashMap<>();
        m.put("default", defaults());
        m.put("dmc", defaults());
        m.put("small", new DreamerConfig(2, 100_000, 2000, 500, 20, 16, 16, 1000, 100_000, false,
                64, 16, 64, 8, "elu",
                3.0, 1.0, false, 10.0,
                6e-4, 8e-5, 8e-5, 100.0,
                15, 0.99, 0.95, 0.3, 0.0,
                10_000, 2, 10_000));
        m.put("small-slow-actor", Configs.withOverrides(m.get("small"), SLOW_ACTOR));
        return m;
    }

    public LoopSchedule schedule() {
        return LoopSchedule.dreamer(steps, actionRepeat, prefill, trainEvery, trainSteps, explNoise, evalEvery, evalEpisodes, checkpointEvery);
    }

    public EnvOptions envOptions() {
        return new EnvOptions(actionRepeat, useImages, maxEpisodeLength);
    }
}
