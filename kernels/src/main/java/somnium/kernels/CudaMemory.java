package somnium.kernels;

import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemFree;

/** The real device side of {@link SizeClassAllocator}: plain {@code cuMemAlloc} / {@code cuMemFree}. */
final class CudaMemory implements SizeClassAllocator.DeviceMemory<DevicePointer> {
    private final CudaDevice device;

    CudaMemory(CudaDevice device) {
        this.device = device;
    }

    @Override
    public DevicePointer alloc(long bytes) {
        device.makeCurrent();
        DevicePointer p = new DevicePointer();
        cuMemAlloc(p, Math.max(bytes, 1));
        return p;
    }

    @Override
    public void free(DevicePointer handle) {
        device.makeCurrent();   // may run on the Cleaner's thread
        cuMemFree(handle);
    }
}
