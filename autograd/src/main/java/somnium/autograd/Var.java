package somnium.autograd;

import java.util.ArrayList;
import java.util.List;
import somnium.tensor.DType;
import somnium.tensor.Shape;
import somnium.tensor.Storage;
import somnium.tensor.Tensor;

/**
 * A differentiable value: a {@link Tensor}, its gradient, whether it wants one, and the {@link Node}
 * (op, inputs, backward) that created it.
 *
 * <pre>{@code
 * Var w = Var.param(Tensor.randn(rng, 3, 2));
 * Var loss = x.matmul(w).tanh().sum();   // each op runs now and records a Node
 * loss.backward();                      // walks the Nodes in reverse (see Graph)
 * Tensor dw = w.grad();                 // dloss/dw, same shape as w
 * }</pre>
 *
 * Three kinds of Var:
 * <ul>
 *   <li>a <b>parameter</b> (leaf, {@code requiresGrad}): gradients accumulate into {@link #grad()} across
 *       backward calls until {@link #zeroGrad()};</li>
 *   <li>a <b>constant</b> (no grad): inputs, targets, anything {@link #detach()}ed or made under
 *       {@link NoGrad};</li>
 *   <li>an <b>intermediate</b>: the result of an op with at least one input that requires grad. Its
 *       gradient is transient (handed on during backward, then dropped) unless {@link #retainGrad()}.</li>
 * </ul>
 * Ops never modify their inputs. The op methods below are one-liners; each op's forward and backward live
 * together in the op classes ({@link ElementwiseOps}, {@link ReduceOps}, {@link LinalgOps},
 * {@link ShapeOps}, {@link IndexOps}, {@link FusedOps}).
 */
public final class Var {
    private Tensor value;   // replaced only by moveTo (leaves, before any graph reads them)
    private boolean requiresGrad;
    private final Node node;
    private Tensor grad;
    private boolean retainGrad;
    // During backward: the gradient received so far, and whether we own its buffer (may add in place).
    private Tensor pending;
    private boolean pendingOwned;
    // During backward: weight-gradient products a·b handed to this Var and not yet added (see accumulateMatmul),
    // as a, b, a, b, ...; and whether Graph has queued this leaf to add them at the end of the pass.
    private ArrayList<Tensor> deferred;
    boolean flushQueued;

    /**
     * Whether {@link #accumulateMatmul} defers its products (on by default). Off, every product is added at
     * once, as before the deferral existed; tests compare the two.
     */
    static boolean deferMatmulGrads = true;
    /** Products with an inner dim at least this long are multiplied on their own, without copying. */
    static final int DEFER_SMALL_K = 256;
    /** At most this many inner-dim rows are gathered into one GEMM (bounds the temporary copies). */
    static final int DEFER_MAX_K = 1024;

    private Var(Tensor value, boolean requiresGrad, Node node) {
        this.value = value;
        this.requiresGrad = requiresGrad;
        this.node = node;
    }

    // ------------------------------------------------------------------------------------------------
    // Making Vars
    // ------------------------------------------------------------------------------------------------

    /** A trainable leaf: gradients accumulate into {@link #grad()}. */
    public static Var param(Tensor value) {
        if (!value.dtype().isFloating())
            throw new IllegalArgumentException("Var.param: only float tensors can require grad, got " + value.dtype() + " " + value.shape());
        return new Var(value, true, null);
    }

    /** A value that is not differentiated (inputs, targets). */
    public static Var constant(Tensor value) {
        return new Var(value, false, null);
    }

    /** A float32 scalar constant. */
    public static Var scalar(double v) {
        return constant(Tensor.scalar(v));
    }

    /** The list of tensors an op's backward reads (recorded so in-place changes to them are caught). */
    public static Tensor[] saving(Tensor... tensors) {
        return tensors;
    }

