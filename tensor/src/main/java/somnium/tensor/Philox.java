package somnium.tensor;

import java.util.Objects;

/**
 * Counter-based random numbers: Philox4x32-10 (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy
 * as 1, 2, 3", SC 2011), written so that a CUDA kernel reproduces the same numbers bit for bit.
 *
 * <p>There is no hidden state: every number is a pure function of {@code (seed, word index)}. A draw of
 * {@code n} values that starts at stream position {@code offset} reads the words {@code offset,
 * offset + 1, ...}; the caller advances its offset by the matching {@code wordsUsed*} count (or lets
 * {@link Rng} do it). The full contract, with a CUDA sketch, is in {@code docs/random.md}.
 *
 * <h2>Stream layout (the contract the CUDA side implements)</h2>
 * <ul>
 *   <li><b>Key</b>: {@code k0 = (int) seed} (low 32 bits), {@code k1 = (int) (seed >>> 32)} (high 32 bits).</li>
 *   <li><b>Word {@code w}</b> (a 64-bit index, {@code 0 <= w < 2^63}): let {@code b = w >>> 2}; run one
 *       Philox4x32-10 block on the counter {@code (c0, c1, c2, c3) = ((int) b, (int) (b >>> 32), 0, 0)} with
 *       the key {@code (k0, k1)}; the word is output lane {@code w & 3}. ({@code c2, c3} are zero, reserved
 *       for a future stream id.) By cuRAND's documented conventions this should be the first word after
 *       {@code curand_init(seed, 0, w)} (not checked on a GPU).</li>
 *   <li><b>Element {@code i}</b> of a draw starting at {@code offset} uses the words listed per method below,
 *       always counted from {@code offset} (not from an absolute block boundary), so a draw at any offset is
 *       the tail of the same draw from an earlier offset shifted by whole elements. Below, "word {@code k}" of a
 *       draw means stream word {@code offset + k}.</li>
 *   <li><b>Uniform float</b> (1 word): {@code u = (word >>> 8) * 2^-24}, in [0, 1): 0 occurs (probability
 *       2^-24), 1 never does; the result is {@code lo + (hi - lo) * u} in float with separate roundings (no
 *       FMA; CUDA: {@code __fadd_rn(lo, __fmul_rn(hi - lo, u))}). Rounding can make it equal {@code hi}
 *       when {@code |lo|} is large compared with {@code hi - lo}; for (0, 1) it is exactly {@code u}.</li>
 *   <li><b>Uniform double</b> (2 words {@code 2i, 2i+1}): {@code u = ((a >>> 5) * 2^26 + (b >>> 6)) * 2^-53}
 *       with {@code a} word {@code 2i}, {@code b} word {@code 2i+1}, in [0, 1) (0 possible, 1 not), then
 *       {@code lo + (hi - lo) * u} in double, unfused.</li>
 *   <li><b>Normal</b> (Box–Muller, 2 words per pair, float and double alike): pair {@code j} reads
 *       {@code a} = word {@code 2j}, {@code b} = word {@code 2j+1}; in <i>double</i>:
 *       {@code u1 = (unsigned(a) + 1) * 2^-32} in (0, 1], {@code u2 = unsigned(b) * 2^-32} in [0, 1),
 *       {@code r = sqrt(-2 * log(u1))}, {@code t = (2 * PI) * u2}, {@code z0 = r * cos(t)},
 *       {@code z1 = r * sin(t)}. Element {@code 2j} is {@code z0}, element {@code 2j+1} is {@code z1}; an odd
 *       {@code n} still consumes the last pair's two words and drops its {@code z1}. Float output:
 *       {@code mean + std * (float) z} in float, unfused; double output: {@code mean + std * z}, unfused.
 *       |z| is at most sqrt(64 ln 2) = 6.66. CPU and GPU then differ only by the last-ulp behaviour of
 *       log/cos/sin in double, which almost never survives the rounding to float.</li>
 *   <li><b>Ints in [0, bound)</b> (2 words): {@code x = (unsigned(word 2i+1) << 32) | unsigned(word 2i)},
 *       result {@code floor(x * bound / 2^64)} (the high 64 bits of the 128-bit product; CUDA
 *       {@code __umul64hi(x, bound)}). Each value's probability is within a factor {@code 1 +- bound / 2^64}
 *       (at most 2^-33) of {@code 1 / bound}: negligible, and the word count is fixed (no rejection loop),
 *       which keeps elements independent of one another.</li>
 *   <li><b>Categorical</b> (1 word per row): {@code u = unsigned(word r) * 2^-32} in double; weights
 *       {@code w_c = p_c} (probabilities, need not be normalized) or {@code w_c = exp(l_c - max_c l_c)}
 *       (logits), all in double; {@code total = w_0 + w_1 + ...} summed left to right; the sample is the
 *       smallest {@code c} whose left-to-right running sum is {@code > u * total} (zero-weight categories are
 *       never chosen; if rounding leaves none, the last positive-weight category).</li>
 * </ul>
 *
 * <p>The fill methods allocate nothing per call: they use one small per-thread scratch and compute two
 * consecutive Philox blocks at a time (interleaved, for instruction-level parallelism) per eight words. They
 * are single-threaded; callers parallelize by splitting a draw into ranges with matching offsets.
 */
