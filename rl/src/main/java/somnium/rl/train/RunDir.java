package somnium.rl.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import somnium.rl.io.AtomicFiles;

/**
 * A run's directory:
 * <pre>
 *   run.json          algorithm, env, preset, seed, device, creation time
 *   config.json       the resolved config (all keys, snake_case); `resume --set` rewrites it
 *   resumes.jsonl     one line per resume: time, the checkpoint step it continued from, the keys it changed
 *   metrics.jsonl     one JSON object per line: step, time, named scalars
 *   checkpoints/      step-NNNNNNNNNNNN/ directories and the 'latest' pointer (see {@link Checkpointer})
 *   episodes/         the replay's episodes, one file each (see somnium.rl.replay.EpisodeFiles)
 *   plots/            returns.png, losses.png
 *   videos/           open-loop predictions and eval rollouts (GIF)
 * </pre>
 */
public record RunDir(Path root) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    /** What {@code run.json} records. */
    public record Info(String algorithm, String env, String preset, long seed, String device, String created) {}

    public Path runInfo() { return root.resolve("run.json"); }
    public Path config() { return root.resolve("config.json"); }
    public Path metrics() { return root.resolve("metrics.jsonl"); }
    public Path checkpoints() { return root.resolve("checkpoints"); }
    public Path episodes() { return root.resolve("episodes"); }
    public Path plots() { return root.resolve("plots"); }
    public Path videos() { return root.resolve("videos"); }
    public Path resumes() { return root.resolve("resumes.jsonl"); }

    /** The default location of a new run: {@code runs/<algo>-<env>-s<seed>-<yyyyMMdd-HHmmss>}. */
    public static Path defaultPath(String algorithm, String env, long seed) {
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        return Path.of("runs", algorithm + "-" + env.replaceAll("[^A-Za-z0-9_.-]", "_") + "-s" + seed + "-" + stamp);
    }

    /** Creates a new run directory; it must not exist or be empty (to continue a run, use resume). */
    public static RunDir create(Path root, Info info, String configJson) throws IOException {
        if (Files.exists(root)) {
            if (!Files.isDirectory(root)) throw new IllegalArgumentException("run directory " + root + " is a file");
            try (Stream<Path> s = Files.list(root)) {
                if (s.findAny().isPresent())
                    throw new IllegalArgumentException("run directory " + root + " is not empty; use 'resume " + root + "' to continue it");
            }
        }
        Files.createDirectories(root);
        RunDir d = new RunDir(root);
        AtomicFiles.writeString(d.runInfo(), JSON.writeValueAsString(info) + "\n");
        AtomicFiles.writeString(d.config(), configJson + "\n");
        return d;
    }

    /** Opens an existing run directory; errors name what is missing. */
    public static RunDir open(Path root) throws IOException {
        RunDir d = new RunDir(root);
        if (!Files.isDirectory(root)) throw new IllegalArgumentException("run directory " + root + " does not exist");
        if (!Files.isRegularFile(d.runInfo())) throw new IllegalArgumentException("run directory " + root + " has no run.json (not a Somnium run)");
        if (!Files.isRegularFile(d.config())) throw new IllegalArgumentException("run directory " + root + " has no config.json");
        return d;
    }

    public Info readInfo() throws IOException {
        try {
            return JSON.readValue(runInfo().toFile(), Info.class);
        } catch (IOException e) {
            throw new IOException(runInfo() + " does not parse: " + e.getMessage(), e);
        }
    }

    public String readConfigJson() throws IOException {
        return Files.readString(config());
    }

    public void writeConfigJson(String json) throws IOException {
        AtomicFiles.writeString(config(), json + "\n");
    }

    /**
     * Appends a line to {@code resumes.jsonl}: when, from which checkpoint step, and the {@code --set} overrides
     * (which {@link #writeConfigJson} then applies to config.json, so that the history of a run whose settings
     * changed midway is not lost). The file is rewritten atomically, like every other file here.
     */
    public void recordResume(long fromStep, List<String> sets) throws IOException {
        Map<String, Object> line = new LinkedHashMap<>();
        line.put("time", now());
        line.put("from_step", fromStep);
        line.put("set", sets);
        String before = Files.isRegularFile(resumes()) ? Files.readString(resumes()) : "";
        AtomicFiles.writeString(resumes(), before + JSON_LINE.writeValueAsString(line) + "\n");
    }

    public static String now() {
        return LocalDateTime.now().format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    }

    static Map<String, Object> toMap(JsonNode n) {
        return JSON.convertValue(n, LinkedHashMap.class);
    }
}
