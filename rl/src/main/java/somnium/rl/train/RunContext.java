package somnium.rl.train;

import somnium.tensor.Device;

/**
 * Everything a trainer gets from the CLI: where the run lives, what to train on, the resolved config and the
 * shared services (metrics log, checkpointer, environments).
 *
 * @param runDir       the run's directory
 * @param algorithm    the algorithm's name
 * @param envId        the environment id (valid in {@code envs})
 * @param config       the resolved config record, of the algorithm's {@link Algorithm#configType()}
 * @param seed         the run's seed (derive every Rng from it)
 * @param device       where tensors live
 * @param envs         builds environments
 * @param metrics      the run's metrics.jsonl
 * @param checkpointer the run's checkpoints/
 */
public record RunContext(RunDir runDir, String algorithm, String envId, Record config, long seed, Device device, EnvCatalog envs,
                         MetricsLog metrics, Checkpointer checkpointer) {
    /** The config as its concrete type; a clear error if it is another algorithm's. */
    public <C extends Record> C config(Class<C> type) {
        if (!type.isInstance(config))
            throw new IllegalStateException("run config is a " + config.getClass().getSimpleName() + ", not a " + type.getSimpleName());
        return type.cast(config);
    }

    /** Builds the run's environment. */
    public EnvLike makeEnv(EnvOptions options) {
        return envs.make(envId, options);
    }
}