public final class Philox {
    private Philox() {}

    /** Rounds of the Philox4x32 bijection (the "-10"). */
    public static final int ROUNDS = 10;
    /** Round multipliers (Random123's PHILOX_M4x32_0 and _1). */
    public static final int M0 = 0xD2511F53, M1 = 0xCD9E8D57;
    /** Key schedule increments, the Weyl sequence (golden ratio and sqrt(3) - 1 in 32 bits). */
    public static final int W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    private static final long MASK = 0xFFFF_FFFFL;
    private static final long M0L = M0 & MASK, M1L = M1 & MASK;
    private static final double TWO_PI = 2.0 * Math.PI;

    /**
     * One Philox4x32-10 block: encrypts the 128-bit counter {@code (c0, c1, c2, c3)} under the 64-bit key
     * {@code (k0, k1)} and writes the four output words to {@code out4[0..3]}. All values are uint32 held in
     * int. Each round: {@code (hi0, lo0) = M0 * c0}, {@code (hi1, lo1) = M1 * c2} (full 64-bit products),
     * new counter {@code (hi1 ^ c1 ^ k0, lo1, hi0 ^ c3 ^ k1, lo0)}; the key gains {@code (W0, W1)} between
     * rounds (nine bumps for ten rounds).
     */
    public static void block(int c0, int c1, int c2, int c3, int k0, int k1, int[] out4) {
        int x0 = c0, x1 = c1, x2 = c2, x3 = c3;
        for (int r = 0; r < ROUNDS; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long p0 = M0L * (x0 & MASK); // < 2^64: exact modulo 2^64, high half read with >>>
            long p1 = M1L * (x2 & MASK);
            int y0 = (int) (p1 >>> 32) ^ x1 ^ k0;
            int y1 = (int) p1;
            int y2 = (int) (p0 >>> 32) ^ x3 ^ k1;
            int y3 = (int) p0;
            x0 = y0;
            x1 = y1;
            x2 = y2;
            x3 = y3;
        }
        out4[0] = x0;
        out4[1] = x1;
        out4[2] = x2;
        out4[3] = x3;
    }

    /** Word {@code w} of the stream of {@code seed} (one block per call; for tests and single draws). */
    public static int word(long seed, long w) {
        checkWord(w);
        Cursor c = CURSOR.get();
        c.reset(seed);
        return c.word(w);
    }

    // ---- conversions from words (public so kernels' tests can use the same definitions) ----

    /** Uniform float in [0, 1) from one word: {@code (word >>> 8) * 2^-24}; 0 can occur, 1 cannot. */
    public static float uniformFloat(int word) {
        return (word >>> 8) * 0x1.0p-24f;
    }

