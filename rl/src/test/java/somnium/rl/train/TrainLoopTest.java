package somnium.rl.train;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import somnium.rl.replay.ReplayBuffer;
import somnium.rl.replay.Step;

class TrainLoopTest {
    /** Records the order of events: "U" for an update, "A" for a policy action. */
    static final class Recorder implements Policy, Updater {
        final List<String> events = new ArrayList<>();
        int updates, acts, resets;
        Runnable onUpdate = () -> {};

        @Override public void reset() { resets++; }

        @Override
        public float[] act(Step obs, boolean explore) {
            acts++;
            events.add("A");
            return new float[]{0.5f, -0.5f};
        }

        @Override
        public Map<String, Double> update() {
            updates++;
            events.add("U");
            onUpdate.run();
            return Map.of("model_loss", (double) updates);
        }
    }

    // 10 agent steps per episode, action repeat 2: 20 env steps per episode
    static final LoopSchedule PLANET = LoopSchedule.planet(200, 2, 2, 3, 0.1, 50, 2, 50);
    static final LoopSchedule DREAMER = LoopSchedule.dreamer(100, 2, 40, 10, 2, 0.0, 0, 0, 0);

    @Test
    void planetCadenceSeedEpisodesThenCUpdatesPerEpisode(@TempDir Path dir) throws IOException {
        Recorder r = new Recorder();
        List<Long> saves = new ArrayList<>(), evals = new ArrayList<>();
        ReplayBuffer replay = new ReplayBuffer(10_000);
        TrainLoop loop = new TrainLoop(PLANET, new FakeEnv(10, false), r, r, replay, new MetricsLog(dir.resolve("m.jsonl")),
                s -> saves.add(s.envSteps()), LoopState.initial(PLANET, 1))
                .withEvaluation(s -> { evals.add(s.envSteps()); return new EvalResult(List.of(1.0, 3.0), List.of(10, 10)); });
        LoopState end = loop.run(ProgressSink.NONE);
        assertEquals(200, end.envSteps());
        assertEquals(10, end.episodes());
        assertEquals(10, replay.episodeCount());
        assertEquals(8 * 3, r.updates, "C = 3 updates before each of the 8 policy episodes");
        assertEquals(80, r.acts, "the policy acts only in policy episodes");
        String ev = String.join("", r.events);
        assertEquals("UUU" + "A".repeat(10), ev.substring(0, 13), "no update during the 2 seed episodes");
        assertEquals(("UUU" + "A".repeat(10)).repeat(8), ev);
        assertEquals(List.of(60L, 100L, 160L, 200L), evals, "evaluation at the first episode end past each 50 steps");
        assertEquals(List.of(60L, 100L, 160L, 200L), saves, "checkpoints likewise, plus the final one");
        assertEquals(4, end.evaluations());
        List<MetricsLog.Record> recs = MetricsLog.read(dir.resolve("m.jsonl"));
        assertEquals(10 + 4, recs.size());
        assertEquals(2.0, recs.stream().filter(x -> x.scalars().containsKey("eval/return")).findFirst().orElseThrow().scalars().get("eval/return"));
        MetricsLog.Record last = recs.get(recs.size() - 2);
        assertEquals(200, last.step());
        assertEquals((22 + 23 + 24) / 3.0, last.scalars().get("model_loss"), 1e-12, "mean of the losses since the last record");
    }

    @Test
    void dreamerCadenceTrainEveryAfterPrefill() throws IOException {
        Recorder r = new Recorder();
        List<Long> atUpdate = new ArrayList<>();
        ReplayBuffer replay = new ReplayBuffer(10_000);
        TrainLoop[] loop = new TrainLoop[1];
        r.onUpdate = () -> atUpdate.add(loop[0].state().envSteps());
        loop[0] = new TrainLoop(DREAMER, new FakeEnv(10, false), r, r, replay, null, s -> {}, LoopState.initial(DREAMER, 1));
        LoopState end = loop[0].run(ProgressSink.NONE);
        assertEquals(100, end.envSteps());
        assertEquals(5, end.episodes());
        assertEquals(List.of(40L, 40L, 50L, 50L, 60L, 60L, 70L, 70L, 80L, 80L, 90L, 90L, 100L, 100L), atUpdate,
                "2 updates every 10 env steps from the end of the 40-step prefill");
        assertEquals(30, r.acts, "3 policy episodes of 10 steps");
    }

