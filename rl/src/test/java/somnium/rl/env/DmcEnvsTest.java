package somnium.rl.env;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import somnium.rl.env.Tolerance.Sigmoid;

class DmcEnvsTest {
    static final double G = 9.81;

    /** Cartpole accelerations from the spec's equation, solved by Cramer's rule (no soft limit: |x| < 1.8). */
    static double[] cartpoleAcc(double[] s, double u) {
        double mp = 0.1, l = 0.5, ic = 0.00942459;
        double a = 1.1, b = mp * l * Math.cos(s[1]), d = ic + mp * l * l;
        double r0 = 10 * u + mp * l * Math.sin(s[1]) * s[3] * s[3] - 5e-4 * s[2];
        double r1 = mp * G * l * Math.sin(s[1]) - 2e-6 * s[3];
        double det = a * d - b * b;
        return new double[] {(r0 * d - b * r1) / det, (a * r1 - b * r0) / det};
    }

    static double[] deriv(double[] s, double u) {
        double[] acc = cartpoleAcc(s, u);
        return new double[] {s[2], s[3], acc[0], acc[1]};
    }

    static double[] axpy(double[] s, double h, double[] k) {
        double[] o = new double[4];
        for (int i = 0; i < 4; i++) o[i] = s[i] + h * k[i];
        return o;
    }

    @Test
    void cartpoleOneRk4StepMatchesTheSpecEquations() {
        DmcCartpole env = new DmcCartpole(DmcCartpole.Task.SWINGUP);
        env.reset(0);
        double[] s = {0.3, 2.0, -0.4, 1.1};
        double u = (float) 0.7, h = 0.01; // the env sees the float action
        env.setState(s[0], s[1], s[2], s[3], 0);
        Step st = env.step(new float[] {(float) u});
        double[] k1 = deriv(s, u), k2 = deriv(axpy(s, h / 2, k1), u), k3 = deriv(axpy(s, h / 2, k2), u),
                k4 = deriv(axpy(s, h, k3), u);
        for (int i = 0; i < 4; i++) {
            double want = s[i] + h / 6 * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
            assertEquals(want, env.s[i], 1e-12, "state " + i);
        }
        float[] o = st.observation().state();
        assertArrayEquals(new float[] {(float) env.s[0], (float) Math.cos(env.s[1]), (float) Math.sin(env.s[1]),
                (float) env.s[2], (float) env.s[3]}, o);
    }

    static double cartpoleEnergy(double[] s) {
        double mp = 0.1, l = 0.5, ic = 0.00942459;
        double kin = 0.5 * (1.1 * s[2] * s[2] + 2 * mp * l * Math.cos(s[1]) * s[2] * s[3] + (ic + mp * l * l) * s[3] * s[3]);
        return kin + mp * G * l * Math.cos(s[1]);
    }

    @Test
    void unactuatedCartpoleEnergyIsNearlyConservedAndDecreases() {
        DmcCartpole env = new DmcCartpole(DmcCartpole.Task.SWINGUP);
        env.reset(0);
        env.setState(0, 2.5, 0, 0, 0);
        double e0 = cartpoleEnergy(env.s), prev = e0;
        for (int i = 0; i < 300; i++) {
            env.step(new float[] {0});
            double e = cartpoleEnergy(env.s);
            assertTrue(e <= prev + 1e-7, "damped energy must not grow: " + prev + " -> " + e);
            prev = e;
        }
        assertTrue(e0 - prev < 1e-3, "tiny damping loses little energy: " + (e0 - prev));
    }

    @Test
    void cartpoleSoftLimitHoldsTheCartNearItsRange() {
        DmcCartpole env = new DmcCartpole(DmcCartpole.Task.BALANCE);
        env.reset(0);
        env.setState(1.0, Math.PI, 2.0, 0, 0);
        double maxX = 0;
        for (int i = 0; i < 300; i++) {
            env.step(new float[] {1});
            maxX = Math.max(maxX, env.s[0]);
        }
        // a soft limit: it overshoots on impact (MuJoCo does too), then holds the cart within a few mm
        assertTrue(maxX > 1.8 && maxX < 2.0, "overshoot " + maxX);
        assertTrue(env.s[0] > 1.8 && env.s[0] < 1.81, "held at " + env.s[0]);
        assertEquals(0, env.s[2], 1e-3);
    }

