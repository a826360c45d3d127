package somnium.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;

/** The graph mechanics: recording, backward order, freeing, accumulation, detach, no-grad, versions. */
class VarTest {
    @Test
    void microgradStyleScalarExample() {
        // f(a, b) = tanh(a*b + a); df/da = (1 - f^2)(b + 1), df/db = (1 - f^2) a
        Var a = Var.param(Tensor.of(new double[] {0.5}));
        Var b = Var.param(Tensor.of(new double[] {-1.5}));
        Var f = a.mul(b).add(a).tanh();
        f.sum().backward();
        double fv = Math.tanh(0.5 * -1.5 + 0.5);
        assertEquals(fv, f.item(), 1e-12);
        assertEquals((1 - fv * fv) * (-1.5 + 1), a.grad().item(), 1e-12);
        assertEquals((1 - fv * fv) * 0.5, b.grad().item(), 1e-12);
    }

    @Test
    void diamondGraphSumsBothPaths() {
        // y = x*x + x*x reused: dy/dx = 4x, every node runs once after all its consumers
        Var x = Var.param(Tensor.of(new double[] {3}));
        Var sq = x.mul(x);
        Var y = sq.add(sq);
        y.sum().backward();
        assertEquals(12, x.grad().item(), 1e-12);
    }

    @Test
    void backwardOfAHundredThousandNodeChainDoesNotOverflowTheStack() {
        Var x = Var.param(Tensor.of(new double[] {1.0}));
        Var h = x;
        int n = 100_000;
        for (int i = 0; i < n; i++) h = h.mul(1.00001).add(1e-6);
        h.sum().backward();
        assertEquals(Math.pow(1.00001, n), x.grad().item(), 1e-9);
    }

    @Test
    void secondBackwardThroughAFreedGraphIsAClearError() {
        Var x = Var.param(Tensor.of(new double[] {2}));
        Var y = x.tanh().mul(3).sum();
        y.backward();
        IllegalStateException e = assertThrows(IllegalStateException.class, y::backward);
        assertTrue(e.getMessage().contains("already freed"), e.getMessage());
    }

    @Test
    void retainGraphAllowsASecondBackwardAndGradientsAccumulate() {
        Var x = Var.param(Tensor.of(new double[] {2}));
        Var y = x.square().sum();
        y.backward(true);
        y.backward();
        assertEquals(8, x.grad().item(), 1e-12); // 2 * 2x
        x.zeroGrad();
        assertEquals(0, x.grad().item());
        x.square().sum().backward();
        assertEquals(4, x.grad().item(), 1e-12);
    }

    @Test
    void freedGraphDropsItsReferences() {
        Var x = Var.param(Tensor.of(new double[] {1, 2}, 2));
        Var y = x.exp();
        Var loss = y.sum();
        loss.backward();
        assertTrue(y.node().isFreed());
        assertTrue(loss.node().isFreed());
    }

    @Test
    void detachAndConstantsStopGradients() {
        Var x = Var.param(Tensor.of(new double[] {3}));
        Var y = x.mul(x.detach()); // d/dx = x (the detached factor is a constant)
        y.sum().backward();
        assertEquals(3, x.grad().item(), 1e-12);
        assertFalse(x.detach().requiresGrad());
        Var c = Var.constant(Tensor.of(new double[] {1}));
        assertFalse(c.exp().requiresGrad());
        assertThrows(IllegalStateException.class, () -> c.exp().sum().backward());
    }

    @Test
    void noGradScopeRecordsNothing() {
        Var x = Var.param(Tensor.of(new double[] {3}));
        Var y;
        try (NoGrad ng = NoGrad.open()) {
            assertFalse(NoGrad.isGradEnabled());
            y = x.mul(2);
        }
        assertTrue(NoGrad.isGradEnabled());
        assertFalse(y.requiresGrad());
        assertNull(y.node());
        assertTrue(x.mul(2).requiresGrad());
    }

    @Test
    void inPlaceChangeOfASavedTensorIsCaught() {
        Var w = Var.param(Tensor.of(new double[] {1, 2}, 2));
        Var x = Var.constant(Tensor.of(new double[] {3, 4}, 2));
        Var loss = w.mul(x).sum();
        w.value().addInPlace(Tensor.of(new double[] {1, 1}, 2)); // e.g. an optimizer step before backward
        IllegalStateException e = assertThrows(IllegalStateException.class, loss::backward);
        assertTrue(e.getMessage().contains("'mul'") && e.getMessage().contains("modified in place"), e.getMessage());
    }

    @Test
    void inPlaceChangeOfAnUnsavedInputIsFine() {
        Var w = Var.param(Tensor.of(new double[] {1, 2}, 2));
        Var loss = w.add(Var.constant(Tensor.of(new double[] {1}, 1))).sum();
        w.value().addInPlace(Tensor.of(new double[] {1, 1}, 2)); // add does not read its inputs in backward
        loss.backward();
        assertArrayEquals(new double[] {1, 1}, w.grad().toDoubleArray());
    }

    @Test
    void broadcastGradientsAreReducedToTheInputShape() {
        Var b = Var.param(Tensor.of(new double[] {1, 2, 3}, 3));
        Var x = Var.constant(Tensor.ones(4, 3).toType(somnium.tensor.DType.F64));
        x.add(b).sum().backward();
        assertArrayEquals(new double[] {4, 4, 4}, b.grad().toDoubleArray());
        assertEquals(b.shape(), b.grad().shape());
    }

