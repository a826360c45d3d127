package somnium.rl.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/**
 * An episodic replay store with a capacity in steps, as PlaNet and Dreamer use it.
 *
 * <ul>
 *   <li><b>Adding</b>: whole episodes; each gets the next sequential id. When a directory is given, the
 *       episode is first written there (one file per episode, atomically), so a run can resume with its data.</li>
 *   <li><b>Eviction</b>: after an add, the oldest episodes are dropped while the stored steps exceed the
 *       capacity, but the newest episode is always kept (even if alone it is longer than the capacity).
 *       Files of evicted episodes stay on disk; they are simply not loaded again.</li>
 *   <li><b>Sampling</b>: uniform over all windows of T consecutive steps that lie inside one episode, so a
 *       sequence never crosses an episode boundary and episodes are drawn in proportion to
 *       {@code length - T + 1}. Episodes shorter than T are never sampled. Each sequence consumes exactly one
 *       {@link Rng#nextInt} draw, so the same Rng state gives the same batch.</li>
 *   <li><b>Images</b> stay uint8 in memory and become float32 in [-0.5, 0.5] ({@code x / 255 - 0.5}) only in
 *       {@link #sample}.</li>
 * </ul>
 * Not thread-safe: the train loop adds and samples from one thread.
 */
public final class ReplayBuffer {
    private final long capacity;
    private final Path dir;
    private final ArrayDeque<Stored> episodes = new ArrayDeque<>();
    private long steps;          // steps currently stored
    private long nextId;         // episodes ever added = id of the next one
    private long stepsAdded;     // steps ever added
    private int stateDim = -1, actionDim = -1;
    private Boolean images;

    // sampling index, rebuilt lazily after a change
    private Stored[] index;
    private long[] cumWindows;
    private int indexT = -1;

    private record Stored(long id, Episode episode) {}

    /** Bookkeeping saved in a checkpoint so that {@link #restore} rebuilds the same content. */
    public record State(long episodesAdded, long stepsAdded) {}

    /** An in-memory store. */
    public ReplayBuffer(long capacitySteps) {
        this(capacitySteps, null);
    }

    /** A store that also writes each added episode to {@code dir} (created if needed); {@code dir} may be null. */
    public ReplayBuffer(long capacitySteps, Path dir) {
        if (capacitySteps < 1) throw new IllegalArgumentException("replay capacity must be >= 1 step, got " + capacitySteps);
        this.capacity = capacitySteps;
        this.dir = dir;
    }

    /**
     * Rebuilds the store a checkpoint described: the episodes with ids below {@code state.episodesAdded()}
     * that the capacity keeps (the newest ones), read from {@code dir}. Files with larger ids (written after
     * that checkpoint) are ignored and will be overwritten. A file the store needs but cannot read is an
     * IOException naming it.
     */
    public static ReplayBuffer restore(long capacitySteps, Path dir, State state) throws IOException {
        ReplayBuffer rb = new ReplayBuffer(capacitySteps, dir);
        List<Stored> newestFirst = new ArrayList<>();
        long total = 0;
        for (long id = state.episodesAdded() - 1; id >= 0; id--) {
            Path f = EpisodeFiles.fileFor(dir, id);
            if (!Files.exists(f)) {
                if (newestFirst.isEmpty() || total < capacitySteps)
                    throw new IOException("replay restore: episode file " + f + " is missing (the checkpoint expects "
                            + state.episodesAdded() + " episodes in " + dir + ")");
                break;
            }
            Episode ep = EpisodeFiles.read(f);
            if (!newestFirst.isEmpty() && total + ep.length() > capacitySteps) break;
            newestFirst.add(new Stored(id, ep));
            total += ep.length();
        }
        for (int i = newestFirst.size() - 1; i >= 0; i--) rb.append(newestFirst.get(i));
        rb.nextId = state.episodesAdded();
        rb.stepsAdded = state.stepsAdded();
        return rb;
    }

    /** Adds a finished episode (writing it to disk first when this store has a directory); returns its id. */
    public long add(Episode ep) throws IOException {
        checkCompatible(ep);
        long id = nextId;
        if (dir != null) EpisodeFiles.write(dir, id, ep);
        nextId++;
        stepsAdded += ep.length();
        append(new Stored(id, ep));
        while (steps > capacity && episodes.size() > 1) steps -= episodes.removeFirst().episode().length();
        index = null;
        return id;
    }

    private void append(Stored s) {
        checkCompatible(s.episode());
        episodes.addLast(s);
        steps += s.episode().length();
        index = null;
    }

    private void checkCompatible(Episode ep) {
        if (stateDim < 0) {
            stateDim = ep.stateDim();
            actionDim = ep.actionDim();
            images = ep.hasImages();
            return;
        }
        if (ep.stateDim() != stateDim || ep.actionDim() != actionDim || ep.hasImages() != images)
            throw new IllegalArgumentException("replay: episode " + ep + " does not match the stored ones (stateDim " + stateDim
                    + ", actionDim " + actionDim + ", images " + images + ")");
    }

    public State state() {
        return new State(nextId, stepsAdded);
    }

