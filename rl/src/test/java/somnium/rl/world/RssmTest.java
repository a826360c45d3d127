package somnium.rl.world;

import static org.junit.jupiter.api.Assertions.*;

import org.junit.jupiter.api.Test;

import somnium.autograd.NoGrad;
import somnium.autograd.Var;
import somnium.autograd.nn.Activation;
import somnium.rl.replay.Batch;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

class RssmTest {
    static final int B = 3, T = 5, E = 6, A = 2, DETER = 7, STOCH = 4, HIDDEN = 8;

    static Rssm rssm(double minStd) {
        return new Rssm(DETER, STOCH, HIDDEN, E, A, Activation.ELU, minStd, new Rng(11));
    }

    @Test
    void observeSequenceGivesTPosteriorsAndPriorsOfTheRightShapes() {
        Rssm r = rssm(0.3);
        Rng data = new Rng(1);
        Var emb = Var.constant(data.normal(Shape.of(B, T, E), 0, 3, DType.F32, Device.CPU));
        Var act = Var.constant(data.uniform(Shape.of(B, T, A), -1, 1, DType.F32, Device.CPU));
        Rssm.Rollout roll = r.observeSequence(emb, act, null, new Rng(2));
        assertEquals(T, roll.posteriors().length);
        assertEquals(T, roll.priors().length);
        for (Rssm.State[] states : new Rssm.State[][] {roll.posteriors(), roll.priors()}) {
            for (Rssm.State s : states) {
                assertEquals(Shape.of(B, DETER), s.deter().shape());
                assertEquals(Shape.of(B, STOCH), s.stoch().shape());
                assertEquals(Shape.of(B, STOCH), s.mean().shape());
                assertEquals(Shape.of(B, STOCH), s.std().shape());
                assertEquals(Shape.of(B, DETER + STOCH), s.feature().shape());
                assertTrue(s.std().value().min().item() >= 0.3 - 1e-7, "std >= min_std, got " + s.std().value().min().item());
            }
        }
        // the posterior step shares the prior's deterministic state
        for (int t = 0; t < T; t++)
            assertArrayEquals(roll.priors()[t].deter().value().toFloatArray(), roll.posteriors()[t].deter().value().toFloatArray());
        assertEquals(Shape.of(B, T, STOCH), Rssm.Rollout.stack(roll.posteriors(), Rssm.State::mean).shape());
        // a mismatched input is refused with the expected shape in the message
        Var wrong = Var.constant(Tensor.zeros(B, T, E + 1));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.observeSequence(wrong, act, null, new Rng(2)));
        assertTrue(e.getMessage().contains("[" + B + ", " + E + "]"), e.getMessage());
    }

    @Test
    void minStdHoldsEvenForVeryNegativeRawStd() {
        Rssm r = rssm(0.1);
        // push the std heads' biases far negative: softplus(raw) -> 0, std -> min_std
        for (var e : r.namedParameters().entrySet())
            if (e.getKey().endsWith("dist.bias")) {
                Tensor b = e.getValue().value();
                for (int i = STOCH; i < 2 * STOCH; i++) b.set(-200, i);
            }
        Rssm.State s = r.imagine(r.initial(2), Var.constant(Tensor.ones(2, A)), new Rng(3));
        double min = s.std().value().min().item();
        assertTrue(min >= 0.1 - 1e-7 && min < 0.1 + 1e-5, "std floor is min_std, got " + min);
    }

    @Test
    void lossReportsTheClosedFormGaussianKlAndTheFreeNats() {
        for (boolean perStep : new boolean[] {true, false}) {
            WorldModel m = new WorldModel(Fixtures.withFreeNats(Fixtures.tiny(Activation.ELU, 0, true, 0, 0), 0, perStep), new Rng(5));
            Batch batch = Fixtures.randomBatch(4, 6, 2, 1, 9);
            WorldModel.Loss loss;
            try (NoGrad ng = NoGrad.open()) {
                loss = m.loss(batch, new Rng(17));
            }
            Rssm.Rollout roll = loss.rollout();
            double[] kl = Fixtures.gaussianKl(
                    stack(roll.posteriors(), Rssm.State::mean), stack(roll.posteriors(), Rssm.State::std),
                    stack(roll.priors(), Rssm.State::mean), stack(roll.priors(), Rssm.State::std), 2);
            assertEquals(4 * 6, kl.length);
            double klMean = Fixtures.mean(kl);
            assertEquals(klMean, loss.metrics().get("kl"), 1e-5 * Math.max(1, klMean));
            assertTrue(klMean > 0);

            // the observation and reward terms, by hand from the posterior features
            double[] recon, rew;
            try (NoGrad ng = NoGrad.open()) {
                Var feat = Rssm.Rollout.stack(roll.posteriors(), Rssm.State::feature).reshape(4 * 6, 5);
                recon = m.decode(feat).value().toDoubleArray();
                rew = m.reward(feat).value().toDoubleArray();
            }
            double[] obs = batch.states().toDoubleArray(), r = batch.rewards().toDoubleArray();
            double obsNll = 0, rewNll = 0;
            for (int i = 0; i < obs.length; i++) obsNll += 0.5 * (recon[i] - obs[i]) * (recon[i] - obs[i]) + 0.5 * Math.log(2 * Math.PI);
            for (int i = 0; i < r.length; i++) rewNll += 0.5 * (rew[i] - r[i]) * (rew[i] - r[i]) + 0.5 * Math.log(2 * Math.PI);
            obsNll /= 24;
            rewNll /= 24;
            assertEquals(obsNll, loss.metrics().get("obs_loss"), 1e-5 * Math.max(1, obsNll));
            assertEquals(rewNll, loss.metrics().get("reward_loss"), 1e-5 * Math.max(1, rewNll));

            // free nats, at a level between the per-step KLs: per step (PlaNet) or on the batch mean (Dreamer)
            double[] sorted = kl.clone();
            java.util.Arrays.sort(sorted);
            double fn = sorted[sorted.length / 2];
            WorldModel clipped = new WorldModel(Fixtures.withFreeNats(m.spec, fn, perStep), new Rng(5));
            clipped.loadStateDict(m.stateDict());
            double total;
            try (NoGrad ng = NoGrad.open()) {
                total = clipped.loss(batch, new Rng(17)).total().item();
            }
            double klTerm = 0;
            if (perStep) {
                for (double k : kl) klTerm += Math.max(k, fn);
                klTerm /= kl.length;
                assertTrue(klTerm > klMean && klTerm > fn, "the median clips some steps but not all");
            } else {
                klTerm = Math.max(klMean, fn);
            }
            assertEquals(obsNll + rewNll + klTerm, total, 1e-5 * Math.abs(total), "perStep=" + perStep);
            assertEquals(obsNll + rewNll + klMean, loss.total().item(), 1e-5 * Math.abs(total), "free nats 0");
        }
    }

    static double[] stack(Rssm.State[] states, java.util.function.Function<Rssm.State, Var> f) {
        return Rssm.Rollout.stack(states, f).value().toDoubleArray();
    }

    @Test
    void isFirstResetsTheStateLikeAFreshSequence() {
        Rssm r = rssm(0.1);
        Rng data = new Rng(4);
        int t = 6, reset = 3;
        Tensor emb = data.normal(Shape.of(B, t, E), 0, 1, DType.F32, Device.CPU);
        Tensor act = data.uniform(Shape.of(B, t, A), -1, 1, DType.F32, Device.CPU);
        float[] first = new float[B * t];
        first[reset] = 1; // sequence 0 starts a new episode at step `reset`; its action there is non-zero
        Tensor isFirst = Tensor.of(first, B, t);

        Rssm.Rollout full;
        long offsetAtReset;
        try (NoGrad ng = NoGrad.open()) {
            full = r.observeSequence(Var.constant(emb), Var.constant(act), isFirst, new Rng(8));
            Rng prefix = new Rng(8);
            r.observeSequence(Var.constant(emb.narrow(1, 0, reset).contiguous()), Var.constant(act.narrow(1, 0, reset).contiguous()), null, prefix);
            offsetAtReset = prefix.offset();
        }
        // the fresh sequence: steps reset.. of the same data, from the zero state, with a zero first action
        // (the replay convention), drawing the same noise as the full sequence did from that step on
        Tensor freshAct = act.narrow(1, reset, t - reset).contiguous().copy();
        for (int b = 0; b < B; b++) for (int a = 0; a < A; a++) freshAct.set(0, b, 0, a);
        Rssm.Rollout fresh;
        try (NoGrad ng = NoGrad.open()) {
            fresh = r.observeSequence(Var.constant(emb.narrow(1, reset, t - reset).contiguous()), Var.constant(freshAct), null, new Rng(8, offsetAtReset));
        }
        for (int i = reset; i < t; i++) {
            Rssm.State a = full.posteriors()[i], f = fresh.posteriors()[i - reset];
            assertArrayEquals(row(f.deter(), 0), row(a.deter(), 0), 1e-6f, "deter at " + i);
            assertArrayEquals(row(f.mean(), 0), row(a.mean(), 0), 1e-6f, "posterior mean at " + i);
            assertArrayEquals(row(f.std(), 0), row(a.std(), 0), 1e-6f, "posterior std at " + i);
            assertArrayEquals(row(f.stoch(), 0), row(a.stoch(), 0), 1e-6f, "posterior sample at " + i);
            assertArrayEquals(row(fresh.priors()[i - reset].mean(), 0), row(full.priors()[i].mean(), 0), 1e-6f, "prior mean at " + i);
        }
        // the sequences without a reset carry their history: they differ from the fresh start
        assertFalse(java.util.Arrays.equals(row(fresh.posteriors()[0].deter(), 1), row(full.posteriors()[reset].deter(), 1)));
        // and without the isFirst flag, sequence 0 differs too
        Rssm.Rollout noReset;
        try (NoGrad ng = NoGrad.open()) {
            noReset = r.observeSequence(Var.constant(emb), Var.constant(act), null, new Rng(8));
        }
        assertFalse(java.util.Arrays.equals(row(noReset.posteriors()[reset].deter(), 0), row(full.posteriors()[reset].deter(), 0)));
    }

    static float[] row(Var v, int b) {
        return v.value().select(0, b).contiguous().toFloatArray();
    }
}
