package somnium.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import somnium.tensor.BinaryOp;
import somnium.tensor.DType;
import somnium.tensor.Tensor;
import somnium.tensor.UnaryOp;

/**
 * Elementwise kernels: fill, copy (with dtype conversion), unary and binary ops, where.
 *
 * <p>Each op runs row by row through {@link Strided}. Float32 rows with unit (or zero, for a broadcast
 * operand) strides take a Vector API loop written out per op, so that the vector operation is a
 * compile-time constant C2 can intrinsify; everything else falls back to the op's scalar reference
 * definition ({@link UnaryOp#apply}, {@link BinaryOp#apply}), which is also how float64 runs.
 */
final class Elementwise {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private Elementwise() {}

    static float[] f(Tensor t) {
        return ((CpuStorage) t.storage()).floats();
    }

    static double[] d(Tensor t) {
        return ((CpuStorage) t.storage()).doubles();
    }

    static int[] i(Tensor t) {
        return ((CpuStorage) t.storage()).ints();
    }

    // ---------------------------------------------------------------------------------------------
    // fill and copy
    // ---------------------------------------------------------------------------------------------

    static void fill(Tensor out, double value) {
        switch (out.dtype()) {
            case F32 -> {
                float[] o = f(out);
                float v = (float) value;
                Strided.forEach((n, off, st) -> {
                    if (st[0] == 1) java.util.Arrays.fill(o, off[0], off[0] + n, v);
                    else for (int k = 0, p = off[0]; k < n; k++, p += st[0]) o[p] = v;
                }, 1, out);
            }
            case F64 -> {
                double[] o = d(out);
                Strided.forEach((n, off, st) -> {
                    for (int k = 0, p = off[0]; k < n; k++, p += st[0]) o[p] = value;
                }, 1, out);
            }
            case I32 -> {
                int[] o = i(out);
                int v = (int) value;
                Strided.forEach((n, off, st) -> {
                    for (int k = 0, p = off[0]; k < n; k++, p += st[0]) o[p] = v;
                }, 1, out);
            }
        }
    }

