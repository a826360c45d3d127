package somnium.autograd.nn;

import somnium.autograd.Var;

/** Pointwise activations by name (config files use the lower-case names). */
public enum Activation {
    IDENTITY, RELU, ELU, SILU, MISH, TANH, SIGMOID;

    public Var apply(Var x) {
        return switch (this) {
            case IDENTITY -> x;
            case RELU -> x.relu();
            case ELU -> x.elu();
            case SILU -> x.silu();
            case MISH -> x.mish();
            case TANH -> x.tanh();
            case SIGMOID -> x.sigmoid();
        };
    }

    /** Parses "elu", "silu", ... (case-insensitive); lists the choices on error. */
    public static Activation parse(String name) {
        for (Activation a : values()) if (a.name().equalsIgnoreCase(name)) return a;
        throw new IllegalArgumentException("unknown activation '" + name + "'; choose one of " + java.util.Arrays.toString(values()).toLowerCase());
    }
}
