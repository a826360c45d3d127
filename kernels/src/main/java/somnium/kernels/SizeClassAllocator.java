package somnium.kernels;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.function.Consumer;

/**
 * A caching allocator of device memory: blocks are rounded up to a size class and, when freed, kept on that class's
 * free list for the next request of the same class instead of going back to the driver. A training step allocates
 * the same sizes every time, so from the second step on no request reaches {@code cuMemAlloc} (the point of
 * DESIGN.md decision 5; {@link #deviceAllocations()} lets tests and benchmarks check it).
 *
 * <p>Size classes: requests up to 1 MiB round up to a multiple of 512 bytes (exact-ish: small tensors are many
 * and varied); larger requests round up to 8 steps per power of two (at most 12.5% waste), so slightly different
 * large sizes share a class. When the device runs out of memory the allocator frees every cached block and tries
 * once more. Blocks cached beyond {@code maxCachedBytes} go back to the device at once.
 *
 * <p>Pure Java over a {@link DeviceMemory}, so the logic is tested with a fake memory on machines without a GPU.
 * Thread-safe (one lock; allocation is rare compared with kernel work).
 *
 * @param <H> the device's handle type for one allocation
 */
public final class SizeClassAllocator<H> {
    /** The device side: real ({@code CudaMemory}) or fake (tests). */
    public interface DeviceMemory<H> {
        /** A new allocation of exactly {@code bytes}; throws {@link OutOfMemoryError}-like exceptions when full. */
        H alloc(long bytes);

        void free(H handle);
    }

    /** One block: the device handle and its size class in bytes. */
    public record Block<H>(H handle, long bytes) {}

    public static final long SMALL_LIMIT = 1L << 20, SMALL_ROUND = 512;

    private final DeviceMemory<H> memory;
    private final long maxCachedBytes;
    private final HashMap<Long, ArrayDeque<Block<H>>> free = new HashMap<>();
    private long cachedBytes, inUseBytes, peakInUseBytes;
    private long hits, deviceAllocations, deviceFrees;

    public SizeClassAllocator(DeviceMemory<H> memory, long maxCachedBytes) {
        this.memory = memory;
        this.maxCachedBytes = maxCachedBytes;
    }

    /** The size class of a request: what the allocator actually reserves for it. */
    public static long sizeClass(long bytes) {
        if (bytes < 0) throw new IllegalArgumentException("negative size " + bytes);
        if (bytes <= SMALL_LIMIT) return Math.max(SMALL_ROUND, (bytes + SMALL_ROUND - 1) / SMALL_ROUND * SMALL_ROUND);
        int hb = 63 - Long.numberOfLeadingZeros(bytes);   // 2^hb <= bytes < 2^(hb+1)
        long step = 1L << (hb - 3);                        // 8 classes per doubling
        return (bytes + step - 1) / step * step;
    }

    /** A block of at least {@code bytes} (a cached one when its class has one). */
    public synchronized Block<H> allocate(long bytes) {
        long cls = sizeClass(bytes);
        ArrayDeque<Block<H>> q = free.get(cls);
        Block<H> b;
        if (q != null && !q.isEmpty()) {
            b = q.pop();
            cachedBytes -= cls;
            hits++;
        } else {
            b = new Block<>(allocFromDevice(cls), cls);
        }
        inUseBytes += cls;
        peakInUseBytes = Math.max(peakInUseBytes, inUseBytes);
        return b;
    }

    private H allocFromDevice(long cls) {
        deviceAllocations++;
        try {
            return memory.alloc(cls);
        } catch (RuntimeException | OutOfMemoryError e) {
            if (cachedBytes == 0) throw e;
            emptyCache();
            return memory.alloc(cls);
        }
    }

    /** Returns a block to its free list (or to the device when the cache is full). */
    public synchronized void release(Block<H> b) {
        inUseBytes -= b.bytes();
        if (cachedBytes + b.bytes() > maxCachedBytes) {
            deviceFrees++;
            memory.free(b.handle());
            return;
        }
        free.computeIfAbsent(b.bytes(), k -> new ArrayDeque<>()).push(b);
        cachedBytes += b.bytes();
    }

    /** Frees every cached block back to the device. */
    public synchronized void emptyCache() {
        forEachCached(b -> {
            deviceFrees++;
            memory.free(b.handle());
        });
        free.clear();
        cachedBytes = 0;
    }

    private void forEachCached(Consumer<Block<H>> f) {
        for (ArrayDeque<Block<H>> q : free.values()) for (Block<H> b : q) f.accept(b);
    }

    public synchronized long cachedBytes() { return cachedBytes; }

    public synchronized long inUseBytes() { return inUseBytes; }

    public synchronized long peakInUseBytes() { return peakInUseBytes; }

    /** Requests served from a free list. */
    public synchronized long hits() { return hits; }

    /** Requests that reached the device allocator (cuMemAlloc). */
    public synchronized long deviceAllocations() { return deviceAllocations; }

    public synchronized long deviceFrees() { return deviceFrees; }

    @Override
    public synchronized String toString() {
        return "SizeClassAllocator(inUse=" + inUseBytes + " B, cached=" + cachedBytes + " B, peak=" + peakInUseBytes
                + " B, hits=" + hits + ", deviceAllocations=" + deviceAllocations + ", deviceFrees=" + deviceFrees + ")";
    }
}
