package somnium.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class ElementwiseTest {
    private final Random r = new Random(2);

    private Tensor inputFor(UnaryOp op, int... dims) {
        Tensor x = T.rand(r, dims).mul(3);
        return switch (op) {
            case SQRT, RSQRT, LOG -> x.abs().add(0.01);
            case LOG1P -> x.abs();
            case ATANH -> x.tanh().mul(0.99);
            case POW -> x.abs().add(0.1);
            default -> x;
        };
    }

    @ParameterizedTest
    @EnumSource(UnaryOp.class)
    void unaryMatchesScalarReference(UnaryOp op) {
        double p0 = op == UnaryOp.CLAMP ? -0.5 : op == UnaryOp.POW ? 1.7 : op == UnaryOp.AFFINE ? 0.3 : 0.9;
        double p1 = op == UnaryOp.CLAMP ? 0.7 : op == UnaryOp.AFFINE ? -2 : 0;
        for (int n : new int[] {1, 7, 8, 9, 33, 100, 20001}) {
            Tensor x = inputFor(op, n);
            Tensor y = x.map(op, p0, p1);
            double[] xs = x.toDoubleArray(), ys = y.toDoubleArray();
            for (int i = 0; i < n; i++) T.close(op.apply(xs[i], p0, p1), ys[i], 2e-6, op + " n=" + n + " i=" + i);
        }
        // Non-contiguous input.
        Tensor x = inputFor(op, 5, 11).t();
        Tensor y = x.map(op, p0, p1);
        T.check(y, i -> op.apply(x.get(i), p0, p1), 2e-6, op + " transposed");
        // Float64 path.
        Tensor xd = x.toType(DType.F64);
        Tensor yd = xd.map(op, p0, p1);
        assertEquals(DType.F64, yd.dtype());
        T.check(yd, i -> op.apply(xd.get(i), p0, p1), 1e-14, op + " f64");
    }

    @Test
    void unaryEdgeValues() {
        Tensor x = Tensor.of(new float[] {-1000, -30, 0, 30, 1000}, 5);
        assertArrayEquals(new float[] {0, (float) (1 / (1 + Math.exp(30))), 0.5f, (float) (1 / (1 + Math.exp(-30))), 1}, x.sigmoid().toFloatArray(), 1e-7f);
        assertArrayEquals(new float[] {0, (float) Math.log1p(Math.exp(-30)), (float) Math.log(2), 30, 1000}, x.softplus().toFloatArray(), 1e-6f);
        Tensor s = Tensor.of(new float[] {-3, -0.5f, 0, 2}, 4);
        assertArrayEquals(new float[] {-3, -0.5f, 0, 2}, s.symlog().symexp().toFloatArray(), 1e-5f);
        assertArrayEquals(new float[] {(float) -Math.log(4), (float) -Math.log(1.5), 0, (float) Math.log(3)}, s.symlog().toFloatArray(), 1e-6f);
        assertThrows(IllegalArgumentException.class, () -> s.clamp(1, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.ofInts(new int[] {1}, 1).exp());
    }

    static final int[][][] BROADCAST_CASES = {
            {{4, 9}, {4, 9}}, {{4, 9}, {9}}, {{4, 9}, {4, 1}}, {{1, 9}, {4, 1}}, {{3, 1, 5}, {4, 5}},
            {{2, 3, 4}, {}}, {{}, {2, 3}}, {{7}, {2, 7}}, {{2, 1, 3, 1}, {1, 4, 1, 5}}, {{64, 300}, {300}}, {{130, 129}, {130, 1}}};

    @ParameterizedTest
    @EnumSource(BinaryOp.class)
    void binaryBroadcastsLikeNumpy(BinaryOp op) {
        for (int[][] c : BROADCAST_CASES) {
            Tensor a = T.rand(r, c[0]), b = T.rand(r, c[1]);
            if (op == BinaryOp.POW) {
                a = a.abs().add(0.1);
            }
            if (op == BinaryOp.DIV) b = b.abs().add(0.5);
            if (op == BinaryOp.EQ || op == BinaryOp.NE || op == BinaryOp.LE || op == BinaryOp.GE) b = b.clamp(-0.3, 0.3).mul(2).add(0.5).map(UnaryOp.SIGN, 0, 0); // many ties
            if (op == BinaryOp.EQ || op == BinaryOp.NE || op == BinaryOp.LE || op == BinaryOp.GE) a = a.map(UnaryOp.SIGN, 0, 0);
            Tensor fa = a, fb = b;
            Tensor out = a.zip(op, b);
            assertEquals(Shape.broadcast("t", a.shape(), b.shape()), out.shape());
            T.check(out, i -> op.apply(fa.get(T.bidx(i, fa)), fb.get(T.bidx(i, fb))), 1e-6, op + " " + a.shape() + " " + b.shape());
            // Transposed operand and float64.
            if (a.rank() == 2 && b.rank() == 2 && a.shape().equals(b.shape())) {
                Tensor at = a.t().contiguous().t();
                T.check(at.zip(op, b), i -> op.apply(fa.get(i), fb.get(i)), 1e-6, op + " strided");
            }
            Tensor ad = a.toType(DType.F64), bd = b.toType(DType.F64);
            T.check(ad.zip(op, bd), i -> op.apply(ad.get(T.bidx(i, ad)), bd.get(T.bidx(i, bd))), 1e-14, op + " f64");
        }
    }

    @Test
    void broadcastErrorsNameOpAndShapes() {
        Tensor a = Tensor.zeros(3, 4), b = Tensor.zeros(5);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> a.add(b));
        assertTrue(e.getMessage().contains("add") && e.getMessage().contains("[3, 4]") && e.getMessage().contains("[5]"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> a.mul(Tensor.zeros(DType.F64, Shape.of(3, 4))));
        assertTrue(e.getMessage().contains("dtype"), e.getMessage());
    }

    @Test
    void scalarHelpersAndWhere() {
        Tensor x = Tensor.of(new float[] {-2, -1, 0, 1, 2, 3}, 2, 3);
        assertArrayEquals(new float[] {-1, 0, 1, 2, 3, 4}, x.add(1).toFloatArray());
        assertArrayEquals(new float[] {3, 2, 1, 0, -1, -2}, x.rsub(1).toFloatArray());
        assertArrayEquals(new float[] {-1, -0.5f, 0, 0.5f, 1, 1.5f}, x.div(2).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0, 1, 1, 1}, x.gt(0).toFloatArray());
        assertArrayEquals(new float[] {0, 0, 0, 1, 2, 3}, x.maximum(0).toFloatArray());
        Tensor w = Tensor.where(x.gt(0), x, Tensor.of(new float[] {10, 20, 30}, 3));
        assertArrayEquals(new float[] {10, 20, 30, 1, 2, 3}, w.toFloatArray());
        Tensor wd = Tensor.where(x.gt(0).toType(DType.F64), x.toType(DType.F64), Tensor.scalar(-7, DType.F64, Device.CPU));
        assertArrayEquals(new double[] {-7, -7, -7, 1, 2, 3}, wd.toDoubleArray());
    }
}
