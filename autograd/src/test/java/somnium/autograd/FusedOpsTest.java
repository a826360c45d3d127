package somnium.autograd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import somnium.tensor.DType;
import somnium.tensor.Tensor;

/** Every fused op against its composite twin (same values, same gradients) and a gradient check. */
class FusedOpsTest {
    private final Random rnd = new Random(11);

    /** Runs f and twin on copies of the inputs and compares outputs and all input gradients. */
    static void sameAsTwin(String name, Function<Var[], Var> f, Function<Var[], Var> twin, double tol, Tensor... inputs) {
        Var[] a = new Var[inputs.length], b = new Var[inputs.length];
        for (int i = 0; i < inputs.length; i++) {
            a[i] = Var.param(inputs[i].copy());
            b[i] = Var.param(inputs[i].copy());
        }
        Var ya = f.apply(a), yb = twin.apply(b);
        assertTrue(ya.value().allClose(yb.value(), tol, tol), name + ": values differ");
        Tensor r = R.f64(new Random(5), ya.value().dims()).toType(ya.dtype());
        ya.mul(r).sum().backward();
        yb.mul(r).sum().backward();
        for (int i = 0; i < inputs.length; i++)
            assertTrue(a[i].grad().allClose(b[i].grad(), tol, tol), name + ": gradient of input " + i + " differs: "
                    + a[i].grad() + " vs " + b[i].grad());
    }

    @Test
    void gruCellFusedMatchesComposite() {
        int b = 3, h = 5;
        Tensor gi = R.f64(rnd, b, 3 * h), gh = R.f64(rnd, b, 3 * h), hv = R.f64(rnd, b, h);
        sameAsTwin("gruCell f64", v -> FusedOps.gruCell(v[0], v[1], v[2]), v -> FusedOps.gruCellComposite(v[0], v[1], v[2]), 1e-12, gi, gh, hv);
        // float32 goes through the CPU backend's vectorized kernel
        sameAsTwin("gruCell f32", v -> FusedOps.gruCell(v[0], v[1], v[2]), v -> FusedOps.gruCellComposite(v[0], v[1], v[2]), 1e-5,
                gi.toType(DType.F32), gh.toType(DType.F32), hv.toType(DType.F32));
        GradCheck.check("gruCell", v -> FusedOps.gruCell(v[0], v[1], v[2]), gi, gh, hv);
    }

    @Test
    void layerNormFusedMatchesComposite() {
        Tensor x = R.f64(rnd, 2, 3, 6), g = R.f64(rnd, 6), b = R.f64(rnd, 6);
        sameAsTwin("layerNorm", v -> FusedOps.layerNorm(v[0], v[1], v[2], 1e-3), v -> FusedOps.layerNormComposite(v[0], v[1], v[2], 1e-3), 1e-10, x, g, b);
        sameAsTwin("layerNorm no affine", v -> FusedOps.layerNorm(v[0], null, null, 1e-5), v -> FusedOps.layerNormComposite(v[0], null, null, 1e-5), 1e-10, x);
        GradCheck.check("layerNorm", v -> FusedOps.layerNorm(v[0], v[1], v[2], 1e-3), x, g, b);
    }

    @Test
    void gaussianKlFusedMatchesCompositeAndClosedForm() {
        Tensor m1 = R.f64(rnd, 4, 3), s1 = R.f64(rnd, 0.3, 2, 4, 3), m2 = R.f64(rnd, 4, 3), s2 = R.f64(rnd, 0.3, 2, 4, 3);
        sameAsTwin("gaussianKl", v -> FusedOps.gaussianKl(v[0], v[1], v[2], v[3]), v -> FusedOps.gaussianKlComposite(v[0], v[1], v[2], v[3]), 1e-10, m1, s1, m2, s2);
        GradCheck.check("gaussianKl", v -> FusedOps.gaussianKl(v[0], v[1], v[2], v[3]), m1, s1, m2, s2);
        // KL(N(0,1) || N(1,2)) = log 2 + (1 + 1)/8 - 1/2
        Var kl = FusedOps.gaussianKl(Var.scalar(0), Var.scalar(1), Var.scalar(1), Var.scalar(2));
        assertEquals(Math.log(2) + 0.25 - 0.5, kl.item(), 1e-6);
    }

    @Test
    void normalRsampleFusedMatchesComposite() {
        Tensor m = R.f64(rnd, 4, 3), s = R.f64(rnd, 0.3, 2, 4, 3), eps = R.f64(rnd, 4, 3);
        sameAsTwin("normalRsample", v -> FusedOps.normalRsample(v[0], v[1], eps), v -> FusedOps.normalRsampleComposite(v[0], v[1], eps), 1e-12, m, s);
        GradCheck.check("normalRsample", v -> FusedOps.normalRsample(v[0], v[1], eps), m, s);
    }

    @Test
    void softmaxCrossEntropyFusedMatchesComposite() {
        Tensor logits = R.f64(rnd, 4, 5);
        Tensor target = R.f64(rnd, 4, 5).softmax(-1);
        sameAsTwin("softmaxCE", v -> FusedOps.softmaxCrossEntropy(v[0], v[1]), v -> FusedOps.softmaxCrossEntropyComposite(v[0], v[1]), 1e-10, logits, target);
        GradCheck.check("softmaxCE", v -> FusedOps.softmaxCrossEntropy(v[0], v[1]), logits, target);
        Tensor labels = Tensor.ofInts(new int[] {0, 4, 2, 2}, 4);
        GradCheck.check("softmaxCE labels", v -> FusedOps.softmaxCrossEntropy(v[0], labels), logits);
    }
}
