package somnium.rl.world;

import java.io.IOException;
import java.nio.file.Path;

import somnium.autograd.NoGrad;
import somnium.autograd.Var;
import somnium.rl.replay.Batch;
import somnium.rl.replay.ReplayBuffer;
import somnium.rl.train.VideoWriter;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/**
 * Open-loop prediction videos (PlaNet, Dreamer): the model filters the first {@code context} real frames
 * with its posterior, then imagines the rest of the sequence from the prior under the recorded actions,
 * and decodes every latent. Rows: real, model, error; columns: sequences.
 */
public final class OpenLoop {
    private OpenLoop() {}

    /** Predicted images [B, T, 3, 64, 64]: posterior means for t < context, prior means after. */
    public static Tensor predict(WorldModel model, Batch batch, int context, Rng rng) {
        if (!model.spec.useImages()) throw new IllegalArgumentException("OpenLoop: the model does not read images");
        int b = batch.batchSize(), t = batch.length();
        try (NoGrad ng = NoGrad.open()) {
            Tensor obs = model.observations(batch, rng);
            Var embed = model.embed(Var.constant(obs.narrow(1, 0, Math.min(context, t)).contiguous()));
            Rssm.Rollout roll = model.rssm.observeSequence(embed, Var.constant(batch.actions().narrow(1, 0, Math.min(context, t)).contiguous()),
                    batch.isFirst().narrow(1, 0, Math.min(context, t)).contiguous(), rng);
            Var[] frames = new Var[t];
            Rssm.State state = null;
            for (int i = 0; i < t; i++) {
                if (i < context) {
                    Rssm.State post = roll.posteriors()[i];
                    state = new Rssm.State(post.deter(), post.mean(), post.mean(), post.std());
                } else {
                    state = model.rssm.imagine(state, Var.constant(batch.actions().select(1, i).contiguous()), null);
                }
                frames[i] = model.decode(state.feature());
            }
            return Var.stack(1, frames).value().clamp(-0.5, 0.5);
        }
    }

    /** Samples {@code sequences} windows of {@code length} steps and writes their open-loop video. */
    public static void write(WorldModel model, ReplayBuffer replay, int length, int context, Rng rng, Path file, int sequences) throws IOException {
        Batch batch = replay.sample(sequences, length, rng);
        Tensor pred = predict(model, batch, context, rng);
        VideoWriter.writeOpenLoop(file, batch.images(), pred, context, 2, 100);
    }

    public static void write(WorldModel model, ReplayBuffer replay, int length, int context, Rng rng, Path file) throws IOException {
        write(model, replay, length, context, rng, file, 6);
    }
}
