package somnium.rl.world;

import somnium.autograd.nn.Activation;
import somnium.rl.replay.Batch;
import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/** Small world models and random batches for the world-model and PlaNet tests. */
public final class Fixtures {
    private Fixtures() {}

    /** A tiny state model: obs 2, action 1, deter 3, stoch 2, hidden 4, embed 4, heads of 2 layers. */
    public static WorldModel.Spec tiny(Activation act, double freeNats, boolean perStep, int overshooting, double beta) {
        return new WorldModel.Spec(2, false, 1, 3, 2, 4, 4, 2, 8, act, 0.1, freeNats, perStep, 1.0, 1.0, overshooting, beta, 8, 0.0);
    }

    public static WorldModel.Spec withOvershooting(WorldModel.Spec s, int d, double beta, double klScale) {
        return new WorldModel.Spec(s.obsDim(), s.useImages(), s.actionDim(), s.deter(), s.stoch(), s.hidden(), s.embed(), s.headLayers(),
                s.cnnDepth(), s.act(), s.minStd(), s.freeNats(), s.freeNatsPerStep(), klScale, s.rewardScale(), d, beta, s.bitDepth(), 0.0);
    }

    public static WorldModel.Spec withFreeNats(WorldModel.Spec s, double freeNats, boolean perStep) {
        return new WorldModel.Spec(s.obsDim(), s.useImages(), s.actionDim(), s.deter(), s.stoch(), s.hidden(), s.embed(), s.headLayers(),
                s.cnnDepth(), s.act(), s.minStd(), freeNats, perStep, s.klScale(), s.rewardScale(), s.overshooting(), s.overshootingBeta(), s.bitDepth(), 0.0);
    }

    /** A random state batch [B, T, obs]: N(0,1) observations and rewards, uniform actions, episode start at t = 0 only. */
    public static Batch randomBatch(int b, int t, int obs, int act, long seed) {
        Rng rng = new Rng(seed);
        Tensor states = rng.normal(Shape.of(b, t, obs), 0, 1, DType.F32, Device.CPU);
        Tensor actions = rng.uniform(Shape.of(b, t, act), -1, 1, DType.F32, Device.CPU);
        Tensor rewards = rng.normal(Shape.of(b, t), 0, 1, DType.F32, Device.CPU);
        float[] first = new float[b * t];
        for (int i = 0; i < b; i++) first[i * t] = 1;
        Tensor zeros = Tensor.zeros(b, t);
        return new Batch(states, null, actions, rewards, Tensor.of(first, b, t), zeros, zeros, Tensor.ones(b, t));
    }

    /** Closed-form KL(N(qm, qs) || N(pm, ps)) summed over the last axis, in double precision. */
    public static double[] gaussianKl(double[] qm, double[] qs, double[] pm, double[] ps, int event) {
        double[] out = new double[qm.length / event];
        for (int i = 0; i < out.length; i++) {
            double s = 0;
            for (int j = i * event; j < (i + 1) * event; j++) {
                double d = qm[j] - pm[j];
                s += Math.log(ps[j] / qs[j]) + (qs[j] * qs[j] + d * d) / (2 * ps[j] * ps[j]) - 0.5;
            }
            out[i] = s;
        }
        return out;
    }

    public static double mean(double[] v) {
        double s = 0;
        for (double x : v) s += x;
        return s / v.length;
    }
}
