package somnium.kernels;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoH;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoD;

import java.lang.ref.Cleaner;
import jcuda.Pointer;
import somnium.tensor.Backend;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Storage;

/**
 * A device buffer of {@link #length()} elements: one block of the device's {@link SizeClassAllocator}. The block
 * goes back to the allocator's cache when the enclosing {@link somnium.tensor.TensorScope} closes
 * ({@link #recycle()}), or, for storages created outside any scope, when the storage becomes unreachable (a
 * {@link Cleaner}); never twice.
 */
public final class CudaStorage extends Storage {
    private static final Cleaner CLEANER = Cleaner.create();

    /** The block and whether it went back; shared with the Cleaner action, which must not reference the storage. */
    private static final class Holder implements Runnable {
        final SizeClassAllocator<DevicePointer> allocator;
        SizeClassAllocator.Block<DevicePointer> block;

        Holder(SizeClassAllocator<DevicePointer> allocator, SizeClassAllocator.Block<DevicePointer> block) {
            this.allocator = allocator;
            this.block = block;
        }

        @Override
        public synchronized void run() {
            if (block != null) {
                allocator.release(block);
                block = null;
            }
        }
    }

    private final CudaBackend backend;
    private final Holder holder;
    private final Cleaner.Cleanable cleanable;
    private final long address;

    CudaStorage(CudaBackend backend, DType dtype, int length) {
        super(dtype, length);
        this.backend = backend;
        SizeClassAllocator.Block<DevicePointer> b = backend.device.allocator.allocate((long) length * dtype.bytes());
        this.holder = new Holder(backend.device.allocator, b);
        this.address = b.handle().address();
        this.cleanable = CLEANER.register(this, holder);
    }

    @Override
    public Device device() {
        return backend.device();
    }

    @Override
    public Backend backend() {
        return backend;
    }

    /** The device address of element 0. */
    public long address() {
        if (isReleased()) throw releasedError();
        return address;
    }

    /** The device address of element {@code index}. */
    public long address(int index) {
        return address() + (long) index * dtype().bytes();
    }

    DevicePointer pointer() {
        if (isReleased()) throw releasedError();
        return holder.block.handle();
    }

    @Override
    public double getDouble(int index) {
        checkIndex(index);
        backend.device.makeCurrent();
        int bytes = dtype().bytes();
        jcuda.driver.CUdeviceptr at = pointer().withByteOffset((long) index * bytes);
        switch (dtype()) {
            case F32 -> {
                float[] v = new float[1];
                cuMemcpyDtoH(Pointer.to(v), at, bytes);
                return v[0];
            }
            case F64 -> {
                double[] v = new double[1];
                cuMemcpyDtoH(Pointer.to(v), at, bytes);
                return v[0];
            }
            default -> {
                int[] v = new int[1];
                cuMemcpyDtoH(Pointer.to(v), at, bytes);
                return v[0];
            }
        }
    }

    @Override
    public void setDouble(int index, double value) {
        checkIndex(index);
        backend.device.makeCurrent();
        int bytes = dtype().bytes();
        var at = pointer().withByteOffset((long) index * bytes);
        Pointer src = switch (dtype()) {
            case F32 -> Pointer.to(new float[] {(float) value});
            case F64 -> Pointer.to(new double[] {value});
            case I32 -> Pointer.to(new int[] {(int) value});
        };
        cuMemcpyHtoD(at, src, bytes);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= length())
            throw new IndexOutOfBoundsException("index " + index + " out of range for a CUDA storage of " + length() + " elements");
    }

    @Override
    protected void recycle() {
        cleanable.clean();   // runs Holder.run once: the block goes back to the cache
    }
}
