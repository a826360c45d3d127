package somnium.rl.planet;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Path;

import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import somnium.rl.train.EvalResult;

/** Evaluating a state-based agent with a GIF renders frames of the same episode it scores. */
class EvalGifTest {
    @Test
    void stateBasedAgentWritesAnEpisodeGif(@TempDir Path dir) throws Exception {
        PlaNetConfig cfg = PlaNetCheckpointTest.config(40);
        var trainer = PlaNetCheckpointTest.trainer(PlaNetFixtures.context(dir.resolve("run"), PlaNetCheckpointTest.ENV, cfg, 1, null));
        Path gif = dir.resolve("eval.gif");
        EvalResult r = trainer.evaluate(1, gif);
        assertEquals(1, r.episodes());
        try (ImageInputStream in = ImageIO.createImageInputStream(gif.toFile())) {
            ImageReader reader = ImageIO.getImageReadersByFormatName("gif").next();
            reader.setInput(in);
            // One frame per agent step plus the reset frame.
            assertEquals(r.lengths().get(0) + 1, reader.getNumImages(true));
            assertEquals(128, reader.getWidth(0)); // 64x64 upscaled 2x
        }
    }
}
