package somnium.rl.env.render;

/**
 * A pinhole camera like MuJoCo's: position, right (camera x) and up (camera y) axes, looking along
 * −(x × y), vertical field of view {@code fovy} (all DMC cameras: 45°). Projects world points to pixel
 * coordinates of a {@code width x height} canvas and casts rays for the background.
 */
public final class Camera {
    final double px, py, pz;
    final double[] right, up, fwd;
    final double tanHalf;

    /** From MuJoCo's {@code xyaxes}: camera x axis and (not necessarily orthogonal) y axis. */
    public static Camera xyaxes(double px, double py, double pz, double[] x, double[] y, double fovyDeg) {
        double[] xn = normalize(x);
        double[] z = normalize(cross(xn, y));
        double[] yn = cross(z, xn);
        return new Camera(px, py, pz, xn, yn, new double[] {-z[0], -z[1], -z[2]}, fovyDeg);
    }

    private Camera(double px, double py, double pz, double[] right, double[] up, double[] fwd, double fovyDeg) {
        this.px = px;
        this.py = py;
        this.pz = pz;
        this.right = right;
        this.up = up;
        this.fwd = fwd;
        this.tanHalf = Math.tan(Math.toRadians(fovyDeg) / 2);
    }

    /** Focal length in pixels for an image of the given height. */
    public double focal(int height) {
        return height / 2.0 / tanHalf;
    }

    /**
     * Projects world point (x, y, z) into {@code out = {col, row, depth, pixelsPerMetre}} for a
     * {@code width x height} image. Returns false when the point is behind the camera.
     */
    public boolean project(double x, double y, double z, int width, int height, double[] out) {
        double dx = x - px, dy = y - py, dz = z - pz;
        double depth = dx * fwd[0] + dy * fwd[1] + dz * fwd[2];
        if (depth <= 1e-9) return false;
        double f = focal(height);
        double cx = dx * right[0] + dy * right[1] + dz * right[2];
        double cy = dx * up[0] + dy * up[1] + dz * up[2];
        out[0] = width / 2.0 + f * cx / depth;
        out[1] = height / 2.0 - f * cy / depth;
        out[2] = depth;
        out[3] = f / depth;
        return true;
    }

    /** The (unnormalized) world direction of the ray through pixel coordinates (col, row). */
    public void ray(double col, double row, int width, int height, double[] out) {
        double f = focal(height);
        double a = (col - width / 2.0) / f, b = -(row - height / 2.0) / f;
        for (int i = 0; i < 3; i++) out[i] = fwd[i] + a * right[i] + b * up[i];
    }

    public double x() { return px; }
    public double y() { return py; }
    public double z() { return pz; }

    static double[] cross(double[] a, double[] b) {
        return new double[] {a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]};
    }

    static double[] normalize(double[] a) {
        double n = Math.sqrt(a[0] * a[0] + a[1] * a[1] + a[2] * a[2]);
        return new double[] {a[0] / n, a[1] / n, a[2] / n};
    }
}
