package somnium.tensor;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import somnium.tensor.cpu.BufferPool;

class ScopeRngAdamTest {
    @Test
    void scopeReturnsTemporariesAndKeepsWhatIsKept() {
        Tensor a = Tensor.ones(123, 7);
        Tensor kept;
        Tensor leaked;
        long hits0;
        try (TensorScope scope = TensorScope.open()) {
            Tensor t = a.mul(2).add(1);
            leaked = t;
            kept = scope.keep(t.sum(0));
            assertTrue(scope.size() >= 1);
        }
        assertArrayEquals(new float[] {3 * 123, 3 * 123, 3 * 123, 3 * 123, 3 * 123, 3 * 123, 3 * 123}, kept.toFloatArray());
        IllegalStateException e = assertThrows(IllegalStateException.class, leaked::toFloatArray);
        assertTrue(e.getMessage().contains("released"), e.getMessage());
        assertTrue(leaked.toString().contains("released"));
        // A second identical step is served from the pool.
        hits0 = BufferPool.INSTANCE.hits();
        try (TensorScope scope = TensorScope.open()) {
            a.mul(2).add(1);
        }
        assertTrue(BufferPool.INSTANCE.hits() >= hits0 + 2, "pool hits");
        // Tensors created outside a scope are untouched by it.
        assertEquals(123 * 7, a.sum().item(), 0);
    }

    @Test
    void nestedScopesHandKeptTensorsToTheParent() {
        Tensor kept;
        try (TensorScope outer = TensorScope.open()) {
            try (TensorScope inner = TensorScope.open()) {
                kept = inner.keep(Tensor.full(5, 3));
            }
            assertEquals(15, kept.sum().item(), 0);
        }
        Tensor k = kept;
        assertThrows(IllegalStateException.class, k::toFloatArray);
    }

    @Test
    void rngIsReproducibleAndAdvances() {
        Rng a = new Rng(42), b = new Rng(42);
        Tensor x = a.normal(1000), y = b.normal(1000);
        assertArrayEquals(x.toFloatArray(), y.toFloatArray());
        assertEquals(Philox.wordsUsedNormal(1000), a.offset());
        Tensor x2 = a.normal(1000);
        assertFalse(java.util.Arrays.equals(x.toFloatArray(), x2.toFloatArray()));
        // Resuming from a saved (seed, offset) continues the same stream.
        Rng resumed = new Rng(42, Philox.wordsUsedNormal(1000));
        assertArrayEquals(x2.toFloatArray(), resumed.normal(1000).toFloatArray());
        Tensor u = new Rng(7).uniform(Shape.of(10000), -2, 3, DType.F32, Device.CPU);
        assertTrue(u.min().item() >= -2 && u.max().item() < 3);
        assertEquals(0.5, u.mean().item(), 0.05);
        Tensor n = new Rng(9).normal(Shape.of(20000), 1, 2, DType.F64, Device.CPU);
        assertEquals(1, n.mean().item(), 0.05);
        assertEquals(4, n.var().item(), 0.15);
        // Tensor values equal the Philox fill for the same (seed, offset).
        float[] ref = new float[17];
        Philox.fillUniform(ref, 0, 17, 3, 0, 0f, 1f);
        assertArrayEquals(ref, new Rng(3).uniform(17).toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> new Rng(1).uniform(Shape.of(2), 1, 1, DType.F32, Device.CPU));
    }

    @Test
    void adamStepMatchesHandComputedValues() {
        for (DType dt : new DType[] {DType.F32, DType.F64}) {
            Tensor p = Tensor.of(new double[] {1.0, -2.0}, 2).toType(dt);
            Tensor g = Tensor.of(new double[] {0.5, -1.0}, 2).toType(dt);
            Tensor m = Tensor.zeros(dt, Shape.of(2)), v = Tensor.zeros(dt, Shape.of(2));
            double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
            p.adamStepInPlace(g, m, v, lr, b1, b2, eps, 0, false, 1);
            // Step 1: m_hat = g, v_hat = g^2, so p -= lr * g/(|g| + eps) = lr * sign(g).
            assertEquals(0.9, p.get(0), 1e-6);
            assertEquals(-1.9, p.get(1), 1e-6);
            assertEquals(0.05, m.get(0), 1e-7);
            assertEquals(0.001 * 0.25, v.get(0), dt == DType.F64 ? 1e-12 : 1e-8);
            // Step 2 with the same gradient, by hand.
            p.adamStepInPlace(g, m, v, lr, b1, b2, eps, 0, false, 2);
            double m2 = 0.9 * 0.05 + 0.1 * 0.5, v2 = 0.999 * 0.00025 + 0.001 * 0.25;
            double p1 = 1.0 - lr * 0.5 / (0.5 + eps);
            double expected = p1 - lr * (m2 / (1 - 0.81)) / (Math.sqrt(v2 / (1 - 0.999 * 0.999)) + eps);
            assertEquals(expected, p.get(0), dt == DType.F64 ? 1e-12 : 1e-6);
            // AdamW decoupled decay vs L2.
            Tensor q = Tensor.of(new double[] {2.0}, 1).toType(dt), gq = Tensor.zeros(dt, Shape.of(1));
            q.adamStepInPlace(gq, Tensor.zeros(dt, Shape.of(1)), Tensor.zeros(dt, Shape.of(1)), 0.1, b1, b2, eps, 0.5, true, 1);
            assertEquals(2.0 - 0.1 * 0.5 * 2.0, q.get(0), 1e-6);
        }
    }

    @Test
    void adamVectorLanesMatchTheScalarTailBitForBit() {
        // 37 elements: vector lanes plus a scalar tail. Each element stepped alone (a 1-element tensor, scalar
        // path) must give the same bits as in the long tensor, for L2 and decoupled decay.
        Rng rng = new Rng(5);
        for (boolean decoupled : new boolean[] {false, true}) {
            Tensor p = rng.normal(Shape.of(37), 0, 1, DType.F32, Device.CPU), g = rng.normal(Shape.of(37), 0, 1, DType.F32, Device.CPU);
            Tensor m = rng.normal(Shape.of(37), 0, 0.1, DType.F32, Device.CPU), v = rng.uniform(Shape.of(37), 0, 0.1, DType.F32, Device.CPU);
            float[] p0 = p.toFloatArray(), g0 = g.toFloatArray(), m0 = m.toFloatArray(), v0 = v.toFloatArray();
            p.adamStepInPlace(g, m, v, 1e-3, 0.9, 0.999, 1e-8, 0.01, decoupled, 3);
            for (int i = 0; i < 37; i++) {
                Tensor pi = Tensor.of(new float[] {p0[i]}, 1), mi = Tensor.of(new float[] {m0[i]}, 1), vi = Tensor.of(new float[] {v0[i]}, 1);
                pi.adamStepInPlace(Tensor.of(new float[] {g0[i]}, 1), mi, vi, 1e-3, 0.9, 0.999, 1e-8, 0.01, decoupled, 3);
                assertEquals(pi.get(0), p.get(i), 0.0, "param " + i + " decoupled=" + decoupled);
                assertEquals(mi.get(0), m.get(i), 0.0, "m " + i);
                assertEquals(vi.get(0), v.get(i), 0.0, "v " + i);
            }
        }
    }
}
