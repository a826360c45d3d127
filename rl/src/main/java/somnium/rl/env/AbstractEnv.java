package somnium.rl.env;

import java.util.SplittableRandom;
import somnium.rl.env.render.Canvas;

/**
 * Shared plumbing of the built-in environments: seeding, action checks, the reset/step state machine
 * and the cached renderer. A subclass supplies the physics ({@link #resetState}, {@link #advance}),
 * the observation ({@link #observe}) and the drawing ({@link #paintBackground}, {@link #paint}).
 * Physics state is kept in doubles; observations are float32 like the references.
 */
public abstract class AbstractEnv implements Env {
    private final String id;
    private final ObservationSpec observationSpec;
    private final ActionSpec actionSpec;
    private SplittableRandom rng = new SplittableRandom(0);
    private boolean needsReset = true;
    /** Set by {@link #advance} when the step reached a terminal state. */
    protected boolean terminal;
    private Canvas canvas;

    protected AbstractEnv(String id, ObservationSpec observationSpec, ActionSpec actionSpec) {
        this.id = id;
        this.observationSpec = observationSpec;
        this.actionSpec = actionSpec;
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final ObservationSpec observationSpec() {
        return observationSpec;
    }

    @Override
    public final ActionSpec actionSpec() {
        return actionSpec;
    }

    @Override
    public final Observation reset(long seed) {
        rng = new SplittableRandom(seed);
        return reset();
    }

    @Override
    public final Observation reset() {
        resetState(rng);
        terminal = false;
        needsReset = false;
        return Observation.ofState(observe());
    }

    @Override
    public final Step step(float[] action) {
        if (needsReset)
            throw new IllegalStateException(id + ": step() called before reset() or after the episode terminated");
        actionSpec.check(id, action);
        terminal = false;
        double reward = advance(action);
        if (terminal) needsReset = true;
        return new Step(Observation.ofState(observe()), reward, terminal, false);
    }

    @Override
    public final void render(byte[] out, int width, int height) {
        if (out.length != width * height * 3)
            throw new IllegalArgumentException(id + ": render buffer has " + out.length + " bytes, expected "
                    + width + "x" + height + "x3 = " + width * height * 3);
        Canvas c = canvas;
        if (c == null || c.width != width || c.height != height) {
            c = new Canvas(width, height);
            paintBackground(c);
            c.saveBackground();
            canvas = c;
        }
        c.begin(out);
        paint(c);
    }

    /** Draws a random initial state from {@code rng}. */
    protected abstract void resetState(SplittableRandom rng);

    /** Applies a checked action, advances the physics, returns the reward; sets {@link #terminal}. */
    protected abstract double advance(float[] action);

    /** The current observation as a fresh float array. */
    protected abstract float[] observe();

    /** Draws everything that never moves (sky, floor, rails); called once per image size. */
    protected abstract void paintBackground(Canvas c);

    /** Draws the moving parts on top of the background already in the canvas. */
    protected abstract void paint(Canvas c);

    static double clip(double x, double lo, double hi) {
        return x < lo ? lo : (x > hi ? hi : x);
    }

    static double uniform(SplittableRandom rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
