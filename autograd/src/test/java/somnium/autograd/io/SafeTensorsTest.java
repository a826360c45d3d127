package somnium.autograd.io;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import somnium.autograd.nn.Activation;
import somnium.autograd.nn.Mlp;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

class SafeTensorsTest {
    @TempDir
    Path dir;

    private static Mlp mlp(long seed) {
        return new Mlp(3, new int[] {4}, 2, Activation.RELU, Mlp.Norm.NONE, new Rng(seed));
    }

    @Test
    void roundTripOfAModelAndMixedDtypesWithTheExactByteLayout() throws Exception {
        Path f = dir.resolve("model.safetensors");
        Mlp a = mlp(1);
        SafeTensors.save(f, a, Map.of("step", "42"));
        Mlp b = mlp(2);
        Map<String, String> meta = SafeTensors.loadInto(f, b);
        assertEquals("42", meta.get("step"));
        a.stateDict().forEach((k, t) -> assertTrue(t.allClose(b.stateDict().get(k), 0, 0), k));

        Map<String, Tensor> mixed = new LinkedHashMap<>();
        mixed.put("a", Tensor.of(new double[] {1.5, -2}, 2));
        mixed.put("idx", Tensor.ofInts(new int[] {7, 8, 9}, 3, 1));
        mixed.put("s", Tensor.scalar(3));
        Path g = dir.resolve("mixed.safetensors");
        SafeTensors.save(g, mixed);
        SafeTensors.Contents c = SafeTensors.load(g);
        assertEquals(java.util.List.of("a", "idx", "s"), java.util.List.copyOf(c.tensors().keySet()));
        assertArrayEquals(new int[] {7, 8, 9}, c.tensors().get("idx").toIntArray());
        assertEquals(0, c.tensors().get("s").rank());

        byte[] bytes = Files.readAllBytes(g);
        long n = ByteBuffer.wrap(bytes, 0, 8).order(ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, n % 8);
        String header = new String(bytes, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.contains("\"a\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}"), header);
        assertEquals(8 + n + 16 + 12 + 4, bytes.length);
        assertEquals(1.5, ByteBuffer.wrap(bytes, (int) (8 + n), 8).order(ByteOrder.LITTLE_ENDIAN).getDouble());
        try (var files = Files.list(dir)) {
            assertEquals(2, files.count()); // no temporary files left behind
        }
    }

    @Test
    void truncatedAndCorruptFilesAreRejectedByName() throws Exception {
        Path f = dir.resolve("m.safetensors");
        SafeTensors.save(f, mlp(1), Map.of());
        byte[] good = Files.readAllBytes(f);

        Path truncated = dir.resolve("truncated.safetensors");
        Files.write(truncated, java.util.Arrays.copyOf(good, good.length - 10));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.load(truncated));
        assertTrue(e.getMessage().contains("truncated") && e.getMessage().contains("'out.") && e.getMessage().contains(truncated.toString()), e.getMessage());

        Path tiny = dir.resolve("tiny.safetensors");
        Files.write(tiny, new byte[] {1, 2, 3});
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.load(tiny));

        Path badJson = dir.resolve("json.safetensors");
        byte[] copy = good.clone();
        copy[8] = 'x';
        Files.write(badJson, copy);
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.load(badJson));
        assertTrue(e.getMessage().contains("JSON"), e.getMessage());

        Path hugeHeader = dir.resolve("huge.safetensors");
        copy = good.clone();
        ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 40);
        Files.write(hugeHeader, copy);
        assertThrows(IllegalArgumentException.class, () -> SafeTensors.load(hugeHeader));

        Path bf16 = dir.resolve("bf16.safetensors");
        String h = "{\"w\":{\"dtype\":\"BF16\",\"shape\":[1],\"data_offsets\":[0,2]}}";
        ByteBuffer bb = ByteBuffer.allocate(8 + h.length() + 2).order(ByteOrder.LITTLE_ENDIAN);
        bb.putLong(h.length()).put(h.getBytes(StandardCharsets.UTF_8)).put(new byte[2]);
        Files.write(bf16, bb.array());
        e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.load(bf16));
        assertTrue(e.getMessage().contains("'w'") && e.getMessage().contains("BF16"), e.getMessage());
    }

    @Test
    void missingExtraOrMisShapedTensorsAreReportedAndNothingIsHalfLoaded() throws Exception {
        Map<String, Tensor> state = new LinkedHashMap<>(mlp(1).stateDict());
        state.remove("out.bias");
        state.put("linear0.weight", Tensor.zeros(5, 3));
        state.put("stray", Tensor.zeros(1));
        Path f = dir.resolve("wrong.safetensors");
        SafeTensors.save(f, state);
        Mlp target = mlp(3);
        Tensor before = target.stateDict().get("out.weight").copy();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SafeTensors.loadInto(f, target));
        String m = e.getMessage();
        assertTrue(m.contains(f.toString()) && m.contains("missing tensor 'out.bias'") && m.contains("'linear0.weight' has shape [5, 3]")
                && m.contains("unexpected tensor 'stray'"), m);
        assertTrue(target.stateDict().get("out.weight").allClose(before, 0, 0));
    }

    @Test
    void overwritingReplacesTheFileAtomically() throws Exception {
        Path f = dir.resolve("ckpt.safetensors");
        SafeTensors.save(f, Map.of("x", Tensor.ones(2)));
        SafeTensors.save(f, Map.of("x", Tensor.zeros(3)));
        assertEquals(3, SafeTensors.load(f).tensors().get("x").numel());
    }
}
