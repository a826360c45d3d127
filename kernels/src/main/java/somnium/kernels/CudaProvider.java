package somnium.kernels;

import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuInit;

import jcuda.driver.JCudaDriver;
import somnium.tensor.Backend;
import somnium.tensor.Backends;
import somnium.tensor.Device;

/**
 * Registers the CUDA backend with {@link Backends} (META-INF/services/somnium.tensor.Backends$Provider).
 *
 * <p>{@link #available()} probes once per JVM: PTX in this build, JCuda's driver library loads (it needs
 * {@code libcuda.so.1}, absent on machines without the NVIDIA driver: an {@link UnsatisfiedLinkError}, which is
 * an Error, hence {@code catch (Throwable)}), {@code cuInit} succeeds, and at least one device exists. Otherwise
 * {@link #unavailableReason()} says "no CUDA: " and which of these failed, and
 * {@code Backends.get(Device.cuda(0))} throws an IllegalStateException carrying that reason.
 */
public final class CudaProvider implements Backends.Provider {
    private static volatile String probe;   // null = not probed; "" = available; else the reason

    @Override
    public Device.Kind kind() {
        return Device.Kind.CUDA;
    }

    @Override
    public boolean available() {
        return probe().isEmpty();
    }

    @Override
    public String unavailableReason() {
        String p = probe();
        return p.isEmpty() ? "available" : p;
    }

    @Override
    public Backend create(int index) {
        if (!available()) throw new IllegalStateException("cuda:" + index + " is not available: " + unavailableReason());
        return new CudaBackend(index);
    }

    /** The probe's verdict: "" when CUDA is usable, else "no CUDA: <reason>". */
    static String probe() {
        String p = probe;
        if (p == null) {
            synchronized (CudaProvider.class) {
                if (probe == null) probe = runProbe();
                p = probe;
            }
        }
        return p;
    }

    private static String runProbe() {
        if (!Ptx.present())
            return "no CUDA: no PTX in this build (kernels were built without nvcc; build on a machine with nvcc, "
                    + "see kernels/README.md)";
        try {
            JCudaDriver.setExceptionsEnabled(true);
            cuInit(0);
            int[] n = new int[1];
            cuDeviceGetCount(n);
            if (n[0] < 1) return "no CUDA: the driver reports no CUDA device";
            return "";
        } catch (UnsatisfiedLinkError e) {
            return "no CUDA: the JCuda driver library could not be loaded (is the NVIDIA driver, libcuda.so.1, installed?): "
                    + firstLine(e.getMessage());
        } catch (Throwable t) {   // CudaException (e.g. CUDA_ERROR_NO_DEVICE), NoClassDefFoundError, ...
            return "no CUDA: " + t.getClass().getSimpleName() + ": " + firstLine(t.getMessage());
        }
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int i = s.indexOf('\n');
        return i < 0 ? s : s.substring(0, i);
    }
}
