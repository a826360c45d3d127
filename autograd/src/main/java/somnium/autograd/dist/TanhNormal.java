package somnium.autograd.dist;

import somnium.autograd.Var;
import somnium.tensor.Rng;

/**
 * y = tanh(u), u ~ N(mean, std): the Dreamer actor for bounded continuous actions. The last dim is the
 * action (one event). logProb includes the change of variables:
 * log p(y) = log N(u) - sum log(1 - tanh(u)^2), with log(1 - tanh(u)^2) = 2 (log 2 - u - softplus(-2u))
 * computed stably from u.
 */
public final class TanhNormal {
    private static final double LOG2 = Math.log(2);
    public final Normal base;

    public TanhNormal(Var mean, Var std) {
        this.base = new Normal(mean, std, 1);
    }

    /** A reparameterized action and its log-probability (computed from u, avoiding atanh of a saturated y). */
    public record Sample(Var action, Var logProb) {}

    public Sample rsampleWithLogProb(Rng rng) {
        Var u = base.rsample(rng);
        return new Sample(u.tanh(), base.logProb(u).sub(logDetJacobian(u)));
    }

    public Var rsample(Rng rng) {
        return base.rsample(rng).tanh();
    }

    /** log p(y) for an action y in (-1, 1) (clamped to ±(1 - 1e-6) before atanh). */
    public Var logProb(Var y) {
        Var u = y.clamp(-1 + 1e-6, 1 - 1e-6).atanh();
        return base.logProb(u).sub(logDetJacobian(u));
    }

    /** A mode estimate: tanh of the base mean (the mode of the base pushed through tanh). */
    public Var mode() {
        return base.mean.tanh();
    }

    /** sum over the action dim of log(1 - tanh(u)^2). */
    static Var logDetJacobian(Var u) {
        return u.mul(-2).softplus().add(u).rsub(LOG2).mul(2).sum(-1);
    }
}
