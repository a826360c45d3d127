package somnium.rl.env;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

class GymEnvsTest {
    @Test
    void pendulumOneStepByHandWithPreStepRewardAndClipping() {
        GymPendulum env = new GymPendulum();
        env.reset(1);
        double th = 3.0, thd = -1.5;
        env.setState(th, thd);
        Step s = env.step(new float[] {5f}); // clipped to 2
        double u = 2;
        double nd = thd + (3 * 10 / 2.0 * Math.sin(th) + 3.0 * u) * 0.05;
        double nth = th + nd * 0.05;
        assertEquals(-(th * th + 0.1 * thd * thd + 0.001 * u * u), s.reward(), 1e-9);
        float[] o = s.observation().state();
        assertEquals((float) Math.cos(nth), o[0], 1e-6);
        assertEquals((float) Math.sin(nth), o[1], 1e-6);
        assertEquals((float) nd, o[2], 1e-6);
        assertFalse(s.terminated());
        // speed clip at 8
        env.setState(0.5, 7.9);
        assertEquals(8f, env.step(new float[] {2}).observation().state()[2], 0f);
        // angle normalization in the cost: θ = 2π + 0.1 costs like 0.1
        env.setState(2 * Math.PI + 0.1, 0);
        assertEquals(-(0.01), env.step(new float[] {0}).reward(), 1e-9);
    }

    @Test
    void mountainCarStepClipsForceButChargesUnclippedAction() {
        GymMountainCarContinuous env = new GymMountainCarContinuous();
        env.reset(0);
        env.setState(-0.5, 0.01);
        Step s = env.step(new float[] {2f});
        double v = 0.01 + 1 * 0.0015 - 0.0025 * Math.cos(3 * -0.5);
        assertEquals((float) v, s.observation().state()[1], 1e-9);
        assertEquals((float) (-0.5 + v), s.observation().state()[0], 1e-7);
        assertEquals(-0.1 * 4, s.reward(), 1e-7);
        // left wall stops the car
        env.setState(-1.19, -0.05);
        Step w = env.step(new float[] {-1});
        assertEquals(-1.2f, w.observation().state()[0], 0f);
        assertEquals(0f, w.observation().state()[1], 0f);
        // reaching the goal terminates with +100
        env.setState(0.44, 0.05);
        Step g = env.step(new float[] {0.5f});
        assertTrue(g.terminated());
        assertEquals(100 - 0.1 * 0.25, g.reward(), 1e-9);
        assertThrows(IllegalStateException.class, () -> env.step(new float[] {0}));
    }

    @Test
    void cartPoleExplicitEulerAndTermination() {
        GymCartPole env = new GymCartPole();
        env.reset(0);
        double x = 0.1, xd = -0.2, th = 0.05, thd = 0.3;
        env.setState(x, xd, th, thd);
        Step s = env.step(new float[] {0}); // push left
        double f = -10, temp = (f + 0.05 * thd * thd * Math.sin(th)) / 1.1;
        double tacc = (9.8 * Math.sin(th) - Math.cos(th) * temp) / (0.5 * (4.0 / 3 - 0.1 * Math.cos(th) * Math.cos(th) / 1.1));
        double xacc = temp - 0.05 * tacc * Math.cos(th) / 1.1;
        float[] o = s.observation().state();
        assertEquals((float) (x + 0.02 * xd), o[0], 1e-7);
        assertEquals((float) (xd + 0.02 * xacc), o[1], 1e-7);
        assertEquals((float) (th + 0.02 * thd), o[2], 1e-7);
        assertEquals((float) (thd + 0.02 * tacc), o[3], 1e-7);
        assertEquals(1.0, s.reward());
        env.setState(0, 0, 0.2094, 1.0); // θ becomes 0.2294 > 12°
        Step t = env.step(new float[] {1});
        assertTrue(t.terminated());
        assertEquals(1.0, t.reward(), "the terminating step still pays +1");
        env.reset(0);
        env.setState(2.39, 1.0, 0, 0);
        assertTrue(env.step(new float[] {1}).terminated());
    }

    static double acrobotEnergy(double[] s) {
        double m = 1, l1 = 1, lc = 0.5, I = 1, g = 9.8;
        double c2 = Math.cos(s[1]);
        double d1 = m * lc * lc + m * (l1 * l1 + lc * lc + 2 * l1 * lc * c2) + 2 * I;
        double d2 = m * (lc * lc + l1 * lc * c2) + I;
        double d3 = m * lc * lc + I;
        double kin = 0.5 * (d1 * s[2] * s[2] + 2 * d2 * s[2] * s[3] + d3 * s[3] * s[3]);
        double pot = -g * (m * lc * Math.cos(s[0]) + m * (l1 * Math.cos(s[0]) + lc * Math.cos(s[0] + s[1])));
        return kin + pot;
    }

    @Test
    void acrobotRk4ConservesEnergyWithoutTorqueAndTerminatesUpright() {
        GymAcrobot env = new GymAcrobot();
        env.reset(0);
        env.setState(0.3, -0.2, 0, 0);
        double e0 = acrobotEnergy(env.s);
        double maxDrift = 0;
        for (int i = 0; i < 50; i++) {
            Step st = env.step(new float[] {1}); // action 1 = zero torque
            assertEquals(-1.0, st.reward());
            maxDrift = Math.max(maxDrift, Math.abs(acrobotEnergy(env.s) - e0));
        }
        assertTrue(maxDrift < 0.02 * Math.abs(e0), "energy drift " + maxDrift + " of " + e0);
        // upright: -cos(θ1) - cos(θ1+θ2) = 2 > 1 -> terminal, reward 0
        env.setState(Math.PI, 0, 0, 0);
        Step t = env.step(new float[] {1});
        assertTrue(t.terminated());
        assertEquals(0.0, t.reward());
        // velocity clip and angle wrap
        env.reset(0);
        env.setState(3.1, 0, 20, 0);
        Step w = env.step(new float[] {1});
        assertTrue(Math.abs(w.observation().state()[4]) <= 4 * Math.PI + 1e-5);
        assertTrue(Math.abs(Math.atan2(w.observation().state()[1], w.observation().state()[0])) <= Math.PI);
    }

    @Test
    void resetDistributions() {
        double sumTh = 0;
        int n = 2000;
        GymPendulum p = new GymPendulum();
        GymCartPole c = new GymCartPole();
        GymAcrobot a = new GymAcrobot();
        GymMountainCarContinuous m = new GymMountainCarContinuous();
        for (int seed = 0; seed < n; seed++) {
            p.reset(seed);
            assertTrue(Math.abs(p.theta) <= Math.PI && Math.abs(p.thetaDot) <= 1);
            sumTh += p.theta;
            float[] o = c.reset(seed).state();
            for (float v : o) assertTrue(Math.abs(v) <= 0.05f);
            a.reset(seed);
            for (double v : a.s) assertTrue(Math.abs(v) <= 0.1);
            float[] mo = m.reset(seed).state();
            assertTrue(mo[0] >= -0.6f && mo[0] <= -0.4f && mo[1] == 0f);
        }
        // uniform on [-π, π]: std of the mean = π/√3/√n ≈ 0.04
        assertEquals(0, sumTh / n, 0.15);
    }
}
