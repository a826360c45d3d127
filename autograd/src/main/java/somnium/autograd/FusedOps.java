package somnium.autograd;

import static somnium.autograd.Var.op;
import static somnium.autograd.Var.saving;

import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * Fused primitives: one node with a hand-written backward where the composite version would record many
 * small nodes. Each has a composite twin built from ordinary Var ops, and a test that both give the same
 * values and gradients (FusedOpsTest).
 */
public final class FusedOps {
    private FusedOps() {}

    /**
     * The pointwise part of a GRU cell (gates r, z, n; see {@code Tensor.gruCell}): gi = x·W_ih^T + b_ih,
     * gh = h·W_hh^T + b_hh ([B, 3H]), h [B, H]. Forward saves r, z, n and gh_n; the backend's fused
     * backward returns dgi, dgh and the direct part of dh.
     */
    public static Var gruCell(Var gi, Var gh, Var h) {
        Tensor hv = h.value().contiguous(); // the fused kernel reads dense rows (h may be a broadcast start state)
        boolean record = Var.tracks(gi, gh, h);
        Tensor saved = record ? hv.emptyLike(Shape.of(hv.dim(0), 4 * hv.dim(1))) : null;
        Tensor out = Tensor.gruCell(gi.value(), gh.value(), hv, saved);
        if (!record) return Var.constant(out);
        return op("gruCell", out, saving(hv, saved), (g, n) -> {
            Tensor[] d = Tensor.gruCellBackward(g.contiguous(), hv, saved);
            n.grad(0, d[0]);
            n.grad(1, d[1]);
            n.grad(2, d[2]);
        }, gi, gh, h);
    }

    /** The composite twin of {@link #gruCell}, from ordinary ops. */
    public static Var gruCellComposite(Var gi, Var gh, Var h) {
        int hid = h.dim(1);
        Var[] i = gi.split(1, hid, hid, hid), g = gh.split(1, hid, hid, hid);
        Var r = i[0].add(g[0]).sigmoid();
        Var z = i[1].add(g[1]).sigmoid();
        Var n = i[2].add(r.mul(g[2])).tanh();
        return z.rsub(1).mul(n).add(z.mul(h));
    }

    /**
     * Layer normalization over the last dim: y = (x - mean) / sqrt(var + eps) * gamma + beta (gamma, beta
     * [D] or null). Backward, with xhat the normalized input and gg = g * gamma:
     * dx = rstd * (gg - mean(gg) - xhat * mean(gg * xhat)), dgamma = sum(g * xhat), dbeta = sum(g).
     */
    public static Var layerNorm(Var x, Var gamma, Var beta, double eps) {
        Tensor xv = x.value();
        int d = xv.dim(-1);
        for (Var p : new Var[] {gamma, beta})
            if (p != null && (p.rank() != 1 || p.dim(0) != d))
                throw new IllegalArgumentException("layerNorm(" + d + "): input " + xv.shape() + ", gamma/beta " + p.shape());
        Tensor mu = xv.mean(-1, true);
        Tensor xc = xv.sub(mu);
        Tensor rstd = xc.square().mean(-1, true).add(eps).rsqrt();
        Tensor xhat = xc.mul(rstd);
        Tensor y = xhat;
        if (gamma != null) y = y.mul(gamma.value());
        if (beta != null) y = y == xhat ? y.add(beta.value()) : y.addInPlace(beta.value()); // never write into saved xhat
        Tensor gv = gamma == null ? null : gamma.value();
        Backward bw = (g, n) -> {
            Tensor gg = gv == null ? g : g.mul(gv);
            if (n.needs(0)) {
                Tensor dx = gg.sub(gg.mean(-1, true)).sub(xhat.mul(gg.mul(xhat).mean(-1, true))).mul(rstd);
                n.grad(0, dx);
            }
            int k = 1;
            if (gamma != null && n.needs(k)) n.grad(k, g.mul(xhat));
            if (gamma != null) k++;
            if (beta != null && n.needs(k)) n.grad(k, g);
        };
        Var[] in = gamma != null && beta != null ? new Var[] {x, gamma, beta} : gamma != null ? new Var[] {x, gamma}
                : beta != null ? new Var[] {x, beta} : new Var[] {x};
        return op("layerNorm", y, gv == null ? saving(xhat, rstd) : saving(xhat, rstd, gv), bw, in);
    }

