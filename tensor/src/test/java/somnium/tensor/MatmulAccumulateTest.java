package somnium.tensor;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** addMatmulInPlace (the backend's matmulAccumulate) against out + matmul. */
class MatmulAccumulateTest {
    @Test
    void accumulatesTheProductForPlainAndTransposedOperands() {
        Random r = new Random(1);
        Tensor a = T.rand(r, 7, 5), bt = T.rand(r, 9, 5), base = T.rand(r, 7, 9);
        Tensor expected = base.add(a.matmul(bt.t()));
        Tensor out = base.copy();
        out.addMatmulInPlace(a, bt.t());
        assertTrue(out.allClose(expected, 1e-5, 1e-5));
        Tensor at = T.rand(r, 5, 7);
        Tensor out2 = base.copy().addMatmulInPlace(at.t(), bt.t());
        assertTrue(out2.allClose(base.add(at.t().matmul(bt.t())), 1e-5, 1e-5));
        Tensor d = base.toType(DType.F64).addMatmulInPlace(a.toType(DType.F64), bt.t().toType(DType.F64)); // composite default
        assertTrue(d.allClose(expected.toType(DType.F64), 1e-5, 1e-5));
        assertThrows(IllegalArgumentException.class, () -> base.copy().addMatmulInPlace(a, bt));
    }
}
