package somnium.rl.dreamer;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import somnium.autograd.NoGrad;
import somnium.autograd.dist.TanhNormal;
import somnium.rl.world.Rssm;
import somnium.rl.world.WorldModel;
import somnium.tensor.Rng;

/** The optional entropy bonus adds exactly -eta * mean(w_k * H_k) to the actor loss, with H_k = -log pi(a_k). */
class ActorEntropyTest {
    @Test
    void entropyBonusShiftsTheActorLossByTheEntropyOfTheFirstAction() {
        DreamerConfig cfg = DreamerLearnerTest.tiny();
        Dreamer.Agent agent = new Dreamer.Agent(cfg, 2, 1, new Rng(1));
        WorldModel.Loss wm = agent.model.loss(DreamerLearnerTest.batch(3, 5, 2, 1, 7), new Rng(3));
        Rssm.State starts = Dreamer.Learner.flatten(wm.rollout().posteriors());
        double eta = 0.25;
        // Horizon 2: the returns and the weighted entropy cover the first imagined step only (weight 1).
        double plain = agent.behavior.losses(agent.model, starts, 2, 0.99, 0.95, 0.0, new Rng(11)).actor().item();
        double withBonus = agent.behavior.losses(agent.model, starts, 2, 0.99, 0.95, eta, new Rng(11)).actor().item();
        double entropy;
        try (NoGrad ng = NoGrad.open()) {
            // The same first draw (the loss's first use of its Rng) and its log-probability. (Not recomputed through
            // atanh: at the initial std of 5 many actions are saturated to +-1 in float32, where atanh is clamped.)
            TanhNormal pi = agent.behavior.policy(starts.feature());
            entropy = pi.rsampleWithLogProb(new Rng(11)).logProb().neg().mean().item();
        }
        assertEquals(plain - eta * entropy, withBonus, 1e-3 * (1 + Math.abs(withBonus)));
        assertNotEquals(plain, withBonus, 1e-4);
    }
}
