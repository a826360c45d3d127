package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Camera;
import somnium.rl.env.render.Canvas;
import somnium.rl.env.render.DmcLook;

/**
 * dm_control {@code pendulum-swingup}: a unit point mass 0.5 from the hinge (I_pivot = 0.251), hinge
 * damping 0.1, gear 1, θ = 0 upright, semi-implicit Euler with implicit damping at timestep 0.02:
 * (0.251 + h·0.1)·θ̈ = u + 4.905·sin θ − 0.1·θ̇; θ̇ += h·θ̈; θ += h·θ̇.
 * Reward 1 within 8° of upright, else 0. Observation [cos θ, sin θ, θ̇].
 */
public final class DmcPendulum extends DmcEnv {
    public static final double DT = 0.02, INERTIA = 0.251, DAMPING = 0.1, MGL = 1 * GRAVITY * 0.5, PIVOT_Z = 0.6;
    double theta, thetaDot;

    public DmcPendulum() {
        super("dmc:pendulum-swingup", ObservationSpec.unbounded(3), 1, DT,
                Camera.xyaxes(0, -1.5, 2, new double[] {1, 0, 0}, new double[] {0, 1, 1}, 45));
    }

    @Override
    protected void resetState(SplittableRandom rng) {
        theta = uniform(rng, -Math.PI, Math.PI);
        thetaDot = 0;
    }

    @Override
    protected double advance(float[] action) {
        double u = clip(action[0], -1, 1);
        double acc = (u + MGL * Math.sin(theta) - DAMPING * thetaDot) / (INERTIA + DT * DAMPING);
        thetaDot += DT * acc;
        theta += DT * thetaDot;
        return Tolerance.tolerance(Math.cos(theta), Math.cos(Math.toRadians(8)), 1);
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
    protected void paintBackground(Canvas c) {
        look.paintSkyAndFloor(c, 0, 2.5);
    }

    @Override
    protected void paint(Canvas c) {
        double ex = 0.5 * Math.sin(theta), ez = PIVOT_Z + 0.5 * Math.cos(theta);
        look.capsule(c, 0, 0, PIVOT_Z, ex, 0, ez, 0.02, DmcLook.SELF);
        look.capsule(c, 0, -0.03, PIVOT_Z, 0, 0.03, PIVOT_Z, 0.021, DmcLook.DECORATION);
        look.sphere(c, ex, 0, ez, 0.05, DmcLook.EFFECTOR);
    }
}
