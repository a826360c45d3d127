package somnium.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import somnium.autograd.nn.GruCell;
import somnium.autograd.optim.Adam;
import somnium.autograd.optim.GradClip;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;

/**
 * Deferred weight-gradient products ({@link Var#accumulateMatmul}): the gradients equal the eager ones (each
 * product added at once) to float rounding, whatever reads them after backward (grad(), zeroGrad, optimizers,
 * clipping), for leaves and for intermediates, with short and long products mixed.
 */
class DeferredMatmulGradTest {
    @AfterEach
    void restore() {
        Var.deferMatmulGrads = true;
    }

    /** Runs {@code backwardPass} with deferral on and off and returns the gradients of {@code params} of both. */
    private static List<float[]>[] bothWays(List<Var> params, Runnable backwardPass) {
        @SuppressWarnings("unchecked")
        List<float[]>[] out = new List[2];
        for (int mode = 0; mode < 2; mode++) {
            Var.deferMatmulGrads = mode == 0;
            for (Var p : params) p.zeroGrad();
            backwardPass.run();
            out[mode] = new ArrayList<>();
            for (Var p : params) {
                assertNotNull(p.grad(), "every parameter got a gradient");
                out[mode].add(p.grad().toFloatArray());
            }
        }
        return out;
    }

    private static void assertClose(float[] expected, float[] actual, double relTol) {
        assertEquals(expected.length, actual.length);
        double scale = 0;
        for (float e : expected) scale = Math.max(scale, Math.abs(e));
        for (int i = 0; i < expected.length; i++)
            assertEquals(expected[i], actual[i], relTol * scale + 1e-7, "element " + i);
    }

    private static void assertSameGrads(List<float[]>[] both) {
        for (int i = 0; i < both[0].size(); i++) assertClose(both[1].get(i), both[0].get(i), 1e-5);
    }

    @Test
    void gruUnrollGradientsEqualTheEagerOnes() {
        Rng rng = new Rng(3);
        int b = 8, t = 40; // 40 products of k = 8 per weight: gathered into one GEMM
        GruCell cell = new GruCell(12, 10, rng);
        Tensor xs = Tensor.randn(rng, t, b, 12);
        List<float[]>[] both = bothWays(cell.parameters(), () -> {
            try (TensorScope scope = TensorScope.open()) {
                Var h = Var.constant(Tensor.zeros(b, 10)), loss = null;
                for (int i = 0; i < t; i++) {
                    h = cell.forward(Var.constant(xs.select(0, i).contiguous()), h);
                    Var term = h.square().sum();
                    loss = loss == null ? term : loss.add(term);
                }
                loss.backward();
            }
        });
        assertSameGrads(both);
    }

    @Test
    void shortAndLongProductsAndManyGroupsMix() {
        // k = 5, 300 (on its own), then enough k = 100 products to need several GEMMs of at most DEFER_MAX_K rows.
        Rng rng = new Rng(4);
        Var w = Var.param(Tensor.randn(rng, 7, 6));
        int[] rows = {5, 300, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 3};
        Tensor[] xs = new Tensor[rows.length];
        for (int i = 0; i < rows.length; i++) xs[i] = Tensor.randn(rng, rows[i], 6);
        List<float[]>[] both = bothWays(List.of(w), () -> {
            Var loss = null;
            for (Tensor x : xs) {
                Var term = Var.constant(x).linear(w, null).tanh().sum();
                loss = loss == null ? term : loss.add(term);
            }
            loss.backward();
        });
        assertSameGrads(both);
    }

    @Test
    void anIntermediateWeightCollectsItsProductsBeforeItsBackwardRuns() {
        // v = 2 w is not a leaf: its products are added when v's node runs, then passed on to w; retainGrad keeps them.
        Rng rng = new Rng(5);
        Var w = Var.param(Tensor.randn(rng, 4, 3));
        Tensor x1 = Tensor.randn(rng, 6, 3), x2 = Tensor.randn(rng, 9, 3);
        float[][] vGrad = new float[2][];
        List<float[]>[] both = bothWays(List.of(w), () -> {
            Var v = w.mul(2).retainGrad();
            Var y = Var.constant(x1).linear(v, null).square().sum().add(Var.constant(x2).linear(v, null).sin().sum());
            y.backward();
            vGrad[Var.deferMatmulGrads ? 0 : 1] = v.grad().toFloatArray();
        });
        assertSameGrads(both);
        assertClose(vGrad[1], vGrad[0], 1e-5);
        assertClose(both[0].get(0), scaled(vGrad[0], 2), 1e-5);
    }

    private static float[] scaled(float[] a, float s) {
        float[] r = a.clone();
        for (int i = 0; i < r.length; i++) r[i] *= s;
        return r;
    }

    @Test
    void gradientsAccumulateOverBackwardCallsAndZeroGradClearsThem() {
        Rng rng = new Rng(6);
        Var w = Var.param(Tensor.randn(rng, 5, 4));
        Tensor x = Tensor.randn(rng, 3, 4);
        Supplier<Var> loss = () -> {
            Var h = Var.constant(x);
            Var total = null;
            for (int i = 0; i < 4; i++) {
                Var y = h.linear(w, null).narrow(1, 0, 4).tanh();
                total = total == null ? y.sum() : total.add(y.sum());
                h = y;
            }
            return total;
        };
        loss.get().backward();
        assertFalse(w.hasDeferred(), "nothing is left pending after backward");
        float[] once = w.grad().toFloatArray();
        loss.get().backward();
        assertClose(scaled(once, 2), w.grad().toFloatArray(), 1e-6);
        w.zeroGrad();
        loss.get().backward();
        assertClose(once, w.grad().toFloatArray(), 1e-6);
    }

    @Test
    void optimizerAndClippingSeeTheWholeGradient() {
        Rng rng = new Rng(7);
        Tensor w0 = Tensor.randn(rng, 6, 5), x = Tensor.randn(rng, 30, 5);
        double[] norms = new double[2];
        float[][] after = new float[2][];
        for (int mode = 0; mode < 2; mode++) {
            Var.deferMatmulGrads = mode == 0;
            Var w = Var.param(w0.copy());
            Adam opt = new Adam(List.of(w), 1e-2);
            for (int step = 0; step < 3; step++) {
                w.zeroGrad();
                Var loss = null;
                for (int i = 0; i < 10; i++) {
                    Var term = Var.constant(x.narrow(0, 3 * i, 3)).linear(w, null).square().sum();
                    loss = loss == null ? term : loss.add(term);
                }
                loss.backward();
                norms[mode] = GradClip.clipGradNorm(List.of(w), 1.0);
                opt.step();
            }
            after[mode] = w.value().toFloatArray();
        }
        assertEquals(norms[1], norms[0], 1e-5 * norms[1]);
        assertTrue(norms[0] > 1.0, "the clip was active");
        assertClose(after[1], after[0], 1e-5);
    }
}
