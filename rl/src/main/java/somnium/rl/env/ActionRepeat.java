package somnium.rl.env;

/**
 * Repeats each action {@code repeat} times and sums the rewards, stopping early when the inner episode
 * ends (PlaNet / Dreamer convention: DMC repeat 2..8). The observation is the last one.
 */
public final class ActionRepeat extends EnvWrapper {
    private final int repeat;

    public ActionRepeat(Env env, int repeat) {
        super(env);
        if (repeat < 1) throw new IllegalArgumentException("ActionRepeat: repeat must be >= 1, got " + repeat);
        this.repeat = repeat;
    }

    public int repeat() {
        return repeat;
    }

    @Override
    public Step step(float[] action) {
        double total = 0;
        Step s = null;
        for (int i = 0; i < repeat; i++) {
            s = env.step(action);
            total += s.reward();
            if (s.done()) break;
        }
        return new Step(s.observation(), total, s.terminated(), s.truncated());
    }

    @Override
    public double stepSeconds() {
        return env.stepSeconds() * repeat;
    }
}
