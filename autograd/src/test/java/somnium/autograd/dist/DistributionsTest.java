package somnium.autograd.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import somnium.autograd.GradCheck;
import somnium.autograd.R;
import somnium.autograd.Var;
import somnium.tensor.DType;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/** Distributions against closed forms and sample moments. */
class DistributionsTest {
    private static Var c(double... v) {
        return Var.constant(Tensor.of(v, v.length));
    }

    @Test
    void normalLogProbEntropyKlAndSampleMoments() {
        Normal n = new Normal(c(1.0), c(2.0), 0);
        double x = 0.3;
        double expected = -Math.pow(x - 1, 2) / 8 - Math.log(2) - 0.5 * Math.log(2 * Math.PI);
        assertEquals(expected, n.logProb(c(x)).item(), 1e-12);
        assertEquals(0.5 + 0.5 * Math.log(2 * Math.PI) + Math.log(2), n.entropy().item(), 1e-12);
        Normal q = new Normal(c(0.0), c(1.0), 0);
        assertEquals(Math.log(1.0 / 2) + (4 + 1) / 2.0 - 0.5, n.kl(q).item(), 1e-12);

        Normal wide = new Normal(Var.constant(Tensor.full(1.5, 20000)), Var.constant(Tensor.full(0.5, 20000)), 1);
        float[] s = wide.sample(new Rng(3)).value().toFloatArray();
        double mean = 0, var = 0;
        for (float v : s) mean += v / s.length;
        for (float v : s) var += (v - mean) * (v - mean) / s.length;
        assertEquals(1.5, mean, 0.02);
        assertEquals(0.25, var, 0.01);
        assertEquals(20000 * (0.5 + 0.5 * Math.log(2 * Math.PI) + Math.log(0.5)), wide.entropy().item(), 0.5); // summed event (float32 sum of 20000 terms)
    }

    @Test
    void normalRsampleIsReparameterizedAndReproducible() {
        Var mean = Var.param(Tensor.of(new double[] {0.5, -1}, 2)), std = Var.param(Tensor.of(new double[] {2, 0.1}, 2));
        Normal n = new Normal(mean, std, 1);
        Var z = n.rsample(new Rng(5));
        z.sum().backward();
        assertArrayEquals(new double[] {1, 1}, mean.grad().toDoubleArray(), 1e-12);
        Tensor eps = z.value().sub(mean.value()).div(std.value());
        assertTrue(std.grad().allClose(eps, 1e-9, 1e-12)); // dz/dstd = eps
        assertTrue(new Normal(mean, std, 1).rsample(new Rng(5)).value().allClose(z.value(), 0, 0));
        GradCheck.check("Normal.logProb", v -> new Normal(v[0], v[1], 1).logProb(v[2]),
                R.f64(new Random(1), 3, 2), R.f64(new Random(2), 0.5, 2, 3, 2), R.f64(new Random(3), 3, 2));
    }

    @Test
    void tanhNormalLogProbIncludesTheJacobian() {
        TanhNormal d = new TanhNormal(c(0.3), c(0.7));
        double y = 0.4, u = 0.5 * Math.log((1 + y) / (1 - y));
        double base = -Math.pow(u - 0.3, 2) / (2 * 0.49) - Math.log(0.7) - 0.5 * Math.log(2 * Math.PI);
        assertEquals(base - Math.log(1 - y * y), d.logProb(c(y)).item(), 1e-9);
        TanhNormal.Sample s = d.rsampleWithLogProb(new Rng(2));
        assertEquals(d.logProb(s.action()).item(), s.logProb().item(), 1e-6);
        assertEquals(Math.tanh(0.3), d.mode().item(), 1e-12);
        GradCheck.check("TanhNormal.logProb", v -> new TanhNormal(v[0], v[1]).logProb(Var.constant(Tensor.of(new double[] {0.2, -0.6}, 2))),
                Tensor.of(new double[] {0.1, 0.4}, 2), Tensor.of(new double[] {0.8, 1.3}, 2));
    }

