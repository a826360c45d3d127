package somnium.autograd.nn;

import somnium.autograd.FusedOps;
import somnium.autograd.Var;
import somnium.tensor.Rng;

/**
 * GRU cell in PyTorch's convention (gates r, z, n):
 * <pre>
 * r = σ(W_ir x + b_ir + W_hr h + b_hr)
 * z = σ(W_iz x + b_iz + W_hz h + b_hz)
 * n = tanh(W_in x + b_in + r ⊙ (W_hn h + b_hn))
 * h' = (1 − z) ⊙ n + z ⊙ h
 * </pre>
 * Weights weight_ih [3H, I], weight_hh [3H, H], biases [3H], all U(−1/√H, 1/√H) as in PyTorch, so a
 * torch.nn.GRUCell state dict loads directly. The step is three nodes: one matmul for x over all gates, one
 * for h, and the fused pointwise op {@link FusedOps#gruCell}.
 */
public final class GruCell extends Module {
    public final int inputSize, hiddenSize;
    public final Var weightIh, weightHh, biasIh, biasHh;

    public GruCell(int inputSize, int hiddenSize, Rng rng) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double k = 1 / Math.sqrt(hiddenSize);
        weightIh = param("weight_ih", Init.uniform(rng, k, 3 * hiddenSize, inputSize));
        weightHh = param("weight_hh", Init.uniform(rng, k, 3 * hiddenSize, hiddenSize));
        biasIh = param("bias_ih", Init.uniform(rng, k, 3 * hiddenSize));
        biasHh = param("bias_hh", Init.uniform(rng, k, 3 * hiddenSize));
    }

    public Var forward(Var x, Var h) {
        check(x, h);
        return FusedOps.gruCell(x.linear(weightIh, biasIh), h.linear(weightHh, biasHh), h);
    }

    /** The same step from ordinary ops (the fused op's twin, for tests and for reading). */
    public Var forwardComposite(Var x, Var h) {
        check(x, h);
        return FusedOps.gruCellComposite(x.linear(weightIh, biasIh), h.linear(weightHh, biasHh), h);
    }

    private void check(Var x, Var h) {
        if (x.rank() != 2 || x.dim(1) != inputSize || h.rank() != 2 || h.dim(1) != hiddenSize || h.dim(0) != x.dim(0))
            throw new IllegalArgumentException("GruCell(" + inputSize + "->" + hiddenSize + ") given x " + x.shape() + " and h " + h.shape()
                    + " (expects [B, " + inputSize + "] and [B, " + hiddenSize + "])");
    }
}
