package somnium.rl.train;

/**
 * What {@link LoopTrainer} needs from an algorithm's config record: the loop cadence, how to build the
 * environment, and the replay capacity. PlaNetConfig and DreamerConfig implement it.
 */
public interface LoopConfig {
    LoopSchedule schedule();

    EnvOptions envOptions();

    /** Replay capacity in environment steps. */
    long replayCapacity();
}
