package somnium.rl.planet;

import static org.junit.jupiter.api.Assertions.*;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import picocli.CommandLine;
import somnium.rl.cli.Main;
import somnium.rl.env.BuiltinEnvCatalog;
import somnium.rl.replay.Batch;
import somnium.rl.replay.Step;
import somnium.rl.train.AlgorithmRegistry;
import somnium.rl.world.Fixtures;
import somnium.rl.world.WorldModel;
import somnium.tensor.Rng;

/** Bad inputs fail early with messages that say what is wrong. */
class PlaNetErrorsTest {
    static PlaNetConfig withImages(boolean images) {
        PlaNetConfig s = PlaNetConfig.presets().get("small");
        return new PlaNetConfig(s.actionRepeat(), s.steps(), s.seedEpisodes(), s.collectInterval(), s.batchSize(), s.batchLength(),
                s.maxEpisodeLength(), s.replayCapacity(), images, s.deter(), s.stoch(), s.hidden(), s.embed(), s.cnnDepth(), s.activation(),
                s.freeNats(), s.rewardScale(), s.overshooting(), s.overshootingKlBeta(), s.globalKlBeta(), s.modelLr(), s.adamEps(), s.gradClip(),
                s.bitDepth(), s.planHorizon(), s.optimisationIters(), s.candidates(), s.topCandidates(), s.explNoise(), s.evalEvery(),
                s.evalEpisodes(), s.checkpointEvery());
    }

    @Test
    void pixelModelGivenAStateOnlyBatch() {
        WorldModel pixels = new WorldModel(PlaNet.spec(withImages(true), 0, 1), new Rng(1));
        Batch states = Fixtures.randomBatch(2, 3, 3, 1, 1);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> pixels.loss(states, new Rng(2)));
        assertTrue(e.getMessage().contains("asks for images but the batch has none"), e.getMessage());
        // and the planner's belief update, given a step without a frame
        Step noFrame = Step.first(new float[] {0, 1, 2}, null, 1);
        e = assertThrows(IllegalArgumentException.class, () -> PlaNet.observe(pixels, null, noFrame, new Rng(3)));
        assertTrue(e.getMessage().contains("reads images but the step has none"), e.getMessage());
    }

    @Test
    void stateModelGivenTheWrongStateSize() {
        WorldModel m = new WorldModel(PlaNet.spec(withImages(false), 3, 1), new Rng(1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> m.loss(Fixtures.randomBatch(2, 3, 5, 1, 1), new Rng(2)));
        assertTrue(e.getMessage().contains("obs_dim 3"), e.getMessage());
    }

    @Test
    void cemAndConfigRejectMoreElitesThanCandidates() {
        assertThrows(IllegalArgumentException.class, () -> new Cem.Settings(12, 10, 100, 101));
        PlaNetConfig s = withImages(false);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new PlaNetConfig(s.actionRepeat(), s.steps(), s.seedEpisodes(),
                s.collectInterval(), s.batchSize(), s.batchLength(), s.maxEpisodeLength(), s.replayCapacity(), false, s.deter(), s.stoch(), s.hidden(),
                s.embed(), s.cnnDepth(), s.activation(), s.freeNats(), s.rewardScale(), s.overshooting(), s.overshootingKlBeta(), s.globalKlBeta(),
                s.modelLr(), s.adamEps(), s.gradClip(), s.bitDepth(), s.planHorizon(), s.optimisationIters(), 50, 60, s.explNoise(), s.evalEvery(),
                s.evalEpisodes(), s.checkpointEvery()));
        assertTrue(e.getMessage().contains("top_candidates (60) must be <= candidates (50)"), e.getMessage());
    }

    @Test
    void unknownEnvThroughTheCliListsTheKnownOnes(@TempDir Path dir) {
        CommandLine cl = Main.commandLine(new Main(new AlgorithmRegistry().register(new PlaNet()), new BuiltinEnvCatalog()));
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute("train", "planet", "--env", "dmc:cartpole-swingupp", "--run-dir", dir.resolve("run").toString(), "--no-progress");
        assertEquals(2, code, err.toString());
        String msg = err.toString();
        assertTrue(msg.contains("unknown environment 'dmc:cartpole-swingupp'; known environments: "), msg);
        for (String id : new String[] {"dmc:cartpole-swingup", "dmc:walker-walk", "gym:Pendulum-v1"})
            if (new BuiltinEnvCatalog().ids().contains(id)) assertTrue(msg.contains(id), id + " listed: " + msg);
        assertTrue(msg.contains("gym:Pendulum-v1") && msg.contains("dmc:cartpole-swingup"), msg);
        assertFalse(msg.contains("gym:CartPole-v1"), "discrete-action envs are not offered to PlaNet: " + msg);
        assertFalse(Files.exists(dir.resolve("run")), "no run directory for a failed start");
    }
}
