package somnium.tensor.cpu;

import java.util.Arrays;
import somnium.tensor.DType;
import somnium.tensor.Tensor;

/** gather, scatter-add, index-select and top-k on the CPU. */
final class IndexOps {
    private IndexOps() {}

    /**
     * Walks every coordinate of {@code index} (row-major) and calls {@code body} with the index tensor's
     * element offset and the offset of the same coordinate in {@code target} with the axis coordinate left
     * at 0, so that body adds {@code idx * target.stride(axis)}.
     */
    private interface Visit {
        void at(int indexOffset, int otherOffset, int position);
    }

    private static void walk(Tensor index, Tensor other, int axis, Visit body) {
        int r = index.rank();
        int[] d = index.dims(), is = index.strides(), os = other.strides();
        int n = index.numel();
        if (n == 0) return;
        int[] c = new int[r];
        int io = index.offset(), oo = other.offset();
        for (int pos = 0; pos < n; pos++) {
            body.at(io, oo, pos);
            for (int k = r - 1; k >= 0; k--) {
                c[k]++;
                io += is[k];
                if (k != axis) oo += os[k];
                if (c[k] < d[k]) break;
                io -= is[k] * d[k];
                if (k != axis) oo -= os[k] * d[k];
                c[k] = 0;
            }
        }
    }

    private static int checked(int idx, int size, String op, Tensor index, int axis, Tensor t) {
        if (idx < 0 || idx >= size)
            throw new IndexOutOfBoundsException(op + ": index " + idx + " out of range [0, " + size + ") for axis " + axis
                    + " of shape " + t.shape() + " (index shape " + index.shape() + ")");
        return idx;
    }

    static void gather(Tensor x, int axis, Tensor index, Tensor out) {
        int[] ix = Elementwise.i(index);
        int size = x.dim(axis), stride = x.stride(axis);
        CpuStorage xs = (CpuStorage) x.storage();
        int oo = out.offset();
        if (x.dtype() == DType.F32) {
            float[] a = xs.floats(), o = Elementwise.f(out);
            walk(index, x, axis, (io, xo, pos) -> o[oo + pos] = a[xo + checked(ix[io], size, "gather", index, axis, x) * stride]);
        } else {
            CpuStorage os = (CpuStorage) out.storage();
            walk(index, x, axis, (io, xo, pos) -> os.setDouble(oo + pos, xs.getDouble(xo + checked(ix[io], size, "gather", index, axis, x) * stride)));
        }
    }

    static void scatterAdd(Tensor out, int axis, Tensor index, Tensor src) {
        int[] ix = Elementwise.i(index);
        int size = out.dim(axis), stride = out.stride(axis);
        Tensor s = src.contiguous();
        int so = s.offset();
        if (out.dtype() == DType.F32) {
            float[] a = Elementwise.f(s), o = Elementwise.f(out);
            walk(index, out, axis, (io, po, pos) -> o[po + checked(ix[io], size, "scatterAdd", index, axis, out) * stride] += a[so + pos]);
        } else {
            CpuStorage ss = (CpuStorage) s.storage(), os = (CpuStorage) out.storage();
            walk(index, out, axis, (io, po, pos) -> {
                int p = po + checked(ix[io], size, "scatterAdd", index, axis, out) * stride;
                os.setDouble(p, os.getDouble(p) + ss.getDouble(so + pos));
            });
        }
    }

    static void indexSelect(Tensor x, int axis, Tensor index, Tensor out) {
        int n = index.numel(), size = x.dim(axis);
        for (int k = 0; k < n; k++) {
            int idx = (int) index.get(k);
            checked(idx, size, "indexSelect", index, axis, x);
            Elementwise.copy(x.select(axis, idx), out.select(axis, k));
        }
    }

    /** Maps a float to an int whose signed order is the float's order (NaN largest). */
    private static int sortable(float v) {
        int b = Float.floatToIntBits(v);
        return b >= 0 ? b : b ^ 0x7fffffff;
    }

    static void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        int n = x.dim(-1), outer = n == 0 ? 0 : x.numel() / n;
        Tensor rows = x.isContiguous() ? x : x.contiguous();
        CpuStorage xs = (CpuStorage) rows.storage(), vs = (CpuStorage) values.storage();
        int[] io = Elementwise.i(indices);
        int xo = rows.offset(), vo = values.offset(), ioff = indices.offset();
        boolean f32 = x.dtype() == DType.F32;
        Parallel.forRange(outer, (long) outer * n * 20, 1, (s, e) -> {
            long[] keys = new long[n];
            Integer[] boxed = f32 ? null : new Integer[n];
            for (int r = s; r < e; r++) {
                int base = xo + r * n;
                if (f32) {
                    float[] a = xs.floats();
                    // Key: order by value (descending for largest), then by index ascending.
                    for (int i = 0; i < n; i++) {
                        long ord = sortable(a[base + i]);
                        if (largest) ord = -ord - 1;
                        keys[i] = (ord << 32) | i;
                    }
                    Arrays.sort(keys);
                    for (int j = 0; j < k; j++) {
                        int idx = (int) (keys[j] & 0xffffffffL);
                        io[ioff + r * k + j] = idx;
                        vs.setDouble(vo + r * k + j, a[base + idx]);
                    }
                } else {
                    for (int i = 0; i < n; i++) boxed[i] = i;
                    final int b = base;
                    Arrays.sort(boxed, (p, q) -> {
                        int c = Double.compare(xs.getDouble(b + p), xs.getDouble(b + q));
                        if (largest) c = -c;
                        return c != 0 ? c : Integer.compare(p, q);
                    });
                    for (int j = 0; j < k; j++) {
                        io[ioff + r * k + j] = boxed[j];
                        vs.setDouble(vo + r * k + j, xs.getDouble(base + boxed[j]));
                    }
                }
            }
        });
    }
}
