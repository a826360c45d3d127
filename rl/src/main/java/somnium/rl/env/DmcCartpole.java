package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.DmcLook;

/**
 * dm_control {@code cartpole}: balance, swingup and their sparse variants. RK4 with timestep 0.01,
 * θ = 0 upright, cart slider range ±1.8 (MuJoCo soft limit, solref (0.08, 1)), motor gear 10.
 * Closed-form dynamics (spec §2.2):
 * [[M, mₚl·cos θ], [mₚl·cos θ, I_c + mₚl²]]·[ẍ, θ̈] = [10u + mₚl·sin θ·θ̇² − 5e−4·ẋ, mₚgl·sin θ − 2e−6·θ̇].
 * Observation: [x, cos θ, sin θ, ẋ, θ̇].
 */
public final class DmcCartpole extends DmcEnv {
    public enum Task { BALANCE, SWINGUP, BALANCE_SPARSE, SWINGUP_SPARSE }

    public static final double DT = 0.01, M_CART = 1, M_POLE = 0.1, L = 0.5, I_COM = 0.00942459,
            SLIDER_DAMPING = 5e-4, HINGE_DAMPING = 2e-6, GEAR = 10, RANGE = 1.8, SOLREF_TC = 0.08;
    private final Task task;
    /** [x, θ, ẋ, θ̇]. */
    final double[] s = new double[4];
    private double u, ctrl;
    private final double[] w = new double[16], st = new double[4], acc = new double[2];
    private final Accel dynamics = this::accel;
    private final double[] box = new double[12];

    public DmcCartpole(Task task) {
        super("dmc:cartpole-" + task.name().toLowerCase(), ObservationSpec.unbounded(5), 1, DT, sideCamera(-4, 1));
        this.task = task;
    }

    public Task task() {
        return task;
    }

    boolean swingup() {
        return task == Task.SWINGUP || task == Task.SWINGUP_SPARSE;
    }

    boolean sparse() {
        return task == Task.BALANCE_SPARSE || task == Task.SWINGUP_SPARSE;
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        if (swingup()) {
            s[0] = 0.01 * rng.nextGaussian();
            s[1] = Math.PI + 0.01 * rng.nextGaussian();
        } else {
            s[0] = uniform(rng, -0.1, 0.1);
            s[1] = uniform(rng, -0.034, 0.034);
        }
        s[2] = 0.01 * rng.nextGaussian();
        s[3] = 0.01 * rng.nextGaussian();
        ctrl = 0;
    }

    /** Joint accelerations at state {@code q} with the current motor force, including the soft slider limit. */
    void accel(double[] q, double[] out) {
        double sin = Math.sin(q[1]), cos = Math.cos(q[1]);
        double ml = M_POLE * L;
        double m00 = M_CART + M_POLE, m01 = ml * cos, m11 = I_COM + M_POLE * L * L;
        double r0 = GEAR * u + ml * sin * q[3] * q[3] - SLIDER_DAMPING * q[2];
        double r1 = M_POLE * GRAVITY * L * sin - HINGE_DAMPING * q[3];
        double det = m00 * m11 - m01 * m01;
        double a0 = (m11 * r0 - m01 * r1) / det;
        double f = SoftLimit.force(q[0], q[2], a0, m11 / det, -RANGE, RANGE, Math.max(SOLREF_TC, 2 * DT), 1);
        r0 += f;
        out[0] = (m11 * r0 - m01 * r1) / det;
        out[1] = (m00 * r1 - m01 * r0) / det;
    }

    @Override
    protected double advance(float[] action) {
        ctrl = action[0];
        u = clip(ctrl, -1, 1);
        rk4(s, DT, dynamics, w, st, acc);
        return reward();
    }

    double reward() {
        double cos = Math.cos(s[1]);
        if (sparse()) {
            return Tolerance.tolerance(s[0], -0.25, 0.25) * Tolerance.tolerance(cos, 0.995, 1);
        }
        double upright = (cos + 1) / 2;
        double centered = (1 + Tolerance.tolerance(s[0], 0, 0, 2, Tolerance.Sigmoid.GAUSSIAN, 0.1)) / 2;
        double smallControl = (4 + Tolerance.tolerance(ctrl, 0, 0, 1, Tolerance.Sigmoid.QUADRATIC, 0)) / 5;
        double smallVelocity = (1 + Tolerance.tolerance(s[3], 0, 0, 5, Tolerance.Sigmoid.GAUSSIAN, 0.1)) / 2;
        return upright * smallControl * smallVelocity * centered;
    }

    @Override
    protected float[] observe() {
        return new float[] {(float) s[0], (float) Math.cos(s[1]), (float) Math.sin(s[1]), (float) s[2], (float) s[3]};
    }

    /** Sets the physics state (x, θ, ẋ, θ̇) and the held control, e.g. for tests and rendering. */
    public void setState(double x, double theta, double xDot, double thetaDot, double control) {
        s[0] = x;
        s[1] = theta;
        s[2] = xDot;
        s[3] = thetaDot;
        ctrl = control;
    }

    @Override
    protected void paintBackground(Canvas c) {
        look.paintSkyAndFloor(c, -0.05, 4);
        look.capsule(c, -2, 0.07, 1, 2, 0.07, 1, 0.02, DmcLook.DECORATION);
    }

    @Override
    protected void paint(Canvas c) {
        double x = s[0], th = s[1];
        look.capsule(c, x, 0, 1, x + Math.sin(th), 0, 1 + Math.cos(th), 0.045, DmcLook.SELF);
        look.capsule(c, -2, -0.07, 1, 2, -0.07, 1, 0.02, DmcLook.DECORATION);
        int self = DmcLook.SELF;
        // the side face the camera (at x = 0) can see, then the front face (y = −0.15)
        if (x - 0.2 > 0) {
            set(box, x - .2, -.15, .9, x - .2, .15, .9, x - .2, .15, 1.1, x - .2, -.15, 1.1);
            look.quad(c, box, self, 0.7);
        } else if (x + 0.2 < 0) {
            set(box, x + .2, -.15, .9, x + .2, .15, .9, x + .2, .15, 1.1, x + .2, -.15, 1.1);
            look.quad(c, box, self, 0.7);
        }
        set(box, x - .2, -.15, .9, x + .2, -.15, .9, x + .2, -.15, 1.1, x - .2, -.15, 1.1);
        look.quad(c, box, self, 1.1);
    }

    private static void set(double[] p, double a0, double a1, double a2, double b0, double b1, double b2, double c0,
            double c1, double c2, double d0, double d1, double d2) {
        p[0] = a0; p[1] = a1; p[2] = a2; p[3] = b0; p[4] = b1; p[5] = b2;
        p[6] = c0; p[7] = c1; p[8] = c2; p[9] = d0; p[10] = d1; p[11] = d2;
    }
}
