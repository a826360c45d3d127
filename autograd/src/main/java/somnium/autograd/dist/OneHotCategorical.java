package somnium.autograd.dist;

import somnium.autograd.Var;
import somnium.tensor.DType;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/**
 * A categorical over the last dim, with samples as one-hot vectors (DreamerV2/V3 latents: [B, 32, 32]).
 * With {@code unimix > 0} the probabilities are mixed with the uniform distribution, p = (1 - unimix)
 * softmax(logits) + unimix / K (DreamerV3 uses 1%), so that no class has probability 0 and KL stays finite.
 */
public final class OneHotCategorical {
    public final Var logits;   // log of the (mixed) probabilities: a normalized log-probability
    public final Var probs;
    public final int classes;

    public OneHotCategorical(Var rawLogits, double unimix) {
        if (!(unimix >= 0 && unimix < 1)) throw new IllegalArgumentException("OneHotCategorical: unimix must be in [0, 1), got " + unimix);
        classes = rawLogits.dim(-1);
        if (unimix > 0) {
            probs = rawLogits.softmax(-1).mul(1 - unimix).add(unimix / classes);
            logits = probs.log();
        } else {
            logits = rawLogits.logSoftmax(-1);
            probs = logits.exp();
        }
    }

    public OneHotCategorical(Var rawLogits) {
        this(rawLogits, 0);
    }

    /** One-hot samples (no gradient), by inverting the CDF with one uniform per row. */
    public Tensor sample(Rng rng) {
        Tensor p = probs.value().toType(DType.F64).contiguous();
        int k = classes, rows = p.numel() / k;
        double[] pr = p.toDoubleArray();
        double[] u = rng.uniform(somnium.tensor.Shape.of(rows), 0, 1, DType.F64, somnium.tensor.Device.CPU).toDoubleArray();
        int[] idx = new int[rows];
        for (int r = 0; r < rows; r++) {
            double c = 0;
            int j = 0;
            for (; j < k - 1; j++) {
                c += pr[r * k + j];
                if (u[r] < c) break;
            }
            idx[r] = j;
        }
        int[] lead = java.util.Arrays.copyOf(probs.value().dims(), probs.rank() - 1);
        return Tensor.oneHot(Tensor.ofInts(idx, lead), k).toType(probs.dtype()).to(probs.value().device());
    }

    /** Straight-through sample: the value is one-hot, the gradient is that of the probabilities. */
    public Var rsample(Rng rng) {
        Tensor s = sample(rng);
        return probs.sub(probs.detach()).add(s);   // = s in value, d/dprobs = identity
    }

    /** log p(x) for one-hot x: sum(x * log p). */
    public Var logProb(Var oneHot) {
        return oneHot.mul(logits).sum(-1);
    }

    /** -sum p log p. */
    public Var entropy() {
        return probs.mul(logits).sum(-1).neg();
    }

    /** The most likely class as a one-hot vector. */
    public Tensor mode() {
        return Tensor.oneHot(probs.value().argmax(-1, false), classes).toType(probs.dtype());
    }

    /** KL(this || other) = sum p (log p - log q) over the classes. */
    public Var kl(OneHotCategorical other) {
        return probs.mul(logits.sub(other.logits)).sum(-1);
    }

    /** The same distribution with gradients stopped. */
    public OneHotCategorical detach() {
        return new OneHotCategorical(logits.detach(), 0);
    }
}
