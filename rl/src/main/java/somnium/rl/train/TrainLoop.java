package somnium.rl.train;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import somnium.rl.replay.Episode;
import somnium.rl.replay.ReplayBuffer;
import somnium.rl.replay.Step;
import somnium.tensor.Rng;

/**
 * The data loop PlaNet and Dreamer share, written against small interfaces so that it can be tested with a
 * fake environment and learner:
 * <ol>
 *   <li>Random episodes first: {@code seedEpisodes} of them (PlaNet) or until {@code prefillSteps} environment
 *       steps (Dreamer), with uniform actions in [-1, 1].</li>
 *   <li>Then policy episodes with Gaussian exploration noise. PlaNet: {@code updatesPerEpisode} updates before
 *       each one. Dreamer: {@code trainSteps} updates whenever {@code trainEvery} environment steps have passed
 *       (checked after every agent step and at episode ends).</li>
 *   <li>At episode ends: the episode goes into the replay, one metrics record is logged (return, length,
 *       mean losses since the last record, steps/s), then an evaluation and a checkpoint if due.</li>
 * </ol>
 * {@link #requestStop()} (from any thread, e.g. a Ctrl-C hook) makes the loop stop at the next agent step or
 * update: an unfinished episode is discarded (its environment steps stay counted), a final checkpoint is
 * written, and {@link #run} returns. Episode seeds, random actions and noise all come from one {@link Rng}
 * whose position is part of {@link LoopState}, so a resumed run continues exactly.
 */
public final class TrainLoop {
    /** Saves a checkpoint for the given loop state (the trainer adds weights and replay bookkeeping). */
    @FunctionalInterface
    public interface CheckpointHook {
        void save(LoopState state) throws IOException;
    }

    /** Runs one evaluation; the default is {@link #evaluate}. */
    @FunctionalInterface
    public interface EvalHook {
        EvalResult evaluate(LoopState state) throws IOException;
    }

    private final LoopSchedule schedule;
    private final EnvLike env;
    private final Policy policy;
    private final Updater updater;
    private final ReplayBuffer replay;
    private final MetricsLog metrics;
    private final CheckpointHook checkpoint;
    private EvalHook eval;
    private volatile boolean stop;

    private LoopState state;
    private Rng rng;
    private final Map<String, double[]> lossSums = new LinkedHashMap<>(); // name -> {sum, count}
    private final Map<String, Double> latest = new LinkedHashMap<>();

    public TrainLoop(LoopSchedule schedule, EnvLike env, Policy policy, Updater updater, ReplayBuffer replay,
                     MetricsLog metrics, CheckpointHook checkpoint, LoopState start) {
        this.schedule = schedule;
        this.env = env;
        this.policy = policy;
        this.updater = updater;
        this.replay = replay;
        this.metrics = metrics;
        this.checkpoint = checkpoint;
        this.state = start;
        this.rng = new Rng(start.rngSeed(), start.rngOffset());
    }

    /** Evaluation with a separate env: {@code evalEpisodes} episodes of {@code policy} without noise. */
    public TrainLoop withEvaluation(EnvLike evalEnv, Policy evalPolicy) {
        this.eval = s -> evaluate(evalEnv, evalPolicy, schedule.evalEpisodes(), evalSeed(s.rngSeed(), s.evaluations()), null);
        return this;
    }

    public TrainLoop withEvaluation(EvalHook hook) {
        this.eval = hook;
        return this;
    }

    public void requestStop() { stop = true; }
    public boolean stopRequested() { return stop; }

    /** The current state (with the Rng position folded in). */
    public LoopState state() {
        LoopState s = state;
        return new LoopState(s.envSteps(), s.episodes(), s.updates(), s.pendingUpdates(), s.nextTrainAt(), s.nextEvalAt(),
                s.nextCheckpointAt(), s.evaluations(), rng.seed(), rng.offset());
    }

    /** The newest logged scalars. */
    public Map<String, Double> latest() { return Map.copyOf(latest); }

    private boolean randomPhase() {
        return state.episodes() < schedule.seedEpisodes() || state.envSteps() < schedule.prefillSteps();
    }

    /** Runs until {@code totalSteps} or a stop request; returns the final state (also checkpointed). */
    public LoopState run(ProgressSink progress) throws IOException {
        long t0 = System.nanoTime(), steps0 = state.envSteps();
        progress.start(state.envSteps(), schedule.totalSteps());
        while (!stop && state.envSteps() < schedule.totalSteps()) {
            boolean random = randomPhase();
            if (!drainUpdates()) break;
            if (!random && schedule.updatesPerEpisode() > 0) {
                state = with(state, s -> s.pending = s.pending + schedule.updatesPerEpisode());
                if (!drainUpdates()) break;
            }
            Episode ep = collect(random);
            if (ep == null) break; // stopped mid-episode
            replay.add(ep);
            state = with(state, s -> s.episodes++);
            if (!random || schedule.trainEvery() > 0) trainIfDue();
            double secs = (System.nanoTime() - t0) / 1e9;
            Map<String, Double> rec = new LinkedHashMap<>();
            rec.put("train/return", ep.totalReward());
            rec.put("train/length", (double) (ep.length() - 1));
            rec.put("episodes", (double) state.episodes());
            rec.put("updates", (double) state.updates());
            rec.put("replay_steps", (double) replay.steps());
            for (Map.Entry<String, double[]> e : lossSums.entrySet()) rec.put(e.getKey(), e.getValue()[0] / e.getValue()[1]);
            lossSums.clear();
            rec.put("fps", secs > 0 ? (state.envSteps() - steps0) / secs : 0.0);
            log(rec);
            progress.update(state.envSteps(), latest());
            if (eval != null && schedule.evalEpisodes() > 0 && state.envSteps() >= state.nextEvalAt()) {
                EvalResult r = eval.evaluate(state());
                long next = state.nextEvalAt();
                while (next <= state.envSteps()) next += schedule.evalEvery();
                long nextEval = next;
                state = with(state, s -> { s.nextEvalAt = nextEval; s.evaluations++; });
                log(Map.of("eval/return", r.mean(), "eval/return_std", r.std()));
                progress.update(state.envSteps(), latest());
            }
            if (state.envSteps() >= state.nextCheckpointAt() && state.envSteps() < schedule.totalSteps()) {
                long next = state.nextCheckpointAt();
                while (next <= state.envSteps()) next += schedule.checkpointEvery();
                long nextCk = next;
                state = with(state, s -> s.nextCheckpointAt = nextCk);
                checkpoint.save(state());
                progress.message("checkpoint at " + state.envSteps() + " env steps");
            }
        }
        checkpoint.save(state());
        progress.message((stop ? "stopped; " : "done; ") + "checkpoint at " + state.envSteps() + " env steps");
        return state();
    }

