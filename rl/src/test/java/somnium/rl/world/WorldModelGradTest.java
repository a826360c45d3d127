package somnium.rl.world;

import static org.junit.jupiter.api.Assertions.*;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.DoubleSupplier;

import org.junit.jupiter.api.Test;

import somnium.autograd.NoGrad;
import somnium.autograd.Var;
import somnium.autograd.nn.Activation;
import somnium.rl.replay.Batch;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/**
 * Central-difference gradient checks of the world-model loss on a tiny model (deter 3, stoch 2, hidden 4,
 * obs 2, action 1, B 2, T 3). The model is float32 only (its constants are float32 and the tensor ops do not
 * mix dtypes), so the check runs in float32 with a step of 1e-2 (the actual step is measured after rounding
 * the perturbed parameter to float32) and a tolerance that the check's own rounding noise stays well inside.
 * The sampling noise is held fixed by replaying the same counter-based Rng for every evaluation.
 */
class WorldModelGradTest {
    static final int B = 2, T = 3;
    static final long NOISE = 23;
    static final double EPS = 1e-2, ATOL = 5e-4, RTOL = 5e-3;

    static Map<String, Tensor> analytic(WorldModel m, Batch batch) {
        m.zeroGrad();
        m.loss(batch, new Rng(NOISE)).total().backward();
        Map<String, Tensor> g = new LinkedHashMap<>();
        m.namedParameters().forEach((k, v) -> g.put(k, v.grad() == null ? v.value().zerosLike() : v.grad().copy()));
        return g;
    }

    static double lossValue(WorldModel m, Batch batch) {
        try (NoGrad ng = NoGrad.open()) {
            return m.loss(batch, new Rng(NOISE)).total().item();
        }
    }

    /** Compares every parameter's analytic gradient with central differences of {@code f}; returns the largest error ratio. */
    static double check(String name, WorldModel m, Map<String, Tensor> analytic, DoubleSupplier f, int minNonZero) {
        double worst = 0;
        int nonZero = 0;
        for (Map.Entry<String, Var> e : m.namedParameters().entrySet()) {
            Tensor p = e.getValue().value();
            double[] a = analytic.get(e.getKey()).toDoubleArray();
            int[] idx = new int[p.rank()];
            for (int j = 0; j < p.numel(); j++) {
                double orig = p.get(idx);
                p.set(orig + EPS, idx);
                double up = p.get(idx);
                double fp = f.getAsDouble();
                p.set(orig - EPS, idx);
                double down = p.get(idx);
                double fm = f.getAsDouble();
                p.set(orig, idx);
                double numeric = (fp - fm) / (up - down);
                double err = Math.abs(a[j] - numeric), allowed = ATOL + RTOL * Math.abs(numeric);
                worst = Math.max(worst, err / allowed);
                if (Math.abs(numeric) > 1e-2) nonZero++;
                if (!(err <= allowed))
                    fail(String.format(java.util.Locale.ROOT, "%s: d loss / d %s%s: analytic %.6g vs numeric %.6g", name, e.getKey(),
                            java.util.Arrays.toString(idx), a[j], numeric));
                for (int d = idx.length - 1; d >= 0; d--) {
                    if (++idx[d] < p.dim(d)) break;
                    idx[d] = 0;
                }
            }
        }
        assertTrue(nonZero >= minNonZero, name + ": expected at least " + minNonZero + " non-trivial gradients, got " + nonZero);
        return worst;
    }

    static WorldModel model(WorldModel.Spec spec) {
        return new WorldModel(spec, new Rng(3));
    }

    static double[] stepKls(WorldModel m, Batch batch) {
        try (NoGrad ng = NoGrad.open()) {
            Rssm.Rollout roll = m.loss(batch, new Rng(NOISE)).rollout();
            return Fixtures.gaussianKl(RssmTest.stack(roll.posteriors(), Rssm.State::mean), RssmTest.stack(roll.posteriors(), Rssm.State::std),
                    RssmTest.stack(roll.priors(), Rssm.State::mean), RssmTest.stack(roll.priors(), Rssm.State::std), 2);
        }
    }

    /** A free-nats level between two per-step KLs, as far from both as possible (no kink within the FD step). */
    static double midGap(double[] kl) {
        double[] s = kl.clone();
        java.util.Arrays.sort(s);
        int best = 0;
        for (int i = 1; i + 1 < s.length; i++) if (s[i + 1] - s[i] > s[best + 1] - s[best]) best = i;
        return 0.5 * (s[best] + s[best + 1]);
    }

