package somnium.autograd;

import static somnium.autograd.Var.op;
import static somnium.autograd.Var.saving;

import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/** Matrix products and convolutions. Transposes are copy-free views ({@code t()}). */
final class LinalgOps {
    private LinalgOps() {}

    /** C = A·B (batch dims broadcast): dL/dA = g·B^T, dL/dB = A^T·g, summed over broadcast batch dims. */
    static Var matmul(Var a, Var b) {
        Tensor av = a.value(), bv = b.value();
        return op("matmul", av.matmul(bv), saving(av, bv), (g, n) -> {
            if (n.needs(0)) n.grad(0, g.matmul(bv.t()));
            if (n.needs(1)) n.grad(1, av.t().matmul(g));
        }, a, b);
    }

    /**
     * y = x·W^T + b over the last dim of x (x [..., in], W [out, in], b [out] or null): one node for the
     * whole affine map. Backward: dx = g·W, dW = g^T·x, db = sum of g over the batch.
     */
    static Var linear(Var x, Var w, Var b) {
        Tensor xv = x.value(), wv = w.value();
        if (wv.rank() != 2 || x.rank() < 1 || xv.dim(-1) != wv.dim(1) || (b != null && (b.rank() != 1 || b.dim(0) != wv.dim(0))))
            throw new IllegalArgumentException("linear(" + (wv.rank() == 2 ? wv.dim(1) + "->" + wv.dim(0) : "weight " + wv.shape())
                    + "): input " + xv.shape() + ", weight " + wv.shape() + (b == null ? "" : ", bias " + b.shape()));
        int in = wv.dim(1), out = wv.dim(0);
        Tensor x2 = xv.reshape(-1, in);
        Tensor y;
        if (x2.dim(0) > 1 && x2.stride(0) == 0) {
            // Every row is the same row (a broadcast, e.g. the start state shared by all CEM candidates): multiply
            // it once and copy the result out.
            Tensor row = x2.narrow(0, 0, 1).matmulReusedB(wv.t());
            if (b != null) row.addInPlace(b.value());
            y = row.expand(x2.dim(0), out).contiguous();
        } else {
            y = x2.matmulReusedB(wv.t()); // W is packed once per optimizer step, not per call
            if (b != null) y.addInPlace(b.value());   // y is new: adding in place is safe
        }
        int[] yd = xv.dims();
        yd[yd.length - 1] = out;
        Tensor result = y.reshape(yd);
        Shape xs = xv.shape();
        Backward bw = (g, n) -> {
            Tensor g2 = g.reshape(-1, out);
            if (n.needs(0)) n.grad(0, g2.matmulReusedB(wv).reshape(xs.dims()));
            n.gradMatmul(1, g2.t(), x2);
            if (b != null && n.needs(2)) n.grad(2, g2.sum(0));
        };
        return b == null ? op("linear", result, saving(xv, wv), bw, x, w) : op("linear", result, saving(xv, wv), bw, x, w, b);
    }

    /** 2-D convolution (NCHW); the backend provides the two adjoint convolutions for backward. */
    static Var conv2d(Var x, Var w, Var bias, int stride, int pad) {
        Tensor xv = x.value(), wv = w.value();
        Tensor y = xv.conv2d(wv, bias == null ? null : bias.value(), stride, pad);
        Backward bw = (g, n) -> {
            Tensor gc = g.contiguous();
            if (n.needs(0)) n.grad(0, Tensor.conv2dBackwardInput(gc, wv, xv.shape(), stride, pad));
            if (n.needs(1)) n.grad(1, Tensor.conv2dBackwardWeight(xv, gc, wv.shape(), stride, pad));
            if (bias != null && n.needs(2)) n.grad(2, gc.sum(new int[] {0, 2, 3}, false));
        };
        return bias == null ? op("conv2d", y, saving(xv, wv), bw, x, w) : op("conv2d", y, saving(xv, wv), bw, x, w, bias);
    }

    /** Transposed 2-D convolution (weight [Cin, Cout, kh, kw], as in PyTorch). */
    static Var convTranspose2d(Var x, Var w, Var bias, int stride, int pad) {
        Tensor xv = x.value(), wv = w.value();
        Tensor y = xv.convTranspose2d(wv, bias == null ? null : bias.value(), stride, pad);
        Backward bw = (g, n) -> {
            Tensor gc = g.contiguous();
            if (n.needs(0)) n.grad(0, Tensor.convTranspose2dBackwardInput(gc, wv, xv.shape(), stride, pad));
            if (n.needs(1)) n.grad(1, Tensor.convTranspose2dBackwardWeight(xv, gc, wv.shape(), stride, pad));
            if (bias != null && n.needs(2)) n.grad(2, gc.sum(new int[] {0, 2, 3}, false));
        };
        return bias == null ? op("convTranspose2d", y, saving(xv, wv), bw, x, w)
                : op("convTranspose2d", y, saving(xv, wv), bw, x, w, bias);
    }
}
