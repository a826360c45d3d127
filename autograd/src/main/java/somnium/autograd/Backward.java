package somnium.autograd;

import somnium.tensor.Tensor;

/**
 * The local derivative of one op: given the gradient of the loss with respect to the op's output
 * ({@code gradOut}), hand the gradient with respect to each input to {@link Node#grad(int, Tensor)}.
 *
 * <p>Written as a lambda beside the op's forward, e.g. for {@code y = tanh(x)}:
 * <pre>{@code (g, n) -> n.grad(0, g.mul(y.square().rsub(1)))   // dy/dx = 1 - y^2 }</pre>
 */
@FunctionalInterface
public interface Backward {
    void apply(Tensor gradOut, Node node);
}
