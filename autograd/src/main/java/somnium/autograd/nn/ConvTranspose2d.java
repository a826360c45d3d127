package somnium.autograd.nn;

import somnium.autograd.Var;
import somnium.tensor.Rng;

/**
 * Transposed 2-D convolution, weight [in, out, k, k] (PyTorch layout). As in PyTorch, the initializer's
 * fan_in is computed from weight dim 1: out*k*k.
 */
public final class ConvTranspose2d extends Module {
    public final int in, out, kernel, stride, pad;
    public final Var weight, bias;

    public ConvTranspose2d(int in, int out, int kernel, int stride, int pad, boolean bias, Rng rng) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
        int fanIn = out * kernel * kernel;
        this.weight = param("weight", Init.kaimingUniform(rng, fanIn, Math.sqrt(5), in, out, kernel, kernel));
        this.bias = bias ? param("bias", Init.uniform(rng, 1 / Math.sqrt(fanIn), out)) : null;
    }

    public Var forward(Var x) {
        if (x.rank() != 4 || x.dim(1) != in)
            throw new IllegalArgumentException("ConvTranspose2d(" + in + "->" + out + ", k=" + kernel + ") given " + x.shape() + " (expects [N, " + in + ", H, W])");
        return x.convTranspose2d(weight, bias, stride, pad);
    }
}
