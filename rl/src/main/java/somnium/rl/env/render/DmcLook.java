package somnium.rl.env.render;

/**
 * The DeepMind Control Suite look (suite/common/{skybox,materials,visual}.xml): gradient skybox
 * (.4,.6,.8) at the zenith to black at the nadir with sparse white marks, a checkered floor
 * (.1,.2,.3)/(.2,.3,.4) whose texture repeats once per metre (texuniform), and the material colours
 * self, effector, decoration and target. Objects are drawn as shaded capsules, spheres and quads in
 * world coordinates through a {@link Camera}; this is not a z-buffer renderer, so each scene draws
 * back to front. Shadows and the floor's reflection are not drawn.
 */
public final class DmcLook {
    public static final int SELF = Canvas.rgb(.7, .5, .3);
    public static final int EFFECTOR = Canvas.rgb(.7, .4, .2);
    public static final int DECORATION = Canvas.rgb(.3, .5, .7);
    public static final int TARGET = Canvas.rgb(.6, .3, .3);
    /** Light factor for the round shading of capsules and spheres. */
    public static final double SHADE = 0.8;
    private static final double FLOOR_LIGHT = 1.15;

    private final Camera cam;
    private final double[] a = new double[4], b = new double[4], poly = new double[8];

    public DmcLook(Camera cam) {
        this.cam = cam;
    }

    public Camera camera() {
        return cam;
    }

    /**
     * Paints sky and a floor plane at height {@code floorZ} spanning {@code ±halfSize} in x and y, with
     * 3x3 supersampling (done once per image size, so the cost does not matter).
     */
    public void paintSkyAndFloor(Canvas c, double floorZ, double halfSize) {
        double[] d = new double[3];
        final int ss = 3;
        for (int y = 0; y < c.height; y++) {
            for (int x = 0; x < c.width; x++) {
                double r = 0, g = 0, bl = 0;
                for (int sy = 0; sy < ss; sy++) {
                    for (int sx = 0; sx < ss; sx++) {
                        cam.ray(x + (sx + 0.5) / ss, y + (sy + 0.5) / ss, c.width, c.height, d);
                        double[] col = shadeRay(d, floorZ, halfSize);
                        r += col[0];
                        g += col[1];
                        bl += col[2];
                    }
                }
                c.set(x, y, r / (ss * ss), g / (ss * ss), bl / (ss * ss));
            }
        }
    }

    private final double[] rayColour = new double[3];

    private double[] shadeRay(double[] d, double floorZ, double halfSize) {
        if (d[2] < 0) {
            double t = (floorZ - cam.z()) / d[2];
            double hx = cam.x() + t * d[0], hy = cam.y() + t * d[1];
            if (t > 0 && Math.abs(hx) <= halfSize && Math.abs(hy) <= halfSize) {
                // builtin checker: 2x2 squares per texture tile, one tile per metre
                boolean dark = ((int) Math.floor(hx * 2) + (int) Math.floor(hy * 2) & 1) == 0;
                double f = FLOOR_LIGHT;
                rayColour[0] = (dark ? .1 : .2) * f;
                rayColour[1] = (dark ? .2 : .3) * f;
                rayColour[2] = (dark ? .3 : .4) * f;
                return rayColour;
            }
        }
        double n = Math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
        double up = (d[2] / n + 1) / 2; // 1 at the zenith, 0 at the nadir
        rayColour[0] = .4 * up;
        rayColour[1] = .6 * up;
        rayColour[2] = .8 * up;
        // sparse white marks of the "random" skybox texture, fixed on the sky sphere
        double az = Math.atan2(d[1], d[0]), el = Math.asin(d[2] / n);
        long cell = (long) Math.floor(az * 60) * 1_000_003L + (long) Math.floor(el * 60);
        long h = cell * 0x9E3779B97F4A7C15L;
        h ^= h >>> 29;
        h *= 0xBF58476D1CE4E5B9L;
        h ^= h >>> 32;
        if ((h & 1023) < 6) {
            rayColour[0] = rayColour[1] = rayColour[2] = 0.9;
        }
        return rayColour;
    }

    /** A capsule from world point p to q with world radius r. */
    public void capsule(Canvas c, double px, double py, double pz, double qx, double qy, double qz, double r, int rgb) {
        if (!cam.project(px, py, pz, c.width, c.height, a) || !cam.project(qx, qy, qz, c.width, c.height, b)) return;
        double rp = r * (a[3] + b[3]) / 2;
        c.capsule(a[0], a[1], b[0], b[1], rp, rgb, SHADE);
    }

    /** A sphere at world point p with world radius r. */
    public void sphere(Canvas c, double px, double py, double pz, double r, int rgb) {
        if (!cam.project(px, py, pz, c.width, c.height, a)) return;
        c.circle(a[0], a[1], r * a[3], rgb, SHADE);
    }

    /** A flat quad through four world points (given as x0,y0,z0, ..., x3,y3,z3). */
    public void quad(Canvas c, double[] pts, int rgb, double light) {
        for (int i = 0; i < 4; i++) {
            if (!cam.project(pts[3 * i], pts[3 * i + 1], pts[3 * i + 2], c.width, c.height, a)) return;
            poly[2 * i] = a[0];
            poly[2 * i + 1] = a[1];
        }
        c.polygon(poly, 4, rgb, light);
    }

    /**
     * The four thin arena walls of point_mass and reacher: vertical planes at x, y = ±0.3, 0.04 high,
     * facing the centre.
     */
    public void arenaWalls(Canvas c) {
        double h = 0.04, s = 0.3;
        double[] p = new double[12];
        for (int w = 0; w < 4; w++) {
            double sx = (w == 0 ? -s : w == 1 ? s : 0), sy = (w == 2 ? -s : w == 3 ? s : 0);
            if (sx != 0) {
                set(p, sx, -s, 0, sx, s, 0, sx, s, h, sx, -s, h);
            } else {
                set(p, -s, sy, 0, s, sy, 0, s, sy, h, -s, sy, h);
            }
            quad(c, p, DECORATION, 1.0);
        }
    }

    private static void set(double[] p, double... v) {
        System.arraycopy(v, 0, p, 0, v.length);
    }
}
