package somnium.rl.env;

/**
 * Exposes a continuous action space as [−1, 1]^n and maps each entry affinely onto the inner bounds:
 * a_env = low + (a + 1)/2·(high − low). Values outside [−1, 1] map outside the bounds and are then
 * clipped by the inner env as the reference does. Requires finite bounds and a continuous space.
 */
public final class NormalizeActions extends EnvWrapper {
    private final ActionSpec spec;
    private final double[] low, high;
    private final float[] scratch;

    public NormalizeActions(Env env) {
        super(env);
        ActionSpec inner = env.actionSpec();
        if (inner.discrete())
            throw new IllegalArgumentException("NormalizeActions: " + env.id() + " has a discrete action space " + inner);
        for (int i = 0; i < inner.size(); i++) {
            if (!Double.isFinite(inner.low()[i]) || !Double.isFinite(inner.high()[i]))
                throw new IllegalArgumentException("NormalizeActions: " + env.id() + " has unbounded actions " + inner);
        }
        low = inner.low();
        high = inner.high();
        spec = ActionSpec.box(-1, 1, inner.size());
        scratch = new float[inner.size()];
    }

    @Override
    public ActionSpec actionSpec() {
        return spec;
    }

    @Override
    public Step step(float[] action) {
        spec.check(id(), action);
        for (int i = 0; i < action.length; i++)
            scratch[i] = (float) (low[i] + (action[i] + 1.0) / 2.0 * (high[i] - low[i]));
        return env.step(scratch);
    }
}
