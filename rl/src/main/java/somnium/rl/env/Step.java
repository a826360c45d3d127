package somnium.rl.env;

/**
 * The result of one {@link Env#step(float[])}.
 *
 * @param terminated the episode reached a terminal state (no bootstrapping past it)
 * @param truncated  the episode was cut off (time limit): bootstrap from {@code observation}
 */
public record Step(Observation observation, double reward, boolean terminated, boolean truncated) {
    /** True when the episode is over for either reason. */
    public boolean done() {
        return terminated || truncated;
    }
}
