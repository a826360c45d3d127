package somnium.rl.env;

/**
 * Stacks the last {@code k} observations: images along the channel axis (HWC with 3k channels, the
 * oldest frame first), state vectors concatenated (oldest first). After a reset the first observation
 * fills all k slots. TD-MPC2's pixel setting uses k = 3.
 */
public final class FrameStack extends EnvWrapper {
    private final int k;
    private final Observation[] frames;
    private int head; // index of the oldest frame

    public FrameStack(Env env, int k) {
        super(env);
        if (k < 1) throw new IllegalArgumentException("FrameStack: k must be >= 1, got " + k);
        this.k = k;
        this.frames = new Observation[k];
    }

    @Override
    public ObservationSpec observationSpec() {
        ObservationSpec s = env.observationSpec();
        double[] lo = new double[s.stateSize() * k], hi = new double[s.stateSize() * k];
        for (int i = 0; i < k; i++) {
            System.arraycopy(s.low(), 0, lo, i * s.stateSize(), s.stateSize());
            System.arraycopy(s.high(), 0, hi, i * s.stateSize(), s.stateSize());
        }
        return new ObservationSpec(s.stateSize() * k, lo, hi, s.height(), s.width(), s.channels() * k);
    }

    private Observation first(Observation o) {
        o = o.copy();
        for (int i = 0; i < k; i++) frames[i] = o;
        head = 0;
        return stacked();
    }

    private Observation push(Observation o) {
        frames[head] = o.copy();
        head = (head + 1) % k;
        return stacked();
    }

    private Observation stacked() {
        Observation f0 = frames[0];
        float[] state = null;
        byte[] pixels = null;
        if (f0.state() != null) {
            int n = f0.state().length;
            state = new float[n * k];
            for (int i = 0; i < k; i++) System.arraycopy(frames[(head + i) % k].state(), 0, state, i * n, n);
        }
        if (f0.pixels() != null) {
            int c = env.observationSpec().channels();
            int hw = f0.pixels().length / c;
            pixels = new byte[hw * c * k];
            for (int i = 0; i < k; i++) {
                byte[] src = frames[(head + i) % k].pixels();
                for (int p = 0; p < hw; p++) System.arraycopy(src, p * c, pixels, (p * k + i) * c, c);
            }
        }
        return new Observation(state, pixels);
    }

    @Override
    public Observation reset(long seed) {
        return first(env.reset(seed));
    }

    @Override
    public Observation reset() {
        return first(env.reset());
    }

    @Override
    public Step step(float[] action) {
        Step s = env.step(action);
        return new Step(push(s.observation()), s.reward(), s.terminated(), s.truncated());
    }
}
