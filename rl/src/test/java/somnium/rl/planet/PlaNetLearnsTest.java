package somnium.rl.planet;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

import somnium.rl.replay.Step;
import somnium.rl.train.EnvLike;
import somnium.rl.train.EvalResult;
import somnium.rl.train.MetricsLog;
import somnium.rl.train.Policy;
import somnium.rl.train.ProgressSink;
import somnium.rl.train.RunContext;
import somnium.rl.train.TrainLoop;
import somnium.tensor.Rng;

/**
 * A short PlaNet run from states beats the random policy, evaluated on the same episode seeds.
 *
 * <p>Opt-in ({@code -Dsomnium.slowTests=true}): it does not yet learn reliably within the unit-test budget.
 * Measured on the 2-core box under a load average of ~10 (other jobs): dmc:cartpole-balance, 400-step episodes,
 * action repeat 8, 5 seed + 5 policy episodes, C = 50, deter 32 / stoch 8 / hidden 32, CEM H 8 I 5 J 100 K 10:
 * PlaNet 187.2 +- 27.5 vs random 138.8 +- 21.8 over 5 episodes (passes, barely), 52 s. With 4 policy episodes,
 * C = 100 and CEM I 4 J 50 K 5: PlaNet 133.5 +- 7.6 vs random 138.8 (fails), 49 s. Tune with the
 * planet.* system properties below.
 */
@EnabledIfSystemProperty(named = "somnium.slowTests", matches = "true")
class PlaNetLearnsTest {
    static final String ENV = System.getProperty("planet.env", "dmc:cartpole-balance");

    @Test
    void beatsTheRandomPolicy(@TempDir Path dir) throws Exception {
        int episodeSteps = Integer.getInteger("planet.len", 400), repeat = Integer.getInteger("planet.repeat", 8);
        int seedEps = Integer.getInteger("planet.seedEps", 5), policyEps = Integer.getInteger("planet.policyEps", 5);
        PlaNetConfig cfg = PlaNetFixtures.tiny((long) (seedEps + policyEps) * episodeSteps, episodeSteps, repeat, seedEps,
                Integer.getInteger("planet.C", 50), 16, 16, 32, 8, 32,
                Integer.getInteger("planet.H", 8), 5, 100, 10, 3e-3, 0, 0, 1_000_000);
        int episodes = 5;
        long seed = 3;
        RunContext ctx;
        EvalResult planet;
        try (MetricsLog m = PlaNetFixtures.metrics(dir)) {
            ctx = PlaNetFixtures.context(dir, ENV, cfg, seed, m);
            PlaNet.PlaNetTrainer trainer = (PlaNet.PlaNetTrainer) new PlaNet().create(ctx);
            trainer.train(ProgressSink.NONE);
            planet = trainer.evaluate(episodes, null);
        }
        // the random policy on the episode seeds trainer.evaluate uses
        EvalResult random;
        try (EnvLike env = ctx.makeEnv(cfg.envOptions())) {
            Rng actions = new Rng(99);
            Policy uniform = new Policy() {
                @Override public void reset() {}
                @Override public float[] act(Step s, boolean explore) {
                    float[] a = new float[env.actionDim()];
                    for (int i = 0; i < a.length; i++) a[i] = (float) (actions.nextDouble() * 2 - 1);
                    return a;
                }
            };
            random = TrainLoop.evaluate(env, uniform, episodes, new Rng(seed ^ 0x6A09E667F3BCC909L), null);
        }
        System.out.println(ENV + ": PlaNet " + planet + " vs random " + random);
        assertTrue(planet.mean() > random.mean() + 2 * Math.max(random.std(), 1) , "PlaNet " + planet + " vs random " + random);
    }
}
