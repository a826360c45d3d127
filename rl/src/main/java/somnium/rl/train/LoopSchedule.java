package somnium.rl.train;

/**
 * When the common PlaNet/Dreamer data loop collects, trains, evaluates and checkpoints. All step counts are
 * <b>environment steps</b> (agent steps x action repeat), as in Dreamer's logs and the papers' x axes.
 *
 * @param totalSteps        stop after this many environment steps
 * @param actionRepeat      environment steps per agent step (the env applies it; the loop counts with it)
 * @param seedEpisodes      PlaNet: episodes of uniform random actions before learning starts
 * @param prefillSteps      Dreamer: environment steps of random actions before learning starts
 * @param updatesPerEpisode PlaNet's C: gradient updates before each collected policy episode (0 = off)
 * @param trainEvery        Dreamer: environment steps between training bursts (0 = off)
 * @param trainSteps        Dreamer: gradient updates per burst
 * @param explNoise         std of the Gaussian noise added to policy actions while collecting (clipped to [-1, 1])
 * @param evalEvery         evaluate when this many environment steps have passed (at the next episode end; 0 = never)
 * @param evalEpisodes      episodes per evaluation
 * @param checkpointEvery   checkpoint when this many environment steps have passed (at the next episode end; 0 = only at the end)
 */
public record LoopSchedule(long totalSteps, int actionRepeat, int seedEpisodes, long prefillSteps, int updatesPerEpisode,
                           long trainEvery, int trainSteps, double explNoise, long evalEvery, int evalEpisodes,
                           long checkpointEvery) {
    public LoopSchedule {
        if (totalSteps < 1) throw new IllegalArgumentException("totalSteps must be >= 1, got " + totalSteps);
        if (actionRepeat < 1) throw new IllegalArgumentException("actionRepeat must be >= 1, got " + actionRepeat);
        if (seedEpisodes < 0 || prefillSteps < 0 || updatesPerEpisode < 0 || trainEvery < 0 || trainSteps < 0
                || evalEvery < 0 || evalEpisodes < 0 || checkpointEvery < 0)
            throw new IllegalArgumentException("schedule counts must be >= 0: " + this);
        if (explNoise < 0) throw new IllegalArgumentException("explNoise must be >= 0, got " + explNoise);
        if (updatesPerEpisode == 0 && (trainEvery == 0 || trainSteps == 0))
            throw new IllegalArgumentException("the schedule never trains: set updatesPerEpisode (PlaNet) or trainEvery and trainSteps (Dreamer)");
    }

    /** PlaNet: seed episodes, then C updates before each new policy episode. */
    public static LoopSchedule planet(long totalSteps, int actionRepeat, int seedEpisodes, int updatesPerEpisode, double explNoise,
                                      long evalEvery, int evalEpisodes, long checkpointEvery) {
        return new LoopSchedule(totalSteps, actionRepeat, seedEpisodes, 0, updatesPerEpisode, 0, 0, explNoise, evalEvery, evalEpisodes, checkpointEvery);
    }

    /** Dreamer: prefill steps, then {@code trainSteps} updates every {@code trainEvery} environment steps. */
    public static LoopSchedule dreamer(long totalSteps, int actionRepeat, long prefillSteps, long trainEvery, int trainSteps, double explNoise,
                                       long evalEvery, int evalEpisodes, long checkpointEvery) {
        return new LoopSchedule(totalSteps, actionRepeat, 0, prefillSteps, 0, trainEvery, trainSteps, explNoise, evalEvery, evalEpisodes, checkpointEvery);
    }
}
