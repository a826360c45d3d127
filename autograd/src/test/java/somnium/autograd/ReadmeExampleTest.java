package somnium.autograd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import somnium.tensor.Tensor;

/** The worked example of autograd/README.md: the numbers printed there are checked here. */
class ReadmeExampleTest {
    @Test
    void twoLayerNetOnOneInput() {
        Var x = Var.constant(Tensor.of(new double[] {1, 2}, 1, 2));
        Var w1 = Var.param(Tensor.of(new double[] {0.5, -0.5, 1.0, 0.25}, 2, 2));
        Var b1 = Var.param(Tensor.of(new double[] {0, 0.5}, 2));
        Var w2 = Var.param(Tensor.of(new double[] {1, -1}, 1, 2));
        Var b2 = Var.param(Tensor.of(new double[] {0.2}, 1));

        Var h = x.linear(w1, b1).tanh();           // [1, 2]
        Var y = h.linear(w2, b2);                  // [1, 1]
        Var loss = y.sub(1.0).square().sum();      // (y - 1)^2
        loss.backward();

        assertArrayEquals(new double[] {-0.46211716, 0.96402758}, h.value().toDoubleArray(), 1e-8);
        assertEquals(-1.22614474, y.item(), 1e-8);
        assertEquals(4.95572039, loss.item(), 1e-8);
        assertArrayEquals(new double[] {-4.45228947}, b2.grad().toDoubleArray(), 1e-8);
        assertArrayEquals(new double[] {2.05747936, -4.29212985}, w2.grad().toDoubleArray(), 1e-8);
        assertArrayEquals(new double[] {-3.50149296, 0.31455792}, b1.grad().toDoubleArray(), 1e-8);
        assertArrayEquals(new double[] {-3.50149296, -7.00298593, 0.31455792, 0.62911585}, w1.grad().toDoubleArray(), 1e-8);
    }
}