    @Test
    void cartpoleRewards() {
        DmcCartpole smooth = new DmcCartpole(DmcCartpole.Task.BALANCE);
        smooth.setState(0, 0, 0, 0, 0);
        assertEquals(1.0, smooth.reward(), 1e-12);
        smooth.setState(0, Math.PI, 0, 0, 0);
        assertEquals(0.0, smooth.reward(), 1e-12);
        smooth.setState(2, 0, 0, 5, 1);
        // centered (1+0.1)/2, small_velocity (1+0.1)/2, small_control (4+0)/5, upright 1
        assertEquals(0.55 * 0.55 * 0.8, smooth.reward(), 1e-12);
        smooth.setState(0, Math.PI / 2, 0, 0, 0.5);
        assertEquals(0.5 * (4 + 0.75) / 5, smooth.reward(), 1e-12);
        DmcCartpole sparse = new DmcCartpole(DmcCartpole.Task.SWINGUP_SPARSE);
        sparse.setState(0.2, 0.05, 0, 3, 1);
        assertEquals(1.0, sparse.reward());
        sparse.setState(0.3, 0.0, 0, 0, 0);
        assertEquals(0.0, sparse.reward());
        sparse.setState(0.0, 0.2, 0, 0, 0); // cos 0.2 = 0.980 < 0.995
        assertEquals(0.0, sparse.reward());
    }

    @Test
    void pendulumSemiImplicitEulerWithImplicitDampingAndReward() {
        DmcPendulum env = new DmcPendulum();
        env.reset(0);
        double th = 1.0, thd = 2.0, u = 0.5, h = 0.02;
        env.setState(th, thd);
        Step s = env.step(new float[] {(float) u});
        double acc = (u + 4.905 * Math.sin(th) - 0.1 * thd) / (0.251 + h * 0.1);
        double nd = thd + h * acc, nth = th + h * nd;
        assertEquals(nth, env.theta, 1e-14);
        assertEquals(nd, env.thetaDot, 1e-14);
        assertArrayEquals(new float[] {(float) Math.cos(nth), (float) Math.sin(nth), (float) nd}, s.observation().state());
        env.setState(Math.toRadians(7) - h * 0, 0);
        assertEquals(1.0, env.step(new float[] {0}).reward(), "within 8 degrees");
        env.setState(Math.toRadians(9), 0);
        assertEquals(0.0, env.step(new float[] {0}).reward());
        // damping: energy of the free pendulum decreases
        env.setState(2.0, 0);
        double e0 = 0.5 * 0.251 * 0 + 4.905 * Math.cos(2.0);
        for (int i = 0; i < 200; i++) env.step(new float[] {0});
        double e1 = 0.5 * 0.251 * env.thetaDot * env.thetaDot + 4.905 * Math.cos(env.theta);
        assertTrue(e1 < e0 - 0.1, "damped: " + e0 + " -> " + e1);
        // actions beyond ±1 are clipped (ctrlrange)
        env.setState(0.3, 0);
        env.step(new float[] {3f});
        double a = env.thetaDot;
        env.setState(0.3, 0);
        env.step(new float[] {1f});
        assertEquals(a, env.thetaDot, 0);
    }

    @Test
    void acrobotRk4EnergyDecreasesOnlyThroughDampingAndRewardByHand() {
        DmcAcrobot env = new DmcAcrobot();
        env.reset(0);
        env.setState(2.0, -1.0, 0, 0);
        double e0 = env.energy(), prev = e0;
        for (int i = 0; i < 300; i++) {
            env.step(new float[] {0});
            double e = env.energy();
            assertTrue(e <= prev + 1e-6, "energy must not grow without torque: " + prev + " -> " + e);
            prev = e;
        }
        assertTrue(prev < e0, "damping 0.05 dissipates");
        // reward: upright tip is at the target
        env.setState(0, 0, 0, 0);
        assertEquals(1.0, env.reward(), 1e-12);
        env.setState(Math.PI / 2, 0, 0, 0); // tip at (2, 2), target (0, 4)
        double dist = Math.sqrt(8), d = dist - 0.2;
        assertEquals(Tolerance.sigmoid(d, 0.1, Sigmoid.GAUSSIAN), env.reward(), 1e-12);
        assertEquals(Math.exp(-0.5 * d * d * -2 * Math.log(0.1)), env.reward(), 1e-12);
        // observation order [sin q1, sin(q1+q2), cos q1, cos(q1+q2), q1', q2']
        env.setState(0.4, 0.5, 0.6, 0.7);
        Step s = env.step(new float[] {0.0f});
        float[] o = s.observation().state();
        assertEquals(Math.sin(env.s[0]), o[0], 1e-6);
        assertEquals(Math.sin(env.s[0] + env.s[1]), o[1], 1e-6);
        assertEquals(Math.cos(env.s[0]), o[2], 1e-6);
        assertEquals(Math.cos(env.s[0] + env.s[1]), o[3], 1e-6);
    }

