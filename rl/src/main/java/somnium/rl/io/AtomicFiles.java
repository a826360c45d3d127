package somnium.rl.io;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Crash-safe file writes: write to a temporary sibling, fsync it, rename it over the target (atomic on
 * POSIX file systems), then fsync the directory so the rename itself survives a power cut. A crash at any
 * point leaves either the old file or the new one, never a torn one (at worst a stray {@code .tmp-*}).
 */
public final class AtomicFiles {
    private AtomicFiles() {}

    /** Writes something to an OutputStream; may throw. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Writes {@code target} atomically with the bytes produced by {@code writer}. */
    public static void write(Path target, StreamWriter writer) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, ".tmp-" + target.getFileName() + "-", "");
        boolean ok = false;
        try {
            try (OutputStream out = Files.newOutputStream(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                writer.write(out);
            }
            readableByAll(tmp); // temp files are created owner-only; results are ordinary files
            fsync(tmp);
            move(tmp, target);
            fsyncDir(dir);
            ok = true;
        } finally {
            if (!ok) Files.deleteIfExists(tmp);
        }
    }

    public static void writeString(Path target, String text) throws IOException {
        write(target, out -> out.write(text.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** rw-r--r-- where the file system has POSIX permissions (a no-op elsewhere). */
    static void readableByAll(Path file) throws IOException {
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: keep its defaults
        }
    }

    /** Renames {@code from} to {@code to} atomically, replacing {@code to} if it is a file. */
    public static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the file system cannot rename " + from + " to " + to + " atomically", e);
        }
    }

    /** Forces a file's content to disk. */
    public static void fsync(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Forces a directory entry to disk; a no-op where the platform cannot open directories (Windows). */
    public static void fsyncDir(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Not supported on every OS/file system; the rename is still atomic.
        }
    }

    /** Deletes a file or a directory tree if it exists. */
    public static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) return;
        try (Stream<Path> walk = Files.walk(p)) {
            for (Path q : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) Files.deleteIfExists(q);
        }
    }
}
