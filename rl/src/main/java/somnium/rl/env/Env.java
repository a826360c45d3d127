package somnium.rl.env;

/**
 * A reinforcement-learning environment: {@link #reset(long)}, then {@link #step(float[])} until the
 * episode ends (terminated: a real terminal state; truncated: a time limit or other cut-off).
 *
 * <p>Conventions shared by every Somnium environment:
 * <ul>
 *   <li>Actions are always a {@code float[]}. A continuous action has {@link ActionSpec#size()} entries;
 *       a discrete one is a single entry holding the index (0, 1, ...). A wrong size, a NaN or a
 *       non-integer discrete index is an {@link IllegalArgumentException} naming the env and the action.
 *       Out-of-range continuous actions are clipped the way the reference environment clips them.</li>
 *   <li>Calling {@code step} before {@code reset}, or after the episode ended, is an
 *       {@link IllegalStateException}.</li>
 *   <li>{@code reset(seed)} makes the episode a pure function of the seed (and the actions);
 *       {@code reset()} continues the environment's random stream (used by auto-reset).</li>
 *   <li>{@link #render(byte[], int, int)} draws the current state as RGB, row-major HWC uint8, into a
 *       caller-owned buffer, without allocating (after the first call at a given size).</li>
 * </ul>
 */
public interface Env extends AutoCloseable {
    /** Side of the square images agents use (PlaNet, Dreamer, TD-MPC2 all render 64x64). */
    int IMAGE_SIZE = 64;

    /** The registry id, e.g. {@code dmc:cartpole-swingup}, or a description for wrapped envs. */
    String id();

    ObservationSpec observationSpec();

    ActionSpec actionSpec();

    /** Starts a new episode whose randomness comes only from {@code seed}. */
    Observation reset(long seed);

    /** Starts a new episode continuing this env's random stream (seeded by the last {@code reset(seed)}, or 0). */
    Observation reset();

    /** Advances one step. */
    Step step(float[] action);

    /** Renders the current state into {@code out} (length {@code width*height*3}, HWC RGB uint8). */
    void render(byte[] out, int width, int height);

    /** Renders a {@value #IMAGE_SIZE}x{@value #IMAGE_SIZE} frame into {@code out} (length 12288). */
    default void render(byte[] out) {
        render(out, IMAGE_SIZE, IMAGE_SIZE);
    }

    /** Allocates and returns a {@value #IMAGE_SIZE}x{@value #IMAGE_SIZE} frame. */
    default byte[] render() {
        byte[] out = new byte[IMAGE_SIZE * IMAGE_SIZE * 3];
        render(out);
        return out;
    }

    /** The physical duration of one step in seconds (for GIF frame timing); 0.05 if unknown. */
    default double stepSeconds() {
        return 0.05;
    }

    @Override
    default void close() {}
}
