package somnium.kernels.reference;

import org.junit.jupiter.api.Test;
import somnium.tensor.Tensor;

/** GruCellReference against the GRU written with Tensor ops, and its backward against finite differences. */
class GruCellReferenceTest {
    static final int B = 3, I = 5, H = 4;

    @Test
    void forwardMatchesTensorComposite() {
        float[] x = Ref.randn(1, B * I), h = Ref.rand(2, B * H, -1, 1);
        float[] wih = Ref.rand(3, 3 * H * I, -0.5f, 0.5f), whh = Ref.rand(4, 3 * H * H, -0.5f, 0.5f);
        float[] bih = Ref.rand(5, 3 * H, -0.2f, 0.2f), bhh = Ref.rand(6, 3 * H, -0.2f, 0.2f);
        Tensor X = Tensor.of(x, B, I), Hh = Tensor.of(h, B, H);
        Tensor gi = X.matmul(Tensor.of(wih, 3 * H, I).t()), gh = Hh.matmul(Tensor.of(whh, 3 * H, H).t());
        // The composite: biases added, chunked into r, z, n; n = tanh(i_n + b_in + r * (h_n + b_hn)); h' = (1-z) n + z h.
        Tensor[] a = gi.add(Tensor.of(bih, 3 * H)).chunk(3, 1), c = gh.add(Tensor.of(bhh, 3 * H)).chunk(3, 1);
        Tensor r = a[0].add(c[0]).sigmoid(), z = a[1].add(c[1]).sigmoid();
        Tensor n = a[2].add(r.mul(c[2])).tanh();
        Tensor want = z.rsub(1).mul(n).add(z.mul(Hh));

        float[] hy = new float[B * H], ws = new float[B * 5 * H];
        GruCellReference.forward(B, H, gi.toFloatArray(), gh.toFloatArray(), bih, bhh, h, hy, ws);
        Ref.assertClose(want.toFloatArray(), hy, 1e-6, 1e-5, "hy");
        float[] wsR = new float[B * H], wsH = new float[B * H];
        for (int b = 0; b < B; b++)
            for (int j = 0; j < H; j++) { wsR[b * H + j] = ws[b * 5 * H + j]; wsH[b * H + j] = ws[b * 5 * H + 3 * H + j]; }
        Ref.assertClose(r.toFloatArray(), wsR, 1e-6, 1e-5, "saved r");
        Ref.assertClose(h, wsH, 0, 0, "saved h");
    }

    @Test
    void backwardMatchesFiniteDifferences() {
        float[] gi = Ref.randn(7, B * 3 * H), gh = Ref.randn(8, B * 3 * H), h = Ref.rand(9, B * H, -1, 1);
        float[] bih = Ref.rand(10, 3 * H, -0.3f, 0.3f), bhh = Ref.rand(11, 3 * H, -0.3f, 0.3f);
        float[] c = Ref.randn(12, B * H);   // loss = sum(c * h')
        float[] hy = new float[B * H], ws = new float[B * 5 * H];
        GruCellReference.forward(B, H, gi, gh, bih, bhh, h, hy, ws);
        float[] dgi = new float[B * 3 * H], dgh = new float[B * 3 * H], dh = new float[B * H];
        GruCellReference.backward(B, H, c, ws, dgi, dgh, dh);

        Ref.assertCloseGrad(Ref.numericGrad(gi, v -> loss(v, gh, bih, bhh, h, c), 1e-2f), dgi, 2e-3, 2e-2, "dgi");
        Ref.assertCloseGrad(Ref.numericGrad(gh, v -> loss(gi, v, bih, bhh, h, c), 1e-2f), dgh, 2e-3, 2e-2, "dgh");
        // The direct path of dh is dhy * z: the GEMM path (dgh W_hh) is the caller's, and gh is held fixed here.
        double[] num = Ref.numericGrad(h, v -> loss(gi, gh, bih, bhh, v, c), 1e-2f);
        Ref.assertCloseGrad(num, dh, 2e-3, 2e-2, "dh");
    }

    static double loss(float[] gi, float[] gh, float[] bih, float[] bhh, float[] h, float[] c) {
        float[] hy = new float[B * H];
        GruCellReference.forward(B, H, gi, gh, bih, bhh, h, hy, null);
        return Ref.dot(hy, c);
    }
}
