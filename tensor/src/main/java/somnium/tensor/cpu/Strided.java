package somnium.tensor.cpu;

import somnium.tensor.Tensor;

/**
 * Iteration over several same-shape strided operands, one contiguous-ish row at a time.
 *
 * <p>Dims are first coalesced: neighbouring dims merge when every operand steps through them as one
 * (stride[i] == stride[i+1] * size[i+1]), and size-1 dims vanish. What remains is an outer index space and
 * an inner row whose per-operand stride is usually 1 (contiguous) or 0 (broadcast); the row kernels have
 * Vector API fast paths for exactly those cases. Large iterations are split across {@link Parallel}.
 */
final class Strided {
    private Strided() {}

    /** A kernel over one row of {@code n} elements; offsets/strides are per operand, in operand order. */
    @FunctionalInterface
    interface Row {
        void run(int n, int[] offsets, int[] strides);
    }

    /** Iterates all elements of the operands (which must share one shape). {@code cost} ~ work per element. */
    static void forEach(Row kernel, int cost, Tensor... ops) {
        int k = ops.length;
        int[] dims = ops[0].dims();
        int[][] strides = new int[k][];
        int[] base = new int[k];
        for (int j = 0; j < k; j++) {
            strides[j] = ops[j].strides();
            base[j] = ops[j].offset();
        }
        run(kernel, cost, dims, strides, base);
    }

    static void run(Row kernel, int cost, int[] dims, int[][] strides, int[] base) {
        int k = strides.length;
        // Coalesce.
        int r = 0;
        int[] cd = new int[dims.length];
        int[][] cs = new int[k][dims.length];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            numel *= dims[i];
            if (dims[i] == 1) continue;
            if (r > 0) {
                boolean merge = true;
                for (int j = 0; j < k; j++) if (cs[j][r - 1] != strides[j][i] * dims[i]) { merge = false; break; }
                if (merge) {
                    cd[r - 1] *= dims[i];
                    for (int j = 0; j < k; j++) cs[j][r - 1] = strides[j][i];
                    continue;
                }
            }
            cd[r] = dims[i];
            for (int j = 0; j < k; j++) cs[j][r] = strides[j][i];
            r++;
        }
        if (numel == 0) return;
        if (r == 0) {
            kernel.run(1, base.clone(), new int[k]);
            return;
        }
        final int rank = r;
        final int inner = cd[r - 1];
        final int[] innerStrides = new int[k];
        for (int j = 0; j < k; j++) innerStrides[j] = cs[j][r - 1];
        int outer = (int) (numel / inner);
        long work = numel * Math.max(1, cost);
        if (outer == 1) {
            // One long row: split it into chunks of whole vectors.
            Parallel.forRange(inner, work, 4096, (s, e) -> {
                int[] off = new int[k];
                for (int j = 0; j < k; j++) off[j] = base[j] + s * innerStrides[j];
                kernel.run(e - s, off, innerStrides);
            });
            return;
        }
        int minRows = Math.max(1, 4096 / inner);
        Parallel.forRange(outer, work, minRows, (s, e) -> {
            int[] idx = new int[rank - 1];
            int[] off = new int[k];
            // Unravel s into outer coordinates.
            int rem = s;
            for (int d = rank - 2; d >= 0; d--) {
                idx[d] = rem % cd[d];
                rem /= cd[d];
            }
            for (int j = 0; j < k; j++) {
                int o = base[j];
                for (int d = 0; d < rank - 1; d++) o += idx[d] * cs[j][d];
                off[j] = o;
            }
            for (int row = s; row < e; row++) {
                kernel.run(inner, off, innerStrides);
                // Increment the outer counter.
                for (int d = rank - 2; d >= 0; d--) {
                    idx[d]++;
                    for (int j = 0; j < k; j++) off[j] += cs[j][d];
                    if (idx[d] < cd[d]) break;
                    for (int j = 0; j < k; j++) off[j] -= cs[j][d] * cd[d];
                    idx[d] = 0;
                }
            }
        });
    }
}
