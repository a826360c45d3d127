package somnium.tensor.cpu;

import somnium.tensor.Backend;
import somnium.tensor.BinaryOp;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Philox;
import somnium.tensor.ReduceOp;
import somnium.tensor.Storage;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;
import somnium.tensor.UnaryOp;

/**
 * The CPU backend: plain Java plus the Vector API. Each family of primitives lives in its own class
 * ({@link Elementwise}, {@link Reductions}, {@link IndexOps}, {@link Gemm}, {@link Conv}); this class only
 * routes and adapts layouts (e.g. recognizing a transposed view as a GEMM operand).
 */
public final class CpuBackend implements Backend {
    public static final CpuBackend INSTANCE = new CpuBackend();

    private CpuBackend() {}

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Storage allocate(DType dtype, int length) {
        char type = switch (dtype) {
            case F32 -> 'f';
            case F64 -> 'd';
            case I32 -> 'i';
        };
        CpuStorage s = new CpuStorage(dtype, length, BufferPool.INSTANCE.take(type, length));
        TensorScope.track(s);
        return s;
    }

    @Override
    public Storage upload(DType dtype, Object data) {
        int n = switch (dtype) {
            case F32 -> ((float[]) data).length;
            case F64 -> ((double[]) data).length;
            case I32 -> ((int[]) data).length;
        };
        return new CpuStorage(dtype, n, data);
    }

    @Override
    public Object download(Tensor t) {
        Object out = switch (t.dtype()) {
            case F32 -> new float[t.numel()];
            case F64 -> new double[t.numel()];
            case I32 -> new int[t.numel()];
        };
        Tensor dst = new Tensor(new CpuStorage(t.dtype(), t.numel(), out), t.shape(), t.shape().contiguousStrides(), 0);
        Elementwise.copy(t, dst);
        return out;
    }

    @Override
    public void fill(Tensor out, double value) {
        Elementwise.fill(out, value);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        Elementwise.copy(src, dst);
    }

