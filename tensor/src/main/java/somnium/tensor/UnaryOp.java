package somnium.tensor;

/**
 * Elementwise functions of one tensor. Each carries its scalar definition ({@link #apply}), which is the
 * reference every backend's fast kernel is tested against. Parameters {@code p0}, {@code p1} are used by
 * the ops that say so.
 */
public enum UnaryOp {
    NEG, ABS, SIGN, SQUARE, SQRT, RSQRT, RECIPROCAL, EXP, EXPM1, LOG, LOG1P, SIN, COS,
    TANH, ATANH, SIGMOID, RELU,
    /** x if x > 0 else p0*(exp(x)-1) (p0 = alpha). */
    ELU,
    /** x * sigmoid(x). */
    SILU,
    /** x * tanh(softplus(x)). */
    MISH,
    /** log(1 + exp(x)), computed without overflow. */
    SOFTPLUS,
    /** min(max(x, p0), p1). */
    CLAMP,
    /** sign(x) * log(1 + |x|) (DreamerV3). */
    SYMLOG,
    /** sign(x) * (exp(|x|) - 1), the inverse of SYMLOG. */
    SYMEXP,
    /** x ^ p0. */
    POW,
    /** x * p0 + p1 (scalar add, scale, and 1 - x are all this op). */
    AFFINE;

    /** The scalar reference definition. */
    public double apply(double x, double p0, double p1) {
        switch (this) {
            case NEG: return -x;
            case ABS: return Math.abs(x);
            case SIGN: return Math.signum(x);
            case SQUARE: return x * x;
            case SQRT: return Math.sqrt(x);
            case RSQRT: return 1.0 / Math.sqrt(x);
            case RECIPROCAL: return 1.0 / x;
            case EXP: return Math.exp(x);
            case EXPM1: return Math.expm1(x);
            case LOG: return Math.log(x);
            case LOG1P: return Math.log1p(x);
            case SIN: return Math.sin(x);
            case COS: return Math.cos(x);
            case TANH: return Math.tanh(x);
            case ATANH: return 0.5 * Math.log((1 + x) / (1 - x));
            case SIGMOID: return x >= 0 ? 1.0 / (1.0 + Math.exp(-x)) : Math.exp(x) / (1.0 + Math.exp(x));
            case RELU: return x > 0 ? x : 0.0;
            case ELU: return x > 0 ? x : p0 * Math.expm1(x);
            case SILU: return x * SIGMOID.apply(x, 0, 0);
            case MISH: return x * Math.tanh(SOFTPLUS.apply(x, 0, 0));
            case SOFTPLUS: return x > 20 ? x : Math.log1p(Math.exp(x));
            case CLAMP: return Math.min(Math.max(x, p0), p1);
            case SYMLOG: return Math.signum(x) * Math.log1p(Math.abs(x));
            case SYMEXP: return Math.signum(x) * Math.expm1(Math.abs(x));
            case POW: return Math.pow(x, p0);
            case AFFINE: return x * p0 + p1;
            default: throw new AssertionError(this);
        }
    }
}
