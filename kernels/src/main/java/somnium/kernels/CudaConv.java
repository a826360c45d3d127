package somnium.kernels;

import somnium.tensor.DType;
import somnium.tensor.Tensor;

/**
 * Convolutions as im2col / col2im (conv.cu) + one GEMM per chunk of images (see conv.cu's header for the layouts
 * and the six formulas). Batches are cut into chunks whose column buffer stays under
 * {@link CudaBackend#CONV_COL_LIMIT} elements; temporaries come from the caching allocator and go back at once.
 */
final class CudaConv {
    private CudaConv() {}

    private static int chunk(int n, long perImage) {
        return (int) Math.max(1, Math.min(n, CudaBackend.CONV_COL_LIMIT / Math.max(1, perImage)));
    }

    private static void im2col(CudaBackend be, DType dt, long x, int nb, int c, int h, int w, int kh, int kw, int stride, int pad,
                               int ho, int wo, long col) {
        long total = (long) c * kh * kw * nb * ho * wo;
        be.launch("im2col_" + CudaBackend.sfx(dt), LaunchConfig.elementwise(total),
                KernelArgs.of().ptr(x).i(nb).i(c).i(h).i(w).i(kh).i(kw).i(stride).i(pad).i(ho).i(wo).ptr(col));
    }

    private static void col2im(CudaBackend be, DType dt, long col, int nb, int c, int h, int w, int kh, int kw, int stride, int pad,
                               int ho, int wo, long x) {
        long total = (long) nb * c * h * w;
        be.launch("col2im_" + CudaBackend.sfx(dt), LaunchConfig.elementwise(total),
                KernelArgs.of().ptr(col).i(nb).i(c).i(h).i(w).i(kh).i(kw).i(stride).i(pad).i(ho).i(wo).ptr(x));
    }

    private static void nchwFromCnp(CudaBackend be, DType dt, long src, long bias, int nb, int c, int p, long dst) {
        be.launch("nchw_from_cnp_" + CudaBackend.sfx(dt), LaunchConfig.elementwise((long) nb * c * p),
                KernelArgs.of().ptr(src).ptr(bias).i(nb).i(c).i(p).ptr(dst));
    }

    private static void cnpFromNchw(CudaBackend be, DType dt, long src, int nb, int c, int p, long dst) {
        be.launch("cnp_from_nchw_" + CudaBackend.sfx(dt), LaunchConfig.elementwise((long) nb * c * p),
                KernelArgs.of().ptr(src).i(nb).i(c).i(p).ptr(dst));
    }

    /** out [N, Cout, Ho, Wo] = conv(x [N, C, H, W], w [Cout, C, kh, kw]) + bias. */
    static void conv2d(CudaBackend be, Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor out) {
        x = CudaBackend.dense(x); w = CudaBackend.dense(w); bias = CudaBackend.dense(bias);
        DType dt = x.dtype();
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        int ho = out.dim(2), wo = out.dim(3), p = ho * wo, kk = c * kh * kw, es = dt.bytes();
        if (n == 0 || cout == 0 || p == 0) return;
        Tensor o = out.isContiguous() ? out : be.temp(dt, out.dims());
        int nb = chunk(n, (long) kk * p + (long) cout * p);
        Tensor col = be.temp(dt, kk, nb * p), tmp = be.temp(dt, cout, nb * p);
        try {
            for (int n0 = 0; n0 < n; n0 += nb) {
                int cb = Math.min(nb, n - n0);
                im2col(be, dt, CudaBackend.addr(x) + (long) n0 * c * h * wd * es, cb, c, h, wd, kh, kw, stride, pad, ho, wo, CudaBackend.addr(col));
                be.gemm(dt, false, false, cout, cb * p, kk, 1.0, CudaBackend.addr(w), kk, 0, CudaBackend.addr(col), cb * p, 0,
                        CudaBackend.addr(tmp), cb * p, 0, 1, false);
                nchwFromCnp(be, dt, CudaBackend.addr(tmp), CudaBackend.addrOrNull(bias), cb, cout, p, CudaBackend.addr(o) + (long) n0 * cout * p * es);
            }
        } finally {
            CudaBackend.free(col);
            CudaBackend.free(tmp);
        }
        if (o != out) { be.copy(o, out); CudaBackend.free(o); }
    }

