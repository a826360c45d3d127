package somnium.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ViewTest {
    private final Random r = new Random(1);

    @Test
    void reshapeAndViewShareStorageWhenContiguous() {
        Tensor x = T.rand(r, 2, 3, 4);
        Tensor y = x.reshape(6, -1);
        T.sameShape(y, 6, 4);
        assertSame(x.storage(), y.storage());
        T.check(y, i -> x.get((i[0] * 4 + i[1]) / 12, ((i[0] * 4 + i[1]) / 4) % 3, i[1] % 4), 0, "reshape");
        assertThrows(IllegalArgumentException.class, () -> x.reshape(5, -1));
        assertThrows(IllegalArgumentException.class, () -> x.reshape(-1, -1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> x.permute(2, 1, 0).view(24));
        assertTrue(e.getMessage().contains("view"), e.getMessage());
    }

    @Test
    void permuteTransposeAndContiguous() {
        Tensor x = T.rand(r, 2, 3, 5);
        Tensor p = x.permute(2, 0, 1);
        T.sameShape(p, 5, 2, 3);
        assertFalse(p.isContiguous());
        T.check(p, i -> x.get(i[1], i[2], i[0]), 0, "permute");
        Tensor c = p.contiguous();
        assertTrue(c.isContiguous());
        T.check(c, i -> x.get(i[1], i[2], i[0]), 0, "contiguous");
        T.check(x.t(), i -> x.get(i[0], i[2], i[1]), 0, "t");
        Tensor m = x.movedim(0, 2);
        T.sameShape(m, 3, 5, 2);
        T.check(m, i -> x.get(i[2], i[0], i[1]), 0, "movedim");
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> x.permute(0, 1));
    }

    @Test
    void narrowSliceSelect() {
        Tensor x = T.rand(r, 4, 7);
        T.check(x.narrow(1, 2, 3), i -> x.get(i[0], i[1] + 2), 0, "narrow");
        Tensor s = x.slice(1, 1, 7, 2);
        T.sameShape(s, 4, 3);
        T.check(s, i -> x.get(i[0], 1 + 2 * i[1]), 0, "slice");
        T.check(x.select(0, -1), i -> x.get(3, i[0]), 0, "select");
        T.check(x.slice(0, -2, 4, 1), i -> x.get(2 + i[0], i[1]), 0, "negative slice start");
        assertThrows(IllegalArgumentException.class, () -> x.narrow(1, 5, 3));
        assertThrows(IllegalArgumentException.class, () -> x.select(0, 4));
        assertThrows(IllegalArgumentException.class, () -> x.narrow(2, 0, 1));
    }

    @Test
    void expandSqueezeUnsqueeze() {
        Tensor x = T.rand(r, 3, 1);
        Tensor e = x.expand(2, 3, 4);
        T.sameShape(e, 2, 3, 4);
        assertEquals(0, e.stride(0));
        assertEquals(0, e.stride(2));
        T.check(e, i -> x.get(i[1], 0), 0, "expand");
        assertThrows(IllegalArgumentException.class, () -> x.expand(4, 4));
        T.sameShape(x.squeeze(1), 3);
        assertThrows(IllegalArgumentException.class, () -> x.squeeze(0));
        T.sameShape(x.unsqueeze(0), 1, 3, 1);
        T.sameShape(x.unsqueeze(-1), 3, 1, 1);
        T.check(x.unsqueeze(1), i -> x.get(i[0], 0), 0, "unsqueeze");
        Tensor f = T.rand(r, 2, 3, 4).flatten(1, 2);
        T.sameShape(f, 2, 12);
    }

    @Test
    void splitChunkConcatStack() {
        Tensor x = T.rand(r, 3, 10);
        Tensor[] parts = x.split(1, 3, 7);
        T.check(parts[1], i -> x.get(i[0], i[1] + 3), 0, "split");
        Tensor back = Tensor.concat(1, parts);
        assertTrue(back.allClose(x, 0, 0));
        Tensor[] ch = x.chunk(2, 1);
        assertEquals(5, ch[0].dim(1));
        assertThrows(IllegalArgumentException.class, () -> x.chunk(3, 1));
        assertThrows(IllegalArgumentException.class, () -> x.split(1, 3, 3));
        Tensor a = T.rand(r, 2, 3), b = T.rand(r, 2, 3);
        Tensor st = Tensor.stack(1, a, b);
        T.sameShape(st, 2, 2, 3);
        T.check(st, i -> (i[1] == 0 ? a : b).get(i[0], i[2]), 0, "stack");
        Tensor c0 = Tensor.concat(0, a, b.t().contiguous().t());
        T.check(c0, i -> (i[0] < 2 ? a.get(i[0], i[1]) : b.get(i[0] - 2, i[1])), 0, "concat strided");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Tensor.concat(0, a, T.rand(r, 2, 4)));
        assertTrue(e.getMessage().contains("[2, 3]") && e.getMessage().contains("[2, 4]"), e.getMessage());
    }

    @Test
    void elementAccessAndConversions() {
        Tensor x = Tensor.of(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
        assertEquals(6.0, x.get(-1, -1));
        x.set(9, 0, 1);
        assertEquals(9.0, x.get(0, 1));
        assertArrayEquals(new float[] {1, 9, 3, 4, 5, 6}, x.toFloatArray());
        assertArrayEquals(new float[] {1, 4, 9, 5, 3, 6}, x.t().toFloatArray());
        assertArrayEquals(new int[] {1, 9, 3, 4, 5, 6}, x.toType(DType.I32).toIntArray());
        assertEquals(DType.F64, x.toType(DType.F64).dtype());
        assertEquals(5.0, Tensor.scalar(5).item());
        assertThrows(IllegalArgumentException.class, x::item);
        assertThrows(IndexOutOfBoundsException.class, () -> x.get(2, 0));
        assertThrows(IllegalArgumentException.class, () -> Tensor.of(new float[5], 2, 3));
        assertTrue(x.toString().contains("[[1.000, 9.000, 3.000], [4.000, 5.000, 6.000]]"), x.toString());
    }

    @Test
    void inPlaceOpsBumpVersion() {
        Tensor x = Tensor.zeros(2, 3);
        int v0 = x.storage().version();
        x.addInPlace(Tensor.of(new float[] {1, 2, 3}, 3));
        assertEquals(v0 + 1, x.storage().version());
        assertArrayEquals(new float[] {1, 2, 3, 1, 2, 3}, x.toFloatArray());
        x.t().mulInPlace(Tensor.full(2, 3, 2));
        assertArrayEquals(new float[] {2, 4, 6, 2, 4, 6}, x.toFloatArray());
        x.narrow(1, 0, 1).fill(-1);
        assertArrayEquals(new float[] {-1, 4, 6, -1, 4, 6}, x.toFloatArray());
        x.affineInPlace(2, 1);
        assertArrayEquals(new float[] {-1, 9, 13, -1, 9, 13}, x.toFloatArray());
        x.copyFrom(Tensor.of(new float[] {7, 8, 9}, 3));
        assertArrayEquals(new float[] {7, 8, 9, 7, 8, 9}, x.toFloatArray());
        assertThrows(IllegalArgumentException.class, () -> x.addInPlace(Tensor.zeros(3, 3)));
        assertTrue(x.storage().version() > v0 + 4);
    }
}
