package somnium.tensor;

/**
 * The numeric primitives a device provides. Everything above this interface ({@link Tensor}, autograd,
 * the algorithms) is written once and never branches on the device.
 *
 * <p>Conventions: output tensors are allocated by the caller ({@link Tensor}) as contiguous tensors of the
 * right shape and dtype on this backend's device; inputs may be arbitrary strided views (broadcast
 * operands have stride 0) and have already been checked for shape and dtype compatibility. Backends write
 * outputs completely (no need to zero them first) unless a method says it accumulates.
 */
public interface Backend {
    Device device();

    /** A new storage of {@code length} elements; contents unspecified (pooled memory is reused). */
    Storage allocate(DType dtype, int length);

    /** Copies host data into a new storage. {@code data} is float[], double[] or int[] matching dtype. */
    Storage upload(DType dtype, Object data);

    /** Copies a (possibly strided) tensor of this backend into a contiguous host array of its dtype. */
    Object download(Tensor t);

    /** Sets every element of {@code out} (any strides, no broadcasting) to {@code value}. */
    void fill(Tensor out, double value);

    /** Copies {@code src} into {@code dst} (same shape; any strides; dtype conversion allowed). */
    void copy(Tensor src, Tensor dst);

    void unary(UnaryOp op, Tensor x, double p0, double p1, Tensor out);

    /** {@code a} and {@code b} are already expanded (stride 0) to {@code out}'s shape. */
    void binary(BinaryOp op, Tensor a, Tensor b, Tensor out);

    /** out = cond != 0 ? a : b; operands already expanded to out's shape. */
    void where(Tensor cond, Tensor a, Tensor b, Tensor out);

