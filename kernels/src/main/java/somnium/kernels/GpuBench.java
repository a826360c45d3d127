package somnium.kernels;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import somnium.tensor.Backends;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;

/**
 * Timed GPU workloads, one JSON line each, the twins of kernels/scripts/torch_gpu_twins.py (same shapes, same
 * JSON fields): GEMM per path (own tiled kernel, TF32 tensor cores, cuBLAS where it loads), the GRU cell step
 * (two GEMMs + the fused pointwise kernel) against torch.nn.GRUCell, and PlaNet's CEM planning of one action
 * (shared/reference/cem.py's model and sizes) with the batched CEM kernels. Median of reps after warm-up, with a
 * device synchronize around every repetition. The {@code ops} group times one representative call of every other
 * kernel family (elementwise, reductions, softmax, LayerNorm, Adam, Philox normals, index, conv, categorical
 * sampling, lambda-returns) with GB/s or GFLOP/s where that is the natural unit.
 *
 * <p>Usage: {@code java --add-modules jdk.incubator.vector -cp ... somnium.kernels.GpuBench [gemm|gru|cem|ops|all]}
 * (the bundle's run script passes the classpath).
 */
public final class GpuBench {
    private static CudaBackend be;

    private GpuBench() {}

    public static void main(String[] args) {
        String what = args.length > 0 ? args[0] : "all";
        be = (CudaBackend) Backends.get(Device.cuda(0));
        System.out.println("{\"device\": \"" + be.describe().replace("\"", "'") + "\"}");
        if (what.equals("all") || what.equals("gemm")) gemm();
        if (what.equals("all") || what.equals("gru")) gru();
        if (what.equals("all") || what.equals("cem")) cem();
        if (what.equals("all") || what.equals("ops")) ops();
        System.out.println("{\"allocator\": \"" + be.allocator() + "\"}");
    }