    /**
     * The result of an op: records a {@link Node} when grad mode is on and some input requires grad,
     * otherwise returns a constant and drops {@code backward}. This is the one place graphs are built.
     */
    public static Var op(String name, Tensor value, Tensor[] saved, Backward backward, Var... inputs) {
        if (!NoGrad.isGradEnabled()) return new Var(value, false, null);
        boolean any = false;
        for (Var in : inputs) any |= in.requiresGrad;
        if (!any) return new Var(value, false, null);
        return new Var(value, true, new Node(name, inputs, saved, backward));
    }

    /** Whether an op on these inputs would record a node (grad mode on and some input requires grad). */
    public static boolean tracks(Var... inputs) {
        if (!NoGrad.isGradEnabled()) return false;
        for (Var in : inputs) if (in != null && in.requiresGrad) return true;
        return false;
    }

    /** Like {@link #op(String, Tensor, Tensor[], Backward, Var...)} for ops whose backward reads no tensor. */
    public static Var op(String name, Tensor value, Backward backward, Var... inputs) {
        return op(name, value, null, backward, inputs);
    }

    // ------------------------------------------------------------------------------------------------
    // State
    // ------------------------------------------------------------------------------------------------

    public Tensor value() {
        return value;
    }

    public Shape shape() {
        return value.shape();
    }

    public int dim(int axis) {
        return value.dim(axis);
    }

    public int rank() {
        return value.rank();
    }

    public DType dtype() {
        return value.dtype();
    }

    /** The single element of a one-element Var. */
    public double item() {
        return value.item();
    }

    public boolean requiresGrad() {
        return requiresGrad;
    }

    /** Turns gradient tracking of a leaf on or off (e.g. to freeze a parameter). */
    public Var setRequiresGrad(boolean on) {
        if (node != null) throw new IllegalStateException("setRequiresGrad: only leaves can change it; this Var was made by '" + node.op() + "' (use detach())");
        if (on && !value.dtype().isFloating()) throw new IllegalArgumentException("setRequiresGrad: " + value.dtype() + " Vars cannot require grad");
        requiresGrad = on;
        return this;
    }

    /** The node that created this Var, or null for leaves and constants. */
    public Node node() {
        return node;
    }

    public boolean isLeaf() {
        return node == null;
    }

    /** The accumulated gradient (null until a backward reached this Var). */
    public Tensor grad() {
        return grad;
    }

    /** Replaces the gradient (e.g. after clipping); null clears it. */
    public void setGrad(Tensor g) {
        if (g != null && !g.shape().equals(value.shape()))
            throw new IllegalArgumentException("setGrad: gradient " + g.shape() + " for a Var of shape " + value.shape());
        grad = g;
    }

    /** Sets the gradient to zero (keeping its buffer, which lives outside any TensorScope). */
    /**
     * Moves a leaf (a parameter or a constant made with {@link #param}/{@link #constant}) to {@code device}: its
     * value is copied there and any gradient is dropped. Used by {@code Module.to(Device)} before training starts;
     * a graph built earlier keeps reading the old tensor, so move first, then build.
     */
    public Var moveTo(somnium.tensor.Device device) {
        if (node != null) throw new IllegalStateException("Var.moveTo: only leaves can move (this is the output of an op)");
        if (!value.device().equals(device)) {
            value = value.to(device);
            grad = null;
        }
        return this;
    }

    public void zeroGrad() {
        if (grad != null) grad.fill(0);
    }

    /** Asks an intermediate Var to keep the gradient it receives in backward (for inspection). */
    public Var retainGrad() {
        retainGrad = true;
        return this;
    }

    /** The same value, cut from the graph: gradients do not flow through the result. Shares storage. */
    public Var detach() {
        return new Var(value, false, null);
    }

    // ------------------------------------------------------------------------------------------------
    // Backward
    // ------------------------------------------------------------------------------------------------

    /** Differentiates this scalar; frees the graph afterwards. */
    public void backward() {
        backward(false);
    }

