package somnium.rl.env.render;

/**
 * A tiny anti-aliased rasterizer on an RGB byte buffer (row-major HWC uint8), enough to draw the
 * environments: circles, capsules and convex polygons, optionally with a cheap "round" shading that
 * mimics a headlight on a cylinder or sphere. Coordinates are in pixels, (0,0) the top-left corner of
 * the top-left pixel; pixel centres are at +0.5. Coverage is estimated from the signed distance to the
 * shape's edge, which gives one pixel of smooth edge at no per-sample cost.
 *
 * <p>The static background is rendered once and kept; {@link #begin} copies it into the caller's
 * buffer, so a frame costs one 12 KB copy plus the moving shapes, with no allocation.
 */
public final class Canvas {
    public final int width, height;
    private byte[] px;
    private byte[] background;

    public Canvas(int width, int height) {
        this.width = width;
        this.height = height;
        this.px = new byte[width * height * 3];
    }

    /** Keeps what has been drawn so far as the background that {@link #begin} restores. */
    public void saveBackground() {
        background = px.clone();
    }

    /** Starts a frame in {@code out}: copies the saved background into it and draws there from now on. */
    public void begin(byte[] out) {
        px = out;
        System.arraycopy(background, 0, out, 0, out.length);
    }

    /** The buffer being drawn into. */
    public byte[] pixels() {
        return px;
    }

    public void fill(int rgb) {
        byte r = (byte) (rgb >> 16), g = (byte) (rgb >> 8), b = (byte) rgb;
        for (int i = 0; i < px.length; i += 3) {
            px[i] = r;
            px[i + 1] = g;
            px[i + 2] = b;
        }
    }

    /** Sets pixel (x, y) to a colour given as floats in [0, 1]. */
    public void set(int x, int y, double r, double g, double b) {
        int i = (y * width + x) * 3;
        px[i] = toByte(r);
        px[i + 1] = toByte(g);
        px[i + 2] = toByte(b);
    }

    private static byte toByte(double v) {
        int i = (int) Math.round(v * 255.0);
        return (byte) (i < 0 ? 0 : (i > 255 ? 255 : i));
    }

    private void blend(int x, int y, int rgb, double light, double alpha) {
        int i = (y * width + x) * 3;
        double r = Math.min(255, ((rgb >> 16) & 0xFF) * light), g = Math.min(255, ((rgb >> 8) & 0xFF) * light),
                b = Math.min(255, (rgb & 0xFF) * light);
        if (alpha >= 1) {
            px[i] = (byte) (int) (r + 0.5);
            px[i + 1] = (byte) (int) (g + 0.5);
            px[i + 2] = (byte) (int) (b + 0.5);
        } else {
            double k = 1 - alpha;
            px[i] = (byte) (int) ((px[i] & 0xFF) * k + r * alpha + 0.5);
            px[i + 1] = (byte) (int) ((px[i + 1] & 0xFF) * k + g * alpha + 0.5);
            px[i + 2] = (byte) (int) ((px[i + 2] & 0xFF) * k + b * alpha + 0.5);
        }
    }

    /** Light factor for a point at fraction {@code t = d/r} from the axis of a round body: 1 + shade*(n_z - 0.5). */
    private static double light(double t, double shade) {
        if (shade == 0) return 1;
        double nz = Math.sqrt(Math.max(0, 1 - t * t));
        return 1 + shade * (nz - 0.6);
    }

    /** A filled disc; {@code shade} 0 is flat, about 0.8 looks like a lit sphere. */
    public void circle(double cx, double cy, double r, int rgb, double shade) {
        capsule(cx, cy, cx, cy, r, rgb, shade);
    }

