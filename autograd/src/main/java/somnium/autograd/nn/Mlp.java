package somnium.autograd.nn;

import java.util.ArrayList;
import java.util.List;
import somnium.autograd.Var;
import somnium.tensor.Rng;

/**
 * A multi-layer perceptron: for each hidden width, Linear -> optional norm -> activation; then an optional
 * output Linear (no norm, no activation). Dreamer's heads are {@code new Mlp(in, [400,400,400,400], out,
 * ELU, Norm.LAYER, rng)}.
 */
public final class Mlp extends Module {
    /** Normalization after each hidden Linear. */
    public enum Norm { NONE, LAYER, RMS }

    private final List<Linear> linears = new ArrayList<>();
    private final List<Module> norms = new ArrayList<>();
    private final Linear head;
    private final Activation act;

    /** {@code out <= 0} means no output layer (the last hidden layer is the output). */
    public Mlp(int in, int[] widths, int out, Activation act, Norm norm, Rng rng) {
        this.act = act;
        int prev = in;
        for (int i = 0; i < widths.length; i++) {
            linears.add(module("linear" + i, new Linear(prev, widths[i], norm == Norm.NONE, rng)));
            norms.add(switch (norm) {
                case NONE -> null;
                case LAYER -> module("norm" + i, new LayerNorm(widths[i], 1e-3, true));
                case RMS -> module("norm" + i, new RmsNorm(widths[i], 1e-4));
            });
            prev = widths[i];
        }
        head = out > 0 ? module("out", new Linear(prev, out, true, rng)) : null;
    }

    public Var forward(Var x) {
        for (int i = 0; i < linears.size(); i++) {
            x = linears.get(i).forward(x);
            Module n = norms.get(i);
            if (n instanceof LayerNorm ln) x = ln.forward(x);
            else if (n instanceof RmsNorm rn) x = rn.forward(x);
            x = act.apply(x);
        }
        return head == null ? x : head.forward(x);
    }
}
