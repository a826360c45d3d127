package somnium.autograd.nn;

import somnium.autograd.Var;
import somnium.tensor.Tensor;

/** RMS normalization over the last dim: y = x / sqrt(mean(x^2) + eps) * scale (DreamerV3's current default). */
public final class RmsNorm extends Module {
    public final int dim;
    public final double eps;
    public final Var scale;

    public RmsNorm(int dim, double eps) {
        this.dim = dim;
        this.eps = eps;
        this.scale = param("scale", Tensor.ones(dim));
    }

    public Var forward(Var x) {
        if (x.rank() < 1 || x.dim(-1) != dim) throw new IllegalArgumentException("RmsNorm(" + dim + ") given " + x.shape());
        return x.mul(x.square().mean(-1, true).add(eps).rsqrt()).mul(scale);
    }
}
