package somnium.tensor;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Random;
import org.junit.jupiter.api.Test;

class IndexOpsTest {
    private final Random r = new Random(5);

    private Tensor randIndex(int bound, int... dims) {
        int n = Shape.of(dims).numel();
        int[] d = new int[n];
        for (int i = 0; i < n; i++) d[i] = r.nextInt(bound);
        return Tensor.ofInts(d, dims);
    }

    @Test
    void gatherAndScatterAddAreTorchSemantics() {
        Tensor x = T.rand(r, 4, 6, 3);
        for (int axis = 0; axis < 3; axis++) {
            final int ax = axis;
            int[] idims = {3, 5, 2};
            idims[axis] = 7;
            Tensor idx = randIndex(x.dim(axis), idims);
            Tensor g = x.gather(axis, idx);
            T.check(g, i -> { int[] j = i.clone(); j[ax] = (int) idx.get(i); return x.get(j); }, 0, "gather axis " + axis);
            Tensor src = T.rand(r, idims);
            Tensor s = x.scatterAdd(axis, idx, src);
            double[][][] ref = new double[4][6][3];
            T.each(x.dims(), i -> ref[i[0]][i[1]][i[2]] = x.get(i));
            T.each(idims, i -> { int[] j = i.clone(); j[ax] = (int) idx.get(i); ref[j[0]][j[1]][j[2]] += src.get(i); });
            T.check(s, i -> ref[i[0]][i[1]][i[2]], 1e-6, "scatterAdd axis " + axis);
        }
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, () -> x.gather(1, Tensor.ofInts(new int[] {6}, 1, 1, 1)));
        assertTrue(e.getMessage().contains("6"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> x.gather(1, Tensor.zeros(1, 1, 1)));
    }

    @Test
    void indexSelectAndOneHot() {
        Tensor x = T.rand(r, 5, 4);
        Tensor idx = Tensor.ofInts(new int[] {4, 0, 4}, 3);
        Tensor s = x.indexSelect(0, idx);
        T.check(s, i -> x.get((int) idx.get(i[0]), i[1]), 0, "indexSelect rows");
        Tensor c = x.indexSelect(1, Tensor.ofInts(new int[] {3, 1}, 2));
        T.check(c, i -> x.get(i[0], i[1] == 0 ? 3 : 1), 0, "indexSelect cols");
        Tensor oh = Tensor.oneHot(Tensor.ofInts(new int[] {2, 0, 1, 2}, 2, 2), 3);
        T.sameShape(oh, 2, 2, 3);
        assertArrayEquals(new float[] {0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1}, oh.toFloatArray());
        assertThrows(IndexOutOfBoundsException.class, () -> Tensor.oneHot(Tensor.ofInts(new int[] {3}, 1), 3));
    }

    @Test
    void topkSortedWithTiesToLowerIndex() {
        Tensor x = Tensor.of(new float[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5, 4}, 2, 6);
        Tensor.TopK t = x.topk(3, true);
        assertArrayEquals(new float[] {9, 5, 4, 6, 5, 5}, t.values().toFloatArray());
        assertArrayEquals(new int[] {5, 4, 2, 1, 2, 4}, t.indices().toIntArray());
        Tensor.TopK s = x.topk(2, false);
        assertArrayEquals(new float[] {1, 1, 2, 3}, s.values().toFloatArray());
        assertArrayEquals(new int[] {1, 3, 0, 3}, s.indices().toIntArray());
        // Random rows against a full sort.
        Tensor y = T.rand(r, 7, 1000);
        Tensor.TopK k = y.topk(100, true);
        for (int row = 0; row < 7; row++) {
            double[] v = y.select(0, row).toDoubleArray();
            double[] sorted = v.clone();
            java.util.Arrays.sort(sorted);
            for (int j = 0; j < 100; j++) {
                assertEquals(sorted[999 - j], k.values().get(row, j), 0);
                assertEquals(v[(int) k.indices().get(row, j)], k.values().get(row, j), 0);
            }
        }
        Tensor.TopK d = y.toType(DType.F64).topk(5, false);
        assertTrue(d.values().allClose(y.topk(5, false).values().toType(DType.F64), 0, 0));
        assertThrows(IllegalArgumentException.class, () -> x.topk(7, true));
    }
}
