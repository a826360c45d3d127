package somnium.autograd.nn;

import somnium.autograd.Var;
import somnium.tensor.Rng;

/**
 * LSTM cell in PyTorch's convention (gates i, f, g, o), as in the MDN-RNN of World Models:
 * <pre>
 * [i, f, g, o] = x·W_ih^T + b_ih + h·W_hh^T + b_hh
 * c' = σ(f) ⊙ c + σ(i) ⊙ tanh(g);  h' = σ(o) ⊙ tanh(c')
 * </pre>
 */
public final class LstmCell extends Module {
    /** The recurrent state. */
    public record State(Var h, Var c) {}

    public final int inputSize, hiddenSize;
    public final Var weightIh, weightHh, biasIh, biasHh;

    public LstmCell(int inputSize, int hiddenSize, Rng rng) {
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        double k = 1 / Math.sqrt(hiddenSize);
        weightIh = param("weight_ih", Init.uniform(rng, k, 4 * hiddenSize, inputSize));
        weightHh = param("weight_hh", Init.uniform(rng, k, 4 * hiddenSize, hiddenSize));
        biasIh = param("bias_ih", Init.uniform(rng, k, 4 * hiddenSize));
        biasHh = param("bias_hh", Init.uniform(rng, k, 4 * hiddenSize));
    }

    public State forward(Var x, State s) {
        if (x.rank() != 2 || x.dim(1) != inputSize || s.h().rank() != 2 || s.h().dim(1) != hiddenSize)
            throw new IllegalArgumentException("LstmCell(" + inputSize + "->" + hiddenSize + ") given x " + x.shape() + " and h " + s.h().shape());
        Var[] gates = x.linear(weightIh, biasIh).add(s.h().linear(weightHh, biasHh)).chunk(4, 1);
        Var c = gates[1].sigmoid().mul(s.c()).add(gates[0].sigmoid().mul(gates[2].tanh()));
        Var h = gates[3].sigmoid().mul(c.tanh());
        return new State(h, c);
    }
}
