package somnium.autograd.io;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import somnium.autograd.Var;
import somnium.autograd.nn.Module;
import somnium.tensor.DType;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * Checkpoints in the safetensors format (https://github.com/huggingface/safetensors), so PyTorch users can
 * open our weights with {@code safetensors.torch.load_file}:
 * <pre>
 * [8 bytes: header length N, little-endian u64][N bytes: JSON header][data, little-endian]
 * header = {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
 *           "__metadata__": {"key": "value"}}      (offsets relative to the start of the data)
 * </pre>
 * Saving writes a temporary file beside the target and renames it atomically, so a crash never leaves a
 * half-written checkpoint. Loading validates the whole file (header, offsets, sizes, dtypes) before
 * returning anything, and loading into a module checks every name and shape before copying a single value.
 */
public final class SafeTensors {
    private static final long MAX_HEADER = 100L << 20;
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    /** The tensors of a file (in file order) and its "__metadata__". */
    public record Contents(Map<String, Tensor> tensors, Map<String, String> metadata) {}

    private SafeTensors() {}

    public static void save(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = JSON.createObjectNode();
        if (metadata != null && !metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__")) throw new IllegalArgumentException("SafeTensors.save: '__metadata__' is reserved, not a tensor name");
            Tensor t = e.getValue();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype().name());
            ArrayNode shape = entry.putArray("shape");
            for (int d : t.dims()) shape.add(d);
            long bytes = (long) t.numel() * t.dtype().bytes();
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // align the data to 8 bytes; trailing spaces are allowed
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) head.put((byte) ' ');
        head.flip();

        Path dir = path.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, path.getFileName().toString(), ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                while (head.hasRemaining()) ch.write(head);
                for (Tensor t : tensors.values()) {
                    ByteBuffer data = encode(t);
                    while (data.hasRemaining()) ch.write(data);
                }
                ch.force(true);
            }
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    public static void save(Path path, Map<String, Tensor> tensors) throws IOException {
        save(path, tensors, Map.of());
    }

    /** Saves a module's parameters under their dotted names. */
    public static void save(Path path, Module module, Map<String, String> metadata) throws IOException {
        save(path, module.stateDict(), metadata);
    }

    public static Contents load(Path path) throws IOException {
        byte[] file = Files.readAllBytes(path);
        if (file.length < 8) throw corrupt(path, "file has " + file.length + " bytes, too short for the 8-byte header length");
        long n = ByteBuffer.wrap(file, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (n < 2 || n > MAX_HEADER || n > file.length - 8)
            throw corrupt(path, "header length " + n + " is invalid for a file of " + file.length + " bytes (truncated or not a safetensors file)");
        JsonNode header;
        try {
            header = JSON.readTree(new String(file, 8, (int) n, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw corrupt(path, "header is not valid JSON: " + e.getMessage());
        }
        if (header == null || !header.isObject()) throw corrupt(path, "header is not a JSON object");
        int dataStart = 8 + (int) n;
        long dataLength = file.length - dataStart;

        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        List<long[]> ranges = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = header.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String name = e.getKey();
            JsonNode v = e.getValue();
            if (name.equals("__metadata__")) {
                if (!v.isObject()) throw corrupt(path, "__metadata__ must be a map of strings");
                v.fields().forEachRemaining(m -> metadata.put(m.getKey(), m.getValue().asText()));
                continue;
            }
            DType dtype = dtype(path, name, v.path("dtype").asText(null));
            JsonNode shapeNode = v.path("shape"), off = v.path("data_offsets");
            if (!shapeNode.isArray() || !off.isArray() || off.size() != 2)
                throw corrupt(path, "tensor '" + name + "' needs a shape array and data_offsets [begin, end]");
            int[] dims = new int[shapeNode.size()];
            for (int i = 0; i < dims.length; i++) {
                if (!shapeNode.get(i).canConvertToInt() || shapeNode.get(i).asInt() < 0) throw corrupt(path, "tensor '" + name + "' has a bad shape " + shapeNode);
                dims[i] = shapeNode.get(i).asInt();
            }
            Shape shape = Shape.of(dims);
            long begin = off.get(0).asLong(-1), end = off.get(1).asLong(-1);
            long want = (long) shape.numel() * dtype.bytes();
            if (begin < 0 || end < begin || end - begin != want)
                throw corrupt(path, "tensor '" + name + "' " + shape + " " + dtype + " needs " + want + " bytes but data_offsets are [" + begin + ", " + end + "]");
            if (end > dataLength)
                throw corrupt(path, "tensor '" + name + "' ends at byte " + end + " but the file holds only " + dataLength + " bytes of data (truncated)");
            ranges.add(new long[] {begin, end});
            tensors.put(name, decode(file, dataStart + (int) begin, dtype, shape));
        }
        ranges.sort((a, b) -> Long.compare(a[0], b[0]));
        long covered = 0;
        for (long[] r : ranges) {
            if (r[0] != covered) throw corrupt(path, "tensor data overlaps or leaves a gap at byte " + covered);
            covered = r[1];
        }
        if (covered != dataLength) throw corrupt(path, (dataLength - covered) + " bytes of data after the last tensor");
        return new Contents(tensors, metadata);
    }

    /**
     * Loads a file into a module's parameters: every missing, unexpected or mis-shaped tensor is reported
     * (by name, with the file) and nothing is copied unless all of them match.
     */
    public static Map<String, String> loadInto(Path path, Module module) throws IOException {
        Contents c = load(path);
        Map<String, Var> params = module.namedParameters();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Var> e : params.entrySet()) {
            Tensor t = c.tensors().get(e.getKey());
            Tensor p = e.getValue().value();
            if (t == null) problems.add("missing tensor '" + e.getKey() + "' " + p.shape());
            else if (!t.shape().equals(p.shape())) problems.add("tensor '" + e.getKey() + "' has shape " + t.shape() + ", the model expects " + p.shape());
            else if (t.dtype() != p.dtype()) problems.add("tensor '" + e.getKey() + "' is " + t.dtype() + ", the model expects " + p.dtype());
        }
        for (String k : c.tensors().keySet()) if (!params.containsKey(k)) problems.add("unexpected tensor '" + k + "'");
        if (!problems.isEmpty()) throw new IllegalArgumentException("checkpoint " + path + " does not fit " + module.getClass().getSimpleName() + ": " + String.join("; ", problems));
        for (Map.Entry<String, Var> e : params.entrySet()) e.getValue().value().copyFrom(c.tensors().get(e.getKey()));
        return c.metadata();
    }

    private static DType dtype(Path path, String name, String s) {
        if (s == null) throw corrupt(path, "tensor '" + name + "' has no dtype");
        return switch (s) {
            case "F32" -> DType.F32;
            case "F64" -> DType.F64;
            case "I32" -> DType.I32;
            default -> throw corrupt(path, "tensor '" + name + "' has dtype " + s + "; only F32, F64 and I32 are supported");
        };
    }

    private static ByteBuffer encode(Tensor t) {
        ByteBuffer b = ByteBuffer.allocate(t.numel() * t.dtype().bytes()).order(ByteOrder.LITTLE_ENDIAN);
        switch (t.dtype()) {
            case F32 -> b.asFloatBuffer().put(t.toFloatArray());
            case F64 -> b.asDoubleBuffer().put(t.toDoubleArray());
            case I32 -> b.asIntBuffer().put(t.toIntArray());
        }
        return b;
    }

    private static Tensor decode(byte[] file, int start, DType dtype, Shape shape) {
        int n = shape.numel();
        ByteBuffer b = ByteBuffer.wrap(file, start, n * dtype.bytes()).slice().order(ByteOrder.LITTLE_ENDIAN);
        int[] dims = shape.dims();
        return switch (dtype) {
            case F32 -> { float[] a = new float[n]; b.asFloatBuffer().get(a); yield Tensor.of(a, dims); }
            case F64 -> { double[] a = new double[n]; b.asDoubleBuffer().get(a); yield Tensor.of(a, dims); }
            case I32 -> { int[] a = new int[n]; b.asIntBuffer().get(a); yield Tensor.ofInts(a, dims); }
        };
    }

    private static IllegalArgumentException corrupt(Path path, String what) {
        return new IllegalArgumentException("corrupt safetensors file " + path + ": " + what);
    }
}
