package somnium.autograd.nn;

import somnium.autograd.FusedOps;
import somnium.autograd.Var;
import somnium.tensor.Tensor;

/** Layer normalization over the last dim, with optional affine (weight 1, bias 0 at start); fused backward. */
public final class LayerNorm extends Module {
    public final int dim;
    public final double eps;
    public final Var weight, bias;

    public LayerNorm(int dim, double eps, boolean affine) {
        this.dim = dim;
        this.eps = eps;
        this.weight = affine ? param("weight", Tensor.ones(dim)) : null;
        this.bias = affine ? param("bias", Tensor.zeros(dim)) : null;
    }

    /** PyTorch's default eps 1e-5, affine. */
    public LayerNorm(int dim) {
        this(dim, 1e-5, true);
    }

    public Var forward(Var x) {
        if (x.rank() < 1 || x.dim(-1) != dim) throw new IllegalArgumentException("LayerNorm(" + dim + ") given " + x.shape());
        return FusedOps.layerNorm(x, weight, bias, eps);
    }
}
