package somnium.kernels;

import somnium.tensor.BinaryOp;
import somnium.tensor.ReduceOp;
import somnium.tensor.UnaryOp;

/**
 * The integer codes the kernels use for {@link UnaryOp}, {@link BinaryOp} and {@link ReduceOp} (the
 * {@code UOP_* / BOP_* / ROP_*} defines of {@code src/main/cuda/common.cuh}). Written out by name rather than taken
 * from {@code ordinal()}, so reordering an enum cannot silently change what a kernel computes; {@code OpCodesTest}
 * parses common.cuh and checks every code.
 */
public final class OpCodes {
    private OpCodes() {}

    public static int of(UnaryOp op) {
        return switch (op) {
            case NEG -> 0;
            case ABS -> 1;
            case SIGN -> 2;
            case SQUARE -> 3;
            case SQRT -> 4;
            case RSQRT -> 5;
            case RECIPROCAL -> 6;
            case EXP -> 7;
            case EXPM1 -> 8;
            case LOG -> 9;
            case LOG1P -> 10;
            case SIN -> 11;
            case COS -> 12;
            case TANH -> 13;
            case ATANH -> 14;
            case SIGMOID -> 15;
            case RELU -> 16;
            case ELU -> 17;
            case SILU -> 18;
            case MISH -> 19;
            case SOFTPLUS -> 20;
            case CLAMP -> 21;
            case SYMLOG -> 22;
            case SYMEXP -> 23;
            case POW -> 24;
            case AFFINE -> 25;
        };
    }

    public static int of(BinaryOp op) {
        return switch (op) {
            case ADD -> 0;
            case SUB -> 1;
            case MUL -> 2;
            case DIV -> 3;
            case POW -> 4;
            case MAXIMUM -> 5;
            case MINIMUM -> 6;
            case EQ -> 7;
            case NE -> 8;
            case LT -> 9;
            case LE -> 10;
            case GT -> 11;
            case GE -> 12;
        };
    }

    public static int of(ReduceOp op) {
        return switch (op) {
            case SUM -> 0;
            case MEAN -> 1;
            case MAX -> 2;
            case MIN -> 3;
            case LOGSUMEXP -> 4;
        };
    }
}
