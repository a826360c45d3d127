package somnium.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ReductionTest {
    private final Random r = new Random(3);

    /** Naive reduction over axes for the output index (keep-dim). */
    private static double naive(ReduceOp op, Tensor x, int[] axes, int[] outIdx) {
        boolean[] red = new boolean[x.rank()];
        for (int a : axes) red[a] = true;
        double[] acc = {op == ReduceOp.MAX || op == ReduceOp.LOGSUMEXP ? Double.NEGATIVE_INFINITY : op == ReduceOp.MIN ? Double.POSITIVE_INFINITY : 0};
        int[] cnt = {0};
        java.util.List<Double> vals = new java.util.ArrayList<>();
        T.each(x.dims(), i -> {
            for (int k = 0; k < i.length; k++) if (!red[k] && i[k] != outIdx[k]) return;
            double v = x.get(i);
            vals.add(v);
            cnt[0]++;
        });
        switch (op) {
            case SUM: return vals.stream().mapToDouble(d -> d).sum();
            case MEAN: return vals.stream().mapToDouble(d -> d).sum() / cnt[0];
            case MAX: return vals.stream().mapToDouble(d -> d).max().orElseThrow();
            case MIN: return vals.stream().mapToDouble(d -> d).min().orElseThrow();
            default:
                double m = vals.stream().mapToDouble(d -> d).max().orElseThrow();
                return m + Math.log(vals.stream().mapToDouble(d -> Math.exp(d - m)).sum());
        }
    }

    @Test
    void reductionsOverAnyAxesMatchNaive() {
        int[][] shapes = {{5}, {3, 17}, {4, 3, 9}, {2, 3, 4, 5}, {40, 300}};
        for (int[] dims : shapes) {
            Tensor base = T.rand(r, dims);
            for (Tensor x : new Tensor[] {base, dims.length > 1 ? base.transpose(0, -1) : base, base.toType(DType.F64)}) {
                int rank = x.rank();
                for (int mask0 = 1; mask0 < (1 << rank); mask0++) {
                    final int mask = mask0;
                    int[] axes = java.util.stream.IntStream.range(0, rank).filter(a -> ((mask >> a) & 1) != 0).toArray();
                    for (ReduceOp op : ReduceOp.values()) {
                        Tensor out = x.reduce(op, axes, true);
                        double tol = x.dtype() == DType.F64 ? 1e-12 : 2e-5;
                        T.check(out, i -> naive(op, x, axes, i), tol, op + " " + x.shape() + " axes " + Arrays.toString(axes));
                        Tensor flat = x.reduce(op, axes, false);
                        assertEquals(out.numel(), flat.numel());
                        assertEquals(rank - axes.length, flat.rank());
                    }
                }
            }
        }
    }

    @Test
    void convenienceFormsAndVar() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(21, x.sum().item(), 1e-6);
        assertArrayEquals(new float[] {5, 7, 9}, x.sum(0).toFloatArray());
        assertArrayEquals(new float[] {2, 5}, x.mean(-1).toFloatArray());
        assertArrayEquals(new float[] {3, 6}, x.max(1).toFloatArray());
        assertArrayEquals(new float[] {1, 2, 3}, x.min(0).toFloatArray());
        T.sameShape(x.sum(1, true), 2, 1);
        // var: population and unbiased against the closed form.
        assertEquals(35.0 / 12, x.var().item(), 1e-5);
        assertArrayEquals(new float[] {1, 1}, x.var(new int[] {1}, true, false).toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {4.5f, 4.5f, 4.5f}, x.var(new int[] {0}, true, false).toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 3).var(new int[] {0}, true, false));
        assertThrows(IllegalArgumentException.class, () -> x.sum(2));
        assertThrows(IllegalArgumentException.class, () -> x.sum(new int[] {0, 0}, false));
        // logsumexp is stable for large inputs.
        Tensor big = Tensor.of(new float[] {1000, 1000}, 2);
        assertEquals(1000 + Math.log(2), big.logsumexp(0).item(), 1e-3);
    }

    @Test
    void argmaxArgminTiesToLowestIndex() {
        Tensor x = Tensor.of(new float[] {1, 5, 5, 0, -2, 7, 7, -2}, 2, 4);
        assertArrayEquals(new int[] {1, 1}, x.argmax(1, false).toIntArray());
        assertArrayEquals(new int[] {3, 0}, x.argmin(1, false).toIntArray());
        assertArrayEquals(new int[] {0, 1, 1, 0}, x.argmax(0, false).toIntArray());
        T.sameShape(x.argmax(0, true), 1, 4);
        assertEquals(DType.I32, x.argmax(1, false).dtype());
        Tensor y = T.rand(r, 6, 5, 7);
        Tensor am = y.argmax(1, false);
        T.each(am.dims(), i -> {
            int best = 0;
            for (int k = 1; k < 5; k++) if (y.get(i[0], k, i[1]) > y.get(i[0], best, i[1])) best = k;
            assertEquals(best, (int) am.get(i));
        });
    }

    @Test
    void softmaxAndLogSoftmaxAlongAnyAxis() {
        Tensor x = T.rand(r, 3, 4, 13).mul(5);
        for (int axis = 0; axis < 3; axis++) {
            final int ax = axis;
            Tensor sm = x.softmax(axis), lsm = x.logSoftmax(axis);
            T.check(sm, i -> {
                double m = Double.NEGATIVE_INFINITY, s = 0;
                for (int k = 0; k < x.dim(ax); k++) { int[] j = i.clone(); j[ax] = k; m = Math.max(m, x.get(j)); }
                for (int k = 0; k < x.dim(ax); k++) { int[] j = i.clone(); j[ax] = k; s += Math.exp(x.get(j) - m); }
                return Math.exp(x.get(i) - m) / s;
            }, 1e-5, "softmax axis " + axis);
            T.check(lsm, i -> Math.log(sm.get(i)), 1e-4, "logSoftmax axis " + axis);
            Tensor sums = sm.sum(axis);
            T.check(sums, i -> 1.0, 1e-5, "softmax sums to 1");
        }
        Tensor xd = x.toType(DType.F64);
        assertTrue(xd.softmax(2).allClose(x.softmax(2).toType(DType.F64), 1e-5, 1e-6));
    }

    @Test
    void cumsumForwardAndReverse() {
        Tensor x = T.rand(r, 3, 6, 2);
        for (int axis = 0; axis < 3; axis++) {
            final int ax = axis;
            for (boolean rev : new boolean[] {false, true}) {
                Tensor c = x.cumsum(axis, rev);
                T.check(c, i -> {
                    double s = 0;
                    int from = rev ? i[ax] : 0, to = rev ? x.dim(ax) - 1 : i[ax];
                    for (int k = from; k <= to; k++) { int[] j = i.clone(); j[ax] = k; s += x.get(j); }
                    return s;
                }, 1e-5, "cumsum axis " + axis + " reverse " + rev);
            }
        }
        assertArrayEquals(new float[] {6, 5, 3}, Tensor.of(new float[] {1, 2, 3}, 3).cumsum(0, true).toFloatArray());
    }
}
