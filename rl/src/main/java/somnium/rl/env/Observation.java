package somnium.rl.env;

import java.util.Arrays;

/**
 * What an environment returns: a state vector, an image, or both (either may be null).
 *
 * @param state  proprioceptive / low-dimensional state (float32, the reference env's order), or null
 * @param pixels an RGB image, row-major HWC uint8 ({@code height*width*channels} bytes), or null.
 *               Read bytes as unsigned ({@code b & 0xFF}).
 */
public record Observation(float[] state, byte[] pixels) {
    public static Observation ofState(float[] state) {
        return new Observation(state, null);
    }

    public boolean hasState() {
        return state != null;
    }

    public boolean hasPixels() {
        return pixels != null;
    }

    /** A deep copy (wrappers created with buffer reuse hand out arrays that a later step overwrites). */
    public Observation copy() {
        return new Observation(state == null ? null : state.clone(), pixels == null ? null : pixels.clone());
    }

    @Override
    public String toString() {
        return "Observation[state=" + Arrays.toString(state)
                + (pixels == null ? "" : ", pixels=" + pixels.length + " bytes") + "]";
    }
}
