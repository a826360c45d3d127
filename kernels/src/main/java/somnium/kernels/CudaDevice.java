package somnium.kernels;

import static jcuda.driver.JCudaDriver.*;

import java.util.HashMap;
import java.util.Map;
import jcuda.Pointer;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUfunction;
import jcuda.driver.CUjit_option;
import jcuda.driver.CUmodule;
import jcuda.driver.JITOptions;
import jcuda.driver.JCudaDriver;

/**
 * One GPU as the driver API sees it: its primary context (shared with the runtime API, so JCublas works on the
 * same memory), the kernel modules loaded from the classpath PTX, and the caching allocator.
 *
 * <p>All work goes to the legacy default stream, in order: a block returned to the allocator's cache can be
 * handed to the next allocation at once, because any kernel that still reads it was queued before the kernel that
 * will write it. The CUDA context is current per host thread; {@link #makeCurrent()} makes it current on the
 * calling thread (cheaply, once per thread).
 */
final class CudaDevice {
    final int index;
    final CUdevice device = new CUdevice();
    final CUcontext context = new CUcontext();
    final String name;
    final int ccMajor, ccMinor, smCount;
    final long totalMemory;
    final String arch;
    final SizeClassAllocator<DevicePointer> allocator;

    /** entry name -> family (the .cu file it came from), from the PTX text. */
    private final Map<String, String> familyOf = new HashMap<>();
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<String, CUfunction> functions = new HashMap<>();
    private final ThreadLocal<Boolean> current = ThreadLocal.withInitial(() -> Boolean.FALSE);

    CudaDevice(int index) {
        this.index = index;
        JCudaDriver.setExceptionsEnabled(true);
        cuInit(0);
        int[] count = new int[1];
        cuDeviceGetCount(count);
        if (index < 0 || index >= count[0])
            throw new IllegalStateException("cuda:" + index + " does not exist: this machine has " + count[0] + " CUDA device(s)");
        cuDeviceGet(device, index);
        cuDevicePrimaryCtxRetain(context, device);
        makeCurrent();
        byte[] nm = new byte[256];
        cuDeviceGetName(nm, nm.length, device);
        int len = 0;
        while (len < nm.length && nm[len] != 0) len++;
        name = new String(nm, 0, len, java.nio.charset.StandardCharsets.US_ASCII);
        ccMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        ccMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        smCount = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        long[] mem = new long[1];
        cuDeviceTotalMem(mem, device);
        totalMemory = mem[0];
        if (ccMajor * 10 + ccMinor < 75)
            throw new IllegalStateException("cuda:" + index + " (" + name + ") has compute capability " + ccMajor + "." + ccMinor
                    + "; the kernels need 7.5 or newer");
        arch = Ptx.archFor(ccMajor, ccMinor);
        for (String family : Ptx.families()) {
            String ptx = Ptx.load(family, arch);
            if (ptx == null) throw new IllegalStateException("no " + arch + " PTX for kernel family " + family + " in this build");
            for (String e : Ptx.entries(ptx)) familyOf.put(e, family);
        }
        allocator = new SizeClassAllocator<>(new CudaMemory(this),
                Long.getLong("somnium.cuda.maxCachedBytes", totalMemory / 2));
    }

    private int attribute(int attr) {
        int[] v = new int[1];
        cuDeviceGetAttribute(v, attr, device);
        return v[0];
    }

    /** Makes this device's primary context current on the calling thread. */
    void makeCurrent() {
        if (!current.get()) {
            cuCtxSetCurrent(context);
            current.set(Boolean.TRUE);
        }
    }

    /** The kernel {@code name}, loading its module on first use (with the JIT's log in the error on failure). */
    synchronized CUfunction function(String name) {
        CUfunction f = functions.get(name);
        if (f != null) return f;
        String family = familyOf.get(name);
        if (family == null) throw new IllegalStateException("no kernel named " + name + " in this build's PTX");
        CUmodule m = modules.get(family);
        if (m == null) {
            m = loadModule(family);
            modules.put(family, m);
        }
        f = new CUfunction();
        cuModuleGetFunction(f, m, name);
        functions.put(name, f);
        return f;
    }

    private CUmodule loadModule(String family) {
        makeCurrent();
        String ptx = Ptx.load(family, arch);
        byte[] text = ptx.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] z = java.util.Arrays.copyOf(text, text.length + 1);   // NUL-terminated for the driver
        CUmodule m = new CUmodule();
        // JITOptions marshals the (buffer, size) option pairs correctly (a size is passed by value, not by pointer).
        JITOptions jit = new JITOptions();
        jit.putBytes(CUjit_option.CU_JIT_ERROR_LOG_BUFFER, new byte[8192]);
        jit.putInt(CUjit_option.CU_JIT_ERROR_LOG_BUFFER_SIZE_BYTES, 8192);
        try {
            cuModuleLoadDataJIT(m, Pointer.to(z), jit);
        } catch (RuntimeException e) {
            String log;
            try {
                log = jit.getString(CUjit_option.CU_JIT_ERROR_LOG_BUFFER);
            } catch (RuntimeException ignored) {
                log = "(unavailable)";
            }
            throw new IllegalStateException("loading kernel family " + family + " (" + arch + " PTX) on " + name + " failed: "
                    + e.getMessage() + "; JIT log: " + log, e);
        }
        return m;
    }

    /** Launches {@code kernel} on the default stream; {@code args} built with {@link KernelArgs}. */
    void launch(String kernel, LaunchConfig lc, int sharedBytes, KernelArgs args) {
        makeCurrent();
        CUfunction f = function(kernel);
        cuLaunchKernel(f, lc.gridX(), lc.gridY(), lc.gridZ(), lc.block(), 1, 1, sharedBytes, null, args.pointer(), null);
        if (CudaBackend.SYNC_EVERY_LAUNCH) cuCtxSynchronize();
    }

    void synchronize() {
        makeCurrent();
        cuCtxSynchronize();
    }

    @Override
    public String toString() {
        return "cuda:" + index + " (" + name + ", sm_" + ccMajor + ccMinor + ", " + smCount + " SMs, "
                + (totalMemory >> 20) + " MiB, " + arch + " PTX)";
    }
}
