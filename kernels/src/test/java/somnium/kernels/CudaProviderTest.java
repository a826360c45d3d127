package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ServiceLoader;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import somnium.tensor.Backends;
import somnium.tensor.Device;

/** Registration through ServiceLoader, and the clear error on a machine without CUDA. */
class CudaProviderTest {
    @Test
    void providerIsRegisteredWithServiceLoader() {
        boolean found = false;
        for (Backends.Provider p : ServiceLoader.load(Backends.Provider.class))
            if (p instanceof CudaProvider && p.kind() == Device.Kind.CUDA) found = true;
        assertTrue(found, "META-INF/services should register somnium.kernels.CudaProvider");
    }

    @Test
    void withoutCudaTheProviderSaysWhyAndBackendsThrows() {
        CudaProvider p = new CudaProvider();
        Assumptions.assumeFalse(p.available(), "this machine has CUDA: " + p.unavailableReason());
        assertTrue(p.unavailableReason().startsWith("no CUDA: "), p.unavailableReason());
        assertFalse(Backends.isAvailable(Device.Kind.CUDA));
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get(Device.cuda(0)));
        assertTrue(e.getMessage().contains("cuda:0") && e.getMessage().contains("no CUDA: "), e.getMessage());
        assertThrows(IllegalStateException.class, () -> p.create(0));
    }

    @Test
    void probeIsStableAcrossCalls() {
        CudaProvider p = new CudaProvider();
        assertEquals(p.available(), new CudaProvider().available());
        assertEquals(p.unavailableReason(), new CudaProvider().unavailableReason());
    }
}