    static void copy(Tensor src, Tensor dst) {
        if (!src.shape().equals(dst.shape()))
            throw new IllegalArgumentException("copy: source " + src.shape() + " and destination " + dst.shape() + " differ");
        DType sd = src.dtype(), dd = dst.dtype();
        if (sd == dd) {
            Object s = ((CpuStorage) src.storage()).array(), d = ((CpuStorage) dst.storage()).array();
            if (src.isContiguous() && dst.isContiguous()) {
                System.arraycopy(s, src.offset(), d, dst.offset(), src.numel());
                return;
            }
            switch (sd) {
                case F32 -> {
                    float[] a = (float[]) s, o = (float[]) d;
                    Strided.forEach((n, off, st) -> {
                        if (st[0] == 1 && st[1] == 1) System.arraycopy(a, off[0], o, off[1], n);
                        else for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) o[q] = a[p];
                    }, 1, src, dst);
                }
                case F64 -> {
                    double[] a = (double[]) s, o = (double[]) d;
                    Strided.forEach((n, off, st) -> {
                        for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) o[q] = a[p];
                    }, 1, src, dst);
                }
                case I32 -> {
                    int[] a = (int[]) s, o = (int[]) d;
                    Strided.forEach((n, off, st) -> {
                        for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) o[q] = a[p];
                    }, 1, src, dst);
                }
            }
            return;
        }
        // Conversion: read as double, write as the destination type.
        CpuStorage s = (CpuStorage) src.storage(), d = (CpuStorage) dst.storage();
        Strided.forEach((n, off, st) -> {
            for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) d.setDouble(q, s.getDouble(p));
        }, 4, src, dst);
    }

    // ---------------------------------------------------------------------------------------------
    // unary
    // ---------------------------------------------------------------------------------------------

    static void unary(UnaryOp op, Tensor x, double p0, double p1, Tensor out) {
        if (x.dtype() == DType.F64) {
            double[] a = d(x), o = d(out);
            Strided.forEach((n, off, st) -> {
                for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) o[q] = op.apply(a[p], p0, p1);
            }, 8, x, out);
            return;
        }
        float[] a = f(x), o = f(out);
        Strided.forEach((n, off, st) -> {
            if (st[0] == 1 && st[1] == 1) unaryContiguous(op, a, off[0], o, off[1], n, (float) p0, (float) p1, p0, p1);
            else for (int k = 0, p = off[0], q = off[1]; k < n; k++, p += st[0], q += st[1]) o[q] = (float) op.apply(a[p], p0, p1);
        }, 8, x, out);
    }

    /** Vectorized unary row; ops without a vector form use the scalar reference. */
    static void unaryContiguous(UnaryOp op, float[] a, int ia, float[] o, int io, int n, float f0, float f1, double p0, double p1) {
        int i = 0, ub = S.loopBound(n);
        FloatVector one = FloatVector.broadcast(S, 1f), zero = FloatVector.zero(S);
        switch (op) {
            case NEG -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).neg().intoArray(o, io + i); }
            case ABS -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).abs().intoArray(o, io + i); }
            case SQUARE -> { for (; i < ub; i += L) { var v = FloatVector.fromArray(S, a, ia + i); v.mul(v).intoArray(o, io + i); } }
            case SQRT -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).sqrt().intoArray(o, io + i); }
            case RSQRT -> { for (; i < ub; i += L) one.div(FloatVector.fromArray(S, a, ia + i).sqrt()).intoArray(o, io + i); }
            case RECIPROCAL -> { for (; i < ub; i += L) one.div(FloatVector.fromArray(S, a, ia + i)).intoArray(o, io + i); }
            case EXP -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).lanewise(VectorOperators.EXP).intoArray(o, io + i); }
            case LOG -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).lanewise(VectorOperators.LOG).intoArray(o, io + i); }
            case TANH -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).lanewise(VectorOperators.TANH).intoArray(o, io + i); }
            case SIGMOID -> {
                for (; i < ub; i += L) {
                    var v = FloatVector.fromArray(S, a, ia + i);
                    one.div(one.add(v.neg().lanewise(VectorOperators.EXP))).intoArray(o, io + i);
                }
            }
            case SILU -> {
                for (; i < ub; i += L) {
                    var v = FloatVector.fromArray(S, a, ia + i);
                    v.div(one.add(v.neg().lanewise(VectorOperators.EXP))).intoArray(o, io + i);
                }
            }
            case RELU -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).max(zero).intoArray(o, io + i); }
            case ELU -> {
                var alpha = FloatVector.broadcast(S, f0);
                for (; i < ub; i += L) {
                    var v = FloatVector.fromArray(S, a, ia + i);
                    var neg = v.min(zero).lanewise(VectorOperators.EXPM1).mul(alpha);
                    neg.blend(v, v.compare(VectorOperators.GT, zero)).intoArray(o, io + i);
                }
            }
            case SOFTPLUS -> { // max(x, 0) + log1p(exp(-|x|)): no overflow, exact to float rounding
                for (; i < ub; i += L) {
                    var v = FloatVector.fromArray(S, a, ia + i);
                    v.max(zero).add(v.abs().neg().lanewise(VectorOperators.EXP).lanewise(VectorOperators.LOG1P)).intoArray(o, io + i);
                }
            }
            case CLAMP -> {
                var lo = FloatVector.broadcast(S, f0);
                var hi = FloatVector.broadcast(S, f1);
                for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).max(lo).min(hi).intoArray(o, io + i);
            }
            case AFFINE -> {
                var m = FloatVector.broadcast(S, f0);
                var b = FloatVector.broadcast(S, f1);
                for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).mul(m).add(b).intoArray(o, io + i);
            }
            default -> { }
        }
        for (; i < n; i++) o[io + i] = scalarUnary(op, a[ia + i], f0, f1, p0, p1);
    }

    /** Scalar float forms of the vectorized ops (so tails match the vector body), else the reference. */
    private static float scalarUnary(UnaryOp op, float x, float f0, float f1, double p0, double p1) {
        switch (op) {
            case NEG: return -x;
            case ABS: return Math.abs(x);
            case SQUARE: return x * x;
            case RELU: return x > 0 ? x : 0f;
            case CLAMP: return Math.min(Math.max(x, f0), f1);
            case AFFINE: return x * f0 + f1;
            case SIGMOID: return (float) (1.0 / (1.0 + Math.exp(-x)));
            case SILU: return (float) (x / (1.0 + Math.exp(-x)));
            default: return (float) op.apply(x, p0, p1);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // binary
    // ---------------------------------------------------------------------------------------------

    static void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        if (a.dtype() == DType.F64) {
            double[] x = d(a), y = d(b), o = d(out);
            Strided.forEach((n, off, st) -> {
                for (int k = 0, p = off[0], q = off[1], r = off[2]; k < n; k++, p += st[0], q += st[1], r += st[2])
                    o[r] = op.apply(x[p], y[q]);
            }, 2, a, b, out);
            return;
        }
        float[] x = f(a), y = f(b), o = f(out);
        Strided.forEach((n, off, st) -> {
            if (st[2] == 1) {
                if (st[0] == 1 && st[1] == 1 && vv(op, x, off[0], y, off[1], o, off[2], n)) return;
                if (st[0] == 1 && st[1] == 0 && vs(op, x, off[0], y[off[1]], o, off[2], n)) return;
                if (st[0] == 0 && st[1] == 1 && sv(op, x[off[0]], y, off[1], o, off[2], n)) return;
            }
            for (int k = 0, p = off[0], q = off[1], r = off[2]; k < n; k++, p += st[0], q += st[1], r += st[2])
                o[r] = scalarBinary(op, x[p], y[q]);
        }, 2, a, b, out);
    }

    private static float scalarBinary(BinaryOp op, float x, float y) {
        switch (op) {
            case ADD: return x + y;
            case SUB: return x - y;
            case MUL: return x * y;
            case DIV: return x / y;
            case MAXIMUM: return Math.max(x, y);
            case MINIMUM: return Math.min(x, y);
            default: return (float) op.apply(x, y);
        }
    }

    /** Vector op vector; returns false for ops without a vector loop. */
    private static boolean vv(BinaryOp op, float[] a, int ia, float[] b, int ib, float[] o, int io, int n) {
        int i = 0, ub = S.loopBound(n);
        switch (op) {
            case ADD -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).add(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case SUB -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).sub(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case MUL -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).mul(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case DIV -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).div(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case MAXIMUM -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).max(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case MINIMUM -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).min(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            default -> { return false; }
        }
        for (; i < n; i++) o[io + i] = scalarBinary(op, a[ia + i], b[ib + i]);
        return true;
    }

    /** Vector op scalar. */
    private static boolean vs(BinaryOp op, float[] a, int ia, float s, float[] o, int io, int n) {
        int i = 0, ub = S.loopBound(n);
        var b = FloatVector.broadcast(S, s);
        switch (op) {
            case ADD -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).add(b).intoArray(o, io + i); }
            case SUB -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).sub(b).intoArray(o, io + i); }
            case MUL -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).mul(b).intoArray(o, io + i); }
            case DIV -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).div(b).intoArray(o, io + i); }
            case MAXIMUM -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).max(b).intoArray(o, io + i); }
            case MINIMUM -> { for (; i < ub; i += L) FloatVector.fromArray(S, a, ia + i).min(b).intoArray(o, io + i); }
            default -> { return false; }
        }
        for (; i < n; i++) o[io + i] = scalarBinary(op, a[ia + i], s);
        return true;
    }

    /** Scalar op vector. */
    private static boolean sv(BinaryOp op, float s, float[] b, int ib, float[] o, int io, int n) {
        int i = 0, ub = S.loopBound(n);
        var a = FloatVector.broadcast(S, s);
        switch (op) {
            case ADD -> { for (; i < ub; i += L) a.add(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case SUB -> { for (; i < ub; i += L) a.sub(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case MUL -> { for (; i < ub; i += L) a.mul(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case DIV -> { for (; i < ub; i += L) a.div(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case MAXIMUM -> { for (; i < ub; i += L) a.max(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            case MINIMUM -> { for (; i < ub; i += L) a.min(FloatVector.fromArray(S, b, ib + i)).intoArray(o, io + i); }
            default -> { return false; }
        }
        for (; i < n; i++) o[io + i] = scalarBinary(op, s, b[ib + i]);
        return true;
    }

    // ---------------------------------------------------------------------------------------------
    // fused ELU backward
    // ---------------------------------------------------------------------------------------------

    /** out = g * (x > 0 ? 1 : y + alpha), float: the same products as the composite where/mul (g * 1 = g). */
    static void eluBackward(Tensor g, Tensor x, Tensor y, float alpha, Tensor out) {
        float[] gf = f(g), xf = f(x), yf = f(y), o = f(out);
        Strided.forEach((n, off, st) -> {
            int pg = off[0], px = off[1], py = off[2], po = off[3];
            if (st[0] == 1 && st[1] == 1 && st[2] == 1 && st[3] == 1) {
                int i = 0, ub = S.loopBound(n);
                FloatVector zero = FloatVector.zero(S), al = FloatVector.broadcast(S, alpha);
                for (; i < ub; i += L) {
                    var gv = FloatVector.fromArray(S, gf, pg + i);
                    var neg = gv.mul(FloatVector.fromArray(S, yf, py + i).add(al));
                    neg.blend(gv, FloatVector.fromArray(S, xf, px + i).compare(VectorOperators.GT, zero)).intoArray(o, po + i);
                }
                for (; i < n; i++) o[po + i] = xf[px + i] > 0 ? gf[pg + i] : gf[pg + i] * (yf[py + i] + alpha);
            } else {
                for (int k = 0; k < n; k++, pg += st[0], px += st[1], py += st[2], po += st[3])
                    o[po] = xf[px] > 0 ? gf[pg] : gf[pg] * (yf[py] + alpha);
            }
        }, 3, g, x, y, out);
    }

    // ---------------------------------------------------------------------------------------------
    // where
    // ---------------------------------------------------------------------------------------------

    static void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        CpuStorage c = (CpuStorage) cond.storage();
        if (a.dtype() == DType.F32 && cond.dtype() == DType.F32) {
            float[] cf = c.floats(), x = f(a), y = f(b), o = f(out);
            Strided.forEach((n, off, st) -> {
                for (int k = 0, pc = off[0], p = off[1], q = off[2], r = off[3]; k < n; k++, pc += st[0], p += st[1], q += st[2], r += st[3])
                    o[r] = cf[pc] != 0 ? x[p] : y[q];
            }, 1, cond, a, b, out);
            return;
        }
        CpuStorage x = (CpuStorage) a.storage(), y = (CpuStorage) b.storage(), o = (CpuStorage) out.storage();
        Strided.forEach((n, off, st) -> {
            for (int k = 0, pc = off[0], p = off[1], q = off[2], r = off[3]; k < n; k++, pc += st[0], p += st[1], q += st[2], r += st[3])
                o.setDouble(r, c.getDouble(pc) != 0 ? x.getDouble(p) : y.getDouble(q));
        }, 4, cond, a, b, out);
    }

    /**
     * One Adam step on elements [s, e) of a float32 parameter (see {@code Backend.adam}): m and v updated in
     * place, then p -= stepSize·m / (√v·invSqrtBc2 + eps), with L2 decay added to the gradient or, when
     * {@code decoupled}, decoupled decay (p -= decay·p) first. Vectorized, with the scalar tail doing the same
     * operations in the same order, so every element gets the same bits either way. (The scalar loop alone took
     * 3.6 % of the RSSM training step: a square root and a division per element.)
     */
    static void adam(float[] p, int po, float[] g, int go, float[] m, int mo, float[] v, int vo, int s, int e,
                     float b1, float b2, float ob1, float ob2, float wd, boolean decoupled, float decay, float stepSize,
                     float invSqrtBc2, float eps) {
        int i = s;
        for (int upper = s + S.loopBound(e - s); i < upper; i += L) {
            FloatVector gi = FloatVector.fromArray(S, g, go + i), pi = FloatVector.fromArray(S, p, po + i);
            if (!decoupled) gi = gi.add(pi.mul(wd));
            FloatVector mi = FloatVector.fromArray(S, m, mo + i).mul(b1).add(gi.mul(ob1));
            FloatVector vi = FloatVector.fromArray(S, v, vo + i).mul(b2).add(gi.mul(ob2).mul(gi));
            mi.intoArray(m, mo + i);
            vi.intoArray(v, vo + i);
            if (decoupled) pi = pi.sub(pi.mul(decay));
            pi.sub(mi.mul(stepSize).div(vi.sqrt().mul(invSqrtBc2).add(eps))).intoArray(p, po + i);
        }
        for (; i < e; i++) {
            float gi = g[go + i], pi = p[po + i];
            if (!decoupled) gi += wd * pi;
            float mi = b1 * m[mo + i] + ob1 * gi;
            float vi = b2 * v[vo + i] + ob2 * gi * gi;
            m[mo + i] = mi;
            v[vo + i] = vi;
            if (decoupled) pi -= decay * pi;
            p[po + i] = pi - stepSize * mi / ((float) Math.sqrt(vi) * invSqrtBc2 + eps);
        }
    }
}
