package somnium.kernels.reference;

/**
 * CPU reference of gru.cu (the fused pointwise GRU cell, gate order r, z, n), on row-major float arrays, in the
 * kernel's order of operations. {@code GruCellReferenceTest} checks it against the composite of Tensor ops
 * (matmul, chunk, sigmoid, tanh) and its backward against finite differences.
 */
public final class GruCellReference {
    private GruCellReference() {}

    static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }

    /**
     * gi, gh [B, 3H] (x W_ih^T and h W_hh^T without biases), bih, bhh [3H] or null, h [B, H] -> hy [B, H];
     * ws [B, 5H] = [r, z, n, h, hn] when not null.
     */
    public static void forward(int batch, int hidden, float[] gi, float[] gh, float[] bih, float[] bhh, float[] h,
                               float[] hy, float[] ws) {
        int H = hidden;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < H; j++) {
                int g = b * 3 * H;
                float ir = gi[g + j], iz = gi[g + H + j], in = gi[g + 2 * H + j];
                float hr = gh[g + j], hz = gh[g + H + j], hn = gh[g + 2 * H + j];
                if (bih != null) { ir += bih[j]; iz += bih[H + j]; in += bih[2 * H + j]; }
                if (bhh != null) { hr += bhh[j]; hz += bhh[H + j]; hn += bhh[2 * H + j]; }
                float r = sigmoid(ir + hr);
                float z = sigmoid(iz + hz);
                float n = (float) Math.tanh(in + r * hn);
                float hp = h[b * H + j];
                hy[b * H + j] = (1f - z) * n + z * hp;
                if (ws != null) {
                    int w = b * 5 * H;
                    ws[w + j] = r; ws[w + H + j] = z; ws[w + 2 * H + j] = n; ws[w + 3 * H + j] = hp; ws[w + 4 * H + j] = hn;
                }
            }
        }
    }

    /** dhy [B, H] and ws -> dgi, dgh [B, 3H] (gate gradients before the GEMMs) and dh [B, H] (the direct dhy * z). */
    public static void backward(int batch, int hidden, float[] dhy, float[] ws, float[] dgi, float[] dgh, float[] dh) {
        int H = hidden;
        for (int b = 0; b < batch; b++) {
            for (int j = 0; j < H; j++) {
                int w = b * 5 * H, g = b * 3 * H, i = b * H + j;
                float r = ws[w + j], z = ws[w + H + j], n = ws[w + 2 * H + j], hp = ws[w + 3 * H + j], hn = ws[w + 4 * H + j];
                float gy = dhy[i];
                float dn = gy * (1f - z);
                float dz = gy * (hp - n);
                float dnp = dn * (1f - n * n);
                float dzp = dz * z * (1f - z);
                float drp = dnp * hn * r * (1f - r);
                dgi[g + j] = drp; dgi[g + H + j] = dzp; dgi[g + 2 * H + j] = dnp;
                dgh[g + j] = drp; dgh[g + H + j] = dzp; dgh[g + 2 * H + j] = dnp * r;
                if (dh != null) dh[i] = gy * z;
            }
        }
    }
}
