package somnium.rl.replay;

import java.util.Arrays;
import java.util.Objects;

/**
 * One time step as the replay stores it, in the Dreamer convention: the observation reached at this step,
 * the action that led to it, the reward received on arriving here, and how the episode ended here, if it
 * did. The first step of an episode (the observation after {@code reset}) carries a zero action and a
 * zero reward; its "is first" flag is implied by its position.
 *
 * <p>{@code terminated} means the MDP ended (no bootstrap: the discount after this step is 0);
 * {@code truncated} means the episode was cut (time limit), the state is not terminal and a value may be
 * bootstrapped. Both are never true together in one step's meaning of "last": if both are set the
 * episode counts as terminated.
 *
 * @param state  the low-dimensional observation (may be empty when learning from pixels only)
 * @param image  an optional 64x64x3 uint8 frame in HWC order, or {@code null}
 * @param action the action that produced this step (zeros on the first step), in [-1, 1] by convention
 * @param reward the reward received on arriving here (0 on the first step)
 */
public record Step(float[] state, byte[] image, float[] action, float reward, boolean terminated, boolean truncated) {
    public static final int IMAGE_SIZE = 64;
    public static final int IMAGE_CHANNELS = 3;
    public static final int IMAGE_BYTES = IMAGE_SIZE * IMAGE_SIZE * IMAGE_CHANNELS;

    public Step {
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(action, "action");
        if (image != null && image.length != IMAGE_BYTES)
            throw new IllegalArgumentException("Step.image must hold 64*64*3 = " + IMAGE_BYTES + " bytes (HWC uint8), got " + image.length);
        if (!Float.isFinite(reward)) throw new IllegalArgumentException("Step.reward must be finite, got " + reward);
    }

    /** The first step of an episode: its observation, a zero action of {@code actionDim}, reward 0. */
    public static Step first(float[] state, byte[] image, int actionDim) {
        return new Step(state, image, new float[actionDim], 0f, false, false);
    }

    /** Whether the episode ends at this step, by termination or truncation. */
    public boolean isLast() {
        return terminated || truncated;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Step s && Arrays.equals(state, s.state) && Arrays.equals(image, s.image)
                && Arrays.equals(action, s.action) && Float.compare(reward, s.reward) == 0
                && terminated == s.terminated && truncated == s.truncated;
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(state), Arrays.hashCode(image), Arrays.hashCode(action), reward, terminated, truncated);
    }

    @Override
    public String toString() {
        return "Step(state=" + Arrays.toString(state) + ", image=" + (image == null ? "none" : "64x64x3") + ", action="
                + Arrays.toString(action) + ", reward=" + reward + (terminated ? ", terminated" : "") + (truncated ? ", truncated" : "") + ")";
    }
}
