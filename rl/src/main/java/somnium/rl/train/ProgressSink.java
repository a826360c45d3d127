package somnium.rl.train;

import java.util.Map;

/** Receives progress of a long run (the CLI shows a progress bar; tests use {@link #NONE}). */
public interface ProgressSink extends AutoCloseable {
    ProgressSink NONE = new ProgressSink() {
        @Override public void start(long current, long total) {}
        @Override public void update(long current, Map<String, Double> latest) {}
    };

    /** Progress starts at {@code current} of {@code total} environment steps. */
    void start(long current, long total);

    /** Now at {@code current} environment steps; {@code latest} holds the newest logged scalars. */
    void update(long current, Map<String, Double> latest);

    /** A one-line message (e.g. "checkpoint written"). */
    default void message(String text) {}

    @Override
    default void close() {}
}
