package somnium.rl.world;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import somnium.autograd.NoGrad;
import somnium.autograd.Var;
import somnium.autograd.nn.Activation;
import somnium.rl.replay.Batch;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/** Latent overshooting (PlaNet eq. 7) against a slow per-start reference with the same noise. */
class OvershootingTest {
    static final int B = 3, T = 6;

    static WorldModel.Loss loss(WorldModel.Spec spec, Batch batch, long noise) {
        WorldModel m = new WorldModel(spec, new Rng(3));
        try (NoGrad ng = NoGrad.open()) {
            return m.loss(batch, new Rng(noise));
        }
    }

    @Test
    void distanceOneIsTheOrdinaryLoss() {
        Batch batch = Fixtures.randomBatch(B, T, 2, 1, 1);
        WorldModel.Spec base = Fixtures.tiny(Activation.ELU, 1.0, true, 0, 0);
        WorldModel.Loss off = loss(base, batch, 4), one = loss(Fixtures.withOvershooting(base, 1, 1.0, 1.0), batch, 4);
        assertEquals(off.total().item(), one.total().item(), 0.0);
        assertFalse(one.metrics().containsKey("overshooting_kl"));
        WorldModel.Loss three = loss(Fixtures.withOvershooting(base, 3, 1.0, 1.0), batch, 4);
        assertNotEquals(off.total().item(), three.total().item());
        // the filtering part is untouched by overshooting (it only adds terms after it)
        assertEquals(off.metrics().get("kl"), three.metrics().get("kl"), 0.0);
        assertEquals(off.metrics().get("obs_loss"), three.metrics().get("obs_loss"), 0.0);
    }

    @Test
    void overshootingKlEqualsThePerStartReference() {
        Batch batch = Fixtures.randomBatch(B, T, 2, 1, 2);
        for (boolean perStep : new boolean[] {true, false}) {
            for (int d : new int[] {2, 3, T - 1}) {
                double fn = perStep ? 0.5 : 0.01;
                WorldModel.Spec spec = Fixtures.withOvershooting(Fixtures.tiny(Activation.ELU, fn, perStep, 0, 0), d, 0.7, 2.0);
                WorldModel m = new WorldModel(spec, new Rng(3));
                try (NoGrad ng = NoGrad.open()) {
                    WorldModel.Loss l = m.loss(batch, new Rng(9));
                    Rng rng = new Rng(9);
                    Rssm.Rollout roll = m.rssm.observeSequence(m.embed(Var.constant(batch.states())), Var.constant(batch.actions()), batch.isFirst(), rng);
                    Tensor[] eps = OvershootingReference.noise(rng, B, T, 2, d);
                    Var[] st = OvershootingReference.posteriorStats(roll);
                    double ref = OvershootingReference.kl(m.rssm, roll, batch.actions(), eps, st[0], st[1], d, fn, perStep).item();
                    String what = "D=" + d + " perStep=" + perStep;
                    assertTrue(ref > 0, what);
                    assertEquals(ref, l.metrics().get("overshooting_kl"), 1e-5 * ref, what);
                    // total = obs + reward + kl_scale * (free-nats KL + beta * overshooting) / D
                    double klTerm = 0;
                    double[] kl = Fixtures.gaussianKl(RssmTest.stack(roll.posteriors(), Rssm.State::mean), RssmTest.stack(roll.posteriors(), Rssm.State::std),
                            RssmTest.stack(roll.priors(), Rssm.State::mean), RssmTest.stack(roll.priors(), Rssm.State::std), 2);
                    if (perStep) {
                        for (double k : kl) klTerm += Math.max(k, fn);
                        klTerm /= kl.length;
                    } else klTerm = Math.max(Fixtures.mean(kl), fn);
                    double expected = l.metrics().get("obs_loss") + l.metrics().get("reward_loss") + 2.0 * (klTerm + 0.7 * ref) / d;
                    assertEquals(expected, l.total().item(), 1e-5 * expected, what);
                }
            }
        }
    }

    @Test
    void distanceIsCappedBySequenceLength() {
        Batch batch = Fixtures.randomBatch(B, T, 2, 1, 3);
        WorldModel.Spec base = Fixtures.tiny(Activation.ELU, 0.1, true, 0, 0);
        WorldModel.Loss full = loss(Fixtures.withOvershooting(base, T - 1, 1.0, 1.0), batch, 5);
        WorldModel.Loss more = loss(Fixtures.withOvershooting(base, 50, 1.0, 1.0), batch, 5);
        assertEquals(full.total().item(), more.total().item(), 0.0, "D beyond T-1 reaches no further");
    }
}
