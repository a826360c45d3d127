package somnium.autograd.nn;

import somnium.autograd.Var;
import somnium.tensor.Rng;

/**
 * The LayerNorm GRU of DreamerV2/V3 (danijar's GRUCell with norm=True, update_bias=-1):
 * <pre>
 * parts = LayerNorm(Linear(cat[x, h], 3H, no bias))
 * r, c, u = split(parts);  r = σ(r);  c = tanh(r ⊙ c);  u = σ(u − 1)
 * h' = u ⊙ c + (1 − u) ⊙ h
 * </pre>
 */
public final class NormGruCell extends Module {
    public final int inputSize, hiddenSize;
    public final double updateBias;
    public final Linear linear;
    public final LayerNorm norm;

    public NormGruCell(int inputSize, int hiddenSize, double updateBias, double eps, Rng rng) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.updateBias = updateBias;
        linear = module("lin", new Linear(inputSize + hiddenSize, 3 * hiddenSize, false, rng));
        norm = module("norm", new LayerNorm(3 * hiddenSize, eps, true));
    }

    public NormGruCell(int inputSize, int hiddenSize, Rng rng) {
        this(inputSize, hiddenSize, -1.0, 1e-5, rng);
    }

    public Var forward(Var x, Var h) {
        if (x.rank() != 2 || x.dim(1) != inputSize || h.rank() != 2 || h.dim(1) != hiddenSize)
            throw new IllegalArgumentException("NormGruCell(" + inputSize + "->" + hiddenSize + ") given x " + x.shape() + " and h " + h.shape());
        Var[] p = norm.forward(linear.forward(Var.concat(-1, x, h))).chunk(3, -1);
        Var r = p[0].sigmoid();
        Var c = r.mul(p[1]).tanh();
        Var u = p[2].add(updateBias).sigmoid();
        return u.mul(c).add(u.rsub(1).mul(h));
    }
}
