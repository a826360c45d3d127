package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.DmcLook;

/**
 * dm_control {@code point_mass-easy}: a 0.3 kg mass on two slide joints (range ±0.29, MuJoCo soft
 * limit with the default solref (0.02, 1)), damping 1, two tendon motors with gear 0.1; semi-implicit
 * Euler with implicit damping at timestep 0.02: (0.3 + h)·p̈ = 0.1·u − v per axis.
 * Reward tolerance(dist, (0, .015), margin .015) · (4 + mean tolerance(u, margin 1, quadratic))/5.
 * Observation [x, y, ẋ, ẏ].
 */
public final class DmcPointMass extends DmcEnv {
    public static final double DT = 0.02, MASS = 0.3, DAMPING = 1, GEAR = 0.1, RANGE = 0.29, TARGET_SIZE = 0.015,
            SOLREF_TC = 0.02;
    final double[] p = new double[2], v = new double[2];
    private final double[] ctrl = new double[2];

    public DmcPointMass() {
        super("dmc:point_mass-easy", ObservationSpec.unbounded(4), 2, DT, topCamera(0.75));
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        for (int i = 0; i < 2; i++) {
            p[i] = uniform(rng, -RANGE, RANGE);
            v[i] = 0;
            ctrl[i] = 0;
        }
    }

    @Override
    protected double advance(float[] action) {
        for (int i = 0; i < 2; i++) {
            ctrl[i] = action[i];
            double f = GEAR * clip(action[i], -1, 1) - DAMPING * v[i];
            double a0 = f / MASS;
            f += SoftLimit.force(p[i], v[i], a0, 1 / MASS, -RANGE, RANGE, Math.max(SOLREF_TC, 2 * DT), 1);
            double acc = f / (MASS + DT * DAMPING);
            v[i] += DT * acc;
            p[i] += DT * v[i];
        }
        return reward();
    }

    double reward() {
        double dist = Math.hypot(p[0], p[1]);
        double near = Tolerance.tolerance(dist, 0, TARGET_SIZE, TARGET_SIZE, Tolerance.Sigmoid.GAUSSIAN, 0.1);
        double control = 0;
        for (int i = 0; i < 2; i++) control += Tolerance.tolerance(ctrl[i], 0, 0, 1, Tolerance.Sigmoid.QUADRATIC, 0);
        double smallControl = (control / 2 + 4) / 5;
        return near * smallControl;
    }

    @Override
    protected float[] observe() {
        return new float[] {(float) p[0], (float) p[1], (float) v[0], (float) v[1]};
    }

    public void setState(double x, double y, double vx, double vy, double ux, double uy) {
        p[0] = x;
        p[1] = y;
        v[0] = vx;
        v[1] = vy;
        ctrl[0] = ux;
        ctrl[1] = uy;
    }

    @Override
    protected void paintBackground(Canvas c) {
        look.paintSkyAndFloor(c, 0, 0.3);
        look.arenaWalls(c);
        look.sphere(c, 0, 0, 0.01, TARGET_SIZE, DmcLook.TARGET);
    }

    @Override
    protected void paint(Canvas c) {
        look.sphere(c, p[0], p[1], 0.01, 0.01, DmcLook.SELF);
    }
}
