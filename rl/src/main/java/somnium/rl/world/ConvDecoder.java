package somnium.rl.world;

import somnium.autograd.Var;
import somnium.autograd.nn.Activation;
import somnium.autograd.nn.ConvTranspose2d;
import somnium.autograd.nn.Linear;
import somnium.autograd.nn.Module;
import somnium.tensor.Rng;

/**
 * The PlaNet/Dreamer image decoder: Linear(feature -> 32 depth) viewed as a 1x1 image, then four
 * transposed convolutions, stride 2, kernels 5, 5, 6, 6, channels 4d, 2d, d, 3:
 * 1x1 -> 5x5 -> 13x13 -> 30x30 -> 64x64. The output is the mean of a unit-variance Gaussian per pixel.
 */
public final class ConvDecoder extends Module {
    private final Linear fc;
    private final ConvTranspose2d[] deconvs = new ConvTranspose2d[4];
    private final Activation act;
    private final int depth;

    public ConvDecoder(int featureSize, int depth, Activation act, Rng rng) {
        this.depth = depth;
        this.act = act;
        fc = module("fc", new Linear(featureSize, 32 * depth, rng));
        int[] outs = {4 * depth, 2 * depth, depth, 3};
        int[] kernels = {5, 5, 6, 6};
        int in = 32 * depth;
        for (int i = 0; i < 4; i++) {
            deconvs[i] = module("deconv" + i, new ConvTranspose2d(in, outs[i], kernels[i], 2, 0, true, rng));
            in = outs[i];
        }
    }

    /** [N, feature] -> [N, 3, 64, 64]. */
    public Var forward(Var feature) {
        Var x = fc.forward(feature).reshape(feature.dim(0), 32 * depth, 1, 1);
        for (int i = 0; i < 4; i++) {
            x = deconvs[i].forward(x);
            if (i < 3) x = act.apply(x);
        }
        return x;
    }
}
