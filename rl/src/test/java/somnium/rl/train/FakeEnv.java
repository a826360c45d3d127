package somnium.rl.train;

import java.util.ArrayList;
import java.util.List;

import somnium.rl.replay.Step;

/** A deterministic toy environment: fixed-length episodes, reward = first action component, optional frames. */
public final class FakeEnv implements EnvLike {
    final int length;
    final boolean images;
    int t;
    long episodeSeed;
    public final List<String> log = new ArrayList<>();

    public FakeEnv(int length, boolean images) {
        this.length = length;
        this.images = images;
    }

    @Override public int actionDim() { return 2; }

    private byte[] frame() {
        if (!images) return null;
        byte[] f = new byte[Step.IMAGE_BYTES];
        java.util.Arrays.fill(f, (byte) (t * 10));
        return f;
    }

    @Override
    public Step reset(long seed) {
        t = 0;
        episodeSeed = seed;
        log.add("reset " + seed);
        return Step.first(new float[]{seed % 1000, 0}, frame(), 2);
    }

    @Override
    public Step step(float[] action) {
        if (t >= length) throw new IllegalStateException("step after the end");
        t++;
        log.add(action[0] + "," + action[1]);
        return new Step(new float[]{episodeSeed % 1000, t}, frame(), action.clone(), action[0], false, t == length);
    }
}
