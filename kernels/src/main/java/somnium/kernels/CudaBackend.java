package somnium.kernels;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoD;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;
import static jcuda.driver.JCudaDriver.cuMemsetD32;

import java.util.Arrays;
import jcuda.Pointer;
import somnium.tensor.Backend;
import somnium.tensor.BinaryOp;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.ReduceOp;
import somnium.tensor.Shape;
import somnium.tensor.Storage;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;
import somnium.tensor.UnaryOp;

/**
 * The CUDA backend: every {@link Backend} primitive as a launch of our own kernels (src/main/cuda, one file per
 * family), plus cuBLAS for float GEMMs where JCublas loads. This class routes and adapts layouts exactly as
 * {@link somnium.tensor.cpu.CpuBackend} does (same reduction layouts, same GEMM operand recognition), so the two
 * can be compared primitive by primitive ({@code CudaBackendTest}).
 *
 * <p>System properties: {@code somnium.cuda.sync=true} synchronizes after every launch (errors surface at the
 * right call; tests set it); {@code somnium.cuda.tf32=true} uses the TF32 tensor-core GEMM; {@code
 * somnium.cuda.cublas=false} never tries cuBLAS; {@code somnium.cuda.checkIndices=false} skips the synchronous
 * range check of gather/scatterAdd/indexSelect.
 */
public final class CudaBackend implements Backend {
    static final boolean SYNC_EVERY_LAUNCH = Boolean.getBoolean("somnium.cuda.sync");
    static final boolean TF32 = Boolean.getBoolean("somnium.cuda.tf32");
    static final boolean CHECK_INDICES = !"false".equals(System.getProperty("somnium.cuda.checkIndices"));
    /** Elements of the largest im2col buffer a convolution uses at once (64 MiB of floats); batches are chunked. */
    static final long CONV_COL_LIMIT = Long.getLong("somnium.cuda.convColElements", 16L << 20);

    /** Rows at least this long are reduced in two stages when there are fewer rows than SMs (chunks of ~this). */
    static final int SPLIT_REDUCE_MIN = 1 << 15, SPLIT_REDUCE_CHUNK = 1 << 13;

    /**
     * Which float GEMM runs: AUTO = cuBLAS where it loaded, else TF32 when enabled (sm_80+), else our FP32 kernels
     * by size (TILED_LARGE when its 128 x 128 tiles alone fill every SM, else TILED). TILED and TILED_LARGE force
     * one kernel (tests and benchmarks compare them).
     */
    public enum GemmPath { AUTO, TILED, TILED_LARGE, TF32, CUBLAS }

    final CudaDevice device;
    private final Device id;
    private final CublasGemm cublas;
    private volatile GemmPath gemmPath = GemmPath.AUTO;
    /** err[0..2] of the index kernels: {flag, bad index, position}. */
    private final CudaStorage indexErr;

    CudaBackend(int index) {
        this.device = new CudaDevice(index);
        this.id = Device.cuda(index);
        this.cublas = "false".equals(System.getProperty("somnium.cuda.cublas")) ? null : CublasGemm.tryCreate();
        this.indexErr = new CudaStorage(this, DType.I32, 4);
    }

    @Override
    public Device device() {
        return id;
    }

    /** Device name, compute capability, PTX arch, and whether cuBLAS is in use. */
    public String describe() {
        return device + (cublas != null ? ", cuBLAS via JCublas" : ", own GEMM kernels (no cuBLAS: " + CublasGemm.unavailableReason() + ")");
    }

    /** Chooses the float GEMM (tests and benchmarks compare the paths); throws if the path cannot run here. */
    public void setGemmPath(GemmPath path) {
        if (path == GemmPath.CUBLAS && cublas == null) throw new IllegalStateException("cuBLAS unavailable: " + CublasGemm.unavailableReason());
        if (path == GemmPath.TF32 && !tf32Possible()) throw new IllegalStateException("TF32 needs compute capability 8.0+ and sm_90 PTX: " + device);
        gemmPath = path;
    }

    public boolean cublasAvailable() {
        return cublas != null;
    }

    public boolean tf32Possible() {
        return device.ccMajor >= 8 && device.arch.equals(Ptx.ARCH_SM90);
    }

    public SizeClassAllocator<?> allocator() {
        return device.allocator;
    }

    public void synchronize() {
        device.synchronize();
    }

    // ---------------------------------------------------------------------------------------------
    // memory
    // ---------------------------------------------------------------------------------------------

