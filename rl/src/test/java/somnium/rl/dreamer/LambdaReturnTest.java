package somnium.rl.dreamer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import somnium.autograd.Var;
import somnium.tensor.Tensor;

class LambdaReturnTest {
    private static Var col(double... v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return Var.constant(Tensor.of(f, v.length, 1));
    }

    @Test
    void handComputedExampleWithBootstrap() {
        // r = 1, 2, 3; v_{t+1} = 10, 20, 30 (v_H = 30 is the bootstrap); d = 0.9; lambda = 0.5:
        // R_2 = 3 + 0.9 * (0.5 * 30 + 0.5 * 30)   = 30
        // R_1 = 2 + 0.9 * (0.5 * 20 + 0.5 * 30)   = 24.5
        // R_0 = 1 + 0.9 * (0.5 * 10 + 0.5 * 24.5) = 16.525
        Var r = col(1, 2, 3), v = col(10, 20, 30), d = col(0.9, 0.9, 0.9);
        assertArrayEquals(new float[] {16.525f, 24.5f, 30f}, LambdaReturn.compute(r, v, d, 0.5).value().toFloatArray(), 1e-5f);
        // lambda = 1: the discounted return bootstrapped at the horizon, 1 + .9*2 + .81*3 + .729*30 = 27.1.
        assertEquals(27.1, LambdaReturn.compute(r, v, d, 1.0).value().get(0, 0), 1e-4);
        // lambda = 0: one-step TD targets r_t + d v_{t+1}.
        assertArrayEquals(new float[] {10, 20, 30}, LambdaReturn.compute(r, v, d, 0.0).value().toFloatArray(), 1e-5f);
        // A zero discount (a terminal) cuts the bootstrap off.
        assertArrayEquals(new float[] {1 + 0.9f * (5 + 0.5f * 2), 2, 3 + 0.9f * 30},
                LambdaReturn.compute(r, v, col(0.9, 0, 0.9), 0.5).value().toFloatArray(), 1e-5f);
    }

    @Test
    void gradientsFlowIntoRewardsAndValues() {
        Var r = Var.param(Tensor.of(new float[] {1, 2, 3}, 3, 1));
        Var v = Var.param(Tensor.of(new float[] {10, 20, 30}, 3, 1));
        Var d = col(0.9, 0.9, 0.9);
        LambdaReturn.compute(r, v, d, 0.5).select(0, 0).sum().backward();
        // dR_0/dr = 1, d*l, (d*l)^2; dR_0/dv_1 = d(1-l); dv_2: (d l) d (1-l); dv_3: (d l)^2 d (1-l) + (d l)^2 d l... bootstrap
        double dl = 0.45;
        assertArrayEquals(new float[] {1, (float) dl, (float) (dl * dl)}, r.grad().toFloatArray(), 1e-6f);
        assertArrayEquals(new float[] {(float) (0.9 * 0.5), (float) (dl * 0.9 * 0.5), (float) (dl * dl * 0.9)}, v.grad().toFloatArray(), 1e-6f);
    }

    @Test
    void badShapesAreErrors() {
        assertThrows(IllegalArgumentException.class, () -> LambdaReturn.compute(col(1, 2), col(1, 2, 3), col(1, 1), 0.5));
        assertThrows(IllegalArgumentException.class, () -> LambdaReturn.compute(col(1), col(1), col(1), 1.5));
    }
}
