package somnium.kernels;

import jcuda.Pointer;
import jcuda.jcublas.JCublas2;
import jcuda.jcublas.cublasHandle;
import jcuda.jcublas.cublasOperation;

/**
 * cuBLAS SGEMM through JCublas, used only where it loads. JCublas 12.6's native library needs
 * {@code libcublas.so.12} (versioned symbols), which a CUDA-13-only machine does not have: there
 * {@link #tryCreate()} returns null, says why in {@link #unavailableReason()}, and the backend uses its own
 * GEMM kernels (gemm.cu), the path that always works.
 *
 * <p>Row-major {@code C = op(A) op(B)} is computed as the column-major {@code C^T = op(B)^T op(A)^T}: the same
 * memory, operands swapped, no copies.
 */
final class CublasGemm {
    private static volatile String reason = "not tried";
    private final cublasHandle handle;

    private CublasGemm(cublasHandle handle) {
        this.handle = handle;
    }

    /** A cuBLAS handle on the current context, or null (with {@link #unavailableReason()}) when JCublas cannot load. */
    static CublasGemm tryCreate() {
        try {
            JCublas2.setExceptionsEnabled(true);
            cublasHandle h = new cublasHandle();
            JCublas2.cublasCreate(h);
            reason = null;
            return new CublasGemm(h);
        } catch (Throwable t) {   // UnsatisfiedLinkError (no libcublas.so.12) or a CudaException
            reason = t.getClass().getSimpleName() + ": " + t.getMessage();
            return null;
        }
    }

    static String unavailableReason() {
        return reason == null ? "available" : reason;
    }

    /** A JCuda Pointer holding a raw device address (Pointer's address constructor is protected). */
    private static final class Raw extends Pointer {
        Raw(long address) {
            super(address);
        }
    }

    void sgemm(CudaDevice device, boolean ta, boolean tb, int m, int n, int k, float alpha, long A, int lda, long sA,
               long B, int ldb, long sB, long C, int ldc, long sC, int batch, boolean accumulate) {
        device.makeCurrent();
        Pointer pa = Pointer.to(new float[] {alpha}), pb = Pointer.to(new float[] {accumulate ? 1f : 0f});
        int opB = tb ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        int opA = ta ? cublasOperation.CUBLAS_OP_T : cublasOperation.CUBLAS_OP_N;
        if (batch == 1) {
            JCublas2.cublasSgemm(handle, opB, opA, n, m, k, pa, new Raw(B), ldb, new Raw(A), lda, pb, new Raw(C), ldc);
        } else {
            JCublas2.cublasSgemmStridedBatched(handle, opB, opA, n, m, k, pa, new Raw(B), ldb, sB, new Raw(A), lda, sA,
                    pb, new Raw(C), ldc, sC, batch);
        }
        if (CudaBackend.SYNC_EVERY_LAUNCH) device.synchronize();
    }
}
