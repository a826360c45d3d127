package somnium.rl.dreamer;

import java.util.LinkedHashMap;
import java.util.Map;

import somnium.autograd.Var;
import somnium.autograd.dist.TanhNormal;
import somnium.autograd.nn.Activation;
import somnium.autograd.nn.Mlp;
import somnium.autograd.nn.Module;
import somnium.rl.world.Rssm;
import somnium.rl.world.WorldModel;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * Dreamer's behavior: an actor and a value model trained on trajectories imagined by the world model.
 *
 * <pre>
 *   actor  a ~ tanh(N(mu, sigma)),  mu = 5 tanh(m / 5),  sigma = softplus(s + softplus^-1(5)) + 1e-4   (4 x 400 ELU)
 *   value  v(feature)                                                                                 (3 x 400 ELU)
 *   imagine H steps from every posterior state of the batch (gradients stopped at the start):
 *       s_{k+1} = prior(s_k, a_k),  a_k = actor(s_k).rsample()        (gradients flow through the dynamics)
 *   R = lambda-returns of the predicted rewards, bootstrapped with v (see LambdaReturn)
 *   actor loss = - mean( w_k * R_k ),    w_k = prod_{j<k} gamma   (stop-gradient weights)
 *   value loss = mean( w_k * (v(sg(feature_k)) - sg(R_k))^2 / 2 )
 * </pre>
 * Only the actor's parameters are stepped with the actor loss, only the value model's with the value loss
 * ({@link Losses#backward()}: the world model's gradients from either are never computed); the value regresses on
 * stop-gradient targets. The value model runs once over the H imagined states for both losses.
 */
public final class ActorCritic extends Module {
    private static final double MEAN_SCALE = 5, INIT_STD = 5, MIN_STD = 1e-4;
    private static final double RAW_INIT_STD = Math.log(Math.expm1(INIT_STD));

    public final int actionDim;
    private final Mlp actor, value;

    public ActorCritic(int featureSize, int actionDim, int hidden, Activation act, Rng rng) {
        this.actionDim = actionDim;
        actor = module("actor", new Mlp(featureSize, new int[] {hidden, hidden, hidden, hidden}, 2 * actionDim, act, Mlp.Norm.NONE, rng));
        value = module("value", new Mlp(featureSize, new int[] {hidden, hidden, hidden}, 1, act, Mlp.Norm.NONE, rng));
    }

    /** The actor's action distribution for features [N, F]. */
    public TanhNormal policy(Var feature) {
        Var[] ms = actor.forward(feature).split(-1, actionDim, actionDim);
        Var mean = ms[0].mul(1.0 / MEAN_SCALE).tanh().mul(MEAN_SCALE);
        Var std = ms[1].add(RAW_INIT_STD).softplus().add(MIN_STD);
        return new TanhNormal(mean, std);
    }

    /** v(feature), [..., F] -> [...]. */
    public Var value(Var feature) {
        return value.forward(feature).squeeze(-1);
    }

    /** The actor's parameters (for its optimizer). */
    public Module actorModule() {
        return actor;
    }

    /** The value model's parameters. */
    public Module valueModule() {
        return value;
    }

    /**
     * The losses of one behavior update, their metrics, and the imagined values and lambda-returns they were built
     * from. The two losses share one forward pass of the value model over the imagined states (the actor's
     * bootstrap reads it with gradients to the features, the value loss with stop-gradient targets), so train them
     * with {@link #backward()}: a plain {@code value().backward()} would also reach the actor and the world model.
     */
    public static final class Losses {
        private final Var actor, value, values, returns;
        private final Map<String, Double> metrics;
        private final java.util.List<Var> actorParams, valueParams;

        Losses(Var actor, Var value, Var values, Var returns, Map<String, Double> metrics, java.util.List<Var> actorParams,
               java.util.List<Var> valueParams) {
            this.actor = actor;
            this.value = value;
            this.values = values;
            this.returns = returns;
            this.metrics = metrics;
            this.actorParams = actorParams;
            this.valueParams = valueParams;
        }

        /** The actor loss, a scalar. */
        public Var actor() {
            return actor;
        }

        /** The value loss, a scalar (differentiate it with {@link #backward()}). */
        public Var value() {
            return value;
        }

        /** v on every imagined state, [H, N] (step k is the state after k + 1 imagined steps). */
        public Var values() {
            return values;
        }

        /** The lambda-returns R_0 .. R_{H-2}, [H-1, N]. */
        public Var returns() {
            return returns;
        }

        public Map<String, Double> metrics() {
            return metrics;
        }

        /**
         * Accumulates the actor loss's gradient into the actor's parameters and the value loss's into the value
         * model's, nothing else: two restricted passes ({@link Var#backward(java.util.Collection)}), the first
         * keeping the shared value forward for the second. The actor's gradient flows through the value model,
         * the reward head and the dynamics; the value's stops at the imagined features.
         */
        public void backward() {
            actor.backward(actorParams, true);
            value.backward(valueParams);
        }
    }

    /**
     * Imagines {@code horizon} steps from {@code starts} (detached here) and returns the actor and value
     * losses. {@code gamma} is the per-step discount (no continuation head).
     */
    public Losses losses(WorldModel model, Rssm.State starts, int horizon, double gamma, double lambda, Rng rng) {
        return losses(model, starts, horizon, gamma, lambda, 0, rng);
    }

    /**
     * As above, with an entropy bonus: the actor loss becomes {@code - mean(w_k * (R_k + eta * H_k))}, where
     * {@code H_k = -log pi(a_k | s_k)} is the single-sample entropy estimate of the action taken at step k (the
     * tanh-Normal has no closed-form entropy). {@code eta = 0} is Dreamer V1.
     */
    public Losses losses(WorldModel model, Rssm.State starts, int horizon, double gamma, double lambda, double entropyScale, Rng rng) {
        Rssm.State state = starts.detach();
        Var[] feats = new Var[horizon];
        Var[] entropies = new Var[horizon];
        double stdSum = 0, absActionSum = 0;
        for (int k = 0; k < horizon; k++) {
            // The actor reads a stop-gradient feature (as Dreamer V1); gradients reach the dynamics through the action.
            TanhNormal pi = policy(state.feature().detach());
            Var action;
            if (entropyScale > 0) {
                TanhNormal.Sample sample = pi.rsampleWithLogProb(rng);
                action = sample.action();
                entropies[k] = sample.logProb().neg();
            } else {
                action = pi.rsample(rng);
            }
            stdSum += pi.base.std.value().mean().item();
            absActionSum += action.value().abs().mean().item();
            state = model.rssm.imagine(state, action, rng);
            feats[k] = state.feature();
        }
        Var feat = Var.stack(0, feats);                       // [H, N, F]
        int n = starts.batch();
        // Returns for k = 0..H-2 from rewards r_k and next values v_{k+1}, bootstrapped at v_{H-1}; the value loss
        // regresses v_0 .. v_{H-2} on them, so one forward of the value model over all H states serves both.
        Var r = model.reward(feat.narrow(0, 0, horizon - 1));      // [H-1, N]
        Var v = value(feat);                                       // [H, N], one forward for both losses
        Var vNext = v.narrow(0, 1, horizon - 1);                   // [H-1, N]
        Device dev = feat.value().device();
        Var disc = Var.constant(Tensor.full(gamma, DType.F32, Shape.of(horizon - 1, n), dev));
        Var returns = LambdaReturn.compute(r, vNext, disc, lambda);  // [H-1, N]
        // Weights 1, gamma, gamma^2, ... (stop-gradient).
        float[] w = new float[horizon - 1];
        for (int k = 0; k < w.length; k++) w[k] = (float) Math.pow(gamma, k);
        Var weights = Var.constant(Tensor.of(w, horizon - 1, 1).to(dev));
        Var objective = returns;
        if (entropyScale > 0) objective = returns.add(Var.stack(0, entropies).narrow(0, 0, horizon - 1).mul(entropyScale));
        Var actorLoss = objective.mul(weights).mean().neg();
        Var valuePred = v.narrow(0, 0, horizon - 1);               // gradients stop at the features in Losses.backward
        Var valueLoss = valuePred.sub(returns.detach()).square().mul(0.5).mul(weights).mean();
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("actor_loss", actorLoss.item());
        m.put("value_loss", valueLoss.item());
        m.put("imag_reward", r.value().mean().item());
        m.put("imag_return", returns.value().mean().item());
        m.put("value", vNext.value().mean().item());
        if (entropyScale > 0) m.put("actor_entropy", Var.stack(0, entropies).value().mean().item());
        m.put("actor_std", stdSum / horizon);          // pre-tanh std: collapse towards 0 means a deterministic actor
        m.put("imag_action_abs", absActionSum / horizon); // near 1: saturated (bang-bang) actions
        return new Losses(actorLoss, valueLoss, v, returns, m, actor.parameters(), value.parameters());
    }
}
