package somnium.tensor.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.concurrent.RecursiveAction;

/**
 * The CPU backend's one thread pool: a fixed pool sized to the cores, used only above a size threshold.
 *
 * <p>RL models are small (batch 16-50, widths 200-1024), so most ops are too small to be worth a fork:
 * callers pass the total work (roughly flops) and {@link #forRange} runs on the calling thread when it is
 * below {@link #MIN_PARALLEL_WORK}. Above it, the range is cut into one contiguous chunk per thread
 * (the caller runs the first chunk itself), which keeps each thread's memory access sequential.
 *
 * <p>The thread count defaults to {@code Runtime.availableProcessors()} and can be set with the system
 * property {@code somnium.threads} or {@link #setThreads(int)} (benchmarks compare 1 and 2 threads).
 */
public final class Parallel {
    /** Below this much work (about one flop per unit) an op runs on the calling thread. */
    public static final long MIN_PARALLEL_WORK = 1L << 17;

    /** A body over the half-open index range [start, end). */
    @FunctionalInterface
    public interface RangeBody {
        void run(int start, int end);
    }

    private static volatile int threads = Integer.getInteger("somnium.threads",
            Runtime.getRuntime().availableProcessors());
    private static volatile ForkJoinPool pool;

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

    private static ForkJoinPool pool() {
        ForkJoinPool p = pool;
        if (p == null) {
            synchronized (Parallel.class) {
                p = pool;
                if (p == null) {
                    int n = Math.max(1, threads - 1); // the caller works too
                    p = new ForkJoinPool(n, pool -> {
                        var t = ForkJoinPool.defaultForkJoinWorkerThreadFactory.newThread(pool);
                        t.setDaemon(true);
                        t.setName("somnium-cpu-" + t.getPoolIndex());
                        return t;
                    }, null, false);
                    pool = p;
                }
            }
        }
        return p;
    }

    /**
     * Runs {@code body} over [0, n) split into at most {@link #threads()} contiguous chunks, each of at
     * least {@code minChunk} indices, or on the calling thread when {@code work < MIN_PARALLEL_WORK}.
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
        if (chunks <= 1 || work < MIN_PARALLEL_WORK || ForkJoinTask.inForkJoinPool()) {
            body.run(0, n);
            return;
        }
        // Even split rounded to multiples of minChunk so that blocked kernels keep whole blocks.
        int per = (n + chunks - 1) / chunks;
        per = ((per + minChunk - 1) / minChunk) * minChunk;
        RecursiveAction[] tasks = new RecursiveAction[chunks];
        int count = 0;
        for (int c = 1; c < chunks; c++) {
            int s = c * per, e = Math.min(n, s + per);
            if (s >= e) break;
            tasks[count++] = new RecursiveAction() {
                @Override protected void compute() { body.run(s, e); }
            };
        }
        ForkJoinPool p = pool();
        for (int i = 0; i < count; i++) p.execute(tasks[i]);
        Throwable err = null;
        try {
            body.run(0, Math.min(n, per));
        } catch (Throwable e) {
            err = e;
        }
        for (int i = 0; i < count; i++) {
            try {
                tasks[i].join();
            } catch (Throwable e) {
                if (err == null) err = e;
            }
        }
        if (err instanceof RuntimeException re) throw re;
        if (err instanceof Error er) throw er;
        if (err != null) throw new RuntimeException(err);
    }
}
