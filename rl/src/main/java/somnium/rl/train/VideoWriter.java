package somnium.rl.train;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

import somnium.rl.io.AtomicFiles;
import somnium.rl.replay.Step;
import somnium.tensor.Tensor;

/**
 * Animated GIFs with javax.imageio: eval rollouts and the open-loop prediction video of PlaNet/Dreamer.
 *
 * <p>Open-loop layout (as in Dreamer's {@code openl} and DreamerV3's report): per frame, three rows — the
 * real frames, the model's frames and the error {@code (pred - real + 1) / 2} (grey = no error) — and one
 * column per sequence. The first {@code context} frames of the model row are reconstructions from observed
 * frames (green border); after them the model imagines from actions alone (red border).
 */
public final class VideoWriter {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private static final int GREEN = 0x00c000, RED = 0xe00000;

    private VideoWriter() {}

    /** Writes an animated GIF (atomically). {@code delayMs} per frame (GIF stores 1/100 s), {@code loop} forever or once. */
    public static void writeGif(Path file, List<BufferedImage> frames, int delayMs, boolean loop) throws IOException {
        if (frames.isEmpty()) throw new IllegalArgumentException("writeGif: no frames");
        ImageWriter writer = ImageIO.getImageWritersByFormatName("gif").next();
        AtomicFiles.write(file, raw -> {
            try (ImageOutputStream ios = ImageIO.createImageOutputStream(raw)) {
                writer.setOutput(ios);
                writer.prepareWriteSequence(null);
                for (BufferedImage f : frames) {
                    BufferedImage rgb = toRgb(f);
                    ImageTypeSpecifier spec = ImageTypeSpecifier.createFromRenderedImage(rgb);
                    ImageWriteParam param = writer.getDefaultWriteParam();
                    IIOMetadata meta = writer.getDefaultImageMetadata(spec, param);
                    String fmt = meta.getNativeMetadataFormatName();
                    IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(fmt);
                    IIOMetadataNode gce = child(root, "GraphicControlExtension");
                    gce.setAttribute("disposalMethod", "none");
                    gce.setAttribute("userInputFlag", "FALSE");
                    gce.setAttribute("transparentColorFlag", "FALSE");
                    gce.setAttribute("delayTime", Integer.toString(Math.max(1, Math.round(delayMs / 10f))));
                    gce.setAttribute("transparentColorIndex", "0");
                    if (loop) {
                        IIOMetadataNode apps = child(root, "ApplicationExtensions");
                        IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                        app.setAttribute("applicationID", "NETSCAPE");
                        app.setAttribute("authenticationCode", "2.0");
                        app.setUserObject(new byte[]{1, 0, 0}); // loop count 0 = forever
                        apps.appendChild(app);
                    }
                    meta.setFromTree(fmt, root);
                    writer.writeToSequence(new IIOImage(rgb, null, meta), param);
                }
                writer.endWriteSequence();
            } finally {
                writer.dispose();
            }
        });
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++)
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
        IIOMetadataNode n = new IIOMetadataNode(name);
        root.appendChild(n);
        return n;
    }

    private static BufferedImage toRgb(BufferedImage f) {
        if (f.getType() == BufferedImage.TYPE_INT_RGB) return f;
        BufferedImage c = new BufferedImage(f.getWidth(), f.getHeight(), BufferedImage.TYPE_INT_RGB);
        c.getGraphics().drawImage(f, 0, 0, null);
        return c;
    }

    /** A 64x64 uint8 HWC frame (as in {@link Step#image()}) as an image. */
    public static BufferedImage fromHwc(byte[] hwc, int height, int width) {
        if (hwc.length != height * width * 3) throw new IllegalArgumentException("fromHwc: " + hwc.length + " bytes for " + height + "x" + width + "x3");
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++) {
                int p = (y * width + x) * 3;
                img.setRGB(x, y, (hwc[p] & 0xff) << 16 | (hwc[p + 1] & 0xff) << 8 | (hwc[p + 2] & 0xff));
            }
        return img;
    }

    /** Nearest-neighbour upscaling by an integer factor. */
    public static BufferedImage upscale(BufferedImage src, int factor) {
        if (factor == 1) return src;
        if (factor < 1) throw new IllegalArgumentException("upscale factor must be >= 1, got " + factor);
        BufferedImage out = new BufferedImage(src.getWidth() * factor, src.getHeight() * factor, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < out.getHeight(); y++)
            for (int x = 0; x < out.getWidth(); x++) out.setRGB(x, y, src.getRGB(x / factor, y / factor));
        return out;
    }

    /** Writes an episode's frames (steps with images) as a GIF. */
    public static void writeEpisode(Path file, List<byte[]> hwcFrames, int delayMs, int scale) throws IOException {
        List<BufferedImage> frames = new ArrayList<>();
        for (byte[] f : hwcFrames) frames.add(upscale(fromHwc(f, Step.IMAGE_SIZE, Step.IMAGE_SIZE), scale));
        writeGif(file, frames, delayMs, true);
    }

    private static int channel(float v) {
        return Math.max(0, Math.min(255, Math.round((v + 0.5f) * 255f)));
    }

    /**
     * The open-loop grid frames from {@code real} and {@code pred}, both float [B, T, 3, H, W] in [-0.5, 0.5]
     * (the replay's image convention): T frames of 3H x BW pixels before upscaling, with 1-pixel borders marking
     * context (green) and imagined (red) model frames.
     */
    public static List<BufferedImage> openLoopFrames(Tensor real, Tensor pred, int context, int scale) {
        int[] d = real.shape().dims();
        if (d.length != 5 || d[2] != 3) throw new IllegalArgumentException("openLoop: real must be [B, T, 3, H, W], got " + real.shape());
        if (!java.util.Arrays.equals(d, pred.shape().dims()))
            throw new IllegalArgumentException("openLoop: real " + real.shape() + " and pred " + pred.shape() + " differ");
        int B = d[0], T = d[1], H = d[3], W = d[4];
        float[] r = real.toFloatArray(), p = pred.toFloatArray();
        List<BufferedImage> frames = new ArrayList<>(T);
        for (int t = 0; t < T; t++) {
            BufferedImage img = new BufferedImage(B * W, 3 * H, BufferedImage.TYPE_INT_RGB);
            for (int b = 0; b < B; b++) {
                int base = (b * T + t) * 3 * H * W;
                for (int y = 0; y < H; y++)
                    for (int x = 0; x < W; x++) {
                        int[] rr = new int[3], pp = new int[3], ee = new int[3];
                        for (int c = 0; c < 3; c++) {
                            int i = base + (c * H + y) * W + x;
                            rr[c] = channel(r[i]);
                            pp[c] = channel(p[i]);
                            ee[c] = channel((p[i] - r[i] + 1f) / 2f - 0.5f);
                        }
                        img.setRGB(b * W + x, y, rr[0] << 16 | rr[1] << 8 | rr[2]);
                        img.setRGB(b * W + x, H + y, pp[0] << 16 | pp[1] << 8 | pp[2]);
                        img.setRGB(b * W + x, 2 * H + y, ee[0] << 16 | ee[1] << 8 | ee[2]);
                    }
                int color = t < context ? GREEN : RED;
                for (int i = 0; i < W; i++) {
                    img.setRGB(b * W + i, H, color);
                    img.setRGB(b * W + i, 2 * H - 1, color);
                }
                for (int i = 0; i < H; i++) {
                    img.setRGB(b * W, H + i, color);
                    img.setRGB(b * W + W - 1, H + i, color);
                }
            }
            frames.add(upscale(img, scale));
        }
        return frames;
    }

    /** {@link #openLoopFrames} written as a looping GIF. */
    public static void writeOpenLoop(Path file, Tensor real, Tensor pred, int context, int scale, int delayMs) throws IOException {
        writeGif(file, openLoopFrames(real, pred, context, scale), delayMs, true);
    }
}
