package somnium.rl.train;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import somnium.rl.io.AtomicFiles;

/**
 * Writes and reads checkpoints crash-safely. Layout under the checkpoint root:
 * <pre>
 *   step-000000010000/     one directory per checkpoint
 *     &lt;part files&gt;         e.g. model.safetensors, optim.safetensors (written by the parts' writers)
 *     state.json           the JSON state blob
 *     manifest.json        step, and each part's file, size and CRC-32 (written last)
 *   latest                 text file naming the newest complete checkpoint directory
 * </pre>
 * A save writes everything into a hidden temporary directory, fsyncs each file and the directory, renames
 * the directory into place, and only then replaces {@code latest} (atomically). A crash or exception at any
 * point leaves the previous checkpoint and {@code latest} untouched; leftovers are removed by the next save.
 * The last {@code keep} checkpoints are kept, older ones deleted.
 */
public final class Checkpointer {
    /** Produces a part's bytes; the weights writer (safetensors) of the autograd module fits here. */
    @FunctionalInterface
    public interface Part {
        void write(OutputStream out) throws IOException;
    }

    public static final String LATEST = "latest";
    public static final String STATE = "state.json";
    public static final String MANIFEST = "manifest.json";
    private static final Pattern DIR = Pattern.compile("step-(\\d{12})");
    private static final Pattern PART_NAME = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final int keep;

    public Checkpointer(Path root, int keep) {
        if (keep < 1) throw new IllegalArgumentException("keep must be >= 1, got " + keep);
        this.root = root;
        this.keep = keep;
    }

    public Path root() { return root; }

    public static String dirName(long step) {
        return String.format("step-%012d", step);
    }

    /**
     * Saves a checkpoint for {@code step} with the given parts (file name to writer, in order) and state
     * blob (any Jackson-serializable value: maps, lists, numbers, records). Returns its directory.
     */
    public Path save(long step, Map<String, Part> parts, Object state) throws IOException {
        if (step < 0) throw new IllegalArgumentException("checkpoint step must be >= 0, got " + step);
        for (String name : parts.keySet())
            if (!PART_NAME.matcher(name).matches() || name.equals(STATE) || name.equals(MANIFEST))
                throw new IllegalArgumentException("bad checkpoint part name '" + name + "'");
        Files.createDirectories(root);
        removeLeftovers();
        Path tmp = Files.createTempDirectory(root, ".tmp-" + dirName(step) + "-");
        Path finalDir = root.resolve(dirName(step));
        try {
            ObjectNode manifest = JSON.createObjectNode();
            manifest.put("step", step);
            ObjectNode partsNode = manifest.putObject("parts");
            for (Map.Entry<String, Part> e : parts.entrySet()) {
                Path f = tmp.resolve(e.getKey());
                CRC32 crc = new CRC32();
                try (OutputStream raw = Files.newOutputStream(f);
                     CheckedOutputStream checked = new CheckedOutputStream(new BufferedOutputStream(raw, 1 << 16), crc)) {
                    e.getValue().write(new NoClose(checked));
                }
                AtomicFiles.fsync(f);
                ObjectNode p = partsNode.putObject(e.getKey());
                p.put("bytes", Files.size(f));
                p.put("crc32", crc.getValue());
            }
            Path st = tmp.resolve(STATE);
            Files.write(st, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(state));
            AtomicFiles.fsync(st);
            manifest.put("state_crc32", crc(Files.readAllBytes(st)));
            Path mf = tmp.resolve(MANIFEST);
            Files.write(mf, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(manifest));
            AtomicFiles.fsync(mf);
            AtomicFiles.fsyncDir(tmp);
            if (Files.exists(finalDir)) { // the same step saved again: move the old one aside first
                Path old = Files.createTempDirectory(root, ".old-" + dirName(step) + "-");
                Files.delete(old);
                AtomicFiles.move(finalDir, old);
            }
            AtomicFiles.move(tmp, finalDir);
            AtomicFiles.fsyncDir(root);
        } catch (IOException | RuntimeException | Error e) {
            AtomicFiles.deleteRecursively(tmp);
            throw e;
        }
        AtomicFiles.writeString(root.resolve(LATEST), finalDir.getFileName() + "\n");
        removeLeftovers();
        prune();
        return finalDir;
    }

    private static long crc(byte[] b) {
        CRC32 c = new CRC32();
        c.update(b);
        return c.getValue();
    }

