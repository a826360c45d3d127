package somnium.rl.env;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Records the current episode: observations (copied, the reset one first), actions, rewards and the
 * end flags. {@link #episode()} returns the record so far; a reset starts a new one.
 */
public final class Recorder extends EnvWrapper {
    /** One recorded episode; {@code observations.size() == actions.size() + 1}. */
    public record Episode(List<Observation> observations, List<float[]> actions, List<Double> rewards,
            boolean terminated, boolean truncated) {
        public double totalReward() {
            double t = 0;
            for (double r : rewards) t += r;
            return t;
        }
    }

    private final List<Observation> observations = new ArrayList<>();
    private final List<float[]> actions = new ArrayList<>();
    private final List<Double> rewards = new ArrayList<>();
    private boolean terminated, truncated;

    public Recorder(Env env) {
        super(env);
    }

    private Observation start(Observation o) {
        observations.clear();
        actions.clear();
        rewards.clear();
        terminated = truncated = false;
        observations.add(o.copy());
        return o;
    }

    @Override
    public Observation reset(long seed) {
        return start(env.reset(seed));
    }

    @Override
    public Observation reset() {
        return start(env.reset());
    }

    @Override
    public Step step(float[] action) {
        Step s = env.step(action);
        actions.add(action.clone());
        rewards.add(s.reward());
        observations.add(s.observation().copy());
        terminated = s.terminated();
        truncated = s.truncated();
        return s;
    }

    public Episode episode() {
        return new Episode(Collections.unmodifiableList(new ArrayList<>(observations)),
                Collections.unmodifiableList(new ArrayList<>(actions)),
                Collections.unmodifiableList(new ArrayList<>(rewards)), terminated, truncated);
    }
}
