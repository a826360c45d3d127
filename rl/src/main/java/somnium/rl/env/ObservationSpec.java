package somnium.rl.env;

import java.util.Arrays;

/**
 * The observation space: a state vector of {@code stateSize} floats (0 if none) with bounds, and/or an
 * image of {@code height x width x channels} uint8 (all 0 if none).
 */
public record ObservationSpec(int stateSize, double[] low, double[] high, int height, int width, int channels) {
    public static ObservationSpec state(double[] low, double[] high) {
        return new ObservationSpec(low.length, low, high, 0, 0, 0);
    }

    /** A state vector of {@code n} unbounded floats. */
    public static ObservationSpec unbounded(int n) {
        double[] lo = new double[n], hi = new double[n];
        Arrays.fill(lo, Double.NEGATIVE_INFINITY);
        Arrays.fill(hi, Double.POSITIVE_INFINITY);
        return state(lo, hi);
    }

    public boolean hasState() {
        return stateSize > 0;
    }

    public boolean hasPixels() {
        return height > 0;
    }

    public ObservationSpec withPixels(int h, int w, int c, boolean keepState) {
        return keepState ? new ObservationSpec(stateSize, low, high, h, w, c)
                : new ObservationSpec(0, new double[0], new double[0], h, w, c);
    }

    @Override
    public String toString() {
        return "ObservationSpec[state=" + stateSize + (hasPixels() ? ", pixels=" + height + "x" + width + "x" + channels : "") + "]";
    }
}
