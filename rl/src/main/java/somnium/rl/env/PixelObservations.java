package somnium.rl.env;

/**
 * Adds a rendered {@value Env#IMAGE_SIZE}x{@value Env#IMAGE_SIZE} (or given size) RGB image (HWC uint8)
 * to every observation, optionally dropping the state vector (Dreamer / PlaNet "vision" setting).
 *
 * <p>By default each observation gets a fresh 12 KB array, so observations can be kept. With
 * {@code reuseBuffers = true} the wrapper alternates between two arrays it owns: the pixels of an
 * observation stay valid until two more observations have been returned (enough to store a transition
 * (o_t, a_t, r_t, o_t+1)); call {@link Observation#copy()} to keep them longer.
 */
public final class PixelObservations extends EnvWrapper {
    private final boolean keepState, reuseBuffers;
    private final int width, height;
    private final byte[][] buffers = new byte[2][];
    private int next;

    public PixelObservations(Env env) {
        this(env, false, IMAGE_SIZE, IMAGE_SIZE, false);
    }

    public PixelObservations(Env env, boolean keepState, int width, int height, boolean reuseBuffers) {
        super(env);
        this.keepState = keepState;
        this.width = width;
        this.height = height;
        this.reuseBuffers = reuseBuffers;
    }

    @Override
    public ObservationSpec observationSpec() {
        return env.observationSpec().withPixels(height, width, 3, keepState);
    }

    private Observation withPixels(Observation o) {
        byte[] px;
        if (reuseBuffers) {
            if (buffers[next] == null) buffers[next] = new byte[width * height * 3];
            px = buffers[next];
            next ^= 1;
        } else {
            px = new byte[width * height * 3];
        }
        env.render(px, width, height);
        return new Observation(keepState ? o.state() : null, px);
    }

    @Override
    public Observation reset(long seed) {
        return withPixels(env.reset(seed));
    }

    @Override
    public Observation reset() {
        return withPixels(env.reset());
    }

    @Override
    public Step step(float[] action) {
        Step s = env.step(action);
        return new Step(withPixels(s.observation()), s.reward(), s.terminated(), s.truncated());
    }
}
