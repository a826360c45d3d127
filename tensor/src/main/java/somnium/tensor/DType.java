package somnium.tensor;

/**
 * Element types. {@link #F32} is the working type of every model; {@link #F64} exists for gradient checks
 * (the CPU backend runs it through simple, exact reference loops); {@link #I32} holds indices (argmax,
 * gather, top-k, categorical samples) and supports copies, views and index ops but no arithmetic.
 */
public enum DType {
    F32(4), F64(8), I32(4);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    /** Size of one element in bytes. */
    public int bytes() {
        return bytes;
    }

    public boolean isFloating() {
        return this != I32;
    }
}
