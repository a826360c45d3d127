package somnium.rl.env;

/**
 * MuJoCo's soft joint limit for one degree of freedom, with the default solimp (0.9, 0.95, 0.001, 0.5, 2)
 * and a given solref (timeconst, dampratio). When the joint is past its range by r (r < 0), the
 * constrained acceleration along the joint is pulled towards aref = −b·v − k·d(r)·r with
 * b = 2/(dmax·tc), k = 1/(dmax²·tc²·ζ²), and the constraint force is
 * f = −d·(a0 − aref)/A (A = (M⁻¹)ᵢᵢ), applied only when it pushes back inside (MuJoCo's limit is one-sided).
 * This mirrors a single active limit solved exactly; it is an approximation of MuJoCo only in that
 * MuJoCo's solver handles all constraints jointly (here at most one per joint is ever active).
 */
final class SoftLimit {
    static final double D0 = 0.9, DMAX = 0.95, WIDTH = 0.001, MID = 0.5, POWER = 2;

    private SoftLimit() {}

    /** Impedance d(r) of MuJoCo's solimp function. */
    static double impedance(double r) {
        double x = Math.abs(r) / WIDTH;
        if (x >= 1) return DMAX;
        double y = x <= MID ? Math.pow(MID, 1 - POWER) * Math.pow(x, POWER)
                : 1 - Math.pow(1 - MID, 1 - POWER) * Math.pow(1 - x, POWER);
        return D0 + y * (DMAX - D0);
    }

    /**
     * Generalized constraint force on the joint (0 when inside the range).
     *
     * @param q        joint position
     * @param v        joint velocity
     * @param a0       unconstrained joint acceleration
     * @param invMass  (M⁻¹)ᵢᵢ, the inverse effective mass of the joint
     * @param tc       solref time constant (already clamped to ≥ 2·timestep as MuJoCo does)
     */
    static double force(double q, double v, double a0, double invMass, double lo, double hi, double tc, double dampratio) {
        double r, j;
        if (q < lo) {
            r = q - lo;
            j = 1;
        } else if (q > hi) {
            r = hi - q;
            j = -1;
        } else {
            return 0;
        }
        double d = impedance(r);
        double b = 2 / (DMAX * tc), k = 1 / (DMAX * DMAX * tc * tc * dampratio * dampratio);
        double aref = -b * (j * v) - k * d * r;
        double f = -d * (j * a0 - aref) / invMass;
        return f > 0 ? j * f : 0;
    }
}
