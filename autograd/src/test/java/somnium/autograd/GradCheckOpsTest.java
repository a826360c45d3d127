package somnium.autograd;

import static somnium.autograd.GradCheck.check;

import java.util.Random;
import org.junit.jupiter.api.Test;
import somnium.tensor.DType;
import somnium.tensor.Tensor;

/** A finite-difference gradient check for every differentiable op (float64). */
class GradCheckOpsTest {
    private final Random rnd = new Random(7);

    private Tensor x(int... dims) {
        return R.f64(rnd, dims);
    }

    @Test
    void unaryOps() {
        Tensor a = x(2, 3);
        Tensor pos = R.f64(rnd, 0.3, 2.0, 2, 3);
        Tensor unit = R.f64(rnd, -0.8, 0.8, 2, 3);
        Tensor kinky = R.awayFromZero(rnd, 0.05, 2, 3);
        check("neg", v -> v[0].neg(), a);
        check("exp", v -> v[0].exp(), a);
        check("log", v -> v[0].log(), pos);
        check("log1p", v -> v[0].log1p(), pos);
        check("tanh", v -> v[0].tanh(), a);
        check("sigmoid", v -> v[0].sigmoid(), a);
        check("relu", v -> v[0].relu(), kinky);
        check("elu", v -> v[0].elu(0.7), kinky);
        check("silu", v -> v[0].silu(), a);
        check("mish", v -> v[0].mish(), a);
        check("softplus", v -> v[0].softplus(), a);
        check("square", v -> v[0].square(), a);
        check("sqrt", v -> v[0].sqrt(), pos);
        check("rsqrt", v -> v[0].rsqrt(), pos);
        check("reciprocal", v -> v[0].reciprocal(), pos);
        check("abs", v -> v[0].abs(), kinky);
        check("sin", v -> v[0].sin(), a);
        check("cos", v -> v[0].cos(), a);
        check("atanh", v -> v[0].atanh(), unit);
        check("symlog", v -> v[0].symlog(), kinky);
        check("symexp", v -> v[0].symexp(), kinky);
        check("pow", v -> v[0].pow(2.5), pos);
        check("affine", v -> v[0].affine(-1.5, 0.25), a);
        check("rsub", v -> v[0].rsub(3), a);
    }

    @Test
    void clampPassesGradientOnlyInside() {
        Tensor a = Tensor.of(new double[] {-2, -0.5, 0.1, 0.7, 1.9, 3}, 2, 3);
        check("clamp", v -> v[0].clamp(-1, 1), a);
    }

    @Test
    void binaryOpsWithBroadcasting() {
        Tensor a = x(4, 3), row = x(3), col = x(4, 1), scalar = x();
        Tensor den = R.f64(rnd, 0.5, 2, 4, 1);
        check("add", v -> v[0].add(v[1]), a, row);
        check("add col", v -> v[0].add(v[1]), col, a);
        check("sub", v -> v[0].sub(v[1]), a, col);
        check("mul", v -> v[0].mul(v[1]), a, row);
        check("mul scalar", v -> v[0].mul(v[1]), a, scalar);
        check("div", v -> v[0].div(v[1]), a, den);
        check("rank-3 broadcast", v -> v[0].mul(v[1]), x(2, 1, 3), x(4, 1));
        Tensor b = a.add(R.awayFromZero(rnd, 0.1, 4, 3)); // no ties
        check("maximum", v -> v[0].maximum(v[1]), a, b);
        check("minimum", v -> v[0].minimum(v[1]), a, b);
    }

    @Test
    void whereRoutesGradientToTheTakenBranch() {
        Tensor cond = Tensor.of(new float[] {1, 0, 1, 0, 0, 1}, 2, 3);
        check("where", v -> Var.where(cond, v[0], v[1]), x(2, 3), x(3));
    }

    @Test
    void reductions() {
        Tensor a = x(3, 4, 2);
        check("sum all", v -> v[0].sum(), a);
        check("sum axis", v -> v[0].sum(1), a);
        check("sum axes keep", v -> v[0].sum(new int[] {0, 2}, true), a);
        check("mean", v -> v[0].mean(-1), a);
        check("mean all", v -> v[0].mean(), a);
        check("max", v -> v[0].max(1, false), a);
        check("min keep", v -> v[0].min(0, true), a);
        check("logsumexp", v -> v[0].logsumexp(1), a);
        check("var", v -> v[0].var(1, false), a);
    }

