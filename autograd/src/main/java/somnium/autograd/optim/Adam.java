package somnium.autograd.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import somnium.autograd.Var;
import somnium.tensor.Tensor;

/**
 * Adam (Kingma & Ba), with L2 weight decay added to the gradient as in torch.optim.Adam, or decoupled
 * weight decay as in AdamW ({@link AdamW}). Each update is the backend's fused kernel
 * ({@code Tensor.adamStepInPlace}):
 * <pre>
 * m = b1 m + (1 - b1) g;   v = b2 v + (1 - b2) g^2
 * p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)
 * </pre>
 */
public class Adam extends Optimizer {
    public double lr;
    public final double beta1, beta2, eps, weightDecay;
    private final boolean decoupled;
    private final List<Tensor> m = new ArrayList<>(), v = new ArrayList<>();

    public Adam(Map<String, Var> named, double lr, double beta1, double beta2, double eps, double weightDecay, boolean decoupled) {
        super(named);
        if (!(lr >= 0 && eps >= 0 && beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && weightDecay >= 0))
            throw new IllegalArgumentException("Adam: invalid hyperparameters lr=" + lr + " betas=(" + beta1 + ", " + beta2 + ") eps=" + eps + " wd=" + weightDecay);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
        for (Var p : params) {
            m.add(Var.persistentZeros(p.value()));
            v.add(Var.persistentZeros(p.value()));
        }
    }

    /** torch.optim.Adam defaults except lr: betas (0.9, 0.999), eps 1e-8, no weight decay. */
    public Adam(List<Var> params, double lr) {
        this(byIndex(params), lr, 0.9, 0.999, 1e-8, 0, false);
    }

    public Adam(Map<String, Var> named, double lr, double eps) {
        this(named, lr, 0.9, 0.999, eps, 0, false);
    }

    @Override
    public void step() {
        step++;
        for (int i = 0; i < params.size(); i++) {
            Var p = params.get(i);
            Tensor g = p.grad();
            if (g == null) continue;
            p.value().adamStepInPlace(g.contiguous(), m.get(i), v.get(i), lr, beta1, beta2, eps, weightDecay, decoupled, step);
        }
    }

    @Override
    public Map<String, Tensor> exportState() {
        Map<String, Tensor> out = new LinkedHashMap<>();
        out.put("step", Tensor.of(new double[] {step}));
        for (int i = 0; i < params.size(); i++) {
            out.put("exp_avg." + names.get(i), m.get(i));
            out.put("exp_avg_sq." + names.get(i), v.get(i));
        }
        return out;
    }

    @Override
    public void importState(Map<String, Tensor> state) {
        List<String> problems = new ArrayList<>();
        Tensor s = state.get("step");
        if (s == null || s.numel() != 1) problems.add("missing scalar 'step'");
        int expected = 1;
        for (int i = 0; i < params.size(); i++) {
            for (String key : new String[] {"exp_avg." + names.get(i), "exp_avg_sq." + names.get(i)}) {
                Tensor t = state.get(key);
                expected++;
                if (t == null) problems.add("missing '" + key + "'");
                else if (!t.shape().equals(params.get(i).shape())) problems.add("'" + key + "' has shape " + t.shape() + ", expected " + params.get(i).shape());
            }
        }
        if (problems.isEmpty() && state.size() != expected) problems.add(state.size() - expected + " unexpected entries");
        if (!problems.isEmpty()) throw new IllegalArgumentException(getClass().getSimpleName() + ".importState: " + String.join("; ", problems));
        step = (long) s.item();
        for (int i = 0; i < params.size(); i++) {
            m.get(i).copyFrom(state.get("exp_avg." + names.get(i)).toType(m.get(i).dtype()));
            v.get(i).copyFrom(state.get("exp_avg_sq." + names.get(i)).toType(v.get(i).dtype()));
        }
    }

}