    @Override
    public Storage allocate(DType dtype, int length) {
        CudaStorage s = new CudaStorage(this, dtype, length);
        TensorScope.track(s);
        return s;
    }

    @Override
    public Storage upload(DType dtype, Object data) {
        int n = switch (dtype) {
            case F32 -> ((float[]) data).length;
            case F64 -> ((double[]) data).length;
            case I32 -> ((int[]) data).length;
        };
        CudaStorage s = new CudaStorage(this, dtype, n);
        TensorScope.track(s);   // a batch uploaded inside a training step's scope goes back to the cache with it
        if (n > 0) {
            device.makeCurrent();
            cuMemcpyHtoD(s.pointer(), hostPointer(data), (long) n * dtype.bytes());
        }
        return s;
    }

    private static Pointer hostPointer(Object data) {
        if (data instanceof float[] f) return Pointer.to(f);
        if (data instanceof double[] d) return Pointer.to(d);
        return Pointer.to((int[]) data);
    }

    @Override
    public Object download(Tensor t) {
        Tensor c = t.isContiguous() ? t : t.contiguous();
        int n = c.numel();
        Object out = switch (t.dtype()) {
            case F32 -> new float[n];
            case F64 -> new double[n];
            case I32 -> new int[n];
        };
        if (n > 0) {
            device.makeCurrent();
            cuMemcpyDtoH(hostPointer(out), st(c).pointer().withByteOffset((long) c.offset() * c.dtype().bytes()),
                    (long) n * c.dtype().bytes());
        }
        return out;
    }

    static CudaStorage st(Tensor t) {
        if (!(t.storage() instanceof CudaStorage s))
            throw new IllegalArgumentException("expected a CUDA tensor, got one on " + t.device() + " " + t.shape());
        return s;
    }

    /** Device address of {@code t}'s first element (its storage base plus its offset). */
    static long addr(Tensor t) {
        return st(t).address(t.offset());
    }

    /** Device address of {@code t}'s storage element 0 (for strided kernels, whose offsets are in the struct). */
    static long base(Tensor t) {
        return st(t).address();
    }

    static long addrOrNull(Tensor t) {
        return t == null ? 0L : addr(t);
    }

    static String sfx(DType d) {
        return switch (d) {
            case F32 -> "f32";
            case F64 -> "f64";
            case I32 -> "i32";
        };
    }

    private static void requireFloating(String op, Tensor t) {
        if (!t.dtype().isFloating()) throw new IllegalArgumentException(op + ": needs a float tensor, got " + t.dtype() + " " + t.shape());
    }

    static Tensor dense(Tensor t) {
        return t == null || t.isContiguous() ? t : t.contiguous();
    }

    /** A contiguous temporary on this device that the caller releases through the returned scope. */
    Tensor temp(DType dtype, int... dims) {
        return new Tensor(new CudaStorage(this, dtype, Shape.of(dims).numel()), Shape.of(dims), Shape.of(dims).contiguousStrides(), 0);
    }

    static void free(Tensor t) {
        if (t != null) ((CudaStorage) t.storage()).recycle();
    }

    // ---------------------------------------------------------------------------------------------
    // elementwise (elementwise.cu)
    // ---------------------------------------------------------------------------------------------

    @Override
    public void fill(Tensor out, double value) {
        int n = out.numel();
        if (n == 0) return;
        KernelArgs a = KernelArgs.of().struct(StridedParams.of(out)).l(n).ptr(base(out));
        switch (out.dtype()) {
            case F32 -> a.f((float) value);
            case F64 -> a.d(value);
            case I32 -> a.i((int) value);
        }
        device.launch("fill_" + sfx(out.dtype()), LaunchConfig.elementwise(n), 0, a);
    }

    @Override
    public void copy(Tensor src, Tensor dst) {
        if (!src.shape().equals(dst.shape()))
            throw new IllegalArgumentException("copy: source " + src.shape() + " and destination " + dst.shape() + " differ");
        int n = src.numel();
        if (n == 0) return;
        if (src.dtype() == dst.dtype() && src.isContiguous() && dst.isContiguous()) {
            device.makeCurrent();
            long bytes = (long) n * src.dtype().bytes();
            cuMemcpyDtoD(st(dst).pointer().withByteOffset((long) dst.offset() * dst.dtype().bytes()),
                    st(src).pointer().withByteOffset((long) src.offset() * src.dtype().bytes()), bytes);
            return;
        }
        device.launch("copy_" + sfx(src.dtype()) + "_" + sfx(dst.dtype()), LaunchConfig.elementwise(n), 0,
                KernelArgs.of().struct(StridedParams.of(src, dst)).l(n).ptr(base(src)).ptr(base(dst)));
    }

