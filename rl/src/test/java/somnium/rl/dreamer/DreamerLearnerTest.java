package somnium.rl.dreamer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import somnium.autograd.Var;
import somnium.autograd.optim.GradClip;
import somnium.rl.replay.Batch;
import somnium.rl.train.config.Configs;
import somnium.rl.world.Rssm;
import somnium.rl.world.WorldModel;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

class DreamerLearnerTest {
    static DreamerConfig tiny() {
        return Configs.withOverrides(DreamerConfig.presets().get("small"), List.of(
                "deter=8", "stoch=4", "hidden=16", "batch_size=3", "batch_length=5", "imag_horizon=4", "prefill=10", "max_episode_length=10"));
    }

    static Batch batch(int b, int t, int obs, int act, long seed) {
        Rng r = new Rng(seed);
        Tensor first = Tensor.zeros(b, t);
        for (int i = 0; i < b; i++) first.set(1, i, 0);
        return new Batch(r.normal(b, t, obs), null, r.uniform(somnium.tensor.Shape.of(b, t, act), -1, 1, somnium.tensor.DType.F32, somnium.tensor.Device.CPU),
                r.normal(b, t), first, Tensor.zeros(b, t), Tensor.zeros(b, t), Tensor.ones(b, t));
    }

    @Test
    void actorGradientsReachTheDynamicsButOnlyTheModelLossUpdatesTheModel() {
        DreamerConfig cfg = tiny();
        Batch batch = batch(3, 5, 2, 1, 7);

        // Through the imagined dynamics, the actor loss has gradients on the RSSM's transition weights.
        Dreamer.Agent probe = new Dreamer.Agent(cfg, 2, 1, new Rng(1));
        Rng rng = new Rng(5);
        WorldModel.Loss wm = probe.model.loss(batch, rng);
        Rssm.State starts = Dreamer.Learner.flatten(wm.rollout().posteriors());
        ActorCritic.Losses ac = probe.behavior.losses(probe.model, starts, cfg.imagHorizon(), cfg.discount(), cfg.returnLambda(), rng);
        ac.actor().backward();
        Map<String, Var> mp = probe.model.namedParameters();
        assertTrue(mp.get("rssm.cell.weight_hh").grad().abs().sum().item() > 0, "actor loss reaches the GRU");
        assertTrue(mp.get("reward.out.weight").grad().abs().sum().item() > 0, "actor loss reaches the reward head");
        assertNull(mp.get("decoder.out.weight").grad(), "the decoder is not on the actor's path");
        assertTrue(probe.behavior.actorModule().parameters().get(0).grad().abs().sum().item() > 0);

        // One Learner update leaves the world model exactly where the model loss alone takes it.
        Dreamer.Agent a = new Dreamer.Agent(cfg, 2, 1, new Rng(1));
        Dreamer.Agent ref = new Dreamer.Agent(cfg, 2, 1, new Rng(1));
        new Dreamer.Learner(a, null, cfg, new Rng(9)).update(batch);
        WorldModel.Loss refLoss = ref.model.loss(batch, new Rng(9)); // the same noise: the model loss draws first
        ref.modelOpt.zeroGrad();
        refLoss.total().backward();
        GradClip.clipGradNorm(ref.modelOpt.parameters(), cfg.gradClip());
        ref.modelOpt.step();
        Map<String, Var> pa = a.model.namedParameters(), pr = ref.model.namedParameters();
        for (String k : pr.keySet())
            assertArrayEquals(pr.get(k).value().toFloatArray(), pa.get(k).value().toFloatArray(), 0f, "model parameter " + k);
        // The actor moves exactly as the actor loss alone says, the value exactly as the value loss alone says.
        Dreamer.Agent refActor = new Dreamer.Agent(cfg, 2, 1, new Rng(1));
        Dreamer.Agent refValue = new Dreamer.Agent(cfg, 2, 1, new Rng(1));
        for (Dreamer.Agent r : new Dreamer.Agent[] {refActor, refValue}) {
            Rng rr = new Rng(9);
            WorldModel.Loss l = r.model.loss(batch, rr);
            ActorCritic.Losses ls = r.behavior.losses(r.model, Dreamer.Learner.flatten(l.rollout().posteriors()), cfg.imagHorizon(), cfg.discount(), cfg.returnLambda(), rr);
            var opt = r == refActor ? r.actorOpt : r.valueOpt;
            (r == refActor ? ls.actor() : ls.value()).backward(opt.parameters());
            GradClip.clipGradNorm(opt.parameters(), cfg.gradClip());
            opt.step();
        }
        Map<String, Var> ba = a.behavior.namedParameters(), bra = refActor.behavior.namedParameters(), brv = refValue.behavior.namedParameters(),
                b0 = ref.behavior.namedParameters();
        for (String k : b0.keySet()) {
            Map<String, Var> want = k.startsWith("actor.") ? bra : brv;
            assertArrayEquals(want.get(k).value().toFloatArray(), ba.get(k).value().toFloatArray(), 0f, "behavior parameter " + k);
            assertFalse(java.util.Arrays.equals(b0.get(k).value().toFloatArray(), ba.get(k).value().toFloatArray()), "behavior parameter " + k + " moved");
        }
    }

