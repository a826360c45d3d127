package somnium.autograd.dist;

import somnium.autograd.Var;

/** KL helpers of the world-model losses (PlaNet's free nats, DreamerV2's balancing, DreamerV3's dyn/rep). */
public final class Kl {
    private Kl() {}

    /** KL(p || q) between categoricals given as logits over the last dim. */
    public static Var categorical(Var pLogits, Var qLogits) {
        Var logp = pLogits.logSoftmax(-1), logq = qLogits.logSoftmax(-1);
        return logp.exp().mul(logp.sub(logq)).sum(-1);
    }

    /** max(kl, freeNats): below the threshold the KL has no gradient (PlaNet/Dreamer free nats). */
    public static Var freeNats(Var kl, double freeNats) {
        return kl.maximum(Var.constant(somnium.tensor.Tensor.scalar(freeNats).toType(kl.dtype())));
    }

    /**
     * DreamerV2 KL balancing: alpha * KL(sg(post) || prior) + (1 - alpha) * KL(post || sg(prior)); alpha =
     * 0.8 trains the prior faster than the posterior is regularized.
     */
    public static Var balancedV2(OneHotCategorical post, OneHotCategorical prior, double alpha) {
        Var toPrior = post.detach().kl(prior);
        Var toPost = post.kl(prior.detach());
        return toPrior.mul(alpha).add(toPost.mul(1 - alpha));
    }

    /**
     * DreamerV3: dyn * max(free, KL(sg(post) || prior)) + rep * max(free, KL(post || sg(prior))), with
     * dyn 0.5, rep 0.1, free 1 nat in the paper.
     */
    public static Var dreamerV3(OneHotCategorical post, OneHotCategorical prior, double dyn, double rep, double free) {
        Var dynLoss = freeNats(post.detach().kl(prior), free);
        Var repLoss = freeNats(post.kl(prior.detach()), free);
        return dynLoss.mul(dyn).add(repLoss.mul(rep));
    }
}