    @Override
    public void unary(UnaryOp op, Tensor x, double p0, double p1, Tensor out) {
        requireFloating("unary " + op, x);
        int n = out.numel();
        if (n == 0) return;
        KernelArgs a = KernelArgs.of().i(OpCodes.of(op));
        if (x.dtype() == DType.F64) a.d(p0).d(p1);
        else a.f((float) p0).f((float) p1);
        if (x.dtype() == DType.F32 && x.isContiguous() && out.isContiguous()) {
            device.launch("unary_contig_f32", LaunchConfig.elementwise((n + 3) / 4), 0, a.l(n).ptr(addr(x)).ptr(addr(out)));   // float4s
            return;
        }
        device.launch("unary_" + sfx(x.dtype()), LaunchConfig.elementwise(n), 0,
                a.struct(StridedParams.of(x, out)).l(n).ptr(base(x)).ptr(base(out)));
    }

    @Override
    public void binary(BinaryOp op, Tensor a, Tensor b, Tensor out) {
        requireFloating("binary " + op, a);
        int n = out.numel();
        if (n == 0) return;
        if (a.dtype() == DType.F32 && a.isContiguous() && b.isContiguous() && out.isContiguous()) {
            device.launch("binary_contig_f32", LaunchConfig.elementwise((n + 3) / 4), 0,   // float4s
                    KernelArgs.of().i(OpCodes.of(op)).l(n).ptr(addr(a)).ptr(addr(b)).ptr(addr(out)));
            return;
        }
        device.launch("binary_" + sfx(a.dtype()), LaunchConfig.elementwise(n), 0,
                KernelArgs.of().i(OpCodes.of(op)).struct(StridedParams.of(a, b, out)).l(n).ptr(base(a)).ptr(base(b)).ptr(base(out)));
    }

    @Override
    public void where(Tensor cond, Tensor a, Tensor b, Tensor out) {
        int n = out.numel();
        if (n == 0) return;
        device.launch("where_" + sfx(cond.dtype()) + "_" + sfx(out.dtype()), LaunchConfig.elementwise(n), 0,
                KernelArgs.of().struct(StridedParams.of(cond, a, b, out)).l(n)
                        .ptr(base(cond)).ptr(base(a)).ptr(base(b)).ptr(base(out)));
    }

    // ---------------------------------------------------------------------------------------------
    // reductions (reduce.cu, softmax.cu)
    // ---------------------------------------------------------------------------------------------

    @Override
    public void reduce(ReduceOp op, Tensor x, int[] axes, Tensor out) {
        requireFloating("reduce " + op, x);
        int r = x.rank();
        boolean[] red = new boolean[r];
        for (int a : axes) red[a] = true;
        int[] rowsFirst = new int[r], colsFirst = new int[r];
        int k = 0, c = 0;
        for (int i = 0; i < r; i++) if (!red[i]) rowsFirst[k++] = i;
        for (int a : axes) rowsFirst[k++] = a;
        for (int a : axes) colsFirst[c++] = a;
        for (int i = 0; i < r; i++) if (!red[i]) colsFirst[c++] = i;
        int outer = out.numel();
        if (outer == 0) return;
        if (x.numel() == 0) {
            fill(out, op == ReduceOp.SUM ? 0 : op == ReduceOp.LOGSUMEXP ? Double.NEGATIVE_INFINITY : Double.NaN);
            return;
        }
        int inner = x.numel() / outer;
        Tensor rows = x.permute(rowsFirst);
        if (x.dtype() == DType.F32 && !rows.isContiguous() && op != ReduceOp.LOGSUMEXP) {
            Tensor cols = x.permute(colsFirst);
            if (cols.isContiguous() && out.isContiguous()) {
                device.launch("reduce_cols_f32", LaunchConfig.elementwise(outer), 0,
                        KernelArgs.of().i(OpCodes.of(op)).i(inner).i(outer).ptr(addr(cols)).ptr(addr(out)));
                return;
            }
        }
        Tensor dense = rows.isContiguous() ? rows : rows.contiguous();
        Tensor o = out.isContiguous() ? out : temp(out.dtype(), out.dims());
        if (op != ReduceOp.LOGSUMEXP && outer < device.smCount && inner >= SPLIT_REDUCE_MIN) {
            // Few long rows (a full sum, say): one block per row would leave the device idle. Each row is cut into
            // S chunks reduced by S blocks, then one block per row reduces the S partial results.
            int s = (int) Math.min(1024, LaunchConfig.ceilDiv(inner, SPLIT_REDUCE_CHUNK)), chunk = LaunchConfig.ceilDiv(inner, s);
            s = LaunchConfig.ceilDiv(inner, chunk);
            Tensor partial = temp(x.dtype(), outer, s);
            device.launch("reduce_split_" + sfx(x.dtype()), new LaunchConfig(s, outer, 1, 256), 0,
                    KernelArgs.of().i(OpCodes.of(op)).i(inner).i(s).i(chunk).ptr(addr(dense)).ptr(addr(partial)));
            device.launch("reduce_finish_" + sfx(x.dtype()), LaunchConfig.rows(outer, s, 256), 0,
                    KernelArgs.of().i(OpCodes.of(op)).i(outer).i(s).i(inner).ptr(addr(partial)).ptr(addr(o)));
            free(partial);
        } else {
            device.launch("reduce_rows_" + sfx(x.dtype()), LaunchConfig.rows(outer, inner, 256), 0,
                    KernelArgs.of().i(OpCodes.of(op)).i(outer).i(inner).ptr(addr(dense)).ptr(addr(o)));
        }
        if (o != out) {
            copy(o, out);
            free(o);
        }
        if (dense != rows) free(dense);
    }

