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
}
