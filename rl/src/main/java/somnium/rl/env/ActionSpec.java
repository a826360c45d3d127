package somnium.rl.env;

import java.util.Arrays;

/**
 * The action space. Continuous: {@code size} entries, each in {@code [low[i], high[i]]}.
 * Discrete: {@code size == 1}, the single entry is an index in {@code [0, numActions)}.
 */
public record ActionSpec(int size, double[] low, double[] high, int numActions) {
    public static ActionSpec box(double low, double high, int size) {
        double[] lo = new double[size], hi = new double[size];
        Arrays.fill(lo, low);
        Arrays.fill(hi, high);
        return new ActionSpec(size, lo, hi, 0);
    }

    public static ActionSpec discrete(int n) {
        return new ActionSpec(1, new double[] {0}, new double[] {n - 1}, n);
    }

    public boolean discrete() {
        return numActions > 0;
    }

    /** Checks an action's size and values; the message names the env and the action. */
    public void check(String envId, float[] action) {
        if (action == null) throw new IllegalArgumentException(envId + ": action is null; expected " + this);
        if (action.length != size)
            throw new IllegalArgumentException(envId + ": action " + Arrays.toString(action) + " has size "
                    + action.length + ", expected " + size + " (" + this + ")");
        for (float a : action) {
            if (Float.isNaN(a))
                throw new IllegalArgumentException(envId + ": action " + Arrays.toString(action) + " contains NaN");
        }
        if (discrete()) {
            float a = action[0];
            if (a != Math.rint(a) || a < 0 || a >= numActions)
                throw new IllegalArgumentException(envId + ": action " + Arrays.toString(action)
                        + " is not a valid index of Discrete(" + numActions + ")");
        }
    }

    @Override
    public String toString() {
        return discrete() ? "Discrete(" + numActions + ")"
                : "Box(" + size + ", low=" + Arrays.toString(low) + ", high=" + Arrays.toString(high) + ")";
    }
}
