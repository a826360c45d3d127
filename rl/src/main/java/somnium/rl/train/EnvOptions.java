package somnium.rl.train;

/**
 * How an algorithm wants its environment built.
 *
 * @param actionRepeat      each agent action is applied this many times; rewards are summed
 * @param images            whether steps must carry 64x64x3 uint8 frames
 * @param maxEpisodeSteps   time limit in environment steps (before action repeat), 0 for the env's own
 */
public record EnvOptions(int actionRepeat, boolean images, int maxEpisodeSteps) {
    public EnvOptions {
        if (actionRepeat < 1) throw new IllegalArgumentException("action repeat must be >= 1, got " + actionRepeat);
        if (maxEpisodeSteps < 0) throw new IllegalArgumentException("maxEpisodeSteps must be >= 0, got " + maxEpisodeSteps);
    }
}