    /** out [N, C, H, W] = d conv / d x given dy [N, Cout, Ho, Wo]. */
    static void conv2dBackwardInput(CudaBackend be, Tensor dy, Tensor w, int stride, int pad, Tensor out) {
        dy = CudaBackend.dense(dy); w = CudaBackend.dense(w);
        DType dt = dy.dtype();
        int n = out.dim(0), c = out.dim(1), h = out.dim(2), wd = out.dim(3), cout = w.dim(0), kh = w.dim(2), kw = w.dim(3);
        int ho = dy.dim(2), wo = dy.dim(3), p = ho * wo, kk = c * kh * kw, es = dt.bytes();
        if (n == 0 || c == 0) return;
        Tensor o = out.isContiguous() ? out : be.temp(dt, out.dims());
        if (p == 0 || cout == 0) { be.fill(o, 0); if (o != out) { be.copy(o, out); CudaBackend.free(o); } return; }
        int nb = chunk(n, (long) kk * p + (long) cout * p);
        Tensor dcol = be.temp(dt, kk, nb * p), dyT = be.temp(dt, cout, nb * p);
        try {
            for (int n0 = 0; n0 < n; n0 += nb) {
                int cb = Math.min(nb, n - n0);
                cnpFromNchw(be, dt, CudaBackend.addr(dy) + (long) n0 * cout * p * es, cb, cout, p, CudaBackend.addr(dyT));
                be.gemm(dt, true, false, kk, cb * p, cout, 1.0, CudaBackend.addr(w), kk, 0, CudaBackend.addr(dyT), cb * p, 0,
                        CudaBackend.addr(dcol), cb * p, 0, 1, false);
                col2im(be, dt, CudaBackend.addr(dcol), cb, c, h, wd, kh, kw, stride, pad, ho, wo, CudaBackend.addr(o) + (long) n0 * c * h * wd * es);
            }
        } finally {
            CudaBackend.free(dcol);
            CudaBackend.free(dyT);
        }
        if (o != out) { be.copy(o, out); CudaBackend.free(o); }
    }

    /** out [Cout, C, kh, kw] = d conv / d w given x and dy. */
    static void conv2dBackwardWeight(CudaBackend be, Tensor x, Tensor dy, int stride, int pad, Tensor out) {
        x = CudaBackend.dense(x); dy = CudaBackend.dense(dy);
        DType dt = x.dtype();
        int n = x.dim(0), c = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = out.dim(0), kh = out.dim(2), kw = out.dim(3);
        int ho = dy.dim(2), wo = dy.dim(3), p = ho * wo, kk = c * kh * kw, es = dt.bytes();
        Tensor o = out.isContiguous() ? out : be.temp(dt, out.dims());
        if (n == 0 || p == 0) { be.fill(o, 0); if (o != out) { be.copy(o, out); CudaBackend.free(o); } return; }
        int nb = chunk(n, (long) kk * p + (long) cout * p);
        Tensor col = be.temp(dt, kk, nb * p), dyT = be.temp(dt, cout, nb * p);
        try {
            for (int n0 = 0; n0 < n; n0 += nb) {
                int cb = Math.min(nb, n - n0);
                im2col(be, dt, CudaBackend.addr(x) + (long) n0 * c * h * wd * es, cb, c, h, wd, kh, kw, stride, pad, ho, wo, CudaBackend.addr(col));
                cnpFromNchw(be, dt, CudaBackend.addr(dy) + (long) n0 * cout * p * es, cb, cout, p, CudaBackend.addr(dyT));
                be.gemm(dt, false, true, cout, kk, cb * p, 1.0, CudaBackend.addr(dyT), cb * p, 0, CudaBackend.addr(col), cb * p, 0,
                        CudaBackend.addr(o), kk, 0, 1, n0 > 0);
            }
        } finally {
            CudaBackend.free(col);
            CudaBackend.free(dyT);
        }
        if (o != out) { be.copy(o, out); CudaBackend.free(o); }
    }

    /** out [N, Cout, Ho, Wo] = convTranspose(x [N, Cin, H, W], w [Cin, Cout, kh, kw]) + bias. */
    static void convTranspose2d(CudaBackend be, Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor out) {
        x = CudaBackend.dense(x); w = CudaBackend.dense(w); bias = CudaBackend.dense(bias);
        DType dt = x.dtype();
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        int ho = out.dim(2), wo = out.dim(3), q = h * wd, kk = cout * kh * kw, es = dt.bytes();
        if (n == 0 || cout == 0 || ho * wo == 0) return;
        Tensor o = out.isContiguous() ? out : be.temp(dt, out.dims());
        if (cin == 0 || q == 0) {   // no input: the output is the bias alone
            be.fill(o, 0);
            if (bias != null)
                be.launch("add_channel_bias_" + CudaBackend.sfx(dt), LaunchConfig.elementwise((long) n * cout * ho * wo),
                        KernelArgs.of().ptr(CudaBackend.addr(bias)).i(n).i(cout).i(ho * wo).ptr(CudaBackend.addr(o)));
            if (o != out) { be.copy(o, out); CudaBackend.free(o); }
            return;
        }
        int nb = chunk(n, (long) kk * q + (long) cin * q);
        Tensor dcol = be.temp(dt, kk, nb * q), xT = be.temp(dt, cin, nb * q);
        try {
            for (int n0 = 0; n0 < n; n0 += nb) {
                int cb = Math.min(nb, n - n0);
                long oc = CudaBackend.addr(o) + (long) n0 * cout * ho * wo * es;
                cnpFromNchw(be, dt, CudaBackend.addr(x) + (long) n0 * cin * q * es, cb, cin, q, CudaBackend.addr(xT));
                be.gemm(dt, true, false, kk, cb * q, cin, 1.0, CudaBackend.addr(w), kk, 0, CudaBackend.addr(xT), cb * q, 0,
                        CudaBackend.addr(dcol), cb * q, 0, 1, false);
                col2im(be, dt, CudaBackend.addr(dcol), cb, cout, ho, wo, kh, kw, stride, pad, h, wd, oc);
                if (bias != null)
                    be.launch("add_channel_bias_" + CudaBackend.sfx(dt), LaunchConfig.elementwise((long) cb * cout * ho * wo),
                            KernelArgs.of().ptr(CudaBackend.addr(bias)).i(cb).i(cout).i(ho * wo).ptr(oc));
            }
        } finally {
            CudaBackend.free(dcol);
            CudaBackend.free(xT);
        }
        if (o != out) { be.copy(o, out); CudaBackend.free(o); }
    }