    private void log(Map<String, Double> rec) throws IOException {
        latest.putAll(rec);
        if (metrics != null) metrics.log(state.envSteps(), rec);
    }

    /** Adds a burst if Dreamer's cadence is due, then drains it. */
    private void trainIfDue() {
        if (schedule.trainEvery() <= 0 || randomPhase() || state.envSteps() < state.nextTrainAt()) return;
        long next = state.nextTrainAt();
        while (next <= state.envSteps()) next += schedule.trainEvery();
        long nextTrain = next;
        state = with(state, s -> { s.nextTrainAt = nextTrain; s.pending += schedule.trainSteps(); });
        drainUpdates();
    }

    /** Runs the owed updates; false if a stop request interrupted them. */
    private boolean drainUpdates() {
        while (state.pendingUpdates() > 0) {
            if (stop) return false;
            Map<String, Double> out = updater.update();
            for (Map.Entry<String, Double> e : out.entrySet()) {
                double[] acc = lossSums.computeIfAbsent(e.getKey(), k -> new double[2]);
                acc[0] += e.getValue();
                acc[1]++;
            }
            state = with(state, s -> { s.updates++; s.pending--; });
        }
        return !stop;
    }

    /** One episode; null if a stop request cut it. */
    private Episode collect(boolean random) {
        List<Step> steps = new ArrayList<>();
        Step s = env.reset(rng.nextLong());
        steps.add(s);
        policy.reset();
        while (!s.isLast()) {
            if (stop) return null;
            float[] a = random ? randomAction() : noisy(policy.act(s, true));
            s = env.step(a);
            steps.add(s);
            state = with(state, st -> st.envSteps += schedule.actionRepeat());
            if (!random) {
                trainIfDue();
                if (stop) return null;
            }
        }
        return Episode.of(steps);
    }

    private float[] randomAction() {
        float[] a = new float[env.actionDim()];
        for (int i = 0; i < a.length; i++) a[i] = (float) (rng.nextDouble() * 2 - 1);
        return a;
    }

    private float[] noisy(float[] a) {
        if (a.length != env.actionDim()) throw new IllegalStateException("policy returned " + a.length + " actions, the env takes " + env.actionDim());
        if (schedule.explNoise() <= 0) return a;
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = (float) Math.max(-1, Math.min(1, a[i] + schedule.explNoise() * gaussian(rng)));
        return out;
    }

    /** A standard normal from two uniforms (Box-Muller). */
    static double gaussian(Rng rng) {
        double u1 = rng.nextDouble(), u2 = rng.nextDouble();
        return Math.sqrt(-2 * Math.log1p(-u1)) * Math.cos(2 * Math.PI * u2);
    }

    /** Seeds for evaluation episodes: a stream apart from training's, numbered by evaluation. */
    public static Rng evalSeed(long runSeed, long evaluation) {
        return new Rng(runSeed ^ 0x5DEECE66DL * 31 + 0x9E3779B97F4A7C15L, evaluation * 1024);
    }

    /**
     * Runs {@code episodes} episodes of {@code policy} without exploration; episode seeds come from {@code seeds}.
     * {@code frames}, if not null, receives every step (e.g. to record a GIF).
     */
    public static EvalResult evaluate(EnvLike env, Policy policy, int episodes, Rng seeds, Consumer<Step> frames) {
        List<Double> returns = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (int e = 0; e < episodes; e++) {
            Step s = env.reset(seeds.nextLong());
            if (frames != null) frames.accept(s);
            policy.reset();
            double ret = 0;
            int n = 0;
            while (!s.isLast()) {
                s = env.step(policy.act(s, false));
                if (frames != null) frames.accept(s);
                ret += s.reward();
                n++;
            }
            returns.add(ret);
            lengths.add(n);
        }
        return new EvalResult(returns, lengths);
    }

    // --- small mutable view to update the immutable state record readably
    private static final class M {
        long envSteps, episodes, updates, pending, nextTrainAt, nextEvalAt, nextCheckpointAt, evaluations;
    }

    private static LoopState with(LoopState s, Consumer<M> f) {
        M m = new M();
        m.envSteps = s.envSteps();
        m.episodes = s.episodes();
        m.updates = s.updates();
        m.pending = s.pendingUpdates();
        m.nextTrainAt = s.nextTrainAt();
        m.nextEvalAt = s.nextEvalAt();
        m.nextCheckpointAt = s.nextCheckpointAt();
        m.evaluations = s.evaluations();
        f.accept(m);
        return new LoopState(m.envSteps, m.episodes, m.updates, m.pending, m.nextTrainAt, m.nextEvalAt, m.nextCheckpointAt,
                m.evaluations, s.rngSeed(), s.rngOffset());
    }
}