    /** Runs with a directory replay; optionally stops after the checkpoint at {@code stopAt}; returns the env's log. */
    static final class Run {
        final FakeEnv env = new FakeEnv(10, false);
        final Recorder rec = new Recorder();
        ReplayBuffer replay;
        LoopState saved;
        LoopState end;
    }

    Run run(Path dir, LoopState start, ReplayBuffer replay, long stopAt) throws IOException {
        Run run = new Run();
        run.replay = replay;
        TrainLoop[] loop = new TrainLoop[1];
        loop[0] = new TrainLoop(PLANET, run.env, run.rec, run.rec, replay, null, s -> {
            run.saved = s;
            if (s.envSteps() >= stopAt) loop[0].requestStop();
        }, start);
        run.end = loop[0].run(ProgressSink.NONE);
        return run;
    }

    @Test
    void resumeContinuesExactly(@TempDir Path dir) throws IOException {
        Run full = run(dir.resolve("a"), LoopState.initial(PLANET, 9), new ReplayBuffer(10_000, dir.resolve("a")), Long.MAX_VALUE);
        Run first = run(dir.resolve("b"), LoopState.initial(PLANET, 9), new ReplayBuffer(10_000, dir.resolve("b")), 100);
        assertEquals(100, first.end.envSteps(), "stopped after the checkpoint at 100");
        assertEquals(first.end, first.saved, "a final checkpoint of the stopped state");
        ReplayBuffer restored = ReplayBuffer.restore(10_000, dir.resolve("b"), first.replay.state());
        Run second = run(dir.resolve("b"), first.saved, restored, Long.MAX_VALUE);
        assertEquals(full.end, second.end, "same counters, pending updates and Rng position");
        List<String> joined = new ArrayList<>(first.env.log);
        joined.addAll(second.env.log);
        assertEquals(full.env.log, joined, "same episode seeds and actions (random, noise) in the same order");
        assertEquals(full.rec.updates, first.rec.updates + second.rec.updates);
        assertEquals(full.replay.ids(), second.replay.ids());
        for (int i = 0; i < full.replay.episodeCount(); i++)
            assertTrue(full.replay.episodes().get(i).contentEquals(second.replay.episodes().get(i)));
    }

    @Test
    void stopMidEpisodeDropsItButCountsItsSteps() throws IOException {
        Recorder r = new Recorder();
        ReplayBuffer replay = new ReplayBuffer(10_000);
        List<LoopState> saves = new ArrayList<>();
        TrainLoop[] loop = new TrainLoop[1];
        Policy stopper = new Policy() {
            @Override public void reset() {}
            @Override public float[] act(Step obs, boolean explore) {
                if (obs.state()[1] == 4) loop[0].requestStop();
                return new float[]{0, 0};
            }
        };
        loop[0] = new TrainLoop(PLANET, new FakeEnv(10, false), stopper, r, replay, null, saves::add, LoopState.initial(PLANET, 3));
        LoopState end = loop[0].run(ProgressSink.NONE);
        assertEquals(2, end.episodes(), "only the seed episodes were completed");
        assertEquals(2, replay.episodeCount());
        assertEquals(40 + 10, end.envSteps(), "the 5 agent steps of the cut episode stay counted");
        assertEquals(List.of(end), saves, "one final checkpoint");
        assertEquals(3, end.updates());
    }

    @Test
    void stopDuringUpdatesKeepsThePendingOnes() throws IOException {
        Recorder r = new Recorder();
        TrainLoop[] loop = new TrainLoop[1];
        r.onUpdate = () -> { if (r.updates == 2) loop[0].requestStop(); };
        loop[0] = new TrainLoop(PLANET, new FakeEnv(10, false), r, r, new ReplayBuffer(1000), null, s -> {}, LoopState.initial(PLANET, 3));
        LoopState end = loop[0].run(ProgressSink.NONE);
        assertEquals(2, end.updates());
        assertEquals(1, end.pendingUpdates(), "the third update of the burst is still owed");
    }

    @Test
    void evaluateRunsEpisodesWithoutExploration() {
        Recorder r = new Recorder();
        List<Step> frames = new ArrayList<>();
        EvalResult res = TrainLoop.evaluate(new FakeEnv(10, true), r, 3, new somnium.tensor.Rng(1), frames::add);
        assertEquals(3, res.episodes());
        assertEquals(5.0, res.mean(), 1e-6, "10 steps x reward 0.5");
        assertEquals(List.of(10, 10, 10), res.lengths());
        assertEquals(33, frames.size());
        assertEquals(3, r.resets);
    }
}
