package somnium.rl.train;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import somnium.rl.io.AtomicFiles;

/**
 * Metrics as JSON lines ({@code metrics.jsonl}), one object per record:
 * {@code {"step": 12000, "time": 1732550000.123, "train/return": 512.3, "model_loss": 0.71}}.
 * {@code step} counts environment steps, {@code time} is wall-clock seconds since the epoch; all other fields
 * are named scalars. Each line is flushed as written, so a crash loses at most the line being written.
 */
public final class MetricsLog implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;
    private BufferedWriter out;

    /** One parsed line. */
    public record Record(long step, double time, Map<String, Double> scalars) {}

    public MetricsLog(Path file) throws IOException {
        this.file = file;
        Files.createDirectories(file.toAbsolutePath().getParent());
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    public Path file() { return file; }

    public synchronized void log(long step, Map<String, Double> scalars) throws IOException {
        log(step, System.currentTimeMillis() / 1000.0, scalars);
    }

    public synchronized void log(long step, double time, Map<String, Double> scalars) throws IOException {
        ObjectNode o = JSON.createObjectNode();
        o.put("step", step);
        o.put("time", time);
        for (Map.Entry<String, Double> e : scalars.entrySet()) {
            if (e.getKey().equals("step") || e.getKey().equals("time")) throw new IllegalArgumentException("metric name '" + e.getKey() + "' is reserved");
            double v = e.getValue();
            if (Double.isFinite(v)) o.put(e.getKey(), v); else o.put(e.getKey(), Double.toString(v)); // NaN/Infinity as strings
        }
        out.write(JSON.writeValueAsString(o));
        out.write('\n');
        out.flush();
    }

    /** Reads every record of a metrics file (a torn last line, from a crash, is skipped). */
    public static List<Record> read(Path file) throws IOException {
        List<Record> out = new ArrayList<>();
        if (!Files.exists(file)) return out;
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).trim();
            if (line.isEmpty()) continue;
            JsonNode n;
            try {
                n = JSON.readTree(line);
            } catch (IOException e) {
                if (i == lines.size() - 1) break;
                throw new IOException(file + ":" + (i + 1) + ": not a JSON object: " + e.getMessage(), e);
            }
            Map<String, Double> s = new LinkedHashMap<>();
            for (var it = n.fields(); it.hasNext(); ) {
                var e = it.next();
                if (e.getKey().equals("step") || e.getKey().equals("time")) continue;
                JsonNode v = e.getValue();
                s.put(e.getKey(), v.isNumber() ? v.asDouble() : Double.parseDouble(v.asText()));
            }
            out.add(new Record(n.path("step").asLong(), n.path("time").asDouble(), s));
        }
        return out;
    }

    /**
     * Drops the records logged after {@code step} (a resumed run repeats them from its checkpoint); the file is
     * rewritten atomically.
     */
    public synchronized void truncateAfter(long step) throws IOException {
        out.close();
        List<String> keep = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) continue;
            try {
                if (JSON.readTree(line).path("step").asLong() <= step) keep.add(line);
            } catch (IOException torn) {
                // a torn line from a crash: drop it
            }
        }
        AtomicFiles.writeString(file, keep.isEmpty() ? "" : String.join("\n", keep) + "\n");
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Override
    public synchronized void close() throws IOException {
        out.close();
    }
}