    @Test
    void oneHotCategoricalWithUnimixStraightThroughAndFrequencies() {
        Var logits = Var.param(Tensor.of(new double[] {Math.log(0.7), Math.log(0.2), Math.log(0.1)}, 1, 3));
        OneHotCategorical d = new OneHotCategorical(logits, 0.01);
        assertEquals(0.99 * 0.7 + 0.01 / 3, d.probs.value().get(0, 0), 1e-12);
        double ent = 0;
        for (double p : d.probs.value().toDoubleArray()) ent -= p * Math.log(p);
        assertEquals(ent, d.entropy().item(), 1e-12);
        Var s = d.rsample(new Rng(1));
        double sum = 0;
        for (double v : s.value().toDoubleArray()) {
            assertTrue(v == 0 || Math.abs(v - 1) < 1e-12);
            sum += v;
        }
        assertEquals(1, sum, 1e-12);
        s.mul(Var.constant(Tensor.of(new double[] {1, 2, 3}, 1, 3))).sum().backward();
        assertTrue(logits.grad() != null && Math.abs(logits.grad().sum().item()) < 1e-9); // gradient flows (softmax Jacobian sums to 0)

        OneHotCategorical plain = new OneHotCategorical(Var.constant(Tensor.of(new double[] {Math.log(0.7), Math.log(0.2), Math.log(0.1)}, 1, 3).expand(4000, 3).contiguous()));
        double[] freq = plain.sample(new Rng(8)).sum(0).div(4000).toDoubleArray();
        assertArrayEquals(new double[] {0.7, 0.2, 0.1}, freq, 0.025);
        assertEquals(Math.log(0.2), plain.logProb(Var.constant(Tensor.of(new double[] {0, 1, 0}, 3))).value().get(0), 1e-9);
        assertEquals(0, plain.mode().get(0, 0) == 1 ? 0 : 1);
    }

    @Test
    void categoricalKlMatchesTheSum() {
        double[] p = {0.5, 0.3, 0.2}, q = {0.1, 0.6, 0.3};
        double expected = 0;
        for (int i = 0; i < 3; i++) expected += p[i] * Math.log(p[i] / q[i]);
        Var lp = c(Math.log(p[0]), Math.log(p[1]), Math.log(p[2])), lq = c(Math.log(q[0]), Math.log(q[1]), Math.log(q[2]));
        assertEquals(expected, Kl.categorical(lp, lq).item(), 1e-12);
        assertEquals(expected, new OneHotCategorical(lp).kl(new OneHotCategorical(lq)).item(), 1e-12);
        GradCheck.check("Kl.categorical", v -> Kl.categorical(v[0], v[1]), R.f64(new Random(4), 2, 4), R.f64(new Random(5), 2, 4));
    }

    @Test
    void klBalancingAndFreeNats() {
        Var postLogits = Var.param(Tensor.of(new double[] {1, 0, -1}, 3)), priorLogits = Var.param(Tensor.of(new double[] {0, 0, 0}, 3));
        OneHotCategorical post = new OneHotCategorical(postLogits), prior = new OneHotCategorical(priorLogits);
        double kl = post.kl(prior).item();
        Var balanced = Kl.balancedV2(post, prior, 0.8);
        assertEquals(kl, balanced.item(), 1e-12); // the value is the KL; only the gradients are split
        balanced.backward();
        Tensor gPrior = priorLogits.grad().copy(), gPost = postLogits.grad().copy();
        postLogits.zeroGrad();
        priorLogits.zeroGrad();
        new OneHotCategorical(postLogits).kl(new OneHotCategorical(priorLogits)).backward();
        assertTrue(gPrior.allClose(priorLogits.grad().mul(0.8), 1e-9, 1e-12));
        assertTrue(gPost.allClose(postLogits.grad().mul(0.2), 1e-9, 1e-12));

        Var small = c(0.3);
        assertEquals(1.0, Kl.freeNats(small, 1.0).item(), 1e-12);
        assertEquals(0.5 * 1.0 + 0.1 * 1.0, Kl.dreamerV3(post, prior, 0.5, 0.1, 1.0).item(), 1e-12); // kl < 1 nat here
        assertTrue(kl < 1);
    }

