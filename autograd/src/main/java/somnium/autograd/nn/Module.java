package somnium.autograd.nn;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import somnium.autograd.Var;
import somnium.tensor.Device;
import somnium.tensor.Tensor;

/**
 * A layer or model: named parameters, named submodules, and a train/eval mode. Names nest with dots
 * ({@code "encoder.0.weight"}), in registration order, as in PyTorch's {@code state_dict}, so that a
 * checkpoint written by {@code somnium.autograd.io.SafeTensors} lines up with a PyTorch model of the same
 * structure.
 */
public abstract class Module {
    private final LinkedHashMap<String, Var> params = new LinkedHashMap<>();
    private final LinkedHashMap<String, Module> children = new LinkedHashMap<>();
    private boolean training = true;

    /** Registers a trainable parameter initialized to {@code init}. */
    protected Var param(String name, Tensor init) {
        checkName(name);
        Var v = Var.param(init);
        params.put(name, v);
        return v;
    }

    /** Registers a submodule. */
    protected <M extends Module> M module(String name, M m) {
        checkName(name);
        children.put(name, m);
        return m;
    }

    private void checkName(String name) {
        if (name.isEmpty() || name.contains(".") || params.containsKey(name) || children.containsKey(name))
            throw new IllegalArgumentException(getClass().getSimpleName() + ": bad or duplicate name '" + name + "'");
    }

    /** All parameters with dotted names, this module's first, then each submodule's. */
    public Map<String, Var> namedParameters() {
        LinkedHashMap<String, Var> out = new LinkedHashMap<>();
        collect("", out);
        return out;
    }

    private void collect(String prefix, Map<String, Var> out) {
        params.forEach((k, v) -> out.put(prefix + k, v));
        children.forEach((k, m) -> m.collect(prefix + k + ".", out));
    }

    public List<Var> parameters() {
        return new ArrayList<>(namedParameters().values());
    }

    /** Direct submodules by name. */
    public Map<String, Module> children() {
        return java.util.Collections.unmodifiableMap(children);
    }

    /** Number of scalar parameters. */
    public long parameterCount() {
        long n = 0;
        for (Var v : namedParameters().values()) n += v.value().numel();
        return n;
    }

    /** Sets train (true) or eval (false) mode here and in every submodule (Dropout reads it). */
    public Module train(boolean on) {
        training = on;
        for (Module m : children.values()) m.train(on);
        return this;
    }

    public Module eval() {
        return train(false);
    }

    public boolean isTraining() {
        return training;
    }

    /** Zeroes every parameter's gradient. */
    /** Moves every parameter to {@code device} (create optimizers afterwards: their state follows the parameters). */
    public Module to(Device device) {
        for (Var v : namedParameters().values()) v.moveTo(device);
        return this;
    }

    /** The device of the parameters (CPU for a module without any). */
    public Device device() {
        for (Var v : namedParameters().values()) return v.value().device();
        return Device.CPU;
    }

    public void zeroGrad() {
        for (Var v : namedParameters().values()) v.zeroGrad();
    }

    /** The parameter tensors by dotted name (the live tensors, not copies). */
    public Map<String, Tensor> stateDict() {
        LinkedHashMap<String, Tensor> out = new LinkedHashMap<>();
        namedParameters().forEach((k, v) -> out.put(k, v.value()));
        return out;
    }

    /**
     * Copies {@code state} into the parameters. Everything is validated first (missing names, extra names,
     * shape and dtype mismatches, all listed in one message), so a failed load changes nothing.
     */
    public void loadStateDict(Map<String, Tensor> state) {
        Map<String, Var> mine = namedParameters();
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, Var> e : mine.entrySet()) {
            Tensor t = state.get(e.getKey());
            Tensor p = e.getValue().value();
            if (t == null) problems.add("missing '" + e.getKey() + "' " + p.shape());
            else if (!t.shape().equals(p.shape())) problems.add("'" + e.getKey() + "' has shape " + t.shape() + ", expected " + p.shape());
            else if (t.dtype() != p.dtype()) problems.add("'" + e.getKey() + "' has dtype " + t.dtype() + ", expected " + p.dtype());
        }
        for (String k : state.keySet()) if (!mine.containsKey(k)) problems.add("unexpected '" + k + "' " + state.get(k).shape());
        if (!problems.isEmpty())
            throw new IllegalArgumentException(getClass().getSimpleName() + ".loadStateDict: " + String.join("; ", problems));
        for (Map.Entry<String, Var> e : mine.entrySet()) e.getValue().value().copyFrom(state.get(e.getKey()));
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + parameterCount() + " parameters)";
    }
}
