package somnium.autograd.dist;

import somnium.autograd.Var;
import somnium.tensor.DType;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/**
 * A mixture of K univariate Gaussians per output element (the MDN of World Models' MDN-RNN): weight
 * logits, means and stds of shape [..., K]. log p(x) = logsumexp_k(log pi_k + log N(x; mu_k, sigma_k)).
 */
public final class MixtureOfGaussians {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    public final Var logPi, mean, std;

    public MixtureOfGaussians(Var weightLogits, Var mean, Var std) {
        if (!weightLogits.shape().equals(mean.shape()) || !mean.shape().equals(std.shape()))
            throw new IllegalArgumentException("MixtureOfGaussians: logits " + weightLogits.shape() + ", mean " + mean.shape() + ", std " + std.shape() + " must match");
        this.logPi = weightLogits.logSoftmax(-1);
        this.mean = mean;
        this.std = std;
    }

    /** log p(x) for x of shape [...] (the mixture dim is added). */
    public Var logProb(Var x) {
        Var z = x.unsqueeze(-1).sub(mean).div(std);
        Var comp = z.square().mul(-0.5).sub(std.log()).sub(HALF_LOG_2PI);
        return logPi.add(comp).logsumexp(-1);
    }

    /**
     * A sample with temperature tau (World Models): weights from softmax(logits / tau), then
     * x = mu_k + sigma_k * sqrt(tau) * eps. tau = 1 samples the model itself.
     */
    public Tensor sample(Rng rng, double temperature) {
        if (!(temperature > 0)) throw new IllegalArgumentException("MixtureOfGaussians.sample: temperature must be > 0, got " + temperature);
        Tensor w = logPi.value().div(temperature).softmax(-1).toType(DType.F64);
        int k = w.dim(-1), rows = w.numel() / k;
        double[] pw = w.toDoubleArray(), mu = mean.value().toDoubleArray(), sd = std.value().toDoubleArray();
        double[] u = rng.uniform(somnium.tensor.Shape.of(rows), 0, 1, DType.F64, somnium.tensor.Device.CPU).toDoubleArray();
        double[] eps = rng.normal(somnium.tensor.Shape.of(rows), 0, 1, DType.F64, somnium.tensor.Device.CPU).toDoubleArray();
        double[] out = new double[rows];
        for (int r = 0; r < rows; r++) {
            double c = 0;
            int j = 0;
            for (; j < k - 1; j++) {
                c += pw[r * k + j];
                if (u[r] < c) break;
            }
            out[r] = mu[r * k + j] + sd[r * k + j] * Math.sqrt(temperature) * eps[r];
        }
        int[] lead = java.util.Arrays.copyOf(mean.value().dims(), mean.rank() - 1);
        return Tensor.of(out, lead).toType(mean.dtype());
    }
}
