package somnium.autograd;

import static somnium.autograd.Var.op;
import static somnium.autograd.Var.saving;

import somnium.tensor.Tensor;

/**
 * Elementwise ops. Each method is the forward, and the lambda beside it is the local derivative: for
 * {@code y = f(x)} the backward receives {@code g = dL/dy} and passes on {@code dL/dx = g * f'(x)}.
 * Binary ops broadcast like numpy; {@link Node#grad} sums each gradient back to its input's shape.
 */
final class ElementwiseOps {
    private ElementwiseOps() {}

    // ---- unary: y = f(x), dL/dx = g * f'(x) ----

    static Var neg(Var x) {
        return op("neg", x.value().neg(), (g, n) -> n.grad(0, g.neg()), x);
    }

    static Var exp(Var x) {
        Tensor y = x.value().exp();
        return op("exp", y, saving(y), (g, n) -> n.grad(0, g.mul(y)), x);                    // (e^x)' = e^x
    }

    static Var log(Var x) {
        Tensor xv = x.value();
        return op("log", xv.log(), saving(xv), (g, n) -> n.grad(0, g.div(xv)), x);             // 1/x
    }

    static Var log1p(Var x) {
        Tensor xv = x.value();
        return op("log1p", xv.log1p(), saving(xv), (g, n) -> n.grad(0, g.div(xv.add(1))), x);  // 1/(1+x)
    }

    static Var tanh(Var x) {
        Tensor y = x.value().tanh();
        return op("tanh", y, saving(y), (g, n) -> n.grad(0, g.mul(y.square().rsub(1))), x);   // 1 - y^2
    }

    static Var sigmoid(Var x) {
        Tensor y = x.value().sigmoid();
        return op("sigmoid", y, saving(y), (g, n) -> n.grad(0, g.mul(y.mul(y.rsub(1)))), x);  // y (1 - y)
    }

    static Var relu(Var x) {
        Tensor y = x.value().relu();
        return op("relu", y, saving(y), (g, n) -> n.grad(0, g.mul(y.gt(0))), x);              // 1 if x > 0
    }

    static Var elu(Var x, double alpha) {
        Tensor xv = x.value(), y = xv.elu(alpha);
        // x > 0: 1;  x <= 0: alpha e^x = y + alpha
        return op("elu", y, saving(xv, y), (g, n) -> n.grad(0, Tensor.eluBackward(g, xv, y, alpha)), x);
    }

    static Var silu(Var x) {
        Tensor xv = x.value();
        return op("silu", xv.silu(), saving(xv), (g, n) -> {
            Tensor s = xv.sigmoid();                                                           // s (1 + x (1 - s))
            n.grad(0, g.mul(s.mul(xv.mul(s.rsub(1)).add(1))));
        }, x);
    }

    static Var mish(Var x) {
        Tensor xv = x.value();
        return op("mish", xv.mish(), saving(xv), (g, n) -> {
            Tensor t = xv.softplus().tanh();                                                   // t + x (1 - t^2) sigmoid(x)
            n.grad(0, g.mul(t.add(xv.mul(t.square().rsub(1)).mul(xv.sigmoid()))));
        }, x);
    }

    static Var softplus(Var x) {
        Tensor xv = x.value();
        return op("softplus", xv.softplus(), saving(xv), (g, n) -> n.grad(0, g.mul(xv.sigmoid())), x); // sigmoid(x)
    }

    static Var square(Var x) {
        Tensor xv = x.value();
        return op("square", xv.square(), saving(xv), (g, n) -> n.grad(0, g.mul(xv).mul(2)), x);       // 2x
    }

    static Var sqrt(Var x) {
        Tensor y = x.value().sqrt();
        return op("sqrt", y, saving(y), (g, n) -> n.grad(0, g.div(y).mul(0.5)), x);                    // 1/(2 sqrt x)
    }

    static Var rsqrt(Var x) {
        Tensor y = x.value().rsqrt();
        return op("rsqrt", y, saving(y), (g, n) -> n.grad(0, g.mul(y.pow(3)).mul(-0.5)), x);           // -x^-3/2 / 2
    }

    static Var reciprocal(Var x) {
        Tensor y = x.value().reciprocal();
        return op("reciprocal", y, saving(y), (g, n) -> n.grad(0, g.mul(y.square()).neg()), x);        // -1/x^2
    }

