package somnium.autograd.dist;

import somnium.autograd.Var;
import somnium.tensor.Tensor;

/**
 * DreamerV3's two-hot symlog distribution for rewards and values: logits over bins equally spaced in
 * symlog space (default 255 bins on [-20, 20]). A target y is encoded as symlog(y) split between its two
 * neighbouring bins with weights by distance ("two-hot"); the loss is the cross-entropy against that. The
 * prediction is symexp of the expected bin value.
 */
public final class TwoHot {
    public final Var logits;
    public final double low, high;
    public final int bins;

    public TwoHot(Var logits, double low, double high) {
        this.logits = logits;
        this.low = low;
        this.high = high;
        this.bins = logits.dim(-1);
        if (bins < 2 || !(low < high)) throw new IllegalArgumentException("TwoHot: needs >= 2 bins and low < high, got " + bins + " on [" + low + ", " + high + "]");
    }

    /** DreamerV3: bins on [-20, 20] in symlog space. */
    public TwoHot(Var logits) {
        this(logits, -20, 20);
    }

    /** The bin centers (symlog space), float32. */
    public Tensor binValues() {
        float[] v = new float[bins];
        for (int i = 0; i < bins; i++) v[i] = (float) (low + (high - low) * i / (bins - 1));
        return Tensor.of(v, bins).toType(logits.dtype());
    }

    /** The two-hot encoding of targets y (any shape): shape y.shape + [bins], rows sum to 1. */
    public Tensor encode(Tensor y) {
        double[] s = y.symlog().toDoubleArray();
        double[] out = new double[s.length * bins];
        double step = (high - low) / (bins - 1);
        for (int i = 0; i < s.length; i++) {
            double x = Math.min(Math.max(s[i], low), high);
            double pos = (x - low) / step;
            int below = Math.min((int) Math.floor(pos), bins - 2);
            double wAbove = pos - below;
            out[i * bins + below] = 1 - wAbove;
            out[i * bins + below + 1] += wAbove;
        }
        int[] d = java.util.Arrays.copyOf(y.dims(), y.rank() + 1);
        d[y.rank()] = bins;
        return Tensor.of(out, d).toType(logits.dtype());
    }

    /** log p(y) = sum(twohot(symlog y) * logSoftmax(logits)); the loss is its negation. */
    public Var logProb(Tensor y) {
        return Var.constant(encode(y)).mul(logits.logSoftmax(-1)).sum(-1);
    }

    /** symexp(sum(softmax(logits) * bins)): the prediction, differentiable in the logits. */
    public Var mean() {
        return logits.softmax(-1).mul(binValues()).sum(-1).symexp();
    }
}
