package somnium.rl.env;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Renders a rollout of any registered env to a looping animated GIF, so you can look at it:
 * <pre>
 * java -cp rl/target/classes:picocli.jar somnium.rl.env.RenderGif --env dmc:cartpole-swingup --steps 200 --out cartpole.gif
 * </pre>
 * The policy is uniform random by default, or a constant action ({@code --action 0.5}), or a given
 * sequence that is cycled ({@code --actions "1;-1;0"}, entries separated by ';', components by ',').
 */
@Command(name = "RenderGif", mixinStandardHelpOptions = true,
        description = "Render a rollout of a Somnium env to an animated GIF.")
public final class RenderGif implements Callable<Integer> {
    @Option(names = "--env", required = true, description = "env id, one of: ${COMPLETION-CANDIDATES}",
            completionCandidates = Ids.class)
    String envId;

    @Option(names = "--steps", defaultValue = "200", description = "number of agent steps (default ${DEFAULT-VALUE})")
    int steps;

    @Option(names = "--out", required = true, description = "output .gif file")
    File out;

    @Option(names = "--seed", defaultValue = "0", description = "reset seed and policy seed (default ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--size", defaultValue = "64", description = "render size in pixels (default ${DEFAULT-VALUE})")
    int size;

    @Option(names = "--scale", defaultValue = "4", description = "nearest-neighbour upscale factor (default ${DEFAULT-VALUE})")
    int scale;

    @Option(names = "--action-repeat", defaultValue = "1", description = "action repeat (default ${DEFAULT-VALUE})")
    int repeat;

    @Option(names = "--action", description = "constant action, comma-separated components")
    String constant;

    @Option(names = "--actions", description = "action sequence to cycle: entries ';'-separated, components ','-separated")
    String sequence;

    @Option(names = "--no-reset", description = "stop at the end of the episode instead of resetting")
    boolean noReset;

    static final class Ids extends ArrayList<String> {
        Ids() {
            super(Envs.ids());
        }
    }

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new RenderGif()).execute(args));
    }

    static float[] parse(String s) {
        String[] parts = s.trim().split(",");
        float[] a = new float[parts.length];
        for (int i = 0; i < parts.length; i++) a[i] = Float.parseFloat(parts[i].trim());
        return a;
    }

    @Override
    public Integer call() throws IOException {
        if (scale < 1 || size < 8) throw new IllegalArgumentException("RenderGif: need --scale >= 1 and --size >= 8");
        Env env = Envs.make(envId);
        if (repeat > 1) env = new ActionRepeat(env, repeat);
        List<float[]> seq = new ArrayList<>();
        if (constant != null) seq.add(parse(constant));
        if (sequence != null) for (String e : sequence.split(";")) seq.add(parse(e));
        ActionSpec spec = env.actionSpec();
        SplittableRandom rng = new SplittableRandom(seed);
        env.reset(seed);
        byte[] rgb = new byte[size * size * 3];
        List<BufferedImage> frames = new ArrayList<>();
        env.render(rgb, size, size);
        frames.add(toImage(rgb, size, scale));
        double total = 0;
        for (int t = 0; t < steps; t++) {
            float[] a = seq.isEmpty() ? randomAction(spec, rng) : seq.get(t % seq.size());
            Step s = env.step(a);
            total += s.reward();
            env.render(rgb, size, size);
            frames.add(toImage(rgb, size, scale));
            if (s.done()) {
                if (noReset) break;
                env.reset();
            }
        }
        int delayCs = (int) Math.max(2, Math.round(env.stepSeconds() * 100));
        writeGif(frames, delayCs, out);
        System.out.printf("%s: %d frames, return %.3f, wrote %s%n", envId, frames.size(), total, out);
        return 0;
    }

    static float[] randomAction(ActionSpec spec, SplittableRandom rng) {
        float[] a = new float[spec.size()];
        if (spec.discrete()) {
            a[0] = rng.nextInt(spec.numActions());
        } else {
            for (int i = 0; i < a.length; i++)
                a[i] = (float) (spec.low()[i] + rng.nextDouble() * (spec.high()[i] - spec.low()[i]));
        }
        return a;
    }

    /** An HWC RGB uint8 frame as an image, upscaled by nearest neighbour. */
    public static BufferedImage toImage(byte[] rgb, int size, int scale) {
        BufferedImage img = new BufferedImage(size * scale, size * scale, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < size * scale; y++) {
            for (int x = 0; x < size * scale; x++) {
                int i = ((y / scale) * size + x / scale) * 3;
                img.setRGB(x, y, ((rgb[i] & 0xFF) << 16) | ((rgb[i + 1] & 0xFF) << 8) | (rgb[i + 2] & 0xFF));
            }
        }
        return img;
    }

    /** Writes a looping animated GIF with the given frame delay (hundredths of a second). */
    public static void writeGif(List<BufferedImage> frames, int delayCs, File file) throws IOException {
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("gif");
        if (!it.hasNext()) throw new IOException("no GIF writer in this JDK");
        ImageWriter w = it.next();
        File parent = file.getAbsoluteFile().getParentFile();
        if (parent != null) parent.mkdirs();
        file.delete();
        try (ImageOutputStream os = ImageIO.createImageOutputStream(file)) {
            w.setOutput(os);
            w.prepareWriteSequence(null);
            for (int i = 0; i < frames.size(); i++) {
                BufferedImage f = frames.get(i);
                IIOMetadata md = w.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(f), null);
                String fmt = md.getNativeMetadataFormatName();
                IIOMetadataNode root = (IIOMetadataNode) md.getAsTree(fmt);
                IIOMetadataNode gce = child(root, "GraphicControlExtension");
                gce.setAttribute("disposalMethod", "none");
                gce.setAttribute("userInputFlag", "FALSE");
                gce.setAttribute("transparentColorFlag", "FALSE");
                gce.setAttribute("delayTime", Integer.toString(delayCs));
                gce.setAttribute("transparentColorIndex", "0");
                if (i == 0) {
                    IIOMetadataNode apps = child(root, "ApplicationExtensions");
                    IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
                    app.setAttribute("applicationID", "NETSCAPE");
                    app.setAttribute("authenticationCode", "2.0");
                    app.setUserObject(new byte[] {1, 0, 0}); // loop forever
                    apps.appendChild(app);
                }
                md.setFromTree(fmt, root);
                w.writeToSequence(new IIOImage(f, null, md), null);
            }
            w.endWriteSequence();
        } finally {
            w.dispose();
        }
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) return (IIOMetadataNode) root.item(i);
        }
        IIOMetadataNode n = new IIOMetadataNode(name);
        root.appendChild(n);
        return n;
    }
}