    /** Uniform float in (0, 1] from one word: {@code ((word >>> 8) + 1) * 2^-24}; safe to take the log of. */
    public static float uniformFloatPositive(int word) {
        return ((word >>> 8) + 1) * 0x1.0p-24f;
    }

    /** Uniform double in [0, 1) from two words, 53 bits: {@code ((a >>> 5) * 2^26 + (b >>> 6)) * 2^-53}. */
    public static double uniformDouble(int a, int b) {
        return ((long) (a >>> 5) * (1L << 26) + (b >>> 6)) * 0x1.0p-53;
    }

    /** Uniform double in [0, 1) from one word with 32 bits: {@code unsigned(word) * 2^-32}. */
    public static double uniformDouble32(int word) {
        return (word & MASK) * 0x1.0p-32;
    }

    /** Box–Muller radius {@code sqrt(-2 ln u1)} with {@code u1 = (unsigned(a) + 1) * 2^-32} in (0, 1]. */
    public static double boxMullerRadius(int a) {
        double u1 = ((a & MASK) + 1) * 0x1.0p-32;
        return Math.sqrt(-2.0 * Math.log(u1));
    }

    /** Box–Muller angle {@code (2 pi) * u2} with {@code u2 = unsigned(b) * 2^-32} in [0, 1). */
    public static double boxMullerAngle(int b) {
        return TWO_PI * ((b & MASK) * 0x1.0p-32);
    }

    /** Uniform int in [0, bound) from two words: high 64 bits of {@code ((unsigned(b) << 32) | unsigned(a)) * bound}. */
    public static int uniformInt(int a, int b, int bound) {
        long x = ((long) b << 32) | (a & MASK);
        // Unsigned high product: the signed one plus bound when x's top bit is set (bound > 0).
        return (int) (Math.multiplyHigh(x, bound) + ((x >> 63) & bound));
    }

    // ---- words consumed, so callers know how far to advance the offset ----

    /** Words used by {@link #fillUniform(float[], int, int, long, long, float, float)}: one per element. */
    public static long wordsUsedUniform(int n) {
        return checkN(n);
    }

    /** Words used by {@link #fillUniform(double[], int, int, long, long, double, double)}: two per element. */
    public static long wordsUsedUniformDouble(int n) {
        return 2L * checkN(n);
    }

    /** Words used by either fillNormal: two per pair of elements, an odd n rounded up ({@code n + (n & 1)}). */
    public static long wordsUsedNormal(int n) {
        return checkN(n) + (n & 1);
    }

    /** Words used by {@link #fillInts}: two per element. */
    public static long wordsUsedInts(int n) {
        return 2L * checkN(n);
    }

    /** Words used by {@link #fillCategorical}: one per row. */
    public static long wordsUsedCategorical(int rows) {
        return checkN(rows);
    }

    // ---- fills ----

    /** {@code out[off + i] = lo + (hi - lo) * uniformFloat(word(offset + i))} for i in [0, n). */
    public static void fillUniform(float[] out, int off, int n, long seed, long offset, float lo, float hi) {
        check(out.length, off, n, offset, wordsUsedUniform(n));
        Cursor c = CURSOR.get();
        c.reset(seed);
        float range = hi - lo;
        for (int i = 0; i < n; i++) {
            float u = uniformFloat(c.word(offset + i));
            out[off + i] = lo + range * u;
        }
    }

    /** {@code out[off + i] = lo + (hi - lo) * uniformDouble(word(offset + 2i), word(offset + 2i + 1))}. */
    public static void fillUniform(double[] out, int off, int n, long seed, long offset, double lo, double hi) {
        check(out.length, off, n, offset, wordsUsedUniformDouble(n));
        Cursor c = CURSOR.get();
        c.reset(seed);
        double range = hi - lo;
        for (int i = 0; i < n; i++) {
            long w = offset + 2L * i;
            double u = uniformDouble(c.word(w), c.word(w + 1));
            out[off + i] = lo + range * u;
        }
    }

