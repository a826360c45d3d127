package somnium.tensor.cpu;

import java.util.ArrayDeque;
import java.util.HashMap;

/**
 * Free lists of Java arrays keyed by exact length and type, so that the temporaries of one training step are
 * reused by the next instead of being garbage-collected. A training step allocates the same sizes every
 * time, so exact-size lists hit nearly always and waste nothing. Arrays come back only through
 * {@link somnium.tensor.TensorScope}; the pool keeps at most {@link #maxBytes()} bytes and lets the rest go
 * to the GC. Thread-safe (coarse lock; allocation is rare compared to arithmetic).
 */
public final class BufferPool {
    public static final BufferPool INSTANCE = new BufferPool(
            Long.getLong("somnium.pool.maxBytes", 2L << 30));

    private record Key(char type, int length) {}

    private final HashMap<Key, ArrayDeque<Object>> free = new HashMap<>();
    private final long maxBytes;
    private long pooledBytes;
    private long hits, misses;

    BufferPool(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** An array of exactly {@code length} elements; contents unspecified when reused. */
    synchronized Object take(char type, int length) {
        ArrayDeque<Object> q = free.get(new Key(type, length));
        if (q != null && !q.isEmpty()) {
            hits++;
            pooledBytes -= bytes(type, length);
            return q.pop();
        }
        misses++;
        return switch (type) {
            case 'f' -> new float[length];
            case 'd' -> new double[length];
            default -> new int[length];
        };
    }

    synchronized void give(Object array) {
        char type;
        int length;
        if (array instanceof float[] a) { type = 'f'; length = a.length; }
        else if (array instanceof double[] a) { type = 'd'; length = a.length; }
        else { type = 'i'; length = ((int[]) array).length; }
        long b = bytes(type, length);
        if (pooledBytes + b > maxBytes) return; // let the GC have it
        free.computeIfAbsent(new Key(type, length), k -> new ArrayDeque<>()).push(array);
        pooledBytes += b;
    }

    private static long bytes(char type, int length) {
        return (long) length * (type == 'd' ? 8 : 4);
    }

    /** Bytes currently held in free lists. */
    public synchronized long pooledBytes() {
        return pooledBytes;
    }

    /** Allocations served from the pool so far. */
    public synchronized long hits() {
        return hits;
    }

    /** Allocations that needed a new array so far. */
    public synchronized long misses() {
        return misses;
    }

    /** Drops every pooled array. */
    public synchronized void clear() {
        free.clear();
        pooledBytes = 0;
    }
}
