package somnium.rl.env;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The registry of built-in environments. {@link #make(String)} returns the env with its reference time
 * limit applied (Gymnasium's max_episode_steps; DMC's 1000 control steps), as a {@link TimeLimit}.
 * Compose further wrappers on top, e.g. for Dreamer on DMC pixels:
 * <pre>{@code
 * Env env = new PixelObservations(new ActionRepeat(Envs.make("dmc:cartpole-swingup"), 2));
 * }</pre>
 */
public final class Envs {
    /** One registry entry. */
    public record Entry(String id, Supplier<Env> factory, int maxEpisodeSteps) {}

    private static final Map<String, Entry> REGISTRY = new LinkedHashMap<>();

    static {
        add("gym:Pendulum-v1", GymPendulum::new, 200);
        add("gym:MountainCarContinuous-v0", GymMountainCarContinuous::new, 999);
        add("gym:CartPole-v1", GymCartPole::new, 500);
        add("gym:Acrobot-v1", GymAcrobot::new, 500);
        add("dmc:cartpole-balance", () -> new DmcCartpole(DmcCartpole.Task.BALANCE), DmcEnv.EPISODE_STEPS);
        add("dmc:cartpole-swingup", () -> new DmcCartpole(DmcCartpole.Task.SWINGUP), DmcEnv.EPISODE_STEPS);
        add("dmc:cartpole-balance_sparse", () -> new DmcCartpole(DmcCartpole.Task.BALANCE_SPARSE), DmcEnv.EPISODE_STEPS);
        add("dmc:cartpole-swingup_sparse", () -> new DmcCartpole(DmcCartpole.Task.SWINGUP_SPARSE), DmcEnv.EPISODE_STEPS);
        add("dmc:pendulum-swingup", DmcPendulum::new, DmcEnv.EPISODE_STEPS);
        add("dmc:acrobot-swingup", DmcAcrobot::new, DmcEnv.EPISODE_STEPS);
        add("dmc:point_mass-easy", DmcPointMass::new, DmcEnv.EPISODE_STEPS);
        add("dmc:reacher-easy", () -> new DmcReacher(false), DmcEnv.EPISODE_STEPS);
        add("dmc:reacher-hard", () -> new DmcReacher(true), DmcEnv.EPISODE_STEPS);
    }

    private Envs() {}

    private static void add(String id, Supplier<Env> f, int steps) {
        REGISTRY.put(id, new Entry(id, f, steps));
    }

    /** All registered ids, in registration order. */
    public static List<String> ids() {
        return List.copyOf(REGISTRY.keySet());
    }

    public static Entry entry(String id) {
        Entry e = REGISTRY.get(id);
        if (e == null)
            throw new IllegalArgumentException("Unknown env id '" + id + "'. Known ids: " + String.join(", ", REGISTRY.keySet()));
        return e;
    }

    /** The env with its reference time limit (a {@link TimeLimit} around the raw env). */
    public static TimeLimit make(String id) {
        Entry e = entry(id);
        return new TimeLimit(e.factory().get(), e.maxEpisodeSteps());
    }

    /** The raw env, without a time limit. */
    public static Env makeRaw(String id) {
        return entry(id).factory().get();
    }

    /** Read-only view of the registry. */
    public static Map<String, Entry> registry() {
        return Collections.unmodifiableMap(REGISTRY);
    }
}
