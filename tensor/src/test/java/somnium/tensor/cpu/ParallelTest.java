package somnium.tensor.cpu;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ParallelTest {
    private static final long BIG = Parallel.MIN_PARALLEL_WORK;

    @AfterEach
    void restore() {
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
    }

    /** Runs forRange and checks that every index is visited exactly once and chunks are whole multiples of minChunk. */
    private static void coversOnce(int n, int minChunk) {
        AtomicIntegerArray hits = new AtomicIntegerArray(n);
        List<int[]> ranges = java.util.Collections.synchronizedList(new ArrayList<>());
        Parallel.forRange(n, BIG, minChunk, (s, e) -> {
            ranges.add(new int[] {s, e});
            for (int i = s; i < e; i++) hits.incrementAndGet(i);
        });
        for (int i = 0; i < n; i++) assertEquals(1, hits.get(i), "n=" + n + " minChunk=" + minChunk + " index " + i);
        assertTrue(ranges.size() <= Parallel.threads(), "more chunks than threads: " + ranges.size());
        for (int[] r : ranges)
            if (r[1] != n) assertEquals(0, (r[1] - r[0]) % minChunk, "n=" + n + " chunk " + r[0] + ".." + r[1]);
    }

    @Test
    void everyIndexOnceForManyShapesAndThreadCounts() {
        for (int threads : new int[] {1, 2, 3, 5}) {
            Parallel.setThreads(threads);
            for (int n : new int[] {1, 2, 3, 7, 16, 100, 1001})
                for (int minChunk : new int[] {1, 6, 16, 2000}) coversOnce(n, minChunk);
        }
    }

    @Test
    void smallWorkStaysOnTheCaller() {
        Parallel.setThreads(2);
        Thread me = Thread.currentThread();
        Parallel.forRange(1000, BIG - 1, 1, (s, e) -> {
            assertSame(me, Thread.currentThread());
            assertEquals(0, s);
            assertEquals(1000, e);
        });
    }

    @Test
    void workersRunChunksAndAreReusedAfterParking() throws InterruptedException {
        Parallel.setThreads(2);
        for (int round = 0; round < 3; round++) {
            ConcurrentHashMap<String, Boolean> names = new ConcurrentHashMap<>();
            // the caller's chunk takes long enough for the parked worker to wake and claim its own
            Parallel.forRange(2, BIG, 1, (s, e) -> {
                names.put(Thread.currentThread().getName(), true);
                if (s == 0) sleep(50);
            });
            assertEquals(2, names.size(), "round " + round + ": " + names.keySet());
            Thread.sleep(5 + Parallel.SPIN_NANOS / 1_000_000); // past the spin time: the worker parks
        }
    }

    @Test
    void aChunkNotPickedUpIsRunByTheCaller() throws InterruptedException {
        // the worker is parked (slept past its spin time) and the caller's chunk is instant: the caller usually takes
        // the worker's chunk back; either way every index runs exactly once
        Parallel.setThreads(2);
        for (int round = 0; round < 20; round++) {
            Thread.sleep(1 + Parallel.SPIN_NANOS / 1_000_000);
            coversOnce(64, 1);
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void exceptionsFromAnyChunkReachTheCaller() {
        Parallel.setThreads(2);
        IllegalStateException a = assertThrows(IllegalStateException.class, () -> Parallel.forRange(100, BIG, 1, (s, e) -> {
            if (s > 0) throw new IllegalStateException("worker chunk " + s);
        }));
        assertTrue(a.getMessage().startsWith("worker chunk"), a.getMessage());
        IllegalArgumentException b = assertThrows(IllegalArgumentException.class, () -> Parallel.forRange(100, BIG, 1, (s, e) -> {
            if (s == 0) throw new IllegalArgumentException("caller chunk");
        }));
        assertEquals("caller chunk", b.getMessage());
        coversOnce(100, 1); // the pool still works afterwards
    }

    @Test
    void nestedAndConcurrentCallsFinish() throws Exception {
        Parallel.setThreads(2);
        // nested: a chunk that calls forRange runs the inner range itself
        AtomicIntegerArray hits = new AtomicIntegerArray(64 * 64);
        Parallel.forRange(64, BIG, 1, (s, e) -> {
            for (int i = s; i < e; i++) {
                int row = i;
                Parallel.forRange(64, BIG, 1, (s2, e2) -> {
                    for (int j = s2; j < e2; j++) hits.incrementAndGet(row * 64 + j);
                });
            }
        });
        for (int i = 0; i < hits.length(); i++) assertEquals(1, hits.get(i));
        // concurrent: four threads share the pool; whoever does not get the workers runs alone
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < 4; t++) {
            Thread th = new Thread(() -> {
                try {
                    for (int r = 0; r < 200; r++) coversOnce(97, 3);
                } catch (Throwable e) {
                    errors.add(e);
                }
            });
            ts.add(th);
            th.start();
        }
        for (Thread th : ts) th.join(60_000);
        for (Thread th : ts) assertFalse(th.isAlive(), "a concurrent caller did not finish");
        assertTrue(errors.isEmpty(), errors.toString());
    }

    @Test
    void setThreadsRejectsZeroAndReplacesThePool() {
        assertThrows(IllegalArgumentException.class, () -> Parallel.setThreads(0));
        Parallel.setThreads(3);
        assertEquals(3, Parallel.threads());
        coversOnce(50, 1);
        Parallel.setThreads(2);
        coversOnce(50, 1);
    }
}
