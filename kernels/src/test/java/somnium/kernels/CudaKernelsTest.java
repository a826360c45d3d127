package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static somnium.kernels.Gpu.close;
import static somnium.kernels.Gpu.exact;
import static somnium.kernels.Gpu.gpu;
import static somnium.kernels.Gpu.rand;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import somnium.kernels.reference.CemReference;
import somnium.kernels.reference.GruCellReference;
import somnium.kernels.reference.LambdaReturnReference;
import somnium.kernels.reference.LayerNormReference;
import somnium.kernels.reference.SamplingReference;
import somnium.tensor.DType;
import somnium.tensor.Philox;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/** Every fused kernel of {@link CudaKernels} against its CPU reference. Skipped where no CUDA device is usable. */
class CudaKernelsTest {
    CudaKernels k;

    @BeforeEach
    void needsCuda() {
        Gpu.assumeCuda();
        k = CudaKernels.on(Gpu.CUDA);
    }

    static Tensor empty(DType dt, int... dims) {
        return Tensor.empty(dt, Shape.of(dims), Gpu.CUDA);
    }

    static Tensor empty(int... dims) {
        return empty(DType.F32, dims);
    }

    @Test
    void philoxWordsAndIntsAreBitExact() {
        for (long offset : new long[] {0, 1, 2, 3, 5, (1L << 33) + 3}) {
            Tensor w = empty(DType.I32, 1000);
            k.philoxWords(1234567890123L, offset, w);
            int[] got = w.toIntArray();
            for (int i = 0; i < got.length; i++) assertEquals(Philox.word(1234567890123L, offset + i), got[i], "word " + (offset + i));
            Tensor ints = empty(DType.I32, 777);
            k.philoxInts(99, offset, 1_000_003, ints);
            int[] want = new int[777];
            Philox.fillInts(want, 0, 777, 99, offset, 1_000_003);
            assertArrayEquals(want, ints.toIntArray(), "ints at offset " + offset);
        }
    }

    @Test
    void gruCellForwardAndBackwardMatchReference() {
        int b = 50, h = 200;
        Tensor gi = rand(1, -2, 2, b, 3 * h), gh = rand(2, -2, 2, b, 3 * h), bih = rand(3, -0.5, 0.5, 3 * h), bhh = rand(4, -0.5, 0.5, 3 * h);
        Tensor hp = rand(5, -1, 1, b, h), dhy = rand(6, -1, 1, b, h);
        float[] hy = new float[b * h], ws = new float[b * 5 * h];
        GruCellReference.forward(b, h, gi.toFloatArray(), gh.toFloatArray(), bih.toFloatArray(), bhh.toFloatArray(), hp.toFloatArray(), hy, ws);
        Tensor ghy = empty(b, h), gws = empty(b, 5 * h);
        k.gruCellForward(gpu(gi), gpu(gh), gpu(bih), gpu(bhh), gpu(hp), ghy, gws);
        close(Tensor.of(hy, b, h), ghy, 1e-6, 1e-5, "hy");
        close(Tensor.of(ws, b, 5 * h), gws, 1e-6, 1e-5, "workspace");
        float[] dgi = new float[b * 3 * h], dgh = new float[b * 3 * h], dh = new float[b * h];
        GruCellReference.backward(b, h, dhy.toFloatArray(), ws, dgi, dgh, dh);
        Tensor gdgi = empty(b, 3 * h), gdgh = empty(b, 3 * h), gdh = empty(b, h);
        k.gruCellBackward(gpu(dhy), gpu(Tensor.of(ws, b, 5 * h)), gdgi, gdgh, gdh);
        close(Tensor.of(dgi, b, 3 * h), gdgi, 1e-6, 1e-5, "dgi");
        close(Tensor.of(dgh, b, 3 * h), gdgh, 1e-6, 1e-5, "dgh");
        close(Tensor.of(dh, b, h), gdh, 1e-6, 1e-5, "dh");
        Tensor noBias = empty(b, h);
        k.gruCellForward(gpu(gi), gpu(gh), null, null, gpu(hp), noBias, null);
        GruCellReference.forward(b, h, gi.toFloatArray(), gh.toFloatArray(), null, null, hp.toFloatArray(), hy, null);
        close(Tensor.of(hy, b, h), noBias, 1e-6, 1e-5, "hy without biases");
    }

