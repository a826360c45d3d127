package somnium.autograd;

import static somnium.autograd.Var.op;

import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * Views and joins. They move elements without changing them, so each backward moves the gradient back:
 * reshape it back, permute it back, or add it into the slice it came from ({@link Node#gradSlice}: the input's
 * gradient buffer is made once, zero, and every slice taken from it adds in place, so 50 per-step selects of a
 * [B, T, ...] sequence cost one zero-fill, not 50).
 */
final class ShapeOps {
    private ShapeOps() {}

    static Var reshape(Var x, int... dims) {
        Shape xs = x.shape();
        return op("reshape", x.value().reshape(dims), (g, n) -> n.grad(0, g.reshape(xs.dims())), x);
    }

    static Var flatten(Var x, int start, int end) {
        Shape xs = x.shape();
        return op("flatten", x.value().flatten(start, end), (g, n) -> n.grad(0, g.reshape(xs.dims())), x);
    }

    static Var permute(Var x, int... axes) {
        Tensor y = x.value().permute(axes);
        int[] inverse = new int[axes.length];
        for (int i = 0; i < axes.length; i++) inverse[x.shape().axis(axes[i], "permute")] = i;
        return op("permute", y, (g, n) -> n.grad(0, g.permute(inverse)), x);
    }

    static Var transpose(Var x, int a, int b) {
        return op("transpose", x.value().transpose(a, b), (g, n) -> n.grad(0, g.transpose(a, b)), x);
    }

    static Var unsqueeze(Var x, int axis) {
        Tensor y = x.value().unsqueeze(axis);
        int a = axis < 0 ? axis + y.rank() : axis;
        return op("unsqueeze", y, (g, n) -> n.grad(0, g.squeeze(a)), x);
    }

    static Var squeeze(Var x, int axis) {
        int a = x.shape().axis(axis, "squeeze");
        return op("squeeze", x.value().squeeze(a), (g, n) -> n.grad(0, g.unsqueeze(a)), x);
    }

    /** Broadcast view; the backward's sum over the stretched dims is done by {@link Node#grad}. */
    static Var expand(Var x, int... dims) {
        return op("expand", x.value().expand(dims), (g, n) -> n.grad(0, g), x);
    }

    static Var narrow(Var x, int axis, int start, int length) {
        Tensor xv = x.value();
        int a = xv.shape().axis(axis, "narrow");
        return op("narrow", xv.narrow(axis, start, length), (g, n) -> n.gradSlice(0, in -> in.narrow(a, start, length), g), x);
    }

    static Var select(Var x, int axis, int index) {
        Tensor xv = x.value();
        int a = xv.shape().axis(axis, "select");
        return op("select", xv.select(axis, index), (g, n) -> n.gradSlice(0, in -> in.select(a, index), g), x);
    }

    static Var[] split(Var x, int axis, int... sizes) {
        Var[] out = new Var[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = narrow(x, axis, start, sizes[i]);
            start += sizes[i];
        }
        if (start != x.shape().dim(axis))
            throw new IllegalArgumentException("split: sizes add up to " + start + ", not " + x.shape().dim(axis) + " (axis " + axis + " of " + x.shape() + ")");
        return out;
    }

    static Var[] chunk(Var x, int count, int axis) {
        int size = x.shape().dim(axis);
        if (count <= 0 || size % count != 0)
            throw new IllegalArgumentException("chunk: axis " + axis + " of shape " + x.shape() + " does not split into " + count + " equal chunks");
        int[] sizes = new int[count];
        java.util.Arrays.fill(sizes, size / count);
        return split(x, axis, sizes);
    }

    /** Joins along an axis; each input's gradient is its slice of g. */
    static Var concat(int axis, Var... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("concat: no Vars");
        Tensor[] vals = new Tensor[xs.length];
        int[] sizes = new int[xs.length];
        int a = xs[0].shape().axis(axis, "concat");
        for (int i = 0; i < xs.length; i++) {
            vals[i] = xs[i].value();
            sizes[i] = vals[i].rank() > a ? vals[i].dim(a) : 0;
        }
        return op("concat", Tensor.concat(a, vals), (g, n) -> {
            int off = 0;
            for (int i = 0; i < sizes.length; i++) {
                if (n.needs(i)) n.grad(i, g.narrow(a, off, sizes[i]));
                off += sizes[i];
            }
        }, xs);
    }

    static Var stack(int axis, Var... xs) {
        if (xs.length == 0) throw new IllegalArgumentException("stack: no Vars");
        Var[] u = new Var[xs.length];
        for (int i = 0; i < xs.length; i++) {
            if (!xs[i].shape().equals(xs[0].shape()))
                throw new IllegalArgumentException("stack: shapes differ: " + xs[0].shape() + " vs " + xs[i].shape() + " (input " + i + ")");
            u[i] = unsqueeze(xs[i], axis);
        }
        return concat(axis, u);
    }
}
