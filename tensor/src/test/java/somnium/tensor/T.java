package somnium.tensor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;

/** Test helpers: random tensors from java.util.Random (independent of Philox) and index iteration. */
final class T {
    private T() {}

    static Tensor rand(Random r, int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.numel()];
        for (int i = 0; i < d.length; i++) d[i] = (float) (r.nextGaussian());
        return Tensor.of(d, dims);
    }

    static Tensor randPositive(Random r, int... dims) {
        Shape s = Shape.of(dims);
        float[] d = new float[s.numel()];
        for (int i = 0; i < d.length; i++) d[i] = 0.1f + 2 * r.nextFloat();
        return Tensor.of(d, dims);
    }

    static Tensor randF64(Random r, int... dims) {
        Shape s = Shape.of(dims);
        double[] d = new double[s.numel()];
        for (int i = 0; i < d.length; i++) d[i] = r.nextGaussian();
        return Tensor.of(d, dims);
    }

    /** Calls f with every index tuple of dims in row-major order. */
    static void each(int[] dims, Consumer<int[]> f) {
        int n = 1;
        for (int d : dims) n *= d;
        int[] idx = new int[dims.length];
        for (int k = 0; k < n; k++) {
            f.accept(idx.clone());
            for (int j = dims.length - 1; j >= 0; j--) {
                if (++idx[j] < dims[j]) break;
                idx[j] = 0;
            }
        }
    }

    /** Index into a tensor of broadcast shape: drop leading coords, clamp size-1 dims to 0. */
    static int[] bidx(int[] outIdx, Tensor t) {
        int r = t.rank(), lead = outIdx.length - r;
        int[] i = new int[r];
        for (int k = 0; k < r; k++) i[k] = t.dim(k) == 1 ? 0 : outIdx[k + lead];
        return i;
    }

    static void close(double expected, double actual, double tol, String what) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) return;
        if (Double.isInfinite(expected) && expected == actual) return;
        if (!(Math.abs(expected - actual) <= tol * (1 + Math.abs(expected))))
            fail(what + ": expected " + expected + " but got " + actual + " (tol " + tol + ")");
    }

    /** Asserts elementwise closeness of a tensor to an expected function of the index. */
    static void check(Tensor t, java.util.function.ToDoubleFunction<int[]> expected, double tol, String what) {
        each(t.dims(), idx -> close(expected.applyAsDouble(idx), t.get(idx), tol, what + " at " + Arrays.toString(idx)));
    }

    static void sameShape(Tensor t, int... dims) {
        assertEquals(Shape.of(dims), t.shape(), "shape");
    }
}
