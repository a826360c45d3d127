package somnium.rl.train;

import somnium.rl.replay.Step;

/** Acts in the environment: PlaNet's CEM planner, Dreamer's actor. Keeps its own recurrent state. */
public interface Policy {
    /** Called before the first step of every episode (reset the belief / latent state). */
    void reset();

    /**
     * The action for the step just observed. {@code explore} is true while collecting training data (the
     * loop then adds its Gaussian exploration noise on top), false in evaluation.
     */
    float[] act(Step observation, boolean explore);
}
