package somnium.rl.train;

import java.util.List;

/** Returns and lengths (agent steps) of evaluation episodes. */
public record EvalResult(List<Double> returns, List<Integer> lengths) {
    public EvalResult {
        returns = List.copyOf(returns);
        lengths = List.copyOf(lengths);
        if (returns.size() != lengths.size()) throw new IllegalArgumentException("returns and lengths differ in count");
    }

    public int episodes() { return returns.size(); }

    public double mean() {
        return returns.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    public double std() {
        double m = mean();
        return Math.sqrt(returns.stream().mapToDouble(r -> (r - m) * (r - m)).average().orElse(Double.NaN));
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%.1f +- %.1f over %d episodes", mean(), std(), episodes());
    }
}