    @Test
    void pointMassEulerStepLimitAndReward() {
        DmcPointMass env = new DmcPointMass();
        env.reset(0);
        env.setState(0.1, -0.1, 0.2, -0.3, 0, 0);
        env.step(new float[] {0.5f, -1f});
        double h = 0.02;
        double ax = (0.1 * 0.5 - 0.2) / (0.3 + h), ay = (0.1 * -1 + 0.3) / (0.3 + h);
        assertEquals(0.2 + h * ax, env.v[0], 1e-15);
        assertEquals(-0.3 + h * ay, env.v[1], 1e-15);
        assertEquals(0.1 + h * (0.2 + h * ax), env.p[0], 1e-15);
        assertEquals(-0.1 + h * (-0.3 + h * ay), env.p[1], 1e-15);
        // full force into the wall: held near ±0.29
        env.setState(0.2, 0, 0, 0, 0, 0);
        for (int i = 0; i < 200; i++) env.step(new float[] {1, 0});
        assertTrue(env.p[0] > 0.29 && env.p[0] < 0.31, "soft limit: " + env.p[0]);
        // rewards
        env.setState(0, 0, 0, 0, 0, 0);
        assertEquals(1.0, env.reward(), 1e-12);
        env.setState(0.03, 0, 0, 0, 1, 0); // d = (0.03-0.015)/0.015 = 1 -> 0.1; control mean (0 + 1)/2
        assertEquals(0.1 * (4 + 0.5) / 5, env.reward(), 1e-12);
    }

    @Test
    void reacherEulerStepMatchesPlanarTwoLinkModel() {
        // composite link 2 computed here from the spec's masses
        double m1 = 0.0418879, lc1 = 0.06, i1 = 6.33136e-5, l1 = 0.12;
        double mh = 0.0356047, mf = 0.00418879, m2 = mh + mf;
        double lc2 = (mh * 0.05 + mf * 0.12) / m2;
        double i2 = 3.91757e-5 + mh * Math.pow(0.05 - lc2, 2) + 0.4 * mf * 1e-4 + mf * Math.pow(0.12 - lc2, 2);
        double[] q = {0.7, -1.2}, v = {1.5, -0.5};
        double[] u = {(float) 0.8, (float) -0.3};
        double h = 0.02, b = 0.01;
        double c2 = Math.cos(q[1]), hh = m2 * l1 * lc2 * Math.sin(q[1]);
        double M11 = i1 + m1 * lc1 * lc1 + i2 + m2 * (l1 * l1 + lc2 * lc2 + 2 * l1 * lc2 * c2);
        double M12 = i2 + m2 * (lc2 * lc2 + l1 * lc2 * c2), M22 = i2 + m2 * lc2 * lc2;
        double f1 = 0.05 * u[0] - b * v[0] + hh * (2 * v[0] * v[1] + v[1] * v[1]);
        double f2 = 0.05 * u[1] - b * v[1] - hh * v[0] * v[0];
        double A = M11 + h * b, D = M22 + h * b, det = A * D - M12 * M12;
        double a1 = (D * f1 - M12 * f2) / det, a2 = (A * f2 - M12 * f1) / det;
        DmcReacher env = new DmcReacher(false);
        env.reset(0);
        env.setState(q[0], q[1], v[0], v[1], 0.1, 0.1);
        Step s = env.step(new float[] {(float) u[0], (float) u[1]});
        assertEquals(v[0] + h * a1, env.v[0], 1e-12);
        assertEquals(v[1] + h * a2, env.v[1], 1e-12);
        assertEquals(q[0] + h * (v[0] + h * a1), env.q[0], 1e-12);
        // observation [q1, q2, to_target, velocity]
        float[] o = s.observation().state();
        double fx = 0.12 * Math.cos(env.q[0]) + 0.12 * Math.cos(env.q[0] + env.q[1]);
        double fy = 0.12 * Math.sin(env.q[0]) + 0.12 * Math.sin(env.q[0] + env.q[1]);
        assertEquals((float) (0.1 - fx), o[2], 1e-7);
        assertEquals((float) (0.1 - fy), o[3], 1e-7);
        assertEquals((float) env.v[1], o[5], 0);
    }

