package somnium.rl.world;

import java.util.ArrayList;
import java.util.List;

import somnium.autograd.Var;
import somnium.autograd.dist.Normal;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * A slow, per-start re-implementation of PlaNet's latent overshooting (eq. 7) for the tests: for every
 * sequence b, start t and distance k = 2..D it imagines k prior steps from the posterior at t, one start at a
 * time, and takes KL(posterior at t+k || that prior). The noise is passed in explicitly (drawn in the order and
 * shapes the batched implementation draws it), so the two can be compared exactly.
 */
final class OvershootingReference {
    private OvershootingReference() {}

    /**
     * The imagination noise the batched implementation draws after filtering: for k = 1..D one [B*(T-k), stoch]
     * standard normal (the rows of step k hold starts 0..T-1-k of each sequence, sequence-major).
     */
    static Tensor[] noise(Rng rng, int b, int t, int stoch, int d) {
        Tensor[] eps = new Tensor[d + 1];
        for (int k = 1; k <= d; k++) eps[k] = rng.normal(Shape.of(b * (t - k), stoch), 0, 1, DType.F32, Device.CPU);
        return eps;
    }

    /**
     * Sum over k = 2..D of the free-nats clipped mean KL. {@code targetMean}/{@code targetStd} [B, T, stoch] are
     * the posteriors the priors are pulled towards (pass detached ones for the paper's stop-gradient).
     */
    static Var kl(Rssm rssm, Rssm.Rollout roll, Tensor actions, Tensor[] eps, Var targetMean, Var targetStd, int d,
                  double freeNats, boolean perStep) {
        Rssm.State[] posts = roll.posteriors();
        int b = posts[0].batch(), t = posts.length;
        Var sum = null;
        for (int k = 2; k <= d; k++) {
            List<Var> kls = new ArrayList<>();
            for (int seq = 0; seq < b; seq++) {
                for (int start = 0; start + k < t; start++) {
                    Rssm.State p = posts[start];
                    Rssm.State cur = new Rssm.State(p.deter().narrow(0, seq, 1), p.stoch().narrow(0, seq, 1), p.mean().narrow(0, seq, 1), p.std().narrow(0, seq, 1));
                    for (int j = 1; j <= k; j++) {
                        Var a = Var.constant(actions.select(0, seq).narrow(0, start + j, 1).contiguous());
                        Rssm.State mean = rssm.imagine(cur, a, null);
                        Var e = Var.constant(eps[j].narrow(0, seq * (t - j) + start, 1).contiguous());
                        cur = new Rssm.State(mean.deter(), mean.mean().add(mean.std().mul(e)), mean.mean(), mean.std());
                    }
                    Normal target = new Normal(targetMean.select(0, seq).narrow(0, start + k, 1), targetStd.select(0, seq).narrow(0, start + k, 1), 1);
                    kls.add(target.kl(cur.dist()));
                }
            }
            Var klk = Var.concat(0, kls);
            Var term = freeNats <= 0 ? klk.mean()
                    : perStep ? klk.clamp(freeNats, Double.POSITIVE_INFINITY).mean() : klk.mean().clamp(freeNats, Double.POSITIVE_INFINITY);
            sum = sum == null ? term : sum.add(term);
        }
        return sum;
    }

    /** Stacked posterior statistics [B, T, stoch]. */
    static Var[] posteriorStats(Rssm.Rollout roll) {
        return new Var[] {Rssm.Rollout.stack(roll.posteriors(), Rssm.State::mean), Rssm.Rollout.stack(roll.posteriors(), Rssm.State::std)};
    }
}
