package somnium.rl.planet;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import somnium.autograd.NoGrad;
import somnium.autograd.Var;
import somnium.autograd.nn.Activation;
import somnium.autograd.optim.Adam;
import somnium.autograd.optim.GradClip;
import somnium.rl.replay.Batch;
import somnium.rl.replay.ReplayBuffer;
import somnium.rl.replay.Step;
import somnium.rl.train.Algorithm;
import somnium.rl.train.Checkpoint;
import somnium.rl.train.Checkpointer;
import somnium.rl.train.EvalResult;
import somnium.rl.train.LoopState;
import somnium.rl.train.LoopTrainer;
import somnium.rl.train.Policy;
import somnium.rl.train.RunContext;
import somnium.rl.train.Trainer;
import somnium.rl.train.Updater;
import somnium.rl.train.VideoWriter;
import somnium.rl.world.Rssm;
import somnium.rl.world.Weights;
import somnium.rl.world.WorldModel;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;
import somnium.tensor.TensorScope;

/**
 * PlaNet (Hafner et al. 2019, "Learning Latent Dynamics for Planning from Pixels"): learn the RSSM world
 * model from replayed sequences, act by CEM planning in its latent space, replanning at every step.
 *
 * <p>Reads top to bottom: {@link #create} builds a {@link PlaNetTrainer}; the trainer builds the
 * {@link WorldModel} and Adam, its {@link Learner} does one gradient step on a sampled batch, and its
 * {@link Planner} filters the belief with each real observation and plans with {@link Cem}. The data
 * loop (seed episodes, C updates per collected episode, exploration noise) is {@link LoopTrainer}'s.
 */
public final class PlaNet implements Algorithm<PlaNetConfig> {
    @Override
    public String name() {
        return "planet";
    }

    @Override
    public String description() {
        return "PlaNet: RSSM world model + CEM planning (Hafner et al. 2019)";
    }

    @Override
    public Class<PlaNetConfig> configType() {
        return PlaNetConfig.class;
    }

    @Override
    public Map<String, PlaNetConfig> presets() {
        return PlaNetConfig.presets();
    }

    @Override
    public String defaultPreset(String envId) {
        return PlaNetConfig.presetFor(envId);
    }

    @Override
    public Trainer create(RunContext ctx) {
        return new PlaNetTrainer(ctx, ctx.config(PlaNetConfig.class));
    }

    /** The world model spec of a config, for an environment with these observation and action sizes. */
    public static WorldModel.Spec spec(PlaNetConfig c, int obsDim, int actionDim) {
        return new WorldModel.Spec(obsDim, c.useImages(), actionDim, c.deter(), c.stoch(), c.hidden(), c.embed(), 2, c.cnnDepth(),
                Activation.parse(c.activation()), 0.1, c.freeNats(), true, 1.0, c.rewardScale(), c.overshooting(),
                c.overshootingKlBeta(), c.bitDepth(), c.globalKlBeta());
    }

    /** One PlaNet run. */
    public static final class PlaNetTrainer extends LoopTrainer {
        private final PlaNetConfig cfg;
        private WorldModel model;
        private Adam optimizer;
        private Learner learner;
        private Planner planner;

        PlaNetTrainer(RunContext ctx, PlaNetConfig cfg) {
            super(ctx, cfg);
            this.cfg = cfg;
        }

        @Override
        protected void build(int actionDim, ReplayBuffer replay) {
            model = new WorldModel(spec(cfg, observationSize(), actionDim), rng("init"));
            optimizer = new Adam(model.namedParameters(), cfg.modelLr(), cfg.adamEps());
            learner = new Learner(model, optimizer, replay, cfg, rng("learn"));
            planner = new Planner(model, new Cem.Settings(cfg.planHorizon(), cfg.optimisationIters(), cfg.candidates(), cfg.topCandidates()), rng("act"));
        }

        @Override
        protected Policy policy() {
            return planner;
        }

        @Override
        protected Updater updater() {
            return learner;
        }

        public WorldModel model() {
            return model;
        }

        @Override
        protected Map<String, Checkpointer.Part> parts() {
            Map<String, Checkpointer.Part> p = new LinkedHashMap<>();
            p.put("model.safetensors", Weights.of(model));
            p.put("optimizer.safetensors", Weights.of(optimizer));
            return p;
        }