    /** Rows of {@code x} along {@code axis}, contiguous: [outer, n]. */
    private static Tensor rowsAlong(Tensor x, int axis) {
        Tensor m = axis == x.rank() - 1 ? x : x.movedim(axis, -1);
        return m.isContiguous() ? m : m.contiguous();
    }

    @Override
    public void argReduce(boolean max, Tensor x, int axis, Tensor out) {
        int n = x.dim(axis);
        if (n == 0) throw new IllegalArgumentException("arg" + (max ? "max" : "min") + " over an empty axis of " + x.shape());
        int outer = x.numel() / n;
        if (outer == 0) return;
        Tensor rows = rowsAlong(x, axis);
        Tensor o = out.isContiguous() ? out : temp(DType.I32, out.dims());
        device.launch("arg_rows_" + sfx(x.dtype()), LaunchConfig.rows(outer, n, 256), 0,
                KernelArgs.of().i(max).i(outer).i(n).ptr(addr(rows)).ptr(addr(o)));
        if (o != out) {
            copy(o, out);
            free(o);
        }
    }

    @Override
    public void softmax(Tensor x, boolean log, Tensor out) {
        requireFloating("softmax", x);
        int n = x.dim(-1);
        if (n == 0) return;
        int rows = x.numel() / n;
        if (rows == 0) return;
        Tensor xd = dense(x);
        device.launch("softmax_" + sfx(x.dtype()), LaunchConfig.rows(rows, n, 256), 0,
                KernelArgs.of().i(log).i(rows).i(n).ptr(addr(xd)).ptr(addr(out)));
    }

