package somnium.kernels;

import jcuda.driver.CUdeviceptr;

/** A {@link CUdeviceptr} that exposes its raw address, so kernel arguments can be passed as plain 64-bit values. */
final class DevicePointer extends CUdeviceptr {
    long address() {
        return getNativePointer() + getByteOffset();
    }
}
