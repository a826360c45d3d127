package somnium.kernels;

import static somnium.kernels.CudaBackend.addr;
import static somnium.kernels.CudaBackend.addrOrNull;

import java.util.Arrays;
import somnium.tensor.Backend;
import somnium.tensor.Backends;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Tensor;

/**
 * The fused world-model kernels that are not (yet) {@link Backend} methods: GRU cell, LayerNorm, reparameterized
 * Normal sampling, categorical sampling with straight-through and unimix, the batched CEM step, TD(lambda)
 * returns, and raw Philox words / ints. Each takes contiguous float32 CUDA tensors allocated by the caller and
 * has a CPU reference in {@code somnium.kernels.reference} with the same signature on arrays; the GPU tests
 * ({@code CudaKernelsTest}) compare the two. When the Backend interface gains fused primitives, the CUDA backend's
 * implementations are calls to these.
 */
public final class CudaKernels {
    private final CudaBackend be;

    private CudaKernels(CudaBackend be) {
        this.be = be;
    }

    /** The kernels of {@code device} (a CUDA device; throws IllegalStateException where CUDA is unavailable). */
    public static CudaKernels on(Device device) {
        Backend b = Backends.get(device);
        if (!(b instanceof CudaBackend cb)) throw new IllegalArgumentException("CudaKernels: " + device + " is not a CUDA device");
        return new CudaKernels(cb);
    }

    private static void f32(String op, Tensor... ts) {
        for (Tensor t : ts) {
            if (t == null) continue;
            if (t.dtype() != DType.F32 || !t.isContiguous())
                throw new IllegalArgumentException(op + ": needs contiguous float32 tensors, got " + t.dtype() + " " + t.shape()
                        + " strides " + Arrays.toString(t.strides()));
            CudaBackend.st(t);
        }
    }

    private static void shape(String op, String name, Tensor t, int... dims) {
        if (t != null && !Arrays.equals(t.dims(), dims))
            throw new IllegalArgumentException(op + ": " + name + " has shape " + t.shape() + ", expected " + Arrays.toString(dims));
    }

    private void checkErr(String op) {
        int[] e = be.readIndexError();
        if (e[0] != 0) throw new IllegalArgumentException(op + ": row " + e[1] + " has NaN or +inf logits, or all -inf");
    }

    // ---- GRU cell (gru.cu) ----

    /** hy = GRU(gi, gh, biases, h); ws [B, 5H] (or null) saves what backward needs. See gru.cu. */
    public void gruCellForward(Tensor gi, Tensor gh, Tensor bih, Tensor bhh, Tensor h, Tensor hy, Tensor ws) {
        f32("gruCellForward", gi, gh, bih, bhh, h, hy, ws);
        int b = h.dim(0), hd = h.dim(1);
        shape("gruCellForward", "gi", gi, b, 3 * hd);
        shape("gruCellForward", "gh", gh, b, 3 * hd);
        shape("gruCellForward", "bih", bih, 3 * hd);
        shape("gruCellForward", "bhh", bhh, 3 * hd);
        shape("gruCellForward", "hy", hy, b, hd);
        shape("gruCellForward", "ws", ws, b, 5 * hd);
        if ((long) b * hd == 0) return;
        be.launch("gru_cell_forward_f32", LaunchConfig.gridStride((long) b * hd, 512), KernelArgs.of().i(b).i(hd)
                .ptr(addr(gi)).ptr(addr(gh)).ptr(addrOrNull(bih)).ptr(addrOrNull(bhh)).ptr(addr(h)).ptr(addr(hy)).ptr(addrOrNull(ws)));
    }

