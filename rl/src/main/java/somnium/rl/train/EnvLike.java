package somnium.rl.train;

import somnium.rl.replay.Step;

/**
 * The environment as the train loop sees it: the smallest surface PlaNet and Dreamer need. The env module
 * adapts its environments to this (action repeat and time limit applied inside, actions in [-1, 1]).
 * Steps follow the {@link Step} convention: {@code reset} returns the first step (zero action, zero
 * reward); {@code step} returns the next one, with {@code terminated} or {@code truncated} set on the last.
 */
public interface EnvLike extends AutoCloseable {
    /** Size of the continuous action vector; every component lies in [-1, 1]. */
    int actionDim();

    /** Starts an episode; {@code seed} fixes its initial state so that runs and resumes are reproducible. */
    Step reset(long seed);

    /** Applies {@code action} (with the env's action repeat) and returns the step reached. */
    Step step(float[] action);

    @Override
    default void close() {}
}
