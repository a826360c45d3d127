package somnium.autograd;

import static somnium.autograd.Var.op;
import static somnium.autograd.Var.saving;

import somnium.tensor.Tensor;

/** Gathers, scatters and the softmax family. Gather and scatter-add are each other's adjoints. */
final class IndexOps {
    private IndexOps() {}

    /** y = x.gather(axis, index): dL/dx = zeros.scatterAdd(axis, index, g) (repeated indices add up). */
    static Var gather(Var x, int axis, Tensor index) {
        Tensor xv = x.value();
        return op("gather", xv.gather(axis, index), (g, n) -> n.grad(0, xv.zerosLike().scatterAdd(axis, index, g)), x);
    }

    /** y = x + scatter(src): dL/dx = g, dL/dsrc = g.gather(axis, index). */
    static Var scatterAdd(Var x, int axis, Tensor index, Var src) {
        return op("scatterAdd", x.value().scatterAdd(axis, index, src.value()), (g, n) -> {
            n.grad(0, g);
            if (n.needs(1)) n.grad(1, g.gather(axis, index));
        }, x, src);
    }

    /** y = x.indexSelect(axis, index): the gradient of each selected slice is added back at its index. */
    static Var indexSelect(Var x, int axis, Tensor index) {
        Tensor xv = x.value();
        int a = x.shape().axis(axis, "indexSelect");
        Tensor y = xv.indexSelect(a, index);
        return op("indexSelect", y, (g, n) -> {
            int[] d = new int[y.rank()];
            java.util.Arrays.fill(d, 1);
            d[a] = index.numel();
            Tensor idx = index.reshape(d).expand(y.dims()).contiguous();
            n.grad(0, xv.zerosLike().scatterAdd(a, idx, g.contiguous()));
        }, x);
    }

    /** y = softmax(x): dL/dx = y * (g - sum(g * y)). */
    static Var softmax(Var x, int axis) {
        Tensor y = x.value().softmax(axis);
        return op("softmax", y, saving(y), (g, n) -> n.grad(0, y.mul(g.sub(g.mul(y).sum(axis, true)))), x);
    }

    /** y = log softmax(x): dL/dx = g - exp(y) * sum(g). */
    static Var logSoftmax(Var x, int axis) {
        Tensor y = x.value().logSoftmax(axis);
        return op("logSoftmax", y, saving(y), (g, n) -> n.grad(0, g.sub(y.exp().mul(g.sum(axis, true)))), x);
    }
}
