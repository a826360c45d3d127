package somnium.rl.planet;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import somnium.autograd.Var;
import somnium.rl.world.Rssm;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/** CEM against hand-written deterministic models whose optimal plans are known. */
class CemTest {
    /**
     * deter = running sum of the actions, stoch = the last action; reward = -sum_i (a_i - target_i)^2 over the
     * action dims, so the best plan repeats {@code target} (clipped to [-1, 1]).
     */
    static Cem.Model quadratic(float... target) {
        int a = target.length;
        return new Cem.Model() {
            @Override public int actionDim() { return a; }

            @Override
            public Rssm.State imagine(Rssm.State s, Var action, Rng rng) {
                return new Rssm.State(s.deter().add(action), action, action, s.std());
            }

            @Override
            public Var reward(Var feature) {
                Var last = feature.narrow(1, a, a);
                Var t = Var.constant(Tensor.of(target, 1, a).expand(feature.dim(0), a).contiguous());
                return last.sub(t).square().sum(1).neg();
            }
        };
    }

    static Rssm.State start(int a) {
        Var z = Var.constant(Tensor.zeros(1, a));
        return new Rssm.State(z, z, z, Var.constant(Tensor.ones(1, a)));
    }

    static final Cem.Settings PAPER = new Cem.Settings(12, 10, 1000, 100);

    @Test
    void findsTheOptimumOfAQuadraticReward() {
        float[] plan = Cem.plan(quadratic(0.7f, -0.3f), start(2), PAPER, new Rng(1));
        assertEquals(2, plan.length);
        assertEquals(0.7, plan[0], 0.05);
        assertEquals(-0.3, plan[1], 0.05);
    }

    @Test
    void anOptimumOutsideTheBoxGivesTheClippedBound() {
        float[] up = Cem.plan(quadratic(1.5f), start(1), PAPER, new Rng(2));
        float[] down = Cem.plan(quadratic(-4f), start(1), PAPER, new Rng(2));
        System.out.println("clipped optimum plans: " + up[0] + ", " + down[0]);
        assertTrue(up[0] <= 1 && down[0] >= -1, "plans within [-1, 1]");
        assertEquals(1.0, up[0], 0.05);
        assertEquals(-1.0, down[0], 0.05);
    }

    /**
     * A reward on the running sum: r_t = -(sum_{i<=t} a_i - 2)^2. Over a horizon of 4 the optimal first action is
     * 1 (reach 2 after two steps of 1 and stay: later actions 0); anything smaller costs at every later step.
     */
    @Test
    void plansThroughTheDynamics() {
        Cem.Model m = new Cem.Model() {
            @Override public int actionDim() { return 1; }

            @Override
            public Rssm.State imagine(Rssm.State s, Var action, Rng rng) {
                return new Rssm.State(s.deter().add(action), action, action, s.std());
            }

            @Override
            public Var reward(Var feature) {
                return feature.narrow(1, 0, 1).sub(2).square().squeeze(1).neg();
            }
        };
        float[] plan = Cem.plan(m, start(1), new Cem.Settings(4, 10, 1000, 100), new Rng(3));
        assertEquals(1.0, plan[0], 0.03);
        // a greedy (horizon 1) planner wants the same first step here, but from a head start of 1.5 it must not overshoot
        Var z = Var.constant(Tensor.full(1.5, 1, 1));
        Rssm.State ahead = new Rssm.State(z, Var.constant(Tensor.zeros(1, 1)), z, Var.constant(Tensor.ones(1, 1)));
        assertEquals(0.5, Cem.plan(m, ahead, new Cem.Settings(4, 10, 1000, 100), new Rng(4))[0], 0.05);
    }

    @Test
    void deterministicForAFixedRng() {
        Cem.Settings s = new Cem.Settings(6, 3, 50, 5); // few candidates: the plan is noisy, so seeds differ
        float[] a = Cem.plan(quadratic(0.2f), start(1), s, new Rng(7));
        float[] b = Cem.plan(quadratic(0.2f), start(1), s, new Rng(7));
        float[] c = Cem.plan(quadratic(0.2f), start(1), s, new Rng(8));
        assertArrayEquals(a, b);
        assertFalse(java.util.Arrays.equals(a, c));
    }

    @Test
    void rejectsBadSettingsAndBeliefs() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new Cem.Settings(12, 10, 100, 101));
        assertTrue(e.getMessage().contains("elites <= candidates"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new Cem.Settings(0, 10, 100, 10));
        Var z = Var.constant(Tensor.zeros(2, 1));
        Rssm.State two = new Rssm.State(z, z, z, z);
        e = assertThrows(IllegalArgumentException.class, () -> Cem.plan(quadratic(0f), two, PAPER, new Rng(1)));
        assertTrue(e.getMessage().contains("batch 1"), e.getMessage());
    }
}
