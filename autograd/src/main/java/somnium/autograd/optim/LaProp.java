package somnium.autograd.optim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import somnium.autograd.Var;
import somnium.tensor.Tensor;

/**
 * LaProp (Ziyin et al. 2020; DreamerV3's current optimizer): normalize the gradient by the RMS estimate
 * first, then take momentum of the normalized gradient:
 * <pre>
 * v = b2 v + (1 - b2) g^2;   m = b1 m + (1 - b1) g / (sqrt(v / (1 - b2^t)) + eps)
 * p -= lr * m / (1 - b1^t)
 * </pre>
 * Composed from tensor ops (no fused kernel).
 */
public final class LaProp extends Optimizer {
    public double lr;
    public final double beta1, beta2, eps;
    private final List<Tensor> m = new ArrayList<>(), v = new ArrayList<>();

    public LaProp(Map<String, Var> named, double lr, double beta1, double beta2, double eps) {
        super(named);
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        for (Var p : params) {
            m.add(Var.persistentZeros(p.value()));
            v.add(Var.persistentZeros(p.value()));
        }
    }

    @Override
    public void step() {
        step++;
        double bc1 = 1 - Math.pow(beta1, step), bc2 = 1 - Math.pow(beta2, step);
        for (int i = 0; i < params.size(); i++) {
            Tensor g = params.get(i).grad();
            if (g == null) continue;
            Tensor vi = v.get(i), mi = m.get(i);
            vi.affineInPlace(beta2, 0).addInPlace(g.square().mul(1 - beta2));
            Tensor normalized = g.div(vi.mul(1 / bc2).sqrt().add(eps));
            mi.affineInPlace(beta1, 0).addInPlace(normalized.mul(1 - beta1));
            params.get(i).value().subInPlace(mi.mul(lr / bc1));
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
        for (int i = 0; i < params.size(); i++)
            for (String key : new String[] {"exp_avg." + names.get(i), "exp_avg_sq." + names.get(i)})
                if (state.get(key) == null || !state.get(key).shape().equals(params.get(i).shape()))
                    throw new IllegalArgumentException("LaProp.importState: missing or mis-shaped '" + key + "'");
        if (state.get("step") == null) throw new IllegalArgumentException("LaProp.importState: missing 'step'");
        step = (long) state.get("step").item();
        for (int i = 0; i < params.size(); i++) {
            m.get(i).copyFrom(state.get("exp_avg." + names.get(i)).toType(m.get(i).dtype()));
            v.get(i).copyFrom(state.get("exp_avg_sq." + names.get(i)).toType(v.get(i).dtype()));
        }
    }
}