    @Test
    void retainGradKeepsAnIntermediatesGradient() {
        Var x = Var.param(Tensor.of(new double[] {1, 2}, 2));
        Var y = x.mul(3).retainGrad();
        y.square().sum().backward();
        assertArrayEquals(new double[] {6, 12}, y.grad().toDoubleArray(), 1e-12); // 2y
        assertArrayEquals(new double[] {18, 36}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void backwardNeedsAScalarOrAnExplicitGradient() {
        Var x = Var.param(Tensor.of(new double[] {1, 2}, 2));
        Var y = x.mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, y::backward);
        assertTrue(e.getMessage().contains("[2]"), e.getMessage());
        y.backward(Tensor.of(new double[] {1, 10}, 2), false);
        assertArrayEquals(new double[] {2, 20}, x.grad().toDoubleArray());
    }

    @Test
    void parameterGradientsSurviveTheTensorScopeOfTheStep() {
        Var w = Var.param(Tensor.of(new float[] {1, 2}, 2));
        for (int step = 0; step < 2; step++) {
            try (TensorScope scope = TensorScope.open()) {
                w.mul(w).sum().backward();
            }
        }
        assertArrayEquals(new float[] {4, 8}, w.grad().toFloatArray()); // accumulated over both steps
    }

    @Test
    void linearNamesItsShapesOnBadInput() {
        Var x = Var.constant(Tensor.zeros(50, 100));
        Var w = Var.param(Tensor.zeros(200, 230));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.linear(w, null));
        assertTrue(e.getMessage().contains("230->200") && e.getMessage().contains("[50, 100]"), e.getMessage());
    }

    @Test
    void backwardWithInputsFillsOnlyThoseLeaves() {
        somnium.tensor.Rng rng = new somnium.tensor.Rng(11);
        Var w1 = Var.param(Tensor.randn(rng, 4, 3)), w2 = Var.param(Tensor.randn(rng, 5, 4)), b2 = Var.param(Tensor.randn(rng, 5));
        Tensor x = Tensor.randn(rng, 6, 3);
        java.util.function.Supplier<Var> loss = () -> Var.constant(x).linear(w1, null).tanh().linear(w2, b2).square().sum();
        loss.get().backward();
        float[] full = w1.grad().toFloatArray();
        w1.zeroGrad();
        w2.zeroGrad();
        b2.zeroGrad();
        float[] w2Before = w2.grad().toFloatArray();
        loss.get().backward(java.util.List.of(w1));
        assertArrayEquals(full, w1.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(w2Before, w2.grad().toFloatArray(), 0f);  // untouched (still zero)
        assertEquals(0, b2.grad().abs().sum().item(), 0);
        assertTrue(w2.requiresGrad() && b2.requiresGrad(), "the other leaves want gradients again after the pass");
        // a fresh parameter that was never asked for gets no gradient buffer at all
        Var w3 = Var.param(Tensor.randn(rng, 3, 3));
        Var.constant(x).linear(w3, null).linear(w1, null).sum().backward(java.util.List.of(w1));
        assertNull(w3.grad());
        Var mid = w1.mul(2);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mid.sum().backward(java.util.List.of(mid)));
        assertTrue(e.getMessage().contains("leaves"), e.getMessage());
    }
    @Test
    void backwardWithInputsSkipsBranchesThatLeadElsewhere() {
        // loss = sum(counted(x·W1ᵀ) * (x·W2ᵀ)): asked for W2 only, the branch through W1 leads nowhere wanted, so
        // its ops never run backward (the counting op stays at 0) and W1 gets no gradient buffer
        somnium.tensor.Rng rng = new somnium.tensor.Rng(3);
        Var w1 = Var.param(Tensor.randn(rng, 4, 3)), w2 = Var.param(Tensor.randn(rng, 4, 3));
        Var x = Var.constant(Tensor.randn(rng, 5, 3));
        int[] calls = {0};
        java.util.function.UnaryOperator<Var> counted = v -> Var.op("counted", v.value().copy(), (g, n) -> {
            calls[0]++;
            n.grad(0, g);
        }, v);
        java.util.function.Supplier<Var> loss = () -> counted.apply(x.linear(w1, null)).mul(x.linear(w2, null)).sum();

        loss.get().backward();
        assertEquals(1, calls[0]);
        float[] full = w2.grad().toFloatArray();
        Var w1Fresh = Var.param(w1.value().copy());
        calls[0] = 0;
        w2.zeroGrad();
        Var l = counted.apply(x.linear(w1Fresh, null)).mul(x.linear(w2, null)).sum();
        l.backward(java.util.List.of(w2), true);
        assertEquals(0, calls[0], "the branch that leads only to W1 ran its backward");
        assertNull(w1Fresh.grad());
        assertArrayEquals(full, w2.grad().toFloatArray(), 1e-6f);
        // the graph was retained: a second pass, now for W1, runs the counted op and fills W1 alone
        l.backward(java.util.List.of(w1Fresh));
        assertEquals(1, calls[0]);
        assertArrayEquals(w1.grad().toFloatArray(), w1Fresh.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(full, w2.grad().toFloatArray(), 1e-6f);
        // a loss that does not reach the input leaves it untouched
        Var w3 = Var.param(Tensor.randn(rng, 4, 3));
        x.linear(w1, null).sum().backward(java.util.List.of(w3));
        assertNull(w3.grad());
    }
}
