package somnium.rl.env;

import java.util.ArrayList;
import java.util.List;

import somnium.rl.train.EnvCatalog;
import somnium.rl.train.EnvLike;
import somnium.rl.train.EnvOptions;

/**
 * The built-in environments as the training loop sees them ({@link EnvLike}): actions normalized to
 * [-1, 1], the reference time limit (or the config's) counted in control steps, then action repeat, and
 * 64x64 frames when the algorithm learns from pixels (the state vector is kept beside them). Only
 * continuous-action environments are listed: PlaNet and Dreamer V1 act with continuous vectors.
 * Registered through {@code META-INF/services/somnium.rl.train.EnvCatalog}.
 */
public final class BuiltinEnvCatalog implements EnvCatalog {
    @Override
    public List<String> ids() {
        List<String> out = new ArrayList<>();
        for (String id : Envs.ids()) {
            try (Env e = Envs.makeRaw(id)) {
                if (!e.actionSpec().discrete()) out.add(id);
            } catch (Exception ex) {
                throw new IllegalStateException("cannot build environment " + id, ex);
            }
        }
        return out;
    }

    @Override
    public EnvLike make(String id, EnvOptions options) {
        Env env = options.maxEpisodeSteps() > 0 ? new TimeLimit(Envs.makeRaw(id), options.maxEpisodeSteps()) : Envs.make(id);
        env = new NormalizeActions(env);
        if (options.actionRepeat() > 1) env = new ActionRepeat(env, options.actionRepeat());
        if (options.images()) env = new PixelObservations(env, true, Env.IMAGE_SIZE, Env.IMAGE_SIZE, false);
        return new Adapter(env);
    }

    /** Converts the env's observations and steps into the replay's {@link somnium.rl.replay.Step}s. */
    static final class Adapter implements EnvLike {
        private final Env env;
        private final int actionDim;

        Adapter(Env env) {
            this.env = env;
            this.actionDim = env.actionSpec().size();
        }

        @Override
        public int actionDim() {
            return actionDim;
        }

        @Override
        public somnium.rl.replay.Step reset(long seed) {
            Observation o = env.reset(seed);
            return somnium.rl.replay.Step.first(o.state(), o.pixels(), actionDim);
        }

        @Override
        public somnium.rl.replay.Step step(float[] action) {
            Step s = env.step(action);
            Observation o = s.observation();
            return new somnium.rl.replay.Step(o.state(), o.pixels(), action.clone(), (float) s.reward(), s.terminated(), s.truncated());
        }

        @Override
        public void close() {
            try {
                env.close();
            } catch (Exception e) {
                throw new IllegalStateException("closing " + env.id(), e);
            }
        }
    }
}
