package somnium.autograd.nn;

import somnium.tensor.DType;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Shape;
import somnium.tensor.Tensor;

/**
 * Weight initializers (float32), each drawing from an {@link Rng} so a run is reproducible. The defaults
 * of the layers follow PyTorch: Linear/Conv weights kaiming-uniform with a = sqrt(5), which works out to
 * U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and biases U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
 */
public final class Init {
    private Init() {}

    public static Tensor uniform(Rng rng, double bound, int... dims) {
        if (bound == 0) return Tensor.zeros(dims);
        return rng.uniform(Shape.of(dims), -bound, bound, DType.F32, Device.CPU);
    }

    public static Tensor normal(Rng rng, double std, int... dims) {
        return rng.normal(Shape.of(dims), 0, std, DType.F32, Device.CPU);
    }

    /** Kaiming (He) uniform: bound = gain * sqrt(3 / fan_in), gain = sqrt(2 / (1 + a^2)) (leaky-ReLU slope a). */
    public static Tensor kaimingUniform(Rng rng, int fanIn, double a, int... dims) {
        double gain = Math.sqrt(2.0 / (1 + a * a));
        return uniform(rng, gain * Math.sqrt(3.0 / fanIn), dims);
    }

    /** Xavier/Glorot uniform: bound = gain * sqrt(6 / (fan_in + fan_out)). */
    public static Tensor xavierUniform(Rng rng, int fanIn, int fanOut, double gain, int... dims) {
        return uniform(rng, gain * Math.sqrt(6.0 / (fanIn + fanOut)), dims);
    }

    /** Xavier/Glorot normal: std = gain * sqrt(2 / (fan_in + fan_out)). */
    public static Tensor xavierNormal(Rng rng, int fanIn, int fanOut, double gain, int... dims) {
        return normal(rng, gain * Math.sqrt(2.0 / (fanIn + fanOut)), dims);
    }

    /**
     * A (semi-)orthogonal [rows, cols] matrix times {@code gain}: Gram-Schmidt on a Gaussian matrix (on its
     * transpose when rows < cols), with the sign fix that makes the distribution uniform (Haar).
     */
    public static Tensor orthogonal(Rng rng, int rows, int cols, double gain) {
        boolean flip = rows < cols;
        int n = flip ? cols : rows, m = flip ? rows : cols; // orthonormalize m columns of length n
        double[] g = rng.normal(Shape.of(m, n), 0, 1, DType.F64, Device.CPU).toDoubleArray();
        for (int j = 0; j < m; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < n; i++) dot += g[j * n + i] * g[k * n + i];
                for (int i = 0; i < n; i++) g[j * n + i] -= dot * g[k * n + i];
            }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += g[j * n + i] * g[j * n + i];
            norm = Math.sqrt(norm);
            for (int i = 0; i < n; i++) g[j * n + i] /= norm;
        }
        float[] out = new float[rows * cols];
        for (int j = 0; j < m; j++)
            for (int i = 0; i < n; i++) {
                int r = flip ? j : i, c = flip ? i : j;
                out[r * cols + c] = (float) (gain * g[j * n + i]);
            }
        return Tensor.of(out, rows, cols);
    }
}
