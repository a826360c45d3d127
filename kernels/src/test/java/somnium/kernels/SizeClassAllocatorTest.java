package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The caching allocator's size classes, reuse and limits, over a fake device memory. */
class SizeClassAllocatorTest {
    /** Hands out increasing fake addresses; tracks live bytes; fails above a capacity. */
    static final class FakeMemory implements SizeClassAllocator.DeviceMemory<Long> {
        final HashMap<Long, Long> live = new HashMap<>();
        final long capacity;
        long next = 0x1000, liveBytes, allocs, frees;

        FakeMemory(long capacity) {
            this.capacity = capacity;
        }

        @Override
        public Long alloc(long bytes) {
            if (liveBytes + bytes > capacity) throw new IllegalStateException("CUDA_ERROR_OUT_OF_MEMORY (fake)");
            long a = next;
            next += bytes;
            live.put(a, bytes);
            liveBytes += bytes;
            allocs++;
            return a;
        }

        @Override
        public void free(Long h) {
            Long b = live.remove(h);
            if (b == null) throw new AssertionError("double free of " + h);
            liveBytes -= b;
            frees++;
        }
    }

    @Test
    void sizeClassesRoundUpWithBoundedWaste() {
        assertEquals(512, SizeClassAllocator.sizeClass(0));
        assertEquals(512, SizeClassAllocator.sizeClass(1));
        assertEquals(512, SizeClassAllocator.sizeClass(512));
        assertEquals(1024, SizeClassAllocator.sizeClass(513));
        assertEquals(1 << 20, SizeClassAllocator.sizeClass(1 << 20));
        assertEquals((1 << 20) + (1 << 17), SizeClassAllocator.sizeClass((1 << 20) + 1));
        for (long b = 1; b < (1L << 34); b = b * 3 + 7) {
            long c = SizeClassAllocator.sizeClass(b);
            assertTrue(c >= b, b + " -> " + c);
            assertTrue(b <= SizeClassAllocator.SMALL_LIMIT ? c - b < 512 : c - b <= b / 8, b + " -> " + c + " wastes too much");
            assertEquals(c, SizeClassAllocator.sizeClass(c), "a class is its own class");
        }
        assertThrows(IllegalArgumentException.class, () -> SizeClassAllocator.sizeClass(-1));
    }

    @Test
    void steadyStateStepsNeverReachTheDevice() {
        FakeMemory mem = new FakeMemory(1L << 32);
        SizeClassAllocator<Long> a = new SizeClassAllocator<>(mem, 1L << 31);
        long[] sizes = {4 * 50 * 200, 4 * 50 * 600, 4 * 200 * 600, 4 * 600, 4, 4 * 50 * 230, 4 * 50 * 200};
        for (int step = 0; step < 5; step++) {
            List<SizeClassAllocator.Block<Long>> held = new ArrayList<>();
            for (long s : sizes) held.add(a.allocate(s));
            for (SizeClassAllocator.Block<Long> b : held) a.release(b);
            if (step == 0) assertEquals(sizes.length, a.deviceAllocations());
        }
        assertEquals(sizes.length, a.deviceAllocations(), "steps after the first must be served from the cache");
        assertEquals(4L * sizes.length, a.hits());
        assertEquals(0, a.inUseBytes());
        assertEquals(mem.liveBytes, a.cachedBytes());
    }

    @Test
    void reusesTheSameBlockForTheSameClass() {
        SizeClassAllocator<Long> a = new SizeClassAllocator<>(new FakeMemory(1 << 30), 1 << 30);
        var b1 = a.allocate(1000);
        a.release(b1);
        var b2 = a.allocate(1024);   // same 1024-byte class
        assertSame(b1.handle(), b2.handle());
        var b3 = a.allocate(1000);   // b2 still held: a new block
        assertNotEquals(b2.handle(), b3.handle());
    }

    @Test
    void cacheLimitSendsBlocksBackToTheDevice() {
        FakeMemory mem = new FakeMemory(1 << 30);
        SizeClassAllocator<Long> a = new SizeClassAllocator<>(mem, 4096);
        var x = a.allocate(4096);
        var y = a.allocate(4096);
        a.release(x);
        a.release(y);   // would exceed 4096 cached bytes
        assertEquals(4096, a.cachedBytes());
        assertEquals(1, mem.frees);
        a.emptyCache();
        assertEquals(0, a.cachedBytes());
        assertEquals(0, mem.liveBytes);
    }

    @Test
    void outOfMemoryEmptiesTheCacheAndRetriesOnce() {
        FakeMemory mem = new FakeMemory(8192);
        SizeClassAllocator<Long> a = new SizeClassAllocator<>(mem, 1 << 20);
        var x = a.allocate(4096);
        var y = a.allocate(4096);
        a.release(x);
        a.release(y);                   // 8 KiB cached, device full
        var z = a.allocate(8000);       // class 8192: needs the cache emptied first
        assertEquals(8192, z.bytes());
        assertEquals(0, a.cachedBytes());
        assertThrows(IllegalStateException.class, () -> a.allocate(512), "nothing cached: the device error propagates");
        assertEquals(8192, a.peakInUseBytes());
    }
}
