package somnium.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The CPU backend's fused GRU pointwise kernels against the composite definition in {@link Backend}'s
 * defaults (which float64 runs through), and against a plain scalar formula.
 */
class FusedGruCellTest {
    private static final int B = 3, H = 13; // H not a multiple of the vector length: exercises the tails

    @Test
    void fusedForwardAndBackwardMatchTheCompositeDefinition() {
        Random r = new Random(3);
        Tensor gi = T.rand(r, B, 3 * H), gh = T.rand(r, B, 3 * H), h = T.rand(r, B, H), dOut = T.rand(r, B, H);
        Tensor saved = Tensor.empty(Shape.of(B, 4 * H));
        Tensor out = Tensor.gruCell(gi, gh, h, saved);
        Tensor[] grads = Tensor.gruCellBackward(dOut, h, saved);

        Tensor saved64 = Tensor.empty(DType.F64, Shape.of(B, 4 * H), Device.CPU);
        Tensor out64 = Tensor.gruCell(gi.toType(DType.F64), gh.toType(DType.F64), h.toType(DType.F64), saved64);
        Tensor[] grads64 = Tensor.gruCellBackward(dOut.toType(DType.F64), h.toType(DType.F64), saved64);

        assertTrue(out.toType(DType.F64).allClose(out64, 1e-5, 1e-6));
        assertTrue(saved.toType(DType.F64).allClose(saved64, 1e-5, 1e-6));
        for (int i = 0; i < 3; i++) assertTrue(grads[i].toType(DType.F64).allClose(grads64[i], 1e-5, 1e-6), "grad " + i);

        // One element by the formula.
        int b = 1, j = 5;
        double rr = sig(gi.get(b, j) + gh.get(b, j)), z = sig(gi.get(b, H + j) + gh.get(b, H + j));
        double n = Math.tanh(gi.get(b, 2 * H + j) + rr * gh.get(b, 2 * H + j));
        assertTrue(Math.abs(out.get(b, j) - ((1 - z) * n + z * h.get(b, j))) < 1e-5);
    }

    @Test
    void stridedInputsTakeTheCompositePath() {
        Random r = new Random(4);
        Tensor gi = T.rand(r, 3 * H, B).t(), gh = T.rand(r, B, 3 * H), h = T.rand(r, B, H);
        Tensor viaFused = Tensor.gruCell(gi.contiguous(), gh, h, null);
        Tensor viaComposite = Tensor.gruCell(gi, gh, h, null);
        assertTrue(viaFused.allClose(viaComposite, 1e-5, 1e-6));
    }

    @Test
    void badShapesAreNamed() {
        Tensor h = Tensor.zeros(B, H);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tensor.gruCell(Tensor.zeros(B, 2 * H), Tensor.zeros(B, 3 * H), h, null));
        assertTrue(e.getMessage().contains("gruCell") && e.getMessage().contains("[3, 26]"), e.getMessage());
    }

    private static double sig(double x) {
        return 1 / (1 + Math.exp(-x));
    }
}