    /** The composite twin of {@link #layerNorm}. */
    public static Var layerNormComposite(Var x, Var gamma, Var beta, double eps) {
        Var xc = x.sub(x.mean(-1, true));
        Var y = xc.mul(xc.square().mean(-1, true).add(eps).rsqrt());
        if (gamma != null) y = y.mul(gamma);
        if (beta != null) y = y.add(beta);
        return y;
    }

    /**
     * KL(N(m1, s1) || N(m2, s2)) per element = log(s2/s1) + (s1^2 + (m1-m2)^2) / (2 s2^2) - 1/2.
     * d/dm1 = (m1-m2)/s2^2 = -d/dm2; d/ds1 = s1/s2^2 - 1/s1; d/ds2 = 1/s2 - (s1^2 + (m1-m2)^2)/s2^3.
     */
    public static Var gaussianKl(Var m1, Var s1, Var m2, Var s2) {
        Tensor a = m1.value(), sa = s1.value(), b = m2.value(), sb = s2.value();
        Tensor diff = a.sub(b), var2 = sb.square();
        Tensor num = sa.square().add(diff.square());
        Tensor kl = sb.div(sa).log().add(num.div(var2.mul(2))).sub(0.5);
        return op("gaussianKl", kl, saving(sa, sb), (g, n) -> {
            Tensor dm = g.mul(diff).div(var2);
            if (n.needs(0)) n.grad(0, dm);
            if (n.needs(1)) n.grad(1, g.mul(sa.div(var2).sub(sa.reciprocal())));
            if (n.needs(2)) n.grad(2, dm.neg());
            if (n.needs(3)) n.grad(3, g.mul(sb.reciprocal().sub(num.div(var2.mul(sb)))));
        }, m1, s1, m2, s2);
    }

    /** The composite twin of {@link #gaussianKl}. */
    public static Var gaussianKlComposite(Var m1, Var s1, Var m2, Var s2) {
        Var var2 = s2.square();
        return s2.div(s1).log().add(s1.square().add(m1.sub(m2).square()).div(var2.mul(2))).sub(0.5);
    }

    /** Reparameterized sample z = mean + std * eps (eps a constant draw): dz/dmean = 1, dz/dstd = eps. */
    public static Var normalRsample(Var mean, Var std, Tensor eps) {
        Tensor z = std.value().mul(eps).addInPlace(mean.value());
        return op("normalRsample", z, saving(eps), (g, n) -> {
            n.grad(0, g);
            if (n.needs(1)) n.grad(1, g.mul(eps));
        }, mean, std);
    }

    /** The composite twin of {@link #normalRsample}. */
    public static Var normalRsampleComposite(Var mean, Var std, Tensor eps) {
        return mean.add(std.mul(eps));
    }

    /**
     * Cross-entropy of softmax(logits) against target probabilities along the last dim:
     * loss = -sum(target * logSoftmax(logits)). d/dlogits = softmax * sum(target) - target,
     * d/dtarget = -logSoftmax(logits).
     */
    public static Var softmaxCrossEntropy(Var logits, Var target) {
        Tensor logp = logits.value().logSoftmax(-1);
        Tensor t = target.value();
        Tensor loss = t.mul(logp).sum(-1).neg();
        return op("softmaxCrossEntropy", loss, saving(logp, t), (g, n) -> {
            Tensor gk = g.unsqueeze(-1);
            if (n.needs(0)) n.grad(0, logp.exp().mul(t.sum(-1, true)).sub(t).mul(gk));
            if (n.needs(1)) n.grad(1, logp.mul(gk).neg());
        }, logits, target);
    }

    /** Cross-entropy against integer class labels (I32, shape logits minus the last dim). */
    public static Var softmaxCrossEntropy(Var logits, Tensor labels) {
        return softmaxCrossEntropy(logits, Var.constant(Tensor.oneHot(labels, logits.dim(-1)).toType(logits.dtype())));
    }

    /** The composite twin of {@link #softmaxCrossEntropy(Var, Var)}. */
    public static Var softmaxCrossEntropyComposite(Var logits, Var target) {
        return target.mul(logits.logSoftmax(-1)).sum(-1).neg();
    }
}
