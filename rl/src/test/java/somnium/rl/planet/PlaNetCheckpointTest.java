package somnium.rl.planet;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import somnium.autograd.io.SafeTensors;
import somnium.rl.train.Checkpoint;
import somnium.rl.train.Checkpointer;
import somnium.rl.train.MetricsLog;
import somnium.rl.train.ProgressSink;
import somnium.rl.train.RunContext;
import somnium.tensor.Tensor;

/**
 * PlaNet's checkpoints: a load then save reproduces model, optimizer, RNG offsets and loop state bit for bit,
 * and a run stopped at a checkpoint and resumed continues exactly like the uninterrupted run.
 */
class PlaNetCheckpointTest {
    static final String ENV = "gym:Pendulum-v1";

    /** Episodes of 40 env steps (20 agent steps at action repeat 2); 2 seed episodes, then 3 updates per episode. */
    static PlaNetConfig config(long steps) {
        return PlaNetFixtures.tiny(steps, 40, 2, 2, 3, 4, 8, 8, 4, 16, 4, 2, 20, 4, 1e-3, 0, 0, 80);
    }

    static PlaNet.PlaNetTrainer trainer(RunContext ctx) {
        return (PlaNet.PlaNetTrainer) new PlaNet().create(ctx);
    }

    static Map<String, float[]> tensors(Path safetensors) throws IOException {
        Map<String, float[]> out = new LinkedHashMap<>();
        SafeTensors.load(safetensors).tensors().forEach((k, v) -> out.put(k, v.toType(somnium.tensor.DType.F32).toFloatArray()));
        return out;
    }

