package somnium.autograd.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import somnium.autograd.Var;
import somnium.autograd.nn.Activation;
import somnium.autograd.nn.GruCell;
import somnium.autograd.nn.Linear;
import somnium.autograd.nn.Mlp;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;

/** Optimizers against hand-computed steps, clipping, state round trips, and two small learning tasks. */
class OptimTest {
    @Test
    void adamTwoStepsByHand() {
        Var p = Var.param(Tensor.of(new float[] {1}, 1));
        Adam adam = new Adam(List.of(p), 0.1);
        double m = 0, v = 0, x = 1;
        double[] grads = {0.5, 0.25};
        for (int t = 1; t <= 2; t++) {
            p.setGrad(null);
            p.mul(grads[t - 1]).sum().backward(); // dL/dp = grads[t-1]
            adam.step();
            double g = grads[t - 1];
            m = 0.9 * m + 0.1 * g;
            v = 0.999 * v + 0.001 * g * g;
            x -= 0.1 * (m / (1 - Math.pow(0.9, t))) / (Math.sqrt(v / (1 - Math.pow(0.999, t))) + 1e-8);
            assertEquals(x, p.value().item(), 1e-6, "step " + t);
        }
        assertEquals(0.9, 1 - 0.1, 1e-12);
        assertEquals(2, adam.steps());
    }

    @Test
    void adamWDecaysWeightsDecoupled() {
        Var p = Var.param(Tensor.of(new float[] {2}, 1));
        AdamW opt = new AdamW(Map.of("p", p), 0.1, 0.9, 0.999, 1e-8, 0.5);
        p.mul(0.0).sum().backward(); // zero gradient: only the decay acts
        opt.step();
        assertEquals(2 * (1 - 0.1 * 0.5), p.value().item(), 1e-6);
    }

    @Test
    void laPropFirstStepIsSignedLr() {
        Var p = Var.param(Tensor.of(new float[] {1, 1}, 2));
        LaProp opt = new LaProp(Map.of("p", p), 0.01, 0.9, 0.99, 1e-12);
        p.mul(Tensor.of(new float[] {3, -0.2f}, 2)).sum().backward();
        opt.step(); // normalized gradient is sign(g) on the first step
        assertEquals(0.99, p.value().get(0), 1e-6);
        assertEquals(1.01, p.value().get(1), 1e-6);
    }

    @Test
    void clipGradNormReturnsTheNormAndScales() {
        Var a = Var.param(Tensor.of(new float[] {0, 0}, 2)), b = Var.param(Tensor.of(new float[] {0}, 1));
        a.setGrad(Tensor.of(new float[] {3, 0}, 2));
        b.setGrad(Tensor.of(new float[] {4}, 1));
        // setGrad keeps the given tensors; clipping scales them in place
        double norm = GradClip.clipGradNorm(List.of(a, b), 1.0);
        assertEquals(5, norm, 1e-6);
        assertEquals(1.0, GradClip.globalNorm(List.of(a, b)), 1e-5);
        assertEquals(0, GradClip.adaptiveClip(List.of(a, b), 1000, 1e-3)); // limit 1000 * 1e-3 = 1 > 0.8
        assertEquals(2, GradClip.adaptiveClip(List.of(a, b), 0.3, 1e-3)); // |p| = 0 -> limit 0.3 * 1e-3
        assertEquals(0.3e-3, Math.sqrt(a.grad().square().sum().item()), 1e-8);
    }

    @Test
    void adamStateExportsAndImportsForCheckpoints() {
        Linear lin = new Linear(3, 2, new Rng(1));
        Adam a = new Adam(lin.namedParameters(), 0.01, 1e-8);
        lin.forward(Var.constant(Tensor.ones(4, 3))).square().sum().backward();
        a.step();
        Map<String, Tensor> state = a.exportState();
        assertTrue(state.containsKey("exp_avg.weight") && state.containsKey("exp_avg_sq.bias"));
        Adam b = new Adam(new Linear(3, 2, new Rng(2)).namedParameters(), 0.01, 1e-8);
        b.importState(state);
        assertEquals(1, b.steps());
        assertTrue(b.exportState().get("exp_avg.weight").allClose(state.get("exp_avg.weight"), 0, 0));
        Map<String, Tensor> bad = new java.util.HashMap<>(state);
        bad.put("exp_avg.weight", Tensor.zeros(5));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> b.importState(bad));
        assertTrue(e.getMessage().contains("exp_avg.weight"), e.getMessage());
    }

    @Test
    void mlpFitsA1dRegression() {
        Rng rng = new Rng(0);
        Mlp mlp = new Mlp(1, new int[] {32, 32}, 1, Activation.TANH, Mlp.Norm.NONE, rng);
        Adam opt = new Adam(mlp.namedParameters(), 0.01, 1e-8);
        Tensor x = Tensor.arange(64).mul(6.0 / 63).sub(3).reshape(64, 1);
        Tensor y = x.sin();
        double first = 0, last = 0;
        for (int step = 0; step < 600; step++) {
            try (TensorScope scope = TensorScope.open()) {
                Var loss = mlp.forward(Var.constant(x)).sub(y).square().mean();
                loss.backward();
                opt.step();
                opt.zeroGrad();
                if (step == 0) first = loss.item();
                last = loss.item();
            }
        }
        assertTrue(last < 0.01 && last < first / 20, "loss " + first + " -> " + last);
    }

    @Test
    void gruLearnsToRecallTheFirstInput() {
        // Sequence of 6 random numbers; the target after the last step is the first one.
        Rng rng = new Rng(1);
        GruCell cell = new GruCell(1, 16, rng);
        Linear head = new Linear(16, 1, rng);
        Map<String, Var> params = new java.util.LinkedHashMap<>();
        cell.namedParameters().forEach((k, v) -> params.put("cell." + k, v));
        head.namedParameters().forEach((k, v) -> params.put("head." + k, v));
        Adam opt = new Adam(params, 0.01, 1e-8);
        int b = 32, steps = 6;
        double first = 0, last = 0;
        for (int it = 0; it < 300; it++) {
            try (TensorScope scope = TensorScope.open()) {
                Tensor xs = Tensor.randn(rng, steps, b, 1);
                Var h = Var.constant(Tensor.zeros(b, 16));
                for (int t = 0; t < steps; t++) h = cell.forward(Var.constant(xs.select(0, t)), h);
                Var loss = head.forward(h).sub(xs.select(0, 0)).square().mean();
                loss.backward();
                GradClip.clipGradNorm(opt.parameters(), 1.0);
                opt.step();
                opt.zeroGrad();
                if (it < 10) first += loss.item() / 10;
                if (it >= 290) last += loss.item() / 10;
            }
        }
        assertTrue(last < 0.1 && last < first / 5, "loss " + first + " -> " + last);
    }
}