    static Var abs(Var x) {
        Tensor xv = x.value();
        return op("abs", xv.abs(), saving(xv), (g, n) -> n.grad(0, g.mul(xv.sign())), x);              // sign(x)
    }

    static Var sin(Var x) {
        Tensor xv = x.value();
        return op("sin", xv.sin(), saving(xv), (g, n) -> n.grad(0, g.mul(xv.cos())), x);
    }

    static Var cos(Var x) {
        Tensor xv = x.value();
        return op("cos", xv.cos(), saving(xv), (g, n) -> n.grad(0, g.mul(xv.sin()).neg()), x);
    }

    static Var atanh(Var x) {
        Tensor xv = x.value();
        return op("atanh", xv.atanh(), saving(xv), (g, n) -> n.grad(0, g.div(xv.square().rsub(1))), x); // 1/(1-x^2)
    }

    static Var symlog(Var x) {
        Tensor xv = x.value();
        return op("symlog", xv.symlog(), saving(xv), (g, n) -> n.grad(0, g.div(xv.abs().add(1))), x);  // 1/(1+|x|)
    }

    static Var symexp(Var x) {
        Tensor xv = x.value();
        return op("symexp", xv.symexp(), saving(xv), (g, n) -> n.grad(0, g.mul(xv.abs().exp())), x);  // e^|x|
    }

    static Var pow(Var x, double p) {
        Tensor xv = x.value();
        return op("pow", xv.pow(p), saving(xv), (g, n) -> n.grad(0, g.mul(xv.pow(p - 1)).mul(p)), x);  // p x^(p-1)
    }

    static Var clamp(Var x, double lo, double hi) {
        Tensor xv = x.value();
        return op("clamp", xv.clamp(lo, hi), saving(xv),
                (g, n) -> n.grad(0, g.mul(xv.ge(lo).mul(xv.le(hi)))), x);                              // 1 inside [lo, hi]
    }

    static Var affine(Var x, double a, double b) {
        return op("affine", x.value().map(somnium.tensor.UnaryOp.AFFINE, a, b), (g, n) -> n.grad(0, a == 1 ? g : g.mul(a)), x);
    }

    // ---- binary: z = f(a, b) with broadcasting ----

    static Var add(Var a, Var b) {
        return op("add", a.value().add(b.value()), (g, n) -> {
            n.grad(0, g);
            n.grad(1, g);
        }, a, b);
    }

    static Var sub(Var a, Var b) {
        return op("sub", a.value().sub(b.value()), (g, n) -> {
            n.grad(0, g);
            if (n.needs(1)) n.grad(1, g.neg());
        }, a, b);
    }

    static Var mul(Var a, Var b) {
        Tensor av = a.value(), bv = b.value();
        return op("mul", av.mul(bv), saving(av, bv), (g, n) -> {
            if (n.needs(0)) n.grad(0, g.mul(bv));   // d(ab)/da = b
            if (n.needs(1)) n.grad(1, g.mul(av));   // d(ab)/db = a
        }, a, b);
    }

    static Var div(Var a, Var b) {
        Tensor av = a.value(), bv = b.value();
        return op("div", av.div(bv), saving(av, bv), (g, n) -> {
            if (n.needs(0)) n.grad(0, g.div(bv));                             // 1/b
            if (n.needs(1)) n.grad(1, g.mul(av).div(bv.square()).neg());      // -a/b^2
        }, a, b);
    }

    static Var maximum(Var a, Var b) {
        return pick("maximum", a, b, true);
    }

    static Var minimum(Var a, Var b) {
        return pick("minimum", a, b, false);
    }

    /** max/min of two: the gradient goes to the chosen operand (to {@code a} on ties). */
    private static Var pick(String name, Var a, Var b, boolean max) {
        Tensor av = a.value(), bv = b.value();
        Tensor takeA = max ? av.ge(bv) : av.le(bv);
        return op(name, max ? av.maximum(bv) : av.minimum(bv), (g, n) -> {
            if (n.needs(0)) n.grad(0, g.mul(takeA));
            if (n.needs(1)) n.grad(1, g.mul(takeA.rsub(1)));
        }, a, b);
    }

    static Var where(Tensor cond, Var a, Var b) {
        return op("where", Tensor.where(cond, a.value(), b.value()), (g, n) -> {
            Tensor zero = g.zerosLike();
            if (n.needs(0)) n.grad(0, Tensor.where(cond, g, zero));
            if (n.needs(1)) n.grad(1, Tensor.where(cond, zero, g));
        }, a, b);
    }
}
