package somnium.tensor;

import java.util.ArrayList;
import java.util.IdentityHashMap;

/**
 * A region whose temporaries go back to the memory pool when it closes, so that a steady training loop
 * does not churn the garbage collector:
 *
 * <pre>{@code
 * for (int step = 0; step < steps; step++) {
 *     try (TensorScope scope = TensorScope.open()) {
 *         Tensor loss = model.loss(batch);     // every tensor allocated here is tracked
 *         ...                                  // backward, optimizer step (parameters live outside)
 *         lastLoss = scope.keep(loss.sum());   // survives the scope (handed to the enclosing one)
 *     }                                        // all other buffers return to the pool
 * }
 * }</pre>
 *
 * Scopes nest and are per thread. Tensors created outside any scope are ordinary garbage-collected
 * objects. Using a tensor whose storage was released throws {@link IllegalStateException}.
 */
public final class TensorScope implements AutoCloseable {
    private static final ThreadLocal<TensorScope> CURRENT = new ThreadLocal<>();

    private final TensorScope parent;
    private final Thread owner = Thread.currentThread();
    private final ArrayList<Storage> owned = new ArrayList<>();
    private boolean closed;

    private TensorScope(TensorScope parent) {
        this.parent = parent;
    }

    /** Opens a scope nested in the current thread's current scope. */
    public static TensorScope open() {
        TensorScope s = new TensorScope(CURRENT.get());
        CURRENT.set(s);
        return s;
    }

    /** Called by backends for every storage they allocate. */
    public static void track(Storage s) {
        TensorScope scope = CURRENT.get();
        if (scope != null) scope.owned.add(s);
    }

    /** Keeps {@code t}'s storage alive past this scope: it moves to the enclosing scope, or to the GC. */
    public <T extends Tensor> T keep(T t) {
        Storage s = t.storage();
        for (int i = owned.size() - 1; i >= 0; i--) {
            if (owned.get(i) == s) {
                owned.remove(i);
                if (parent != null) parent.owned.add(s);
                break;
            }
        }
        return t;
    }

    /** Number of storages this scope will release. */
    public int size() {
        return owned.size();
    }

    @Override
    public void close() {
        if (closed) return;
        if (Thread.currentThread() != owner)
            throw new IllegalStateException("TensorScope closed on thread " + Thread.currentThread().getName()
                    + " but opened on " + owner.getName());
        if (CURRENT.get() != this)
            throw new IllegalStateException("TensorScope closed out of order: close inner scopes first");
        closed = true;
        CURRENT.set(parent);
        // A storage may have been registered twice (keep into parent then re-added); release each once.
        IdentityHashMap<Storage, Boolean> seen = new IdentityHashMap<>();
        for (Storage s : owned) if (seen.put(s, Boolean.TRUE) == null) s.release();
        owned.clear();
    }
}
