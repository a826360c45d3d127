package somnium.rl.env;

import somnium.rl.env.render.Camera;
import somnium.rl.env.render.DmcLook;

/**
 * Common parts of the DeepMind Control Suite ports: actions are ctrl in [−1, 1] (MuJoCo clamps ctrl to
 * ctrlrange before the actuator, so force = gear·clip(ctrl); rewards that read {@code physics.control()}
 * see the action as given), one physics step per control step for the tasks here, no early termination,
 * and 1000 control steps per episode (the registry's time limit). Rewards and observations are taken
 * after the physics step. Cameras are camera 0 ("fixed") of each suite XML, fovy 45°.
 */
abstract class DmcEnv extends AbstractEnv {
    /** Control steps per episode for every task here (time limit / control timestep). */
    static final int EPISODE_STEPS = 1000;
    static final double GRAVITY = 9.81;
    protected final DmcLook look;
    private final double dt;

    DmcEnv(String id, ObservationSpec obs, int actionSize, double dt, Camera camera) {
        super(id, obs, ActionSpec.box(-1, 1, actionSize));
        this.dt = dt;
        this.look = new DmcLook(camera);
    }

    @Override
    public double stepSeconds() {
        return dt;
    }

    static Camera sideCamera(double y, double z) {
        // MuJoCo zaxis="0 -1 0": looks along +y, right = +x, up = +z
        return Camera.xyaxes(0, y, z, new double[] {1, 0, 0}, new double[] {0, 0, 1}, 45);
    }

    static Camera topCamera(double z) {
        return Camera.xyaxes(0, 0, z, new double[] {1, 0, 0}, new double[] {0, 1, 0}, 45);
    }

    /** The acceleration of a 2-dof system (q1, q2, v1, v2) under a held control. */
    interface Accel {
        void accel(double[] s, double[] qacc);
    }

    /**
     * One classic RK4 step of (q, v) with the control held fixed, as MuJoCo's RK4 integrator does.
     * {@code s = [q1, q2, v1, v2]} is updated in place; {@code w} (16) holds the stage derivatives k1..k4,
     * {@code st} (4) the stage state and {@code acc} (2) the acceleration.
     */
    static void rk4(double[] s, double h, Accel f, double[] w, double[] st, double[] acc) {
        for (int stage = 0; stage < 4; stage++) {
            double c = stage == 0 ? 0 : (stage == 3 ? h : h / 2);
            for (int i = 0; i < 4; i++) st[i] = s[i] + (stage == 0 ? 0 : c * w[4 * (stage - 1) + i]);
            f.accel(st, acc);
            int k = 4 * stage;
            w[k] = st[2];
            w[k + 1] = st[3];
            w[k + 2] = acc[0];
            w[k + 3] = acc[1];
        }
        for (int i = 0; i < 4; i++) s[i] += h / 6 * (w[i] + 2 * w[4 + i] + 2 * w[8 + i] + w[12 + i]);
    }
}