    /** Differentiates this scalar; with {@code retainGraph} the graph can be differentiated again. */
    public void backward(boolean retainGraph) {
        if (value.numel() != 1)
            throw new IllegalArgumentException("backward: an implicit gradient needs a one-element Var, this one has shape "
                    + value.shape() + "; reduce it (sum/mean) or pass backward(gradient)");
        backward(value.onesLike(), retainGraph);
    }

    /** Vector-Jacobian product: backpropagates {@code gradient} (this Var's shape). */
    public void backward(Tensor gradient, boolean retainGraph) {
        Graph.backward(this, gradient, retainGraph);
    }

    /**
     * Differentiates this scalar with respect to the leaves {@code inputs} only (PyTorch's
     * {@code backward(inputs=...)}): their gradients accumulate as usual, every other parameter the graph reaches
     * is left untouched and its weight gradients are not computed. E.g. Dreamer's actor loss reaches the world model
     * and the value model, whose gradients from it would be thrown away. The walk is pruned to the paths that end
     * in {@code inputs}: an op none of whose inputs leads there never runs its backward. If no path leads there,
     * nothing happens. Frees the graph.
     */
    public void backward(java.util.Collection<Var> inputs) {
        backward(inputs, false);
    }

    /** {@link #backward(java.util.Collection)}, keeping the graph when {@code retainGraph} (for a second pass). */
    public void backward(java.util.Collection<Var> inputs, boolean retainGraph) {
        if (value.numel() != 1)
            throw new IllegalArgumentException("backward: an implicit gradient needs a one-element Var, this one has shape " + value.shape());
        Graph.backward(this, value.onesLike(), retainGraph, inputs);
    }

    /**
     * Graph's switch for {@link #backward(java.util.Collection)}: a leaf not asked for, or an intermediate that leads
     * to none of the inputs, is a constant during one pass.
     */
    void setRequiresGradDuringPass(boolean on) {
        requiresGrad = on;
    }

    /** Adds {@code g} (already this Var's shape) to the gradient being collected. Called by {@link Node#grad}. */
    void accumulate(Tensor g) {
        if (node == null) { // a leaf: the persistent .grad buffer
            if (grad == null) grad = persistentZeros(value);
            grad.addInPlace(g);
            return;
        }
        if (pending == null) {
            pending = g;            // borrowed: another input may hold the same tensor, so never add into it
            pendingOwned = false;
        } else if (!pendingOwned) {
            pending = pending.add(g);
            pendingOwned = true;
        } else {
            pending.addInPlace(g);
        }
    }

    /** Adds {@code g} into the slice {@code slice} picks from this Var's gradient (see {@link Node#gradSlice}). */
    void accumulateSlice(java.util.function.UnaryOperator<Tensor> slice, Tensor g) {
        if (node == null) {
            if (grad == null) grad = persistentZeros(value);
            slice.apply(grad).addInPlace(g);
            return;
        }
        if (pending == null) {
            pending = value.zerosLike();
        } else if (!pendingOwned || !pending.isContiguous()) {
            pending = pending.copy(); // a borrowed gradient is never written to
        }
        pendingOwned = true;
        slice.apply(pending).addInPlace(g);
    }

    /**
     * Adds the product a·b (a [m, k], b [k, n]) to the gradient of this 2-D Var. The product is not computed
     * now: it is kept until the gradient is needed, and then all products kept for this Var are added with as
     * few GEMMs as possible ({@link #flushDeferred}). A weight used at every step of an unrolled recurrence
     * receives one g_tᵀ·x_t per step, each with a short inner dim (k = batch); one GEMM over the concatenated
     * steps (k = steps x batch) does the same arithmetic much faster. An intermediate's products are added just
     * before its own backward runs ({@link #takePendingGrad}); a leaf's at the end of the backward pass
     * ({@link Graph}), so {@link #grad()} is complete whenever a backward call has returned.
     */
    void accumulateMatmul(Tensor a, Tensor b) {
        if (value.rank() != 2 || !deferMatmulGrads) {
            addProducts(List.of(a, b));
            return;
        }
        if (deferred == null) deferred = new ArrayList<>();
        deferred.add(a);
        deferred.add(b);
    }

