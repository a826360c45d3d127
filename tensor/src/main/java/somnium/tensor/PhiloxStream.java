package somnium.tensor;

/**
 * A Philox stream position: a seed and an offset (32-bit words already consumed). Each {@code next*} call draws
 * with {@link Philox} at the current offset and then advances it by exactly the words that draw used, so
 * {@code new PhiloxStream(s.seed(), s.offset())} resumes a checkpointed stream exactly.
 *
 * <p>Not thread-safe (it is one mutable long); give each thread its own stream or its own offset range.
 */
public final class PhiloxStream {
    private final long seed;
    private long offset;

    /** A stream at the start (offset 0) of {@code seed}. */
    public PhiloxStream(long seed) {
        this(seed, 0);
    }

    /** A stream of {@code seed} at word {@code offset}: resumes one saved with {@link #seed()} and {@link #offset()}. */
    public PhiloxStream(long seed, long offset) {
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        this.seed = seed;
        this.offset = offset;
    }

    public long seed() {
        return seed;
    }

    /** Words consumed so far: the offset the next draw starts at. */
    public long offset() {
        return offset;
    }

    /** Skips {@code words} words (e.g. the ones a GPU kernel consumed with this stream's offset). */
    public PhiloxStream skip(long words) {
        if (words < 0) throw new IllegalArgumentException("words must be >= 0, got " + words);
        offset = Math.addExact(offset, words);
        return this;
    }

    /**
     * Rounds the offset up to a multiple of 4, so the next draw starts on a Philox block boundary (handy for a
     * GPU kernel that gives each thread one whole block); skipping words never changes the draws' statistics.
     */
    public PhiloxStream alignToBlock() {
        offset = Math.addExact(offset, 3) & ~3L;
        return this;
    }

    /** Reserves {@code words} words for a draw made elsewhere (e.g. on the GPU); returns the offset it starts at. */
    public long reserve(long words) {
        long start = offset;
        skip(words);
        return start;
    }

    public void nextUniform(float[] out, int off, int n, float lo, float hi) {
        Philox.fillUniform(out, off, n, seed, offset, lo, hi);
        offset += Philox.wordsUsedUniform(n);
    }

    /** Fills all of {@code out} with uniforms in [0, 1). */
    public void nextUniform(float[] out) {
        nextUniform(out, 0, out.length, 0f, 1f);
    }

    public void nextUniform(double[] out, int off, int n, double lo, double hi) {
        Philox.fillUniform(out, off, n, seed, offset, lo, hi);
        offset += Philox.wordsUsedUniformDouble(n);
    }

    public void nextNormal(float[] out, int off, int n, float mean, float std) {
        Philox.fillNormal(out, off, n, seed, offset, mean, std);
        offset += Philox.wordsUsedNormal(n);
    }

    /** Fills all of {@code out} with standard normals. */
    public void nextNormal(float[] out) {
        nextNormal(out, 0, out.length, 0f, 1f);
    }

    public void nextNormal(double[] out, int off, int n, double mean, double std) {
        Philox.fillNormal(out, off, n, seed, offset, mean, std);
        offset += Philox.wordsUsedNormal(n);
    }

    public void nextInts(int[] out, int off, int n, int bound) {
        Philox.fillInts(out, off, n, seed, offset, bound);
        offset += Philox.wordsUsedInts(n);
    }

    public void nextCategorical(int[] out, int off, int rows, int cats, float[] p, int pOff, boolean logits) {
        Philox.fillCategorical(out, off, rows, cats, p, pOff, logits, seed, offset);
        offset += Philox.wordsUsedCategorical(rows);
    }

    /** One uniform float in [0, 1) (one word). */
    public float nextFloat() {
        return Philox.uniformFloat(Philox.word(seed, offset++));
    }

    @Override
    public String toString() {
        return "PhiloxStream[seed=" + seed + ", offset=" + offset + "]";
    }
}
