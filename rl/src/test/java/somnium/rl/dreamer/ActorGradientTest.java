package somnium.rl.dreamer;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;

import org.junit.jupiter.api.Test;
import somnium.autograd.Var;
import somnium.rl.world.Rssm;
import somnium.rl.world.WorldModel;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/** The actor loss's gradient, backpropagated through imagination, matches finite differences. */
class ActorGradientTest {
    private static double actorLoss(Dreamer.Agent agent, DreamerConfig cfg, somnium.rl.replay.Batch batch) {
        Rng rng = new Rng(5);
        WorldModel.Loss wm = agent.model.loss(batch, rng);
        Rssm.State starts = Dreamer.Learner.flatten(wm.rollout().posteriors());
        return agent.behavior.losses(agent.model, starts, cfg.imagHorizon(), cfg.discount(), cfg.returnLambda(), rng).actor().item();
    }

    @Test
    void directionalDerivativeOfTheActorLossMatchesFiniteDifferences() {
        DreamerConfig cfg = DreamerLearnerTest.tiny();
        somnium.rl.replay.Batch batch = DreamerLearnerTest.batch(3, 5, 2, 1, 7);
        Dreamer.Agent agent = new Dreamer.Agent(cfg, 2, 1, new Rng(1));
        Rng rng = new Rng(5);
        WorldModel.Loss wm = agent.model.loss(batch, rng);
        ActorCritic.Losses ac = agent.behavior.losses(agent.model, Dreamer.Learner.flatten(wm.rollout().posteriors()),
                cfg.imagHorizon(), cfg.discount(), cfg.returnLambda(), rng);
        ac.actor().backward();
        List<Var> params = agent.behavior.actorModule().parameters();
        double norm2 = 0;
        for (Var p : params) norm2 += p.grad().square().sum().item();
        double norm = Math.sqrt(norm2);
        assertTrue(norm > 0);
        Tensor[] saved = new Tensor[params.size()];
        for (int i = 0; i < saved.length; i++) saved[i] = params.get(i).value().copy();
        double eps = 1e-2;
        double[] l = new double[2];
        for (int s = 0; s < 2; s++) {
            double sign = s == 0 ? 1 : -1;
            for (int i = 0; i < saved.length; i++)
                params.get(i).value().copyFrom(saved[i].add(params.get(i).grad().mul(sign * eps / norm)));
            l[s] = actorLoss(agent, cfg, batch);
        }
        double numeric = (l[0] - l[1]) / (2 * eps);
        assertEquals(norm, numeric, 0.05 * norm, "directional derivative along the gradient: analytic |g| vs finite differences");
    }
}
