package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.GymLook;

/**
 * Gymnasium {@code Acrobot-v1} ("book" dynamics): Discrete(3) torque {−1, 0, +1} on the elbow, one RK4
 * step of dt = 0.2, then θ1, θ2 wrapped to [−π, π] and velocities clipped to ±4π / ±9π. θ1 = 0 hangs
 * down. Reward −1 per step, 0 on the terminal step; terminates when −cos θ1 − cos(θ1+θ2) > 1.
 * Observation [cos θ1, sin θ1, cos θ2, sin θ2, θ̇1, θ̇2].
 */
public final class GymAcrobot extends AbstractEnv {
    public static final double DT = 0.2, L1 = 1, L2 = 1, M1 = 1, M2 = 1, LC1 = 0.5, LC2 = 0.5, I1 = 1, I2 = 1,
            G = 9.8, MAX_VEL_1 = 4 * Math.PI, MAX_VEL_2 = 9 * Math.PI;
    private static final double[] TORQUES = {-1, 0, 1};
    final double[] s = new double[4];
    private final double[] k1 = new double[4], k2 = new double[4], k3 = new double[4], k4 = new double[4],
            tmp = new double[4];
    private final GymLook look = new GymLook(500, 500);

    public GymAcrobot() {
        super("gym:Acrobot-v1",
                ObservationSpec.state(new double[] {-1, -1, -1, -1, -MAX_VEL_1, -MAX_VEL_2},
                        new double[] {1, 1, 1, 1, MAX_VEL_1, MAX_VEL_2}),
                ActionSpec.discrete(3));
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        for (int i = 0; i < 4; i++) s[i] = uniform(rng, -0.1, 0.1);
    }

    /** Time derivative of (θ1, θ2, θ̇1, θ̇2) under elbow torque {@code a} (the "book" equations). */
    static void derivs(double[] s, double a, double[] out) {
        double t1 = s[0], t2 = s[1], d1t = s[2], d2t = s[3];
        double d1 = M1 * LC1 * LC1 + M2 * (L1 * L1 + LC2 * LC2 + 2 * L1 * LC2 * Math.cos(t2)) + I1 + I2;
        double d2 = M2 * (LC2 * LC2 + L1 * LC2 * Math.cos(t2)) + I2;
        double phi2 = M2 * LC2 * G * Math.cos(t1 + t2 - Math.PI / 2);
        double phi1 = -M2 * L1 * LC2 * d2t * d2t * Math.sin(t2) - 2 * M2 * L1 * LC2 * d2t * d1t * Math.sin(t2)
                + (M1 * LC1 + M2 * L1) * G * Math.cos(t1 - Math.PI / 2) + phi2;
        double dd2 = (a + d2 / d1 * phi1 - M2 * L1 * LC2 * d1t * d1t * Math.sin(t2) - phi2)
                / (M2 * LC2 * LC2 + I2 - d2 * d2 / d1);
        double dd1 = -(d2 * dd2 + phi1) / d1;
        out[0] = d1t;
        out[1] = d2t;
        out[2] = dd1;
        out[3] = dd2;
    }

    static double wrap(double x, double lo, double hi) {
        double diff = hi - lo;
        while (x > hi) x -= diff;
        while (x < lo) x += diff;
        return x;
    }

    @Override
    protected double advance(float[] action) {
        double a = TORQUES[(int) action[0]];
        derivs(s, a, k1);
        for (int i = 0; i < 4; i++) tmp[i] = s[i] + DT / 2 * k1[i];
        derivs(tmp, a, k2);
        for (int i = 0; i < 4; i++) tmp[i] = s[i] + DT / 2 * k2[i];
        derivs(tmp, a, k3);
        for (int i = 0; i < 4; i++) tmp[i] = s[i] + DT * k3[i];
        derivs(tmp, a, k4);
        for (int i = 0; i < 4; i++) s[i] += DT / 6.0 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
        s[0] = wrap(s[0], -Math.PI, Math.PI);
        s[1] = wrap(s[1], -Math.PI, Math.PI);
        s[2] = clip(s[2], -MAX_VEL_1, MAX_VEL_1);
        s[3] = clip(s[3], -MAX_VEL_2, MAX_VEL_2);
        terminal = -Math.cos(s[0]) - Math.cos(s[1] + s[0]) > 1.0;
        return terminal ? 0.0 : -1.0;
    }

    @Override
    protected float[] observe() {
        return new float[] {(float) Math.cos(s[0]), (float) Math.sin(s[0]), (float) Math.cos(s[1]),
                (float) Math.sin(s[1]), (float) s[2], (float) s[3]};
    }

    public void setState(double t1, double t2, double d1, double d2) {
        s[0] = t1;
        s[1] = t2;
        s[2] = d1;
        s[3] = d2;
    }

    @Override
    public double stepSeconds() {
        return DT;
    }

    @Override
    protected void paintBackground(Canvas c) {
        c.fill(GymLook.WHITE);
        double scale = 500 / 4.4;
        look.capsule(c, 250 - 2.2 * scale, 250 + scale, 250 + 2.2 * scale, 250 + scale, 0.8, GymLook.BLACK);
    }

    @Override
    protected void paint(Canvas c) {
        double scale = 500 / 4.4, ox = 250, oy = 250, w = 0.2 * scale;
        double x1 = ox + L1 * Math.sin(s[0]) * scale, y1 = oy - L1 * Math.cos(s[0]) * scale;
        double x2 = x1 + L2 * Math.sin(s[0] + s[1]) * scale, y2 = y1 - L2 * Math.cos(s[0] + s[1]) * scale;
        look.capsule(c, ox, oy, x1, y1, w / 2, 0x00CCCC);
        look.capsule(c, x1, y1, x2, y2, w / 2, 0x00CCCC);
        look.circle(c, ox, oy, 0.1 * scale, 0xCCCC00);
        look.circle(c, x1, y1, 0.1 * scale, 0xCCCC00);
    }
}
