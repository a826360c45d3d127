package somnium.autograd.nn;

import somnium.autograd.Var;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/** Zeroes each element with probability p in training mode and scales the rest by 1/(1-p); identity in eval. */
public final class Dropout extends Module {
    public final double p;
    private final Rng rng;

    public Dropout(double p, Rng rng) {
        if (!(p >= 0 && p < 1)) throw new IllegalArgumentException("Dropout: p must be in [0, 1), got " + p);
        this.p = p;
        this.rng = rng;
    }

    public Var forward(Var x) {
        if (!isTraining() || p == 0) return x;
        Tensor keep = rng.uniform(x.shape(), 0, 1, x.dtype(), x.value().device()).ge(p).mul(1 / (1 - p));
        return x.mul(keep);
    }
}
