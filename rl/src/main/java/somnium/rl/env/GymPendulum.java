package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.GymLook;

/**
 * Gymnasium {@code Pendulum-v1}: θ = 0 upright, torque in [−2, 2] (clipped), semi-implicit Euler with
 * dt = 0.05, velocity clipped to ±8; reward −(angle² + 0.1·θ̇² + 0.001·u²) on the pre-step state and
 * the clipped torque; never terminates (the registry adds the 200-step truncation).
 * Observation [cos θ, sin θ, θ̇].
 */
public final class GymPendulum extends AbstractEnv {
    public static final double MAX_SPEED = 8, MAX_TORQUE = 2, DT = 0.05, M = 1, L = 1;
    private final double g;
    double theta, thetaDot;
    private final GymLook look = new GymLook(500, 500);

    public GymPendulum() {
        this(10.0);
    }

    public GymPendulum(double g) {
        super("gym:Pendulum-v1",
                ObservationSpec.state(new double[] {-1, -1, -MAX_SPEED}, new double[] {1, 1, MAX_SPEED}),
                ActionSpec.box(-MAX_TORQUE, MAX_TORQUE, 1));
        this.g = g;
    }

    /** Wraps an angle to [−π, π) the way Gymnasium's angle_normalize does. */
    public static double angleNormalize(double x) {
        double m = (x + Math.PI) % (2 * Math.PI);
        if (m < 0) m += 2 * Math.PI;
        return m - Math.PI;
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        theta = uniform(rng, -Math.PI, Math.PI);
        thetaDot = uniform(rng, -1, 1);
    }

    @Override
    protected double advance(float[] action) {
        double u = clip(action[0], -MAX_TORQUE, MAX_TORQUE);
        double th = angleNormalize(theta);
        double cost = th * th + 0.1 * thetaDot * thetaDot + 0.001 * u * u;
        double newThDot = thetaDot + (3 * g / (2 * L) * Math.sin(theta) + 3.0 / (M * L * L) * u) * DT;
        newThDot = clip(newThDot, -MAX_SPEED, MAX_SPEED);
        theta = theta + newThDot * DT;
        thetaDot = newThDot;
        return -cost;
    }

    @Override
    protected float[] observe() {
        return new float[] {(float) Math.cos(theta), (float) Math.sin(theta), (float) thetaDot};
    }

    public void setState(double theta, double thetaDot) {
        this.theta = theta;
        this.thetaDot = thetaDot;
    }

    @Override
    public double stepSeconds() {
        return DT;
    }

    @Override
    protected void paintBackground(Canvas c) {
        c.fill(GymLook.WHITE);
    }

    @Override
    protected void paint(Canvas c) {
        double scale = 500 / 4.4, cx = 250, cy = 250, len = 1 * scale, w = 0.2 * scale;
        // the rod points to angle θ + π/2 (up at θ = 0, counter-clockwise for θ > 0)
        double ex = cx + len * Math.cos(theta + Math.PI / 2), ey = cy + len * Math.sin(theta + Math.PI / 2);
        look.capsule(c, cx, cy, ex, ey, w / 2, 0xCC4D4D);
        look.circle(c, cx, cy, 0.05 * scale, GymLook.BLACK);
    }
}
