package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import org.junit.jupiter.api.Assumptions;
import somnium.tensor.Backends;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Philox;
import somnium.tensor.Tensor;

/** Shared set-up of the GPU tests: the assumption that skips them without CUDA, and comparison helpers. */
final class Gpu {
    static final Device CUDA = Device.cuda(0);

    private Gpu() {}

    /** Skips the calling test (reported as skipped) where no CUDA device is usable, with the provider's reason. */
    static void assumeCuda() {
        Assumptions.assumeTrue(Backends.isAvailable(Device.Kind.CUDA), "no CUDA device: " + new CudaProvider().unavailableReason());
    }

    static CudaBackend backend() {
        return (CudaBackend) Backends.get(CUDA);
    }

    static Tensor rand(long seed, double lo, double hi, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        float[] a = new float[n];
        Philox.fillUniform(a, 0, n, seed, 0, (float) lo, (float) hi);
        return Tensor.of(a, dims);
    }

    static Tensor randD(long seed, double lo, double hi, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        double[] a = new double[n];
        Philox.fillUniform(a, 0, n, seed, 0, lo, hi);
        return Tensor.of(a, dims);
    }

    static Tensor gpu(Tensor cpu) {
        return cpu.to(CUDA);
    }

    /** |got - want| <= tol + |want| * eps elementwise (NaNs must match NaNs); want on the CPU, got anywhere. */
    static void close(Tensor want, Tensor got, double tol, double eps, String what) {
        assertArrayEquals(want.dims(), got.dims(), what + ": shape");
        double[] w = want.toDoubleArray(), g = got.to(Device.CPU).toDoubleArray();
        for (int i = 0; i < w.length; i++) {
            if (Double.isNaN(w[i]) && Double.isNaN(g[i])) continue;
            if (w[i] == g[i]) continue;   // infinities
            double err = Math.abs(g[i] - w[i]);
            if (!(err <= tol + Math.abs(w[i]) * eps))
                fail(what + "[" + i + "]: expected " + w[i] + ", got " + g[i] + " (|err| " + err + ", tol " + tol + " + |ref|*" + eps + ")");
        }
    }

    static void exact(Tensor want, Tensor got, String what) {
        close(want, got, 0, 0, what);
    }

    static double eps(DType d) {
        return d == DType.F64 ? 1e-12 : 2e-6;
    }
}