    @Test
    void reacherWristLimitAndRewards() {
        DmcReacher env = new DmcReacher(false);
        env.reset(0);
        env.setState(0, 2.5, 0, 0, 0, 0);
        double maxQ2 = 0;
        for (int i = 0; i < 300; i++) {
            env.step(new float[] {0, 1});
            maxQ2 = Math.max(maxQ2, env.q[1]);
        }
        assertTrue(maxQ2 > Math.toRadians(160) && maxQ2 < Math.toRadians(170), "wrist overshoot " + Math.toDegrees(maxQ2));
        // soft: full torque on the light hand holds it about 1-2° past the range (a ≈ 0.05·(1-d)/d·a0/k)
        assertEquals(161, Math.toDegrees(env.q[1]), 1.0, "wrist held at its limit");
        // finger at q = (0, 0) is at (0.24, 0)
        env.setState(0, 0, 0, 0, 0.24 - 0.059, 0);
        assertEquals(1.0, env.reward());
        env.setState(0, 0, 0, 0, 0.24 - 0.061, 0);
        assertEquals(0.0, env.reward());
        DmcReacher hard = new DmcReacher(true);
        hard.setState(0, 0, 0, 0, 0.24, 0.024);
        assertEquals(1.0, hard.reward());
        hard.setState(0, 0, 0, 0, 0.24, 0.026);
        assertEquals(0.0, hard.reward());
    }

    @Test
    void resetDistributions() {
        int n = 1000;
        double sumSwing = 0, sumSwing2 = 0, sumPm = 0;
        DmcCartpole sw = new DmcCartpole(DmcCartpole.Task.SWINGUP), ba = new DmcCartpole(DmcCartpole.Task.BALANCE);
        DmcPointMass pm = new DmcPointMass();
        DmcReacher re = new DmcReacher(true);
        DmcAcrobot ac = new DmcAcrobot();
        DmcPendulum pe = new DmcPendulum();
        for (int seed = 0; seed < n; seed++) {
            sw.reset(seed);
            sumSwing += sw.s[1];
            sumSwing2 += (sw.s[1] - Math.PI) * (sw.s[1] - Math.PI);
            ba.reset(seed);
            assertTrue(Math.abs(ba.s[0]) <= 0.1 && Math.abs(ba.s[1]) <= 0.034);
            pm.reset(seed);
            assertTrue(Math.abs(pm.p[0]) <= 0.29 && Math.abs(pm.p[1]) <= 0.29 && pm.v[0] == 0);
            sumPm += pm.p[0];
            re.reset(seed);
            double r = Math.hypot(re.target[0], re.target[1]);
            assertTrue(r >= 0.05 - 1e-12 && r <= 0.2 + 1e-12, "target radius " + r);
            assertTrue(Math.abs(re.q[1]) <= Math.toRadians(160));
            ac.reset(seed);
            assertTrue(Math.abs(ac.s[0]) <= Math.PI && Math.abs(ac.s[1]) <= Math.PI && ac.s[2] == 0);
            pe.reset(seed);
            assertTrue(Math.abs(pe.theta) <= Math.PI && pe.thetaDot == 0);
        }
        assertEquals(Math.PI, sumSwing / n, 0.002);
        assertEquals(0.01, Math.sqrt(sumSwing2 / n), 0.002);
        assertEquals(0, sumPm / n, 0.03);
    }
}
