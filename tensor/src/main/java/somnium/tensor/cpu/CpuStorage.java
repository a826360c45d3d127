package somnium.tensor.cpu;

import somnium.tensor.Backend;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Storage;

/** A CPU storage: a Java array of the dtype's element type (float[], double[] or int[]). */
public final class CpuStorage extends Storage {
    private float[] f;
    private double[] d;
    private int[] i;
    /** Packed GEMM forms of this storage as a weight (CpuBackend.matmulReusedB): [0] as B, [1] as B transposed. */
    private final PackedEntry[] packs = new PackedEntry[2];

    private record PackedEntry(int version, int offset, int k, int n, int ld, Gemm.PackedB packed) {}

    CpuStorage(DType dtype, int length, Object array) {
        super(dtype, length);
        switch (dtype) {
            case F32 -> f = (float[]) array;
            case F64 -> d = (double[]) array;
            case I32 -> i = (int[]) array;
        }
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public Backend backend() {
        return CpuBackend.INSTANCE;
    }

    /** The float array (may be longer than {@link #length()} only if allocated so; pooled arrays are exact). */
    public float[] floats() {
        if (f == null) throw isReleased() ? releasedError() : wrongType(DType.F32);
        return f;
    }

    public double[] doubles() {
        if (d == null) throw isReleased() ? releasedError() : wrongType(DType.F64);
        return d;
    }

    public int[] ints() {
        if (i == null) throw isReleased() ? releasedError() : wrongType(DType.I32);
        return i;
    }

    /** The backing array, whatever its type. */
    Object array() {
        return switch (dtype()) {
            case F32 -> floats();
            case F64 -> doubles();
            case I32 -> ints();
        };
    }

    private IllegalStateException wrongType(DType want) {
        return new IllegalStateException("storage holds " + dtype() + ", not " + want);
    }

    @Override
    public double getDouble(int index) {
        return switch (dtype()) {
            case F32 -> floats()[index];
            case F64 -> doubles()[index];
            case I32 -> ints()[index];
        };
    }

    @Override
    public void setDouble(int index, double value) {
        switch (dtype()) {
            case F32 -> floats()[index] = (float) value;
            case F64 -> doubles()[index] = value;
            case I32 -> ints()[index] = (int) value;
        }
    }

    /**
     * The packed form of the [k, n] matrix view {@code b} of this storage (read transposed when {@code trans}, with
     * leading dim {@code ld}), packed again only when the storage version or the view changed since last time.
     */
    Gemm.PackedB packedB(somnium.tensor.Tensor b, boolean trans, int ld) {
        int slot = trans ? 1 : 0, k = b.dim(0), n = b.dim(1), off = b.offset(), v = version();
        PackedEntry e = packs[slot];
        if (e == null || e.version != v || e.offset != off || e.k != k || e.n != n || e.ld != ld) {
            e = new PackedEntry(v, off, k, n, ld, Gemm.packB(trans, k, n, floats(), off, ld));
            packs[slot] = e;
        }
        return e.packed;
    }

    @Override
    protected void recycle() {
        packs[0] = null;
        packs[1] = null;
        Object a = f != null ? f : d != null ? d : i;
        f = null;
        d = null;
        i = null;
        if (a != null) BufferPool.INSTANCE.give(a);
    }
}
