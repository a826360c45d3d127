package somnium.rl.planet;

import java.io.IOException;
import java.nio.file.Path;

import somnium.rl.env.BuiltinEnvCatalog;
import somnium.rl.train.Checkpointer;
import somnium.rl.train.MetricsLog;
import somnium.rl.train.RunContext;
import somnium.rl.train.RunDir;
import somnium.tensor.Device;

final class PlaNetFixtures {
    private PlaNetFixtures() {}

    /** A CPU-test sized PlaNet config from states (the values that matter are named in the call sites). */
    static PlaNetConfig tiny(long steps, int maxEpisodeLength, int actionRepeat, int seedEpisodes, int collectInterval, int batchSize, int batchLength,
                             int deter, int stoch, int hidden, int horizon, int iters, int candidates, int elites, double lr,
                             long evalEvery, int evalEpisodes, long checkpointEvery) {
        return new PlaNetConfig(actionRepeat, steps, seedEpisodes, collectInterval, batchSize, batchLength, maxEpisodeLength, 100_000, false,
                deter, stoch, hidden, hidden, 8, "elu",
                1.0, 1.0, 0, 0.0, 0.0,
                lr, 1e-4, 100.0, 5,
                horizon, iters, candidates, elites, 0.3,
                evalEvery, evalEpisodes, checkpointEvery);
    }

    static RunContext context(Path root, String env, PlaNetConfig cfg, long seed, MetricsLog metrics) {
        RunDir dir = new RunDir(root);
        return new RunContext(dir, "planet", env, cfg, seed, Device.CPU, new BuiltinEnvCatalog(), metrics, new Checkpointer(dir.checkpoints(), 5));
    }

    static MetricsLog metrics(Path root) throws IOException {
        java.nio.file.Files.createDirectories(root);
        return new MetricsLog(new RunDir(root).metrics());
    }
}
