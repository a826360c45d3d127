package somnium.rl.env;

/**
 * dm_control's {@code rewards.tolerance}: 1 when {@code lower <= x <= upper}; outside, with
 * {@code margin == 0}, 0; otherwise {@code sigmoid(d)} where d is the distance to the nearest bound
 * divided by the margin, and each sigmoid is scaled so that {@code sigmoid(1) == valueAtMargin}.
 */
public final class Tolerance {
    /** The sigmoids of dm_control {@code utils/rewards.py}. */
    public enum Sigmoid { GAUSSIAN, HYPERBOLIC, LONG_TAIL, RECIPROCAL, COSINE, LINEAR, QUADRATIC, TANH_SQUARED }

    private Tolerance() {}

    /** {@code tolerance(x, bounds=(lower, upper))}: margin 0, so an indicator of the interval. */
    public static double tolerance(double x, double lower, double upper) {
        return tolerance(x, lower, upper, 0, Sigmoid.GAUSSIAN, 0.1);
    }

    /** The full function (dm_control defaults: bounds (0,0), margin 0, gaussian, value_at_margin 0.1). */
    public static double tolerance(double x, double lower, double upper, double margin, Sigmoid sigmoid,
            double valueAtMargin) {
        if (lower > upper) throw new IllegalArgumentException("Tolerance: lower bound " + lower + " > upper " + upper);
        if (margin < 0) throw new IllegalArgumentException("Tolerance: margin must be non-negative, got " + margin);
        boolean inBounds = lower <= x && x <= upper;
        if (inBounds) return 1.0;
        if (margin == 0) return 0.0;
        double d = (x < lower ? lower - x : x - upper) / margin;
        return sigmoid(d, valueAtMargin, sigmoid);
    }

    /** A sigmoid with {@code value(0) == 1} and {@code value(1) == valueAt1}. */
    public static double sigmoid(double x, double valueAt1, Sigmoid s) {
        boolean allowsZero = s == Sigmoid.COSINE || s == Sigmoid.LINEAR || s == Sigmoid.QUADRATIC;
        if (allowsZero ? !(valueAt1 >= 0 && valueAt1 < 1) : !(valueAt1 > 0 && valueAt1 < 1))
            throw new IllegalArgumentException("Tolerance: value_at_margin must be in " + (allowsZero ? "[0, 1)" : "(0, 1)")
                    + " for " + s + ", got " + valueAt1);
        switch (s) {
            case GAUSSIAN: {
                double scale = Math.sqrt(-2 * Math.log(valueAt1));
                return Math.exp(-0.5 * (x * scale) * (x * scale));
            }
            case HYPERBOLIC: {
                double v = 1 / valueAt1;
                double scale = Math.log(v + Math.sqrt(v * v - 1)); // arccosh
                return 1 / Math.cosh(x * scale);
            }
            case LONG_TAIL: {
                double scale = Math.sqrt(1 / valueAt1 - 1);
                return 1 / ((x * scale) * (x * scale) + 1);
            }
            case RECIPROCAL: {
                double scale = 1 / valueAt1 - 1;
                return 1 / (Math.abs(x) * scale + 1);
            }
            case COSINE: {
                double scale = Math.acos(2 * valueAt1 - 1) / Math.PI;
                double sx = x * scale;
                return Math.abs(sx) < 1 ? (1 + Math.cos(Math.PI * sx)) / 2 : 0.0;
            }
            case LINEAR: {
                double sx = x * (1 - valueAt1);
                return Math.abs(sx) < 1 ? 1 - sx : 0.0;
            }
            case QUADRATIC: {
                double sx = x * Math.sqrt(1 - valueAt1);
                return Math.abs(sx) < 1 ? 1 - sx * sx : 0.0;
            }
            case TANH_SQUARED: {
                double v = Math.sqrt(1 - valueAt1);
                double scale = 0.5 * Math.log((1 + v) / (1 - v)); // arctanh
                double t = Math.tanh(x * scale);
                return 1 - t * t;
            }
            default:
                throw new IllegalArgumentException("Tolerance: unknown sigmoid " + s);
        }
    }
}
