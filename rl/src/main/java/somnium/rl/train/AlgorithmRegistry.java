package somnium.rl.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/** Algorithms by name. */
public final class AlgorithmRegistry {
    private final Map<String, Algorithm<?>> byName = new LinkedHashMap<>();

    public AlgorithmRegistry register(Algorithm<?> a) {
        if (!a.presets().containsKey("default"))
            throw new IllegalArgumentException("algorithm " + a.name() + " has no \"default\" preset (presets: " + a.presets().keySet() + ")");
        if (byName.putIfAbsent(a.name(), a) != null) throw new IllegalArgumentException("algorithm " + a.name() + " is registered twice");
        return this;
    }

    /** Every {@link Algorithm} service on the class path. */
    @SuppressWarnings("rawtypes")
    public static AlgorithmRegistry discover() {
        AlgorithmRegistry r = new AlgorithmRegistry();
        for (Algorithm a : ServiceLoader.load(Algorithm.class)) r.register(a);
        return r;
    }

    public List<String> names() {
        return new ArrayList<>(byName.keySet());
    }

    public List<Algorithm<?>> all() {
        return new ArrayList<>(byName.values());
    }

    /** The algorithm named {@code name}, or an IllegalArgumentException listing the known ones. */
    public Algorithm<?> get(String name) {
        Algorithm<?> a = byName.get(name);
        if (a == null)
            throw new IllegalArgumentException("unknown algorithm '" + name + "'; "
                    + (byName.isEmpty() ? "no algorithms are registered" : "known algorithms: " + String.join(", ", byName.keySet())));
        return a;
    }

    /** The preset named {@code preset} of {@code a}, or an IllegalArgumentException listing its presets. */
    public static <C extends Record> C preset(Algorithm<C> a, String preset) {
        C c = a.presets().get(preset);
        if (c == null)
            throw new IllegalArgumentException("unknown preset '" + preset + "' for " + a.name() + "; presets: " + String.join(", ", a.presets().keySet()));
        return c;
    }
}
