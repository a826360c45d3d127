package somnium.rl.world;

import somnium.autograd.Var;
import somnium.autograd.nn.Activation;
import somnium.autograd.nn.Conv2d;
import somnium.autograd.nn.Module;
import somnium.tensor.Rng;

/**
 * The PlaNet/Dreamer image encoder: four convolutions, kernel 4, stride 2, channels depth x (1, 2, 4, 8),
 * each followed by the activation: 3x64x64 -> d x31x31 -> 2d x14x14 -> 4d x6x6 -> 8d x2x2, flattened to
 * {@code 32 * depth} (1024 at the papers' depth 32).
 */
public final class ConvEncoder extends Module {
    private final Conv2d[] convs = new Conv2d[4];
    private final Activation act;
    public final int depth;

    public ConvEncoder(int depth, Activation act, Rng rng) {
        this.depth = depth;
        this.act = act;
        int in = 3;
        for (int i = 0; i < 4; i++) {
            int out = depth << i;
            convs[i] = module("conv" + i, new Conv2d(in, out, 4, 2, 0, true, rng));
            in = out;
        }
    }

    public int outputSize() {
        return 32 * depth;
    }

    /** [N, 3, 64, 64] -> [N, 32 * depth]. */
    public Var forward(Var images) {
        if (images.rank() != 4 || images.dim(1) != 3 || images.dim(2) != 64 || images.dim(3) != 64)
            throw new IllegalArgumentException("ConvEncoder: expected [N, 3, 64, 64] images, got " + images.shape());
        Var x = images;
        for (Conv2d c : convs) x = act.apply(c.forward(x));
        return x.reshape(images.dim(0), -1);
    }
}
