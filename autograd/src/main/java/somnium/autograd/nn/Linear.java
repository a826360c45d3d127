package somnium.autograd.nn;

import somnium.autograd.Var;
import somnium.tensor.Rng;

/** y = x·W^T + b over the last dim; W is [out, in] (PyTorch layout and initialization). */
public final class Linear extends Module {
    public final int in, out;
    public final Var weight, bias;

    public Linear(int in, int out, boolean bias, Rng rng) {
        this.in = in;
        this.out = out;
        this.weight = param("weight", Init.kaimingUniform(rng, in, Math.sqrt(5), out, in));
        this.bias = bias ? param("bias", Init.uniform(rng, 1 / Math.sqrt(in), out)) : null;
    }

    public Linear(int in, int out, Rng rng) {
        this(in, out, true, rng);
    }

    public Var forward(Var x) {
        if (x.rank() < 1 || x.dim(-1) != in)
            throw new IllegalArgumentException("Linear(" + in + "->" + out + ") given " + x.shape());
        return x.linear(weight, bias);
    }
}
