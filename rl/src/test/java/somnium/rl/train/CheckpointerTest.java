package somnium.rl.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointerTest {
    static Map<String, Checkpointer.Part> parts(String text) {
        Map<String, Checkpointer.Part> m = new LinkedHashMap<>();
        m.put("model.bin", out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
        m.put("optim.bin", out -> { for (int i = 0; i < 100_000; i++) out.write(i); });
        return m;
    }

    @Test
    void saveAndLoadLatest(@TempDir Path dir) throws IOException {
        Checkpointer ck = new Checkpointer(dir, 3);
        assertTrue(ck.latest().isEmpty());
        ck.save(100, parts("a"), Map.of("step", 100, "rng", Map.of("seed", 1, "offset", 40)));
        Checkpoint c = ck.latest().orElseThrow();
        assertEquals(100, c.step());
        assertEquals("a", new String(c.readAllBytes("model.bin"), StandardCharsets.UTF_8));
        assertEquals(100_000, c.readAllBytes("optim.bin").length);
        assertEquals(40, c.state().path("rng").path("offset").asLong());
        CheckpointException e = assertThrows(CheckpointException.class, () -> c.path("nope"));
        assertTrue(e.getMessage().contains("nope"));
    }

    @Test
    void crashMidWriteKeepsThePreviousCheckpoint(@TempDir Path dir) throws IOException {
        Checkpointer ck = new Checkpointer(dir, 3);
        ck.save(100, parts("good"), Map.of("n", 1));
        String latestBefore = Files.readString(dir.resolve("latest"));
        Map<String, Checkpointer.Part> bad = new LinkedHashMap<>(parts("new"));
        bad.put("z.bin", out -> { out.write(new byte[1000]); throw new IOException("simulated crash"); });
        IOException thrown = assertThrows(IOException.class, () -> ck.save(200, bad, Map.of("n", 2)));
        assertEquals("simulated crash", thrown.getMessage());
        assertEquals(latestBefore, Files.readString(dir.resolve("latest")), "latest unchanged");
        Checkpoint c = ck.latest().orElseThrow();
        assertEquals(100, c.step());
        assertEquals("good", new String(c.readAllBytes("model.bin"), StandardCharsets.UTF_8));
        assertEquals(List.of(100L), ck.steps(), "no step-200 directory appears");
        try (var s = Files.list(dir)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".tmp")), "temporary directory removed");
        }
        // a RuntimeException from a writer is just as safe
        Map<String, Checkpointer.Part> boom = Map.of("m.bin", out -> { throw new IllegalStateException("boom"); });
        assertThrows(IllegalStateException.class, () -> ck.save(300, boom, Map.of()));
        assertEquals(100, ck.latest().orElseThrow().step());
    }

    @Test
    void keepsTheLastN(@TempDir Path dir) throws IOException {
        Checkpointer ck = new Checkpointer(dir, 2);
        for (long s = 1; s <= 5; s++) ck.save(s * 10, parts("x" + s), Map.of());
        assertEquals(List.of(40L, 50L), ck.steps());
        assertEquals(50, ck.latest().orElseThrow().step());
        ck.save(50, parts("again"), Map.of()); // same step again replaces it
        assertEquals("again", new String(ck.latest().orElseThrow().readAllBytes("model.bin"), StandardCharsets.UTF_8));
        assertEquals(List.of(40L, 50L), ck.steps());
    }

    @Test
    void corruptOrMissingFilesNameThePath(@TempDir Path dir) throws IOException {
        Checkpointer ck = new Checkpointer(dir, 3);
        Path d = ck.save(7, parts("abc"), Map.of());
        Path model = d.resolve("model.bin");
        Files.writeString(model, "abd");
        CheckpointException crc = assertThrows(CheckpointException.class, ck::latest);
        assertTrue(crc.getMessage().contains(model.toString()) && crc.getMessage().contains("CRC"), crc.getMessage());
        Files.writeString(model, "abcd");
        CheckpointException size = assertThrows(CheckpointException.class, ck::latest);
        assertTrue(size.getMessage().contains("4 bytes"), size.getMessage());
        Files.delete(model);
        CheckpointException missing = assertThrows(CheckpointException.class, ck::latest);
        assertEquals(model, missing.path());
        Files.writeString(d.resolve("manifest.json"), "{not json");
        CheckpointException manifest = assertThrows(CheckpointException.class, ck::latest);
        assertTrue(manifest.getMessage().contains("manifest.json"), manifest.getMessage());
        Files.writeString(dir.resolve("latest"), "step-000000000099\n");
        CheckpointException nowhere = assertThrows(CheckpointException.class, ck::latest);
        assertTrue(nowhere.getMessage().contains("step-000000000099"), nowhere.getMessage());
        Files.delete(dir.resolve("latest"));
        CheckpointException noLatest = assertThrows(CheckpointException.class, ck::latest);
        assertTrue(noLatest.getMessage().contains("latest"), noLatest.getMessage());
    }
}