    @Test
    void layerNormMatchesReference() {
        int rows = 37, d = 600;
        Tensor x = rand(7, -3, 3, rows, d), g = rand(8, 0.5, 1.5, d), be = rand(9, -0.5, 0.5, d), dy = rand(10, -1, 1, rows, d);
        float[] y = new float[rows * d], m = new float[rows], rs = new float[rows];
        LayerNormReference.forward(rows, d, 1e-5f, x.toFloatArray(), g.toFloatArray(), be.toFloatArray(), y, m, rs);
        Tensor gy = empty(rows, d), gm = empty(rows), grs = empty(rows);
        k.layerNormForward(gpu(x), gpu(g), gpu(be), 1e-5, gy, gm, grs);
        close(Tensor.of(y, rows, d), gy, 1e-5, 1e-5, "y");
        close(Tensor.of(rs, rows), grs, 1e-6, 1e-5, "rstd");
        float[] dx = new float[rows * d], dg = new float[d], db = new float[d];
        LayerNormReference.backward(rows, d, dy.toFloatArray(), x.toFloatArray(), m, rs, g.toFloatArray(), dx, dg, db);
        Tensor gdx = empty(rows, d), gdg = empty(d), gdb = empty(d);
        k.layerNormBackward(gpu(dy), gpu(x), gm, grs, gpu(g), gdx, gdg, gdb);
        close(Tensor.of(dx, rows, d), gdx, 1e-5, 1e-4, "dx");
        close(Tensor.of(dg, d), gdg, 1e-4, 1e-4, "dgamma");
        close(Tensor.of(db, d), gdb, 1e-5, 1e-5, "dbeta");
    }

    @Test
    void rsampleMatchesReference() {
        int n = 1001;
        Tensor mu = rand(11, -1, 1, n), sg = rand(12, -1, 1, n), dz = rand(13, -1, 1, n);
        for (boolean log : new boolean[] {false, true}) {
            Tensor s = log ? sg : sg.abs().add(0.1);
            float[] z = new float[n], eps = new float[n];
            SamplingReference.normalRsample(n, mu.toFloatArray(), s.toFloatArray(), log, 77, 5, z, eps);
            Tensor gz = empty(n), geps = empty(n);
            k.normalRsample(gpu(mu), gpu(s), log, 77, 5, gz, geps);
            close(Tensor.of(eps, n), geps, 1e-6, 1e-6, "eps");
            close(Tensor.of(z, n), gz, 1e-6, 1e-5, "z log=" + log);
            float[] dmu = new float[n], ds = new float[n];
            SamplingReference.normalRsampleBackward(n, dz.toFloatArray(), s.toFloatArray(), log, 77, 5, dmu, ds);
            Tensor gdmu = empty(n), gds = empty(n);
            k.normalRsampleBackward(gpu(dz), gpu(s), log, 77, 5, gdmu, gds);
            exact(dz, gdmu, "dmu");
            close(Tensor.of(ds, n), gds, 1e-6, 1e-5, "dsigma log=" + log);
        }
    }

