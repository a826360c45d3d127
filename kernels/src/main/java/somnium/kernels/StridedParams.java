package somnium.kernels;

import java.util.Arrays;
import somnium.tensor.Tensor;

/**
 * The {@code Strided} kernel parameter of common.cuh, packed as ints: {@code rank, dims[8], off[4], st[4][8]}
 * (45 ints, 180 bytes, passed by value). Operand k of a launch over {@code dims} sits at element offset
 * {@code off[k] + sum_d coord_d * st[k][d]}.
 *
 * <p>Before packing, adjacent dims are merged where every operand steps through them as one (stride of the outer
 * dim = stride of the inner dim times its size), and size-1 dims are dropped: a contiguous tensor of any rank
 * becomes rank 1, which makes the kernel's index arithmetic one division per element instead of one per dim.
 * Pure Java, tested without a GPU.
 */
public final class StridedParams {
    public static final int MAX_RANK = 8;
    public static final int MAX_OPERANDS = 4;
    /** Size of the packed struct in ints. */
    public static final int INTS = 1 + MAX_RANK + MAX_OPERANDS + MAX_OPERANDS * MAX_RANK;

    private StridedParams() {}

    /** Packs {@code ops} (all of shape {@code dims}) after merging dims; throws if more than 8 dims remain. */
    public static int[] pack(int[] dims, int[][] strides, int[] offsets) {
        int nops = strides.length;
        if (nops > MAX_OPERANDS) throw new IllegalArgumentException("at most " + MAX_OPERANDS + " operands, got " + nops);
        int[] cd = new int[dims.length];
        int[][] cs = new int[nops][dims.length];
        int r = coalesce(dims, strides, cd, cs);
        if (r > MAX_RANK)
            throw new IllegalArgumentException("strided launch: " + r + " dims remain after merging (max " + MAX_RANK
                    + ") for shape " + Arrays.toString(dims) + "; make an operand contiguous first");
        int[] p = new int[INTS];
        p[0] = r;
        for (int d = 0; d < r; d++) p[1 + d] = cd[d];
        for (int k = 0; k < nops; k++) p[1 + MAX_RANK + k] = offsets[k];
        for (int k = 0; k < nops; k++)
            for (int d = 0; d < r; d++) p[1 + MAX_RANK + MAX_OPERANDS + k * MAX_RANK + d] = cs[k][d];
        return p;
    }

    /** Packs tensors of one shape (e.g. an op's operands already expanded to the output shape). */
    public static int[] of(Tensor... ts) {
        int[][] st = new int[ts.length][];
        int[] off = new int[ts.length];
        for (int k = 0; k < ts.length; k++) {
            st[k] = ts[k].strides();
            off[k] = ts[k].offset();
        }
        return pack(ts[0].dims(), st, off);
    }

    /**
     * Drops size-1 dims and merges dim d into d+1 where {@code st[k][d] == st[k][d+1] * dims[d+1]} for every
     * operand. Writes the merged dims and strides (outermost first) and returns the merged rank.
     */
    static int coalesce(int[] dims, int[][] strides, int[] outDims, int[][] outStrides) {
        int nops = strides.length, r = 0;
        for (int d = 0; d < dims.length; d++) {
            if (dims[d] == 1) continue;
            if (r > 0) {
                boolean merge = true;
                for (int k = 0; k < nops && merge; k++)
                    merge = outStrides[k][r - 1] == (long) strides[k][d] * dims[d];
                if (merge) {
                    outDims[r - 1] *= dims[d];
                    for (int k = 0; k < nops; k++) outStrides[k][r - 1] = strides[k][d];
                    continue;
                }
            }
            outDims[r] = dims[d];
            for (int k = 0; k < nops; k++) outStrides[k][r] = strides[k][d];
            r++;
        }
        return r;
    }

    /** The element offsets a kernel computes for linear index {@code i} (the device function, in Java, for tests). */
    static int[] offsetsOf(int[] packed, int nops, long i) {
        int r = packed[0];
        int[] o = new int[nops];
        for (int k = 0; k < nops; k++) o[k] = packed[1 + MAX_RANK + k];
        for (int d = r - 1; d >= 0; d--) {
            int n = packed[1 + d];
            int c = (int) (i % n);
            i /= n;
            for (int k = 0; k < nops; k++) o[k] += c * packed[1 + MAX_RANK + MAX_OPERANDS + k * MAX_RANK + d];
        }
        return o;
    }
}
