package somnium.rl.replay;

import somnium.tensor.Device;
import somnium.tensor.Tensor;

/**
 * A batch of B sequences of length T, float32; the replay makes it on the CPU ({@link #to} moves it). Time step t of a sequence follows the
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
    /** This batch with every tensor on {@code device} (itself when it is there already). */
    public Batch to(Device device) {
        if (actions.device().equals(device)) return this;
        return new Batch(on(states, device), on(images, device), actions.to(device), rewards.to(device), on(isFirst, device),
                on(isLast, device), on(isTerminal, device), on(discount, device));
    }

    private static Tensor on(Tensor t, Device device) {
        return t == null ? null : t.to(device);
    }

    public int batchSize() {
        return actions.shape().dim(0);
    }

    public int length() {
        return actions.shape().dim(1);
    }
}
