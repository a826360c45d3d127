package somnium.rl.replay;

import somnium.tensor.Tensor;

/**
 * A batch of B sequences of length T, float32 on the CPU. Time step t of a sequence follows the
 * {@link Step} convention: {@code actions[b, t]} led to observation t and {@code rewards[b, t]} was
 * received on arriving there.
 *
 * @param states     [B, T, stateDim], or {@code null} when the episodes carry no state (stateDim 0)
 * @param images     [B, T, 3, 64, 64] in [-0.5, 0.5] (uint8 / 255 - 0.5), or {@code null} without images
 * @param actions    [B, T, A]
 * @param rewards    [B, T]
 * @param isFirst    [B, T], 1 where the step is the reset observation of its episode
 * @param isLast     [B, T], 1 where the episode ends (terminated or truncated)
 * @param isTerminal [B, T], 1 where the episode terminated (no bootstrap); truncation is not terminal
 * @param discount   [B, T], 1 - isTerminal: multiply by gamma for the per-step discount
 */
public record Batch(Tensor states, Tensor images, Tensor actions, Tensor rewards,
                    Tensor isFirst, Tensor isLast, Tensor isTerminal, Tensor discount) {
    public int batchSize() {
        return actions.shape().dim(0);
    }

    public int length() {
        return actions.shape().dim(1);
    }
}
