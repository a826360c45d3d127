package somnium.kernels.reference;

import somnium.tensor.Philox;

/**
 * CPU references of random.cu's fused sampling kernels, built on {@link Philox} so the random bits are the
 * CPU backend's: reparameterized Normal sampling and categorical sampling with unimix and a straight-through
 * gradient (DreamerV2/V3 latents). {@code SamplingReferenceTest} checks them against Tensor composites.
 */
public final class SamplingReference {
    private SamplingReference() {}

    /**
     * z = mu + s * eps with s = sigma (or exp(sigma) when logSigma) and eps the standard normals of a Philox draw of
     * n at (seed, offset) (words used: {@link Philox#wordsUsedNormal}); eps is written when not null.
     */
    public static void normalRsample(int n, float[] mu, float[] sigma, boolean logSigma, long seed, long offset,
                                     float[] z, float[] eps) {
        float[] e = eps != null ? eps : new float[n];
        Philox.fillNormal(e, 0, n, seed, offset, 0f, 1f);
        for (int i = 0; i < n; i++) {
            float s = logSigma ? (float) Math.exp(sigma[i]) : sigma[i];
            z[i] = mu[i] + s * e[i];
        }
    }

    /** dmu = dz; dsigma = dz * eps (times exp(sigma) when logSigma), eps regenerated from (seed, offset). */
    public static void normalRsampleBackward(int n, float[] dz, float[] sigma, boolean logSigma, long seed, long offset,
                                             float[] dmu, float[] dsigma) {
        float[] e = new float[n];
        Philox.fillNormal(e, 0, n, seed, offset, 0f, 1f);
        for (int i = 0; i < n; i++) {
            if (dmu != null) dmu[i] = dz[i];
            float d = dz[i] * e[i];
            if (logSigma) d *= (float) Math.exp(sigma[i]);
            dsigma[i] = d;
        }
    }

    /** The unimix probabilities of one row: (1 - unimix) softmax(l) + unimix / C, float, in the kernel's order. */
    public static void unimixProbs(int rows, int c, float[] logits, float unimix, float[] probs) {
        for (int r = 0; r < rows; r++) {
            int o = r * c;
            float m = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) m = Math.max(m, logits[o + k]);
            float s = 0;
            for (int k = 0; k < c; k++) s += (float) Math.exp(logits[o + k] - m);
            float keep = 1f - unimix, floor = unimix / c;
            for (int k = 0; k < c; k++) probs[o + k] = keep * ((float) Math.exp(logits[o + k] - m) / s) + floor;
        }
    }

    /**
     * Samples one category per row from the unimix probabilities with {@link Philox#fillCategorical} (one word per
     * row at offset + r), writes the one-hot rows, the probabilities and the indices.
     */
    public static void categoricalSt(int rows, int c, float[] logits, float unimix, long seed, long offset,
                                     float[] onehot, float[] probs, int[] index) {
        unimixProbs(rows, c, logits, unimix, probs);
        Philox.fillCategorical(index, 0, rows, c, probs, 0, false, seed, offset);
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < c; k++) onehot[r * c + k] = k == index[r] ? 1f : 0f;
    }

    /**
     * The straight-through gradient (forward value onehot + p - stopgrad(p)) with respect to the logits:
     * dlogits = (1 - unimix) q (dout - sum q dout), q = softmax(logits).
     */
    public static void categoricalStBackward(int rows, int c, float[] logits, float unimix, float[] dout, float[] dlogits) {
        for (int r = 0; r < rows; r++) {
            int o = r * c;
            float m = Float.NEGATIVE_INFINITY;
            for (int k = 0; k < c; k++) m = Math.max(m, logits[o + k]);
            float s = 0;
            for (int k = 0; k < c; k++) s += (float) Math.exp(logits[o + k] - m);
            float dot = 0;
            for (int k = 0; k < c; k++) dot += ((float) Math.exp(logits[o + k] - m) / s) * dout[o + k];
            for (int k = 0; k < c; k++) {
                float q = (float) Math.exp(logits[o + k] - m) / s;
                dlogits[o + k] = (1f - unimix) * (q * (dout[o + k] - dot));
            }
        }
    }
}
