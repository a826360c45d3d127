package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.DmcLook;

/**
 * dm_control {@code acrobot-swingup}: two unit-mass capsules of length 1 (COM at 0.5, I_yy(COM)
 * 0.0955703 / 0.0953037), joint damping 0.05, elbow motor gear 2, q = 0 upright, RK4 at timestep 0.01,
 * no joint limits (constraints off). Reward tolerance(|tip − target|, (0, 0.2), margin 1) with the
 * target 2 m above the shoulder. Observation [sin q1, sin(q1+q2), cos q1, cos(q1+q2), q̇1, q̇2].
 */
public final class DmcAcrobot extends DmcEnv {
    public static final double DT = 0.01, M1 = 1, M2 = 1, L1 = 1, L2 = 1, LC1 = 0.5, LC2 = 0.5, I1 = 0.0955703,
            I2 = 0.0953037, DAMPING = 0.05, GEAR = 2, SHOULDER_Z = 2, TARGET_Z = 4, TARGET_RADIUS = 0.2;
    /** [q1, q2, q̇1, q̇2]. */
    final double[] s = new double[4];
    private double u;
    private final double[] w = new double[16], st = new double[4], acc = new double[2];
    private final Accel dynamics = this::accel;

    public DmcAcrobot() {
        super("dmc:acrobot-swingup", ObservationSpec.unbounded(6), 1, DT, sideCamera(-6, 2));
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        s[0] = uniform(rng, -Math.PI, Math.PI);
        s[1] = uniform(rng, -Math.PI, Math.PI);
        s[2] = 0;
        s[3] = 0;
    }

    void accel(double[] q, double[] out) {
        double c2 = Math.cos(q[1]), s2 = Math.sin(q[1]);
        double m11 = I1 + I2 + M1 * LC1 * LC1 + M2 * (L1 * L1 + LC2 * LC2 + 2 * L1 * LC2 * c2);
        double m12 = I2 + M2 * (LC2 * LC2 + L1 * LC2 * c2);
        double m22 = I2 + M2 * LC2 * LC2;
        double h = M2 * L1 * LC2 * s2;
        double g12 = M2 * LC2 * GRAVITY * Math.sin(q[0] + q[1]);
        double f1 = -DAMPING * q[2] + h * (2 * q[2] * q[3] + q[3] * q[3]) + (M1 * LC1 + M2 * L1) * GRAVITY * Math.sin(q[0]) + g12;
        double f2 = GEAR * u - DAMPING * q[3] - h * q[2] * q[2] + g12;
        double det = m11 * m22 - m12 * m12;
        out[0] = (m22 * f1 - m12 * f2) / det;
        out[1] = (m11 * f2 - m12 * f1) / det;
    }

    @Override
    protected double advance(float[] action) {
        u = clip(action[0], -1, 1);
        rk4(s, DT, dynamics, w, st, acc);
        return reward();
    }

    /** Tip position (x, z) in the world. */
    double tipX() {
        return L1 * Math.sin(s[0]) + L2 * Math.sin(s[0] + s[1]);
    }

    double tipZ() {
        return SHOULDER_Z + L1 * Math.cos(s[0]) + L2 * Math.cos(s[0] + s[1]);
    }

    double reward() {
        double dx = tipX(), dz = tipZ() - TARGET_Z;
        double dist = Math.sqrt(dx * dx + dz * dz);
        return Tolerance.tolerance(dist, 0, TARGET_RADIUS, 1, Tolerance.Sigmoid.GAUSSIAN, 0.1);
    }

    @Override
    protected float[] observe() {
        return new float[] {(float) Math.sin(s[0]), (float) Math.sin(s[0] + s[1]), (float) Math.cos(s[0]),
                (float) Math.cos(s[0] + s[1]), (float) s[2], (float) s[3]};
    }

    public void setState(double q1, double q2, double v1, double v2) {
        s[0] = q1;
        s[1] = q2;
        s[2] = v1;
        s[3] = v2;
    }

    /** Total mechanical energy (kinetic + potential, zero potential at the shoulder), for tests. */
    double energy() {
        double c2 = Math.cos(s[1]);
        double m11 = I1 + I2 + M1 * LC1 * LC1 + M2 * (L1 * L1 + LC2 * LC2 + 2 * L1 * LC2 * c2);
        double m12 = I2 + M2 * (LC2 * LC2 + L1 * LC2 * c2);
        double m22 = I2 + M2 * LC2 * LC2;
        double kin = 0.5 * (m11 * s[2] * s[2] + 2 * m12 * s[2] * s[3] + m22 * s[3] * s[3]);
        double pot = GRAVITY * (M1 * LC1 * Math.cos(s[0]) + M2 * (L1 * Math.cos(s[0]) + LC2 * Math.cos(s[0] + s[1])));
        return kin + pot;
    }

    @Override
    protected void paintBackground(Canvas c) {
        look.paintSkyAndFloor(c, 0, 3);
        // the target site is in geom group 3, which MuJoCo does not render by default: not drawn
    }

    @Override
    protected void paint(Canvas c) {
        double ex = L1 * Math.sin(s[0]), ez = SHOULDER_Z + L1 * Math.cos(s[0]);
        look.capsule(c, 0, 0, SHOULDER_Z, ex, 0, ez, 0.05, DmcLook.SELF);
        look.capsule(c, ex, 0, ez, tipX(), 0, tipZ(), 0.049, DmcLook.SELF);
        look.capsule(c, 0, -0.06, SHOULDER_Z, 0, 0.06, SHOULDER_Z, 0.051, DmcLook.DECORATION);
    }
}
