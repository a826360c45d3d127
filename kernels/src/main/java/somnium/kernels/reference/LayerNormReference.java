package somnium.kernels.reference;

/**
 * CPU reference of layernorm.cu: LayerNorm over the last axis of x [rows, D], forward (saving mean and rstd) and
 * backward. Float, two-pass variance. {@code LayerNormReferenceTest} checks it against Tensor composites and
 * finite differences.
 */
public final class LayerNormReference {
    private LayerNormReference() {}

    /** y = (x - mean) * rstd * gamma + beta; gamma / beta may be null; mean / rstd [rows] may be null. */
    public static void forward(int rows, int d, float eps, float[] x, float[] gamma, float[] beta, float[] y,
                               float[] mean, float[] rstd) {
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            float s = 0;
            for (int i = 0; i < d; i++) s += x[o + i];
            float m = s / d;
            float q = 0;
            for (int i = 0; i < d; i++) { float t = x[o + i] - m; q += t * t; }
            float rs = (float) (1.0 / Math.sqrt(q / d + eps));
            for (int i = 0; i < d; i++) {
                float v = (x[o + i] - m) * rs;
                if (gamma != null) v *= gamma[i];
                if (beta != null) v += beta[i];
                y[o + i] = v;
            }
            if (mean != null) mean[r] = m;
            if (rstd != null) rstd[r] = rs;
        }
    }

    /** dx = rstd (g - mean(g) - xhat mean(g xhat)), g = dy gamma; dgamma = sum dy xhat; dbeta = sum dy (nullable). */
    public static void backward(int rows, int d, float[] dy, float[] x, float[] mean, float[] rstd, float[] gamma,
                                float[] dx, float[] dgamma, float[] dbeta) {
        if (dgamma != null) java.util.Arrays.fill(dgamma, 0, d, 0f);
        if (dbeta != null) java.util.Arrays.fill(dbeta, 0, d, 0f);
        for (int r = 0; r < rows; r++) {
            int o = r * d;
            float m = mean[r], rs = rstd[r];
            float a = 0, b = 0;
            for (int i = 0; i < d; i++) {
                float g = gamma != null ? dy[o + i] * gamma[i] : dy[o + i];
                float xh = (x[o + i] - m) * rs;
                a += g;
                b += g * xh;
            }
            float mg = a / d, mgx = b / d;
            for (int i = 0; i < d; i++) {
                float g = gamma != null ? dy[o + i] * gamma[i] : dy[o + i];
                float xh = (x[o + i] - m) * rs;
                if (dx != null) dx[o + i] = rs * (g - mg - xh * mgx);
                if (dgamma != null) dgamma[i] += dy[o + i] * xh;
                if (dbeta != null) dbeta[i] += dy[o + i];
            }
        }
    }
}
