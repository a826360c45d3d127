package somnium.rl.dreamer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import somnium.autograd.NoGrad;
import somnium.autograd.Var;
import somnium.autograd.nn.Activation;
import somnium.autograd.optim.Adam;
import somnium.autograd.optim.GradClip;
import somnium.rl.planet.PlaNet;
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
import somnium.rl.world.OpenLoop;
import somnium.rl.world.Rssm;
import somnium.rl.world.Weights;
import somnium.rl.world.WorldModel;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.TensorScope;

/**
 * Dreamer (Hafner et al. 2020, "Dream to Control: Learning Behaviors by Latent Imagination"): the PlaNet
 * world model, plus an actor and a value model learned purely from trajectories imagined in its latent
 * space, with gradients of the imagined returns backpropagated through the learned dynamics.
 *
 * <p>One update ({@link Learner#update}): sample a batch, compute the world-model loss (which also yields
 * the posterior states), imagine from every posterior state, compute the actor and value losses
 * ({@link ActorCritic}), then backpropagate each loss into its own parameters only and step the three
 * Adam optimizers. Acting ({@link Actor}) filters the belief with the real observation and samples the
 * actor (its mode in evaluation).
 */
public final class Dreamer implements Algorithm<DreamerConfig> {
    /** Adam epsilon of the three optimizers (TensorFlow's default, which Dreamer V1 used). */
    public static final double ADAM_EPS = 1e-7;

    @Override
    public String name() {
        return "dreamer";
    }

    @Override
    public String description() {
        return "Dreamer (V1): actor-critic in latent imagination (Hafner et al. 2020)";
    }

    @Override
    public Class<DreamerConfig> configType() {
        return DreamerConfig.class;
    }

    @Override
    public Map<String, DreamerConfig> presets() {
        return DreamerConfig.presets();
    }

    @Override
    public Trainer create(RunContext ctx) {
        return new DreamerTrainer(ctx, ctx.config(DreamerConfig.class));
    }

    /**
     * The world model of a config (Dreamer clips the batch-mean KL with free nats). As in Dreamer V1, the
     * RSSM's hidden layers have the deterministic state's width (200); so do the state encoder, decoder and
     * reward head here (V1's heads use {@code hidden} = 400; shared/reference/rssm_state.py uses 200). The actor
     * and value use {@code hidden}.
     */
    public static WorldModel.Spec spec(DreamerConfig c, int obsDim, int actionDim) {
        return new WorldModel.Spec(obsDim, c.useImages(), actionDim, c.deter(), c.stoch(), c.deter(), c.deter(), 2, c.cnnDepth(),
                Activation.parse(c.activation()), 0.1, c.freeNats(), false, c.klScale(), 1.0, 0, 0.0, 8, 0.0);
    }

    /** The learnable parts of one agent: world model, actor-critic and their optimizers. */
    public static final class Agent {
        public final WorldModel model;
        public final ActorCritic behavior;
        public final Adam modelOpt, actorOpt, valueOpt;

        public Agent(DreamerConfig cfg, int obsDim, int actionDim, Rng init) {
            this(cfg, obsDim, actionDim, init, Device.CPU);
        }

        /** An agent whose parameters (initialised on the CPU from {@code init}, then moved) and optimizer state live on {@code device}. */
        public Agent(DreamerConfig cfg, int obsDim, int actionDim, Rng init, Device device) {
            model = new WorldModel(spec(cfg, obsDim, actionDim), init);
            behavior = new ActorCritic(model.rssm.featureSize(), actionDim, cfg.hidden(), Activation.parse(cfg.activation()), init);
            model.to(device);
            behavior.to(device);
            modelOpt = new Adam(model.namedParameters(), cfg.modelLr(), 0.9, 0.999, ADAM_EPS, 0, false);
            actorOpt = new Adam(behavior.actorModule().namedParameters(), cfg.actorLr(), 0.9, 0.999, ADAM_EPS, 0, false);
            valueOpt = new Adam(behavior.valueModule().namedParameters(), cfg.valueLr(), 0.9, 0.999, ADAM_EPS, 0, false);
        }
    }

    /** One Dreamer run. */
    public static final class DreamerTrainer extends LoopTrainer {
        private final DreamerConfig cfg;
        private Agent agent;
        private Learner learner;
        private Actor actor;

        DreamerTrainer(RunContext ctx, DreamerConfig cfg) {
            super(ctx, cfg);
            this.cfg = cfg;
        }

        @Override
        protected void build(int actionDim, ReplayBuffer replay) {
            agent = new Agent(cfg, observationSize(), actionDim, rng("init"));
            learner = new Learner(agent, replay, cfg, rng("learn"));
            actor = new Actor(agent, rng("act"));
        }

        public Agent agent() {
            return agent;
        }

        @Override
        protected Policy policy() {
            return actor;
        }

        @Override
        protected Updater updater() {
            return learner;
        }

