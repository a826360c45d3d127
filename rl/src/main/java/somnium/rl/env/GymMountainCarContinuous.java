package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.GymLook;

/**
 * Gymnasium {@code MountainCarContinuous-v0}: force = clip(a, −1, 1); v += 0.0015·force − 0.0025·cos 3x,
 * clipped to ±0.07; x += v clipped to [−1.2, 0.6] (v = 0 at the left wall). Terminates at x ≥ 0.45 with
 * v ≥ 0 (reward +100 there); every step costs 0.1·a² of the <em>unclipped</em> action.
 */
public final class GymMountainCarContinuous extends AbstractEnv {
    public static final double MIN_POS = -1.2, MAX_POS = 0.6, MAX_SPEED = 0.07, GOAL_POS = 0.45, GOAL_VEL = 0,
            POWER = 0.0015;
    double position, velocity;
    private final GymLook look = new GymLook(600, 400);
    private final double[] pts = new double[8], scratch = new double[8];

    public GymMountainCarContinuous() {
        super("gym:MountainCarContinuous-v0",
                ObservationSpec.state(new double[] {MIN_POS, -MAX_SPEED}, new double[] {MAX_POS, MAX_SPEED}),
                ActionSpec.box(-1, 1, 1));
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        position = uniform(rng, -0.6, -0.4);
        velocity = 0;
    }

    @Override
    protected double advance(float[] action) {
        double a = action[0];
        double force = Math.min(Math.max(a, -1.0), 1.0);
        velocity += force * POWER - 0.0025 * Math.cos(3 * position);
        velocity = clip(velocity, -MAX_SPEED, MAX_SPEED);
        position += velocity;
        position = clip(position, MIN_POS, MAX_POS);
        if (position == MIN_POS && velocity < 0) velocity = 0;
        terminal = position >= GOAL_POS && velocity >= GOAL_VEL;
        double reward = terminal ? 100.0 : 0.0;
        return reward - a * a * 0.1;
    }

    @Override
    protected float[] observe() {
        return new float[] {(float) position, (float) velocity};
    }

    public void setState(double position, double velocity) {
        this.position = position;
        this.velocity = velocity;
    }

    static double height(double x) {
        return Math.sin(3 * x) * 0.45 + 0.55;
    }

    @Override
    protected void paintBackground(Canvas c) {
        c.fill(GymLook.WHITE);
        double scale = 600 / (MAX_POS - MIN_POS);
        int n = 60;
        for (int i = 0; i < n; i++) {
            double x0 = MIN_POS + (MAX_POS - MIN_POS) * i / n, x1 = MIN_POS + (MAX_POS - MIN_POS) * (i + 1) / n;
            look.capsule(c, (x0 - MIN_POS) * scale, height(x0) * scale, (x1 - MIN_POS) * scale, height(x1) * scale,
                    1.5, GymLook.BLACK);
        }
        // the flag at the goal
        double fx = (GOAL_POS - MIN_POS) * scale, fy = height(GOAL_POS) * scale;
        look.capsule(c, fx, fy, fx, fy + 50, 1.5, GymLook.BLACK);
        double[] flag = {fx, fy + 50, fx, fy + 40, fx + 25, fy + 45};
        look.polygon(c, flag, 3, 0xCCCC00, scratch);
    }

    @Override
    protected void paint(Canvas c) {
        double scale = 600 / (MAX_POS - MIN_POS), clearance = 10, w = 40, h = 20;
        double ang = Math.cos(3 * position); // Gymnasium rotates the car by cos(3x) radians
        double cs = Math.cos(ang), sn = Math.sin(ang);
        double bx = (position - MIN_POS) * scale, by = clearance + height(position) * scale;
        for (int i = 0; i < 4; i++) {
            double px = (i == 0 || i == 3) ? -w / 2 : w / 2, py = i < 2 ? 0 : h;
            pts[2 * i] = bx + px * cs - py * sn;
            pts[2 * i + 1] = by + px * sn + py * cs;
        }
        look.polygon(c, pts, 4, GymLook.BLACK, scratch);
        for (int k = 0; k < 2; k++) {
            double wx = k == 0 ? w / 4 : -w / 4;
            double cx = bx + wx * cs, cy = by + wx * sn;
            look.circle(c, cx, cy, h / 2.5, 0x808080);
        }
    }
}
