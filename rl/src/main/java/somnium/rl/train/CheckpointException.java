package somnium.rl.train;

import java.io.IOException;
import java.nio.file.Path;

/** A checkpoint that cannot be read: missing, truncated or corrupt. The message names the path. */
public class CheckpointException extends IOException {
    private final Path path;

    public CheckpointException(Path path, String message) {
        this(path, message, null);
    }

    public CheckpointException(Path path, String message, Throwable cause) {
        super("checkpoint " + path + ": " + message, cause);
        this.path = path;
    }

    public Path path() {
        return path;
    }
}