    @Override
    public void unary(UnaryOp op, Tensor x, double p0, double p1, Tensor out) {
        Elementwise.unary(op, x, p0, p1, out);
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        Elementwise.binary(op, a, b, out);
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        Elementwise.where(cond, a, b, out);
    }

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        Reductions.reduce(op, x, axes, out);
    }

    @Override
    public void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        Reductions.argReduce(max, x, axis, out);
    }

    @Override
    public void softmax(Tensor x, boolean log, Tensor out) {
        Reductions.softmax(x, log, out);
    }

    @Override
    public void cumsum(Tensor x, int axis, boolean reverse, Tensor out) {
        Reductions.cumsum(x, axis, reverse, out);
    }

    @Override
    public void gather(Tensor x, int axis, Tensor index, Tensor out) {
        IndexOps.gather(x, axis, index, out);
    }

    @Override
    public void scatterAdd(Tensor out, int axis, Tensor index, Tensor src) {
        IndexOps.scatterAdd(out, axis, index, src);
    }

    @Override
    public void indexSelect(Tensor x, int axis, Tensor index, Tensor out) {
        IndexOps.indexSelect(x, axis, index, out);
    }

    @Override
    public void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        IndexOps.topk(x, k, largest, values, indices);
    }

    // ---------------------------------------------------------------------------------------------
    // matmul
    // ---------------------------------------------------------------------------------------------

    /** How a [rows, cols] matrix view maps onto a BLAS operand: transposed or not, and its leading dim. */
    private record Layout(boolean trans, int ld) {}

    /** The GEMM layout of the last two dims of {@code t}, or null if they need a copy. */
    private static Layout layout(Tensor t) {
        int rows = t.dim(-2), cols = t.dim(-1);
        int rs = t.stride(-2), cs = t.stride(-1);
        if ((cs == 1 || cols == 1) && (rows == 1 || rs >= cols)) return new Layout(false, rows == 1 ? Math.max(cols, 1) : rs);
        if ((rs == 1 || rows == 1) && (cols == 1 || cs >= rows)) return new Layout(true, cols == 1 ? Math.max(rows, 1) : cs);
        return null;
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        if (layout(a) == null) a = a.contiguous();
        if (layout(b) == null) b = b.contiguous();
        Layout la = layout(a), lb = layout(b);
        int r = out.rank();
        int m = out.dim(-2), n = out.dim(-1), k = a.dim(-1);
        int batch = out.numel() / Math.max(1, m * n);
        if (m == 0 || n == 0) return;
        int[] bd = java.util.Arrays.copyOf(out.dims(), r - 2);
        int[] as = java.util.Arrays.copyOf(a.strides(), r - 2), bs = java.util.Arrays.copyOf(b.strides(), r - 2);
        int cStride = m * n;
        boolean f64 = a.dtype() == DType.F64;
        // A single stride per operand covers all batch dims when they flatten (e.g. contiguous or broadcast).
        long sa = flatStride(bd, as), sb = flatStride(bd, bs);
        if (!f64 && sa >= 0 && sb >= 0) {
            Gemm.sgemmBatched(batch, la.trans, lb.trans, m, n, k,
                    Elementwise.f(a), a.offset(), la.ld, sa,
                    Elementwise.f(b), b.offset(), lb.ld, sb,
                    Elementwise.f(out), out.offset(), n, cStride, false);
            return;
        }
        int[] c = new int[r - 2];
        for (int i = 0; i < batch; i++) {
            int ao = a.offset(), bo = b.offset();
            for (int d = 0; d < r - 2; d++) {
                ao += c[d] * as[d];
                bo += c[d] * bs[d];
            }
            int co = out.offset() + i * cStride;
            if (f64)
                Gemm.dgemm(la.trans, lb.trans, m, n, k, Elementwise.d(a), ao, la.ld, Elementwise.d(b), bo, lb.ld, Elementwise.d(out), co, n, false);
            else
                Gemm.sgemm(la.trans, lb.trans, m, n, k, Elementwise.f(a), ao, la.ld, Elementwise.f(b), bo, lb.ld, Elementwise.f(out), co, n, false);
            for (int d = r - 3; d >= 0; d--) {
                if (++c[d] < bd[d]) break;
                c[d] = 0;
            }
        }
    }

    /** The single stride that walks the flattened batch dims, or -1 if there is none. */
    private static long flatStride(int[] dims, int[] strides) {
        long s = -1;
        long expected = -1;
        for (int d = dims.length - 1; d >= 0; d--) {
            if (dims[d] == 1) continue;
            if (s < 0) {
                s = strides[d];
                expected = (long) strides[d] * dims[d];
            } else {
                if (strides[d] != expected) return -1;
                expected = (long) strides[d] * dims[d];
            }
        }
        return s < 0 ? 0 : s;
    }

    // ---------------------------------------------------------------------------------------------
    // convolution: contiguous, zero-offset operands for the array kernels in Conv
    // ---------------------------------------------------------------------------------------------

    private static Tensor dense(Tensor t) {
        if (t == null) return null;
        if (t.isContiguous() && t.offset() == 0 && t.storage().length() == t.numel()) return t;
        return t.copy();
    }

    private static Tensor denseOut(Tensor out) {
        return out.isContiguous() && out.offset() == 0 && out.storage().length() == out.numel() ? out : out.emptyLike(out.shape());
    }

    private static void finish(Tensor tmp, Tensor out) {
        if (tmp != out) Elementwise.copy(tmp, out);
    }

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor out) {
        x = dense(x); w = dense(w); bias = dense(bias);
        Tensor o = denseOut(out);
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        if (x.dtype() == DType.F64)
            Conv.conv2d(Elementwise.d(x), n, cin, h, wd, Elementwise.d(w), cout, kh, kw, stride, pad, bias == null ? null : Elementwise.d(bias), Elementwise.d(o));
        else
            Conv.conv2d(Elementwise.f(x), n, cin, h, wd, Elementwise.f(w), cout, kh, kw, stride, pad, bias == null ? null : Elementwise.f(bias), Elementwise.f(o));
        finish(o, out);
    }

    @Override
    public void conv2dBackwardInput(Tensor dy, Tensor w, int stride, int pad, Tensor out) {
        dy = dense(dy); w = dense(w);
        Tensor o = denseOut(out);
        int n = out.dim(0), cin = out.dim(1), h = out.dim(2), wd = out.dim(3), cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        if (dy.dtype() == DType.F64)
            Conv.conv2dBackwardInput(Elementwise.d(dy), n, cin, h, wd, Elementwise.d(w), cout, kh, kw, stride, pad, Elementwise.d(o));
        else
            Conv.conv2dBackwardInput(Elementwise.f(dy), n, cin, h, wd, Elementwise.f(w), cout, kh, kw, stride, pad, Elementwise.f(o));
        finish(o, out);
    }

    @Override
    public void conv2dBackwardWeight(Tensor x, Tensor dy, int stride, int pad, Tensor out) {
        x = dense(x); dy = dense(dy);
        Tensor o = denseOut(out);
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = out.dim(0), kh = out.dim(2), kw = out.dim(3);
        if (x.dtype() == DType.F64)
            Conv.conv2dBackwardWeight(Elementwise.d(x), Elementwise.d(dy), n, cin, h, wd, cout, kh, kw, stride, pad, Elementwise.d(o));
        else
            Conv.conv2dBackwardWeight(Elementwise.f(x), Elementwise.f(dy), n, cin, h, wd, cout, kh, kw, stride, pad, Elementwise.f(o));
        finish(o, out);
    }

    @Override
    public void convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor out) {
        x = dense(x); w = dense(w); bias = dense(bias);
        Tensor o = denseOut(out);
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        if (x.dtype() == DType.F64)
            Conv.convTranspose2d(Elementwise.d(x), n, cin, h, wd, Elementwise.d(w), cout, kh, kw, stride, pad, 0, bias == null ? null : Elementwise.d(bias), Elementwise.d(o));
        else
            Conv.convTranspose2d(Elementwise.f(x), n, cin, h, wd, Elementwise.f(w), cout, kh, kw, stride, pad, 0, bias == null ? null : Elementwise.f(bias), Elementwise.f(o));
        finish(o, out);
    }

    @Override
    public void convTranspose2dBackwardInput(Tensor dy, Tensor w, int stride, int pad, Tensor out) {
        dy = dense(dy); w = dense(w);
        Tensor o = denseOut(out);
        int n = out.dim(0), cin = out.dim(1), h = out.dim(2), wd = out.dim(3), cout = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        if (dy.dtype() == DType.F64)
            Conv.convTranspose2dBackwardInput(Elementwise.d(dy), n, cin, h, wd, Elementwise.d(w), cout, kh, kw, stride, pad, 0, Elementwise.d(o));
        else
            Conv.convTranspose2dBackwardInput(Elementwise.f(dy), n, cin, h, wd, Elementwise.f(w), cout, kh, kw, stride, pad, 0, Elementwise.f(o));
        finish(o, out);
    }

    @Override
    public void convTranspose2dBackwardWeight(Tensor x, Tensor dy, int stride, int pad, Tensor out) {
        x = dense(x); dy = dense(dy);
        Tensor o = denseOut(out);
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = out.dim(1), kh = out.dim(2), kw = out.dim(3);
        if (x.dtype() == DType.F64)
            Conv.convTranspose2dBackwardWeight(Elementwise.d(x), Elementwise.d(dy), n, cin, h, wd, cout, kh, kw, stride, pad, 0, Elementwise.d(o));
        else
            Conv.convTranspose2dBackwardWeight(Elementwise.f(x), Elementwise.f(dy), n, cin, h, wd, cout, kh, kw, stride, pad, 0, Elementwise.f(o));
        finish(o, out);
    }

    // ---------------------------------------------------------------------------------------------
    // optimizer and random numbers
    // ---------------------------------------------------------------------------------------------

    @Override
    public void adam(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                     double weightDecay, boolean decoupled, long step) {
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        int n = param.numel();
        if (param.dtype() == DType.F64) {
            double[] p = Elementwise.d(param), g = Elementwise.d(grad), mm = Elementwise.d(m), vv = Elementwise.d(v);
            int po = param.offset(), go = grad.offset(), mo = m.offset(), vo = v.offset();
            for (int i = 0; i < n; i++) {
                double gi = g[go + i];
                if (!decoupled && weightDecay != 0) gi += weightDecay * p[po + i];
                mm[mo + i] = beta1 * mm[mo + i] + (1 - beta1) * gi;
                vv[vo + i] = beta2 * vv[vo + i] + (1 - beta2) * gi * gi;
                if (decoupled && weightDecay != 0) p[po + i] -= lr * weightDecay * p[po + i];
                p[po + i] -= lr * (mm[mo + i] / bc1) / (Math.sqrt(vv[vo + i] / bc2) + eps);
            }
            return;
        }
        float[] p = Elementwise.f(param), g = Elementwise.f(grad), mm = Elementwise.f(m), vv = Elementwise.f(v);
        int po = param.offset(), go = grad.offset(), mo = m.offset(), vo = v.offset();
        float b1 = (float) beta1, b2 = (float) beta2, ob1 = (float) (1 - beta1), ob2 = (float) (1 - beta2), wd = (float) weightDecay;
        float stepSize = (float) (lr / bc1), invSqrtBc2 = (float) (1 / Math.sqrt(bc2)), e = (float) eps, decay = (float) (lr * weightDecay);
        Parallel.forRange(n, (long) n * 12, 8192, (s, en) -> Elementwise.adam(p, po, g, go, mm, mo, vv, vo, s, en, b1, b2, ob1,
                ob2, wd, decoupled, decay, stepSize, invSqrtBc2, e));
    }

    @Override
    public void matmulReusedB(Tensor a, Tensor b, Tensor out) {
        if (a.dtype() != DType.F32 || a.rank() != 2 || b.rank() != 2 || !out.isContiguous()) {
            matmul(a, b, out);
            return;
        }
        if (layout(a) == null) a = a.contiguous();
        Layout la = layout(a), lb = layout(b);
        if (lb == null) {
            matmul(a, b, out);
            return;
        }
        int m = out.dim(0), n = out.dim(1);
        if (m == 0 || n == 0) return;
        Gemm.PackedB pb = ((CpuStorage) b.storage()).packedB(b, lb.trans, lb.ld);
        Gemm.sgemmPackedB(la.trans, m, Elementwise.f(a), a.offset(), la.ld, pb, Elementwise.f(out), out.offset(), n, false);
    }

    @Override
    public void eluBackward(Tensor g, Tensor x, Tensor y, double alpha, Tensor out) {
        if (x.dtype() != DType.F32) {
            Backend.super.eluBackward(g, x, y, alpha, out);
            return;
        }
        Elementwise.eluBackward(g, x, y, (float) alpha, out);
    }

    @Override
    public void matmulAccumulate(Tensor a, Tensor b, Tensor out) {
        Layout la = layout(a), lb = layout(b);
        if (out.dtype() != DType.F32 || la == null || lb == null || !out.isContiguous()) {
            Backend.super.matmulAccumulate(a, b, out);
            return;
        }
        int m = out.dim(0), n = out.dim(1), k = a.dim(1);
        if (m == 0 || n == 0) return;
        Gemm.sgemm(la.trans, lb.trans, m, n, k, Elementwise.f(a), a.offset(), la.ld, Elementwise.f(b), b.offset(), lb.ld,
                Elementwise.f(out), out.offset(), n, true);
    }

    @Override
    public void gruCellForward(Tensor gi, Tensor gh, Tensor h, Tensor hOut, Tensor saved) {
        if (FusedRnn.fits(gi, gh, h, hOut, saved)) FusedRnn.gruForward(gi, gh, h, hOut, saved);
        else Backend.super.gruCellForward(gi, gh, h, hOut, saved);
    }

    @Override
    public void gruCellBackward(Tensor dhOut, Tensor h, Tensor saved, Tensor dgi, Tensor dgh, Tensor dh) {
        if (FusedRnn.fits(dhOut, h, saved, dgi, dgh, dh)) FusedRnn.gruBackward(dhOut, h, saved, dgi, dgh, dh);
        else Backend.super.gruCellBackward(dhOut, h, saved, dgi, dgh, dh);
    }

    @Override
    public void uniform(Tensor out, long seed, long offset, double lo, double hi) {
        requireDenseFloat("uniform", out);
        if (out.dtype() == DType.F64) Philox.fillUniform(Elementwise.d(out), out.offset(), out.numel(), seed, offset, lo, hi);
        else Philox.fillUniform(Elementwise.f(out), out.offset(), out.numel(), seed, offset, (float) lo, (float) hi);
    }

    @Override
    public void normal(Tensor out, long seed, long offset, double mean, double std) {
        requireDenseFloat("normal", out);
        if (out.dtype() == DType.F64) Philox.fillNormal(Elementwise.d(out), out.offset(), out.numel(), seed, offset, mean, std);
        else Philox.fillNormal(Elementwise.f(out), out.offset(), out.numel(), seed, offset, (float) mean, (float) std);
    }

    private static void requireDenseFloat(String op, Tensor t) {
        if (!t.isContiguous() || !t.dtype().isFloating())
            throw new IllegalArgumentException(op + ": needs a contiguous float tensor, got " + t.dtype() + " " + t.shape());
    }
}
