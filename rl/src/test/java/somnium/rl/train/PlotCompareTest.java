package somnium.rl.train;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.StringWriter;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import somnium.rl.cli.Main;

class PlotCompareTest {
    private static Path run(Path dir, String name, double... returns) throws Exception {
        Path r = dir.resolve(name);
        Files.createDirectories(r);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < returns.length; i++)
            sb.append("{\"step\":").append((i + 1) * 1000).append(",\"time\":0,\"eval/return\":").append(returns[i]).append("}\n");
        Files.writeString(r.resolve("metrics.jsonl"), sb.toString());
        return r;
    }

    @Test
    void comparesGroupsOfRunsAsPng(@TempDir Path dir) throws Exception {
        Path a1 = run(dir, "a1", 1, 2, 3), a2 = run(dir, "a2", 3, 4, 5), b = run(dir, "b", 10, 20);
        Path png = dir.resolve("cmp.png");
        Map<String, List<Path>> groups = new LinkedHashMap<>();
        groups.put("algo-a", List.of(a1.resolve("metrics.jsonl"), a2.resolve("metrics.jsonl")));
        groups.put("algo-b", List.of(b.resolve("metrics.jsonl")));
        assertTrue(Plots.compare(groups, "eval/return", "test", png));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(Plots.WIDTH, img.getWidth());
        assertEquals(Plots.HEIGHT, img.getHeight());
        assertFalse(Plots.compare(groups, "no/such/key", "test", dir.resolve("none.png")));
        assertFalse(Files.exists(dir.resolve("none.png")));
    }

    @Test
    void plotCommandNamesBadRunDirectories(@TempDir Path dir) throws Exception {
        Path a = run(dir, "a", 1, 2);
        StringWriter err = new StringWriter(), out = new StringWriter();
        CommandLine cl = Main.commandLine(new Main());
        cl.setErr(new PrintWriter(err));
        cl.setOut(new PrintWriter(out));
        int rc = cl.execute("plot", "--out", dir.resolve("x.png").toString(), "ok=" + a, "bad=" + dir.resolve("missing"));
        assertNotEquals(0, rc);
        assertTrue(err.toString().contains("missing"), err.toString());
        rc = cl.execute("plot", "--out", dir.resolve("x.png").toString(), "ok=" + a);
        assertEquals(0, rc, err.toString());
        assertTrue(Files.size(dir.resolve("x.png")) > 1000);
    }
}
