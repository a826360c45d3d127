package somnium.kernels.reference;

import somnium.tensor.Philox;

/**
 * CPU reference of cem.cu: the batched CEM step for E environments (candidates [E, N, D], scores [E, N], K elites,
 * mean / std [E, D]). Same arithmetic and order as the kernel (unfused float ops, sums in elite order), so the
 * refit matches the GPU bit for bit given the same candidates and scores. {@code CemReferenceTest} checks it
 * against Tensor composites (topk, indexSelect, mean, var).
 */
public final class CemReference {
    private CemReference() {}

    /** cand[e, n, d] = clamp(mean[e, d] + std[e, d] * eps_i, lo, hi), eps the Philox normals of E*N*D at (seed, offset). */
    public static void sample(int e, int n, int d, float[] mean, float[] std, long seed, long offset, float lo, float hi,
                              float[] cand) {
        int total = e * n * d;
        float[] eps = new float[total];
        Philox.fillNormal(eps, 0, total, seed, offset, 0f, 1f);
        for (int i = 0; i < total; i++) {
            int dd = i % d, ee = i / (n * d);
            float v = mean[ee * d + dd] + std[ee * d + dd] * eps[i];
            cand[i] = Math.min(Math.max(v, lo), hi);
        }
    }

    /** Indices of the K best scores of each environment, best first, ties to the lower index: [E, K]. */
    public static int[] elites(int e, int n, int k, float[] scores) {
        int[] out = new int[e * k];
        for (int ee = 0; ee < e; ee++) {
            long[] keys = new long[n];
            for (int i = 0; i < n; i++) {
                int b = Float.floatToIntBits(scores[ee * n + i]);
                long ord = b >= 0 ? b : b ^ 0x7fffffff;   // float order as a signed int (IndexOps.sortable)
                keys[i] = ((-ord - 1) << 32) | i;            // descending score, then ascending index
            }
            java.util.Arrays.sort(keys);
            for (int j = 0; j < k; j++) out[ee * k + j] = (int) (keys[j] & 0xffffffffL);
        }
        return out;
    }

    /** mean, std [E, D] from the K elites of each environment (biased std); returns the elite indices [E, K]. */
    public static int[] refit(int e, int n, int d, int k, float[] cand, float[] scores, float[] mean, float[] std) {
        int[] el = elites(e, n, k, scores);
        for (int ee = 0; ee < e; ee++) {
            for (int dd = 0; dd < d; dd++) {
                float sum = 0;
                for (int j = 0; j < k; j++) sum += cand[(ee * n + el[ee * k + j]) * d + dd];
                float m = sum / k;
                float sq = 0;
                for (int j = 0; j < k; j++) {
                    float dv = cand[(ee * n + el[ee * k + j]) * d + dd] - m;
                    sq += dv * dv;
                }
                mean[ee * d + dd] = m;
                std[ee * d + dd] = (float) Math.sqrt(sq / k);
            }
        }
        return el;
    }
}
