package somnium.rl.world;

import somnium.autograd.Var;
import somnium.autograd.dist.Normal;
import somnium.autograd.nn.Activation;
import somnium.autograd.nn.GruCell;
import somnium.autograd.nn.Linear;
import somnium.autograd.nn.Module;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * The recurrent state-space model of PlaNet and Dreamer (Hafner et al. 2019, 2020).
 *
 * <p>The latent state at time t is a deterministic part h_t (the GRU state, size {@code deter}) and a
 * stochastic part s_t (a diagonal Gaussian sample, size {@code stoch}):
 * <pre>
 *   h_t = GRU(h_{t-1}, act(W [s_{t-1}, a_{t-1}]))                 deterministic transition
 *   p(s_t | h_t)      = N(mu, sigma),  (mu, sigma) = prior(h_t)     the prior, used to imagine
 *   q(s_t | h_t, e_t) = N(mu, sigma),  (mu, sigma) = post(h_t, e_t) the posterior, e_t = encoder(o_t)
 *   sigma = softplus(raw) + min_std
 * </pre>
 * {@link #imagine} is one prior step (planning and imagination); {@link #observe} is one posterior step
 * (filtering real observations), which runs the prior step first and corrects it with the embedding.
 */
public final class Rssm extends Module {
    /** One latent state: deterministic part, stochastic sample, and the Gaussian it was drawn from. */
    public record State(Var deter, Var stoch, Var mean, Var std) {
        /** The feature the heads read: [h, s]. */
        public Var feature() {
            return Var.concat(-1, deter, stoch);
        }

        public Normal dist() {
            return new Normal(mean, std, 1);
        }

        /** This state with gradients stopped (imagination starts, planning). */
        public State detach() {
            return new State(deter.detach(), stoch.detach(), mean.detach(), std.detach());
        }

        public int batch() {
            return deter.dim(0);
        }
    }

    /** A posterior step together with the prior it corrected. */
    public record Step(State posterior, State prior) {}

    public final int deter, stoch, hidden, embed, actionDim;
    public final double minStd;
    private final Activation act;
    private final Linear imgIn, imgOut, imgDist, obsOut, obsDist;
    private final GruCell cell;

    public Rssm(int deter, int stoch, int hidden, int embed, int actionDim, Activation act, double minStd, Rng rng) {
        if (deter < 1 || stoch < 1 || hidden < 1 || embed < 1 || actionDim < 1)
            throw new IllegalArgumentException("Rssm: sizes must be positive: deter " + deter + ", stoch " + stoch + ", hidden " + hidden
                    + ", embed " + embed + ", actions " + actionDim);
        this.deter = deter;
        this.stoch = stoch;
        this.hidden = hidden;
        this.embed = embed;
        this.actionDim = actionDim;
        this.minStd = minStd;
        this.act = act;
        imgIn = module("img_in", new Linear(stoch + actionDim, hidden, rng));
        cell = module("cell", new GruCell(hidden, deter, rng));
        imgOut = module("img_out", new Linear(deter, hidden, rng));
        imgDist = module("img_dist", new Linear(hidden, 2 * stoch, rng));
        obsOut = module("obs_out", new Linear(deter + embed, hidden, rng));
        obsDist = module("obs_dist", new Linear(hidden, 2 * stoch, rng));
    }

    /** Size of {@link State#feature()}. */
    public int featureSize() {
        return deter + stoch;
    }

    /** The all-zero state for a batch (the state before the first observation of an episode). */
    public State initial(int batch) {
        Device d = device();
        Var zd = Var.constant(Tensor.full(0, DType.F32, Shape.of(batch, deter), d));
        Var zs = Var.constant(Tensor.full(0, DType.F32, Shape.of(batch, stoch), d));
        return new State(zd, zs, zs, Var.constant(Tensor.full(1, DType.F32, Shape.of(batch, stoch), d)));
    }

    /** Mean and std from a [.., 2*stoch] head output: std = softplus(raw) + min_std. */
    private Var[] stats(Var raw) {
        Var[] ms = raw.split(-1, stoch, stoch);
        return new Var[] {ms[0], ms[1].softplus().add(minStd)};
    }

    /**
     * One prior step: from {@code prev} and the action taken there, the next state. With {@code rng}
     * the stochastic part is a reparameterized sample, with {@code null} it is the mean.
     */
    public State imagine(State prev, Var action, Rng rng) {
        checkBatch("imagine", prev, action, actionDim);
        Var x = act.apply(imgIn.forward(Var.concat(-1, prev.stoch, action)));
        Var h = cell.forward(x, prev.deter);
        Var[] ms = stats(imgDist.forward(act.apply(imgOut.forward(h))));
        Var s = rng == null ? ms[0] : new Normal(ms[0], ms[1], 1).rsample(rng);
        return new State(h, s, ms[0], ms[1]);
    }

    /** One posterior step: the prior step, then the correction by the observation's embedding. */
    public Step observe(State prev, Var action, Var embedding, Rng rng) {
        checkBatch("observe", prev, embedding, embed);
        State prior = imagine(prev, action, rng);
        return new Step(posterior(prior, obsOut.forward(Var.concat(-1, prior.deter, embedding)), rng), prior);
    }

    /** The posterior from the prior step and obs_out's output W_o [h, e] + b (before the activation). */
    private State posterior(State prior, Var obsOutput, Rng rng) {
        Var[] ms = stats(obsDist.forward(act.apply(obsOutput)));
        Var s = new Normal(ms[0], ms[1], 1).rsample(rng);
        return new State(prior.deter, s, ms[0], ms[1]);
    }

    private void checkBatch(String op, State prev, Var x, int width) {
        Shape s = x.shape();
        if (s.rank() != 2 || s.dim(0) != prev.batch() || s.dim(1) != width)
            throw new IllegalArgumentException("Rssm." + op + ": expected [" + prev.batch() + ", " + width + "], got " + s);
    }

    /** Sequences of posterior and prior states over a batch of [B, T, ...] inputs. */
    public record Rollout(State[] posteriors, State[] priors) {
        /** A [B, T, ...] stack of one field across time. */
        public static Var stack(State[] states, java.util.function.Function<State, Var> field) {
            Var[] v = new Var[states.length];
            for (int t = 0; t < states.length; t++) v[t] = field.apply(states[t]);
            return Var.stack(1, v);
        }
    }

    /**
     * Filters a batch of sequences: {@code embeddings} [B, T, embed], {@code actions} [B, T, A] where
     * actions[:, t] led to observation t. The state starts from zero at t = 0 and is reset to zero where
     * {@code isFirst} [B, T] is 1 (an episode boundary inside a sequence).
     */
    public Rollout observeSequence(Var embeddings, Var actions, Tensor isFirst, Rng rng) {
        int b = embeddings.dim(0), t = embeddings.dim(1);
        if (actions.dim(0) != b || actions.dim(1) != t)
            throw new IllegalArgumentException("Rssm.observeSequence: embeddings " + embeddings.shape() + " and actions " + actions.shape() + " disagree on [B, T]");
        State state = initial(b);
        if (t > 0) checkBatch("observe", state, embeddings.select(1, 0), embed);
        State[] posts = new State[t], priors = new State[t];
        // obs_out(W [h, e] + b) = W_h h + (W_e e + b): the embedding half does not depend on the recurrence, so it
        // is one product over all B x T embeddings here instead of T products of B rows in the loop.
        Var wDeter = obsOut.weight.narrow(1, 0, deter), wEmbed = obsOut.weight.narrow(1, deter, embed);
        Var embedOut = embeddings.linear(wEmbed, obsOut.bias); // [B, T, hidden]
        for (int i = 0; i < t; i++) {
            Var a = actions.select(1, i);
            if (i > 0 && isFirst != null) {
                Tensor keep = isFirst.select(1, i).rsub(1).unsqueeze(1); // [B, 1]: 0 where a new episode starts
                if (keep.min().item() < 1) {
                    state = new State(state.deter.mul(keep), state.stoch.mul(keep), state.mean, state.std);
                    a = a.mul(keep);
                }
            }
            State prior = imagine(state, a, rng);
            State post = posterior(prior, prior.deter.linear(wDeter, null).add(embedOut.select(1, i)), rng);
            posts[i] = post;
            priors[i] = prior;
            state = post;
        }
        return new Rollout(posts, priors);
    }
}
