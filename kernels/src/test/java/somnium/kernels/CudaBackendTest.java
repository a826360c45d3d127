package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static somnium.kernels.Gpu.close;
import static somnium.kernels.Gpu.exact;
import static somnium.kernels.Gpu.gpu;
import static somnium.kernels.Gpu.rand;
import static somnium.kernels.Gpu.randD;

import java.util.EnumSet;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import somnium.tensor.BinaryOp;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.ReduceOp;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;
import somnium.tensor.UnaryOp;

/**
 * Every Backend primitive of the CUDA backend against the CPU backend on random inputs, through the same Tensor
 * calls the algorithms make. Skipped (JUnit assumption) where no CUDA device is usable.
 */
class CudaBackendTest {
    @BeforeEach
    void needsCuda() {
        Gpu.assumeCuda();
    }

    /** Ops defined for every real input; the rest get inputs in (0.05, 0.95). */
    static final EnumSet<UnaryOp> POSITIVE_ONLY = EnumSet.of(UnaryOp.SQRT, UnaryOp.RSQRT, UnaryOp.LOG, UnaryOp.ATANH, UnaryOp.POW);

    @Test
    void unaryOpsMatchCpu() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor signed = (dt == DType.F32 ? rand(1, -3, 3, 6, 37) : randD(1, -3, 3, 6, 37));
            Tensor positive = (dt == DType.F32 ? rand(2, 0.05, 0.95, 6, 37) : randD(2, 0.05, 0.95, 6, 37));
            for (UnaryOp op : UnaryOp.values()) {
                Tensor x = POSITIVE_ONLY.contains(op) ? positive : signed;
                double p0 = op == UnaryOp.CLAMP ? -0.5 : op == UnaryOp.POW ? 2.5 : op == UnaryOp.AFFINE ? 1.7 : 1.0;
                double p1 = op == UnaryOp.CLAMP ? 0.7 : op == UnaryOp.AFFINE ? -0.3 : 0.0;
                Tensor want = x.map(op, p0, p1);
                close(want, gpu(x).map(op, p0, p1), 1e-6, Gpu.eps(dt) * 2, op + " " + dt + " contiguous");
                close(x.t().map(op, p0, p1), gpu(x).t().map(op, p0, p1), 1e-6, Gpu.eps(dt) * 2, op + " " + dt + " transposed");
            }
        }
    }

    @Test
    void binaryOpsWithBroadcastingMatchCpu() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor a = dt == DType.F32 ? rand(3, 0.1, 2, 4, 1, 5) : randD(3, 0.1, 2, 4, 1, 5);
            Tensor b = dt == DType.F32 ? rand(4, 0.1, 2, 3, 1) : randD(4, 0.1, 2, 3, 1);
            for (BinaryOp op : BinaryOp.values()) {
                close(a.zip(op, b), gpu(a).zip(op, gpu(b)), 1e-6, Gpu.eps(dt) * 2, op + " " + dt + " broadcast");
                close(a.zip(op, a), gpu(a).zip(op, gpu(a)), 0, Gpu.eps(dt), op + " " + dt + " same");
            }
            Tensor big = dt == DType.F32 ? rand(5, -1, 1, 301, 301) : randD(5, -1, 1, 301, 301);
            close(big.add(big.t()), gpu(big).add(gpu(big).t()), 0, 0, "transposed add " + dt);
        }
    }

    @Test
    void fillCopyConversionsAndWhere() {
        Tensor x = rand(6, -5, 5, 3, 4, 5);
        for (DType from : DType.values()) {
            Tensor src = x.toType(from);
            for (DType to : DType.values()) {
                exact(src.toType(to), gpu(src).toType(to), "copy " + from + " -> " + to);
                exact(src.permute(2, 0, 1).toType(to), gpu(src).permute(2, 0, 1).toType(to), "strided copy " + from + " -> " + to);
            }
        }
        Tensor g = gpu(x.copy());
        g.narrow(1, 1, 2).fill(7);
        Tensor c = x.copy();
        c.narrow(1, 1, 2).fill(7);
        exact(c, g, "fill of a view");
        Tensor cond = rand(7, -1, 1, 3, 1, 5).gt(0);
        for (DType cd : DType.values())
            for (DType vd : DType.values()) {
                Tensor cc = cond.toType(cd), a = x.toType(vd), b = x.neg().toType(vd);
                exact(Tensor.where(cc, a, b), Tensor.where(gpu(cc), gpu(a), gpu(b)), "where " + cd + " " + vd);
            }
        assertEquals(x.get(1, 2, 3), gpu(x).get(1, 2, 3));
        Tensor h = gpu(x.copy());
        h.set(42, 0, 0, 0);
        assertEquals(42.0, h.get(0, 0, 0));
    }

    @Test
    void reductionsOverEveryAxisSetMatchCpu() {
        int[][] axesSets = {{}, {0}, {1}, {2}, {0, 1}, {0, 2}, {1, 2}, {0, 1, 2}};
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor x = dt == DType.F32 ? rand(8, -2, 2, 7, 33, 300) : randD(8, -2, 2, 7, 33, 300);
            for (ReduceOp op : ReduceOp.values())
                for (int[] axes : axesSets) {
                    double eps = dt == DType.F32 ? 2e-5 : 1e-12;
                    close(x.reduce(op, axes, true), gpu(x).reduce(op, axes, true), 2e-4, eps, op + " " + dt + " axes " + java.util.Arrays.toString(axes));
                    close(x.t().reduce(op, axes, false), gpu(x).t().reduce(op, axes, false), 2e-4, eps, op + " " + dt + " transposed");
                }
        }
        // Few long rows take the two-stage path (123 chunks, the last one shorter); the all-axes cases above do too.
        Tensor longRows = rand(10, -1, 1, 2, 1_000_003);
        for (ReduceOp op : new ReduceOp[] {ReduceOp.SUM, ReduceOp.MEAN, ReduceOp.MAX, ReduceOp.MIN})
            close(longRows.reduce(op, new int[] {1}, false), gpu(longRows).reduce(op, new int[] {1}, false), 2e-3, 1e-5, op + " long rows");
        Tensor colsCase = rand(9, -1, 1, 1000, 17);
        exact(colsCase.sum(0), gpu(colsCase).sum(0), "column sum (same order as the CPU)");
    }

    @Test
    void argReduceSoftmaxCumsum() {
        Tensor x = rand(10, -1, 1, 5, 70);
        x.set(0.99, 1, 3);
        x.set(0.99, 1, 60);   // tie: the lower index
        for (int axis = 0; axis < 2; axis++) {
            exact(x.argmax(axis, false), gpu(x).argmax(axis, false), "argmax " + axis);
            exact(x.argmin(axis, true), gpu(x).argmin(axis, true), "argmin " + axis);
            close(x.cumsum(axis, false), gpu(x).cumsum(axis, false), 0, 0, "cumsum " + axis);
            close(x.cumsum(axis, true), gpu(x).cumsum(axis, true), 0, 0, "reverse cumsum " + axis);
        }
        Tensor big = rand(11, -10, 10, 64, 1000);
        close(big.softmax(-1), gpu(big).softmax(-1), 1e-7, 1e-5, "softmax");
        close(big.logSoftmax(-1), gpu(big).logSoftmax(-1), 1e-5, 1e-5, "log-softmax");
        Tensor d = randD(12, -10, 10, 8, 33);
        close(d.softmax(-1), gpu(d).softmax(-1), 1e-15, 1e-12, "softmax f64");
    }

    @Test
    void matmulEveryLayoutAndPathMatchesCpu() {
        CudaBackend be = Gpu.backend();
        java.util.List<CudaBackend.GemmPath> paths = new java.util.ArrayList<>(java.util.List.of(CudaBackend.GemmPath.TILED,
                CudaBackend.GemmPath.TILED_LARGE, CudaBackend.GemmPath.AUTO));
        if (be.tf32Possible()) paths.add(CudaBackend.GemmPath.TF32);
        if (be.cublasAvailable()) paths.add(CudaBackend.GemmPath.CUBLAS);
        try {
            for (CudaBackend.GemmPath path : paths) {
                be.setGemmPath(path);
                double eps = path == CudaBackend.GemmPath.TF32 ? 5e-3 : 1e-4;
                // Edges of both tile sizes (64, 128; BK 8/16), odd leading dims (no float4 loads), and one product
                // large enough that AUTO picks the 128-tile kernel on any device with <= 150 SMs.
                int[][] mnk = {{1, 1, 1}, {50, 600, 230}, {63, 65, 17}, {128, 64, 200}, {3, 1000, 31}, {129, 131, 9},
                        {257, 383, 77}, {1536, 1600, 64}};
                for (int[] s : mnk) {
                    Tensor a = rand(13, -1, 1, s[0], s[2]), b = rand(14, -1, 1, s[2], s[1]);
                    double tol = eps * Math.sqrt(s[2]);
                    close(a.matmul(b), gpu(a).matmul(gpu(b)), tol, eps, path + " NN " + java.util.Arrays.toString(s));
                    Tensor at = rand(15, -1, 1, s[2], s[0]).t(), bt = rand(16, -1, 1, s[1], s[2]).t();
                    Tensor gat = gpu(at.t().contiguous()).t(), gbt = gpu(bt.t().contiguous()).t();
                    close(at.matmul(bt), gat.matmul(gbt), tol, eps, path + " TT " + java.util.Arrays.toString(s));
                    close(a.matmul(bt), gpu(a).matmul(gbt), tol, eps, path + " NT " + java.util.Arrays.toString(s));
                    close(at.matmul(b), gat.matmul(gpu(b)), tol, eps, path + " TN " + java.util.Arrays.toString(s));
                }
                Tensor a = rand(17, -1, 1, 4, 3, 20, 30), b = rand(18, -1, 1, 30, 10);
                double tol30 = eps * Math.sqrt(30);   // K = 30, same rule as above (TF32 rounds inputs to 10 bits)
                close(a.matmul(b), gpu(a).matmul(gpu(b)), tol30, eps, path + " batched with broadcast B");
                Tensor p = rand(19, -1, 1, 3, 20, 4, 30).permute(0, 2, 1, 3);   // batch dims that do not flatten
                close(p.matmul(b), gpu(p).matmul(gpu(b)), tol30, eps, path + " non-flat batch");
            }
            be.setGemmPath(CudaBackend.GemmPath.AUTO);
            Tensor a = randD(20, -1, 1, 37, 41), b = randD(21, -1, 1, 41, 29);
            close(a.matmul(b), gpu(a).matmul(gpu(b)), 1e-12, 1e-12, "dgemm");
        } finally {
            be.setGemmPath(CudaBackend.GemmPath.AUTO);
        }
    }

    /** C = alpha op(A) op(B) + C (conv weight gradients accumulate over batch chunks) on each FP32 kernel. */
    @Test
    void gemmAlphaAndAccumulateOnEveryKernel() {
        CudaBackend be = Gpu.backend();
        int m = 200, n = 260, k = 45;
        try {
            for (CudaBackend.GemmPath path : new CudaBackend.GemmPath[] {CudaBackend.GemmPath.TILED, CudaBackend.GemmPath.TILED_LARGE}) {
                be.setGemmPath(path);
                for (boolean ta : new boolean[] {false, true}) {
                    for (boolean tb : new boolean[] {false, true}) {
                        Tensor a = rand(50, -1, 1, ta ? k : m, ta ? m : k), b = rand(51, -1, 1, tb ? n : k, tb ? k : n);
                        Tensor c0 = rand(52, -1, 1, m, n);
                        Tensor want = (ta ? a.t() : a).matmul(tb ? b.t() : b).mul(0.5).add(c0);
                        Tensor ga = gpu(a), gb = gpu(b), gc = gpu(c0);
                        be.gemm(DType.F32, ta, tb, m, n, k, 0.5, CudaBackend.addr(ga), ga.dim(1), 0, CudaBackend.addr(gb), gb.dim(1), 0,
                                CudaBackend.addr(gc), n, 0, 1, true);
                        close(want, gc, 1e-4 * Math.sqrt(k), 1e-4, path + " accumulate ta=" + ta + " tb=" + tb);
                    }
                }
            }
            // AUTO splits K when the output has few tiles and K is long (a conv weight gradient's shape), including
            // a last, shorter piece (K = 100000 is not a multiple of the piece length).
            be.setGemmPath(CudaBackend.GemmPath.AUTO);
            for (boolean tb : new boolean[] {false, true}) {
                int sm = 32, sn = 48, sk = 100_000;
                Tensor a = rand(53, -1, 1, sm, sk), b = rand(54, -1, 1, tb ? sn : sk, tb ? sk : sn), c0 = rand(55, -1, 1, sm, sn);
                Tensor want = a.matmul(tb ? b.t() : b).mul(0.5).add(c0);
                Tensor ga = gpu(a), gb = gpu(b), gc = gpu(c0);
                be.gemm(DType.F32, false, tb, sm, sn, sk, 0.5, CudaBackend.addr(ga), sk, 0, CudaBackend.addr(gb), gb.dim(1), 0,
                        CudaBackend.addr(gc), sn, 0, 1, true);
                close(want, gc, 1e-4 * Math.sqrt(sk), 1e-4, "split-K accumulate tb=" + tb);
                Tensor ad = randD(56, -1, 1, sm, sk), bd = randD(57, -1, 1, sk, sn);
                close(ad.matmul(bd), gpu(ad).matmul(gpu(bd)), 1e-10, 1e-10, "split-K dgemm");
            }
        } finally {
            be.setGemmPath(CudaBackend.GemmPath.AUTO);
        }
    }

    @Test
    void convolutionsAndTheirGradientsMatchCpu() {
        int[][] cfg = {{2, 3, 64, 64, 32, 4, 2, 0}, {3, 4, 9, 7, 5, 3, 1, 1}, {2, 8, 10, 10, 6, 3, 2, 1}, {1, 2, 5, 5, 3, 1, 1, 0}};
        for (int[] c : cfg) {
            int n = c[0], cin = c[1], h = c[2], w = c[3], cout = c[4], k = c[5], s = c[6], p = c[7];
            String what = java.util.Arrays.toString(c);
            Tensor x = rand(22, -1, 1, n, cin, h, w), wt = rand(23, -0.5, 0.5, cout, cin, k, k), bias = rand(24, -1, 1, cout);
            Tensor y = x.conv2d(wt, bias, s, p);
            close(y, gpu(x).conv2d(gpu(wt), gpu(bias), s, p), 1e-4, 1e-4, "conv2d " + what);
            Tensor dy = rand(25, -1, 1, y.dims());
            close(Tensor.conv2dBackwardInput(dy, wt, x.shape(), s, p),
                    Tensor.conv2dBackwardInput(gpu(dy), gpu(wt), x.shape(), s, p), 1e-4, 1e-4, "conv2d dx " + what);
            close(Tensor.conv2dBackwardWeight(x, dy, wt.shape(), s, p),
                    Tensor.conv2dBackwardWeight(gpu(x), gpu(dy), wt.shape(), s, p), 1e-3, 1e-4, "conv2d dw " + what);
            // transposed: weight [Cin, Cout, k, k]
            Tensor wT = rand(26, -0.5, 0.5, cin, cout, k, k);
            Tensor z = x.convTranspose2d(wT, bias, s, p);
            close(z, gpu(x).convTranspose2d(gpu(wT), gpu(bias), s, p), 1e-4, 1e-4, "convT " + what);
            Tensor dz = rand(27, -1, 1, z.dims());
            close(Tensor.convTranspose2dBackwardInput(dz, wT, x.shape(), s, p),
                    Tensor.convTranspose2dBackwardInput(gpu(dz), gpu(wT), x.shape(), s, p), 1e-4, 1e-4, "convT dx " + what);
            close(Tensor.convTranspose2dBackwardWeight(x, dz, wT.shape(), s, p),
                    Tensor.convTranspose2dBackwardWeight(gpu(x), gpu(dz), wT.shape(), s, p), 1e-3, 1e-4, "convT dw " + what);
        }
        Tensor xd = randD(28, -1, 1, 2, 3, 6, 6), wd = randD(29, -1, 1, 4, 3, 3, 3);
        close(xd.conv2d(wd, null, 1, 1), gpu(xd).conv2d(gpu(wd), null, 1, 1), 1e-12, 1e-12, "conv2d f64");
    }

    @Test
    void indexOpsMatchCpuAndRejectBadIndices() {
        Tensor x = rand(30, -1, 1, 6, 9);
        Tensor idx = Tensor.ofInts(new int[] {0, 8, 3, 3, 1, 2, 7, 7, 0, 5, 4, 6}, 6, 2);
        exact(x.gather(1, idx), gpu(x).gather(1, gpu(idx)), "gather");
        Tensor src = rand(31, -1, 1, 6, 2);
        Tensor base = rand(32, -1, 1, 6, 9);
        close(base.scatterAdd(1, idx, src), gpu(base).scatterAdd(1, gpu(idx), gpu(src)), 1e-6, 1e-6, "scatterAdd");
        Tensor sel = Tensor.ofInts(new int[] {5, 0, 0, 2}, 4);
        exact(x.indexSelect(0, sel), gpu(x).indexSelect(0, gpu(sel)), "indexSelect rows");
        exact(x.indexSelect(1, sel), gpu(x).indexSelect(1, gpu(sel)), "indexSelect cols");
        Tensor bad = Tensor.ofInts(new int[] {0, 9}, 1, 2);
        assertThrows(IndexOutOfBoundsException.class, () -> gpu(x).gather(1, gpu(bad)));
        exact(Tensor.oneHot(idx, 9), Tensor.oneHot(gpu(idx), 9), "oneHot");
    }

    @Test
    void topkSmallAndLargeRowsWithTies() {
        for (int n : new int[] {10, 1000, 2048, 3000}) {
            Tensor x = rand(33, -1, 1, 4, n);
            x.set(0.5, 2, 1);
            x.set(0.5, 2, 7);
            for (boolean largest : new boolean[] {true, false}) {
                int k = Math.min(n, 100);
                Tensor.TopK want = x.topk(k, largest), got = gpu(x).topk(k, largest);
                exact(want.values(), got.values(), "topk values n=" + n + " largest=" + largest);
                exact(want.indices(), got.indices(), "topk indices n=" + n + " largest=" + largest);
            }
        }
    }

    @Test
    void adamIsBitExactInFloat() {
        for (boolean decoupled : new boolean[] {false, true}) {
            Tensor p = rand(34, -1, 1, 1001), g = rand(35, -1, 1, 1001), m = rand(36, -0.1, 0.1, 1001), v = rand(37, 0, 0.1, 1001);
            Tensor gp = gpu(p), gg = gpu(g), gm = gpu(m), gv = gpu(v);
            for (int step = 1; step <= 3; step++) {
                p.adamStepInPlace(g, m, v, 1e-3, 0.9, 0.999, 1e-8, 0.01, decoupled, step);
                gp.adamStepInPlace(gg, gm, gv, 1e-3, 0.9, 0.999, 1e-8, 0.01, decoupled, step);
            }
            exact(p, gp, "adam param decoupled=" + decoupled);
            exact(m, gm, "adam m");
            exact(v, gv, "adam v");
        }
        Tensor p = randD(38, -1, 1, 100), g = randD(39, -1, 1, 100), m = p.zerosLike(), v = p.zerosLike();
        Tensor gp = gpu(p), gg = gpu(g), gm = gpu(m), gv = gpu(v);
        p.adamStepInPlace(g, m, v, 1e-3, 0.9, 0.999, 1e-8, 0, false, 1);
        gp.adamStepInPlace(gg, gm, gv, 1e-3, 0.9, 0.999, 1e-8, 0, false, 1);
        close(p, gp, 0, 1e-15, "adam f64");
    }

    @Test
    void philoxUniformsAreBitExactAndNormalsWithinUlps() {
        for (long offset : new long[] {0, 1, 3, 4, 1001}) {
            Tensor cu = new Rng(7, offset).uniform(Shape.of(999), -2, 3, DType.F32, Device.CPU);
            exact(cu, new Rng(7, offset).uniform(Shape.of(999), -2, 3, DType.F32, Gpu.CUDA), "uniform f32 offset " + offset);
            Tensor du = new Rng(7, offset).uniform(Shape.of(99), 0, 1, DType.F64, Device.CPU);
            exact(du, new Rng(7, offset).uniform(Shape.of(99), 0, 1, DType.F64, Gpu.CUDA), "uniform f64 offset " + offset);
            Tensor cn = new Rng(7, offset).normal(Shape.of(1001), 0.5, 2, DType.F32, Device.CPU);
            close(cn, new Rng(7, offset).normal(Shape.of(1001), 0.5, 2, DType.F32, Gpu.CUDA), 1e-6, 1e-6, "normal f32 offset " + offset);
            Tensor dn = new Rng(7, offset).normal(Shape.of(101), 0, 1, DType.F64, Device.CPU);
            close(dn, new Rng(7, offset).normal(Shape.of(101), 0, 1, DType.F64, Gpu.CUDA), 1e-14, 1e-14, "normal f64 offset " + offset);
        }
    }

    @Test
    void scopedStepsReuseDeviceMemory() {
        CudaBackend be = Gpu.backend();
        Tensor w = gpu(rand(40, -1, 1, 200, 200));
        long before = -1;
        double[] loss = new double[5];
        for (int step = 0; step < 5; step++) {
            // A training step: upload a batch, compute, read the loss back; nothing kept past the scope (a kept
            // tensor would rightly hold its block and make the next step allocate a new one).
            try (TensorScope scope = TensorScope.open()) {
                Tensor x = gpu(rand(41, -1, 1, 50, 200));
                Tensor y = x.matmul(w).tanh().sum(0).softmax(0);
                loss[step] = y.max().item();
            }
            if (step == 1) before = be.allocator().deviceAllocations();
        }
        assertEquals(before, be.allocator().deviceAllocations(), "no cuMemAlloc in steady-state steps: " + be.allocator());
        for (int step = 1; step < 5; step++) assertEquals(loss[0], loss[step], "recycled blocks change no result");
        assertTrue(be.allocator().hits() > 0);
    }

    @Test
    void downloadOfViewsAndDescribe() {
        Tensor x = rand(42, -1, 1, 5, 6, 7);
        Tensor g = gpu(x);
        assertArrayEquals(x.permute(2, 0, 1).toFloatArray(), g.permute(2, 0, 1).toFloatArray());
        assertArrayEquals(x.slice(1, 1, 6, 2).toFloatArray(), g.slice(1, 1, 6, 2).toFloatArray());
        assertTrue(Gpu.backend().describe().startsWith("cuda:0"), Gpu.backend().describe());
        System.out.println("[CudaBackendTest] " + Gpu.backend().describe());
    }
}
