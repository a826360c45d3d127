package somnium.autograd.dist;

import somnium.autograd.FusedOps;
import somnium.autograd.Var;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/**
 * Diagonal Gaussian N(mean, std^2). {@code eventDims} trailing dims form one event: logProb, entropy and
 * KL sum over them (like torch's Independent(Normal, eventDims)); 0 gives per-element values.
 */
public final class Normal {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

    public final Var mean, std;
    public final int eventDims;

    public Normal(Var mean, Var std, int eventDims) {
        if (!mean.shape().equals(std.shape()))
            throw new IllegalArgumentException("Normal: mean " + mean.shape() + " and std " + std.shape() + " differ");
        if (eventDims < 0 || eventDims > mean.rank())
            throw new IllegalArgumentException("Normal: eventDims " + eventDims + " for shape " + mean.shape());
        this.mean = mean;
        this.std = std;
        this.eventDims = eventDims;
    }

    /** A reparameterized sample mean + std * eps, eps ~ N(0, 1) from {@code rng}: gradients reach mean and std. */
    public Var rsample(Rng rng) {
        Tensor eps = rng.normal(mean.shape(), 0, 1, mean.dtype(), mean.value().device());
        return FusedOps.normalRsample(mean, std, eps);
    }

    /** A sample without gradient. */
    public Var sample(Rng rng) {
        return rsample(rng).detach();
    }

    /** log N(x; mean, std) = -(x - mean)^2 / (2 std^2) - log std - log(2 pi)/2, summed over the event dims. */
    public Var logProb(Var x) {
        Var z = x.sub(mean).div(std);
        return sumEvent(z.square().mul(-0.5).sub(std.log()).sub(HALF_LOG_2PI), eventDims);
    }

    /** 1/2 + log(2 pi)/2 + log std, summed over the event dims. */
    public Var entropy() {
        return sumEvent(std.log().add(0.5 + HALF_LOG_2PI), eventDims);
    }

    /** KL(this || other) in closed form (the fused Gaussian KL), summed over the event dims. */
    public Var kl(Normal other) {
        return sumEvent(FusedOps.gaussianKl(mean, std, other.mean, other.std), eventDims);
    }

    /** This distribution with gradients stopped (for KL balancing). */
    public Normal detach() {
        return new Normal(mean.detach(), std.detach(), eventDims);
    }

    static Var sumEvent(Var x, int eventDims) {
        if (eventDims == 0) return x;
        int[] axes = new int[eventDims];
        for (int i = 0; i < eventDims; i++) axes[i] = x.rank() - eventDims + i;
        return x.sum(axes, false);
    }
}