    @Override
    public void cumsum(Tensor x, int axis, boolean reverse, Tensor out) {
        int n = x.dim(axis);
        if (n == 0 || x.numel() == 0) return;
        int outer = x.numel() / n;
        Tensor rows = rowsAlong(x, axis);
        Tensor res = out.movedim(axis, -1);
        Tensor tmp = res.isContiguous() ? res : temp(out.dtype(), rows.dims());
        device.launch("cumsum_rows_" + sfx(x.dtype()), LaunchConfig.elementwise(outer), 0,
                KernelArgs.of().i(reverse).i(outer).i(n).ptr(addr(rows)).ptr(addr(tmp)));
        if (tmp != res) {
            copy(tmp, res);
            free(tmp);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // index ops (index.cu)
    // ---------------------------------------------------------------------------------------------

    private void clearIndexError() {
        if (!CHECK_INDICES) return;
        device.makeCurrent();
        cuMemsetD32(indexErr.pointer(), 0, 4);
    }

    private void checkIndexError(String op, Tensor index, int axis, Tensor t) {
        if (!CHECK_INDICES) return;
        int[] e = new int[4];
        device.makeCurrent();
        cuMemcpyDtoH(Pointer.to(e), indexErr.pointer(), 16);
        if (e[0] != 0)
            throw new IndexOutOfBoundsException(op + ": index " + e[1] + " out of range [0, " + t.dim(axis) + ") for axis " + axis
                    + " of shape " + t.shape() + " (index shape " + index.shape() + ", element " + e[2] + ")");
    }

    /** Strides of {@code t} over {@code dims}-shaped walks, with the stride of {@code axis} zeroed. */
    private static int[] zeroAxis(Tensor t, int axis) {
        int[] s = t.strides().clone();
        s[axis] = 0;
        return s;
    }

    @Override
    public void gather(Tensor x, int axis, Tensor index, Tensor out) {
        int n = index.numel();
        if (n == 0) return;
        int[] p = StridedParams.pack(index.dims(), new int[][] {index.strides(), zeroAxis(x, axis), out.strides()},
                new int[] {index.offset(), x.offset(), out.offset()});
        clearIndexError();
        device.launch("gather_" + sfx(x.dtype()), LaunchConfig.elementwise(n), 0,
                KernelArgs.of().struct(p).l(n).ptr(base(index)).ptr(base(x)).i(x.stride(axis)).i(x.dim(axis))
                        .ptr(base(out)).ptr(indexErr.address()));
        checkIndexError("gather", index, axis, x);
    }

    @Override
    public void scatterAdd(Tensor out, int axis, Tensor index, Tensor src) {
        requireFloating("scatterAdd", out);
        int n = index.numel();
        if (n == 0) return;
        int[] p = StridedParams.pack(index.dims(), new int[][] {index.strides(), zeroAxis(out, axis), src.strides()},
                new int[] {index.offset(), out.offset(), src.offset()});
        clearIndexError();
        device.launch("scatter_add_" + sfx(out.dtype()), LaunchConfig.elementwise(n), 0,
                KernelArgs.of().struct(p).l(n).ptr(base(index)).ptr(base(out)).i(out.stride(axis)).i(out.dim(axis))
                        .ptr(base(src)).ptr(indexErr.address()));
        checkIndexError("scatterAdd", index, axis, out);
    }

    @Override
    public void indexSelect(Tensor x, int axis, Tensor index, Tensor out) {
        int n = out.numel();
        if (n == 0) return;
        int[] is = new int[out.rank()];
        is[axis] = index.stride(0);
        int[] p = StridedParams.pack(out.dims(), new int[][] {out.strides(), zeroAxis(x, axis), is},
                new int[] {out.offset(), x.offset(), index.offset()});
        clearIndexError();
        device.launch("index_select_" + sfx(x.dtype()), LaunchConfig.elementwise(n), 0,
                KernelArgs.of().struct(p).l(n).ptr(base(index)).ptr(base(x)).i(x.stride(axis)).i(x.dim(axis))
                        .ptr(base(out)).ptr(indexErr.address()));
        checkIndexError("indexSelect", index, axis, x);
    }

    /** Rows up to this length use the block radix sort (256 threads x 8 items). */
    static final int TOPK_SORT_MAX = 2048;

    @Override
    public void topk(Tensor x, int k, boolean largest, Tensor values, Tensor indices) {
        requireFloating("topk", x);
        int n = x.dim(-1);
        if (n == 0 || k == 0 || x.numel() == 0) return;
        int outer = x.numel() / n;
        Tensor rows = dense(x);
        Tensor v = values.isContiguous() ? values : temp(values.dtype(), values.dims());
        Tensor ix = indices.isContiguous() ? indices : temp(DType.I32, indices.dims());
        if (n <= TOPK_SORT_MAX) {
            device.launch("topk_sort_" + sfx(x.dtype()), new LaunchConfig(Math.min(outer, 65535 * 16), 1, 1, 256), 0,
                    KernelArgs.of().i(largest).i(outer).i(n).i(k).ptr(addr(rows)).ptr(addr(v)).ptr(addr(ix)));
        } else {
            for (int r0 = 0; r0 < outer; r0 += LaunchConfig.MAX_GRID_YZ) {
                int rc = Math.min(LaunchConfig.MAX_GRID_YZ, outer - r0);
                int es = x.dtype().bytes();
                device.launch("topk_rank_" + sfx(x.dtype()),
                        new LaunchConfig(Math.min(LaunchConfig.ceilDiv(n, 256), 1024), rc, 1, 256), 0,
                        KernelArgs.of().i(largest).i(n).i(k).ptr(addr(rows) + (long) r0 * n * es)
                                .ptr(addr(v) + (long) r0 * k * es).ptr(addr(ix) + (long) r0 * k * 4));
            }
        }
        if (v != values) { copy(v, values); free(v); }
        if (ix != indices) { copy(ix, indices); free(ix); }
    }

    // ---------------------------------------------------------------------------------------------
    // GEMM (gemm.cu, or cuBLAS)
    // ---------------------------------------------------------------------------------------------

    private record Layout(boolean trans, int ld) {}

    /** The GEMM layout of the last two dims of {@code t}, or null if they need a copy (CpuBackend's rule). */
    private static Layout layout(Tensor t) {
        int rows = t.dim(-2), cols = t.dim(-1);
        int rs = t.stride(-2), cs = t.stride(-1);
        if ((cs == 1 || cols == 1) && (rows == 1 || rs >= cols)) return new Layout(false, rows == 1 ? Math.max(cols, 1) : rs);
        if ((rs == 1 || rows == 1) && (cols == 1 || cs >= rows)) return new Layout(true, cols == 1 ? Math.max(rows, 1) : cs);
        return null;
    }

    private static long flatStride(int[] dims, int[] strides) {
        long s = -1, expected = -1;
        for (int d = dims.length - 1; d >= 0; d--) {
            if (dims[d] == 1) continue;
            if (s < 0) {
                s = strides[d];
                expected = (long) strides[d] * dims[d];
            } else {
                if (strides[d] != expected) return -1;
                expected = (long) strides[d] * dims[d];
            }
        }
        return s < 0 ? 0 : s;
    }

    @Override
    public void matmul(Tensor a, Tensor b, Tensor out) {
        requireFloating("matmul", a);
        Tensor a0 = a, b0 = b;
        if (layout(a) == null) a = a.contiguous();
        if (layout(b) == null) b = b.contiguous();
        Layout la = layout(a), lb = layout(b);
        int r = out.rank();
        int m = out.dim(-2), n = out.dim(-1), k = a.dim(-1);
        if (m == 0 || n == 0) return;
        int batch = out.numel() / (m * n);
        Tensor o = out.isContiguous() ? out : temp(out.dtype(), out.dims());
        int[] bd = Arrays.copyOf(o.dims(), r - 2);
        int[] as = Arrays.copyOf(a.strides(), r - 2), bs = Arrays.copyOf(b.strides(), r - 2);
        long sa = flatStride(bd, as), sb = flatStride(bd, bs);
        if (sa >= 0 && sb >= 0) {
            gemm(a.dtype(), la.trans, lb.trans, m, n, k, 1.0, addr(a), la.ld, sa, addr(b), lb.ld, sb, addr(o), n, (long) m * n, batch, false);
        } else {
            int[] c = new int[r - 2];
            int es = a.dtype().bytes();
            for (int i = 0; i < batch; i++) {
                long ao = 0, bo = 0;
                for (int d = 0; d < r - 2; d++) {
                    ao += (long) c[d] * as[d];
                    bo += (long) c[d] * bs[d];
                }
                gemm(a.dtype(), la.trans, lb.trans, m, n, k, 1.0, addr(a) + ao * es, la.ld, 0, addr(b) + bo * es, lb.ld, 0,
                        addr(o) + (long) i * m * n * es, n, 0, 1, false);
                for (int d = r - 3; d >= 0; d--) {
                    if (++c[d] < bd[d]) break;
                    c[d] = 0;
                }
            }
        }
        if (o != out) { copy(o, out); free(o); }
        if (a != a0) free(a);
        if (b != b0) free(b);
    }

    /**
     * Row-major batched C = alpha op(A) op(B) (+ C when accumulate) on device addresses, strides in elements.
     * cuBLAS for float when it loaded, else the TF32 kernel when enabled (sm_80+), else our kernels: split-K for
     * few output tiles with a long K, the 128-tile kernel when its tiles fill the device, else the 64-tile one.
     */
    void gemm(DType dt, boolean ta, boolean tb, int m, int n, int k, double alpha, long A, int lda, long sA,
              long B, int ldb, long sB, long C, int ldc, long sC, int batch, boolean accumulate) {
        if (m == 0 || n == 0 || batch == 0) return;
        GemmPath path = gemmPath;
        if (dt == DType.F32 && cublas != null && (path == GemmPath.AUTO || path == GemmPath.CUBLAS)) {
            cublas.sgemm(device, ta, tb, m, n, k, (float) alpha, A, lda, sA, B, ldb, sB, C, ldc, sC, batch, accumulate);
            return;
        }
        boolean tf32 = dt == DType.F32 && tf32Possible() && (path == GemmPath.TF32 || (path == GemmPath.AUTO && TF32));
        String small = dt == DType.F64 ? "dgemm_tiled" : "sgemm_tiled";
        if (path == GemmPath.AUTO && !tf32 && batch == 1) {
            // Few output tiles and a long K (weight gradients: K = batch x positions): split K over blocks.
            long tiles = (long) LaunchConfig.ceilDiv(m, 64) * LaunchConfig.ceilDiv(n, 64);
            long splits = Math.min(2L * device.smCount / tiles, k / SPLIT_K_MIN);
            if (tiles < device.smCount && splits >= 2) {
                gemmSplitK(dt, small, ta, tb, m, n, k, (int) splits, alpha, A, lda, B, ldb, C, ldc, accumulate);
                return;
            }
        }
        boolean large = dt == DType.F32 && !tf32 && (path == GemmPath.TILED_LARGE
                || (path == GemmPath.AUTO && (long) LaunchConfig.ceilDiv(m, 128) * LaunchConfig.ceilDiv(n, 128) * batch >= device.smCount));
        String kernel = tf32 ? "sgemm_tf32" : large ? "sgemm_large" : small;
        launchGemm(kernel, tf32 ? 128 : 256, large ? 128 : 64, dt, ta, tb, m, n, k, alpha, A, lda, sA, B, ldb, sB, C, ldc, sC, batch, accumulate);
    }

    /** K of each split-K piece is at least this. */
    static final int SPLIT_K_MIN = 1024;

    /**
     * C = alpha op(A) op(B) (+ C) with K cut into about {@code splits} pieces: one batched launch computes every
     * piece's product into a temporary [S, M, N] (the last, shorter piece in its own launch), then splitk_sum adds
     * the pieces into C. Same result as one GEMM up to the order of the additions.
     */
    private void gemmSplitK(DType dt, String kernel, boolean ta, boolean tb, int m, int n, int k, int splits, double alpha,
                            long A, int lda, long B, int ldb, long C, int ldc, boolean accumulate) {
        int kc = LaunchConfig.ceilDiv(LaunchConfig.ceilDiv(k, splits), 16) * 16;
        int full = k / kc, rest = k - full * kc, s = full + (rest > 0 ? 1 : 0);
        long sA = ta ? (long) kc * lda : kc, sB = tb ? kc : (long) kc * ldb, mn = (long) m * n;
        int es = dt.bytes();
        Tensor part = temp(dt, s, m, n);
        launchGemm(kernel, 256, 64, dt, ta, tb, m, n, kc, 1.0, A, lda, sA, B, ldb, sB, addr(part), n, mn, full, false);
        if (rest > 0)
            launchGemm(kernel, 256, 64, dt, ta, tb, m, n, rest, 1.0, A + full * sA * es, lda, 0, B + full * sB * es, ldb, 0,
                    addr(part) + full * mn * es, n, 0, 1, false);
        KernelArgs args = KernelArgs.of().i(s).i(m).i(n).ptr(addr(part));
        if (dt == DType.F64) args.d(alpha); else args.f((float) alpha);
        device.launch("splitk_sum_" + sfx(dt), LaunchConfig.elementwise(mn), 0, args.ptr(C).i(ldc).i(accumulate));
        free(part);
    }

    private void launchGemm(String kernel, int threads, int tile, DType dt, boolean ta, boolean tb, int m, int n, int k, double alpha,
                            long A, int lda, long sA, long B, int ldb, long sB, long C, int ldc, long sC, int batch, boolean accumulate) {
        int es = dt.bytes();
        for (int b0 = 0; b0 < batch; b0 += LaunchConfig.MAX_GRID_YZ) {
            int bc = Math.min(LaunchConfig.MAX_GRID_YZ, batch - b0);
            KernelArgs args = KernelArgs.of().i(ta).i(tb).i(m).i(n).i(k);
            if (dt == DType.F64) args.d(alpha); else args.f((float) alpha);
            args.ptr(A + b0 * sA * es).i(lda).l(sA).ptr(B + b0 * sB * es).i(ldb).l(sB).ptr(C + b0 * sC * es).i(ldc).l(sC).i(accumulate);
            device.launch(kernel, LaunchConfig.gemm(m, n, bc, tile, threads), 0, args);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // convolution (conv.cu + GEMM): see CudaConv
    // ---------------------------------------------------------------------------------------------

    @Override
    public void conv2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor out) {
        CudaConv.conv2d(this, x, w, bias, stride, pad, out);
    }

    @Override
    public void conv2dBackwardInput(Tensor dy, Tensor w, int stride, int pad, Tensor out) {
        CudaConv.conv2dBackwardInput(this, dy, w, stride, pad, out);
    }

    @Override
    public void conv2dBackwardWeight(Tensor x, Tensor dy, int stride, int pad, Tensor out) {
        CudaConv.conv2dBackwardWeight(this, x, dy, stride, pad, out);
    }

    @Override
    public void convTranspose2d(Tensor x, Tensor w, Tensor bias, int stride, int pad, Tensor out) {
        CudaConv.convTranspose2d(this, x, w, bias, stride, pad, out);
    }

    @Override
    public void convTranspose2dBackwardInput(Tensor dy, Tensor w, int stride, int pad, Tensor out) {
        CudaConv.convTranspose2dBackwardInput(this, dy, w, stride, pad, out);
    }

    @Override
    public void convTranspose2dBackwardWeight(Tensor x, Tensor dy, int stride, int pad, Tensor out) {
        CudaConv.convTranspose2dBackwardWeight(this, x, dy, stride, pad, out);
    }

    // ---------------------------------------------------------------------------------------------
    // optimizer and random numbers (adam.cu, random.cu)
    // ---------------------------------------------------------------------------------------------

    @Override
    public void adam(Tensor param, Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                     double weightDecay, boolean decoupled, long step) {
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        int n = param.numel();
        if (n == 0) return;
        for (Tensor t : new Tensor[] {param, grad, m, v})
            if (!t.isContiguous()) throw new IllegalArgumentException("adam: needs contiguous tensors, got strides " + Arrays.toString(t.strides()));
        if (param.dtype() == DType.F64) {
            device.launch("adam_f64", LaunchConfig.elementwise(n), 0, KernelArgs.of().l(n).ptr(addr(param)).ptr(addr(grad))
                    .ptr(addr(m)).ptr(addr(v)).d(lr).d(beta1).d(beta2).d(eps).d(weightDecay).i(decoupled).d(bc1).d(bc2));
            return;
        }
        float b1 = (float) beta1, b2 = (float) beta2, ob1 = (float) (1 - beta1), ob2 = (float) (1 - beta2), wd = (float) weightDecay;
        float stepSize = (float) (lr / bc1), invSqrtBc2 = (float) (1 / Math.sqrt(bc2)), e = (float) eps, decay = (float) (lr * weightDecay);
        device.launch("adam_f32", LaunchConfig.elementwise(n), 0, KernelArgs.of().l(n).ptr(addr(param)).ptr(addr(grad))
                .ptr(addr(m)).ptr(addr(v)).f(b1).f(b2).f(ob1).f(ob2).f(wd).f(stepSize).f(invSqrtBc2).f(e).f(decay).i(decoupled));
    }

    private static void requireDenseFloat(String op, Tensor t) {
        if (!t.isContiguous() || !t.dtype().isFloating())
            throw new IllegalArgumentException(op + ": needs a contiguous float tensor, got " + t.dtype() + " " + t.shape());
    }

    @Override
    public void uniform(Tensor out, long seed, long offset, double lo, double hi) {
        requireDenseFloat("uniform", out);
        int n = out.numel();
        if (n == 0) return;
        KernelArgs a = KernelArgs.of().l(n).l(seed).l(offset);
        if (out.dtype() == DType.F64) a.d(lo).d(hi - lo);
        else a.f((float) lo).f((float) hi - (float) lo);
        device.launch("uniform_" + sfx(out.dtype()), LaunchConfig.elementwise(n), 0, a.ptr(addr(out)));
    }

    @Override
    public void normal(Tensor out, long seed, long offset, double mean, double std) {
        requireDenseFloat("normal", out);
        int n = out.numel();
        if (n == 0) return;
        KernelArgs a = KernelArgs.of().l(n).l(seed).l(offset);
        if (out.dtype() == DType.F64) a.d(mean).d(std);
        else a.f((float) mean).f((float) std);
        device.launch("normal_" + sfx(out.dtype()), LaunchConfig.elementwise((n + 1) / 2), 0, a.ptr(addr(out)));
    }

    /** Launch access for {@link CudaKernels} and {@link CudaConv}. */
    void launch(String kernel, LaunchConfig lc, KernelArgs args) {
        device.launch(kernel, lc, 0, args);
    }

    /** Zeroes err, runs {@code launch}, then throws {@code error.apply(err)} when a kernel set err[0]. */
    int[] readIndexError() {
        int[] e = new int[4];
        device.makeCurrent();
        cuMemcpyDtoH(Pointer.to(e), indexErr.pointer(), 16);
        return e;
    }

    void resetIndexError() {
        device.makeCurrent();
        cuMemsetD32(indexErr.pointer(), 0, 4);
    }

    long indexErrAddress() {
        return indexErr.address();
    }
}
