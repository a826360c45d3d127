package somnium.rl.train;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import somnium.tensor.Tensor;

/** Metrics JSONL, PNG plots and GIF videos. */
class OutputsTest {
    @Test
    void metricsRoundTripAndTruncate(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(f)) {
            Map<String, Double> a = new LinkedHashMap<>();
            a.put("train/return", 12.5);
            a.put("model_loss", 0.25);
            log.log(100, 1000.5, a);
            log.log(200, 1001.0, Map.of("eval/return", Double.NaN));
            log.log(300, 1002.0, Map.of("x", -1e-9));
            log.truncateAfter(200);
            log.log(250, 1003.0, Map.of("x", 2.0));
        }
        List<MetricsLog.Record> r = MetricsLog.read(f);
        assertEquals(3, r.size());
        assertEquals(new MetricsLog.Record(100, 1000.5, Map.of("train/return", 12.5, "model_loss", 0.25)), r.get(0));
        assertTrue(Double.isNaN(r.get(1).scalars().get("eval/return")));
        assertEquals(250, r.get(2).step());
        Files.writeString(f, Files.readString(f) + "{\"step\": 9", java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(3, MetricsLog.read(f).size(), "a torn last line is skipped");
    }

    @Test
    void plotsAreValidPngsOfTheRightSize(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("metrics.jsonl");
        try (MetricsLog log = new MetricsLog(f)) {
            for (int i = 1; i <= 20; i++) {
                log.log(i * 1000L, Map.of("train/return", (double) i * i, "model_loss", 1.0 / i, "kl_loss", 0.5));
                if (i % 5 == 0) log.log(i * 1000L, Map.of("eval/return", i * 10.0));
            }
        }
        List<Path> out = Plots.write(f, dir.resolve("plots"));
        assertEquals(List.of(dir.resolve("plots/returns.png"), dir.resolve("plots/losses.png")), out);
        for (Path p : out) {
            byte[] b = Files.readAllBytes(p);
            assertEquals((byte) 0x89, b[0]);
            assertEquals('P', b[1]);
            BufferedImage img = ImageIO.read(p.toFile());
            assertEquals(Plots.WIDTH, img.getWidth());
            assertEquals(Plots.HEIGHT, img.getHeight());
        }
    }

    static int gifFrames(Path p) throws IOException {
        try (ImageInputStream in = ImageIO.createImageInputStream(p.toFile())) {
            ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
            r.setInput(in);
            int n = r.getNumImages(true);
            BufferedImage first = r.read(0);
            assertNotNull(first);
            r.dispose();
            return n;
        }
    }

    @Test
    void openLoopGifHasOneFramePerStepAndTheGridLayout(@TempDir Path dir) throws IOException {
        int B = 2, T = 7, H = 8, W = 8;
        float[] real = new float[B * T * 3 * H * W], pred = new float[real.length];
        for (int i = 0; i < real.length; i++) {
            real[i] = 0.5f;
            pred[i] = -0.5f;
        }
        Path gif = dir.resolve("openloop.gif");
        VideoWriter.writeOpenLoop(gif, Tensor.of(real, B, T, 3, H, W), Tensor.of(pred, B, T, 3, H, W), 5, 3, 100);
        assertEquals(T, gifFrames(gif));
        BufferedImage f0 = ImageIO.read(gif.toFile());
        assertEquals(B * W * 3, f0.getWidth());
        assertEquals(3 * H * 3, f0.getHeight());
        List<BufferedImage> frames = VideoWriter.openLoopFrames(Tensor.of(real, B, T, 3, H, W), Tensor.of(pred, B, T, 3, H, W), 5, 1);
        assertEquals(0xffffff, frames.get(0).getRGB(3, 3) & 0xffffff, "real row is white");
        assertEquals(0x000000, frames.get(0).getRGB(3, H + 3) & 0xffffff, "model row is black");
        assertEquals(0, frames.get(0).getRGB(3, 2 * H + 3) & 0xff, "error (pred - real + 1) / 2 = 0 is black");
        assertEquals(0x00c000, frames.get(4).getRGB(0, H + 3) & 0xffffff, "context frames have a green border");
        assertEquals(0xe00000, frames.get(5).getRGB(0, H + 3) & 0xffffff, "imagined frames have a red border");
    }

    @Test
    void episodeGifFromUint8Frames(@TempDir Path dir) throws IOException {
        List<byte[]> frames = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            byte[] f = new byte[64 * 64 * 3];
            java.util.Arrays.fill(f, (byte) (t * 60));
            frames.add(f);
        }
        Path gif = dir.resolve("eval.gif");
        VideoWriter.writeEpisode(gif, frames, 40, 2);
        assertEquals(4, gifFrames(gif));
        assertEquals(128, ImageIO.read(gif.toFile()).getWidth());
    }
}
