package somnium.autograd.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import somnium.autograd.Var;
import somnium.tensor.Tensor;

/**
 * Updates a fixed list of parameters from their gradients. Parameters are named (by a module's dotted
 * names, or by index) so that the optimizer state exported for a checkpoint is keyed like PyTorch's and
 * can be checked on import.
 */
public abstract class Optimizer {
    protected final List<String> names = new ArrayList<>();
    protected final List<Var> params = new ArrayList<>();
    protected long step;

    protected Optimizer(Map<String, Var> named) {
        named.forEach((k, v) -> {
            if (!v.requiresGrad()) return;
            names.add(k);
            params.add(v);
        });
    }

    protected static Map<String, Var> byIndex(List<Var> params) {
        Map<String, Var> m = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) m.put(String.valueOf(i), params.get(i));
        return m;
    }

    /** Applies one update to every parameter that has a gradient. */
    public abstract void step();

    /** Zeroes every parameter's gradient. */
    public void zeroGrad() {
        for (Var p : params) p.zeroGrad();
    }

    /** Updates taken so far. */
    public long steps() {
        return step;
    }

    public List<Var> parameters() {
        return java.util.Collections.unmodifiableList(params);
    }

    /** The state to checkpoint: "step" and, per parameter, the optimizer's buffers ("exp_avg.NAME", ...). */
    public abstract Map<String, Tensor> exportState();

    /** Restores {@link #exportState()}; validates every name and shape before changing anything. */
    public abstract void importState(Map<String, Tensor> state);
}