    /** The steps of the complete checkpoint directories, ascending. */
    public List<Long> steps() throws IOException {
        List<Long> out = new ArrayList<>();
        if (!Files.isDirectory(root)) return out;
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Matcher m = DIR.matcher(p.getFileName().toString());
                if (m.matches() && Files.isDirectory(p)) out.add(Long.parseLong(m.group(1)));
            }
        }
        out.sort(null);
        return out;
    }

    private void removeLeftovers() throws IOException {
        if (!Files.isDirectory(root)) return;
        try (Stream<Path> s = Files.list(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(".tmp-step-") || n.startsWith(".old-step-") || n.startsWith(".tmp-" + LATEST)) AtomicFiles.deleteRecursively(p);
            }
        }
    }

    private void prune() throws IOException {
        List<Long> steps = steps();
        String latest = readLatestName();
        for (int i = 0; i < steps.size() - keep; i++) {
            String name = dirName(steps.get(i));
            if (!name.equals(latest)) AtomicFiles.deleteRecursively(root.resolve(name));
        }
    }

    private String readLatestName() throws IOException {
        Path l = root.resolve(LATEST);
        if (!Files.exists(l)) return null;
        return Files.readString(l, StandardCharsets.UTF_8).trim();
    }

    /**
     * The checkpoint {@code latest} points to, verified; empty if this root has never been written. A
     * {@code latest} that points nowhere, or a checkpoint that fails verification, is a CheckpointException
     * naming the path.
     */
    public Optional<Checkpoint> latest() throws IOException {
        String name = readLatestName();
        if (name == null) {
            if (!steps().isEmpty())
                throw new CheckpointException(root.resolve(LATEST), "is missing although checkpoint directories exist " + steps());
            return Optional.empty();
        }
        if (!DIR.matcher(name).matches()) throw new CheckpointException(root.resolve(LATEST), "names '" + name + "', not a checkpoint directory");
        return Optional.of(load(root.resolve(name)));
    }

    /** Loads and verifies one checkpoint directory. */
    public static Checkpoint load(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) throw new CheckpointException(dir, "does not exist");
        Path mf = dir.resolve(MANIFEST);
        if (!Files.isRegularFile(mf)) throw new CheckpointException(mf, "is missing (incomplete checkpoint)");
        JsonNode manifest;
        try {
            manifest = JSON.readTree(mf.toFile());
        } catch (IOException e) {
            throw new CheckpointException(mf, "does not parse: " + e.getMessage(), e);
        }
        if (manifest == null || !manifest.has("step") || !manifest.has("parts"))
            throw new CheckpointException(mf, "lacks 'step' or 'parts'");
        Map<String, Path> parts = new LinkedHashMap<>();
        for (var it = manifest.get("parts").fields(); it.hasNext(); ) {
            var e = it.next();
            Path f = dir.resolve(e.getKey());
            if (!Files.isRegularFile(f)) throw new CheckpointException(f, "is missing");
            long bytes = e.getValue().path("bytes").asLong(-1), want = e.getValue().path("crc32").asLong(-1);
            if (Files.size(f) != bytes) throw new CheckpointException(f, "has " + Files.size(f) + " bytes, the manifest says " + bytes);
            if (crcOf(f) != want) throw new CheckpointException(f, "fails its CRC-32 check (corrupt)");
            parts.put(e.getKey(), f);
        }
        Path st = dir.resolve(STATE);
        if (!Files.isRegularFile(st)) throw new CheckpointException(st, "is missing");
        byte[] stBytes = Files.readAllBytes(st);
        if (manifest.has("state_crc32") && crc(stBytes) != manifest.get("state_crc32").asLong())
            throw new CheckpointException(st, "fails its CRC-32 check (corrupt)");
        JsonNode state;
        try {
            state = JSON.readTree(stBytes);
        } catch (IOException e) {
            throw new CheckpointException(st, "does not parse: " + e.getMessage(), e);
        }
        return new Checkpoint(dir, manifest.get("step").asLong(), state, parts);
    }

    private static long crcOf(Path f) throws IOException {
        CRC32 c = new CRC32();
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int n; (n = in.read(buf)) > 0; ) c.update(buf, 0, n);
        }
        return c.getValue();
    }

    /** Keeps a part writer from closing the checkpoint's stream under us. */
    private static final class NoClose extends java.io.FilterOutputStream {
        NoClose(OutputStream out) { super(out); }
        @Override public void write(byte[] b, int off, int len) throws IOException { out.write(b, off, len); }
        @Override public void close() throws IOException { flush(); }
    }
}
