package somnium.rl.train;

import java.util.Map;

/**
 * An algorithm the CLI can train: a name, a config record type with named presets, and a factory for its
 * trainer. Implementations register through {@code META-INF/services/somnium.rl.train.Algorithm} (found by
 * {@link AlgorithmRegistry#discover()}) or {@link AlgorithmRegistry#register}.
 *
 * @param <C> the config record (e.g. PlaNetConfig), handled by {@link somnium.rl.train.config.Configs}
 */
public interface Algorithm<C extends Record> {
    /** The name used on the command line, e.g. {@code planet}. */
    String name();

    /** One line for {@code somnium list}. */
    String description();

    Class<C> configType();

    /** Named presets, in display order; must contain {@code "default"} (the paper's defaults). */
    Map<String, C> presets();

    /** The preset to use for {@code envId} when the user names none (e.g. the task's action repeat). */
    default String defaultPreset(String envId) {
        return "default";
    }

    /** Builds the trainer of a run; {@code ctx.config()} is of type {@link #configType()}. */
    Trainer create(RunContext ctx);
}