    @Test
    void perStepFreeNatsGradient() {
        Batch batch = Fixtures.randomBatch(B, T, 2, 1, 5);
        WorldModel probe = model(Fixtures.tiny(Activation.ELU, 0, true, 0, 0));
        double fn = midGap(stepKls(probe, batch));
        WorldModel m = model(Fixtures.tiny(Activation.ELU, fn, true, 0, 0));
        double worst = check("per-step free nats " + fn, m, analytic(m, batch), () -> lossValue(m, batch), 150);
        System.out.println("per-step free nats: worst error / tolerance " + worst);
    }

    @Test
    void batchMeanFreeNatsGradient() {
        Batch batch = Fixtures.randomBatch(B, T, 2, 1, 6);
        WorldModel probe = model(Fixtures.tiny(Activation.ELU, 0, false, 0, 0));
        double klMean = Fixtures.mean(stepKls(probe, batch));
        // below the mean KL the KL term is live; above it, it is a constant and its gradient must vanish
        for (double fn : new double[] {0.5 * klMean, 2 * klMean}) {
            WorldModel m = model(Fixtures.tiny(Activation.ELU, fn, false, 0, 0));
            Map<String, Tensor> g = analytic(m, batch);
            double worst = check("batch-mean free nats " + fn, m, g, () -> lossValue(m, batch), fn > klMean ? 50 : 150);
            System.out.println("batch-mean free nats " + fn + ": worst error / tolerance " + worst);
            // the prior head only enters the loss through the KL: no gradient when the free nats clip it
            double priorGrad = g.get("rssm.img_dist.weight").abs().sum().item();
            if (fn > klMean) assertEquals(0, priorGrad, 0.0);
            else assertTrue(priorGrad > 1e-3);
        }
    }

    @Test
    void overshootingGradientMatchesTheStopGradientObjective() {
        int t = 5, d = 3;
        double beta = 1.0;
        Batch batch = Fixtures.randomBatch(B, t, 2, 1, 7);
        WorldModel.Spec base = Fixtures.tiny(Activation.ELU, 0.01, false, 0, 0);
        WorldModel over = model(Fixtures.withOvershooting(base, d, beta, 1.0));
        Map<String, Tensor> g = analytic(over, batch);
        // The same objective written out: the standard terms with the KL weighted 1/D (a D = 0 model sharing
        // the parameters), plus beta/D times the per-start reference overshooting KL whose targets are the
        // posteriors of the unperturbed model, held fixed (the stop-gradient).
        WorldModel plain = model(Fixtures.withOvershooting(base, 0, 0, 1.0 / d));
        Tensor[] targets;
        try (NoGrad ng = NoGrad.open()) {
            Var[] st = OvershootingReference.posteriorStats(over.loss(batch, new Rng(NOISE)).rollout());
            targets = new Tensor[] {st[0].value().copy(), st[1].value().copy()};
        }
        DoubleSupplier objective = () -> {
            plain.loadStateDict(over.stateDict());
            try (NoGrad ng = NoGrad.open()) {
                Rng rng = new Rng(NOISE);
                WorldModel.Loss l = plain.loss(batch, rng);
                Tensor[] eps = OvershootingReference.noise(rng, B, t, 2, d);
                Var ov = OvershootingReference.kl(plain.rssm, l.rollout(), batch.actions(), eps, Var.constant(targets[0]), Var.constant(targets[1]), d,
                        base.freeNats(), base.freeNatsPerStep());
                return l.total().item() + beta / d * ov.item();
            }
        };
        assertEquals(lossValue(over, batch), objective.getAsDouble(), 1e-5 * Math.abs(lossValue(over, batch)));
        double worst = check("overshooting D=3", over, g, objective, 150);
        System.out.println("overshooting: worst error / tolerance " + worst);

        // The stop-gradient matters: letting the gradient reach the target posteriors changes it measurably.
        plain.loadStateDict(over.stateDict());
        plain.zeroGrad();
        Rng rng = new Rng(NOISE);
        WorldModel.Loss l = plain.loss(batch, rng);
        Tensor[] eps = OvershootingReference.noise(rng, B, t, 2, d);
        Var[] live = OvershootingReference.posteriorStats(l.rollout());
        l.total().add(OvershootingReference.kl(plain.rssm, l.rollout(), batch.actions(), eps, live[0], live[1], d, base.freeNats(), base.freeNatsPerStep())
                .mul(beta / d)).backward();
        double diff = 0;
        for (var e : plain.namedParameters().entrySet()) diff = Math.max(diff, e.getValue().grad().sub(g.get(e.getKey())).abs().max().item());
        assertTrue(diff > 10 * ATOL, "without the stop-gradient the gradient differs, max |diff| " + diff);
    }
}
