package somnium.autograd;

import java.util.Random;
import somnium.tensor.Tensor;

/** Test helpers: random float64 tensors from java.util.Random. */
public final class R {
    private R() {}

    public static Tensor f64(Random r, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = r.nextGaussian();
        return Tensor.of(v, dims);
    }

    /** Values in [lo, hi). */
    public static Tensor f64(Random r, double lo, double hi, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = lo + (hi - lo) * r.nextDouble();
        return Tensor.of(v, dims);
    }

    public static Tensor f32(Random r, int... dims) {
        return f64(r, dims).toType(somnium.tensor.DType.F32);
    }

    /** Values whose magnitude stays at least {@code gap} away from 0 (for relu/abs/clamp kinks). */
    public static Tensor awayFromZero(Random r, double gap, int... dims) {
        int n = 1;
        for (int d : dims) n *= d;
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            double x = r.nextGaussian();
            v[i] = Math.signum(x == 0 ? 1 : x) * (gap + Math.abs(x));
        }
        return Tensor.of(v, dims);
    }
}