    static void assertSameTensors(Map<String, float[]> a, Map<String, float[]> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what);
        for (String k : a.keySet()) assertArrayEquals(a.get(k), b.get(k), what + " " + k); // exact: assertArrayEquals(float[]) has no delta
    }

    /**
     * Equal to float rounding: the Vector API's transcendental lanes (exp, expm1, tanh) differ in the last ulp
     * between the interpreter and C2-compiled code, and a resumed run meets them at another JIT tier than the
     * uninterrupted one. (A checkpoint's load-then-save round trip is checked bit for bit above.)
     */
    static void assertCloseTensors(Map<String, float[]> a, Map<String, float[]> b, String what) {
        assertEquals(a.keySet(), b.keySet(), what);
        for (String k : a.keySet()) {
            float[] x = a.get(k), y = b.get(k);
            assertEquals(x.length, y.length, what + " " + k);
            for (int i = 0; i < x.length; i++)
                assertEquals(x[i], y[i], 1e-5f * (1 + Math.abs(x[i])), what + " " + k + "[" + i + "]");
        }
    }

    static void assertResumedLikeUninterrupted(Checkpoint a, Checkpoint b) throws IOException {
        assertCloseTensors(tensors(a.path("model.safetensors")), tensors(b.path("model.safetensors")), "model");
        assertCloseTensors(tensors(a.path("optimizer.safetensors")), tensors(b.path("optimizer.safetensors")), "optimizer");
        assertEquals(a.state().get("rngs"), b.state().get("rngs"), "rng offsets");
        assertEquals(a.state().get("replay"), b.state().get("replay"), "replay bookkeeping");
    }

    static void assertSameCheckpoint(Checkpoint a, Checkpoint b) throws IOException {
        assertSameTensors(tensors(a.path("model.safetensors")), tensors(b.path("model.safetensors")), "model");
        assertSameTensors(tensors(a.path("optimizer.safetensors")), tensors(b.path("optimizer.safetensors")), "optimizer");
        assertEquals(a.state().get("rngs"), b.state().get("rngs"), "rng offsets");
        assertEquals(a.state().get("replay"), b.state().get("replay"), "replay bookkeeping");
    }

    @Test
    void stopAndResumeEqualsAnUninterruptedRun(@TempDir Path dir) throws IOException {
        long total = 240, mid = 120;
        // the uninterrupted run
        Path runA = dir.resolve("a");
        try (MetricsLog m = PlaNetFixtures.metrics(runA)) {
            trainer(PlaNetFixtures.context(runA, ENV, config(total), 7, m)).train(ProgressSink.NONE);
        }
        // the same run stopped at `mid`
        Path runB = dir.resolve("b");
        Map<String, Tensor> atStop;
        try (MetricsLog m = PlaNetFixtures.metrics(runB)) {
            PlaNet.PlaNetTrainer first = trainer(PlaNetFixtures.context(runB, ENV, config(mid), 7, m));
            first.train(ProgressSink.NONE);
            atStop = new LinkedHashMap<>();
            first.model().stateDict().forEach((k, v) -> atStop.put(k, v.copy()));
        }
        Checkpointer ckB = new Checkpointer(runB.resolve("checkpoints"), 5);
        Checkpoint stop = ckB.latest().orElseThrow();
        assertEquals(mid, stop.step());
        assertTrue(stop.state().path("rngs").path("learn").asLong() > 0);
        assertTrue(stop.state().path("rngs").path("act").asLong() > 0);
        Map<String, float[]> saved = tensors(stop.path("model.safetensors"));
        for (var e : atStop.entrySet()) assertArrayEquals(e.getValue().toFloatArray(), saved.get(e.getKey()), "saved " + e.getKey());

        // resume with the longer schedule: load, save again (the round trip is exact), then train on
        try (MetricsLog m = PlaNetFixtures.metrics(runB)) {
            PlaNet.PlaNetTrainer resumed = trainer(PlaNetFixtures.context(runB, ENV, config(total), 7, m));
            resumed.load(stop);
            Checkpointer again = new Checkpointer(dir.resolve("roundtrip"), 2);
            resumed.save(again);
            Checkpoint copy = again.latest().orElseThrow();
            assertEquals(mid, copy.step());
            assertSameCheckpoint(stop, copy);
            assertEquals(stop.state().get("loop"), copy.state().get("loop"), "loop state");
            for (var e : atStop.entrySet()) assertArrayEquals(e.getValue().toFloatArray(), resumed.model().stateDict().get(e.getKey()).toFloatArray(), e.getKey());
            resumed.train(ProgressSink.NONE);
        }

        Checkpoint endA = new Checkpointer(runA.resolve("checkpoints"), 5).latest().orElseThrow();
        Checkpoint endB = ckB.latest().orElseThrow();
        assertEquals(total, endA.step());
        assertEquals(total, endB.step());
        assertResumedLikeUninterrupted(endA, endB);
        assertEquals(endA.state().path("loop").path("updates"), endB.state().path("loop").path("updates"));
        assertTrue(endA.state().path("loop").path("updates").asLong() >= 6, "updates happened after the resume point");

        // the logged losses and returns after the resume point are the same numbers
        List<MetricsLog.Record> a = MetricsLog.read(runA.resolve("metrics.jsonl")), b = MetricsLog.read(runB.resolve("metrics.jsonl"));
        assertEquals(a.size(), b.size(), "one record per episode, none duplicated by the resume");
        int compared = 0;
        for (int i = 0; i < a.size(); i++) {
            assertEquals(a.get(i).step(), b.get(i).step());
            Map<String, Double> x = new LinkedHashMap<>(a.get(i).scalars()), y = new LinkedHashMap<>(b.get(i).scalars());
            x.remove("fps");
            y.remove("fps");
            // Weights and optimizer state are compared bit for bit above. The logged scalars get a 1e-6 relative
            // tolerance: reductions that end in FloatVector.reduceLanes(ADD) (e.g. the "kl" metric's mean) add their
            // lanes in an unspecified order, which differs between interpreted and JIT-compiled code, so the last
            // bits of a metric can differ between two identical runs.
            assertEquals(x.keySet(), y.keySet(), "metrics at step " + a.get(i).step());
            for (String k : x.keySet())
                assertEquals(x.get(k), y.get(k), 1e-6 * Math.max(1, Math.abs(x.get(k))), k + " at step " + a.get(i).step());
            if (a.get(i).step() > mid && x.containsKey("model_loss")) compared++;
        }
        assertTrue(compared >= 2, "losses after the resume point were compared: " + compared);
    }
}
