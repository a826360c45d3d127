package somnium.rl.planet;

import somnium.autograd.NoGrad;
import somnium.autograd.Var;
import somnium.rl.world.Rssm;
import somnium.rl.world.WorldModel;
import somnium.tensor.DType;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;

/**
 * PlaNet's planner: the cross-entropy method over action sequences, scored in the learned model.
 *
 * <pre>
 *   q(a_{t:t+H}) = N(mean, std), starting at N(0, 1)
 *   repeat I times:
 *     draw J action sequences from q, clip them to [-1, 1]
 *     roll all J out together through the prior from the current belief, summing predicted rewards
 *     refit mean and std (population) to the K sequences with the highest return
 *   act with mean[0]
 * </pre>
 * All candidates are one batch of J rows through the RSSM, so one planning call is H*I batched prior steps.
 * Gradients are off and every temporary goes back to the pool when the call returns.
 */
public final class Cem {
    /** H, I, J, K. */
    public record Settings(int horizon, int iterations, int candidates, int elites) {
        public Settings {
            if (horizon < 1 || iterations < 1 || candidates < 1 || elites < 1 || elites > candidates)
                throw new IllegalArgumentException("CEM needs horizon, iterations, candidates, elites >= 1 and elites <= candidates, got "
                        + horizon + ", " + iterations + ", " + candidates + ", " + elites);
        }
    }

    /** The scoring model: a prior step and a reward head. {@link WorldModel} is one. */
    public interface Model {
        int actionDim();

        Rssm.State imagine(Rssm.State state, Var action, Rng rng);

        Var reward(Var feature);

        static Model of(WorldModel wm) {
            return new Model() {
                @Override
                public int actionDim() {
                    return wm.spec.actionDim();
                }

                @Override
                public Rssm.State imagine(Rssm.State state, Var action, Rng rng) {
                    return wm.rssm.imagine(state, action, rng);
                }

                @Override
                public Var reward(Var feature) {
                    return wm.reward(feature);
                }
            };
        }
    }

    private Cem() {}

    /** Plans from a single belief state (batch 1) and returns the first action of the final mean. */
    public static float[] plan(Model model, Rssm.State belief, Settings s, Rng rng) {
        if (belief.batch() != 1) throw new IllegalArgumentException("Cem.plan: belief must have batch 1, got " + belief.batch());
        int a = model.actionDim(), h = s.horizon(), j = s.candidates(), k = s.elites();
        try (NoGrad ng = NoGrad.open(); TensorScope scope = TensorScope.open()) {
            // The J candidates start from one state: the deterministic part stays a broadcast view of the belief's
            // row, so the first step's h·W_hh^T is one row, not J (linear multiplies a broadcast row once).
            Rssm.State start = new Rssm.State(broadcast(belief.deter(), j), repeat(belief.stoch(), j), repeat(belief.mean(), j), repeat(belief.std(), j));
            Tensor mean = Tensor.zeros(h, 1, a), std = Tensor.ones(h, 1, a);
            for (int it = 0; it < s.iterations(); it++) {
                Tensor eps = rng.normal(Shape.of(h, j, a), 0, 1, DType.F32, mean.device());
                Tensor actions = eps.mul(std).add(mean).clamp(-1, 1); // [H, J, A]
                Rssm.State state = start;
                Tensor returns = null;
                for (int t = 0; t < h; t++) {
                    state = model.imagine(state, Var.constant(actions.select(0, t)), rng);
                    Tensor r = model.reward(state.feature()).value();
                    returns = returns == null ? r : returns.add(r);
                }
                Tensor idx = returns.topk(k, true).indices();             // [K]
                Tensor elites = actions.indexSelect(1, idx);              // [H, K, A]
                mean = elites.mean(1, true);
                std = elites.var(new int[] {1}, false, true).sqrt();
            }
            return mean.select(0, 0).reshape(a).toFloatArray();
        }
    }

    private static Var broadcast(Var v, int n) {
        return Var.constant(v.value().expand(n, v.dim(1)));
    }

    private static Var repeat(Var v, int n) {
        return Var.constant(v.value().expand(n, v.dim(1)).contiguous());
    }
}
