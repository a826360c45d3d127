package somnium.rl.cli;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import somnium.rl.train.AlgorithmRegistry;
import somnium.rl.train.Checkpointer;
import somnium.rl.train.MetricsLog;

class MainTest {
    record Result(int code, String out, String err) {}

    static Result exec(String... args) {
        CommandLine cl = Main.commandLine(new Main(new AlgorithmRegistry().register(new FakeAlgorithm()), FakeAlgorithm.catalog()));
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void listShowsAlgorithmsPresetsAndEnvs() {
        Result r = exec("list");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("fake") && r.out().contains("a test algorithm"), r.out());
        assertTrue(r.out().contains("presets: default, pixels"), r.out());
        assertTrue(r.out().contains("fake-env") && r.out().contains("fake-pixels"), r.out());
        Result keys = exec("list", "fake");
        assertEquals(0, keys.code(), keys.err());
        assertTrue(keys.out().contains("action_repeat") && keys.out().contains("batch_length") && keys.out().contains("env steps"), keys.out());
    }

    @Test
    void userErrorsExitTwoWithOneLine(@TempDir Path dir) {
        Result algo = exec("train", "dreamerz", "--env", "fake-env", "--run-dir", dir.resolve("a").toString());
        assertEquals(2, algo.code());
        assertTrue(algo.err().contains("unknown algorithm 'dreamerz'; known algorithms: fake"), algo.err());
        Result env = exec("train", "fake", "--env", "pong", "--run-dir", dir.resolve("b").toString());
        assertEquals(2, env.code());
        assertTrue(env.err().contains("unknown environment 'pong'; known environments: fake-env, fake-pixels"), env.err());
        Result key = exec("train", "fake", "--env", "fake-env", "--set", "detr=1", "--run-dir", dir.resolve("c").toString());
        assertEquals(2, key.code());
        assertTrue(key.err().contains("unknown config key 'detr'") && key.err().contains("valid keys: action_repeat, steps"), key.err());
        Result type = exec("train", "fake", "--env", "fake-env", "--set", "steps=lots", "--run-dir", dir.resolve("d").toString());
        assertEquals(2, type.code());
        assertTrue(type.err().contains("'steps' expects a long, got 'lots'"), type.err());
        Result preset = exec("train", "fake", "--env", "fake-env", "--preset", "huge", "--run-dir", dir.resolve("e").toString());
        assertEquals(2, preset.code());
        assertTrue(preset.err().contains("unknown preset 'huge' for fake; presets: default, pixels"), preset.err());
        Result missing = exec("train", "fake");
        assertEquals(2, missing.code());
        assertTrue(missing.err().contains("--env"), missing.err());
        Result device = exec("train", "fake", "--env", "fake-env", "--device", "tpu", "--run-dir", dir.resolve("f").toString());
        assertEquals(2, device.code());
        assertTrue(device.err().contains("unknown device 'tpu'"), device.err());
        assertFalse(Files.exists(dir.resolve("a")) || Files.exists(dir.resolve("c")), "no run directory for a failed start");
        Result noRun = exec("resume", dir.resolve("nothing").toString());
        assertEquals(2, noRun.code());
        assertTrue(noRun.err().contains("does not exist"), noRun.err());
    }

    @Test
    void trainResumeEval(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("run");
        Result t = exec("train", "fake", "--env", "fake-pixels", "--seed", "5", "--set", "steps=100", "--run-dir", run.toString(),
                "--device", "cpu", "--no-progress");
        assertEquals(0, t.code(), t.err());
        assertTrue(t.out().contains("preset pixels"), "the algorithm's default preset for the env: " + t.out());
        for (String f : List.of("run.json", "config.json", "metrics.jsonl", "checkpoints/latest", "plots/returns.png", "plots/losses.png",
                "episodes/episode-000000004.bin.gz"))
            assertTrue(Files.exists(run.resolve(f)), f);
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"steps\" : 100"));
        assertEquals(100, new Checkpointer(run.resolve("checkpoints"), 3).latest().orElseThrow().step());

        Result again = exec("train", "fake", "--env", "fake-env", "--run-dir", run.toString(), "--no-progress");
        assertEquals(2, again.code());
        assertTrue(again.err().contains("use 'resume"), again.err());

        Result r = exec("resume", run.toString(), "--set", "steps=200", "--device", "cpu"); // with the progress bar (on stderr)
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("from step 100"), r.out());
        List<String> resumes = Files.readAllLines(run.resolve("resumes.jsonl"));
        assertEquals(1, resumes.size(), "one line per resume");
        assertTrue(resumes.get(0).contains("\"from_step\":100") && resumes.get(0).contains("\"set\":[\"steps=200\"]"), resumes.get(0));
        assertTrue(Files.readString(run.resolve("config.json")).contains("\"steps\" : 200"), "config.json takes the override");
        var ck = new Checkpointer(run.resolve("checkpoints"), 3).latest().orElseThrow();
        assertEquals(200, ck.step());
        assertEquals(10, ck.state().path("loop").path("episodes").asLong());
        assertEquals(8 * 3, ck.state().path("loop").path("updates").asLong());
        assertTrue(ck.state().path("algorithm").path("rng_offset").asLong() > 0);
        List<MetricsLog.Record> m = MetricsLog.read(run.resolve("metrics.jsonl"));
        assertEquals(10, m.stream().filter(x -> x.scalars().containsKey("train/return")).count(), "one record per episode, none duplicated");

        Path gif = dir.resolve("eval.gif");
        Result e = exec("eval", run.toString(), "--episodes", "2", "--gif", gif.toString(), "--device", "cpu");
        assertEquals(0, e.code(), e.err());
        assertTrue(e.out().contains("at step 200: return"), e.out());
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            assertEquals(11, reader.getNumImages(true), "reset frame + 10 steps");
        }
    }
}
