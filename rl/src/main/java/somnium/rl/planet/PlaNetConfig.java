package somnium.rl.planet;

import java.util.LinkedHashMap;
import java.util.Map;

import somnium.rl.train.EnvOptions;
import somnium.rl.train.LoopConfig;
import somnium.rl.train.LoopSchedule;
import somnium.rl.train.config.Doc;

/**
 * PlaNet's hyperparameters (Hafner et al. 2019), defaults from the "camera ready" config of
 * google-research/planet (commit 0c6f7d3) and Kaixhin/PlaNet. Step counts are environment steps (after
 * action repeat). Keys are the snake_case component names; override with {@code --set key=value}.
 */
public record PlaNetConfig(
        @Doc("environment steps per agent action (PlaNet DMC: cartpole 8, reacher/cheetah/cup 4, finger/walker 2)") int actionRepeat,
        @Doc("total environment steps to train for (1000 episodes of 1000 steps)") long steps,
        @Doc("random-action episodes collected before learning") int seedEpisodes,
        @Doc("C: gradient updates per collected episode (collect_every 5000 / batch 50)") int collectInterval,
        @Doc("sequences per batch") int batchSize,
        @Doc("steps per sequence (chunk length)") int batchLength,
        @Doc("episode time limit in environment steps") int maxEpisodeLength,
        @Doc("replay capacity in steps") long replayCapacity,
        @Doc("learn from 64x64 pixels (true) or from the low-dimensional state (false)") boolean useImages,
        @Doc("deterministic (GRU) state size") int deter,
        @Doc("stochastic state size") int stoch,
        @Doc("hidden units of the transition, posterior and heads (3x300 ReLU)") int hidden,
        @Doc("observation embedding size") int embed,
        @Doc("channel multiplier of the conv encoder and decoder") int cnnDepth,
        @Doc("activation of the dense layers") String activation,
        @Doc("KL free nats") double freeNats,
        @Doc("weight of the reward loss") double rewardScale,
        @Doc("latent overshooting distance (0 = off, as in the final config)") int overshooting,
        @Doc("weight of the overshooting KL (0 = off)") double overshootingKlBeta,
        @Doc("weight of the global KL to a standard normal (0 = off)") double globalKlBeta,
        @Doc("Adam learning rate of the model") double modelLr,
        @Doc("Adam epsilon") double adamEps,
        @Doc("gradient norm clip") double gradClip,
        @Doc("bits per colour channel of the observations (images quantized to 5 bits)") int bitDepth,
        @Doc("CEM planning horizon H") int planHorizon,
        @Doc("CEM iterations I") int optimisationIters,
        @Doc("CEM candidates J") int candidates,
        @Doc("CEM elites K") int topCandidates,
        @Doc("std of the Gaussian exploration noise added to planned actions") double explNoise,
        @Doc("evaluate every this many environment steps (0 = never)") long evalEvery,
        @Doc("episodes per evaluation") int evalEpisodes,
        @Doc("checkpoint every this many environment steps") long checkpointEvery) implements LoopConfig {

    public PlaNetConfig {
        positive("action_repeat", actionRepeat);
        positive("steps", steps);
        positive("collect_interval", collectInterval);
        positive("batch_size", batchSize);
        positive("batch_length", batchLength);
        positive("max_episode_length", maxEpisodeLength);
        positive("replay_capacity", replayCapacity);
        positive("deter", deter);
        positive("stoch", stoch);
        positive("hidden", hidden);
        positive("embed", embed);
        positive("cnn_depth", cnnDepth);
        positive("plan_horizon", planHorizon);
        positive("optimisation_iters", optimisationIters);
        positive("candidates", candidates);
        positive("top_candidates", topCandidates);
        if (seedEpisodes < 1) throw new IllegalArgumentException("seed_episodes must be >= 1 (the first updates need data), got " + seedEpisodes);
        if (topCandidates > candidates) throw new IllegalArgumentException("top_candidates (" + topCandidates + ") must be <= candidates (" + candidates + ")");
        if (bitDepth < 1 || bitDepth > 8) throw new IllegalArgumentException("bit_depth must be in [1, 8], got " + bitDepth);
        if (freeNats < 0 || rewardScale < 0 || overshooting < 0 || overshootingKlBeta < 0 || globalKlBeta < 0 || explNoise < 0
                || evalEvery < 0 || evalEpisodes < 0 || checkpointEvery < 0)
            throw new IllegalArgumentException("free_nats, reward_scale, overshooting, *_kl_beta, expl_noise, eval_every, eval_episodes and checkpoint_every must be >= 0");
        if (!(modelLr > 0) || !(adamEps > 0) || !(gradClip > 0)) throw new IllegalArgumentException("model_lr, adam_eps and grad_clip must be > 0");
        if (maxEpisodeLength % actionRepeat != 0)
            throw new IllegalArgumentException("max_episode_length (" + maxEpisodeLength + ") must be a multiple of action_repeat (" + actionRepeat + ")");
    }

    private static void positive(String key, long v) {
        if (v < 1) throw new IllegalArgumentException(key + " must be >= 1, got " + v);
    }

    /** The paper's defaults (action repeat 4, the most common one; use a task preset for the others). */
    public static PlaNetConfig defaults() {
        return new PlaNetConfig(4, 1_000_000, 5, 100, 50, 50, 1000, 1_000_000, true,
                200, 30, 300, 1024, 32, "relu",
                3.0, 10.0, 0, 0.0, 0.0,
                1e-3, 1e-4, 1000.0, 5,
                12, 10, 1000, 100, 0.3,
                25_000, 10, 50_000);
    }

    public PlaNetConfig withActionRepeat(int r) {
        return new PlaNetConfig(r, steps, seedEpisodes, collectInterval, batchSize, batchLength, maxEpisodeLength, replayCapacity, useImages,
                deter, stoch, hidden, embed, cnnDepth, activation, freeNats, rewardScale, overshooting, overshootingKlBeta, globalKlBeta,
                modelLr, adamEps, gradClip, bitDepth, planHorizon, optimisationIters, candidates, topCandidates, explNoise,
                evalEvery, evalEpisodes, checkpointEvery);
    }

    /**
     * Presets: {@code default}; one per PlaNet DMC task with its action repeat (planet/scripts/tasks.py):
     * {@code cartpole} 8, {@code reacher} 4, {@code cheetah} 4, {@code cup} 4, {@code finger} 2, {@code walker} 2;
     * and {@code small}, a CPU-friendly setting from the low-dimensional state (not a paper setting).
     */
    public static Map<String, PlaNetConfig> presets() {
        PlaNetConfig d = defaults();
        Map<String, PlaNetConfig> m = new LinkedHashMap<>();
        m.put("default", d);
        m.put("cartpole", d.withActionRepeat(8));
        m.put("reacher", d.withActionRepeat(4));
        m.put("cheetah", d.withActionRepeat(4));
        m.put("cup", d.withActionRepeat(4));
        m.put("finger", d.withActionRepeat(2));
        m.put("walker", d.withActionRepeat(2));
        m.put("small", new PlaNetConfig(8, 50_000, 2, 20, 16, 16, 1000, 100_000, false,
                32, 8, 64, 64, 8, "relu",
                3.0, 10.0, 0, 0.0, 0.0,
                1e-3, 1e-4, 1000.0, 5,
                8, 4, 100, 10, 0.3,
                10_000, 2, 10_000));
        return m;
    }

    /** The preset for an env id: the DMC domain's action repeat when the id names one (e.g. {@code walker-walk}). */
    public static String presetFor(String envId) {
        String domain = envId.toLowerCase(java.util.Locale.ROOT).replaceFirst("^dmc[/:_-]", "").split("[-_/:.]")[0];
        return presets().containsKey(domain) && !domain.equals("default") && !domain.equals("small") ? domain : "default";
    }

    /** The train-loop cadence of this config. */
    public LoopSchedule schedule() {
        return LoopSchedule.planet(steps, actionRepeat, seedEpisodes, collectInterval, explNoise, evalEvery, evalEpisodes, checkpointEvery);
    }

    public EnvOptions envOptions() {
        return new EnvOptions(actionRepeat, useImages, maxEpisodeLength);
    }
}
