package somnium.rl.train;

import java.util.Map;

/** The learner: one gradient update (it samples its own batch from the replay). */
@FunctionalInterface
public interface Updater {
    /** Performs one update and returns named scalars to log, e.g. {@code model_loss}, {@code kl}. */
    Map<String, Double> update();
}
