package somnium.rl.env;

import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;

/**
 * Writes a contact sheet of every registered env: one 64x64 frame each (after a few random steps from
 * seed 0, so poles are not all in their reset pose), upscaled, labelled with the id.
 * Usage: {@code ContactSheet [out.png] [scale]} (default docs/img/env-contact-sheet.png, 3).
 */
public final class ContactSheet {
    private ContactSheet() {}

    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        File out = new File(args.length > 0 ? args[0] : "docs/img/env-contact-sheet.png");
        int scale = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        ImageIO.write(sheet(scale, 20), "png", mkdirs(out));
        System.out.println("wrote " + out);
    }

    private static File mkdirs(File f) {
        File p = f.getAbsoluteFile().getParentFile();
        if (p != null) p.mkdirs();
        return f;
    }

    /** The sheet image: 5 columns, frames upscaled by {@code scale}, after {@code warmSteps} random steps. */
    public static BufferedImage sheet(int scale, int warmSteps) {
        List<String> ids = Envs.ids();
        int cols = 5, rows = (ids.size() + cols - 1) / cols, tile = 64 * scale, label = 16, pad = 6;
        BufferedImage sheet = new BufferedImage(cols * (tile + pad) + pad, rows * (tile + label + pad) + pad,
                BufferedImage.TYPE_INT_RGB);
        Graphics2D g = sheet.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, sheet.getWidth(), sheet.getHeight());
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        byte[] rgb = new byte[64 * 64 * 3];
        for (int k = 0; k < ids.size(); k++) {
            Env env = Envs.make(ids.get(k));
            env.reset(0);
            SplittableRandom rng = new SplittableRandom(k);
            for (int t = 0; t < warmSteps; t++) {
                if (env.step(RenderGif.randomAction(env.actionSpec(), rng)).done()) env.reset();
            }
            env.render(rgb);
            int x = pad + (k % cols) * (tile + pad), y = pad + (k / cols) * (tile + label + pad);
            g.drawImage(RenderGif.toImage(rgb, 64, scale), x, y + label, null);
            g.setColor(Color.BLACK);
            g.drawString(ids.get(k), x, y + 12);
        }
        g.dispose();
        return sheet;
    }
}
