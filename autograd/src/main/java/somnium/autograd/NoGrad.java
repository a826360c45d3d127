package somnium.autograd;

/**
 * A region in which ops record nothing (like {@code torch.no_grad()}): results are constants, no graph is
 * kept, no memory is saved for backward. Used for evaluation, planning (CEM/MPPI), target networks and
 * optimizer updates.
 *
 * <pre>{@code
 * try (NoGrad ng = NoGrad.open()) {
 *     Var action = actor.forward(state);   // no graph
 * }
 * }</pre>
 *
 * Scopes nest and are per thread.
 */
public final class NoGrad implements AutoCloseable {
    private static final ThreadLocal<int[]> DEPTH = ThreadLocal.withInitial(() -> new int[1]);

    private final int[] depth;
    private boolean closed;

    private NoGrad() {
        depth = DEPTH.get();
        depth[0]++;
    }

    /** Disables graph recording on this thread until {@link #close()}. */
    public static NoGrad open() {
        return new NoGrad();
    }

    /** Whether ops on this thread currently record a graph. */
    public static boolean isGradEnabled() {
        return DEPTH.get()[0] == 0;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            depth[0]--;
        }
    }
}