    /** Reduces {@code axes} (normalized, sorted, distinct); {@code out} has the keep-dim shape. */
    void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out);

    /** Index of the max (or min) along {@code axis}; ties go to the lowest index; out is I32 keep-dim. */
    void argReduce(boolean max, Tensor x, int axis, Tensor out);

    /**
     * Batched matrix product: {@code a} is [..., m, k], {@code b} is [..., k, n] with batch dims already
     * expanded to out's [..., m, n]. Transposed views (swapped last two strides) are used without copies.
     */
    void matmul(Tensor a, Tensor b, Tensor out);

    /** Softmax or log-softmax along the last axis of a contiguous tensor. */
    void softmax(Tensor x, boolean log, Tensor out);

    /** 2-D convolution, NCHW, weight [Cout, Cin, kh, kw], optional bias [Cout]. */
    void conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor out);

    /** Gradient of conv2d with respect to its input; out has the input's shape. */
    void conv2dBackwardInput(Tensor dy, Tensor w, int stride, int pad, Tensor out);

    /** Gradient of conv2d with respect to its weight; out has the weight's shape. */
    void conv2dBackwardWeight(Tensor x, Tensor dy, int stride, int pad, Tensor out);

    /** Transposed convolution, weight [Cin, Cout, kh, kw] (PyTorch layout), optional bias [Cout]. */
    void convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor out);

    /** Gradient of convTranspose2d with respect to its input (a plain conv2d of dy). */
    void convTranspose2dBackwardInput(Tensor dy, Tensor w, int stride, int pad, Tensor out);

    /** Gradient of convTranspose2d with respect to its weight. */
    void convTranspose2dBackwardWeight(Tensor x, Tensor dy, int stride, int pad, Tensor out);

    /** out[..i..] = x[.. index[..i..] ..] along axis (torch.gather); out has index's shape. */
    void gather(Tensor x, int axis, Tensor index, Tensor out);

    /** out[.. index[..i..] ..] += src[..i..] along axis (torch.scatter_add_); accumulates into out. */
    void scatterAdd(Tensor out, int axis, Tensor index, Tensor src);

    /** out = x.select rows {@code index} (1-D I32) along axis. */
    void indexSelect(Tensor x, int axis, Tensor index, Tensor out);

    /** The k largest (or smallest) along the last axis, sorted, ties to the lower index. */
    void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices);

    /** Inclusive cumulative sum along axis; {@code reverse} sums from the end. */
    void cumsum(Tensor x, int axis, boolean reverse, Tensor out);

    /**
     * One fused Adam/AdamW step on contiguous tensors of one shape (see {@link Tensor#adamStepInPlace}):
     * m = b1*m + (1-b1)*g; v = b2*v + (1-b2)*g^2; p -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps).
     */
    void adam(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
              double weightDecay, boolean decoupled, long step);

    /** Fills a contiguous float tensor with Philox uniforms in [lo, hi) (see {@code Philox} for the layout). */
    void uniform(Tensor out, long seed, long offset, double lo, double hi);

    /** Fills a contiguous float tensor with Philox normals (Box-Muller, see {@code Philox}). */
    void normal(Tensor out, long seed, long offset, double mean, double std);

    /**
     * {@code out += a·b} for 2-D a [m, k], b [k, n] and a contiguous out [m, n] (added for autograd: a weight
     * gradient accumulates straight into its buffer, with no temporary). The default composes matmul and add.
     */
    default void matmulAccumulate(Tensor a, Tensor b, Tensor out) {
        Tensor p = a.matmul(b);
        binary(BinaryOp.ADD, out, p, out);
    }

    /**
     * {@code out = a·b} for 2-D a [m, k] and b [k, n] where b is read unchanged by many products (a layer's weight
     * between optimizer steps). A backend may keep b in its packed GEMM form, keyed by b's storage version (every
     * in-place write bumps it), and reuse it while b is unchanged; results equal {@link #matmul}'s. Added for
     * autograd's {@code linear}; the default is plain matmul.
     */
    default void matmulReusedB(Tensor a, Tensor b, Tensor out) {
        matmul(a, b, out);
    }

    /**
     * {@code out = g * (x > 0 ? 1 : y + alpha)}: the backward of {@code y = elu(x, alpha)} in one pass (added for
     * autograd's ELU). All four have the same shape. The default composes where, with the same float arithmetic.
     */
    default void eluBackward(Tensor g, Tensor x, Tensor y, double alpha, Tensor out) {
        copy(g.mul(Tensor.where(x.gt(0), y.onesLike(), y.add(alpha))), out);
    }

    // ---------------------------------------------------------------------------------------------
    // Fused recurrent cells (added for autograd's fused GRU; the defaults compose existing Tensor ops, so a
    // backend works without them and overrides them only to go faster)
    // ---------------------------------------------------------------------------------------------

    /**
     * The pointwise part of a GRU cell (PyTorch gate order r, z, n). {@code gi = x·W_ih^T + b_ih} and
     * {@code gh = h·W_hh^T + b_hh} are [B, 3H]; {@code h} and {@code hOut} are [B, H]:
     * <pre>
     * r = sigmoid(gi_r + gh_r);  z = sigmoid(gi_z + gh_z);  n = tanh(gi_n + r * gh_n)
     * hOut = (1 - z) * n + z * h
     * </pre>
     * When {@code saved} ([B, 4H]) is not null it receives r, z, n, gh_n for {@link #gruCellBackward}.
     */
    default void gruCellForward(Tensor gi, Tensor gh, Tensor h, Tensor hOut, Tensor saved) {
        int hid = h.dim(1);
        Tensor[] i = gi.split(1, hid, hid, hid), g = gh.split(1, hid, hid, hid);
        Tensor r = i[0].add(g[0]).sigmoid();
        Tensor z = i[1].add(g[1]).sigmoid();
        Tensor n = i[2].add(r.mul(g[2])).tanh();
        copy(n.add(z.mul(h.sub(n))), hOut);
        if (saved != null) {
            Tensor[] s = saved.split(1, hid, hid, hid, hid);
            copy(r, s[0]);
            copy(z, s[1]);
            copy(n, s[2]);
            copy(g[2], s[3]);
        }
    }

    /**
     * Backward of {@link #gruCellForward}: from dL/dhOut, h and the saved r, z, n, gh_n, writes
     * {@code dgi} = dL/dgi and {@code dgh} = dL/dgh ([B, 3H]) and {@code dh} = the direct part z * dL/dhOut
     * ([B, H]; the part through gh is dgh·W_hh, left to the caller).
     */
    default void gruCellBackward(Tensor dhOut, Tensor h, Tensor saved, Tensor dgi, Tensor dgh, Tensor dh) {
        int hid = h.dim(1);
        Tensor[] s = saved.split(1, hid, hid, hid, hid);
        Tensor r = s[0], z = s[1], n = s[2], ghn = s[3];
        Tensor dn = dhOut.mul(z.rsub(1)).mul(n.square().rsub(1));          // through tanh
        Tensor dz = dhOut.mul(h.sub(n)).mul(z.mul(z.rsub(1)));             // through sigmoid
        Tensor dr = dn.mul(ghn).mul(r.mul(r.rsub(1)));
        Tensor[] gi = dgi.split(1, hid, hid, hid), gh = dgh.split(1, hid, hid, hid);
        copy(dr, gi[0]);
        copy(dz, gi[1]);
        copy(dn, gi[2]);
        copy(dr, gh[0]);
        copy(dz, gh[1]);
        copy(dn.mul(r), gh[2]);
        copy(dhOut.mul(z), dh);
    }
}
