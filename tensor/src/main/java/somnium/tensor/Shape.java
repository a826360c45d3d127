package somnium.tensor;

import java.util.Arrays;

/**
 * An immutable list of dimension sizes. Rank 0 (no dims) is a scalar with one element.
 *
 * <p>Holds the shape arithmetic every op needs: element counts, contiguous strides, axis normalization
 * (negative axes count from the end, as in numpy) and numpy-style broadcasting, which fails loudly with the
 * op's name and both shapes instead of broadcasting silently.
 */
public final class Shape {
    private static final int[] NO_DIMS = new int[0];
    public static final Shape SCALAR = new Shape(NO_DIMS);

    private final int[] dims;
    private final int numel;

    private Shape(int[] dims) {
        long n = 1;
        for (int d : dims) {
            if (d < 0) throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
            n *= d;
            if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31-1 elements");
        }
        this.dims = dims;
        this.numel = (int) n;
    }

    public static Shape of(int... dims) {
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public int rank() {
        return dims.length;
    }

    public int numel() {
        return numel;
    }

    /** Size of dimension {@code axis} (negative counts from the end). */
    public int dim(int axis) {
        return dims[axis(axis, "dim")];
    }

    /** A copy of the sizes. */
    public int[] dims() {
        return dims.clone();
    }

    /** Normalizes an axis in [-rank, rank) to [0, rank), or throws naming the op. */
    public int axis(int axis, String op) {
        int a = axis < 0 ? axis + dims.length : axis;
        if (a < 0 || a >= dims.length)
            throw new IllegalArgumentException(op + ": axis " + axis + " out of range for shape " + this);
        return a;
    }

    /** Row-major (C-order) strides for this shape. */
    public int[] contiguousStrides() {
        int[] s = new int[dims.length];
        int acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= Math.max(dims[i], 1);
        }
        return s;
    }

    /** This shape with {@code axis} removed. */
    public Shape drop(int axis) {
        int a = axis(axis, "drop");
        int[] d = new int[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) if (i != a) d[j++] = dims[i];
        return new Shape(d);
    }

    /** This shape with {@code axis} set to {@code size}. */
    public Shape with(int axis, int size) {
        int[] d = dims.clone();
        d[axis(axis, "with")] = size;
        return new Shape(d);
    }

    /**
     * The numpy broadcast of two shapes: align on the right; each pair of sizes must be equal or one of
     * them 1.
     */
    public static Shape broadcast(String op, Shape a, Shape b) {
        if (a.equals(b)) return a;
        int r = Math.max(a.rank(), b.rank());
        int[] out = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
            int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
            if (da == db || db == 1) out[i] = da;
            else if (da == 1) out[i] = db;
            else throw new IllegalArgumentException(op + ": shapes " + a + " and " + b + " cannot be broadcast (dim "
                    + i + " of the result: " + da + " vs " + db + ")");
        }
        return new Shape(out);
    }

    /** Parses the shape of a result of reducing {@code axes}; used by reductions. */
    public Shape reduce(int[] normalizedAxes, boolean keepDim) {
        boolean[] red = new boolean[dims.length];
        for (int a : normalizedAxes) red[a] = true;
        int n = 0;
        for (int i = 0; i < dims.length; i++) if (keepDim || !red[i]) n++;
        int[] d = new int[n];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (red[i]) {
                if (keepDim) d[j++] = 1;
            } else d[j++] = dims[i];
        }
        return new Shape(d);
    }

    int[] raw() {
        return dims;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}