        @Override
        protected void restoreParts(Checkpoint checkpoint) throws IOException {
            Weights.restore(checkpoint, "model.safetensors", model);
            Weights.restore(checkpoint, "optimizer.safetensors", optimizer);
        }

        @Override
        protected void afterEvaluation(LoopState state, EvalResult result) throws IOException {
            if (!cfg.useImages() || replay().steps() < cfg.batchLength()) return;
            Path file = ctx.runDir().videos().resolve(String.format("openloop-%09d.gif", state.envSteps()));
            somnium.rl.world.OpenLoop.write(model, replay(), Math.min(cfg.batchLength(), 50), 5, new Rng(state.envSteps()), file);
        }
    }

    /** One gradient step of the world model on a replayed batch (the Updater of the loop). */
    static final class Learner implements Updater {
        private final WorldModel model;
        private final Adam optimizer;
        private final ReplayBuffer replay;
        private final PlaNetConfig cfg;
        private final Rng rng;

        Learner(WorldModel model, Adam optimizer, ReplayBuffer replay, PlaNetConfig cfg, Rng rng) {
            this.model = model;
            this.optimizer = optimizer;
            this.replay = replay;
            this.cfg = cfg;
            this.rng = rng;
        }

        @Override
        public Map<String, Double> update() {
            Batch batch = replay.sample(cfg.batchSize(), cfg.batchLength(), rng);
            try (TensorScope scope = TensorScope.open()) {
                WorldModel.Loss loss = model.loss(batch, rng);
                optimizer.zeroGrad();
                loss.total().backward();
                double norm = GradClip.clipGradNorm(optimizer.parameters(), cfg.gradClip());
                optimizer.step();
                Map<String, Double> m = new LinkedHashMap<>(loss.metrics());
                m.put("grad_norm", norm);
                return m;
            }
        }
    }

    /** The acting policy: filter the belief with each observation, then plan with CEM. */
    static final class Planner implements Policy {
        private final WorldModel model;
        private final Cem.Model cemModel;
        private final Cem.Settings settings;
        private final Rng rng;
        private Rssm.State belief;

        Planner(WorldModel model, Cem.Settings settings, Rng rng) {
            this.model = model;
            this.cemModel = Cem.Model.of(model);
            this.settings = settings;
            this.rng = rng;
        }

        @Override
        public void reset() {
            belief = null;
        }

        @Override
        public float[] act(Step observation, boolean explore) {
            try (NoGrad ng = NoGrad.open()) {
                belief = observe(model, belief, observation, rng);
                return Cem.plan(cemModel, belief, settings, rng);
            }
        }
    }

    /**
     * Updates a belief (batch 1) with a real step: the step's action is the one that led to its
     * observation (zero at an episode's first step, where the belief starts from zero).
     */
    public static Rssm.State observe(WorldModel model, Rssm.State belief, Step step, Rng rng) {
        Rssm.State prev = belief == null ? model.rssm.initial(1) : belief;
        Tensor obs = singleObservation(model, step, rng);
        Var embed = model.embed(Var.constant(obs));
        Var action = Var.constant(Tensor.of(step.action(), 1, step.action().length).to(model.device()));
        return model.rssm.observe(prev, action, embed, rng).posterior().detach();
    }

    /** A step's observation as a batch of one, preprocessed like the training data. */
    static Tensor singleObservation(WorldModel model, Step step, Rng rng) {
        if (model.spec.useImages()) {
            byte[] img = step.image();
            if (img == null) throw new IllegalArgumentException("PlaNet: the model reads images but the step has none");
            float[] chw = new float[img.length];
            int hw = Step.IMAGE_SIZE * Step.IMAGE_SIZE;
            for (int p = 0; p < hw; p++)
                for (int c = 0; c < 3; c++) chw[c * hw + p] = ReplayBuffer.toFloat(img[p * 3 + c]);
            return model.preprocess(Tensor.of(chw, 1, 3, Step.IMAGE_SIZE, Step.IMAGE_SIZE).to(model.device()), rng);
        }
        if (step.state() == null) throw new IllegalArgumentException("PlaNet: the model reads states but the step has none");
        return Tensor.of(step.state(), 1, step.state().length).to(model.device());
    }
}
