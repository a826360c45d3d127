package somnium.rl.env;

/** Base of the wrappers: forwards everything to the wrapped env; a wrapper overrides what it changes. */
public abstract class EnvWrapper implements Env {
    protected final Env env;

    protected EnvWrapper(Env env) {
        this.env = env;
    }

    /** The wrapped env. */
    public Env inner() {
        return env;
    }

    /** The innermost (unwrapped) env. */
    public Env unwrapped() {
        Env e = env;
        while (e instanceof EnvWrapper w) e = w.env;
        return e;
    }

    @Override
    public String id() {
        return env.id();
    }

    @Override
    public ObservationSpec observationSpec() {
        return env.observationSpec();
    }

    @Override
    public ActionSpec actionSpec() {
        return env.actionSpec();
    }

    @Override
    public Observation reset(long seed) {
        return env.reset(seed);
    }

    @Override
    public Observation reset() {
        return env.reset();
    }

    @Override
    public Step step(float[] action) {
        return env.step(action);
    }

    @Override
    public void render(byte[] out, int width, int height) {
        env.render(out, width, height);
    }

    @Override
    public double stepSeconds() {
        return env.stepSeconds();
    }

    @Override
    public void close() {
        env.close();
    }
}
