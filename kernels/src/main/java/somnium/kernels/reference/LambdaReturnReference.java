package somnium.kernels.reference;

/**
 * CPU reference of lambda_return.cu: TD(lambda) returns, time-major, R[T] = v[T],
 * R[t] = r[t] + d[t] ((1 - lambda) v[t+1] + lambda R[t+1]), and the backward pass. Same float operations and order
 * as the kernel. {@code LambdaReturnReferenceTest} checks it against a Tensor composite and finite differences.
 */
public final class LambdaReturnReference {
    private LambdaReturnReference() {}

    /** rewards, discounts [T, B], values [T + 1, B] -> returns [T, B]. */
    public static void forward(int t, int b, float[] r, float[] d, float[] v, float lambda, float[] ret) {
        float oml = 1f - lambda;
        for (int j = 0; j < b; j++) {
            float big = v[t * b + j];
            for (int s = t - 1; s >= 0; s--) {
                int k = s * b + j;
                big = r[k] + d[k] * (oml * v[k + b] + lambda * big);
                ret[k] = big;
            }
        }
    }

    /** dret [T, B] -> dr, dd [T, B], dv [T + 1, B] (dr, dd may be null). */
    public static void backward(int t, int b, float[] dret, float[] ret, float[] d, float[] v, float lambda,
                                float[] dr, float[] dd, float[] dv) {
        float oml = 1f - lambda;
        for (int j = 0; j < b; j++) {
            float g = 0;
            dv[j] = 0;
            for (int s = 0; s < t; s++) {
                int k = s * b + j;
                g = s == 0 ? dret[k] : dret[k] + (lambda * d[k - b]) * g;
                float rn = s + 1 < t ? ret[k + b] : v[t * b + j];
                if (dr != null) dr[k] = g;
                if (dd != null) dd[k] = g * (oml * v[k + b] + lambda * rn);
                float gv = (g * d[k]) * oml;
                if (s == t - 1) gv += (g * d[k]) * lambda;
                dv[k + b] = gv;
            }
        }
    }
}