    /** dgi, dgh [B, 3H] and dh [B, H] (the direct dhy * z part, or null) from dhy and the forward workspace. */
    public void gruCellBackward(Tensor dhy, Tensor ws, Tensor dgi, Tensor dgh, Tensor dh) {
        f32("gruCellBackward", dhy, ws, dgi, dgh, dh);
        int b = dhy.dim(0), hd = dhy.dim(1);
        shape("gruCellBackward", "ws", ws, b, 5 * hd);
        shape("gruCellBackward", "dgi", dgi, b, 3 * hd);
        shape("gruCellBackward", "dgh", dgh, b, 3 * hd);
        shape("gruCellBackward", "dh", dh, b, hd);
        if ((long) b * hd == 0) return;
        be.launch("gru_cell_backward_f32", LaunchConfig.gridStride((long) b * hd, 512), KernelArgs.of().i(b).i(hd)
                .ptr(addr(dhy)).ptr(addr(ws)).ptr(addr(dgi)).ptr(addr(dgh)).ptr(addrOrNull(dh)));
    }

    // ---- LayerNorm (layernorm.cu) ----

    /** y = LayerNorm(x [rows, D]) with optional gamma/beta [D]; mean/rstd [rows] saved when not null. */
    public void layerNormForward(Tensor x, Tensor gamma, Tensor beta, double eps, Tensor y, Tensor mean, Tensor rstd) {
        f32("layerNormForward", x, gamma, beta, y, mean, rstd);
        int d = x.dim(-1), rows = x.numel() / Math.max(d, 1);
        shape("layerNormForward", "gamma", gamma, d);
        shape("layerNormForward", "beta", beta, d);
        if (rows == 0 || d == 0) return;
        be.launch("layernorm_forward_f32", LaunchConfig.rows(rows, d, 256), KernelArgs.of().i(rows).i(d).f((float) eps)
                .ptr(addr(x)).ptr(addrOrNull(gamma)).ptr(addrOrNull(beta)).ptr(addr(y)).ptr(addrOrNull(mean)).ptr(addrOrNull(rstd)));
    }

    /** dx (or null), dgamma and dbeta [D] (either may be null) from dy, x and the saved mean/rstd. */
    public void layerNormBackward(Tensor dy, Tensor x, Tensor mean, Tensor rstd, Tensor gamma, Tensor dx, Tensor dgamma, Tensor dbeta) {
        f32("layerNormBackward", dy, x, mean, rstd, gamma, dx, dgamma, dbeta);
        int d = x.dim(-1), rows = x.numel() / Math.max(d, 1);
        if (rows == 0 || d == 0) return;
        if (dx != null)
            be.launch("layernorm_backward_dx_f32", LaunchConfig.rows(rows, d, 256), KernelArgs.of().i(rows).i(d)
                    .ptr(addr(dy)).ptr(addr(x)).ptr(addr(mean)).ptr(addr(rstd)).ptr(addrOrNull(gamma)).ptr(addr(dx)));
        if (dgamma != null || dbeta != null)
            be.launch("layernorm_backward_params_f32", LaunchConfig.elementwise(d), KernelArgs.of().i(rows).i(d)
                    .ptr(addr(dy)).ptr(addr(x)).ptr(addr(mean)).ptr(addr(rstd)).ptr(addrOrNull(dgamma)).ptr(addrOrNull(dbeta)));
    }

    // ---- sampling (random.cu) ----

    /** z = mu + s * eps (s = sigma, or exp(sigma) when logSigma); eps written when not null. Words used: n + (n & 1). */
    public void normalRsample(Tensor mu, Tensor sigma, boolean logSigma, long seed, long offset, Tensor z, Tensor eps) {
        f32("normalRsample", mu, sigma, z, eps);
        int n = mu.numel();
        shape("normalRsample", "sigma", sigma, mu.dims());
        shape("normalRsample", "z", z, mu.dims());
        if (n == 0) return;
        be.launch("normal_rsample_f32", LaunchConfig.elementwise(n), KernelArgs.of().l(n).ptr(addr(mu)).ptr(addr(sigma))
                .i(logSigma).l(seed).l(offset).ptr(addr(z)).ptr(addrOrNull(eps)));
    }