    /** Median milliseconds of {@code reps} synchronized runs after {@code warmup} runs. */
    static double time(int warmup, int reps, Runnable body) {
        for (int i = 0; i < warmup; i++) body.run();
        be.synchronize();
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long t0 = System.nanoTime();
            body.run();
            be.synchronize();
            t[i] = (System.nanoTime() - t0) / 1e6;
        }
        Arrays.sort(t);
        return reps % 2 == 1 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    }

    static void emit(String workload, String lib, double ms, String extra) {
        System.out.println(String.format(Locale.ROOT, "{\"workload\": \"%s\", \"lib\": \"%s\", \"median_ms\": %.4f%s}",
                workload, lib, ms, extra.isEmpty() ? "" : ", " + extra));
    }

    static Tensor rand(Rng rng, double scale, int... dims) {
        return rng.uniform(Shape.of(dims), -scale, scale, DType.F32, Device.cuda(0));
    }

    static void gemm() {
        Rng rng = new Rng(1);
        int[][] shapes = {{512, 512, 512}, {1024, 1024, 1024}, {2048, 2048, 2048}, {4096, 4096, 4096},
                {50, 600, 230}, {50, 600, 200}, {1000, 600, 200}, {2500, 1024, 1536}};
        List<CudaBackend.GemmPath> paths = new ArrayList<>(List.of(CudaBackend.GemmPath.TILED, CudaBackend.GemmPath.TILED_LARGE,
                CudaBackend.GemmPath.AUTO));
        if (be.tf32Possible()) paths.add(CudaBackend.GemmPath.TF32);
        if (be.cublasAvailable()) paths.add(CudaBackend.GemmPath.CUBLAS);
        for (int[] s : shapes) {
            Tensor a = rand(rng, 1, s[0], s[2]), b = rand(rng, 1, s[2], s[1]), c = Tensor.empty(DType.F32, Shape.of(s[0], s[1]), Device.cuda(0));
            for (CudaBackend.GemmPath p : paths) {
                be.setGemmPath(p);
                double ms = time(3, 20, () -> be.matmul(a, b, c));
                double gflops = 2.0 * s[0] * s[1] * s[2] / (ms * 1e6);
                emit("sgemm_" + s[0] + "x" + s[1] + "x" + s[2], "somnium-" + p.name().toLowerCase(Locale.ROOT), ms,
                        String.format(Locale.ROOT, "\"m\": %d, \"n\": %d, \"k\": %d, \"gflops\": %.1f", s[0], s[1], s[2], gflops));
            }
        }
        be.setGemmPath(CudaBackend.GemmPath.AUTO);
    }

    static void gru() {
        Rng rng = new Rng(2);
        CudaKernels k = CudaKernels.on(Device.cuda(0));
        int b = 50, in = 230, h = 200;
        Tensor x = rand(rng, 1, b, in), h0 = rand(rng, 1, b, h);
        Tensor wih = rand(rng, 0.07, 3 * h, in), whh = rand(rng, 0.07, 3 * h, h), bih = rand(rng, 0.07, 3 * h), bhh = rand(rng, 0.07, 3 * h);
        Tensor gi = Tensor.empty(DType.F32, Shape.of(b, 3 * h), Device.cuda(0)), gh = gi.emptyLike(gi.shape());
        Tensor hy = h0.emptyLike(h0.shape()), ws = Tensor.empty(DType.F32, Shape.of(b, 5 * h), Device.cuda(0));
        Tensor wihT = wih.t(), whhT = whh.t();
        double ms = time(20, 200, () -> {
            be.matmul(x, wihT, gi);
            be.matmul(h0, whhT, gh);
            k.gruCellForward(gi, gh, bih, bhh, h0, hy, null);
        });
        emit("gru_step_fwd_nograd", "somnium", ms, "\"B\": 50, \"I\": 230, \"H\": 200");
        double msWs = time(20, 200, () -> {
            be.matmul(x, wihT, gi);
            be.matmul(h0, whhT, gh);
            k.gruCellForward(gi, gh, bih, bhh, h0, hy, ws);
        });
        emit("gru_step_fwd_saving_workspace", "somnium", msWs, "\"B\": 50, \"I\": 230, \"H\": 200");
        Tensor dgi = gi.emptyLike(gi.shape()), dgh = gi.emptyLike(gi.shape()), dh = hy.emptyLike(hy.shape());
        double msPw = time(20, 500, () -> k.gruCellBackward(hy, ws, dgi, dgh, dh));
        emit("gru_pointwise_bwd_only", "somnium", msPw, "\"B\": 50, \"H\": 200");
    }

    /** Median ms of {@code body} run inside a TensorScope (its temporaries go back to the cache every repetition). */
    static double timeScoped(int warmup, int reps, Runnable body) {
        return time(warmup, reps, () -> {
            try (TensorScope scope = TensorScope.open()) {
                body.run();
            }
        });
    }

    static void emitGbs(String workload, double ms, double bytes, String extra) {
        emit(workload, "somnium", ms, String.format(Locale.ROOT, "\"gbs\": %.1f%s", bytes / (ms * 1e6), extra.isEmpty() ? "" : ", " + extra));
    }

    /** One representative call per remaining kernel family; twins in torch_gpu_twins.py's ops(). */
    static void ops() {
        Rng rng = new Rng(5);
        Device cuda = Device.cuda(0);
        CudaKernels k = CudaKernels.on(cuda);
        int n = 4096;
        Tensor a = rand(rng, 1, n, n), b = rand(rng, 1, n, n), row = rand(rng, 1, n);
        double mb = 4.0 * n * n;
        emitGbs("add_4096x4096", timeScoped(5, 50, () -> a.add(b)), 3 * mb, "");
        emitGbs("add_row_broadcast_4096x4096", timeScoped(5, 50, () -> a.add(row)), 2 * mb, "");
        emitGbs("exp_4096x4096", timeScoped(5, 50, () -> a.exp()), 2 * mb, "");
        emitGbs("sum_rows_4096x4096", timeScoped(5, 50, () -> a.sum(1)), mb, "");
        emitGbs("sum_cols_4096x4096", timeScoped(5, 50, () -> a.sum(0)), mb, "");
        emitGbs("sum_all_4096x4096", timeScoped(5, 50, () -> a.sum()), mb, "");
        Tensor logits = rand(rng, 3, 2500, 1024);
        emitGbs("softmax_2500x1024", timeScoped(5, 50, () -> logits.softmax(-1)), 2 * 4.0 * 2500 * 1024, "");
        Tensor x = rand(rng, 1, 2500, 600), gamma = rand(rng, 1, 600), beta = rand(rng, 1, 600);
        Tensor y = x.emptyLike(x.shape()), mean = Tensor.empty(DType.F32, Shape.of(2500), cuda), rstd = mean.emptyLike(mean.shape());
        emitGbs("layernorm_fwd_2500x600", time(5, 50, () -> k.layerNormForward(x, gamma, beta, 1e-5, y, mean, rstd)), 2 * 4.0 * 2500 * 600, "");
        int np = 4 << 20;
        Tensor p = rand(rng, 1, np), g = rand(rng, 1, np), m = Tensor.full(0, DType.F32, Shape.of(np), cuda), v = m.emptyLike(m.shape());
        be.fill(v, 0);
        long[] step = {0};
        emitGbs("adam_4M_params", time(5, 50, () -> p.adamStepInPlace(g, m, v, 1e-4, 0.9, 0.999, 1e-8, 0, false, ++step[0])), 7 * 4.0 * np, "");
        Rng nr = new Rng(6);
        emitGbs("normal_16M", timeScoped(5, 50, () -> nr.normal(Shape.of(n, n), 0, 1, DType.F32, cuda)), mb, "");
        Tensor table = rand(rng, 1, 100_000, 64);
        int[] idx = new int[50_000];
        for (int i = 0; i < idx.length; i++) idx[i] = (int) ((i * 7919L) % 100_000);
        Tensor index = Tensor.ofInts(idx, idx.length).to(cuda);
        emitGbs("index_select_50000_of_100000x64", timeScoped(5, 50, () -> table.indexSelect(0, index)), 2 * 4.0 * 50_000 * 64, "");
        // Dreamer's conv encoder (4 x conv k4 s2, depth 32) at batch 500: forward, then both gradients of every layer.
        int[] ch = {3, 32, 64, 128, 256};
        Tensor[] w = new Tensor[4], bias = new Tensor[4];
        for (int l = 0; l < 4; l++) {
            w[l] = rand(rng, 1 / Math.sqrt(ch[l] * 16), ch[l + 1], ch[l], 4, 4);
            bias[l] = rand(rng, 0.1, ch[l + 1]);
        }
        Tensor img = rand(rng, 1, 500, 3, 64, 64);
        Tensor[] acts = new Tensor[5];
        acts[0] = img;
        for (int l = 0; l < 4; l++) acts[l + 1] = acts[l].conv2d(w[l], bias[l], 2, 0).relu();
        double convGflop = 0;
        for (int l = 0; l < 4; l++) convGflop += 2.0 * acts[l + 1].numel() * ch[l] * 16 / 1e9;
        emit("conv_encoder_fwd_b500", "somnium", timeScoped(3, 20, () -> {
            Tensor h = img;
            for (int l = 0; l < 4; l++) h = h.conv2d(w[l], bias[l], 2, 0).relu();
        }), String.format(Locale.ROOT, "\"gflop\": %.2f", convGflop));
        emit("conv_encoder_bwd_b500", "somnium", timeScoped(3, 20, () -> {
            for (int l = 3; l >= 0; l--) {
                Tensor dy = acts[l + 1];   // any tensor of the output's shape: the cost does not depend on values
                Tensor.conv2dBackwardWeight(acts[l], dy, w[l].shape(), 2, 0);
                if (l > 0) Tensor.conv2dBackwardInput(dy, w[l], acts[l].shape(), 2, 0);
            }
        }), String.format(Locale.ROOT, "\"gflop\": %.2f", 2 * convGflop - 2.0 * acts[1].numel() * 3 * 16 / 1e9));
        // DreamerV2's categorical latents: 2500 x 32 variables of 32 classes, straight-through one-hot with unimix.
        Tensor cl = rand(rng, 2, 2500 * 32, 32);
        Tensor onehot = cl.emptyLike(cl.shape()), probs = cl.emptyLike(cl.shape());
        Tensor ci = Tensor.empty(DType.I32, Shape.of(2500 * 32), cuda);
        Rng cr = new Rng(7);
        emit("categorical_st_80000x32", "somnium", time(5, 50, () -> k.categoricalSt(cl, 0.01, cr.seed(), cr.advance(2500 * 32), onehot, probs, ci)), "");
        // Dreamer's lambda-returns over the imagination horizon: T = 15, B = 2500 starts.
        Tensor r = rand(rng, 1, 15, 2500), d = Tensor.full(0.99, DType.F32, Shape.of(15, 2500), cuda), vals = rand(rng, 1, 16, 2500);
        Tensor ret = r.emptyLike(r.shape());
        emit("lambda_return_15x2500", "somnium", time(5, 100, () -> k.lambdaReturn(r, d, vals, 0.95, ret)), "");
    }

    /** shared/reference/cem.py's plan(), with the batched CEM kernels (E = 1 environment). */
    static void cem() {
        final int act = 1, deter = 200, stoch = 30, hid = 200, hz = 12, j = 1000, kk = 100, iters = 10;
        Rng w = new Rng(3);
        Device cuda = Device.cuda(0);
        CudaKernels k = CudaKernels.on(cuda);
        Tensor w1 = rand(w, 1 / Math.sqrt(stoch + act), hid, stoch + act).t(), b1 = rand(w, 0.1, hid);
        Tensor wih = rand(w, 1 / Math.sqrt(hid), 3 * deter, hid).t(), whh = rand(w, 1 / Math.sqrt(deter), 3 * deter, deter).t();
        Tensor bih = rand(w, 0.07, 3 * deter), bhh = rand(w, 0.07, 3 * deter);
        Tensor w2 = rand(w, 1 / Math.sqrt(deter), hid, deter).t(), b2 = rand(w, 0.1, hid);
        Tensor w3 = rand(w, 1 / Math.sqrt(hid), 2 * stoch, hid).t(), b3 = rand(w, 0.1, 2 * stoch);
        Tensor r1 = rand(w, 1 / Math.sqrt(stoch + deter), hid, stoch + deter).t(), rb1 = rand(w, 0.1, hid);
        Tensor r2 = rand(w, 1 / Math.sqrt(hid), hid, hid).t(), rb2 = rand(w, 0.1, hid);
        Tensor r3 = rand(w, 1 / Math.sqrt(hid), 1, hid).t(), rb3 = rand(w, 0.1, 1);
        Tensor curStoch = rand(w, 1, 1, stoch), curDeter = rand(w, 1, 1, deter).tanh();
        Rng noise = new Rng(4);
        Runnable plan = () -> {
            try (TensorScope scope = TensorScope.open()) {
                Tensor mean = Tensor.full(0, DType.F32, Shape.of(1, hz * act), cuda), std = Tensor.full(1, DType.F32, Shape.of(1, hz * act), cuda);
                Tensor cand = Tensor.empty(DType.F32, Shape.of(1, j, hz * act), cuda);
                k.cemSample(mean, std, noise.seed(), noise.advance(j * hz * act + 1), -1, 1, cand);
                for (int it = 0; it < iters; it++) {
                    Tensor s = curStoch.expand(j, stoch), d = curDeter.expand(j, deter);
                    Tensor ret = Tensor.full(0, DType.F32, Shape.of(j, 1), cuda);
                    Tensor actions = cand.select(0, 0);   // [J, H*A]
                    for (int t = 0; t < hz; t++) {
                        Tensor a = actions.narrow(1, t * act, act);
                        Tensor x = Tensor.concat(1, s, a).matmul(w1).add(b1).elu();
                        Tensor gi = x.matmul(wih), gh = d.matmul(whh);
                        Tensor dn = Tensor.empty(DType.F32, Shape.of(j, deter), cuda);
                        k.gruCellForward(gi, gh, bih, bhh, d.contiguous(), dn, null);
                        d = dn;
                        Tensor[] ms = d.matmul(w2).add(b2).elu().matmul(w3).add(b3).chunk(2, 1);
                        Tensor sd = ms[1].softplus().add(0.1);
                        s = ms[0].add(sd.mul(noise.normal(Shape.of(j, stoch), 0, 1, DType.F32, cuda)));
                        Tensor feat = Tensor.concat(1, s, d);
                        ret = ret.add(feat.matmul(r1).add(rb1).elu().matmul(r2).add(rb2).elu().matmul(r3).add(rb3));
                    }
                    k.cemRefit(cand, ret.reshape(1, j).contiguous(), kk, mean, std, null, it + 1 < iters, noise.seed(),
                            noise.advance(j * hz * act + 1), -1, 1);
                }
                scope.keep(mean);
            }
        };
        double ms = time(2, 20, plan);
        emit("cem_plan_one_action", "somnium", ms, "\"H\": 12, \"J\": 1000, \"K\": 100, \"iters\": 10, \"gflop\": 92.26");
        // The CEM kernels alone (E environments in parallel, no model): sample + one refit launch per iteration.
        for (int e : new int[] {1, 16, 64}) {
            Tensor mean = Tensor.full(0, DType.F32, Shape.of(e, hz * act), cuda), std = Tensor.full(1, DType.F32, Shape.of(e, hz * act), cuda);
            Tensor cand = Tensor.empty(DType.F32, Shape.of(e, j, hz * act), cuda);
            Tensor scores = rand(w, 1, e, j);
            double kms = time(5, 50, () -> {
                k.cemSample(mean, std, 9, 0, -1, 1, cand);
                for (int it = 0; it < iters; it++) k.cemRefit(cand, scores, kk, mean, std, null, true, 9, 1L << 20, -1, 1);
            });
            emit("cem_kernels_only_E" + e, "somnium", kms, "\"E\": " + e + ", \"J\": 1000, \"K\": 100, \"D\": 12, \"iters\": 10");
        }
    }
}
