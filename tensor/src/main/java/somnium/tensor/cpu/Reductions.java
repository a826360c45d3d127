package somnium.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import somnium.tensor.DType;
import somnium.tensor.ReduceOp;
import somnium.tensor.Tensor;

/**
 * Reductions, arg-reductions, softmax and cumulative sums.
 *
 * <p>A reduction over a set of axes becomes one of two contiguous problems:
 * <ul>
 *   <li><b>rows</b>: the reduced axes are (or are permuted to be) the trailing ones, so each output element
 *       reduces one contiguous row ({@code out[r] = reduce(x[r, :])});</li>
 *   <li><b>columns</b>: the reduced axes are the leading ones of a contiguous tensor (a bias gradient
 *       summed over the batch), so rows are accumulated into the output with vector adds.</li>
 * </ul>
 * Any other layout is first copied into the row layout.
 */
final class Reductions {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Reductions() {}

    static void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        int r = x.rank();
        boolean[] red = new boolean[r];
        for (int a : axes) red[a] = true;
        int[] rowsFirst = new int[r], colsFirst = new int[r];
        int k = 0, c = 0;
        for (int i = 0; i < r; i++) if (!red[i]) rowsFirst[k++] = i;
        for (int a : axes) rowsFirst[k++] = a;
        for (int a : axes) colsFirst[c++] = a;
        for (int i = 0; i < r; i++) if (!red[i]) colsFirst[c++] = i;
        int outer = out.numel();
        int inner = outer == 0 ? 0 : x.numel() / Math.max(outer, 1);
        if (x.numel() == 0) {
            Elementwise.fill(out, op == ReduceOp.SUM ? 0 : op == ReduceOp.LOGSUMEXP ? Double.NEGATIVE_INFINITY : Double.NaN);
            return;
        }
        Tensor rows = x.permute(rowsFirst);
        if (x.dtype() == DType.F32 && !rows.isContiguous() && op != ReduceOp.LOGSUMEXP) {
            Tensor cols = x.permute(colsFirst);
            if (cols.isContiguous()) {
                columnsF32(op, Elementwise.f(cols), cols.offset(), inner, outer, Elementwise.f(out), out.offset());
                return;
            }
        }
        if (!rows.isContiguous()) rows = rows.contiguous();
        if (x.dtype() == DType.F32) rowsF32(op, Elementwise.f(rows), rows.offset(), outer, inner, Elementwise.f(out), out.offset());
        else rowsF64(op, Elementwise.d(rows), rows.offset(), outer, inner, Elementwise.d(out), out.offset());
    }

    private static void rowsF32(ReduceOp op, float[] x, int xo, int outer, int inner, float[] o, int oo) {
        Parallel.forRange(outer, (long) outer * inner, Math.max(1, 8192 / Math.max(inner, 1)), (s, e) -> {
            for (int row = s; row < e; row++) {
                int base = xo + row * inner;
                float v;
                switch (op) {
                    case SUM -> v = sum(x, base, inner);
                    case MEAN -> v = sum(x, base, inner) / inner;
                    case MAX -> v = max(x, base, inner);
                    case MIN -> v = min(x, base, inner);
                    default -> v = logsumexp(x, base, inner);
                }
                o[oo + row] = v;
            }
        });
    }

    static float sum(float[] x, int base, int n) {
        int i = 0, ub = S.loopBound(n);
        var acc = FloatVector.zero(S);
        for (; i < ub; i += L) acc = acc.add(FloatVector.fromArray(S, x, base + i));
        float s = laneSum(acc);
        for (; i < n; i++) s += x[base + i];
        return s;
    }

    /**
     * The sum of a vector's lanes in a fixed order (lane 0, 1, ...). {@code reduceLanes(ADD)} leaves the order
     * unspecified, and the interpreter and C2 really do differ, which made sums differ in the last bit before
     * and after JIT compilation; a fixed order keeps training runs bit-reproducible.
     */
    static float laneSum(FloatVector v) {
        float s = 0;
        for (int i = 0; i < L; i++) s += v.lane(i);
        return s;
    }

    static float max(float[] x, int base, int n) {
        int i = 0, ub = S.loopBound(n);
        float m = Float.NEGATIVE_INFINITY;
        if (ub > 0) {
            var acc = FloatVector.broadcast(S, Float.NEGATIVE_INFINITY);
            for (; i < ub; i += L) acc = acc.max(FloatVector.fromArray(S, x, base + i));
            m = acc.reduceLanes(VectorOperators.MAX);
        }
        for (; i < n; i++) m = Math.max(m, x[base + i]);
        return m;
    }

    static float min(float[] x, int base, int n) {
        int i = 0, ub = S.loopBound(n);
        float m = Float.POSITIVE_INFINITY;
        if (ub > 0) {
            var acc = FloatVector.broadcast(S, Float.POSITIVE_INFINITY);
            for (; i < ub; i += L) acc = acc.min(FloatVector.fromArray(S, x, base + i));
            m = acc.reduceLanes(VectorOperators.MIN);
        }
        for (; i < n; i++) m = Math.min(m, x[base + i]);
        return m;
    }

    static float logsumexp(float[] x, int base, int n) {
        float m = max(x, base, n);
        if (m == Float.NEGATIVE_INFINITY || Float.isNaN(m) || m == Float.POSITIVE_INFINITY) return m;
        int i = 0, ub = S.loopBound(n);
        var mv = FloatVector.broadcast(S, m);
        var acc = FloatVector.zero(S);
        for (; i < ub; i += L) acc = acc.add(FloatVector.fromArray(S, x, base + i).sub(mv).lanewise(VectorOperators.EXP));
        double s = laneSum(acc);
        for (; i < n; i++) s += Math.exp(x[base + i] - m);
        return (float) (m + Math.log(s));
    }

    /** out[c] = reduce_r x[r*cols + c] for a contiguous [rows, cols] block. */
    private static void columnsF32(ReduceOp op, float[] x, int xo, int rows, int cols, float[] o, int oo) {
        Parallel.forRange(cols, (long) rows * cols, Math.max(L, 64), (s, e) -> {
            int n = e - s;
            System.arraycopy(x, xo + s, o, oo + s, n);
            for (int r = 1; r < rows; r++) {
                int base = xo + r * cols + s;
                int i = 0, ub = S.loopBound(n);
                switch (op) {
                    case SUM, MEAN -> {
                        for (; i < ub; i += L)
                            FloatVector.fromArray(S, o, oo + s + i).add(FloatVector.fromArray(S, x, base + i)).intoArray(o, oo + s + i);
                        for (; i < n; i++) o[oo + s + i] += x[base + i];
                    }
                    case MAX -> {
                        for (; i < ub; i += L)
                            FloatVector.fromArray(S, o, oo + s + i).max(FloatVector.fromArray(S, x, base + i)).intoArray(o, oo + s + i);
                        for (; i < n; i++) o[oo + s + i] = Math.max(o[oo + s + i], x[base + i]);
                    }
                    case MIN -> {
                        for (; i < ub; i += L)
                            FloatVector.fromArray(S, o, oo + s + i).min(FloatVector.fromArray(S, x, base + i)).intoArray(o, oo + s + i);
                        for (; i < n; i++) o[oo + s + i] = Math.min(o[oo + s + i], x[base + i]);
                    }
                    default -> throw new AssertionError(op);
                }
            }
            if (op == ReduceOp.MEAN) {
                float inv = 1f / rows;
                for (int i = s; i < e; i++) o[oo + i] *= inv;
            }
        });
    }

    private static void rowsF64(ReduceOp op, double[] x, int xo, int outer, int inner, double[] o, int oo) {
        for (int row = 0; row < outer; row++) {
            int base = xo + row * inner;
            double v;
            switch (op) {
                case SUM, MEAN -> {
                    double s = 0;
                    for (int i = 0; i < inner; i++) s += x[base + i];
                    v = op == ReduceOp.MEAN ? s / inner : s;
                }
                case MAX -> {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < inner; i++) m = Math.max(m, x[base + i]);
                    v = m;
                }
                case MIN -> {
                    double m = Double.POSITIVE_INFINITY;
                    for (int i = 0; i < inner; i++) m = Math.min(m, x[base + i]);
                    v = m;
                }
                default -> {
                    double m = Double.NEGATIVE_INFINITY;
                    for (int i = 0; i < inner; i++) m = Math.max(m, x[base + i]);
                    if (Double.isInfinite(m) || Double.isNaN(m)) v = m;
                    else {
                        double s = 0;
                        for (int i = 0; i < inner; i++) s += Math.exp(x[base + i] - m);
                        v = m + Math.log(s);
                    }
                }
            }
            o[oo + row] = v;
        }
    }

    // ---------------------------------------------------------------------------------------------

    /** Rows of {@code x} along {@code axis}, contiguous: [outer, n] where outer follows the other dims' order. */
    static Tensor rowsAlong(Tensor x, int axis) {
        Tensor m = axis == x.rank() - 1 ? x : x.movedim(axis, -1);
        return m.isContiguous() ? m : m.contiguous();
    }

    static void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        Tensor rows = rowsAlong(x, axis);
        int n = x.dim(axis), outer = x.numel() / n;
        CpuStorage s = (CpuStorage) rows.storage();
        int[] o = Elementwise.i(out);
        int oo = out.offset(), xo = rows.offset();
        for (int r = 0; r < outer; r++) {
            int base = xo + r * n, best = 0;
            double bv = s.getDouble(base);
            for (int i = 1; i < n; i++) {
                double v = s.getDouble(base + i);
                if (max ? v > bv : v < bv) {
                    bv = v;
                    best = i;
                } else if (Double.isNaN(v) && !Double.isNaN(bv)) {
                    bv = v;
                    best = i;
                }
            }
            o[oo + r] = best;
        }
    }

    static void softmax(Tensor x, boolean log, Tensor out) {
        int n = x.dim(-1), outer = x.numel() / Math.max(n, 1);
        if (n == 0) return;
        if (x.dtype() == DType.F64) {
            double[] a = Elementwise.d(x), o = Elementwise.d(out);
            int xo = x.offset(), oo = out.offset();
            for (int r = 0; r < outer; r++) {
                double m = Double.NEGATIVE_INFINITY;
                for (int i = 0; i < n; i++) m = Math.max(m, a[xo + r * n + i]);
                double s = 0;
                for (int i = 0; i < n; i++) s += Math.exp(a[xo + r * n + i] - m);
                double ls = Math.log(s);
                for (int i = 0; i < n; i++) {
                    double z = a[xo + r * n + i] - m;
                    o[oo + r * n + i] = log ? z - ls : Math.exp(z) / s;
                }
            }
            return;
        }
        float[] a = Elementwise.f(x), o = Elementwise.f(out);
        int xo = x.offset(), oo = out.offset();
        Parallel.forRange(outer, (long) outer * n * 8, Math.max(1, 4096 / n), (s0, e0) -> {
            for (int r = s0; r < e0; r++) {
                int base = xo + r * n, ob = oo + r * n;
                float m = max(a, base, n);
                var mv = FloatVector.broadcast(S, m);
                int i = 0, ub = S.loopBound(n);
                var acc = FloatVector.zero(S);
                for (; i < ub; i += L) {
                    var ev = FloatVector.fromArray(S, a, base + i).sub(mv).lanewise(VectorOperators.EXP);
                    if (!log) ev.intoArray(o, ob + i);
                    acc = acc.add(ev);
                }
                double s = laneSum(acc);
                for (; i < n; i++) {
                    float ev = (float) Math.exp(a[base + i] - m);
                    if (!log) o[ob + i] = ev;
                    s += ev;
                }
                if (log) {
                    float shift = (float) (m + Math.log(s));
                    var sv = FloatVector.broadcast(S, shift);
                    i = 0;
                    for (; i < ub; i += L) FloatVector.fromArray(S, a, base + i).sub(sv).intoArray(o, ob + i);
                    for (; i < n; i++) o[ob + i] = a[base + i] - shift;
                } else {
                    var inv = FloatVector.broadcast(S, (float) (1.0 / s));
                    i = 0;
                    for (; i < ub; i += L) FloatVector.fromArray(S, o, ob + i).mul(inv).intoArray(o, ob + i);
                    for (; i < n; i++) o[ob + i] *= (float) (1.0 / s);
                }
            }
        });
    }

    static void cumsum(Tensor x, int axis, boolean reverse, Tensor out) {
        Tensor rows = rowsAlong(x, axis);
        int n = x.dim(axis), outer = n == 0 ? 0 : x.numel() / n;
        Tensor res = out.movedim(axis, -1);
        Tensor tmp = res.isContiguous() ? res : rows.emptyLike(rows.shape());
        CpuStorage s = (CpuStorage) rows.storage(), t = (CpuStorage) tmp.storage();
        int xo = rows.offset(), to = tmp.offset();
        for (int r = 0; r < outer; r++) {
            double acc = 0;
            for (int k = 0; k < n; k++) {
                int i = reverse ? n - 1 - k : k;
                acc += s.getDouble(xo + r * n + i);
                t.setDouble(to + r * n + i, acc);
            }
        }
        if (tmp != res) Elementwise.copy(tmp, res);
    }
}
