package somnium.autograd;

import java.util.Random;
import java.util.function.Function;
import somnium.tensor.DType;
import somnium.tensor.Tensor;

/**
 * Checks backward against central finite differences:
 * {@code dL/dx_j ~ (L(x + eps e_j) - L(x - eps e_j)) / (2 eps)}.
 *
 * <p>The function may return any shape; it is reduced to a scalar {@code L = sum(f(x) * r)} with a fixed
 * random {@code r}, so every output element's gradient is exercised (a plain sum would hide e.g. a softmax
 * backward, whose gradient of sum is zero). Use float64 inputs: then {@code eps = 1e-6} and a tolerance of
 * about {@code 1e-6} make the check sharp. In float32 the rounding error of L is about 1e-7 * |L| / eps,
 * so use {@code eps ~ 1e-2} and tolerances near 1e-2 ({@link #F32}).
 */
public final class GradCheck {
    /** Step and tolerances: passes when |analytic - numeric| <= atol + rtol * |numeric|. */
    public record Tolerance(double eps, double atol, double rtol) {}

    public static final Tolerance F64 = new Tolerance(1e-6, 1e-6, 1e-5);
    public static final Tolerance F32 = new Tolerance(1e-2, 2e-2, 2e-2);

    private GradCheck() {}

    /** Checks every input (all must be float); throws AssertionError naming the first mismatch. */
    public static void check(String name, Function<Var[], Var> f, Tensor... inputs) {
        check(name, inputs[0].dtype() == DType.F32 ? F32 : F64, f, inputs);
    }

    public static void check(String name, Tolerance tol, Function<Var[], Var> f, Tensor... inputs) {
        Var[] vars = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) vars[i] = Var.param(inputs[i].copy());
        Var out = f.apply(vars);
        if (!out.requiresGrad()) throw new AssertionError(name + ": the output does not depend on any input through recorded ops");
        Tensor r = projection(out.value());
        out.mul(r).sum().backward();

        for (int i = 0; i < inputs.length; i++) {
            Tensor x = inputs[i].copy();
            Tensor analytic = vars[i].grad() == null ? x.zerosLike() : vars[i].grad();
            double[] a = analytic.toDoubleArray();
            Var[] probe = new Var[inputs.length];
            for (int k = 0; k < inputs.length; k++) probe[k] = Var.constant(k == i ? x : inputs[k]);
            int numel = x.numel();
            int[] idx = new int[x.rank()];
            for (int j = 0; j < numel; j++) {
                double orig = x.get(idx);
                x.set(orig + tol.eps(), idx);
                double plus = loss(f, probe, r);
                x.set(orig - tol.eps(), idx);
                double minus = loss(f, probe, r);
                x.set(orig, idx);
                double numeric = (plus - minus) / (2 * tol.eps());
                if (!(Math.abs(a[j] - numeric) <= tol.atol() + tol.rtol() * Math.abs(numeric)))
                    throw new AssertionError(String.format(java.util.Locale.ROOT,
                            "%s: gradient of input %d %s at element %s: analytic %.8g vs numeric %.8g",
                            name, i, x.shape(), java.util.Arrays.toString(idx), a[j], numeric));
                next(idx, x.dims());
            }
        }
    }

    private static double loss(Function<Var[], Var> f, Var[] inputs, Tensor r) {
        try (NoGrad ng = NoGrad.open()) {
            return f.apply(inputs).value().mul(r).sum().item();
        }
    }

    private static Tensor projection(Tensor like) {
        Random rnd = new Random(1234);
        double[] d = new double[like.numel()];
        for (int i = 0; i < d.length; i++) d[i] = rnd.nextGaussian();
        return Tensor.of(d, like.dims()).toType(like.dtype());
    }

    private static void next(int[] idx, int[] dims) {
        for (int d = dims.length - 1; d >= 0; d--) {
            if (++idx[d] < dims[d]) return;
            idx[d] = 0;
        }
    }
}