    @Test
    void bernoulliOnLogits() {
        Bernoulli b = new Bernoulli(c(0.4));
        double p = 1 / (1 + Math.exp(-0.4));
        assertEquals(Math.log(p), b.logProb(c(1)).item(), 1e-12);
        assertEquals(Math.log(1 - p), b.logProb(c(0)).item(), 1e-12);
        assertEquals(-(p * Math.log(p) + (1 - p) * Math.log(1 - p)), b.entropy().item(), 1e-12);
        Bernoulli many = new Bernoulli(Var.constant(Tensor.full(0.4, 20000)));
        assertEquals(p, many.sample(new Rng(4)).mean().item(), 0.01);
    }

    @Test
    void mixtureOfGaussiansLogProbAndTemperatureSampling() {
        Var w = c(Math.log(0.3), Math.log(0.7)), mu = c(-2, 3), sd = c(0.5, 1.5);
        MixtureOfGaussians m = new MixtureOfGaussians(w.reshape(1, 2), mu.reshape(1, 2), sd.reshape(1, 2));
        double x = 0.4;
        double expected = Math.log(0.3 * gauss(x, -2, 0.5) + 0.7 * gauss(x, 3, 1.5));
        assertEquals(expected, m.logProb(c(x)).item(), 1e-12);

        int n = 20000;
        MixtureOfGaussians big = new MixtureOfGaussians(w.reshape(1, 2).expand(n, 2), mu.reshape(1, 2).expand(n, 2), sd.reshape(1, 2).expand(n, 2));
        double[] s = big.sample(new Rng(6), 1.0).toDoubleArray();
        double mean = 0;
        for (double v : s) mean += v / n;
        assertEquals(0.3 * -2 + 0.7 * 3, mean, 0.05);
        GradCheck.check("MDN logProb", v -> new MixtureOfGaussians(v[0], v[1], v[2]).logProb(Var.constant(Tensor.of(new double[] {0.1, -0.5}, 2))),
                R.f64(new Random(1), 2, 3), R.f64(new Random(2), 2, 3), R.f64(new Random(3), 0.5, 1.5, 2, 3));
    }

    @Test
    void twoHotSymlogEncodesAndDecodes() {
        TwoHot d = new TwoHot(Var.constant(Tensor.zeros(255)));
        Tensor enc = d.encode(Tensor.of(new double[] {Math.expm1(0.1)}, 1).toType(DType.F32));
        // symlog(y) = 0.1; bins every 40/254 from -20: position (0.1 + 20) / (40/254) = 127.635
        double pos = (0.1 + 20) / (40.0 / 254);
        int below = (int) Math.floor(pos);
        assertEquals(1 - (pos - below), enc.get(0, below), 1e-5);
        assertEquals(pos - below, enc.get(0, below + 1), 1e-5);
        assertEquals(1, enc.sum().item(), 1e-6);
        // logits that put all mass on the encoding decode to the target
        Var logits = Var.constant(enc.add(1e-12).log());
        assertEquals(Math.expm1(0.1), new TwoHot(logits).mean().value().get(0), 1e-4);
        assertEquals(0, new TwoHot(Var.constant(Tensor.zeros(255))).mean().item(), 1e-4); // symmetric bins
        // loss gradient pulls the prediction towards the target
        Var l = Var.param(Tensor.zeros(1, 255));
        new TwoHot(l).logProb(Tensor.of(new float[] {5}, 1)).sum().neg().backward();
        assertTrue(l.grad().get(0, below) < 0 || l.grad().argmin(-1, false).toIntArray()[0] > 127);
    }

    private static double gauss(double x, double m, double s) {
        return Math.exp(-(x - m) * (x - m) / (2 * s * s)) / (s * Math.sqrt(2 * Math.PI));
    }
}
