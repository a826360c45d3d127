package somnium.autograd.dist;

import somnium.autograd.Var;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/** Bernoulli on logits (continuation / discount heads): p = sigmoid(logits). */
public final class Bernoulli {
    public final Var logits;

    public Bernoulli(Var logits) {
        this.logits = logits;
    }

    public Var probs() {
        return logits.sigmoid();
    }

    /** log p(x) = x * logits - softplus(logits) (a stable binary cross-entropy with logits, negated). */
    public Var logProb(Var x) {
        return x.mul(logits).sub(logits.softplus());
    }

    /** softplus(l) - l * sigmoid(l). */
    public Var entropy() {
        return logits.softplus().sub(logits.mul(logits.sigmoid()));
    }

    public Tensor sample(Rng rng) {
        Tensor u = rng.uniform(logits.shape(), 0, 1, logits.dtype(), logits.value().device());
        return u.lt(logits.value().sigmoid());
    }

    /** 1 where p > 0.5. */
    public Tensor mode() {
        return logits.value().gt(0);
    }
}