    public long capacity() { return capacity; }
    public long steps() { return steps; }
    public int episodeCount() { return episodes.size(); }
    public long episodesAdded() { return nextId; }
    public long stepsAdded() { return stepsAdded; }
    public Path directory() { return dir; }

    /** The stored episodes' ids, oldest first. */
    public List<Long> ids() {
        List<Long> ids = new ArrayList<>(episodes.size());
        for (Stored s : episodes) ids.add(s.id());
        return ids;
    }

    /** The stored episodes, oldest first. */
    public List<Episode> episodes() {
        List<Episode> out = new ArrayList<>(episodes.size());
        for (Stored s : episodes) out.add(s.episode());
        return out;
    }

    /** How many distinct length-T windows can be sampled. */
    public long windows(int T) {
        buildIndex(T);
        return cumWindows.length == 0 ? 0 : cumWindows[cumWindows.length - 1];
    }

    private void buildIndex(int T) {
        if (index != null && indexT == T) return;
        index = episodes.toArray(new Stored[0]);
        cumWindows = new long[index.length];
        long c = 0;
        for (int i = 0; i < index.length; i++) {
            c += Math.max(0, index[i].episode().length() - T + 1);
            cumWindows[i] = c;
        }
        indexT = T;
    }

    /** Where a sampled window lies: the episode id and the start step. */
    public record Window(long episodeId, int start) {}

    /** Draws B windows of length T (one {@code rng.nextInt} each); the locations only, for tests and tools. */
    public Window[] sampleWindows(int B, int T, Rng rng) {
        if (B < 1 || T < 1) throw new IllegalArgumentException("replay.sample: need B >= 1 and T >= 1, got B=" + B + ", T=" + T);
        long total = windows(T);
        if (total == 0)
            throw new IllegalStateException("replay.sample: no episode holds " + T + " steps (" + episodes.size() + " episodes, "
                    + steps + " steps stored)");
        if (total > Integer.MAX_VALUE) throw new IllegalStateException("replay.sample: " + total + " windows exceed the int range");
        Window[] out = new Window[B];
        for (int b = 0; b < B; b++) {
            long r = rng.nextInt((int) total);
            int lo = 0, hi = cumWindows.length - 1;
            while (lo < hi) { // first i with cumWindows[i] > r
                int mid = (lo + hi) >>> 1;
                if (cumWindows[mid] > r) hi = mid; else lo = mid + 1;
            }
            long before = lo == 0 ? 0 : cumWindows[lo - 1];
            out[b] = new Window(index[lo].id(), (int) (r - before));
        }
        return out;
    }

    /** Samples a batch of B sequences of length T uniformly (see the class comment). */
    public Batch sample(int B, int T, Rng rng) {
        Window[] w = sampleWindows(B, T, rng);
        long firstId = index[0].id();
        int sd = stateDim, ad = actionDim;
        float[] st = sd > 0 ? new float[B * T * sd] : null;
        float[] im = images ? new float[B * T * Step.IMAGE_BYTES] : null;
        float[] ac = new float[B * T * ad], rw = new float[B * T];
        float[] first = new float[B * T], last = new float[B * T], term = new float[B * T], disc = new float[B * T];
        for (int b = 0; b < B; b++) {
            Episode ep = index[(int) (w[b].episodeId() - firstId)].episode();
            int s0 = w[b].start();
            if (st != null) System.arraycopy(ep.states(), s0 * sd, st, b * T * sd, T * sd);
            System.arraycopy(ep.actions(), s0 * ad, ac, b * T * ad, T * ad);
            System.arraycopy(ep.rewards(), s0, rw, b * T, T);
            for (int t = 0; t < T; t++) {
                int k = b * T + t, s = s0 + t;
                first[k] = s == 0 ? 1f : 0f;
                boolean isLast = s == ep.length() - 1;
                last[k] = isLast ? 1f : 0f;
                term[k] = isLast && ep.terminated() ? 1f : 0f;
                disc[k] = 1f - term[k];
                if (im != null) toChw(ep.images(), s * Step.IMAGE_BYTES, im, k * Step.IMAGE_BYTES);
            }
        }
        return new Batch(st == null ? null : Tensor.of(st, B, T, sd),
                im == null ? null : Tensor.of(im, B, T, Step.IMAGE_CHANNELS, Step.IMAGE_SIZE, Step.IMAGE_SIZE),
                Tensor.of(ac, B, T, ad), Tensor.of(rw, B, T), Tensor.of(first, B, T), Tensor.of(last, B, T),
                Tensor.of(term, B, T), Tensor.of(disc, B, T));
    }

    /** uint8 HWC 64x64x3 at {@code src[from..]} to float CHW in [-0.5, 0.5] at {@code dst[to..]}. */
    static void toChw(byte[] src, int from, float[] dst, int to) {
        final int hw = Step.IMAGE_SIZE * Step.IMAGE_SIZE, c = Step.IMAGE_CHANNELS;
        for (int p = 0; p < hw; p++)
            for (int ch = 0; ch < c; ch++)
                dst[to + ch * hw + p] = toFloat(src[from + p * c + ch]);
    }

    /** The pixel conversion used at sampling: {@code (x & 0xff) / 255 - 0.5}. */
    public static float toFloat(byte x) {
        return (x & 0xff) / 255f - 0.5f;
    }
}
