package somnium.rl.train;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One algorithm's training run, created by {@link Algorithm#create}. {@link LoopTrainer} implements all of
 * it on top of {@link TrainLoop}; an algorithm with a different loop can implement this directly.
 */
public interface Trainer {
    /** Trains until the configured number of steps or a {@link #requestStop()}; writes a checkpoint before returning. */
    void train(ProgressSink progress) throws IOException;

    /** Asks {@link #train} to stop at its next safe point (callable from any thread, e.g. a shutdown hook). */
    void requestStop();

    /** Writes a checkpoint of the current state now. */
    void save(Checkpointer checkpointer) throws IOException;

    /** Restores weights, counters, RNG states and the replay from a checkpoint (before {@link #train} or {@link #evaluate}). */
    void load(Checkpoint checkpoint) throws IOException;

    /**
     * Runs {@code episodes} evaluation episodes without exploration noise. If {@code gif} is not null, the
     * first episode's frames are written there as an animated GIF (when the env renders images).
     */
    EvalResult evaluate(int episodes, Path gif) throws IOException;
}
