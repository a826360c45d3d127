package somnium.rl.train;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Where environments come from, by id. The env module provides an implementation (registered through
 * {@code META-INF/services/somnium.rl.train.EnvCatalog}); until then {@link #discover()} finds none and every
 * id is unknown. Tests and embedders pass their own catalog.
 */
public interface EnvCatalog {
    /** The ids this catalog can build, e.g. {@code cartpole-swingup}. */
    List<String> ids();

    /** Builds environment {@code id}; only called with an id from {@link #ids()}. */
    EnvLike make(String id, EnvOptions options);

    /** Checks that {@code id} exists, else an IllegalArgumentException listing the known ids. */
    default void require(String id) {
        List<String> ids = ids();
        if (!ids.contains(id))
            throw new IllegalArgumentException("unknown environment '" + id + "'; "
                    + (ids.isEmpty() ? "no environments are registered (the env module provides them through an EnvCatalog service)"
                                     : "known environments: " + String.join(", ", ids)));
    }

    /** Every catalog on the class path (ServiceLoader), merged; the first one to list an id builds it. */
    static EnvCatalog discover() {
        List<EnvCatalog> found = new ArrayList<>();
        for (EnvCatalog c : ServiceLoader.load(EnvCatalog.class)) found.add(c);
        return merge(found);
    }

    static EnvCatalog merge(List<EnvCatalog> catalogs) {
        return new EnvCatalog() {
            @Override
            public List<String> ids() {
                Map<String, EnvCatalog> m = owners();
                return List.copyOf(m.keySet());
            }

            private Map<String, EnvCatalog> owners() {
                Map<String, EnvCatalog> m = new LinkedHashMap<>();
                for (EnvCatalog c : catalogs) for (String id : c.ids()) m.putIfAbsent(id, c);
                return m;
            }

            @Override
            public EnvLike make(String id, EnvOptions options) {
                require(id);
                return owners().get(id).make(id, options);
            }
        };
    }
}