    /** out [N, Cin, H, W] = d convTranspose / d x given dy [N, Cout, Ho, Wo] (a conv2d of dy with w). */
    static void convTranspose2dBackwardInput(CudaBackend be, Tensor dy, Tensor w, int stride, int pad, Tensor out) {
        dy = CudaBackend.dense(dy); w = CudaBackend.dense(w);
        DType dt = dy.dtype();
        int n = out.dim(0), cin = out.dim(1), h = out.dim(2), wd = out.dim(3), cout = w.dim(1), kh = w.dim(2), kw = w.dim(3);
        int ho = dy.dim(2), wo = dy.dim(3), q = h * wd, kk = cout * kh * kw, es = dt.bytes();
        if (n == 0 || cin == 0 || q == 0) return;
        Tensor o = out.isContiguous() ? out : be.temp(dt, out.dims());
        int nb = chunk(n, (long) kk * q + (long) cin * q);
        Tensor col = be.temp(dt, kk, nb * q), tmp = be.temp(dt, cin, nb * q);
        try {
            for (int n0 = 0; n0 < n; n0 += nb) {
                int cb = Math.min(nb, n - n0);
                im2col(be, dt, CudaBackend.addr(dy) + (long) n0 * cout * ho * wo * es, cb, cout, ho, wo, kh, kw, stride, pad, h, wd, CudaBackend.addr(col));
                be.gemm(dt, false, false, cin, cb * q, kk, 1.0, CudaBackend.addr(w), kk, 0, CudaBackend.addr(col), cb * q, 0,
                        CudaBackend.addr(tmp), cb * q, 0, 1, false);
                nchwFromCnp(be, dt, CudaBackend.addr(tmp), 0L, cb, cin, q, CudaBackend.addr(o) + (long) n0 * cin * q * es);
            }
        } finally {
            CudaBackend.free(col);
            CudaBackend.free(tmp);
        }
        if (o != out) { be.copy(o, out); CudaBackend.free(o); }
    }

    /** out [Cin, Cout, kh, kw] = d convTranspose / d w given x [N, Cin, H, W] and dy [N, Cout, Ho, Wo]. */
    static void convTranspose2dBackwardWeight(CudaBackend be, Tensor x, Tensor dy, int stride, int pad, Tensor out) {
        x = CudaBackend.dense(x); dy = CudaBackend.dense(dy);
        DType dt = x.dtype();
        int n = x.dim(0), cin = x.dim(1), h = x.dim(2), wd = x.dim(3), cout = out.dim(1), kh = out.dim(2), kw = out.dim(3);
        int ho = dy.dim(2), wo = dy.dim(3), q = h * wd, kk = cout * kh * kw, es = dt.bytes();
        Tensor o = out.isContiguous() ? out : be.temp(dt, out.dims());
        if (n == 0 || q == 0) { be.fill(o, 0); if (o != out) { be.copy(o, out); CudaBackend.free(o); } return; }
        int nb = chunk(n, (long) kk * q + (long) cin * q);
        Tensor col = be.temp(dt, kk, nb * q), xT = be.temp(dt, cin, nb * q);
        try {
            for (int n0 = 0; n0 < n; n0 += nb) {
                int cb = Math.min(nb, n - n0);
                im2col(be, dt, CudaBackend.addr(dy) + (long) n0 * cout * ho * wo * es, cb, cout, ho, wo, kh, kw, stride, pad, h, wd, CudaBackend.addr(col));
                cnpFromNchw(be, dt, CudaBackend.addr(x) + (long) n0 * cin * q * es, cb, cin, q, CudaBackend.addr(xT));
                be.gemm(dt, false, true, cin, kk, cb * q, 1.0, CudaBackend.addr(xT), cb * q, 0, CudaBackend.addr(col), cb * q, 0,
                        CudaBackend.addr(o), kk, 0, 1, n0 > 0);
            }
        } finally {
            CudaBackend.free(col);
            CudaBackend.free(xT);
        }
        if (o != out) { be.copy(o, out); CudaBackend.free(o); }
    }
}
