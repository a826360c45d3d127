package somnium.kernels.reference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.function.Function;
import somnium.tensor.Philox;

/** Helpers for the reference tests: seeded random arrays, tolerance checks, finite differences. */
final class Ref {
    private Ref() {}

    static float[] rand(long seed, int n, float lo, float hi) {
        float[] a = new float[n];
        Philox.fillUniform(a, 0, n, seed, 0, lo, hi);
        return a;
    }

    static float[] randn(long seed, int n) {
        float[] a = new float[n];
        Philox.fillNormal(a, 0, n, seed, 0, 0f, 1f);
        return a;
    }

    /** |got - want| <= tol + |want| * eps elementwise. */
    static void assertClose(float[] want, float[] got, double tol, double eps, String what) {
        assertEquals(want.length, got.length, what + ": length");
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs((double) got[i] - want[i]);
            if (!(err <= tol + Math.abs(want[i]) * eps))
                fail(what + "[" + i + "]: expected " + want[i] + ", got " + got[i] + " (|err| " + err + ")");
        }
    }

    /** Central differences of scalar f at x, step h, in double (x is perturbed in place and restored). */
    static double[] numericGrad(float[] x, Function<float[], Double> f, float h) {
        double[] g = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            float old = x[i];
            x[i] = old + h;
            double up = f.apply(x);
            x[i] = old - h;
            double down = f.apply(x);
            x[i] = old;
            g[i] = (up - down) / (2.0 * h);
        }
        return g;
    }

    static void assertCloseGrad(double[] want, float[] got, double tol, double eps, String what) {
        float[] w = new float[want.length];
        for (int i = 0; i < w.length; i++) w[i] = (float) want[i];
        assertClose(w, got, tol, eps, what);
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) s += (double) a[i] * b[i];
        return s;
    }
}
