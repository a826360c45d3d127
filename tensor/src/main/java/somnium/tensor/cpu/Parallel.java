package somnium.tensor.cpu;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The CPU backend's one thread pool: a fixed set of workers sized to the cores, used only above a size threshold.
 *
 * <p>RL models are small (batch 16-50, widths 200-1024), so most ops are too small to be worth a fork:
 * callers pass the total work (roughly flops) and {@link #forRange} runs on the calling thread when it is
 * below {@link #MIN_PARALLEL_WORK}. Above it, the range is cut into one contiguous chunk per thread
 * (the caller runs the first chunk itself), which keeps each thread's memory access sequential.
 *
 * <p><b>Why not a ForkJoinPool.</b> A training step hands out many short jobs in a row (a GEMM of a few hundred
 * microseconds, an elementwise op of tens). Waking a parked thread costs about 100 us on the 2-core VM of
 * docs/performance.md (the idle vCPU is halted and must be woken by the hypervisor), which made a 2-thread
 * 128^3 product take twice its 1-thread time. So each worker here, after a job, keeps polling its mailbox for
 * {@link #SPIN_NANOS} (200 us by default, {@code -Dsomnium.spinMicros}) before it parks, like OpenMP's and
 * OpenBLAS's waiting threads: back-to-back jobs then start within a microsecond, and an idle program still
 * parks its workers. After its own chunk the caller takes back every chunk whose worker has not claimed it yet
 * (that worker was parked or not scheduled) and runs it itself, then waits for the rest the same way (poll, then
 * park).
 *
 * <p>One caller at a time owns the workers; a second thread that calls {@link #forRange} meanwhile (or a
 * worker calling it from inside a job) runs its whole range itself, so nested and concurrent calls cannot
 * deadlock.
 *
 * <p>The thread count defaults to {@code Runtime.availableProcessors()} and can be set with the system
 * property {@code somnium.threads} or {@link #setThreads(int)} (benchmarks compare 1 and 2 threads).
 */
public final class Parallel {
    /** Below this much work (about one flop per unit) an op runs on the calling thread. */
    public static final long MIN_PARALLEL_WORK = 1L << 17;

    /** How long an idle worker (or a waiting caller) polls before it parks, in nanoseconds. */
    static final long SPIN_NANOS = Math.max(0, Long.getLong("somnium.spinMicros", 200)) * 1000;

    /** A body over the half-open index range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static volatile int threads = Integer.getInteger("somnium.threads",
            Runtime.getRuntime().availableProcessors());
    private static volatile Pool pool;

    private Parallel() {}

    /** Number of threads parallel ops use (1 means everything runs on the caller). */
    public static int threads() {
        return threads;
    }

    /** Sets the number of threads; 1 disables parallelism. */
    public static synchronized void setThreads(int n) {
        if (n < 1) throw new IllegalArgumentException("Parallel.setThreads: n must be >= 1, got " + n);
        threads = n;
        if (pool != null) {
            pool.shutdown();
            pool = null;
        }
    }

    private static Pool pool() {
        Pool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) pool = p = new Pool(Math.max(1, threads - 1)); // the caller works too
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks, each of at
     * least {@code minChunk} indices, or on the calling thread when {@code work < MIN_PARALLEL_WORK}.
     * An exception thrown by any chunk is rethrown here after all chunks have finished.
     *
     * @param n        number of indices
     * @param work     total work (roughly flops or elements touched), decides whether to fork
     * @param minChunk smallest chunk worth giving a thread (e.g. a GEMM row block), at least 1
     */
    public static void forRange(int n, long work, int minChunk, RangeBody body) {
        int t = threads;
        if (n <= 0) return;
        int maxChunks = Math.max(1, n / Math.max(1, minChunk));
        int chunks = Math.min(t, maxChunks);
        if (chunks <= 1 || work < MIN_PARALLEL_WORK || Thread.currentThread() instanceof Worker) {
            body.run(0, n);
            return;
        }
        Pool p = pool();
        // Another thread owns the workers right now, or this one does (a chunk of its own call nesting another).
        if (p.lock.isHeldByCurrentThread() || !p.lock.tryLock()) {
            body.run(0, n);
            return;
        }
        if (p.closed) { // setThreads replaced this pool after we read it
            p.lock.unlock();
            body.run(0, n);
            return;
        }
        try {
            p.run(Math.min(chunks, p.workers.length + 1), n, minChunk, body);
        } finally {
            p.lock.unlock();
        }
    }

    /** The workers and the hand-off between them and the one caller that holds {@link #lock}. */
    private static final class Pool {
        final Worker[] workers;
        final ReentrantLock lock = new ReentrantLock();
        /** Chunks handed out and not finished yet. */
        final AtomicInteger remaining = new AtomicInteger();
        /** The caller waiting in {@link #run}, and whether it is parked (workers unpark it). */
        volatile Thread caller;
        volatile boolean callerParked;
        /** Set (under {@link #lock}) when the pool is shut down: no job is posted after that. */
        volatile boolean closed;

        Pool(int n) {
            workers = new Worker[n];
            for (int i = 0; i < n; i++) {
                workers[i] = new Worker(this, "somnium-cpu-" + i);
                workers[i].start();
            }
        }

        void run(int chunks, int n, int minChunk, RangeBody body) {
            // Even split rounded to multiples of minChunk so that blocked kernels keep whole blocks.
            int per = (n + chunks - 1) / chunks;
            per = ((per + minChunk - 1) / minChunk) * minChunk;
            int count = 0;
            while (count + 1 < chunks && (count + 1) * per < n) count++;
            caller = Thread.currentThread();
            remaining.set(count);
            for (int c = 1; c <= count; c++) workers[c - 1].post(body, c * per, Math.min(n, (c + 1) * per));
            Throwable err = null;
            try {
                body.run(0, Math.min(n, per));
            } catch (Throwable e) {
                err = e;
            }
            // A chunk whose worker has not picked it up yet (it was parked, or the OS has not scheduled it) is
            // taken back and run here: waiting for a wake-up would cost more than the chunk.
            for (int c = 1; c <= count; c++) {
                if (!workers[c - 1].reclaim()) continue;
                try {
                    body.run(c * per, Math.min(n, (c + 1) * per));
                } catch (Throwable e) {
                    if (err == null) err = e;
                }
                remaining.decrementAndGet();
            }
            awaitWorkers();
            for (int c = 1; c <= count; c++) {
                Throwable e = workers[c - 1].takeError();
                if (e != null && err == null) err = e;
            }
            if (err instanceof RuntimeException re) throw re;
            if (err instanceof Error er) throw er;
            if (err != null) throw new RuntimeException(err);
        }

        private void awaitWorkers() {
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (remaining.get() > 0) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    callerParked = true;
                    if (remaining.get() > 0) LockSupport.parkNanos(this, 1_000_000);
                    callerParked = false;
                }
            }
        }

        /** Called by a worker when its chunk is done. */
        void finished() {
            if (remaining.decrementAndGet() == 0 && callerParked) LockSupport.unpark(caller);
        }

        void shutdown() {
            lock.lock(); // waits for a run in progress
            try {
                closed = true;
                for (Worker w : workers) w.retire();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * A worker: polls its one-job mailbox, claims and runs the job, reports to the pool; parks after
     * {@link #SPIN_NANOS} idle. The caller may take a posted job back before the worker claims it ({@link #reclaim}).
     */
    private static final class Worker extends Thread {
        private static final int IDLE = 0, POSTED = 1, RUNNING = 2;
        private final Pool pool;
        /** IDLE, POSTED (set last by post(): publishes job, start and end) or RUNNING (claimed by the worker). */
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private RangeBody job;
        private int start, end;
        private volatile Throwable error;
        private volatile boolean parked, stopped;

        Worker(Pool pool, String name) {
            super(name);
            this.pool = pool;
            setDaemon(true);
        }

        void post(RangeBody body, int s, int e) {
            job = body;
            start = s;
            end = e;
            state.set(POSTED);
            if (parked) LockSupport.unpark(this);
        }

        /** Takes a posted job back if the worker has not claimed it yet; then the caller runs it. */
        boolean reclaim() {
            return state.compareAndSet(POSTED, IDLE);
        }

        Throwable takeError() {
            Throwable e = error;
            error = null;
            return e;
        }

        void retire() {
            stopped = true;
            LockSupport.unpark(this);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (true) {
                if (state.get() != POSTED || !state.compareAndSet(POSTED, RUNNING)) {
                    if (stopped) return;
                    if (System.nanoTime() - idleSince < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        // Dekker-style with post(): either post sees parked and unparks, or this sees the job.
                        parked = true;
                        if (state.get() != POSTED && !stopped) LockSupport.park(this);
                        parked = false;
                    }
                    continue;
                }
                RangeBody body = job;
                job = null;
                try {
                    body.run(start, end);
                } catch (Throwable e) {
                    error = e;
                }
                state.set(IDLE);
                pool.finished();
                idleSince = System.nanoTime();
            }
        }
    }
}
