package somnium.rl.dreamer;

import somnium.autograd.Var;

/**
 * TD(lambda) returns over an imagined trajectory, computed backwards in time (Dreamer, eq. 6):
 * <pre>
 *   R_t = r_t + d_t * ( (1 - lambda) * v_{t+1} + lambda * R_{t+1} ),   t = 0 .. H-1
 *   R_H = v_H  (the bootstrap at the horizon), so the last step is r_{H-1} + d_{H-1} * v_H
 * </pre>
 * {@code rewards}, {@code nextValues} and {@code discounts} are [H, N] with {@code nextValues[t] = v_{t+1}}
 * and {@code discounts[t] = d_t} (gamma times the continuation probability). lambda = 1 gives the
 * discounted Monte-Carlo return bootstrapped at H; lambda = 0 gives one-step TD targets. The recursion is
 * built from Var ops, so gradients flow into rewards and values (Dreamer's actor loss relies on that).
 */
public final class LambdaReturn {
    private LambdaReturn() {}

    public static Var compute(Var rewards, Var nextValues, Var discounts, double lambda) {
        if (!rewards.shape().equals(nextValues.shape()) || !rewards.shape().equals(discounts.shape()) || rewards.rank() < 1)
            throw new IllegalArgumentException("LambdaReturn: rewards " + rewards.shape() + ", next values " + nextValues.shape()
                    + " and discounts " + discounts.shape() + " must share one [H, ...] shape");
        if (lambda < 0 || lambda > 1) throw new IllegalArgumentException("LambdaReturn: lambda must be in [0, 1], got " + lambda);
        int h = rewards.dim(0);
        Var[] out = new Var[h];
        Var next = nextValues.select(0, h - 1); // R_H = v_H
        for (int t = h - 1; t >= 0; t--) {
            Var vNext = nextValues.select(0, t);
            Var mix = vNext.mul(1 - lambda).add(next.mul(lambda));
            next = rewards.select(0, t).add(discounts.select(0, t).mul(mix));
            out[t] = next;
        }
        return Var.stack(0, out);
    }
}