    @Test
    void maxSharesGradientAmongTies() {
        Var x = Var.param(Tensor.of(new double[] {1, 3, 3, 2}, 4));
        x.max().backward();
        org.junit.jupiter.api.Assertions.assertArrayEquals(new double[] {0, 0.5, 0.5, 0}, x.grad().toDoubleArray(), 1e-12);
    }

    @Test
    void matmulAndLinear() {
        check("matmul", v -> v[0].matmul(v[1]), x(3, 4), x(4, 2));
        check("matmul batched broadcast", v -> v[0].matmul(v[1]), x(2, 3, 4), x(4, 5));
        check("matmul transposed view", v -> v[0].matmul(v[1].t()), x(3, 4), x(5, 4));
        check("linear", v -> v[0].linear(v[1], v[2]), x(2, 3, 4), x(5, 4), x(5));
        check("linear no bias", v -> v[0].linear(v[1], null), x(3, 4), x(2, 4));
        check("linear of a broadcast row", v -> v[0].expand(6, 4).linear(v[1], v[2]).mul(v[3]), x(1, 4), x(5, 4), x(5), x(6, 5));
    }

    @Test
    void convolutions() {
        check("conv2d", v -> v[0].conv2d(v[1], v[2], 2, 1), x(2, 2, 5, 5), x(3, 2, 3, 3), x(3));
        check("conv2d no bias", v -> v[0].conv2d(v[1], null, 1, 0), x(1, 2, 4, 4), x(2, 2, 2, 2));
        check("convTranspose2d", v -> v[0].convTranspose2d(v[1], v[2], 2, 1), x(2, 3, 3, 3), x(3, 2, 4, 4), x(2));
    }

    @Test
    void shapes() {
        Tensor a = x(2, 3, 4);
        check("reshape", v -> v[0].reshape(6, 4).mul(v[0].reshape(6, 4)), a);
        check("flatten", v -> v[0].flatten(1, 2), a);
        check("permute", v -> v[0].permute(2, 0, 1), a);
        check("transpose", v -> v[0].transpose(0, 2), a);
        check("unsqueeze/squeeze", v -> v[0].unsqueeze(1).squeeze(1).unsqueeze(-1), a);
        check("expand", v -> v[0].expand(3, 4, 2), x(4, 1));
        check("narrow", v -> v[0].narrow(1, 1, 2), a);
        check("select", v -> v[0].select(2, 3), a);
        check("split", v -> { Var[] p = v[0].split(2, 1, 3); return p[0].mul(p[1].sum(2, true)); }, a);
        check("chunk", v -> { Var[] p = v[0].chunk(2, 2); return p[0].mul(p[1]); }, a);
        // slices of an intermediate mixed with whole-tensor gradients (Node.gradSlice adds into one owned buffer)
        check("slices of an intermediate", v -> {
            Var y = v[0].mul(v[0]);
            return y.select(2, 1).unsqueeze(2).mul(y.narrow(2, 0, 2)).sum(2).add(y.select(0, 1).sum(1)).add(y.narrow(2, 1, 3).sum(2)).add(y.sum(2));
        }, a);
        check("whole gradient first, then slices", v -> {
            Var y = v[0].tanh();
            return y.sum(0).add(y.select(0, 1).mul(2)).add(y.select(0, 0).mul(y.select(0, 1)));
        }, a);
        check("concat", v -> Var.concat(1, v[0], v[1]), x(2, 3), x(2, 2));
        check("stack", v -> Var.stack(0, v[0], v[1]), x(2, 3), x(2, 3));
    }

    @Test
    void indexing() {
        Tensor idx = Tensor.ofInts(new int[] {0, 2, 2, 1, 0, 0}, 2, 3);
        check("gather", v -> v[0].gather(1, idx), x(2, 4));
        check("scatterAdd", v -> v[0].scatterAdd(1, idx, v[1]), x(2, 4), x(2, 3));
        check("indexSelect", v -> v[0].indexSelect(0, Tensor.ofInts(new int[] {2, 0, 2}, 3)), x(3, 4));
        check("indexSelect axis 1", v -> v[0].indexSelect(1, Tensor.ofInts(new int[] {1, 1}, 2)), x(3, 4));
    }

    @Test
    void softmaxFamily() {
        check("softmax", v -> v[0].softmax(-1), x(3, 5));
        check("softmax axis 0", v -> v[0].softmax(0), x(3, 5));
        check("logSoftmax", v -> v[0].logSoftmax(1), x(3, 5));
    }

    @Test
    void float32CheckWithLooserTolerance() {
        Tensor a = x(3, 4).toType(DType.F32), w = x(4, 2).toType(DType.F32);
        check("f32 tanh(matmul)", v -> v[0].matmul(v[1]).tanh(), a, w);
    }
}
