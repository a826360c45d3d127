package somnium.rl.world;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;
import somnium.autograd.nn.Activation;
import somnium.rl.replay.Batch;
import somnium.tensor.Rng;

/** PlaNet's optional global prior: beta * mean KL(q || N(0, I)) is added to the loss, computed in closed form. */
class GlobalKlTest {
    @Test
    void globalKlTermMatchesTheClosedForm() {
        WorldModel.Spec base = Fixtures.tiny(Activation.ELU, 0, true, 0, 0);
        WorldModel.Spec withGlobal = new WorldModel.Spec(base.obsDim(), base.useImages(), base.actionDim(), base.deter(), base.stoch(), base.hidden(),
                base.embed(), base.headLayers(), base.cnnDepth(), base.act(), base.minStd(), base.freeNats(), base.freeNatsPerStep(), base.klScale(),
                base.rewardScale(), base.overshooting(), base.overshootingBeta(), base.bitDepth(), 0.5);
        Batch batch = Fixtures.randomBatch(2, 4, base.obsDim(), base.actionDim(), 3);
        WorldModel.Loss plain = new WorldModel(base, new Rng(1)).loss(batch, new Rng(2));
        WorldModel.Loss global = new WorldModel(withGlobal, new Rng(1)).loss(batch, new Rng(2));
        // Closed form from the posterior means and stds.
        double sum = 0;
        int n = 0;
        for (Rssm.State s : global.rollout().posteriors()) {
            double[] m = s.mean().value().toDoubleArray(), sd = s.std().value().toDoubleArray();
            for (int row = 0; row < s.batch(); row++) {
                double kl = 0;
                for (int j = 0; j < base.stoch(); j++) {
                    double mu = m[row * base.stoch() + j], sg = sd[row * base.stoch() + j];
                    kl += 0.5 * (sg * sg + mu * mu - 1) - Math.log(sg);
                }
                sum += kl;
                n++;
            }
        }
        double expected = sum / n;
        assertEquals(expected, global.metrics().get("global_kl"), 1e-4 * (1 + expected));
        assertEquals(plain.total().item() + 0.5 * expected, global.total().item(), 1e-4 * (1 + Math.abs(global.total().item())));
        assertNull(plain.metrics().get("global_kl"));
        assertThrows(IllegalArgumentException.class, () -> new WorldModel.Spec(base.obsDim(), false, 1, 3, 2, 4, 4, 1, 8, Activation.ELU, 0.1, 0, true, 1, 1, 0, 0, 8, -1));
    }
}
