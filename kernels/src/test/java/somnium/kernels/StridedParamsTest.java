package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;
import somnium.tensor.Tensor;

/** The packed Strided struct: merging of dims and the offsets the kernels compute (no GPU needed). */
class StridedParamsTest {
    /** The offset of each element of t in row-major order, by walking its coordinates. */
    static int[] offsets(Tensor t) {
        int n = t.numel(), r = t.rank();
        int[] out = new int[n], c = new int[r];
        for (int i = 0; i < n; i++) {
            int o = t.offset();
            for (int d = 0; d < r; d++) o += c[d] * t.stride(d);
            out[i] = o;
            for (int d = r - 1; d >= 0; d--) {
                if (++c[d] < t.dim(d)) break;
                c[d] = 0;
            }
        }
        return out;
    }

    static void check(Tensor... ts) {
        int[] p = StridedParams.of(ts);
        int n = ts[0].numel();
        for (int k = 0; k < ts.length; k++) {
            int[] want = offsets(ts[k]);
            for (int i = 0; i < n; i++) assertEquals(want[i], StridedParams.offsetsOf(p, ts.length, i)[k], "operand " + k + " element " + i);
        }
    }

    @Test
    void contiguousTensorsMergeToRankOne() {
        Tensor a = Tensor.zeros(2, 3, 4, 5);
        int[] p = StridedParams.of(a, a);
        assertEquals(1, p[0]);
        assertEquals(120, p[1]);
        check(a, Tensor.zeros(2, 3, 4, 5));
    }

    @Test
    void viewsBroadcastsAndOffsets() {
        Tensor x = Tensor.arange(2 * 3 * 4).reshape(2, 3, 4);
        check(x.transpose(0, 2), Tensor.zeros(4, 3, 2));
        check(x.slice(2, 1, 4, 2), Tensor.zeros(2, 3, 2));
        check(x.select(1, 2), Tensor.zeros(2, 4));
        Tensor row = Tensor.arange(4).reshape(1, 1, 4).expand(2, 3, 4);
        check(x, row, Tensor.zeros(2, 3, 4));
        int[] p = StridedParams.of(Tensor.arange(4).reshape(1, 4).expand(5, 4), Tensor.zeros(5, 4));
        assertEquals(2, p[0], "a broadcast dim cannot merge with a dense one");
        Tensor s = Tensor.scalar(3);
        int[] q = StridedParams.of(s, Tensor.scalar(0));
        assertEquals(0, q[0]);
        assertArrayEquals(new int[] {0, 0}, StridedParams.offsetsOf(q, 2, 0));
    }

    @Test
    void tooManyDimsAfterMergingIsAClearError() {
        int[] dims = new int[9];
        int[][] st = new int[1][9];
        java.util.Arrays.fill(dims, 2);
        for (int d = 0; d < 9; d++) st[0][d] = 1 << (2 * (8 - d));   // gaps everywhere: nothing merges
        assertThrows(IllegalArgumentException.class, () -> StridedParams.pack(dims, st, new int[] {0}));
    }
}