        @Override
        protected Map<String, Checkpointer.Part> parts() {
            Map<String, Checkpointer.Part> p = new LinkedHashMap<>();
            p.put("model.safetensors", Weights.of(agent.model));
            p.put("behavior.safetensors", Weights.of(agent.behavior));
            p.put("model_opt.safetensors", Weights.of(agent.modelOpt));
            p.put("actor_opt.safetensors", Weights.of(agent.actorOpt));
            p.put("value_opt.safetensors", Weights.of(agent.valueOpt));
            return p;
        }

        @Override
        protected void restoreParts(Checkpoint checkpoint) throws IOException {
            Weights.restore(checkpoint, "model.safetensors", agent.model);
            Weights.restore(checkpoint, "behavior.safetensors", agent.behavior);
            Weights.restore(checkpoint, "model_opt.safetensors", agent.modelOpt);
            Weights.restore(checkpoint, "actor_opt.safetensors", agent.actorOpt);
            Weights.restore(checkpoint, "value_opt.safetensors", agent.valueOpt);
        }

        @Override
        protected void afterEvaluation(LoopState state, EvalResult result) throws IOException {
            if (!cfg.useImages() || replay().steps() < cfg.batchLength()) return;
            Path file = ctx.runDir().videos().resolve(String.format("openloop-%09d.gif", state.envSteps()));
            OpenLoop.write(agent.model, replay(), cfg.batchLength(), 5, new Rng(state.envSteps()), file);
        }
    }

    /** One Dreamer update: world model, actor and value, each from its own loss. */
    public static final class Learner implements Updater {
        private final Agent agent;
        private final ReplayBuffer replay;
        private final DreamerConfig cfg;
        private final Rng rng;

        public Learner(Agent agent, ReplayBuffer replay, DreamerConfig cfg, Rng rng) {
            this.agent = agent;
            this.replay = replay;
            this.cfg = cfg;
            this.rng = rng;
        }

        @Override
        public Map<String, Double> update() {
            return update(replay.sample(cfg.batchSize(), cfg.batchLength(), rng));
        }

        /** One update on a given batch (moved to the agent's device first, inside the step's scope). */
        public Map<String, Double> update(Batch batch) {
            try (TensorScope scope = TensorScope.open()) {
                batch = batch.to(agent.model.device());
                WorldModel.Loss wm = agent.model.loss(batch, rng);
                // Imagination starts: every posterior state of the batch, flattened to [B*T, ...].
                Rssm.State starts = flatten(wm.rollout().posteriors());
                ActorCritic.Losses ac = agent.behavior.losses(agent.model, starts, cfg.imagHorizon(), cfg.discount(), cfg.returnLambda(), cfg.actorEntropy(), rng);

                // Each loss trains only its own parameters. The actor loss also reaches the world model (through
                // the imagined dynamics and the reward head) and the value model (through the bootstrap values);
                // Losses.backward differentiates it with respect to the actor's parameters only, and the value loss
                // with respect to the value model's, so no other weight gradient is computed.
                agent.actorOpt.zeroGrad();
                agent.modelOpt.zeroGrad();
                agent.valueOpt.zeroGrad();
                ac.backward();
                wm.total().backward();
                Map<String, Double> m = new LinkedHashMap<>(wm.metrics());
                m.putAll(ac.metrics());
                m.put("model_grad_norm", GradClip.clipGradNorm(agent.modelOpt.parameters(), cfg.gradClip()));
                m.put("actor_grad_norm", GradClip.clipGradNorm(agent.actorOpt.parameters(), cfg.gradClip()));
                m.put("value_grad_norm", GradClip.clipGradNorm(agent.valueOpt.parameters(), cfg.gradClip()));
                agent.modelOpt.step();
                agent.actorOpt.step();
                agent.valueOpt.step();
                return m;
            }
        }

        static Rssm.State flatten(Rssm.State[] states) {
            int t = states.length, b = states[0].batch();
            return new Rssm.State(
                    flat(Rssm.Rollout.stack(states, Rssm.State::deter), b, t), flat(Rssm.Rollout.stack(states, Rssm.State::stoch), b, t),
                    flat(Rssm.Rollout.stack(states, Rssm.State::mean), b, t), flat(Rssm.Rollout.stack(states, Rssm.State::std), b, t));
        }

        private static Var flat(Var v, int b, int t) {
            return v.detach().reshape(b * t, v.dim(2));
        }
    }

    /** The acting policy: filter the belief, then sample the actor (its mode when not exploring). */
    public static final class Actor implements Policy {
        private final Agent agent;
        private final Rng rng;
        private Rssm.State belief;

        public Actor(Agent agent, Rng rng) {
            this.agent = agent;
            this.rng = rng;
        }

        @Override
        public void reset() {
            belief = null;
        }

        @Override
        public float[] act(Step observation, boolean explore) {
            try (NoGrad ng = NoGrad.open()) {
                belief = PlaNet.observe(agent.model, belief, observation, rng);
                var dist = agent.behavior.policy(belief.feature());
                Var a = explore ? dist.rsample(rng) : dist.mode();
                return a.value().reshape(agent.behavior.actionDim).toFloatArray();
            }
        }
    }
}
