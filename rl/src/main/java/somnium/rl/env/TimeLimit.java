package somnium.rl.env;

/**
 * Ends an episode after {@code maxSteps} steps with {@code truncated = true} (and {@code terminated}
 * as the inner env says: a terminal on the last step stays a terminal). Stepping past the end is an error.
 */
public final class TimeLimit extends EnvWrapper {
    private final int maxSteps;
    private int elapsed;
    private boolean over = true;

    public TimeLimit(Env env, int maxSteps) {
        super(env);
        if (maxSteps < 1) throw new IllegalArgumentException("TimeLimit: maxSteps must be >= 1, got " + maxSteps);
        this.maxSteps = maxSteps;
    }

    public int maxSteps() {
        return maxSteps;
    }

    /** Steps taken in the current episode. */
    public int elapsed() {
        return elapsed;
    }

    @Override
    public Observation reset(long seed) {
        elapsed = 0;
        over = false;
        return env.reset(seed);
    }

    @Override
    public Observation reset() {
        elapsed = 0;
        over = false;
        return env.reset();
    }

    @Override
    public Step step(float[] action) {
        if (over) throw new IllegalStateException(id() + ": step() called after the episode ended (time limit "
                + maxSteps + "); call reset()");
        Step s = env.step(action);
        elapsed++;
        boolean truncated = s.truncated() || (elapsed >= maxSteps && !s.terminated());
        if (s.terminated() || truncated) over = true;
        return truncated == s.truncated() ? s : new Step(s.observation(), s.reward(), s.terminated(), true);
    }
}