    /** Normal(mean, std) floats by Box–Muller on word pairs (see the class comment for the exact formula). */
    public static void fillNormal(float[] out, int off, int n, long seed, long offset, float mean, float std) {
        check(out.length, off, n, offset, wordsUsedNormal(n));
        Cursor c = CURSOR.get();
        c.reset(seed);
        for (int i = 0; i < n; i += 2) {
            long w = offset + i; // pair i/2 starts at word offset + i
            double r = boxMullerRadius(c.word(w));
            double t = boxMullerAngle(c.word(w + 1));
            out[off + i] = mean + std * (float) (r * Math.cos(t));
            if (i + 1 < n) out[off + i + 1] = mean + std * (float) (r * Math.sin(t));
        }
    }

    /** Normal(mean, std) doubles: the same z values as the float variant, kept in double. */
    public static void fillNormal(double[] out, int off, int n, long seed, long offset, double mean, double std) {
        check(out.length, off, n, offset, wordsUsedNormal(n));
        Cursor c = CURSOR.get();
        c.reset(seed);
        for (int i = 0; i < n; i += 2) {
            long w = offset + i;
            double r = boxMullerRadius(c.word(w));
            double t = boxMullerAngle(c.word(w + 1));
            out[off + i] = mean + std * (r * Math.cos(t));
            if (i + 1 < n) out[off + i + 1] = mean + std * (r * Math.sin(t));
        }
    }

    /** Uniform ints in [0, bound), {@code bound >= 1}, two words each (64-bit multiply-shift, see the class comment). */
    public static void fillInts(int[] out, int off, int n, long seed, long offset, int bound) {
        if (bound < 1) throw new IllegalArgumentException("bound must be >= 1, got " + bound);
        check(out.length, off, n, offset, wordsUsedInts(n));
        Cursor c = CURSOR.get();
        c.reset(seed);
        for (int i = 0; i < n; i++) {
            long w = offset + 2L * i;
            out[off + i] = uniformInt(c.word(w), c.word(w + 1), bound);
        }
    }

