package somnium.rl.train;

/**
 * The train loop's counters and RNG position: everything a resumed loop needs to continue exactly where the
 * checkpoint left it (saved in the checkpoint's state blob under "loop").
 *
 * @param envSteps         environment steps taken (including those of an episode cut by a stop request)
 * @param episodes         training episodes completed and added to the replay
 * @param updates          gradient updates done
 * @param pendingUpdates   updates owed before the loop collects again (a stop can interrupt a burst)
 * @param nextTrainAt      Dreamer: environment step at which the next burst is due
 * @param nextEvalAt       environment step at which the next evaluation is due
 * @param nextCheckpointAt environment step at which the next checkpoint is due
 * @param evaluations      evaluations run so far (also numbers the eval seeds)
 * @param rngSeed          the loop's Rng seed (random actions, noise, episode seeds)
 * @param rngOffset        the loop's Rng offset
 */
public record LoopState(long envSteps, long episodes, long updates, long pendingUpdates, long nextTrainAt, long nextEvalAt,
                        long nextCheckpointAt, long evaluations, long rngSeed, long rngOffset) {
    /** The state of a new run. */
    public static LoopState initial(LoopSchedule s, long seed) {
        return new LoopState(0, 0, 0, 0, s.trainEvery() > 0 ? s.prefillSteps() : Long.MAX_VALUE,
                s.evalEvery() > 0 ? s.evalEvery() : Long.MAX_VALUE, s.checkpointEvery() > 0 ? s.checkpointEvery() : Long.MAX_VALUE,
                0, seed, 0);
    }
}
