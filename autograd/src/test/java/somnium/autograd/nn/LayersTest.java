package somnium.autograd.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import somnium.autograd.GradCheck;
import somnium.autograd.Var;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/** nn layers against hand-computed closed forms. */
class LayersTest {
    private final Rng rng = new Rng(42);

    @Test
    void linearIsXWtPlusBAndInitializedLikePyTorch() {
        Linear lin = new Linear(2, 3, rng);
        lin.weight.value().copyFrom(Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 3, 2));
        lin.bias.value().copyFrom(Tensor.of(new float[] {0.5f, -1, 0}, 3));
        Var y = lin.forward(Var.constant(Tensor.of(new float[] {1, -1}, 1, 2)));
        assertArrayEquals(new float[] {-0.5f, -2, -1}, y.value().toFloatArray(), 1e-6f);

        Linear big = new Linear(100, 50, rng);
        float[] w = big.weight.value().toFloatArray();
        double bound = 1 / Math.sqrt(100), ss = 0;
        for (float v : w) {
            assertTrue(Math.abs(v) <= bound);
            ss += v * v;
        }
        assertEquals(bound * bound / 3, ss / w.length, 0.1 * bound * bound / 3); // variance of U(-b, b)
        assertEquals(100 * 50 + 50, big.parameterCount());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Linear(230, 200, rng).forward(Var.constant(Tensor.zeros(50, 100))));
        assertEquals("Linear(230->200) given [50, 100]", e.getMessage());
    }

    @Test
    void conv2dOfOnesSumsTheWindowAndConvTransposeShapes() {
        Conv2d conv = new Conv2d(1, 1, 2, 1, 0, true, rng);
        conv.weight.value().fill(1);
        conv.bias.value().fill(0.5);
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
        Var y = conv.forward(Var.constant(x));
        assertArrayEquals(new float[] {12.5f, 16.5f, 24.5f, 28.5f}, y.value().toFloatArray(), 1e-5f);
        ConvTranspose2d up = new ConvTranspose2d(4, 2, 4, 2, 1, true, rng);
        assertArrayEquals(new int[] {3, 2, 16, 16}, up.forward(Var.constant(Tensor.zeros(3, 4, 8, 8))).value().dims());
        assertThrows(IllegalArgumentException.class, () -> conv.forward(Var.constant(Tensor.zeros(1, 3, 3, 3))));
    }

    @Test
    void gruCellMatchesTheFormulaAndItsCompositeTwin() {
        GruCell cell = new GruCell(1, 1, rng);
        // weight_ih = [a_r, a_z, a_n], weight_hh = [c_r, c_z, c_n], biases
        cell.weightIh.value().copyFrom(Tensor.of(new float[] {0.5f, -0.3f, 0.8f}, 3, 1));
        cell.weightHh.value().copyFrom(Tensor.of(new float[] {0.2f, 0.4f, -0.6f}, 3, 1));
        cell.biasIh.value().copyFrom(Tensor.of(new float[] {0.1f, 0.0f, -0.1f}, 3));
        cell.biasHh.value().copyFrom(Tensor.of(new float[] {0.0f, 0.2f, 0.3f}, 3));
        double x = 1.5, h = -0.7;
        double r = sig(0.5 * x + 0.1 + 0.2 * h), z = sig(-0.3 * x + 0.4 * h + 0.2);
        double n = Math.tanh(0.8 * x - 0.1 + r * (-0.6 * h + 0.3));
        double expected = (1 - z) * n + z * h;
        Var out = cell.forward(Var.constant(Tensor.of(new float[] {(float) x}, 1, 1)), Var.constant(Tensor.of(new float[] {(float) h}, 1, 1)));
        assertEquals(expected, out.item(), 1e-6);

        GruCell big = new GruCell(5, 7, new Rng(1));
        Var xs = Var.constant(Tensor.randn(new Rng(2), 3, 5));
        Var h0 = Var.param(Tensor.randn(new Rng(3), 3, 7));
        big.forward(xs, h0).square().sum().backward();
        Map<String, Tensor> fused = copyGrads(big);
        Tensor dh0 = h0.grad().copy();
        big.zeroGrad();
        h0.zeroGrad();
        big.forwardComposite(xs, h0).square().sum().backward();
        for (Map.Entry<String, Var> e : big.namedParameters().entrySet())
            assertTrue(e.getValue().grad().allClose(fused.get(e.getKey()), 1e-4, 1e-5), e.getKey());
        assertTrue(h0.grad().allClose(dh0, 1e-4, 1e-5));
        assertEquals(List.of("weight_ih", "weight_hh", "bias_ih", "bias_hh"), List.copyOf(big.namedParameters().keySet()));
    }

    @Test
    void normGruCellGradientCheckAndFormula() {
        NormGruCell cell = new NormGruCell(3, 4, rng);
        Var x = Var.constant(Tensor.randn(new Rng(5), 2, 3)), h = Var.constant(Tensor.randn(new Rng(6), 2, 4));
        Var out = cell.forward(x, h);
        // by hand from the parts
        Tensor parts = somnium.autograd.FusedOps.layerNormComposite(
                Var.concat(-1, x, h).linear(cell.linear.weight, null), cell.norm.weight, cell.norm.bias, 1e-5).value();
        Tensor r = parts.narrow(1, 0, 4).sigmoid(), c = r.mul(parts.narrow(1, 4, 4)).tanh(), u = parts.narrow(1, 8, 4).sub(1).sigmoid();
        Tensor expected = u.mul(c).add(u.rsub(1).mul(h.value()));
        assertTrue(out.value().allClose(expected, 1e-5, 1e-6));
        GradCheck.check("NormGruCell wrt x,h", v -> cell.forward(v[0], v[1]), x.value(), h.value());
    }

    @Test
    void lstmCellMatchesTheFormula() {
        LstmCell cell = new LstmCell(1, 1, rng);
        cell.weightIh.value().copyFrom(Tensor.of(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, 4, 1));
        cell.weightHh.value().copyFrom(Tensor.of(new float[] {-0.1f, 0.5f, -0.3f, 0.2f}, 4, 1));
        cell.biasIh.value().fill(0.1);
        cell.biasHh.value().fill(0);
        double x = 2, h = 0.5, c = -0.4;
        double i = sig(0.2 + 0.1 - 0.05), f = sig(0.4 + 0.1 + 0.25), g = Math.tanh(0.6 + 0.1 - 0.15), o = sig(0.8 + 0.1 + 0.1);
        double c1 = f * c + i * g, h1 = o * Math.tanh(c1);
        LstmCell.State s = cell.forward(Var.constant(Tensor.of(new float[] {(float) x}, 1, 1)),
                new LstmCell.State(Var.constant(Tensor.of(new float[] {(float) h}, 1, 1)), Var.constant(Tensor.of(new float[] {(float) c}, 1, 1))));
        assertEquals(c1, s.c().item(), 1e-6);
        assertEquals(h1, s.h().item(), 1e-6);
    }

    @Test
    void layerNormAndRmsNormClosedForms() {
        LayerNorm ln = new LayerNorm(3, 0, true);
        Var y = ln.forward(Var.constant(Tensor.of(new float[] {1, 2, 3}, 1, 3)));
        double s = Math.sqrt(2.0 / 3);
        assertArrayEquals(new float[] {(float) (-1 / s), 0, (float) (1 / s)}, y.value().toFloatArray(), 1e-5f);
        RmsNorm rms = new RmsNorm(2, 0);
        Var z = rms.forward(Var.constant(Tensor.of(new float[] {3, 4}, 2)));
        double rmsv = Math.sqrt(12.5);
        assertArrayEquals(new float[] {(float) (3 / rmsv), (float) (4 / rmsv)}, z.value().toFloatArray(), 1e-5f);
        assertThrows(IllegalArgumentException.class, () -> ln.forward(Var.constant(Tensor.zeros(2, 4))));
    }

    @Test
    void dropoutZeroesAboutPAndRescalesInTrainingOnly() {
        Dropout d = new Dropout(0.25, new Rng(9));
        Var x = Var.constant(Tensor.ones(100, 100));
        float[] y = d.forward(x).value().toFloatArray();
        int zeros = 0;
        for (float v : y) {
            if (v == 0) zeros++;
            else assertEquals(1 / 0.75, v, 1e-6);
        }
        assertEquals(0.25, zeros / 10000.0, 0.02);
        d.eval();
        assertSame(x, d.forward(x));
    }

    @Test
    void moduleNamesStateDictAndModes() {
        Mlp mlp = new Mlp(3, new int[] {4, 4}, 2, Activation.ELU, Mlp.Norm.LAYER, rng);
        assertEquals(List.of("linear0.weight", "norm0.weight", "norm0.bias", "linear1.weight", "norm1.weight", "norm1.bias", "out.weight", "out.bias"),
                List.copyOf(mlp.namedParameters().keySet()));
        assertEquals(3 * 4 + 8 + 4 * 4 + 8 + 4 * 2 + 2, mlp.parameterCount());
        mlp.eval();
        assertTrue(!mlp.isTraining() && !mlp.children().get("linear0").isTraining());

        Mlp other = new Mlp(3, new int[] {4, 4}, 2, Activation.ELU, Mlp.Norm.LAYER, new Rng(99));
        other.loadStateDict(mlp.stateDict());
        Var x = Var.constant(Tensor.randn(rng, 5, 3));
        assertTrue(other.forward(x).value().allClose(mlp.forward(x).value(), 0, 0));
        assertNotSame(other.stateDict().get("out.bias"), mlp.stateDict().get("out.bias"));

        Map<String, Tensor> bad = new java.util.LinkedHashMap<>(mlp.stateDict());
        bad.remove("out.bias");
        bad.put("out.weight", Tensor.zeros(3, 3));
        bad.put("extra", Tensor.zeros(1));
        Tensor before = other.stateDict().get("linear0.weight").copy();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> other.loadStateDict(bad));
        assertTrue(e.getMessage().contains("missing 'out.bias'") && e.getMessage().contains("'out.weight' has shape [3, 3]")
                && e.getMessage().contains("unexpected 'extra'"), e.getMessage());
        assertTrue(other.stateDict().get("linear0.weight").allClose(before, 0, 0)); // nothing half-loaded
    }

    @Test
    void initializers() {
        Tensor q = Init.orthogonal(new Rng(3), 4, 6, 1.0);
        assertTrue(q.matmul(q.t()).allClose(Tensor.eye(4), 1e-5, 1e-5));
        Tensor tall = Init.orthogonal(new Rng(3), 6, 4, 2.0);
        assertTrue(tall.t().matmul(tall).allClose(Tensor.eye(4).mul(4), 1e-4, 1e-4));
        double bound = Math.sqrt(6.0 / (30 + 20));
        for (float v : Init.xavierUniform(rng, 30, 20, 1, 20, 30).toFloatArray()) assertTrue(Math.abs(v) <= bound);
        assertEquals(Activation.SILU, Activation.parse("silu"));
        assertThrows(IllegalArgumentException.class, () -> Activation.parse("swish2"));
        // same seed, same weights
        assertTrue(new Linear(3, 3, new Rng(7)).weight.value().allClose(new Linear(3, 3, new Rng(7)).weight.value(), 0, 0));
    }

    private static Map<String, Tensor> copyGrads(Module m) {
        Map<String, Tensor> out = new java.util.HashMap<>();
        m.namedParameters().forEach((k, v) -> out.put(k, v.grad().copy()));
        return out;
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
