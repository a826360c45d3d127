package somnium.autograd;

import somnium.tensor.Tensor;

/**
 * One recorded op in the graph: which op made a {@link Var}, its inputs, the tensors its backward reads
 * ("saved" tensors), and the backward itself.
 *
 * <p>The saved tensors are listed so that two things can be checked and done:
 * <ul>
 *   <li>their storage version is recorded here and checked before backward runs, so that an in-place
 *       modification made after the forward (e.g. an optimizer step) is an error, not a wrong gradient;</li>
 *   <li>after backward the node drops its inputs, saved tensors and backward closure (which is what holds
 *       the saved tensors), so a finished graph keeps no memory alive unless {@code retainGraph} is set.</li>
 * </ul>
 */
public final class Node {
    private static final Tensor[] NOTHING_SAVED = new Tensor[0];

    private final String op;
    private Var[] inputs;
    private Tensor[] saved;
    private int[] versions;
    private Backward backward;
    private boolean freed;

    // Bookkeeping of Graph.backward: which pass last reached this node, and how many consumers it waits for.
    int pass;
    int pending;

    Node(String op, Var[] inputs, Tensor[] saved, Backward backward) {
        this.op = op;
        this.inputs = inputs;
        this.saved = saved == null ? NOTHING_SAVED : saved;
        this.backward = backward;
        if (this.saved.length > 0) {
            versions = new int[this.saved.length];
            for (int i = 0; i < versions.length; i++) versions[i] = this.saved[i].storage().version();
        }
    }

    /** The op's name, e.g. "matmul". */
    public String op() {
        return op;
    }

    /** Number of inputs. */
    public int arity() {
        return inputs.length;
    }

    /** Input {@code i}. */
    public Var input(int i) {
        return inputs[i];
    }

    /** Whether input {@code i} wants a gradient (backwards skip work for inputs that do not). */
    public boolean needs(int i) {
        return inputs[i].requiresGrad();
    }

    /**
     * Passes {@code g}, the gradient with respect to input {@code i}, on to that input. If the op
     * broadcast the input, {@code g} has the broadcast shape and is summed back to the input's shape here
     * ("unbroadcast"), so backwards never need to think about broadcasting.
     */
    public void grad(int i, Tensor g) {
        Var in = inputs[i];
        if (in.requiresGrad()) in.accumulate(unbroadcast(g, in.value().shape()));
    }

    /**
     * Like {@code grad(i, a.matmul(b))} for a 2-D input, but the product is deferred: the input collects the
     * products it receives and adds them all with a few large GEMMs when its gradient is needed (see
     * {@link Var#accumulateMatmul}); a parameter's gradient takes them in place, with no temporary.
     */
    public void gradMatmul(int i, Tensor a, Tensor b) {
        Var in = inputs[i];
        if (in.requiresGrad()) in.accumulateMatmul(a, b);
    }

    /**
     * Passes {@code g} as the gradient of one slice of input {@code i} (the rest of that input gets zero):
     * {@code slice} picks the slice from a tensor of the input's shape (e.g. {@code t -> t.select(1, 7)}), and
     * {@code g} is added into that slice of the input's gradient buffer in place. The buffer is zero-filled once,
     * however many slices of the input are taken. Used by narrow, select and split.
     */
    public void gradSlice(int i, java.util.function.UnaryOperator<Tensor> slice, Tensor g) {
        Var in = inputs[i];
        if (in.requiresGrad()) in.accumulateSlice(slice, g);
    }

    /** Sums {@code g} over the dims that broadcasting added or stretched, giving a tensor of {@code shape}. */
    public static Tensor unbroadcast(Tensor g, somnium.tensor.Shape shape) {
        if (g.shape().equals(shape)) return g;
        int r = g.rank(), lead = r - shape.rank();
        if (lead < 0) throw new IllegalStateException("unbroadcast: gradient " + g.shape() + " has lower rank than input " + shape);
        int[] axes = new int[r];
        int n = 0;
        for (int d = 0; d < r; d++) if (d < lead || (shape.dim(d - lead) == 1 && g.dim(d) != 1)) axes[n++] = d;
        Tensor s = n == 0 ? g : g.sum(java.util.Arrays.copyOf(axes, n), true);
        return s.reshape(shape.dims());
    }

    boolean isFreed() {
        return freed;
    }

    Var[] inputs() {
        return inputs;
    }

    /** Runs the backward after checking that no saved tensor was modified in place since the forward. */
    void run(Tensor gradOut) {
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].storage().version();
            if (now != versions[i])
                throw new IllegalStateException("backward: a tensor of shape " + saved[i].shape() + " that '" + op
                        + "' saved for its gradient was modified in place after the forward (version " + versions[i]
                        + " -> " + now + "); clone it before modifying, or run backward first");
        }
        backward.apply(gradOut, this);
    }

    /** Drops everything the node holds; a later backward through it fails with a clear message. */
    void free() {
        freed = true;
        inputs = null;
        saved = NOTHING_SAVED;
        versions = null;
        backward = null;
    }

    @Override
    public String toString() {
        return "Node(" + op + (freed ? ", freed)" : ")");
    }
}
