package somnium.rl.train;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import somnium.rl.replay.ReplayBuffer;
import somnium.tensor.Rng;

/**
 * A {@link Trainer} built on {@link TrainLoop}: it owns the environments, the replay (saved under the run's
 * {@code episodes/}), the loop state, checkpoints, plots and evaluation. An algorithm extends it and supplies
 * only its parts: schedule, env options, model building, policy, updater, and its weights as checkpoint parts.
 *
 * <p>Checkpoint state blob: {@code {"loop": LoopState, "replay": ReplayBuffer.State, "rngs": {name: offset},
 * "algorithm": extraState()}}.
 */
public abstract class LoopTrainer implements Trainer {
    private static final ObjectMapper JSON = new ObjectMapper();

    protected final RunContext ctx;
    private final LoopConfig config;
    private EnvLike env, evalEnv;
    private ReplayBuffer replay;
    private LoopState state;
    private TrainLoop loop;
    private Checkpoint loaded;
    private volatile boolean stopRequested;
    private final Map<String, Rng> rngs = new LinkedHashMap<>();

    protected LoopTrainer(RunContext ctx, LoopConfig config) {
        this.ctx = ctx;
        this.config = config;
    }

    // ---- what an algorithm supplies -------------------------------------------------------------------

    /** The loop cadence, from the config. */
    protected LoopSchedule schedule() {
        return config.schedule();
    }

    /** How to build the environment, from the config. */
    protected EnvOptions envOptions() {
        return config.envOptions();
    }

    /** Replay capacity in steps, from the config. */
    protected long replayCapacity() {
        return config.replayCapacity();
    }

    /**
     * Builds the model, optimizer, policy and updater. Called once, before training, evaluation or
     * restoring weights. {@code actionDim} comes from the env; the replay is the one the loop fills.
     */
    protected abstract void build(int actionDim, ReplayBuffer replay);

    /** The acting policy (after {@link #build}). */
    protected abstract Policy policy();

    /** The learner (after {@link #build}). */
    protected abstract Updater updater();

    /** The binary checkpoint parts, e.g. {@code "model.safetensors" -> writer}. */
    protected abstract Map<String, Checkpointer.Part> parts();

    /** Reads back what {@link #parts()} wrote (after {@link #build}). */
    protected abstract void restoreParts(Checkpoint checkpoint) throws IOException;

    /**
     * A named random stream of this run, seeded from the run's seed and the name. Its position is saved in every
     * checkpoint and restored on resume, so a resumed run draws the numbers an uninterrupted one would.
     */
    protected final Rng rng(String name) {
        return rngs.computeIfAbsent(name, n -> new Rng(ctx.seed() * 0x9E3779B97F4A7C15L + n.hashCode()));
    }

    /** The size of the state vector the run's environment gives (0 when it gives none), read from one reset. */
    protected final int observationSize() {
        try (EnvLike probe = ctx.makeEnv(envOptions())) {
            somnium.rl.replay.Step first = probe.reset(0);
            return first.state() == null ? 0 : first.state().length;
        }
    }

    /** Algorithm state for the JSON blob (e.g. the learner's Rng seed and offset); Jackson-serializable. */
    protected Object extraState() {
        return Map.of();
    }

    /** Reads back {@link #extraState()}. */
    protected void restoreExtraState(JsonNode node) {}

    /** Called after each evaluation, e.g. to write an open-loop video into {@code ctx.runDir().videos()}. */
    protected void afterEvaluation(LoopState state, EvalResult result) throws IOException {}

    // ---- Trainer ---------------------------------------------------------------------------------------

    private void ensureBuilt() throws IOException {
        if (env != null) return;
        LoopSchedule s = schedule();
        if (loaded != null) {
            JsonNode blob = loaded.state();
            state = JSON.treeToValue(need(blob, "loop"), LoopState.class);
            ReplayBuffer.State rs = JSON.treeToValue(need(blob, "replay"), ReplayBuffer.State.class);
            replay = ReplayBuffer.restore(replayCapacity(), ctx.runDir().episodes(), rs);
        } else {
            state = LoopState.initial(s, ctx.seed());
            replay = new ReplayBuffer(replayCapacity(), ctx.runDir().episodes());
        }
        env = ctx.makeEnv(envOptions());
        evalEnv = ctx.makeEnv(envOptions());
        build(env.actionDim(), replay);
        if (loaded != null) {
            restoreParts(loaded);
            loaded.state().path("rngs").fields().forEachRemaining(e -> rng(e.getKey()).seek(e.getValue().asLong()));
            restoreExtraState(loaded.state().path("algorithm"));
        }
    }

