package somnium.rl.env;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import somnium.rl.env.Tolerance.Sigmoid;

class ToleranceTest {
    static final double EPS = 1e-12;

    @Test
    void insideBoundsIsOneIncludingTheEdges() {
        assertEquals(1.0, Tolerance.tolerance(0.3, 0.3, 0.5), EPS);
        assertEquals(1.0, Tolerance.tolerance(0.5, 0.3, 0.5), EPS);
        assertEquals(1.0, Tolerance.tolerance(0.5, 0.3, 0.5, 2, Sigmoid.LINEAR, 0.5), EPS);
    }

    @Test
    void zeroMarginIsAnIndicator() {
        assertEquals(0.0, Tolerance.tolerance(0.5000001, 0.3, 0.5), EPS);
        assertEquals(0.0, Tolerance.tolerance(0.2999999, 0.3, 0.5), EPS);
    }

    @Test
    void everySigmoidEqualsValueAtMarginAtDistanceOneMargin() {
        for (Sigmoid s : Sigmoid.values()) {
            // x = upper + margin (d = 1) and x = lower - margin
            assertEquals(0.3, Tolerance.tolerance(3.0, -1, 1, 2, s, 0.3), 1e-12, s.name());
            assertEquals(0.3, Tolerance.tolerance(-3.0, -1, 1, 2, s, 0.3), 1e-12, s.name());
        }
    }

    @Test
    void sigmoidsAtHalfMarginByHand() {
        // d = 0.5, value_at_margin v = 0.1
        double v = 0.1, d = 0.5;
        assertEquals(Math.exp(-0.5 * d * d * (-2 * Math.log(v))), Tolerance.sigmoid(d, v, Sigmoid.GAUSSIAN), EPS);
        assertEquals(1 - d * (1 - v), Tolerance.sigmoid(d, v, Sigmoid.LINEAR), EPS);
        assertEquals(1 - d * d * (1 - v), Tolerance.sigmoid(d, v, Sigmoid.QUADRATIC), EPS);
        assertEquals(1 / (d * (1 / v - 1) + 1), Tolerance.sigmoid(d, v, Sigmoid.RECIPROCAL), EPS);
        assertEquals(1 / (d * d * (1 / v - 1) + 1), Tolerance.sigmoid(d, v, Sigmoid.LONG_TAIL), EPS);
        // quadratic with value_at_margin 0 (cartpole small_control): 1 - u^2 inside, 0 beyond the margin
        assertEquals(0.75, Tolerance.tolerance(0.5, 0, 0, 1, Sigmoid.QUADRATIC, 0), EPS);
        assertEquals(0.0, Tolerance.tolerance(1.0, 0, 0, 1, Sigmoid.QUADRATIC, 0), EPS);
        assertEquals(0.0, Tolerance.tolerance(-1.7, 0, 0, 1, Sigmoid.QUADRATIC, 0), EPS);
        // linear and cosine reach exactly 0 beyond their support
        assertEquals(0.0, Tolerance.sigmoid(2.0, 0.0, Sigmoid.LINEAR), EPS);
        assertEquals(0.0, Tolerance.sigmoid(1.5, 0.0, Sigmoid.COSINE), EPS);
    }

    @Test
    void badArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Tolerance.tolerance(0, 1, 0));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.tolerance(0, 0, 1, -1, Sigmoid.GAUSSIAN, 0.1));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.tolerance(2, 0, 1, 1, Sigmoid.GAUSSIAN, 0));
        assertThrows(IllegalArgumentException.class, () -> Tolerance.tolerance(2, 0, 1, 1, Sigmoid.LINEAR, 1));
    }
}
