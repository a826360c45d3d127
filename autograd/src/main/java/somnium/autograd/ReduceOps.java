package somnium.autograd;

import static somnium.autograd.Var.op;
import static somnium.autograd.Var.saving;

import java.util.Arrays;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * Reductions over a set of axes (an empty set means all). Their backward spreads the output gradient
 * back over the reduced axes: reshape {@code g} to the keep-dim shape, then broadcast it to the input.
 */
final class ReduceOps {
    private ReduceOps() {}

    /** Normalized, sorted axes; all axes when {@code axes} is empty. */
    static int[] axes(Var x, int[] axes, String op) {
        int r = x.rank();
        if (axes.length == 0) {
            int[] all = new int[r];
            for (int i = 0; i < r; i++) all[i] = i;
            return all;
        }
        int[] a = new int[axes.length];
        for (int i = 0; i < a.length; i++) a[i] = x.shape().axis(axes[i], op);
        Arrays.sort(a);
        return a;
    }

    /** {@code g} (the reduced shape) viewed with the reduced axes kept as size 1, then broadcast to x. */
    static Tensor spread(Tensor g, Shape keepShape, Shape xShape) {
        return g.reshape(keepShape.dims()).expand(xShape.dims());
    }

    static Var sum(Var x, int[] axes, boolean keepDim) {
        int[] a = axes(x, axes, "sum");
        Shape keep = x.shape().reduce(a, true), xs = x.shape();
        return op("sum", x.value().sum(a, keepDim), (g, n) -> n.grad(0, spread(g, keep, xs)), x);   // d(sum)/dx_i = 1
    }

    static Var mean(Var x, int[] axes, boolean keepDim) {
        int[] a = axes(x, axes, "mean");
        Shape keep = x.shape().reduce(a, true), xs = x.shape();
        double scale = (double) keep.numel() / Math.max(1, xs.numel());                               // 1/count
        return op("mean", x.value().mean(a, keepDim), (g, n) -> n.grad(0, spread(g, keep, xs).mul(scale)), x);
    }

    /** max (or min): the gradient goes to the extreme elements, shared equally among ties. */
    static Var max(Var x, int[] axes, boolean keepDim, boolean isMax) {
        String name = isMax ? "max" : "min";
        int[] a = axes(x, axes, name);
        Tensor xv = x.value();
        Tensor yKeep = isMax ? xv.max(a, true) : xv.min(a, true);
        Shape keep = yKeep.shape(), xs = x.shape();
        Tensor y = keepDim ? yKeep : yKeep.reshape(x.shape().reduce(a, false).dims());
        return op(name, y, saving(xv, yKeep), (g, n) -> {
            Tensor hit = xv.eq(yKeep);
            Tensor share = hit.div(hit.sum(a, true));
            n.grad(0, spread(g, keep, xs).mul(share));
        }, x);
    }

    /** log sum exp x; d/dx_i = exp(x_i - lse) = softmax. */
    static Var logsumexp(Var x, int[] axes, boolean keepDim) {
        int[] a = axes(x, axes, "logsumexp");
        Tensor xv = x.value();
        Tensor lseKeep = xv.logsumexp(a, true);
        Shape keep = lseKeep.shape(), xs = x.shape();
        Tensor y = keepDim ? lseKeep : lseKeep.reshape(x.shape().reduce(a, false).dims());
        return op("logsumexp", y, saving(xv, lseKeep), (g, n) -> n.grad(0, spread(g, keep, xs).mul(xv.sub(lseKeep).exp())), x);
    }
}
