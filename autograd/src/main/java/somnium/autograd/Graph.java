package somnium.autograd;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import somnium.tensor.Tensor;

/**
 * Reverse-mode differentiation over the recorded graph: the whole algorithm in one method (plus, for
 * {@code backward(inputs)}, the pruning walk of {@link #prune}).
 *
 * <p>A node may run its backward only once every op that consumed its output has sent it a gradient
 * (otherwise it would pass on a partial sum). So the walk is Kahn's algorithm on the reversed graph:
 * <ol>
 *   <li>walk from the loss to the leaves and count, for every node, how many recorded consumers it has;</li>
 *   <li>start from the loss with gradient {@code seed}; run a node's backward, which adds gradients into
 *       its inputs; decrement each input's count, and when it reaches zero that input is complete and is
 *       pushed to be processed next;</li>
 *   <li>the leaves add the weight-gradient products they deferred ({@link Var#accumulateMatmul}): a weight
 *       used at every step of an unrolled recurrence gets one large GEMM instead of one small one per step.</li>
 * </ol>
 * Both walks use an explicit stack, never recursion, so a graph of 10^5 nodes (an unrolled RSSM)
 * cannot overflow the thread's stack. After a node's backward ran, the node drops its saved tensors
 * unless {@code retainGraph}.
 */
final class Graph {
    private static final AtomicInteger PASSES = new AtomicInteger();

    private Graph() {}

    static void backward(Var root, Tensor seed, boolean retainGraph) {
        backward(root, seed, retainGraph, null);
    }

    /**
     * As above; with {@code only} non-null, gradients accumulate only into those leaves: every other leaf that
     * wants a gradient is treated as a constant during this pass (its weight-gradient products are never
     * computed), and left as it was.
     */
    static void backward(Var root, Tensor seed, boolean retainGraph, Collection<Var> only) {
        if (!root.requiresGrad())
            throw new IllegalStateException("backward: this Var does not require grad (a constant, detached, or computed "
                    + "under NoGrad); nothing to differentiate");
        if (!seed.shape().equals(root.value().shape()))
            throw new IllegalArgumentException("backward: gradient of shape " + seed.shape() + " for a Var of shape " + root.value().shape());
        Node top = root.node();
        if (top == null) { // a leaf: d(leaf)/d(leaf) = 1
            root.accumulate(seed);
            return;
        }
        int pass = PASSES.incrementAndGet();
        Set<Var> wanted = null;
        if (only != null) {
            wanted = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Var v : only) {
                if (!v.isLeaf()) throw new IllegalArgumentException("backward: the inputs to differentiate must be leaves; got " + v);
                wanted.add(v);
            }
        }
        ArrayList<Var> frozen = new ArrayList<>();
        ArrayList<Var> deferredLeaves = new ArrayList<>();
        try {
            // Phase 1: count each node's consumers within this graph (and set aside the leaves not asked for).
            ArrayDeque<Node> stack = new ArrayDeque<>();
            top.pass = pass;
            top.pending = 0;
            stack.push(top);
            while (!stack.isEmpty()) {
                Node n = stack.pop();
                if (n.isFreed()) throw freedError(n);
                for (Var in : n.inputs()) {
                    Node c = in.node();
                    if (c == null && wanted != null && in.requiresGrad() && !wanted.contains(in)) {
                        in.setRequiresGradDuringPass(false); // a leaf not asked for: a constant until the pass ends
                        frozen.add(in);
                    }
                    if (c == null || !in.requiresGrad()) continue;
                    if (c.pass != pass) {
                        c.pass = pass;
                        c.pending = 0;
                        stack.push(c);
                    }
                    c.pending++;
                }
            }

            // With inputs given, intermediates that lead to none of them are constants for this pass too: their
            // backward never runs, and their consumers skip the gradients they would have sent them.
            if (wanted != null && !prune(root, frozen)) return;

            // Phase 2: propagate, each node once all its consumers are done.
            root.accumulate(seed);
            ArrayDeque<Var> ready = new ArrayDeque<>();
            ready.push(root);
            while (!ready.isEmpty()) {
                Var v = ready.pop();
                Node n = v.node();
                Tensor g = v.takePendingGrad();
                if (g != null) n.run(g);
                Var[] ins = n.inputs();
                if (!retainGraph) n.free();
                for (Var in : ins) {
                    Node c = in.node();
                    if (!in.requiresGrad()) continue;
                    if (c == null) {
                        if (in.hasDeferred() && !in.flushQueued) { // a weight that deferred its g^T·x products
                            in.flushQueued = true;
                            deferredLeaves.add(in);
                        }
                    } else if (--c.pending == 0) {
                        ready.push(in);
                    }
                }
            }
        } finally {
            for (Var leaf : frozen) leaf.setRequiresGradDuringPass(true);
            // Phase 3: leaves add the weight-gradient products they deferred (Var.accumulateMatmul), each as
            // a few large GEMMs instead of one small GEMM per use.
            for (Var leaf : deferredLeaves) leaf.flushDeferred();
        }
    }

    /**
     * For {@code backward(inputs)}: marks every intermediate of the graph that reaches none of the leaves still
     * wanting a gradient (the frozen leaves already say no) as a constant for this pass, adding it to
     * {@code frozen}; returns whether the root itself reaches one. A post-order walk with an explicit stack: an
     * intermediate leads to a wanted leaf when one of its inputs is such a leaf or leads to one.
     */
    private static boolean prune(Var root, ArrayList<Var> frozen) {
        IdentityHashMap<Node, Boolean> leads = new IdentityHashMap<>();
        ArrayList<Var> intermediates = new ArrayList<>();
        ArrayDeque<Var> stack = new ArrayDeque<>();
        IdentityHashMap<Node, Boolean> expanded = new IdentityHashMap<>();
        stack.push(root);
        while (!stack.isEmpty()) {
            Var v = stack.peek();
            Node n = v.node();
            if (leads.containsKey(n)) {
                stack.pop();
                continue;
            }
            if (expanded.put(n, Boolean.TRUE) == null) {
                for (Var in : n.inputs())
                    if (in.node() != null && in.requiresGrad() && !leads.containsKey(in.node())) stack.push(in);
                continue;
            }
            stack.pop();
            boolean any = false;
            for (Var in : n.inputs())
                if (in.requiresGrad() && (in.node() == null || leads.get(in.node()))) any = true;
            leads.put(n, any);
            intermediates.add(v);
        }
        for (Var v : intermediates)
            if (v != root && !leads.get(v.node())) {
                v.setRequiresGradDuringPass(false);
                frozen.add(v);
            }
        return leads.get(root.node());
    }

    private static IllegalStateException freedError(Node n) {
        return new IllegalStateException("backward: the graph through '" + n.op() + "' was already freed by an earlier "
                + "backward(); call backward(true) (retainGraph) on the first pass to differentiate the same graph twice");
    }
}