    /** dmu = dz (when dmu is not null), dsigma = dz * eps (* s when logSigma), eps regenerated from (seed, offset). */
    public void normalRsampleBackward(Tensor dz, Tensor sigma, boolean logSigma, long seed, long offset, Tensor dmu, Tensor dsigma) {
        f32("normalRsampleBackward", dz, sigma, dmu, dsigma);
        int n = dz.numel();
        if (n == 0) return;
        be.launch("normal_rsample_backward_f32", LaunchConfig.elementwise(n), KernelArgs.of().l(n).ptr(addr(dz)).ptr(addr(sigma))
                .i(logSigma).l(seed).l(offset).ptr(addrOrNull(dmu)).ptr(addr(dsigma)));
    }

    /**
     * One category per row of logits [rows, C] from the unimix probabilities; writes onehot and probs [rows, C] and
     * index [rows] (I32). Words used: rows. Throws IllegalArgumentException for a row with NaN / +inf / all -inf logits.
     */
    public void categoricalSt(Tensor logits, double unimix, long seed, long offset, Tensor onehot, Tensor probs, Tensor index) {
        f32("categoricalSt", logits, onehot, probs);
        int c = logits.dim(-1), rows = logits.numel() / Math.max(c, 1);
        if (index.dtype() != DType.I32 || !index.isContiguous() || index.numel() != rows)
            throw new IllegalArgumentException("categoricalSt: index must be a contiguous I32 tensor of " + rows + " elements, got " + index.shape());
        if (rows == 0) return;
        be.resetIndexError();
        be.launch("categorical_st_f32", LaunchConfig.gridStride(rows, 128), KernelArgs.of().i(rows).i(c).ptr(addr(logits))
                .f((float) unimix).l(seed).l(offset).ptr(addr(onehot)).ptr(addr(probs)).ptr(addr(index)).ptr(be.indexErrAddress()));
        checkErr("categoricalSt");
    }

    /** dlogits = d(onehot + p - stopgrad(p)) / dlogits applied to dout (see random.cu). */
    public void categoricalStBackward(Tensor logits, double unimix, Tensor dout, Tensor dlogits) {
        f32("categoricalStBackward", logits, dout, dlogits);
        int c = logits.dim(-1), rows = logits.numel() / Math.max(c, 1);
        if (rows == 0) return;
        be.launch("categorical_st_backward_f32", LaunchConfig.gridStride(rows, 128), KernelArgs.of().i(rows).i(c)
                .ptr(addr(logits)).f((float) unimix).ptr(addr(dout)).ptr(addr(dlogits)));
    }

    // ---- CEM (cem.cu) ----

    /** Largest candidate count per environment of {@link #cemRefit} (one block radix sort). */
    public static final int CEM_MAX_CANDIDATES = 2048;

    /** cand [E, N, D] = clamp(mean + std * eps, lo, hi) for mean/std [E, D]. Words used: E*N*D rounded up to even. */
    public void cemSample(Tensor mean, Tensor std, long seed, long offset, double lo, double hi, Tensor cand) {
        f32("cemSample", mean, std, cand);
        int e = cand.dim(0), n = cand.dim(1), d = cand.dim(2);
        shape("cemSample", "mean", mean, e, d);
        shape("cemSample", "std", std, e, d);
        long total = (long) e * n * d;
        if (total == 0) return;
        be.launch("cem_sample", LaunchConfig.elementwise(total), KernelArgs.of().ptr(addr(mean)).ptr(addr(std)).i(e).i(n).i(d)
                .l(seed).l(offset).f((float) lo).f((float) hi).ptr(addr(cand)));
    }

