package somnium.tensor;

import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import somnium.tensor.cpu.CpuBackend;

/**
 * Finds the {@link Backend} for a {@link Device}. The CPU backend is built in; other devices come from
 * {@link Provider}s registered through {@link ServiceLoader} (the {@code kernels} module registers CUDA),
 * so this module never depends on them.
 */
public final class Backends {
    /** A source of backends for one device kind, found with ServiceLoader. */
    public interface Provider {
        Device.Kind kind();

        /** Whether a device of this kind is usable on this machine (driver present, device found). */
        boolean available();

        /** Human-readable reason when {@link #available()} is false. */
        String unavailableReason();

        Backend create(int index);
    }

    private static final ConcurrentHashMap<Device, Backend> CACHE = new ConcurrentHashMap<>();

    private Backends() {}

    public static Backend cpu() {
        return CpuBackend.INSTANCE;
    }

    /** The backend of {@code device}; a clear error if no provider can serve it. */
    public static Backend get(Device device) {
        if (device.kind() == Device.Kind.CPU) return CpuBackend.INSTANCE;
        return CACHE.computeIfAbsent(device, d -> {
            StringBuilder why = new StringBuilder();
            for (Provider p : ServiceLoader.load(Provider.class)) {
                if (p.kind() != d.kind()) continue;
                if (p.available()) return p.create(d.index());
                why.append(p.unavailableReason());
            }
            throw new IllegalStateException("device " + d + " is not available: "
                    + (why.length() == 0 ? "no backend provider for " + d.kind() + " is on the classpath (add somnium-kernels)" : why));
        });
    }

    /** Whether {@code kind} has an available provider (CPU always does). */
    public static boolean isAvailable(Device.Kind kind) {
        if (kind == Device.Kind.CPU) return true;
        for (Provider p : ServiceLoader.load(Provider.class)) if (p.kind() == kind && p.available()) return true;
        return false;
    }
}