    private JsonNode need(JsonNode blob, String key) throws CheckpointException {
        JsonNode n = blob.get(key);
        if (n == null) throw new CheckpointException(loaded.dir().resolve(Checkpointer.STATE), "has no '" + key + "' entry");
        return n;
    }

    @Override
    public void load(Checkpoint checkpoint) throws IOException {
        if (env != null) throw new IllegalStateException("load() must come before train() or evaluate()");
        loaded = checkpoint;
    }

    @Override
    public void train(ProgressSink progress) throws IOException {
        ensureBuilt();
        if (ctx.metrics() != null) ctx.metrics().truncateAfter(state.envSteps());
        loop = new TrainLoop(schedule(), env, policy(), updater(), replay, ctx.metrics(), this::checkpoint, state)
                .withEvaluation(st -> {
                    EvalResult r = TrainLoop.evaluate(evalEnv, policy(), schedule().evalEpisodes(), TrainLoop.evalSeed(ctx.seed(), st.evaluations()), null);
                    afterEvaluation(st, r);
                    return r;
                });
        if (stopRequested) loop.requestStop();
        state = loop.run(progress);
        writePlots();
    }

    @Override
    public void requestStop() {
        stopRequested = true;
        TrainLoop l = loop;
        if (l != null) l.requestStop();
    }

    private void checkpoint(LoopState s) throws IOException {
        ctx.checkpointer().save(s.envSteps(), parts(), blob(s));
        writePlots();
    }

    private Map<String, Object> blob(LoopState s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loop", s);
        m.put("replay", replay.state());
        Map<String, Long> offsets = new LinkedHashMap<>();
        rngs.forEach((k, r) -> offsets.put(k, r.offset()));
        m.put("rngs", offsets);
        m.put("algorithm", extraState());
        return m;
    }

    private void writePlots() {
        try {
            Plots.write(ctx.runDir().metrics(), ctx.runDir().plots());
        } catch (IOException | RuntimeException | LinkageError e) { // a plot must never stop a training run
            System.err.println("warning: could not write plots: " + e);
        }
    }

    @Override
    public void save(Checkpointer checkpointer) throws IOException {
        ensureBuilt();
        LoopState s = loop != null ? loop.state() : state;
        checkpointer.save(s.envSteps(), parts(), blob(s));
    }

    @Override
    public EvalResult evaluate(int episodes, Path gif) throws IOException {
        ensureBuilt();
        List<byte[]> frames = new ArrayList<>();
        boolean[] firstDone = {false};
        // A state-based agent still gets a video: evaluate in a copy of its env that also renders frames (the
        // state vector stays in every step, so the policy sees exactly what it was trained on).
        EnvOptions o = envOptions();
        EnvLike env = gif != null && !o.images() ? ctx.makeEnv(new EnvOptions(o.actionRepeat(), true, o.maxEpisodeSteps())) : evalEnv;
        try {
            EvalResult r = TrainLoop.evaluate(env, policy(), episodes, new Rng(ctx.seed() ^ 0x6A09E667F3BCC909L), step -> {
                if (gif != null && !firstDone[0] && step.image() != null) frames.add(step.image());
                if (step.isLast()) firstDone[0] = true;
            });
            if (gif != null) {
                if (frames.isEmpty()) throw new IllegalStateException("cannot write " + gif + ": the environment renders no images");
                VideoWriter.writeEpisode(gif, frames, 50, 2);
            }
            return r;
        } finally {
            if (env != evalEnv) env.close();
        }
    }

    /** The current loop state (after {@link #train} or {@link #load}). */
    public LoopState loopState() {
        return loop != null ? loop.state() : state;
    }

    protected ReplayBuffer replay() {
        return replay;
    }
}