    @Test
    void categoricalStMatchesReference() {
        int rows = 32 * 50, c = 32;
        float unimix = 0.01f;
        Tensor logits = rand(14, -4, 4, rows, c), dout = rand(15, -1, 1, rows, c);
        Tensor oh = empty(rows, c), pr = empty(rows, c), ix = empty(DType.I32, rows);
        k.categoricalSt(gpu(logits), unimix, 31, 9, oh, pr, ix);
        float[] probs = new float[rows * c], ohw = new float[rows * c];
        int[] idx = new int[rows];
        SamplingReference.categoricalSt(rows, c, logits.toFloatArray(), unimix, 31, 9, ohw, probs, idx);
        close(Tensor.of(probs, rows, c), pr, 1e-7, 1e-5, "probs");
        // Given the GPU's own probabilities, the pick must be Philox.fillCategorical's exactly.
        int[] want = new int[rows];
        Philox.fillCategorical(want, 0, rows, c, pr.toFloatArray(), 0, false, 31, 9);
        assertArrayEquals(want, ix.toIntArray(), "picks");
        exact(Tensor.oneHot(Tensor.ofInts(want, rows), c), oh, "one-hot");
        float[] dl = new float[rows * c];
        SamplingReference.categoricalStBackward(rows, c, logits.toFloatArray(), unimix, dout.toFloatArray(), dl);
        Tensor gdl = empty(rows, c);
        k.categoricalStBackward(gpu(logits), unimix, gpu(dout), gdl);
        close(Tensor.of(dl, rows, c), gdl, 1e-7, 1e-4, "dlogits");
        Tensor bad = logits.copy();
        bad.set(Double.NaN, 3, 4);
        assertThrows(IllegalArgumentException.class, () -> k.categoricalSt(gpu(bad), unimix, 31, 9, oh, pr, ix));
    }

    @Test
    void cemSampleAndRefitMatchReference() {
        int e = 4, n = 1000, d = 12, kk = 100;
        Tensor mean = rand(16, -0.5, 0.5, e, d), std = rand(17, 0.2, 1, e, d);
        float[] cand = new float[e * n * d];
        CemReference.sample(e, n, d, mean.toFloatArray(), std.toFloatArray(), 5, 3, -1f, 1f, cand);
        Tensor gcand = empty(e, n, d);
        k.cemSample(gpu(mean), gpu(std), 5, 3, -1, 1, gcand);
        close(Tensor.of(cand, e, n, d), gcand, 1e-6, 1e-6, "candidates");
        Tensor scores = rand(18, -1, 1, e, n);
        float[] m = new float[e * d], s = new float[e * d];
        Tensor exactCand = gpu(Tensor.of(cand, e, n, d));
        int[] el = CemReference.refit(e, n, d, kk, cand, scores.toFloatArray(), m, s);
        Tensor gm = empty(e, d), gs = empty(e, d), gel = empty(DType.I32, e, kk);
        k.cemRefit(exactCand, gpu(scores), kk, gm, gs, gel, true, 6, 0, -1, 1);
        assertArrayEquals(el, gel.toIntArray(), "elites");
        exact(Tensor.of(m, e, d), gm, "refit mean (bit-exact)");
        exact(Tensor.of(s, e, d), gs, "refit std (bit-exact)");
        float[] next = new float[e * n * d];
        CemReference.sample(e, n, d, m, s, 6, 0, -1f, 1f, next);
        close(Tensor.of(next, e, n, d), exactCand, 1e-6, 1e-6, "resampled candidates in the same launch");
    }

    @Test
    void lambdaReturnIsBitExact() {
        int t = 15, b = 2500;
        float lambda = 0.95f;
        Tensor r = rand(19, -1, 1, t, b), d = rand(20, 0.9, 1, t, b), v = rand(21, -2, 2, t + 1, b), dret = rand(22, -1, 1, t, b);
        float[] ret = new float[t * b];
        LambdaReturnReference.forward(t, b, r.toFloatArray(), d.toFloatArray(), v.toFloatArray(), lambda, ret);
        Tensor gret = empty(t, b);
        k.lambdaReturn(gpu(r), gpu(d), gpu(v), lambda, gret);
        exact(Tensor.of(ret, t, b), gret, "returns");
        float[] dr = new float[t * b], dd = new float[t * b], dv = new float[(t + 1) * b];
        LambdaReturnReference.backward(t, b, dret.toFloatArray(), ret, d.toFloatArray(), v.toFloatArray(), lambda, dr, dd, dv);
        Tensor gdr = empty(t, b), gdd = empty(t, b), gdv = empty(t + 1, b);
        k.lambdaReturnBackward(gpu(dret), gret, gpu(d), gpu(v), lambda, gdr, gdd, gdv);
        exact(Tensor.of(dr, t, b), gdr, "dr");
        exact(Tensor.of(dd, t, b), gdd, "dd");
        exact(Tensor.of(dv, t + 1, b), gdv, "dv");
    }
}
