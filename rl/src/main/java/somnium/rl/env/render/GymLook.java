package somnium.rl.env.render;

/**
 * Gymnasium's classic-control look (white background, flat colours), drawn in the reference's own
 * screen units (for example 600x400 for CartPole, y pointing up) and scaled uniformly to fit the canvas,
 * centred. Not anti-aliased in the reference; here edges are smooth.
 */
public final class GymLook {
    public static final int WHITE = 0xFFFFFF, BLACK = 0x000000;
    private final double screenW, screenH;

    public GymLook(double screenW, double screenH) {
        this.screenW = screenW;
        this.screenH = screenH;
    }

    /** Pixels per screen unit on canvas {@code c}. */
    public double scale(Canvas c) {
        return Math.min(c.width / screenW, c.height / screenH);
    }

    public double x(Canvas c, double sx) {
        double s = scale(c);
        return (c.width - screenW * s) / 2 + sx * s;
    }

    public double y(Canvas c, double sy) {
        double s = scale(c);
        return c.height - (c.height - screenH * s) / 2 - sy * s;
    }

    public void capsule(Canvas c, double x0, double y0, double x1, double y1, double r, int rgb) {
        c.capsule(x(c, x0), y(c, y0), x(c, x1), y(c, y1), r * scale(c), rgb, 0);
    }

    public void circle(Canvas c, double x, double y, double r, int rgb) {
        c.circle(x(c, x), y(c, y), r * scale(c), rgb, 0);
    }

    /** A polygon of screen points (transformed in place into the scratch array {@code out}). */
    public void polygon(Canvas c, double[] pts, int n, int rgb, double[] out) {
        for (int i = 0; i < n; i++) {
            out[2 * i] = x(c, pts[2 * i]);
            out[2 * i + 1] = y(c, pts[2 * i + 1]);
        }
        c.polygon(out, n, rgb, 1.0);
    }
}