    /** Whether products are waiting in {@link #accumulateMatmul}. */
    boolean hasDeferred() {
        return deferred != null && !deferred.isEmpty();
    }

    /** Adds the products kept by {@link #accumulateMatmul} to the gradient. */
    void flushDeferred() {
        flushQueued = false;
        if (!hasDeferred()) return;
        List<Tensor> ab = deferred;
        deferred = null;
        addProducts(ab);
    }

    /**
     * Adds Σ a_i·b_i (the list holds a_0, b_0, a_1, b_1, ...) to the gradient. Runs of products with a short
     * inner dim are joined into one product [a_i a_j ...]·[b_i; b_j; ...] (the a's side by side, the b's stacked)
     * of at most {@link #DEFER_MAX_K} inner rows; a product with a long inner dim is multiplied on its own.
     */
    private void addProducts(List<Tensor> ab) {
        int i = 0, count = ab.size() / 2;
        while (i < count) {
            int j = i, k = 0;
            while (j < count && (j == i || k + ab.get(2 * j).dim(1) <= DEFER_MAX_K) && ab.get(2 * j).dim(1) < DEFER_SMALL_K)
                k += ab.get(2 * j++).dim(1);
            if (j == i) j = i + 1; // a long product: on its own
            Tensor a, b;
            if (j == i + 1) {
                a = ab.get(2 * i);
                b = ab.get(2 * i + 1);
            } else {
                // [a_i ... a_j-1] is built as the transpose of the stacked a^T's: for a = g^T (the usual weight
                // gradient) those are g's rows, copied whole.
                Tensor[] at = new Tensor[j - i], bs = new Tensor[j - i];
                for (int p = i; p < j; p++) {
                    at[p - i] = ab.get(2 * p).t();
                    bs[p - i] = ab.get(2 * p + 1);
                }
                a = Tensor.concat(0, at).t();
                b = Tensor.concat(0, bs);
            }
            addProduct(a, b);
            i = j;
        }
    }

    /** Adds one product a·b to the gradient; a leaf's grad buffer (or an owned pending buffer) takes it in place. */
    private void addProduct(Tensor a, Tensor b) {
        if (node == null && value.rank() == 2) {
            if (grad == null) grad = persistentZeros(value);
            grad.addMatmulInPlace(a, b);
        } else if (pendingOwned && pending.isContiguous() && value.rank() == 2) {
            pending.addMatmulInPlace(a, b);
        } else {
            accumulate(a.matmul(b));
        }
    }

    /** Hands over (and forgets) the gradient collected for this intermediate, its deferred products included. */
    Tensor takePendingGrad() {
        flushDeferred();
        Tensor g = pending;
        pending = null;
        pendingOwned = false;
        if (retainGrad && g != null) grad = g;
        return g;
    }

