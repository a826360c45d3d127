package somnium.tensor.cpu;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import somnium.tensor.DType;
import somnium.tensor.Tensor;

/**
 * Fused pointwise kernels of recurrent cells: one pass over the gates instead of a dozen elementwise ops
 * (each of which would allocate and sweep a [B, H] array). Float32 contiguous tensors only; other cases
 * take {@code Backend}'s composite defaults, which are also the reference these kernels are tested against.
 *
 * <p>GRU (gate order r, z, n as in PyTorch), per element j of row b:
 * <pre>
 * forward:  r = σ(gi_r + gh_r)   z = σ(gi_z + gh_z)   n = tanh(gi_n + r·gh_n)   h' = n + z·(h − n)
 * backward: dn = dh'(1−z)(1−n²)  dz = dh'(h−n)·z(1−z)  dr = dn·gh_n·r(1−r)
 *           dgi = [dr, dz, dn]   dgh = [dr, dz, dn·r]   dh(direct) = dh'·z
 * </pre>
 */
final class FusedRnn {
    private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    private static final int L = S.length();

    private FusedRnn() {}

    /** Whether every tensor (nulls allowed) is float32, contiguous and on the CPU. */
    static boolean fits(Tensor... ts) {
        for (Tensor t : ts) if (t != null && (t.dtype() != DType.F32 || !t.isContiguous())) return false;
        return true;
    }

    static void gruForward(Tensor giT, Tensor ghT, Tensor hT, Tensor outT, Tensor savedT) {
        float[] gi = Elementwise.f(giT), gh = Elementwise.f(ghT), h = Elementwise.f(hT), out = Elementwise.f(outT);
        float[] sv = savedT == null ? null : Elementwise.f(savedT);
        int gio = giT.offset(), gho = ghT.offset(), ho = hT.offset(), oo = outT.offset(), so = savedT == null ? 0 : savedT.offset();
        int rows = hT.dim(0), hid = hT.dim(1), ub = S.loopBound(hid);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int b = 0; b < rows; b++) {
            int gRow = b * 3 * hid, hRow = b * hid, sRow = b * 4 * hid;
            int j = 0;
            for (; j < ub; j += L) {
                var r = sigmoid(one, FloatVector.fromArray(S, gi, gio + gRow + j).add(FloatVector.fromArray(S, gh, gho + gRow + j)));
                var z = sigmoid(one, FloatVector.fromArray(S, gi, gio + gRow + hid + j).add(FloatVector.fromArray(S, gh, gho + gRow + hid + j)));
                var hn = FloatVector.fromArray(S, gh, gho + gRow + 2 * hid + j);
                var n = FloatVector.fromArray(S, gi, gio + gRow + 2 * hid + j).add(r.mul(hn)).lanewise(VectorOperators.TANH);
                var hv = FloatVector.fromArray(S, h, ho + hRow + j);
                n.add(z.mul(hv.sub(n))).intoArray(out, oo + hRow + j);
                if (sv != null) {
                    r.intoArray(sv, so + sRow + j);
                    z.intoArray(sv, so + sRow + hid + j);
                    n.intoArray(sv, so + sRow + 2 * hid + j);
                    hn.intoArray(sv, so + sRow + 3 * hid + j);
                }
            }
            for (; j < hid; j++) {
                float r = sigmoid(gi[gio + gRow + j] + gh[gho + gRow + j]);
                float z = sigmoid(gi[gio + gRow + hid + j] + gh[gho + gRow + hid + j]);
                float hn = gh[gho + gRow + 2 * hid + j];
                float n = (float) Math.tanh(gi[gio + gRow + 2 * hid + j] + r * hn);
                out[oo + hRow + j] = n + z * (h[ho + hRow + j] - n);
                if (sv != null) {
                    sv[so + sRow + j] = r;
                    sv[so + sRow + hid + j] = z;
                    sv[so + sRow + 2 * hid + j] = n;
                    sv[so + sRow + 3 * hid + j] = hn;
                }
            }
        }
    }

    static void gruBackward(Tensor dOutT, Tensor hT, Tensor savedT, Tensor dgiT, Tensor dghT, Tensor dhT) {
        float[] dOut = Elementwise.f(dOutT), h = Elementwise.f(hT), sv = Elementwise.f(savedT);
        float[] dgi = Elementwise.f(dgiT), dgh = Elementwise.f(dghT), dh = Elementwise.f(dhT);
        int doo = dOutT.offset(), ho = hT.offset(), so = savedT.offset(), dio = dgiT.offset(), dgo = dghT.offset(), dho = dhT.offset();
        int rows = hT.dim(0), hid = hT.dim(1), ub = S.loopBound(hid);
        FloatVector one = FloatVector.broadcast(S, 1f);
        for (int b = 0; b < rows; b++) {
            int gRow = b * 3 * hid, hRow = b * hid, sRow = b * 4 * hid;
            int j = 0;
            for (; j < ub; j += L) {
                var g = FloatVector.fromArray(S, dOut, doo + hRow + j);
                var r = FloatVector.fromArray(S, sv, so + sRow + j);
                var z = FloatVector.fromArray(S, sv, so + sRow + hid + j);
                var n = FloatVector.fromArray(S, sv, so + sRow + 2 * hid + j);
                var hn = FloatVector.fromArray(S, sv, so + sRow + 3 * hid + j);
                var hv = FloatVector.fromArray(S, h, ho + hRow + j);
                var dn = g.mul(one.sub(z)).mul(one.sub(n.mul(n)));
                var dz = g.mul(hv.sub(n)).mul(z.mul(one.sub(z)));
                var dr = dn.mul(hn).mul(r.mul(one.sub(r)));
                dr.intoArray(dgi, dio + gRow + j);
                dz.intoArray(dgi, dio + gRow + hid + j);
                dn.intoArray(dgi, dio + gRow + 2 * hid + j);
                dr.intoArray(dgh, dgo + gRow + j);
                dz.intoArray(dgh, dgo + gRow + hid + j);
                dn.mul(r).intoArray(dgh, dgo + gRow + 2 * hid + j);
                g.mul(z).intoArray(dh, dho + hRow + j);
            }
            for (; j < hid; j++) {
                float g = dOut[doo + hRow + j];
                float r = sv[so + sRow + j], z = sv[so + sRow + hid + j], n = sv[so + sRow + 2 * hid + j], hn = sv[so + sRow + 3 * hid + j];
                float dn = g * (1 - z) * (1 - n * n);
                float dz = g * (h[ho + hRow + j] - n) * z * (1 - z);
                float dr = dn * hn * r * (1 - r);
                dgi[dio + gRow + j] = dr;
                dgi[dio + gRow + hid + j] = dz;
                dgi[dio + gRow + 2 * hid + j] = dn;
                dgh[dgo + gRow + j] = dr;
                dgh[dgo + gRow + hid + j] = dz;
                dgh[dgo + gRow + 2 * hid + j] = dn * r;
                dh[dho + hRow + j] = g * z;
            }
        }
    }

    private static FloatVector sigmoid(FloatVector one, FloatVector x) {
        return one.div(one.add(x.neg().lanewise(VectorOperators.EXP)));
    }

    private static float sigmoid(float x) {
        return (float) (1.0 / (1.0 + Math.exp(-x)));
    }
}