    /**
     * One CEM iteration's refit in one launch: per environment, the K best candidates by score (ties to the lower
     * index) -> mean, std [E, D] (biased); elites [E, K] (I32, or null) records the picks. When {@code resample},
     * the same launch then overwrites cand with the next iteration's samples (cemSample's formula at (seed, offset)).
     */
    public void cemRefit(Tensor cand, Tensor scores, int k, Tensor mean, Tensor std, Tensor elites,
                         boolean resample, long seed, long offset, double lo, double hi) {
        f32("cemRefit", cand, scores, mean, std);
        int e = cand.dim(0), n = cand.dim(1), d = cand.dim(2);
        if (n > CEM_MAX_CANDIDATES) throw new IllegalArgumentException("cemRefit: " + n + " candidates exceed " + CEM_MAX_CANDIDATES);
        if (k < 1 || k > n) throw new IllegalArgumentException("cemRefit: k = " + k + " must be in [1, " + n + "]");
        shape("cemRefit", "scores", scores, e, n);
        shape("cemRefit", "mean", mean, e, d);
        shape("cemRefit", "std", std, e, d);
        if (elites != null && (elites.dtype() != DType.I32 || !elites.isContiguous() || !Arrays.equals(elites.dims(), new int[] {e, k})))
            throw new IllegalArgumentException("cemRefit: elites must be a contiguous I32 [" + e + ", " + k + "] tensor");
        if (e == 0) return;
        be.launch("cem_refit", new LaunchConfig(e, 1, 1, 256), KernelArgs.of().ptr(addr(scores)).ptr(addr(cand)).i(e).i(n).i(d).i(k)
                .ptr(addr(mean)).ptr(addr(std)).i(resample).l(seed).l(offset).f((float) lo).f((float) hi).ptr(addrOrNull(elites)));
    }

    // ---- lambda returns (lambda_return.cu) ----

    /** ret [T, B] from rewards, discounts [T, B] and values [T + 1, B]. */
    public void lambdaReturn(Tensor r, Tensor d, Tensor v, double lambda, Tensor ret) {
        f32("lambdaReturn", r, d, v, ret);
        int t = r.dim(0), b = r.dim(1);
        shape("lambdaReturn", "discounts", d, t, b);
        shape("lambdaReturn", "values", v, t + 1, b);
        shape("lambdaReturn", "returns", ret, t, b);
        if (b == 0) return;
        be.launch("lambda_return_f32", LaunchConfig.elementwise(b), KernelArgs.of().i(t).i(b).ptr(addr(r)).ptr(addr(d)).ptr(addr(v))
                .f((float) lambda).ptr(addr(ret)));
    }

    /** dr, dd [T, B] (either may be null) and dv [T + 1, B] from dret and the forward's returns. */
    public void lambdaReturnBackward(Tensor dret, Tensor ret, Tensor d, Tensor v, double lambda, Tensor dr, Tensor dd, Tensor dv) {
        f32("lambdaReturnBackward", dret, ret, d, v, dr, dd, dv);
        int t = dret.dim(0), b = dret.dim(1);
        shape("lambdaReturnBackward", "dv", dv, t + 1, b);
        if (b == 0) return;
        be.launch("lambda_return_backward_f32", LaunchConfig.elementwise(b), KernelArgs.of().i(t).i(b).ptr(addr(dret)).ptr(addr(ret))
                .ptr(addr(d)).ptr(addr(v)).f((float) lambda).ptr(addrOrNull(dr)).ptr(addrOrNull(dd)).ptr(addr(dv)));
    }

    // ---- raw Philox (random.cu) ----

    /** out (I32, contiguous) = words offset .. offset + n - 1 of the stream of seed (docs/random.md). */
    public void philoxWords(long seed, long offset, Tensor out) {
        if (out.dtype() != DType.I32 || !out.isContiguous()) throw new IllegalArgumentException("philoxWords: needs a contiguous I32 tensor");
        if (out.numel() == 0) return;
        be.launch("philox_words", LaunchConfig.elementwise(out.numel()), KernelArgs.of().l(out.numel()).l(seed).l(offset).ptr(addr(out)));
    }

    /** out (I32, contiguous) = uniform ints in [0, bound), two words each (Philox.fillInts). */
    public void philoxInts(long seed, long offset, int bound, Tensor out) {
        if (bound < 1) throw new IllegalArgumentException("bound must be >= 1, got " + bound);
        if (out.dtype() != DType.I32 || !out.isContiguous()) throw new IllegalArgumentException("philoxInts: needs a contiguous I32 tensor");
        if (out.numel() == 0) return;
        be.launch("philox_ints", LaunchConfig.elementwise(out.numel()), KernelArgs.of().l(out.numel()).l(seed).l(offset).i(bound).ptr(addr(out)));
    }

    /** The backend these kernels launch on. */
    public CudaBackend backend() {
        return be;
    }
}
