package somnium.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import somnium.tensor.cpu.Parallel;

class MatmulConvTest {
    private final Random r = new Random(4);

    private static double naiveMatmul(Tensor a, Tensor b, int[] outIdx) {
        int rank = outIdx.length;
        int i = outIdx[rank - 2], j = outIdx[rank - 1];
        int[] ai = new int[a.rank()], bi = new int[b.rank()];
        for (int d = 0; d < a.rank() - 2; d++) ai[d] = a.dim(d) == 1 ? 0 : outIdx[d + rank - a.rank()];
        for (int d = 0; d < b.rank() - 2; d++) bi[d] = b.dim(d) == 1 ? 0 : outIdx[d + rank - b.rank()];
        double s = 0;
        for (int p = 0; p < a.dim(-1); p++) {
            ai[a.rank() - 2] = i; ai[a.rank() - 1] = p;
            bi[b.rank() - 2] = p; bi[b.rank() - 1] = j;
            s += a.get(ai) * b.get(bi);
        }
        return s;
    }

    @Test
    void matmulShapesTransposesAndBatches() {
        int[][][] cases = {
                {{3, 4}, {4, 5}}, {{1, 7}, {7, 1}}, {{17, 33}, {33, 9}}, {{2, 5, 6}, {2, 6, 3}},
                {{2, 5, 6}, {6, 3}}, {{4, 1, 3, 2}, {5, 2, 7}}, {{50, 230}, {230, 60}}};
        for (int threads : new int[] {1, 2}) {
            Parallel.setThreads(threads);
            for (int[][] c : cases) {
                Tensor a = T.rand(r, c[0]), b = T.rand(r, c[1]);
                Tensor out = a.matmul(b);
                T.check(out, i -> naiveMatmul(a, b, i), 1e-4, "matmul " + a.shape() + " x " + b.shape());
                // Transposed views: A^T stored, B^T stored.
                Tensor at = a.transpose(-1, -2).contiguous().transpose(-1, -2);
                Tensor bt = b.transpose(-1, -2).contiguous().transpose(-1, -2);
                assertTrue(at.matmul(bt).allClose(out, 1e-4, 1e-4), "transposed operands " + a.shape());
                Tensor ad = a.toType(DType.F64), bd = b.toType(DType.F64);
                T.check(ad.matmul(bd), i -> naiveMatmul(ad, bd, i), 1e-12, "f64 matmul");
            }
            // Non-contiguous in a way GEMM cannot take directly (sliced columns with step 2).
            Tensor a = T.rand(r, 6, 10).slice(1, 0, 10, 2);
            Tensor b = T.rand(r, 5, 4);
            T.check(a.matmul(b), i -> naiveMatmul(a, b, i), 1e-4, "sliced operand");
        }
        Parallel.setThreads(Runtime.getRuntime().availableProcessors());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 4).matmul(Tensor.zeros(5, 2)));
        assertTrue(e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5, 2]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(4).matmul(Tensor.zeros(4, 2)));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(2, 3, 4).matmul(Tensor.zeros(3, 4, 2)));
    }

    /** Direct-loop conv2d reference. */
    static double conv(Tensor x, Tensor w, Tensor bias, int stride, int pad, int n, int co, int oy, int ox) {
        double s = bias == null ? 0 : bias.get(co);
        for (int ci = 0; ci < x.dim(1); ci++)
            for (int ky = 0; ky < w.dim(2); ky++)
                for (int kx = 0; kx < w.dim(3); kx++) {
                    int iy = oy * stride - pad + ky, ix = ox * stride - pad + kx;
                    if (iy < 0 || ix < 0 || iy >= x.dim(2) || ix >= x.dim(3)) continue;
                    s += x.get(n, ci, iy, ix) * w.get(co, ci, ky, kx);
                }
        return s;
    }

    @Test
    void conv2dAndItsGradientsMatchDirectLoops() {
        int[][] cfg = {{2, 3, 9, 8, 4, 3, 3, 1, 1}, {1, 2, 12, 12, 5, 4, 4, 2, 0}, {3, 1, 7, 5, 2, 2, 3, 2, 1}};
        for (int[] c : cfg) {
            int n = c[0], cin = c[1], h = c[2], wd = c[3], cout = c[4], kh = c[5], kw = c[6], stride = c[7], pad = c[8];
            Tensor x = T.rand(r, n, cin, h, wd), w = T.rand(r, cout, cin, kh, kw), b = T.rand(r, cout);
            Tensor y = x.conv2d(w, b, stride, pad);
            T.check(y, i -> conv(x, w, b, stride, pad, i[0], i[1], i[2], i[3]), 1e-4, "conv2d");
            // Gradients through the adjoint identity: <conv(x), dy> = <x, dX(dy)> = <w, dW(x, dy)> (bias-free).
            Tensor dy = T.rand(r, y.dims());
            Tensor y0 = x.conv2d(w, null, stride, pad);
            double lhs = y0.mul(dy).sum().item();
            Tensor dx = Tensor.conv2dBackwardInput(dy, w, x.shape(), stride, pad);
            Tensor dw = Tensor.conv2dBackwardWeight(x, dy, w.shape(), stride, pad);
            assertEquals(lhs, x.mul(dx).sum().item(), 1e-3 * (1 + Math.abs(lhs)), "input adjoint");
            assertEquals(lhs, w.mul(dw).sum().item(), 1e-3 * (1 + Math.abs(lhs)), "weight adjoint");
            // Transposed conv is conv's input-gradient: convT(dy, w) == dX(dy).
            Tensor ct = dy.convTranspose2d(w.permute(0, 1, 2, 3), null, stride, pad);
            if (ct.shape().equals(x.shape())) assertTrue(ct.allClose(dx, 1e-4, 1e-4), "convTranspose2d = conv2dBackwardInput");
            Tensor dyT = T.rand(r, ct.dims());
            Tensor gIn = Tensor.convTranspose2dBackwardInput(dyT, w, dy.shape(), stride, pad);
            assertEquals(ct.mul(dyT).sum().item(), dy.mul(gIn).sum().item(), 1e-3 * (1 + Math.abs(ct.mul(dyT).sum().item())));
            Tensor gW = Tensor.convTranspose2dBackwardWeight(dy, dyT, w.shape(), stride, pad);
            assertEquals(ct.mul(dyT).sum().item(), w.mul(gW).sum().item(), 1e-3 * (1 + Math.abs(ct.mul(dyT).sum().item())));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.zeros(1, 3, 8, 8).conv2d(Tensor.zeros(4, 2, 3, 3), null, 1, 0));
        assertTrue(e.getMessage().contains("channels"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(1, 3, 2, 2).conv2d(Tensor.zeros(4, 3, 3, 3), null, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.zeros(3, 8, 8).conv2d(Tensor.zeros(4, 3, 3, 3), null, 1, 0));
    }

    @Test
    void convTransposeMatchesScatterDefinition() {
        Tensor x = T.rand(r, 2, 3, 4, 5), w = T.rand(r, 3, 2, 5, 5), b = T.rand(r, 2);
        int stride = 2, pad = 1;
        Tensor y = x.convTranspose2d(w, b, stride, pad);
        T.sameShape(y, 2, 2, 9, 11);
        double[][][][] ref = new double[2][2][9][11];
        for (int n = 0; n < 2; n++) for (int ci = 0; ci < 3; ci++) for (int iy = 0; iy < 4; iy++) for (int ix = 0; ix < 5; ix++)
            for (int co = 0; co < 2; co++) for (int ky = 0; ky < 5; ky++) for (int kx = 0; kx < 5; kx++) {
                int oy = iy * stride - pad + ky, ox = ix * stride - pad + kx;
                if (oy >= 0 && ox >= 0 && oy < 9 && ox < 11) ref[n][co][oy][ox] += x.get(n, ci, iy, ix) * w.get(ci, co, ky, kx);
            }
        T.check(y, i -> ref[i[0]][i[1]][i[2]][i[3]] + b.get(i[1]), 1e-4, "convTranspose2d");
        Tensor xd = x.toType(DType.F64), wd = w.toType(DType.F64), bd = b.toType(DType.F64);
        T.check(xd.convTranspose2d(wd, bd, stride, pad), i -> ref[i[0]][i[1]][i[2]][i[3]] + b.get(i[1]), 1e-9, "f64 convTranspose2d");
    }
}
