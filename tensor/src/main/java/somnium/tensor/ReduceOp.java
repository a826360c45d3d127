package somnium.tensor;

/** Reductions over a set of axes. MEAN divides by the number of reduced elements; LOGSUMEXP is stable. */
public enum ReduceOp {
    SUM, MEAN, MAX, MIN, LOGSUMEXP
}