    @Test
    void valueLossUsesStopGradientTargets() {
        DreamerConfig cfg = tiny();
        Dreamer.Agent agent = new Dreamer.Agent(cfg, 2, 1, new Rng(3));
        Rng rng = new Rng(4);
        WorldModel.Loss wm = agent.model.loss(batch(3, 5, 2, 1, 8), rng);
        ActorCritic.Losses ac = agent.behavior.losses(agent.model, Dreamer.Learner.flatten(wm.rollout().posteriors()),
                cfg.imagHorizon(), cfg.discount(), cfg.returnLambda(), rng);
        ac.backward();
        for (Var p : agent.model.parameters()) assertNull(p.grad(), "behavior losses must not reach the world model");
        assertTrue(agent.behavior.actorModule().parameters().get(0).grad().abs().sum().item() > 0);
        // The value head's output bias, in closed form with the targets held fixed:
        //   d/db mean_k,n( w_k (v_k,n - R_k,n)^2 / 2 ) = sum_k,n w_k (v_k,n - R_k,n) / ((H-1) N).
        // Had the targets not been stopped, R (bootstrapped with v) would add its own derivative.
        int h = cfg.imagHorizon();
        float[] v = ac.values().value().toFloatArray(), r = ac.returns().value().toFloatArray();
        int n = r.length / (h - 1);
        double want = 0;
        for (int k = 0; k < h - 1; k++)
            for (int i = 0; i < n; i++) want += Math.pow(cfg.discount(), k) * (v[k * n + i] - r[k * n + i]);
        want /= (h - 1) * n;
        Map<String, Var> vp = agent.behavior.valueModule().namedParameters();
        String biasKey = vp.keySet().stream().filter(k -> k.endsWith("bias")).reduce((a, b) -> b).orElseThrow();
        assertEquals(want, vp.get(biasKey).grad().item(), 1e-6 + 1e-4 * Math.abs(want), "value output bias " + biasKey);
        // The actor's gradient is the actor loss's alone: the value pass did not add to it.
        Dreamer.Agent twin = new Dreamer.Agent(cfg, 2, 1, new Rng(3));
        Rng rng2 = new Rng(4);
        WorldModel.Loss wm2 = twin.model.loss(batch(3, 5, 2, 1, 8), rng2);
        twin.behavior.losses(twin.model, Dreamer.Learner.flatten(wm2.rollout().posteriors()), cfg.imagHorizon(), cfg.discount(),
                cfg.returnLambda(), rng2).actor().backward(twin.actorOpt.parameters());
        var mine = agent.behavior.actorModule().parameters();
        var theirs = twin.behavior.actorModule().parameters();
        for (int i = 0; i < mine.size(); i++)
            assertArrayEquals(theirs.get(i).grad().toFloatArray(), mine.get(i).grad().toFloatArray(), 0f, "actor parameter " + i);
    }
}
