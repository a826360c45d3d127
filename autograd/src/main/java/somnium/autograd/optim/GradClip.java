package somnium.autograd.optim;

import java.util.List;
import somnium.autograd.Var;
import somnium.tensor.Tensor;

/** Gradient clipping, applied between backward and the optimizer step. */
public final class GradClip {
    private GradClip() {}

    /** The L2 norm of all gradients together (parameters without a gradient count as zero). */
    public static double globalNorm(List<Var> params) {
        double ss = 0;
        for (Var p : params) if (p.grad() != null) ss += p.grad().square().sum().item();
        return Math.sqrt(ss);
    }

    /**
     * Scales all gradients by min(1, maxNorm / (norm + 1e-6)) (torch.nn.utils.clip_grad_norm_) and returns
     * the norm before clipping (log it: exploding gradients show there first).
     */
    public static double clipGradNorm(List<Var> params, double maxNorm) {
        double norm = globalNorm(params);
        double scale = maxNorm / (norm + 1e-6);
        if (scale < 1)
            for (Var p : params) if (p.grad() != null) p.grad().affineInPlace(scale, 0);
        return norm;
    }

    /**
     * Adaptive gradient clipping (Brock et al. 2021, as DreamerV3 uses it per parameter tensor): scale each
     * gradient so that ||g|| <= clip * max(||p||, pmin). Returns how many tensors were clipped.
     */
    public static int adaptiveClip(List<Var> params, double clip, double pmin) {
        int clipped = 0;
        for (Var p : params) {
            Tensor g = p.grad();
            if (g == null) continue;
            double gn = Math.sqrt(g.square().sum().item());
            double pn = Math.sqrt(p.value().square().sum().item());
            double upper = clip * Math.max(pn, pmin);
            if (gn > upper) {
                g.affineInPlace(upper / gn, 0);
                clipped++;
            }
        }
        return clipped;
    }
}
