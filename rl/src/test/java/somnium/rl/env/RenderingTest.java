package somnium.rl.env;

import static org.junit.jupiter.api.Assertions.*;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import somnium.rl.env.render.DmcLook;

class RenderingTest {
    static int changed(byte[] a, byte[] b) {
        int n = 0;
        for (int i = 0; i < a.length; i += 3) {
            if (a[i] != b[i] || a[i + 1] != b[i + 1] || a[i + 2] != b[i + 2]) n++;
        }
        return n;
    }

    @Test
    void everyEnvRendersANonUniformFrameThatChangesWithTheState() {
        for (String id : Envs.ids()) {
            Env env = Envs.make(id);
            env.reset(1);
            byte[] a = env.render();
            assertEquals(64 * 64 * 3, a.length);
            int distinct = (int) java.util.stream.IntStream.range(0, 64 * 64)
                    .map(p -> ((a[3 * p] & 0xFF) << 16) | ((a[3 * p + 1] & 0xFF) << 8) | (a[3 * p + 2] & 0xFF)).distinct().count();
            assertTrue(distinct > 5, id + " frame has only " + distinct + " colours");
            SplittableRandom rng = new SplittableRandom(2);
            byte[] b = new byte[a.length];
            float[] push = new float[env.actionSpec().size()];
            java.util.Arrays.fill(push, env.actionSpec().discrete() ? 1 : (float) env.actionSpec().high()[0]);
            for (int t = 0; t < 15; t++) {
                if (env.step(push).done()) break;
            }
            env.render(b);
            assertTrue(changed(a, b) > 0, id + ": frame did not change after 15 steps");
            // rendering twice the same state gives the same frame (no state in the renderer)
            byte[] c = new byte[a.length];
            env.render(c);
            assertArrayEquals(b, c, id);
        }
    }

    /** Mean column of the pixels close to the "self" colour in rows [r0, r1). */
    static double selfColumn(byte[] f, int r0, int r1) {
        double sum = 0;
        int n = 0;
        int sr = (DmcLook.SELF >> 16) & 0xFF, sg = (DmcLook.SELF >> 8) & 0xFF, sb = DmcLook.SELF & 0xFF;
        for (int y = r0; y < r1; y++) {
            for (int x = 0; x < 64; x++) {
                int i = (y * 64 + x) * 3;
                int r = f[i] & 0xFF, g = f[i + 1] & 0xFF, b = f[i + 2] & 0xFF;
                // hue of "self": red > green > blue, clearly warmer than the blue background
                if (r > b + 40 && r > g && g > b) {
                    sum += x;
                    n++;
                }
            }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    @Test
    void cartpolePolePixelsFollowThePole() {
        DmcCartpole env = new DmcCartpole(DmcCartpole.Task.BALANCE);
        env.setState(0, 0, 0, 0, 0);
        byte[] up = new byte[64 * 64 * 3], tilted = new byte[64 * 64 * 3], moved = new byte[64 * 64 * 3];
        env.render(up);
        env.setState(0, 0.6, 0, 0, 0);
        env.render(tilted);
        env.setState(1.0, 0, 0, 0, 0);
        env.render(moved);
        // pole region: above the cart (camera at z = 1 on the image's middle row; pole reaches z = 2)
        double cUp = selfColumn(up, 14, 28), cTilt = selfColumn(tilted, 14, 28), cMoved = selfColumn(moved, 14, 28);
        assertEquals(32, cUp, 1.5, "upright pole is centred");
        assertTrue(cTilt > cUp + 3, "θ > 0 tilts the pole towards +x (right): " + cUp + " -> " + cTilt);
        // 1 m at 4 m depth with fovy 45° is 64/2/tan(22.5°)/4 ≈ 19.3 px
        assertEquals(cUp + 19.3, cMoved, 1.5, "cart moved 1 m to the right");
    }

    @Test
    void dmcLooksUseTheSuiteColours() {
        Env env = Envs.make("dmc:reacher-easy");
        env.reset(0);
        byte[] f = env.render();
        // the top-left corner pixel is either the floor checker or the wall (decoration): blue dominant
        int r = f[0] & 0xFF, b = f[2] & 0xFF;
        assertTrue(b > r, "blue arena");
        // top-down camera: the centre shows the root (decoration) or the arm
        Env cp = Envs.make("dmc:cartpole-balance");
        cp.reset(0);
        byte[] g = cp.render();
        int top = (0 * 64 + 32) * 3; // top-middle: skybox, blue-ish, brighter than the floor row at the bottom
        assertTrue((g[top + 2] & 0xFF) > (g[top] & 0xFF));
    }

    @Test
    void renderGifWritesALoopingAnimation(@TempDir Path dir) throws Exception {
        File out = dir.resolve("pendulum.gif").toFile();
        int rc = new picocli.CommandLine(new RenderGif()).execute("--env", "dmc:pendulum-swingup", "--steps", "5",
                "--scale", "2", "--out", out.getPath());
        assertEquals(0, rc);
        byte[] bytes = Files.readAllBytes(out.toPath());
        assertTrue(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("NETSCAPE2.0"), "loop extension");
        try (ImageInputStream in = ImageIO.createImageInputStream(out)) {
            ImageReader r = ImageIO.getImageReadersByFormatName("gif").next();
            r.setInput(in);
            assertEquals(6, r.getNumImages(true));
            assertEquals(128, r.getWidth(0));
        }
        assertNotEquals(0, new picocli.CommandLine(new RenderGif()).execute("--env", "nope", "--out", out.getPath()));
    }
}
