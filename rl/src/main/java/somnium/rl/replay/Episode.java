package somnium.rl.replay;

import java.util.Arrays;
import java.util.List;

/**
 * A finished (or cut) episode stored compactly: flat arrays of states, uint8 images, actions and rewards,
 * and how it ended. Immutable once built. Step 0 is the reset observation (zero action, zero reward).
 */
public final class Episode {
    private final int length;
    private final int stateDim;
    private final int actionDim;
    private final float[] states;   // [length * stateDim]
    private final byte[] images;    // [length * 64*64*3] HWC, or null
    private final float[] actions;  // [length * actionDim]
    private final float[] rewards;  // [length]
    private final boolean terminated; // the last step is terminal (no bootstrap)
    private final boolean truncated;  // the last step was cut by a time limit

    /** Raw constructor (used by the file reader); arrays are taken, not copied. */
    Episode(int length, int stateDim, int actionDim, float[] states, byte[] images, float[] actions, float[] rewards,
            boolean terminated, boolean truncated) {
        if (length < 1) throw new IllegalArgumentException("an episode needs at least one step, got " + length);
        check("states", states.length, (long) length * stateDim);
        check("actions", actions.length, (long) length * actionDim);
        check("rewards", rewards.length, length);
        if (images != null) check("images", images.length, (long) length * Step.IMAGE_BYTES);
        this.length = length;
        this.stateDim = stateDim;
        this.actionDim = actionDim;
        this.states = states;
        this.images = images;
        this.actions = actions;
        this.rewards = rewards;
        this.terminated = terminated;
        this.truncated = truncated && !terminated;
    }

    private static void check(String what, long got, long want) {
        if (got != want) throw new IllegalArgumentException("Episode: " + what + " holds " + got + " values, expected " + want);
    }

    /**
     * Packs a list of steps. All steps must agree on state and action sizes and on having an image; only the
     * last step may be terminated or truncated.
     */
    public static Episode of(List<Step> steps) {
        if (steps.isEmpty()) throw new IllegalArgumentException("Episode.of: no steps");
        Step s0 = steps.get(0);
        int n = steps.size(), sd = s0.state().length, ad = s0.action().length;
        boolean img = s0.image() != null;
        float[] states = new float[n * sd], actions = new float[n * ad], rewards = new float[n];
        byte[] images = img ? new byte[n * Step.IMAGE_BYTES] : null;
        for (int t = 0; t < n; t++) {
            Step s = steps.get(t);
            if (s.state().length != sd) throw new IllegalArgumentException("Episode.of: step " + t + " has state size " + s.state().length + ", step 0 has " + sd);
            if (s.action().length != ad) throw new IllegalArgumentException("Episode.of: step " + t + " has action size " + s.action().length + ", step 0 has " + ad);
            if ((s.image() != null) != img) throw new IllegalArgumentException("Episode.of: step " + t + (img ? " lacks an image" : " has an image") + " unlike step 0");
            if (s.isLast() && t != n - 1) throw new IllegalArgumentException("Episode.of: step " + t + " ends the episode but " + (n - 1 - t) + " steps follow it");
            System.arraycopy(s.state(), 0, states, t * sd, sd);
            System.arraycopy(s.action(), 0, actions, t * ad, ad);
            if (img) System.arraycopy(s.image(), 0, images, t * Step.IMAGE_BYTES, Step.IMAGE_BYTES);
            rewards[t] = s.reward();
        }
        Step last = steps.get(n - 1);
        return new Episode(n, sd, ad, states, images, actions, rewards, last.terminated(), last.truncated());
    }

    public int length() { return length; }
    public int stateDim() { return stateDim; }
    public int actionDim() { return actionDim; }
    public boolean hasImages() { return images != null; }
    public boolean terminated() { return terminated; }
    public boolean truncated() { return truncated; }

    /** Sum of rewards (step 0's reward is 0 by convention). */
    public double totalReward() {
        double r = 0;
        for (float x : rewards) r += x;
        return r;
    }

    public float reward(int t) { return rewards[t]; }

    /** Step {@code t} as a fresh {@link Step} (copies). */
    public Step step(int t) {
        if (t < 0 || t >= length) throw new IndexOutOfBoundsException("step " + t + " of an episode of length " + length);
        boolean last = t == length - 1;
        return new Step(Arrays.copyOfRange(states, t * stateDim, (t + 1) * stateDim),
                images == null ? null : Arrays.copyOfRange(images, t * Step.IMAGE_BYTES, (t + 1) * Step.IMAGE_BYTES),
                Arrays.copyOfRange(actions, t * actionDim, (t + 1) * actionDim), rewards[t],
                last && terminated, last && truncated);
    }

    // package-private raw access for the sampler and the file format
    float[] states() { return states; }
    byte[] images() { return images; }
    float[] actions() { return actions; }
    float[] rewards() { return rewards; }

    /** Same content, step by step (for tests and resume checks). */
    public boolean contentEquals(Episode o) {
        return length == o.length && stateDim == o.stateDim && actionDim == o.actionDim && terminated == o.terminated
                && truncated == o.truncated && Arrays.equals(states, o.states) && Arrays.equals(images, o.images)
                && Arrays.equals(actions, o.actions) && Arrays.equals(rewards, o.rewards);
    }

    @Override
    public String toString() {
        return "Episode(length=" + length + ", stateDim=" + stateDim + ", actionDim=" + actionDim + (images != null ? ", images" : "")
                + ", return=" + totalReward() + (terminated ? ", terminated" : truncated ? ", truncated" : "") + ")";
    }
}
