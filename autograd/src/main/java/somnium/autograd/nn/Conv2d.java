package somnium.autograd.nn;

import somnium.autograd.Var;
import somnium.tensor.Rng;

/** 2-D convolution, NCHW, square kernel; weight [out, in, k, k], PyTorch initialization (fan_in = in*k*k). */
public final class Conv2d extends Module {
    public final int in, out, kernel, stride, pad;
    public final Var weight, bias;

    public Conv2d(int in, int out, int kernel, int stride, int pad, boolean bias, Rng rng) {
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.pad = pad;
        int fanIn = in * kernel * kernel;
        this.weight = param("weight", Init.kaimingUniform(rng, fanIn, Math.sqrt(5), out, in, kernel, kernel));
        this.bias = bias ? param("bias", Init.uniform(rng, 1 / Math.sqrt(fanIn), out)) : null;
    }

    public Var forward(Var x) {
        if (x.rank() != 4 || x.dim(1) != in)
            throw new IllegalArgumentException("Conv2d(" + in + "->" + out + ", k=" + kernel + ") given " + x.shape() + " (expects [N, " + in + ", H, W])");
        return x.conv2d(weight, bias, stride, pad);
    }
}