    /**
     * A zero tensor like {@code like} whose memory is not tracked by the current {@code TensorScope}: a
     * gradient or optimizer moment must outlive the training step that first creates it.
     */
    public static Tensor persistentZeros(Tensor like) {
        int n = like.numel();
        Object host = switch (like.dtype()) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
        };
        Storage s = like.backend().upload(like.dtype(), host);
        return new Tensor(s, like.shape(), like.shape().contiguousStrides(), 0);
    }

    // ------------------------------------------------------------------------------------------------
    // Elementwise (ElementwiseOps)
    // ------------------------------------------------------------------------------------------------

    public Var neg() { return ElementwiseOps.neg(this); }
    public Var exp() { return ElementwiseOps.exp(this); }
    public Var log() { return ElementwiseOps.log(this); }
    public Var log1p() { return ElementwiseOps.log1p(this); }
    public Var tanh() { return ElementwiseOps.tanh(this); }
    public Var sigmoid() { return ElementwiseOps.sigmoid(this); }
    public Var relu() { return ElementwiseOps.relu(this); }
    public Var elu() { return ElementwiseOps.elu(this, 1.0); }
    public Var elu(double alpha) { return ElementwiseOps.elu(this, alpha); }
    public Var silu() { return ElementwiseOps.silu(this); }
    public Var mish() { return ElementwiseOps.mish(this); }
    public Var softplus() { return ElementwiseOps.softplus(this); }
    public Var square() { return ElementwiseOps.square(this); }
    public Var sqrt() { return ElementwiseOps.sqrt(this); }
    public Var rsqrt() { return ElementwiseOps.rsqrt(this); }
    public Var reciprocal() { return ElementwiseOps.reciprocal(this); }
    public Var abs() { return ElementwiseOps.abs(this); }
    public Var sin() { return ElementwiseOps.sin(this); }
    public Var cos() { return ElementwiseOps.cos(this); }
    public Var atanh() { return ElementwiseOps.atanh(this); }
    public Var symlog() { return ElementwiseOps.symlog(this); }
    public Var symexp() { return ElementwiseOps.symexp(this); }
    public Var pow(double p) { return ElementwiseOps.pow(this, p); }
    /** min(max(x, lo), hi); the gradient is 1 inside [lo, hi] and 0 outside. */
    public Var clamp(double lo, double hi) { return ElementwiseOps.clamp(this, lo, hi); }

    /** x * a + b with scalars (the op behind add/sub/mul/div by a number). */
    public Var affine(double a, double b) { return ElementwiseOps.affine(this, a, b); }
    public Var add(double s) { return affine(1, s); }
    public Var sub(double s) { return affine(1, -s); }
    public Var mul(double s) { return affine(s, 0); }
    public Var div(double s) { return affine(1.0 / s, 0); }
    /** s - x. */
    public Var rsub(double s) { return affine(-1, s); }

    public Var add(Var o) { return ElementwiseOps.add(this, o); }
    public Var sub(Var o) { return ElementwiseOps.sub(this, o); }
    public Var mul(Var o) { return ElementwiseOps.mul(this, o); }
    public Var div(Var o) { return ElementwiseOps.div(this, o); }
    public Var maximum(Var o) { return ElementwiseOps.maximum(this, o); }
    public Var minimum(Var o) { return ElementwiseOps.minimum(this, o); }
    public Var add(Tensor o) { return add(constant(o)); }
    public Var sub(Tensor o) { return sub(constant(o)); }
    public Var mul(Tensor o) { return mul(constant(o)); }
    public Var div(Tensor o) { return div(constant(o)); }

    /** cond != 0 ? a : b (broadcast); the gradient goes to the branch that was taken. */
    public static Var where(Tensor cond, Var a, Var b) { return ElementwiseOps.where(cond, a, b); }

    // ------------------------------------------------------------------------------------------------
    // Reductions (ReduceOps); an empty axes array means all axes
    // ------------------------------------------------------------------------------------------------

    public Var sum() { return ReduceOps.sum(this, new int[0], false); }
    public Var sum(int axis) { return ReduceOps.sum(this, new int[] {axis}, false); }
    public Var sum(int axis, boolean keepDim) { return ReduceOps.sum(this, new int[] {axis}, keepDim); }
    public Var sum(int[] axes, boolean keepDim) { return ReduceOps.sum(this, axes, keepDim); }
    public Var mean() { return ReduceOps.mean(this, new int[0], false); }
    public Var mean(int axis) { return ReduceOps.mean(this, new int[] {axis}, false); }
    public Var mean(int axis, boolean keepDim) { return ReduceOps.mean(this, new int[] {axis}, keepDim); }
    public Var mean(int[] axes, boolean keepDim) { return ReduceOps.mean(this, axes, keepDim); }
    public Var max(int axis, boolean keepDim) { return ReduceOps.max(this, new int[] {axis}, keepDim, true); }
    public Var max() { return ReduceOps.max(this, new int[0], false, true); }
    public Var min(int axis, boolean keepDim) { return ReduceOps.max(this, new int[] {axis}, keepDim, false); }
    public Var min() { return ReduceOps.max(this, new int[0], false, false); }
    public Var logsumexp(int axis, boolean keepDim) { return ReduceOps.logsumexp(this, new int[] {axis}, keepDim); }
    public Var logsumexp(int axis) { return logsumexp(axis, false); }
    /** Population variance over {@code axis} (composite: mean of squared deviations). */
    public Var var(int axis, boolean keepDim) {
        Var d = sub(mean(axis, true));
        return d.square().mean(axis, keepDim);
    }

    // ------------------------------------------------------------------------------------------------
    // Linear algebra and convolution (LinalgOps)
    // ------------------------------------------------------------------------------------------------

    public Var matmul(Var o) { return LinalgOps.matmul(this, o); }
    /** x·w^T + b over the last dim of x; w is [out, in], b is [out] or null. */
    public Var linear(Var w, Var b) { return LinalgOps.linear(this, w, b); }
    public Var conv2d(Var w, Var bias, int stride, int pad) { return LinalgOps.conv2d(this, w, bias, stride, pad); }
    public Var convTranspose2d(Var w, Var bias, int stride, int pad) { return LinalgOps.convTranspose2d(this, w, bias, stride, pad); }

    // ------------------------------------------------------------------------------------------------
    // Shapes (ShapeOps)
    // ------------------------------------------------------------------------------------------------

    public Var reshape(int... dims) { return ShapeOps.reshape(this, dims); }
    public Var flatten(int start, int end) { return ShapeOps.flatten(this, start, end); }
    public Var permute(int... axes) { return ShapeOps.permute(this, axes); }
    public Var transpose(int a, int b) { return ShapeOps.transpose(this, a, b); }
    public Var t() { return ShapeOps.transpose(this, -2, -1); }
    public Var unsqueeze(int axis) { return ShapeOps.unsqueeze(this, axis); }
    public Var squeeze(int axis) { return ShapeOps.squeeze(this, axis); }
    public Var expand(int... dims) { return ShapeOps.expand(this, dims); }
    public Var narrow(int axis, int start, int length) { return ShapeOps.narrow(this, axis, start, length); }
    public Var select(int axis, int index) { return ShapeOps.select(this, axis, index); }
    public Var[] split(int axis, int... sizes) { return ShapeOps.split(this, axis, sizes); }
    public Var[] chunk(int n, int axis) { return ShapeOps.chunk(this, n, axis); }
    public static Var concat(int axis, Var... vs) { return ShapeOps.concat(axis, vs); }
    public static Var concat(int axis, List<Var> vs) { return ShapeOps.concat(axis, vs.toArray(new Var[0])); }
    public static Var stack(int axis, Var... vs) { return ShapeOps.stack(axis, vs); }
    public static Var stack(int axis, List<Var> vs) { return ShapeOps.stack(axis, vs.toArray(new Var[0])); }

    // ------------------------------------------------------------------------------------------------
    // Indexing and softmax (IndexOps)
    // ------------------------------------------------------------------------------------------------

    public Var gather(int axis, Tensor index) { return IndexOps.gather(this, axis, index); }
    public Var scatterAdd(int axis, Tensor index, Var src) { return IndexOps.scatterAdd(this, axis, index, src); }
    public Var indexSelect(int axis, Tensor index) { return IndexOps.indexSelect(this, axis, index); }
    public Var softmax(int axis) { return IndexOps.softmax(this, axis); }
    public Var logSoftmax(int axis) { return IndexOps.logSoftmax(this, axis); }

    @Override
    public String toString() {
        String kind = node != null ? "op=" + node.op() : requiresGrad ? "param" : "const";
        return "Var(" + kind + ", " + value + ")";
    }
}
