package somnium.rl.env;

import static org.junit.jupiter.api.Assertions.*;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RegistryAndWrappersTest {
    @Test
    void registryHasEveryIdAndUnknownIdListsThem() {
        assertEquals(13, Envs.ids().size());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Envs.make("dmc:cheetah-run"));
        assertTrue(e.getMessage().contains("dmc:cheetah-run"));
        for (String id : Envs.ids()) assertTrue(e.getMessage().contains(id), id);
    }

    @Test
    void specs() {
        assertEquals(5, Envs.make("dmc:cartpole-swingup").observationSpec().stateSize());
        assertEquals(6, Envs.make("dmc:reacher-easy").observationSpec().stateSize());
        assertEquals(2, Envs.make("dmc:point_mass-easy").actionSpec().size());
        assertTrue(Envs.make("gym:CartPole-v1").actionSpec().discrete());
        assertEquals(3, Envs.make("gym:Acrobot-v1").actionSpec().numActions());
        assertEquals(2.0, Envs.make("gym:Pendulum-v1").actionSpec().high()[0]);
        assertEquals(1000, Envs.make("dmc:acrobot-swingup").maxSteps());
        assertEquals(999, Envs.make("gym:MountainCarContinuous-v0").maxSteps());
    }

    @Test
    void badActionsNameTheEnvAndTheAction() {
        Env env = Envs.make("dmc:reacher-easy");
        assertThrows(IllegalStateException.class, () -> env.step(new float[] {0, 0}), "step before reset");
        env.reset(0);
        IllegalArgumentException size = assertThrows(IllegalArgumentException.class, () -> env.step(new float[] {0.5f}));
        assertTrue(size.getMessage().contains("dmc:reacher-easy") && size.getMessage().contains("[0.5]"), size.getMessage());
        IllegalArgumentException nan = assertThrows(IllegalArgumentException.class, () -> env.step(new float[] {0, Float.NaN}));
        assertTrue(nan.getMessage().contains("dmc:reacher-easy") && nan.getMessage().contains("NaN"), nan.getMessage());
        Env cp = Envs.make("gym:CartPole-v1");
        cp.reset(0);
        assertThrows(IllegalArgumentException.class, () -> cp.step(new float[] {0.5f}));
        assertThrows(IllegalArgumentException.class, () -> cp.step(new float[] {2}));
    }

    static float[] randomAction(ActionSpec spec, SplittableRandom rng) {
        return RenderGif.randomAction(spec, rng);
    }

    @Test
    void everyEnvIsDeterministicUnderASeed() {
        for (String id : Envs.ids()) {
            float[][] a = rollout(id, 7, 30), b = rollout(id, 7, 30), c = rollout(id, 8, 30);
            assertTrue(Arrays.deepEquals(a, b), id);
            assertFalse(Arrays.deepEquals(a, c), id + " differs with another seed");
        }
    }

    static float[][] rollout(String id, long seed, int steps) {
        Env env = Envs.make(id);
        SplittableRandom rng = new SplittableRandom(seed);
        float[][] out = new float[steps + 1][];
        out[0] = env.reset(seed).state();
        for (int t = 0; t < steps; t++) {
            Step s = env.step(randomAction(env.actionSpec(), rng));
            out[t + 1] = s.observation().state();
            if (s.done()) out[t + 1] = env.reset().state();
        }
        return out;
    }

    @Test
    void timeLimitTruncatesNotTerminates() {
        Env env = Envs.make("gym:Pendulum-v1");
        env.reset(0);
        for (int t = 1; t <= 200; t++) {
            Step s = env.step(new float[] {0});
            assertFalse(s.terminated());
            assertEquals(t == 200, s.truncated(), "step " + t);
        }
        assertThrows(IllegalStateException.class, () -> env.step(new float[] {0}));
        env.reset();
        assertFalse(env.step(new float[] {0}).done());
    }

    @Test
    void dmcEpisodeIs1000ControlStepsAnd500WithRepeat2() {
        Env env = new ActionRepeat(Envs.make("dmc:pendulum-swingup"), 2);
        env.reset(3);
        int steps = 0;
        Step s;
        do {
            s = env.step(new float[] {0.3f});
            steps++;
        } while (!s.done());
        assertEquals(500, steps);
        assertTrue(s.truncated() && !s.terminated());
    }

    @Test
    void actionRepeatSumsRewardsAndStopsAtTermination() {
        Env env = new ActionRepeat(Envs.make("gym:CartPole-v1"), 4);
        env.reset(0);
        assertEquals(4.0, env.step(new float[] {1}).reward());
        Step s;
        int calls = 1;
        do {
            s = env.step(new float[] {1});
            calls++;
        } while (!s.done());
        assertTrue(s.terminated());
        // the raw env terminates after N steps; the repeat wrapper paid exactly N
        Env raw = Envs.make("gym:CartPole-v1");
        raw.reset(0);
        int n = 0;
        while (!raw.step(new float[] {1}).done()) n++;
        n++;
        assertEquals((n + 3) / 4, calls);
        assertEquals(n - 4 * (calls - 1), s.reward(), 1e-12);
        // sums DMC rewards: equals the sum of the two raw steps
        Env r2 = new ActionRepeat(Envs.make("dmc:cartpole-balance"), 2);
        Env r1 = Envs.make("dmc:cartpole-balance");
        r2.reset(5);
        r1.reset(5);
        double sum = r1.step(new float[] {0.2f}).reward() + r1.step(new float[] {0.2f}).reward();
        assertEquals(sum, r2.step(new float[] {0.2f}).reward(), 1e-12);
    }

    @Test
    void normalizeActionsMapsMinusOneOneOntoTheBounds() {
        Env norm = new NormalizeActions(Envs.make("gym:Pendulum-v1"));
        Env raw = Envs.make("gym:Pendulum-v1");
        norm.reset(4);
        raw.reset(4);
        assertEquals(-1.0, norm.actionSpec().low()[0]);
        assertArrayEquals(raw.step(new float[] {1.0f}).observation().state(), norm.step(new float[] {0.5f}).observation().state());
        assertEquals(raw.step(new float[] {-2f}).reward(), norm.step(new float[] {-1f}).reward(), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new NormalizeActions(Envs.make("gym:CartPole-v1")));
    }

    @Test
    void pixelObservationsAndFrameStack() {
        Env px = new PixelObservations(Envs.make("dmc:cartpole-swingup"));
        assertEquals(64, px.observationSpec().height());
        assertFalse(px.observationSpec().hasState());
        Observation o0 = px.reset(0);
        assertNull(o0.state());
        assertEquals(64 * 64 * 3, o0.pixels().length);
        Env fs = new FrameStack(new PixelObservations(Envs.make("dmc:cartpole-swingup"), true, 64, 64, true), 3);
        assertEquals(9, fs.observationSpec().channels());
        assertEquals(15, fs.observationSpec().stateSize());
        Observation s0 = fs.reset(0);
        assertEquals(64 * 64 * 9, s0.pixels().length);
        for (int i = 0; i < 40; i++) fs.step(new float[] {1});
        Observation f1 = fs.step(new float[] {1}).observation();
        Observation f2 = fs.step(new float[] {1}).observation();
        // the newest frame of f1 is the middle frame of f2 (oldest first), pixels and state
        for (int p = 0; p < 64 * 64; p++) {
            for (int c = 0; c < 3; c++) assertEquals(f1.pixels()[p * 9 + 6 + c], f2.pixels()[p * 9 + 3 + c]);
        }
        assertArrayEquals(Arrays.copyOfRange(f1.state(), 10, 15), Arrays.copyOfRange(f2.state(), 5, 10));
        assertFalse(Arrays.equals(Arrays.copyOfRange(f2.state(), 5, 10), Arrays.copyOfRange(f2.state(), 10, 15)));
    }

    @Test
    void recorderKeepsTheEpisode() {
        Recorder rec = new Recorder(Envs.make("gym:CartPole-v1"));
        rec.reset(1);
        Step s;
        int n = 0;
        do {
            s = rec.step(new float[] {n % 3 == 0 ? 0 : 1});
            n++;
        } while (!s.done());
        Recorder.Episode ep = rec.episode();
        assertEquals(n, ep.actions().size());
        assertEquals(n + 1, ep.observations().size());
        assertEquals(n, ep.totalReward(), 1e-12);
        assertTrue(ep.terminated());
        assertArrayEquals(s.observation().state(), ep.observations().get(n).state());
    }

    @Test
    void vectorEnvAutoResetsAndMatchesSingleEnvs() {
        try (VectorEnv vec = new VectorEnv(() -> Envs.make("gym:CartPole-v1"), 3, 2)) {
            Observation[] obs = vec.reset(10);
            Env single = Envs.make("gym:CartPole-v1");
            assertArrayEquals(single.reset(11).state(), obs[1].state());
            boolean sawReset = false;
            float[][] act = {{1}, {1}, {0}};
            for (int t = 0; t < 60; t++) {
                VectorEnv.Result r = vec.step(act);
                Step s = single.step(act[1]);
                if (!sawReset) {
                    assertEquals(s.done(), r.terminated()[1] || r.truncated()[1]);
                    assertArrayEquals(s.observation().state(), r.terminated()[1] ? r.finalObservations()[1].state()
                            : r.observations()[1].state());
                }
                for (int i = 0; i < 3; i++) {
                    if (r.terminated()[i]) {
                        assertNotNull(r.finalObservations()[i]);
                        assertTrue(Math.abs(r.observations()[i].state()[0]) <= 0.05f, "fresh episode");
                        if (i == 1) sawReset = true;
                    } else {
                        assertNull(r.finalObservations()[i]);
                    }
                }
                if (s.done()) single.reset();
            }
            assertTrue(sawReset);
            assertThrows(IllegalArgumentException.class, () -> vec.step(new float[2][]));
        }
    }
}
