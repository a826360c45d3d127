package somnium.kernels;

import java.util.ArrayList;
import java.util.List;
import jcuda.NativePointerObject;
import jcuda.Pointer;

/**
 * The argument list of one kernel launch, in order. Each Java type must match the kernel's C type exactly:
 * {@link #ptr} = any pointer (a 64-bit address, 0 for null), {@link #i} = int, {@link #l} = long long (also
 * unsigned long long: same bits), {@link #f} = float, {@link #d} = double, {@link #struct} = a struct of ints
 * passed by value (e.g. {@link StridedParams}).
 */
final class KernelArgs {
    private final List<NativePointerObject> args = new ArrayList<>(16);

    static KernelArgs of() {
        return new KernelArgs();
    }

    KernelArgs ptr(long address) {
        args.add(Pointer.to(new long[] {address}));
        return this;
    }

    KernelArgs i(int v) {
        args.add(Pointer.to(new int[] {v}));
        return this;
    }

    KernelArgs i(boolean v) {
        return i(v ? 1 : 0);
    }

    KernelArgs l(long v) {
        args.add(Pointer.to(new long[] {v}));
        return this;
    }

    KernelArgs f(float v) {
        args.add(Pointer.to(new float[] {v}));
        return this;
    }

    KernelArgs d(double v) {
        args.add(Pointer.to(new double[] {v}));
        return this;
    }

    KernelArgs struct(int[] packed) {
        args.add(Pointer.to(packed));
        return this;
    }

    Pointer pointer() {
        return Pointer.to(args.toArray(new NativePointerObject[0]));
    }

    int size() {
        return args.size();
    }
}
