package somnium.tensor;

/**
 * A random stream: a Philox4x32-10 key (the seed) and a position in its counter stream (the offset, in
 * 32-bit words). Every draw reads a fresh, non-overlapping range of the stream and advances the offset, so
 * the whole state is two longs: save them in a checkpoint and a resumed run draws the same numbers. The CPU
 * and CUDA backends produce the same uniform bits for the same (seed, offset); see {@link Philox} for the
 * layout.
 */
public final class Rng {
    private final long seed;
    private long offset;

    public Rng(long seed) {
        this(seed, 0);
    }

    public Rng(long seed, long offset) {
        if (offset < 0) throw new IllegalArgumentException("Rng: offset must be >= 0, got " + offset);
        this.seed = seed;
        this.offset = offset;
    }

    public long seed() {
        return seed;
    }

    /** Words of the stream consumed so far. */
    public long offset() {
        return offset;
    }

    /** Moves the stream to {@code offset} (restoring a checkpointed stream in place). */
    public void seek(long offset) {
        if (offset < 0) throw new IllegalArgumentException("Rng.seek: offset must be >= 0, got " + offset);
        this.offset = offset;
    }

    /**
     * Reserves {@code words} words of the stream (e.g. for a draw made on the GPU) and returns the offset where
     * they start.
     */
    public long advance(long words) {
        if (words < 0) throw new IllegalArgumentException("Rng.advance: words must be >= 0, got " + words);
        long start = offset;
        offset = Math.addExact(offset, words);
        return start;
    }

    /** Uniform samples in [lo, hi). */
    public Tensor uniform(Shape shape, double lo, double hi, DType dtype, Device device) {
        if (!(lo < hi)) throw new IllegalArgumentException("Rng.uniform: need lo < hi, got [" + lo + ", " + hi + ")");
        Tensor out = Tensor.empty(dtype, shape, device);
        int n = shape.numel();
        long start = advance(dtype == DType.F64 ? Philox.wordsUsedUniformDouble(n) : Philox.wordsUsedUniform(n));
        out.backend().uniform(out, seed, start, lo, hi);
        return out;
    }

    /** Normal samples with the given mean and standard deviation. */
    public Tensor normal(Shape shape, double mean, double std, DType dtype, Device device) {
        if (!(std >= 0)) throw new IllegalArgumentException("Rng.normal: std must be >= 0, got " + std);
        Tensor out = Tensor.empty(dtype, shape, device);
        long start = advance(Philox.wordsUsedNormal(shape.numel()));
        out.backend().normal(out, seed, start, mean, std);
        return out;
    }

    public Tensor uniform(int... dims) {
        return uniform(Shape.of(dims), 0, 1, DType.F32, Device.CPU);
    }

    public Tensor normal(int... dims) {
        return normal(Shape.of(dims), 0, 1, DType.F32, Device.CPU);
    }

    /** One uniform double in [0, 1) (CPU; for host-side decisions such as epsilon-greedy or seeds). */
    public double nextDouble() {
        long start = advance(2);
        return Philox.uniformDouble(Philox.word(seed, start), Philox.word(seed, start + 1));
    }

    /** One uniform int in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("Rng.nextInt: bound must be positive, got " + bound);
        int[] one = new int[1];
        Philox.fillInts(one, 0, 1, seed, advance(Philox.wordsUsedInts(1)), bound);
        return one[0];
    }

    /** A 64-bit value, e.g. to seed an environment or a child stream. */
    public long nextLong() {
        long start = advance(2);
        return ((long) Philox.word(seed, start) << 32) | (Philox.word(seed, start + 1) & 0xffffffffL);
    }

    // ---- host arrays (no Tensor): the same stream, for code that works on plain arrays ----

    /** Rounds the offset up to a multiple of 4, so the next draw starts on a Philox block boundary. */
    public Rng alignToBlock() {
        offset = Math.addExact(offset, 3) & ~3L;
        return this;
    }

    public void nextUniform(float[] out, int off, int n, float lo, float hi) {
        Philox.fillUniform(out, off, n, seed, advance(Philox.wordsUsedUniform(n)), lo, hi);
    }

    public void nextUniform(double[] out, int off, int n, double lo, double hi) {
        Philox.fillUniform(out, off, n, seed, advance(Philox.wordsUsedUniformDouble(n)), lo, hi);
    }

    public void nextNormal(float[] out, int off, int n, float mean, float std) {
        Philox.fillNormal(out, off, n, seed, advance(Philox.wordsUsedNormal(n)), mean, std);
    }

    public void nextNormal(double[] out, int off, int n, double mean, double std) {
        Philox.fillNormal(out, off, n, seed, advance(Philox.wordsUsedNormal(n)), mean, std);
    }

    public void nextInts(int[] out, int off, int n, int bound) {
        Philox.fillInts(out, off, n, seed, advance(Philox.wordsUsedInts(n)), bound);
    }

    /** One category per row of {@code p} (probabilities or logits), see {@link Philox#fillCategorical}. */
    public void nextCategorical(int[] out, int off, int rows, int cats, float[] p, int pOff, boolean logits) {
        Philox.fillCategorical(out, off, rows, cats, p, pOff, logits, seed, advance(Philox.wordsUsedCategorical(rows)));
    }

    /** One uniform float in [0, 1) (one word). */
    public float nextFloat() {
        return Philox.uniformFloat(Philox.word(seed, advance(1)));
    }

    @Override
    public String toString() {
        return "Rng(seed=" + seed + ", offset=" + offset + ")";
    }
}