    /**
     * One category per row by inverse CDF on one uniform per row. {@code p} holds {@code rows x cats} values
     * row-major from {@code pOff}: probabilities (non-negative, finite, not necessarily normalized, positive sum)
     * when {@code logits} is false, else logits (no NaN or +inf; -inf means probability zero; at least one finite
     * per row). Row r reads word {@code offset + r}. Throws IllegalArgumentException naming the row on bad input.
     */
    public static void fillCategorical(int[] out, int off, int rows, int cats, float[] p, int pOff,
                                       boolean logits, long seed, long offset) {
        if (cats < 1) throw new IllegalArgumentException("cats must be >= 1, got " + cats);
        check(out.length, off, rows, offset, wordsUsedCategorical(rows));
        long size = (long) rows * cats;
        if (pOff < 0 || size > p.length - (long) pOff) {
            throw new IndexOutOfBoundsException("rows x cats = " + rows + " x " + cats + " from " + pOff
                    + " exceeds the " + p.length + " values given");
        }
        Cursor cur = CURSOR.get();
        cur.reset(seed);
        for (int r = 0; r < rows; r++) {
            int base = pOff + r * cats;
            double max = 0; // subtracted from logits only
            double total = 0;
            if (logits) {
                max = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < cats; c++) {
                    float l = p[base + c];
                    if (Float.isNaN(l) || l == Float.POSITIVE_INFINITY) {
                        throw new IllegalArgumentException("row " + r + ": logit " + c + " is " + l);
                    }
                    max = Math.max(max, l);
                }
                if (max == Double.NEGATIVE_INFINITY) {
                    throw new IllegalArgumentException("row " + r + ": all " + cats + " logits are -inf");
                }
                for (int c = 0; c < cats; c++) total += Math.exp(p[base + c] - max);
            } else {
                for (int c = 0; c < cats; c++) {
                    float q = p[base + c];
                    if (!(q >= 0) || q == Float.POSITIVE_INFINITY) {
                        throw new IllegalArgumentException("row " + r + ": probability " + c + " is " + q);
                    }
                    total += q;
                }
                if (!(total > 0) || total == Double.POSITIVE_INFINITY) {
                    throw new IllegalArgumentException("row " + r + ": probabilities sum to " + total);
                }
            }
            double target = uniformDouble32(cur.word(offset + r)) * total;
            double cum = 0;
            int pick = -1, lastPositive = -1;
            for (int c = 0; c < cats; c++) {
                double wc = logits ? Math.exp(p[base + c] - max) : p[base + c];
                if (wc > 0) lastPositive = c;
                cum += wc;
                if (cum > target) {
                    pick = c;
                    break;
                }
            }
            out[off + r] = pick >= 0 ? pick : lastPositive;
        }
    }

    // ---- internals ----

    /**
     * Two consecutive blocks, {@code 2 * pair} and {@code 2 * pair + 1} (counters differing only in c0's low
     * bit), computed interleaved: one block is a chain of dependent multiplies, so two independent chains run
     * about twice as fast as one. Writes words {@code 8 * pair .. 8 * pair + 7} of the stream to out8. Same
     * arithmetic as {@link #block}, which the tests check it against.
     */
    static void blockPair(long pair, int k0, int k1, int[] out8) {
        long b = pair << 1;
        int a0 = (int) b, a1 = (int) (b >>> 32), a2 = 0, a3 = 0;
        int d0 = a0 | 1, d1 = a1, d2 = 0, d3 = 0;
        for (int r = 0; r < ROUNDS; r++) {
            if (r > 0) {
                k0 += W0;
                k1 += W1;
            }
            long pa0 = M0L * (a0 & MASK), pa1 = M1L * (a2 & MASK);
            long pd0 = M0L * (d0 & MASK), pd1 = M1L * (d2 & MASK);
            a0 = (int) (pa1 >>> 32) ^ a1 ^ k0;
            a2 = (int) (pa0 >>> 32) ^ a3 ^ k1;
            a1 = (int) pa1;
            a3 = (int) pa0;
            d0 = (int) (pd1 >>> 32) ^ d1 ^ k0;
            d2 = (int) (pd0 >>> 32) ^ d3 ^ k1;
            d1 = (int) pd1;
            d3 = (int) pd0;
        }
        out8[0] = a0;
        out8[1] = a1;
        out8[2] = a2;
        out8[3] = a3;
        out8[4] = d0;
        out8[5] = d1;
        out8[6] = d2;
        out8[7] = d3;
    }

    /** A per-thread cache of eight words (two blocks): recomputed only when a word falls outside them. */
    private static final class Cursor {
        final int[] out = new int[8];
        long pair = -1; // index of the block pair held in out, -1 for none (valid indices are < 2^60)
        int k0, k1;

        void reset(long seed) {
            k0 = (int) seed;
            k1 = (int) (seed >>> 32);
            pair = -1;
        }

        int word(long w) {
            long p = w >>> 3;
            if (p != pair) {
                blockPair(p, k0, k1, out);
                pair = p;
            }
            return out[(int) w & 7];
        }
    }

    private static final ThreadLocal<Cursor> CURSOR = ThreadLocal.withInitial(Cursor::new);

    private static int checkN(int n) {
        if (n < 0) throw new IllegalArgumentException("count must be >= 0, got " + n);
        return n;
    }

    private static void checkWord(long w) {
        if (w < 0) throw new IllegalArgumentException("word index must be >= 0, got " + w);
    }

    private static void check(int length, int off, int n, long offset, long words) {
        Objects.checkFromIndexSize(off, n, length);
        if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, got " + offset);
        if (offset > Long.MAX_VALUE - words) {
            throw new IllegalArgumentException("offset " + offset + " + " + words + " words overflows the stream");
        }
    }
}
