package somnium.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import somnium.tensor.cpu.Conv;
import somnium.tensor.cpu.Gemm;
import somnium.tensor.cpu.Parallel;

/**
 * The Dreamer-V1 conv encoder and decoder of {@code shared/reference/conv.py}, batch 250, on the raw kernels
 * (no autograd): the same layers, ReLUs, losses and gradients as the PyTorch script, so the times compare
 * per batch (and per image: divide by 250).
 *
 * <pre>
 * Encoder: 3x64x64 -> Conv(3,32,k4,s2) -> 32x31x31 -> Conv(32,64) -> 64x14x14 -> Conv(64,128) -> 128x6x6
 *          -> Conv(128,256) -> 256x2x2, ReLU after each; loss mean(out^2).
 *          fwdbwd: weight + bias gradients of every layer, input gradients of layers 2..4 (the image needs none).
 * Decoder: 230 -> Linear(230,1024) -> 1024x1x1 -> ConvT(1024,128,k5,s2)+ReLU -> 128x5x5 -> ConvT(128,64,k5,s2)
 *          +ReLU -> 64x13x13 -> ConvT(64,32,k6,s2)+ReLU -> 32x30x30 -> ConvT(32,3,k6,s2) -> 3x64x64;
 *          loss 0.5*sum((out-target)^2)/batch; gradients of all weights and biases (the feature needs none).
 * </pre>
 * Run: {@code java --add-modules jdk.incubator.vector -jar bench/target/benchmarks.jar ConvBench -wi 3 -i 5 -w 2s -r 2s}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class ConvBench {
    @Param({"1", "2"})
    public int threads;

    static final int B = 250;

    // encoder: channels and spatial sizes per layer boundary
    static final int[] EC = {3, 32, 64, 128, 256};
    static final int[] EH = {64, 31, 14, 6, 2};
    float[] ex;
    float[][] ew = new float[4][], eb = new float[4][], edw = new float[4][], edb = new float[4][];
    float[][] ea = new float[5][];  // ea[0] = input, ea[l+1] = ReLU(conv_l(ea[l]))
    float[][] eg = new float[5][];  // gradients w.r.t. ea[l]

    // decoder
    static final int FEAT = 230;
    static final int[] DC = {1024, 128, 64, 32, 3};
    static final int[] DH = {1, 5, 13, 30, 64};
    static final int[] DK = {5, 5, 6, 6};
    float[] f, fcW, fcB, fcDW, fcDB, target;
    float[][] dw = new float[4][], db = new float[4][], ddw = new float[4][], ddb = new float[4][];
    float[][] da = new float[5][];  // da[0] = fc output (1024x1x1), da[l+1] = layer l output
    float[][] dg = new float[5][];

    @Setup(Level.Trial)
    public void setUp() {
        Parallel.setThreads(threads);
        Random r = new Random(0);
        ea[0] = uniform(r, B * 3 * 64 * 64, 0.5f);
        eg[0] = null;
        for (int l = 0; l < 4; l++) {
            int fanIn = EC[l] * 16;
            ew[l] = uniform(r, EC[l + 1] * fanIn, (float) (1 / Math.sqrt(fanIn)));
            eb[l] = uniform(r, EC[l + 1], (float) (1 / Math.sqrt(fanIn)));
            edw[l] = new float[ew[l].length];
            edb[l] = new float[EC[l + 1]];
            ea[l + 1] = new float[B * EC[l + 1] * EH[l + 1] * EH[l + 1]];
            eg[l + 1] = new float[ea[l + 1].length];
            if (l > 0) eg[l] = new float[ea[l].length];
        }
        f = uniform(r, B * FEAT, 1f);
        fcW = uniform(r, 1024 * FEAT, (float) (1 / Math.sqrt(FEAT)));
        fcB = uniform(r, 1024, (float) (1 / Math.sqrt(FEAT)));
        fcDW = new float[fcW.length];
        fcDB = new float[1024];
        da[0] = new float[B * 1024];
        dg[0] = new float[B * 1024];
        for (int l = 0; l < 4; l++) {
            int fanIn = DC[l + 1] * DK[l] * DK[l];
            dw[l] = uniform(r, DC[l] * DC[l + 1] * DK[l] * DK[l], (float) (1 / Math.sqrt(fanIn)));
            db[l] = uniform(r, DC[l + 1], (float) (1 / Math.sqrt(fanIn)));
            ddw[l] = new float[dw[l].length];
            ddb[l] = new float[DC[l + 1]];
            da[l + 1] = new float[B * DC[l + 1] * DH[l + 1] * DH[l + 1]];
            dg[l + 1] = new float[da[l + 1].length];
        }
        target = uniform(r, B * 3 * 64 * 64, 0.5f);
    }

    private static float[] uniform(Random r, int n, float scale) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (r.nextFloat() * 2 - 1) * scale;
        return x;
    }

    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

    /**
     * In-place ReLU, vectorized like the engine's own RELU kernel (Elementwise: {@code max(x, 0)}) and like
     * torch.relu in the PyTorch twin; a scalar compare-and-store loop here cost ~0.1 ms per image.
     */
    private static void relu(float[] x) {
        int i = 0, ub = S.loopBound(x.length);
        FloatVector zero = FloatVector.zero(S);
        for (; i < ub; i += S.length()) FloatVector.fromArray(S, x, i).max(zero).intoArray(x, i);
        for (; i < x.length; i++) x[i] = Math.max(x[i], 0f);
    }

    /** g *= (a > 0): ReLU backward through its output a (vectorized: g where a > 0, else 0). */
    private static void reluBackward(float[] a, float[] g) {
        int i = 0, ub = S.loopBound(g.length);
        FloatVector zero = FloatVector.zero(S);
        for (; i < ub; i += S.length()) {
            FloatVector gv = FloatVector.fromArray(S, g, i);
            gv.blend(zero, FloatVector.fromArray(S, a, i).compare(VectorOperators.LE, 0f)).intoArray(g, i);
        }
        for (; i < g.length; i++) if (a[i] <= 0f) g[i] = 0f;
    }

    void encoderForward() {
        for (int l = 0; l < 4; l++) {
            Conv.conv2d(ea[l], B, EC[l], EH[l], EH[l], ew[l], EC[l + 1], 4, 4, 2, 0, eb[l], ea[l + 1]);
            relu(ea[l + 1]);
        }
    }

    @Benchmark
    public float[] encoderFwd() {
        encoderForward();
        return ea[4];
    }

    @Benchmark
    public float[] encoderFwdBwd() {
        encoderForward();
        float[] out = ea[4], g = eg[4];
        float scale = 2f / out.length; // d mean(out^2)
        for (int i = 0; i < out.length; i++) g[i] = scale * out[i];
        for (int l = 3; l >= 0; l--) {
            reluBackward(ea[l + 1], eg[l + 1]);
            int oh = EH[l + 1];
            Conv.conv2dBackwardBias(eg[l + 1], B, EC[l + 1], oh, oh, edb[l]);
            Conv.conv2dBackwardWeight(ea[l], eg[l + 1], B, EC[l], EH[l], EH[l], EC[l + 1], 4, 4, 2, 0, edw[l]);
            if (l > 0)
                Conv.conv2dBackwardInput(eg[l + 1], B, EC[l], EH[l], EH[l], ew[l], EC[l + 1], 4, 4, 2, 0, eg[l]);
        }
        return edw[0];
    }

    void decoderForward() {
        // Linear(230, 1024): h = f · Wᵀ + b (PyTorch weight layout [out, in])
        float[] h = da[0];
        for (int i = 0; i < B; i++) System.arraycopy(fcB, 0, h, i * 1024, 1024);
        Gemm.sgemm(false, true, B, 1024, FEAT, f, 0, FEAT, fcW, 0, FEAT, h, 0, 1024, true);
        for (int l = 0; l < 4; l++) {
            Conv.convTranspose2d(da[l], B, DC[l], DH[l], DH[l], dw[l], DC[l + 1], DK[l], DK[l], 2, 0, 0, db[l], da[l + 1]);
            if (l < 3) relu(da[l + 1]);
        }
    }

    @Benchmark
    public float[] decoderFwd() {
        decoderForward();
        return da[4];
    }

    @Benchmark
    public float[] decoderFwdBwd() {
        decoderForward();
        float[] out = da[4], g = dg[4];
        for (int i = 0; i < out.length; i++) g[i] = (out[i] - target[i]) / B;
        for (int l = 3; l >= 0; l--) {
            if (l < 3) reluBackward(da[l + 1], dg[l + 1]);
            int oh = DH[l + 1];
            Conv.conv2dBackwardBias(dg[l + 1], B, DC[l + 1], oh, oh, ddb[l]);
            Conv.convTranspose2dBackwardWeight(da[l], dg[l + 1], B, DC[l], DH[l], DH[l], DC[l + 1], DK[l], DK[l], 2, 0, 0, ddw[l]);
            Conv.convTranspose2dBackwardInput(dg[l + 1], B, DC[l], DH[l], DH[l], dw[l], DC[l + 1], DK[l], DK[l], 2, 0, 0, dg[l]);
        }
        // Linear backward: dW = dhᵀ · f, db = column sums of dh (f needs no gradient)
        Gemm.sgemm(true, false, 1024, FEAT, B, dg[0], 0, 1024, f, 0, FEAT, fcDW, 0, FEAT, false);
        java.util.Arrays.fill(fcDB, 0f);
        for (int i = 0; i < B; i++)
            for (int j = 0; j < 1024; j++) fcDB[j] += dg[0][i * 1024 + j];
        return fcDW;
    }
}
