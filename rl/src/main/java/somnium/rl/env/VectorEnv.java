package somnium.rl.env;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * N copies of an env stepped together on a small thread pool, with auto-reset: when copy i's episode
 * ends, its {@link Result#finalObservations()}[i] holds the last observation of that episode (to
 * bootstrap from on truncation) and {@link Result#observations()}[i] is already the first observation of
 * the next episode (Gymnasium's "same-step" auto-reset). Copy i is seeded with {@code seed + i}; later
 * episodes continue each copy's own random stream, so a run is deterministic for a given seed.
 */
public final class VectorEnv implements AutoCloseable {
    /** The result of one vector step; arrays are indexed by copy. */
    public record Result(Observation[] observations, double[] rewards, boolean[] terminated, boolean[] truncated,
            Observation[] finalObservations) {}

    private final Env[] envs;
    private final ExecutorService pool;
    private final List<Future<?>> futures = new ArrayList<>();

    /** {@code n} copies from {@code factory}, stepped on {@code min(n, threads)} threads (1: on the caller). */
    public VectorEnv(Supplier<Env> factory, int n, int threads) {
        if (n < 1) throw new IllegalArgumentException("VectorEnv: n must be >= 1, got " + n);
        envs = new Env[n];
        for (int i = 0; i < n; i++) envs[i] = factory.get();
        int t = Math.min(n, Math.max(1, threads));
        pool = t == 1 ? null : Executors.newFixedThreadPool(t, r -> {
            Thread th = new Thread(r, "somnium-vecenv");
            th.setDaemon(true);
            return th;
        });
    }

    /** {@code n} copies of registry env {@code id}, one thread per core (at most n). */
    public static VectorEnv of(String id, int n) {
        return new VectorEnv(() -> Envs.make(id), n, Runtime.getRuntime().availableProcessors());
    }

    public int size() {
        return envs.length;
    }

    public Env env(int i) {
        return envs[i];
    }

    public ObservationSpec observationSpec() {
        return envs[0].observationSpec();
    }

    public ActionSpec actionSpec() {
        return envs[0].actionSpec();
    }

    public Observation[] reset(long seed) {
        Observation[] obs = new Observation[envs.length];
        run(i -> obs[i] = envs[i].reset(seed + i));
        return obs;
    }

    public Result step(float[][] actions) {
        if (actions.length != envs.length)
            throw new IllegalArgumentException("VectorEnv(" + envs[0].id() + "): got " + actions.length
                    + " actions for " + envs.length + " envs");
        int n = envs.length;
        Result r = new Result(new Observation[n], new double[n], new boolean[n], new boolean[n], new Observation[n]);
        run(i -> {
            Step s = envs[i].step(actions[i]);
            r.rewards()[i] = s.reward();
            r.terminated()[i] = s.terminated();
            r.truncated()[i] = s.truncated();
            if (s.done()) {
                r.finalObservations()[i] = s.observation();
                r.observations()[i] = envs[i].reset();
            } else {
                r.observations()[i] = s.observation();
            }
        });
        return r;
    }

    private interface Body {
        void run(int i);
    }

    private void run(Body body) {
        if (pool == null) {
            for (int i = 0; i < envs.length; i++) body.run(i);
            return;
        }
        futures.clear();
        for (int i = 0; i < envs.length; i++) {
            int k = i;
            futures.add(pool.submit(() -> body.run(k)));
        }
        try {
            for (Future<?> f : futures) f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("VectorEnv interrupted", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException re) throw re;
            if (c instanceof Error er) throw er;
            throw new IllegalStateException(c);
        }
    }

    @Override
    public void close() {
        if (pool != null) pool.shutdownNow();
        for (Env e : envs) e.close();
    }
}
