package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.DmcLook;

/**
 * dm_control {@code reacher-easy} / {@code reacher-hard}: a planar two-link arm (link 1: 0.12 m;
 * link 2 is the hand capsule plus the rigidly attached finger sphere), joint damping 0.01, gear 0.05,
 * wrist range ±160° (soft limit, default solref (0.02, 1)), semi-implicit Euler with implicit damping at
 * timestep 0.02. Masses and inertias are MuJoCo's density-derived values (spec §2.2).
 * Reward 1 when the finger is within target radius + 0.01 of the target (0.05 easy, 0.015 hard), else 0.
 * Observation [q1, q2, target − finger (x, y), q̇1, q̇2].
 */
public final class DmcReacher extends DmcEnv {
    public static final double DT = 0.02, L1 = 0.12, FINGER = 0.12, DAMPING = 0.01, GEAR = 0.05,
            WRIST_RANGE = Math.toRadians(160), SOLREF_TC = 0.02, FINGER_SIZE = 0.01;
    // link 1 (arm capsule)
    static final double M1 = 0.0418879, LC1 = 0.06, I1 = 6.33136e-5;
    // link 2 = hand capsule (COM 0.05) + finger sphere (r 0.01, COM 0.12), combined about their joint COM
    static final double M_HAND = 0.0356047, C_HAND = 0.05, I_HAND = 3.91757e-5, M_FINGER = 0.00418879;
    static final double M2 = M_HAND + M_FINGER;
    static final double LC2 = (M_HAND * C_HAND + M_FINGER * FINGER) / M2;
    static final double I2 = I_HAND + M_HAND * (C_HAND - LC2) * (C_HAND - LC2) + 0.4 * M_FINGER * FINGER_SIZE * FINGER_SIZE
            + M_FINGER * (FINGER - LC2) * (FINGER - LC2);

    private final double targetSize;
    /** [q1, q2], [q̇1, q̇2], target (x, y). */
    final double[] q = new double[2], v = new double[2], target = new double[2];

    public DmcReacher(boolean hard) {
        super(hard ? "dmc:reacher-hard" : "dmc:reacher-easy", ObservationSpec.unbounded(6), 2, DT, topCamera(0.75));
        this.targetSize = hard ? 0.015 : 0.05;
    }

    public double targetSize() {
        return targetSize;
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        q[0] = uniform(rng, -Math.PI, Math.PI);
        q[1] = uniform(rng, -WRIST_RANGE, WRIST_RANGE);
        v[0] = v[1] = 0;
        double angle = uniform(rng, 0, 2 * Math.PI), radius = uniform(rng, 0.05, 0.20);
        target[0] = radius * Math.sin(angle);
        target[1] = radius * Math.cos(angle);
    }

    @Override
    protected double advance(float[] action) {
        double c2 = Math.cos(q[1]), s2 = Math.sin(q[1]);
        double m11 = I1 + M1 * LC1 * LC1 + I2 + M2 * (L1 * L1 + LC2 * LC2 + 2 * L1 * LC2 * c2);
        double m12 = I2 + M2 * (LC2 * LC2 + L1 * LC2 * c2);
        double m22 = I2 + M2 * LC2 * LC2;
        double h = M2 * L1 * LC2 * s2;
        double f1 = GEAR * clip(action[0], -1, 1) - DAMPING * v[0] + h * (2 * v[0] * v[1] + v[1] * v[1]);
        double f2 = GEAR * clip(action[1], -1, 1) - DAMPING * v[1] - h * v[0] * v[0];
        double det = m11 * m22 - m12 * m12;
        // soft wrist limit, computed on the unconstrained acceleration with M as MuJoCo does
        double a2 = (m11 * f2 - m12 * f1) / det;
        f2 += SoftLimit.force(q[1], v[1], a2, m11 / det, -WRIST_RANGE, WRIST_RANGE, Math.max(SOLREF_TC, 2 * DT), 1);
        // implicit damping: (M + h·diag(b))·q̈ = f
        double n11 = m11 + DT * DAMPING, n22 = m22 + DT * DAMPING, ndet = n11 * n22 - m12 * m12;
        double acc1 = (n22 * f1 - m12 * f2) / ndet, acc2 = (n11 * f2 - m12 * f1) / ndet;
        v[0] += DT * acc1;
        v[1] += DT * acc2;
        q[0] += DT * v[0];
        q[1] += DT * v[1];
        return reward();
    }

    double fingerX() {
        return L1 * Math.cos(q[0]) + FINGER * Math.cos(q[0] + q[1]);
    }

    double fingerY() {
        return L1 * Math.sin(q[0]) + FINGER * Math.sin(q[0] + q[1]);
    }

    double reward() {
        double dist = Math.hypot(target[0] - fingerX(), target[1] - fingerY());
        return Tolerance.tolerance(dist, 0, targetSize + FINGER_SIZE);
    }

    @Override
    protected float[] observe() {
        return new float[] {(float) q[0], (float) q[1], (float) (target[0] - fingerX()), (float) (target[1] - fingerY()),
                (float) v[0], (float) v[1]};
    }

    public void setState(double q1, double q2, double v1, double v2, double targetX, double targetY) {
        q[0] = q1;
        q[1] = q2;
        v[0] = v1;
        v[1] = v2;
        target[0] = targetX;
        target[1] = targetY;
    }

    @Override
    protected void paintBackground(Canvas c) {
        look.paintSkyAndFloor(c, 0, 0.625);
        look.arenaWalls(c);
        look.sphere(c, 0, 0, 0.02, 0.011, DmcLook.DECORATION);
    }

    @Override
    protected void paint(Canvas c) {
        double wx = L1 * Math.cos(q[0]), wy = L1 * Math.sin(q[0]);
        double a = q[0] + q[1];
        look.capsule(c, 0, 0, 0.01, wx, wy, 0.01, 0.01, DmcLook.SELF);
        look.capsule(c, wx, wy, 0.01, wx + 0.1 * Math.cos(a), wy + 0.1 * Math.sin(a), 0.01, 0.01, DmcLook.SELF);
        look.sphere(c, fingerX(), fingerY(), 0.01, FINGER_SIZE, DmcLook.EFFECTOR);
        // the target sphere is centred at the arm's height and larger, so it covers the arm where they overlap
        look.sphere(c, target[0], target[1], 0.01, targetSize, DmcLook.TARGET);
    }
}
