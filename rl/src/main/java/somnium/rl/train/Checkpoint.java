package somnium.rl.train;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A verified checkpoint on disk: its step, its JSON state blob (counters, RNG states, replay bookkeeping,
 * anything the trainer put there) and its named binary parts. Every part's size and CRC-32 were checked
 * against the manifest when this object was made.
 */
public final class Checkpoint {
    private final Path dir;
    private final long step;
    private final JsonNode state;
    private final Map<String, Path> parts;

    Checkpoint(Path dir, long step, JsonNode state, Map<String, Path> parts) {
        this.dir = dir;
        this.step = step;
        this.state = state;
        this.parts = Map.copyOf(parts);
    }

    public Path dir() { return dir; }
    public long step() { return step; }
    /** The state blob given to {@link Checkpointer#save}. */
    public JsonNode state() { return state; }
    public Set<String> parts() { return parts.keySet(); }

    /** The file of part {@code name}; a CheckpointException naming the checkpoint if there is no such part. */
    public Path path(String name) throws CheckpointException {
        Path p = parts.get(name);
        if (p == null) throw new CheckpointException(dir, "has no part '" + name + "' (parts: " + parts.keySet() + ")");
        return p;
    }

    public InputStream open(String name) throws IOException {
        return Files.newInputStream(path(name));
    }

    public byte[] readAllBytes(String name) throws IOException {
        return Files.readAllBytes(path(name));
    }

    @Override
    public String toString() {
        return "Checkpoint(step " + step + ", " + dir + ", parts " + parts.keySet() + ")";
    }
}
