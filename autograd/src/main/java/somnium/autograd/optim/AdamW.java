package somnium.autograd.optim;

import java.util.Map;
import somnium.autograd.Var;

/** Adam with decoupled weight decay (Loshchilov & Hutter): p -= lr * wd * p, separate from the gradient. */
public final class AdamW extends Adam {
    public AdamW(Map<String, Var> named, double lr, double beta1, double beta2, double eps, double weightDecay) {
        super(named, lr, beta1, beta2, eps, weightDecay, true);
    }

    /** torch.optim.AdamW defaults: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public AdamW(Map<String, Var> named, double lr) {
        this(named, lr, 0.9, 0.999, 1e-8, 0.01);
    }
}