    /** A thick segment with round caps (a capsule seen from the side), radius {@code r} pixels. */
    public void capsule(double x0, double y0, double x1, double y1, double r, int rgb, double shade) {
        double reff = Math.max(r, 0.5);
        int xa = Math.max(0, (int) Math.floor(Math.min(x0, x1) - reff - 1));
        int xb = Math.min(width - 1, (int) Math.ceil(Math.max(x0, x1) + reff + 1));
        int ya = Math.max(0, (int) Math.floor(Math.min(y0, y1) - reff - 1));
        int yb = Math.min(height - 1, (int) Math.ceil(Math.max(y0, y1) + reff + 1));
        double dx = x1 - x0, dy = y1 - y0, len2 = dx * dx + dy * dy;
        for (int y = ya; y <= yb; y++) {
            double py = y + 0.5;
            for (int x = xa; x <= xb; x++) {
                double pxx = x + 0.5;
                double t = len2 == 0 ? 0 : ((pxx - x0) * dx + (py - y0) * dy) / len2;
                t = t < 0 ? 0 : (t > 1 ? 1 : t);
                double ex = pxx - (x0 + t * dx), ey = py - (y0 + t * dy);
                double d = Math.sqrt(ex * ex + ey * ey);
                double cov = reff - d + 0.5;
                if (cov <= 0) continue;
                // thin shapes (r < 0.5 px) get proportionally less coverage
                double alpha = Math.min(1, cov) * Math.min(1, r / 0.5);
                blend(x, y, rgb, light(d / reff, shade), alpha);
            }
        }
    }

    /**
     * A filled convex polygon given as {@code n} points {@code xy[0..2n)}, either orientation, flat colour
     * times {@code light}.
     */
    public void polygon(double[] xy, int n, int rgb, double light) {
        double area = 0;
        double minx = Double.MAX_VALUE, maxx = -Double.MAX_VALUE, miny = Double.MAX_VALUE, maxy = -Double.MAX_VALUE;
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            area += xy[2 * i] * xy[2 * j + 1] - xy[2 * j] * xy[2 * i + 1];
            minx = Math.min(minx, xy[2 * i]);
            maxx = Math.max(maxx, xy[2 * i]);
            miny = Math.min(miny, xy[2 * i + 1]);
            maxy = Math.max(maxy, xy[2 * i + 1]);
        }
        double sign = area >= 0 ? 1 : -1;
        int xa = Math.max(0, (int) Math.floor(minx - 1)), xb = Math.min(width - 1, (int) Math.ceil(maxx + 1));
        int ya = Math.max(0, (int) Math.floor(miny - 1)), yb = Math.min(height - 1, (int) Math.ceil(maxy + 1));
        for (int y = ya; y <= yb; y++) {
            double py = y + 0.5;
            for (int x = xa; x <= xb; x++) {
                double pxx = x + 0.5;
                double dmin = Double.MAX_VALUE;
                for (int i = 0; i < n; i++) {
                    int j = (i + 1) % n;
                    double ex = xy[2 * j] - xy[2 * i], ey = xy[2 * j + 1] - xy[2 * i + 1];
                    double el = Math.sqrt(ex * ex + ey * ey);
                    if (el == 0) continue;
                    // signed distance, positive inside for the polygon's orientation
                    double d = sign * (ex * (py - xy[2 * i + 1]) - ey * (pxx - xy[2 * i])) / el;
                    if (d < dmin) dmin = d;
                }
                double cov = dmin + 0.5;
                if (cov <= 0) continue;
                blend(x, y, rgb, light, Math.min(1, cov));
            }
        }
    }

    /** An axis-aligned rectangle from (x0, y0) to (x1, y1), anti-aliased. */
    public void rect(double x0, double y0, double x1, double y1, int rgb, double light) {
        double[] q = quad;
        q[0] = x0; q[1] = y0; q[2] = x1; q[3] = y0; q[4] = x1; q[5] = y1; q[6] = x0; q[7] = y1;
        polygon(q, 4, rgb, light);
    }

    private final double[] quad = new double[8];

    /** Packs float colour components in [0, 1] into 0xRRGGBB. */
    public static int rgb(double r, double g, double b) {
        return ((toByte(r) & 0xFF) << 16) | ((toByte(g) & 0xFF) << 8) | (toByte(b) & 0xFF);
    }
}
