package somnium.tensor;

/**
 * A flat buffer of {@link #length()} elements of one {@link DType} on one device. Tensors are views
 * (shape, strides, offset) over a storage; several tensors may share one.
 *
 * <p>Two pieces of bookkeeping live here because they belong to the memory, not to a view:
 * <ul>
 *   <li>a version counter, bumped by every in-place write, so that autograd can detect that a tensor it
 *       saved for backward was modified afterwards;</li>
 *   <li>a released flag: a storage allocated inside a {@link TensorScope} goes back to its backend's pool
 *       when the scope closes, and any later access fails loudly instead of reading reused memory.</li>
 * </ul>
 */
public abstract class Storage {
    private final DType dtype;
    private final int length;
    private int version;
    private boolean released;

    protected Storage(DType dtype, int length) {
        this.dtype = dtype;
        this.length = length;
    }

    public final DType dtype() {
        return dtype;
    }

    public final int length() {
        return length;
    }

    public abstract Device device();

    public abstract Backend backend();

    /** Reads one element as a double (slow on devices: use for tests, printing and scalars only). */
    public abstract double getDouble(int index);

    /** Writes one element (slow on devices). Does not bump the version; callers do. */
    public abstract void setDouble(int index, double value);

    /** Incremented by every in-place modification. */
    public final int version() {
        return version;
    }

    public final void bumpVersion() {
        version++;
    }

    public final boolean isReleased() {
        return released;
    }

    /** Gives the buffer back to the backend's pool; called by {@link TensorScope#close()}. */
    final void release() {
        if (!released) {
            released = true;
            recycle();
        }
    }

    /** Returns the underlying buffer to a pool and drops the reference to it. */
    protected abstract void recycle();

    protected final IllegalStateException releasedError() {
        return new IllegalStateException("this " + dtype + " storage of " + length
                + " elements was released when its TensorScope closed; keep() tensors that must outlive a scope");
    }
}
