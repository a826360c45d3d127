package somnium.tensor;

import java.util.Arrays;
import java.util.List;

/**
 * An n-dimensional array: a view (shape, strides, offset) over a {@link Storage}.
 *
 * <p>Views ({@link #reshape}, {@link #permute}, {@link #narrow}, {@link #expand}, ...) share storage and cost
 * nothing; ops allocate a new contiguous result on the same device and call that device's {@link Backend}.
 * Shapes broadcast as in numpy, and every mismatch of shape, dtype, device or axis throws an
 * {@link IllegalArgumentException} naming the op and the shapes involved.
 *
 * <p>Tensors are values: ops never modify their inputs. The few in-place methods end in {@code InPlace}
 * (or are {@link #fill}, {@link #copyFrom}, {@link #set}) and bump the storage's version counter.
 */
public final class Tensor {
    private final Storage storage;
    private final Shape shape;
    private final int[] strides;
    private final int offset;

    /** A view; use the factories and view methods rather than this constructor. */
    public Tensor(Storage storage, Shape shape, int[] strides, int offset) {
        if (strides.length != shape.rank())
            throw new IllegalArgumentException("Tensor: strides " + Arrays.toString(strides) + " do not match shape " + shape);
        this.storage = storage;
        this.shape = shape;
        this.strides = strides;
        this.offset = offset;
    }

    // ------------------------------------------------------------------------------------------------
    // Factories
    // ------------------------------------------------------------------------------------------------

    /** Uninitialized contiguous tensor (contents unspecified). */
    public static Tensor empty(DType dtype, Shape shape, Device device) {
        Backend b = Backends.get(device);
        return new Tensor(b.allocate(dtype, shape.numel()), shape, shape.contiguousStrides(), 0);
    }

    public static Tensor empty(Shape shape) {
        return empty(DType.F32, shape, Device.CPU);
    }

    public static Tensor full(double value, DType dtype, Shape shape, Device device) {
        Tensor t = empty(dtype, shape, device);
        t.backend().fill(t, value);
        return t;
    }

    public static Tensor zeros(int... dims) {
        return full(0, DType.F32, Shape.of(dims), Device.CPU);
    }

    public static Tensor zeros(DType dtype, Shape shape) {
        return full(0, dtype, shape, Device.CPU);
    }

    public static Tensor ones(int... dims) {
        return full(1, DType.F32, Shape.of(dims), Device.CPU);
    }

    public static Tensor full(double value, int... dims) {
        return full(value, DType.F32, Shape.of(dims), Device.CPU);
    }

    /** A rank-0 float32 tensor. */
    public static Tensor scalar(double value) {
        return full(value, DType.F32, Shape.SCALAR, Device.CPU);
    }

    /** A rank-0 tensor of the given dtype on the given device. */
    public static Tensor scalar(double value, DType dtype, Device device) {
        return full(value, dtype, Shape.SCALAR, device);
    }

    /** A float32 tensor holding a copy of {@code data}. */
    public static Tensor of(float[] data, int... dims) {
        return upload(DType.F32, data, data.length, dims);
    }

    /** A float64 tensor holding a copy of {@code data}. */
    public static Tensor of(double[] data, int... dims) {
        return upload(DType.F64, data, data.length, dims);
    }

    /** An int32 tensor holding a copy of {@code data}. */
    public static Tensor ofInts(int[] data, int... dims) {
        return upload(DType.I32, data, data.length, dims);
    }

    private static Tensor upload(DType dtype, Object data, int length, int[] dims) {
        Shape s = Shape.of(dims);
        if (s.numel() != length)
            throw new IllegalArgumentException("Tensor.of: " + length + " values do not fill shape " + s + " (" + s.numel() + " elements)");
        Object copy = dtype == DType.F32 ? ((float[]) data).clone() : dtype == DType.F64 ? ((double[]) data).clone() : ((int[]) data).clone();
        return new Tensor(Backends.cpu().upload(dtype, copy), s, s.contiguousStrides(), 0);
    }

    /** [0, 1, ..., n-1] as float32. */
    public static Tensor arange(int n) {
        float[] d = new float[n];
        for (int i = 0; i < n; i++) d[i] = i;
        return of(d, n);
    }

    /** The n x n identity matrix. */
    public static Tensor eye(int n) {
        float[] d = new float[n * n];
        for (int i = 0; i < n; i++) d[i * n + i] = 1;
        return of(d, n, n);
    }

    /** Uniform samples in [lo, hi) from {@code rng} (Philox4x32-10, see {@link Rng}). */
    public static Tensor rand(Rng rng, double lo, double hi, int... dims) {
        return rng.uniform(Shape.of(dims), lo, hi, DType.F32, Device.CPU);
    }

    /** Standard normal samples from {@code rng}. */
    public static Tensor randn(Rng rng, int... dims) {
        return rng.normal(Shape.of(dims), 0, 1, DType.F32, Device.CPU);
    }

    /** A new uninitialized contiguous tensor with this tensor's dtype and device. */
    public Tensor emptyLike(Shape s) {
        return empty(dtype(), s, device());
    }

    public Tensor zerosLike() {
        return full(0, dtype(), shape, device());
    }

    public Tensor onesLike() {
        return full(1, dtype(), shape, device());
    }

    // ------------------------------------------------------------------------------------------------
    // Properties and element access
    // ------------------------------------------------------------------------------------------------

    public Shape shape() {
        return shape;
    }

    public int[] dims() {
        return shape.dims();
    }

    public int dim(int axis) {
        return shape.dim(axis);
    }

    public int rank() {
        return shape.rank();
    }

    public int numel() {
        return shape.numel();
    }

    public DType dtype() {
        return storage.dtype();
    }

    public Device device() {
        return storage.device();
    }

    public Backend backend() {
        return storage.backend();
    }

    public Storage storage() {
        return storage;
    }

    /** A copy of the strides (in elements). */
    public int[] strides() {
        return strides.clone();
    }

    public int stride(int axis) {
        return strides[shape.axis(axis, "stride")];
    }

    public int offset() {
        return offset;
    }

    /** Whether the elements are laid out row-major without gaps (dims of size 1 may have any stride). */
    public boolean isContiguous() {
        int expected = 1;
        int[] d = shape.raw();
        for (int i = d.length - 1; i >= 0; i--) {
            if (d[i] == 1) continue;
            if (strides[i] != expected) return false;
            expected *= d[i];
        }
        return true;
    }

    private int flatIndex(int[] idx) {
        if (idx.length != rank())
            throw new IllegalArgumentException("index " + Arrays.toString(idx) + " has " + idx.length + " coordinates for shape " + shape);
        int p = offset;
        int[] d = shape.raw();
        for (int i = 0; i < idx.length; i++) {
            int c = idx[i] < 0 ? idx[i] + d[i] : idx[i];
            if (c < 0 || c >= d[i]) throw new IndexOutOfBoundsException("index " + Arrays.toString(idx) + " out of bounds for shape " + shape);
            p += c * strides[i];
        }
        return p;
    }

    /** One element as a double (negative indices count from the end). */
    public double get(int... idx) {
        return storage.getDouble(flatIndex(idx));
    }

    /** One element as a float. */
    public float getFloat(int... idx) {
        return (float) get(idx);
    }

    /** The single element of a one-element tensor. */
    public double item() {
        if (numel() != 1) throw new IllegalArgumentException("item: tensor of shape " + shape + " has " + numel() + " elements, not 1");
        return storage.getDouble(offset);
    }

    /** Writes one element in place. */
    public Tensor set(double value, int... idx) {
        storage.setDouble(flatIndex(idx), value);
        storage.bumpVersion();
        return this;
    }

    /** The elements in row-major order, converted to float. */
    public float[] toFloatArray() {
        Object a = contiguousHost(DType.F32);
        return (float[]) a;
    }

    /** The elements in row-major order, converted to double. */
    public double[] toDoubleArray() {
        return (double[]) contiguousHost(DType.F64);
    }

    /** The elements in row-major order, converted to int (floats are truncated). */
    public int[] toIntArray() {
        return (int[]) contiguousHost(DType.I32);
    }

    private Object contiguousHost(DType want) {
        Tensor t = dtype() == want ? this : toType(want);
        return t.backend().download(t);
    }

    /** A copy converted to {@code dtype} (or this tensor if it already has it). */
    public Tensor toType(DType dtype) {
        if (dtype == dtype()) return this;
        Tensor out = empty(dtype, shape, device());
        backend().copy(this, out);
        return out;
    }

    /** A copy on {@code device} (or this tensor if it is already there). */
    public Tensor to(Device device) {
        if (device.equals(device())) return this;
        Object host = backend().download(this);
        return new Tensor(Backends.get(device).upload(dtype(), host), shape, shape.contiguousStrides(), 0);
    }

    // ------------------------------------------------------------------------------------------------
    // Views (no copies)
    // ------------------------------------------------------------------------------------------------

    /**
     * A tensor with the same elements in a new shape; one dim may be -1. A view when this tensor is
     * contiguous, a contiguous copy otherwise.
     */
    public Tensor reshape(int... dims) {
        Shape s = inferShape("reshape", dims);
        if (s.equals(shape)) return this;
        Tensor src = isContiguous() ? this : contiguous();
        return new Tensor(src.storage, s, s.contiguousStrides(), src.offset);
    }

    /** Like {@link #reshape} but fails instead of copying. */
    public Tensor view(int... dims) {
        Shape s = inferShape("view", dims);
        if (!isContiguous())
            throw new IllegalArgumentException("view: tensor of shape " + shape + " with strides " + Arrays.toString(strides)
                    + " is not contiguous; use reshape() or contiguous() first");
        return new Tensor(storage, s, s.contiguousStrides(), offset);
    }

    private Shape inferShape(String op, int[] dims) {
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == -1) {
                if (infer >= 0) throw new IllegalArgumentException(op + ": more than one -1 in " + Arrays.toString(dims));
                infer = i;
            } else if (dims[i] < 0) {
                throw new IllegalArgumentException(op + ": negative size in " + Arrays.toString(dims));
            } else known *= dims[i];
        }
        int[] d = dims.clone();
        if (infer >= 0) {
            if (known == 0 || numel() % known != 0)
                throw new IllegalArgumentException(op + ": cannot view shape " + shape + " as " + Arrays.toString(dims));
            d[infer] = (int) (numel() / known);
        } else if (known != numel()) {
            throw new IllegalArgumentException(op + ": shape " + shape + " (" + numel() + " elements) cannot become "
                    + Arrays.toString(dims) + " (" + known + " elements)");
        }
        return Shape.of(d);
    }

    /** Flattens dims start..end (inclusive) into one. */
    public Tensor flatten(int start, int end) {
        int s = shape.axis(start, "flatten"), e = shape.axis(end, "flatten");
        if (s > e) throw new IllegalArgumentException("flatten: start " + start + " after end " + end + " for shape " + shape);
        int[] d = shape.raw();
        int[] nd = new int[d.length - (e - s)];
        int k = 0;
        for (int i = 0; i < s; i++) nd[k++] = d[i];
        int prod = 1;
        for (int i = s; i <= e; i++) prod *= d[i];
        nd[k++] = prod;
        for (int i = e + 1; i < d.length; i++) nd[k++] = d[i];
        return reshape(nd);
    }

    /** Reorders the dims: result dim i is this tensor's dim {@code axes[i]}. */
    public Tensor permute(int... axes) {
        if (axes.length != rank())
            throw new IllegalArgumentException("permute: " + Arrays.toString(axes) + " is not a permutation of the " + rank() + " dims of " + shape);
        int[] d = shape.raw();
        int[] nd = new int[axes.length], ns = new int[axes.length];
        boolean[] seen = new boolean[axes.length];
        for (int i = 0; i < axes.length; i++) {
            int a = shape.axis(axes[i], "permute");
            if (seen[a]) throw new IllegalArgumentException("permute: axis " + a + " repeated in " + Arrays.toString(axes));
            seen[a] = true;
            nd[i] = d[a];
            ns[i] = strides[a];
        }
        return new Tensor(storage, Shape.of(nd), ns, offset);
    }

    /** Swaps two dims. */
    public Tensor transpose(int a, int b) {
        int[] p = new int[rank()];
        for (int i = 0; i < p.length; i++) p[i] = i;
        int x = shape.axis(a, "transpose"), y = shape.axis(b, "transpose");
        p[x] = y;
        p[y] = x;
        return permute(p);
    }

    /** Swaps the last two dims (the matrix transpose). */
    public Tensor t() {
        if (rank() < 2) throw new IllegalArgumentException("t: needs rank >= 2, shape is " + shape);
        return transpose(-2, -1);
    }

    /** Moves dim {@code from} to position {@code to}, keeping the others in order. */
    public Tensor movedim(int from, int to) {
        int f = shape.axis(from, "movedim"), t = shape.axis(to, "movedim");
        int[] p = new int[rank()];
        for (int i = 0, k = 0; i < p.length; i++) {
            if (i == t) p[i] = f;
            else {
                if (k == f) k++;
                p[i] = k++;
            }
        }
        return permute(p);
    }

    /** Elements start..start+length-1 along {@code axis}. */
    public Tensor narrow(int axis, int start, int length) {
        int a = shape.axis(axis, "narrow");
        int n = shape.raw()[a];
        if (start < 0 || length < 0 || start + length > n)
            throw new IllegalArgumentException("narrow: range [" + start + ", " + (start + length) + ") out of bounds for axis " + axis + " of shape " + shape);
        return new Tensor(storage, shape.with(a, length), strides.clone(), offset + start * strides[a]);
    }

    /** Elements start, start+step, ... below end along {@code axis} (step > 0). */
    public Tensor slice(int axis, int start, int end, int step) {
        int a = shape.axis(axis, "slice");
        int n = shape.raw()[a];
        if (step <= 0) throw new IllegalArgumentException("slice: step must be positive, got " + step);
        int s = start < 0 ? start + n : start, e = end < 0 ? end + n : Math.min(end, n);
        if (s < 0 || s > n || e < s)
            throw new IllegalArgumentException("slice: [" + start + ":" + end + ":" + step + "] invalid for axis " + axis + " of shape " + shape);
        int len = (e - s + step - 1) / step;
        int[] ns = strides.clone();
        ns[a] = strides[a] * step;
        return new Tensor(storage, shape.with(a, len), ns, offset + s * strides[a]);
    }

    /** The sub-tensor at {@code index} along {@code axis}; that dim disappears. */
    public Tensor select(int axis, int index) {
        int a = shape.axis(axis, "select");
        int n = shape.raw()[a];
        int i = index < 0 ? index + n : index;
        if (i < 0 || i >= n) throw new IllegalArgumentException("select: index " + index + " out of bounds for axis " + axis + " of shape " + shape);
        int[] ns = new int[rank() - 1];
        for (int k = 0, j = 0; k < rank(); k++) if (k != a) ns[j++] = strides[k];
        return new Tensor(storage, shape.drop(a), ns, offset + i * strides[a]);
    }

    /** Inserts a dim of size 1 at {@code axis} (which may equal rank). */
    public Tensor unsqueeze(int axis) {
        int r = rank();
        int a = axis < 0 ? axis + r + 1 : axis;
        if (a < 0 || a > r) throw new IllegalArgumentException("unsqueeze: axis " + axis + " out of range for shape " + shape);
        int[] d = shape.raw();
        int[] nd = new int[r + 1], ns = new int[r + 1];
        for (int i = 0, j = 0; i <= r; i++) {
            if (i == a) {
                nd[i] = 1;
                ns[i] = a < r ? strides[a] * d[a] : 1;
            } else {
                nd[i] = d[j];
                ns[i] = strides[j];
                j++;
            }
        }
        return new Tensor(storage, Shape.of(nd), ns, offset);
    }

    /** Removes dim {@code axis}, which must have size 1. */
    public Tensor squeeze(int axis) {
        int a = shape.axis(axis, "squeeze");
        if (shape.raw()[a] != 1) throw new IllegalArgumentException("squeeze: axis " + axis + " of shape " + shape + " has size " + shape.raw()[a] + ", not 1");
        return select(a, 0);
    }

    /**
     * Broadcasts to {@code dims} without copying: size-1 dims get stride 0 and new leading dims are added;
     * -1 keeps a size.
     */
    public Tensor expand(int... dims) {
        int r = dims.length, lead = r - rank();
        if (lead < 0) throw new IllegalArgumentException("expand: cannot expand shape " + shape + " to fewer dims " + Arrays.toString(dims));
        int[] d = shape.raw();
        int[] nd = new int[r], ns = new int[r];
        for (int i = 0; i < r; i++) {
            if (i < lead) {
                if (dims[i] < 0) throw new IllegalArgumentException("expand: -1 not allowed for new leading dim in " + Arrays.toString(dims));
                nd[i] = dims[i];
                ns[i] = 0;
            } else {
                int cur = d[i - lead];
                int want = dims[i] == -1 ? cur : dims[i];
                if (want == cur) {
                    nd[i] = cur;
                    ns[i] = strides[i - lead];
                } else if (cur == 1) {
                    nd[i] = want;
                    ns[i] = 0;
                } else {
                    throw new IllegalArgumentException("expand: cannot expand shape " + shape + " to " + Arrays.toString(dims)
                            + " (dim " + i + " has size " + cur + ", not 1)");
                }
            }
        }
        return new Tensor(storage, Shape.of(nd), ns, offset);
    }

    public Tensor broadcastTo(Shape s) {
        return s.equals(shape) ? this : expand(s.raw());
    }

    /** This tensor if contiguous, else a contiguous copy. */
    public Tensor contiguous() {
        if (isContiguous()) return this;
        Tensor out = emptyLike(shape);
        backend().copy(this, out);
        return out;
    }

    /** A contiguous copy that shares nothing with this tensor. */
    public Tensor copy() {
        Tensor out = emptyLike(shape);
        backend().copy(this, out);
        return out;
    }

    /** Views of consecutive pieces along {@code axis} with the given sizes (which must add up). */
    public Tensor[] split(int axis, int... sizes) {
        int a = shape.axis(axis, "split");
        int total = 0;
        for (int s : sizes) total += s;
        if (total != shape.raw()[a])
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + total + ", not " + shape.raw()[a] + " (axis " + axis + " of " + shape + ")");
        Tensor[] out = new Tensor[sizes.length];
        int start = 0;
        for (int i = 0; i < sizes.length; i++) {
            out[i] = narrow(a, start, sizes[i]);
            start += sizes[i];
        }
        return out;
    }

    /** {@code n} equal views along {@code axis} (the size must divide). */
    public Tensor[] chunk(int n, int axis) {
        int a = shape.axis(axis, "chunk");
        int size = shape.raw()[a];
        if (n <= 0 || size % n != 0) throw new IllegalArgumentException("chunk: axis " + axis + " of shape " + shape + " does not split into " + n + " equal chunks");
        int[] sizes = new int[n];
        Arrays.fill(sizes, size / n);
        return split(a, sizes);
    }

    // ------------------------------------------------------------------------------------------------
    // Elementwise ops
    // ------------------------------------------------------------------------------------------------

    private void requireFloating(String op) {
        if (!dtype().isFloating()) throw new IllegalArgumentException(op + ": needs a float tensor, got " + dtype() + " of shape " + shape);
    }

    /** Applies {@code op} elementwise into a new tensor. */
    public Tensor map(UnaryOp op, double p0, double p1) {
        requireFloating(op.name().toLowerCase());
        Tensor out = emptyLike(shape);
        backend().unary(op, this, p0, p1, out);
        return out;
    }

    private Tensor map(UnaryOp op) {
        return map(op, 0, 0);
    }

    public Tensor neg() { return map(UnaryOp.NEG); }
    public Tensor abs() { return map(UnaryOp.ABS); }
    public Tensor sign() { return map(UnaryOp.SIGN); }
    public Tensor square() { return map(UnaryOp.SQUARE); }
    public Tensor sqrt() { return map(UnaryOp.SQRT); }
    public Tensor rsqrt() { return map(UnaryOp.RSQRT); }
    public Tensor reciprocal() { return map(UnaryOp.RECIPROCAL); }
    public Tensor exp() { return map(UnaryOp.EXP); }
    public Tensor expm1() { return map(UnaryOp.EXPM1); }
    public Tensor log() { return map(UnaryOp.LOG); }
    public Tensor log1p() { return map(UnaryOp.LOG1P); }
    public Tensor sin() { return map(UnaryOp.SIN); }
    public Tensor cos() { return map(UnaryOp.COS); }
    public Tensor tanh() { return map(UnaryOp.TANH); }
    public Tensor atanh() { return map(UnaryOp.ATANH); }
    public Tensor sigmoid() { return map(UnaryOp.SIGMOID); }
    public Tensor relu() { return map(UnaryOp.RELU); }
    public Tensor elu(double alpha) { return map(UnaryOp.ELU, alpha, 0); }
    public Tensor elu() { return elu(1.0); }
    public Tensor silu() { return map(UnaryOp.SILU); }
    public Tensor mish() { return map(UnaryOp.MISH); }
    public Tensor softplus() { return map(UnaryOp.SOFTPLUS); }
    public Tensor symlog() { return map(UnaryOp.SYMLOG); }
    public Tensor symexp() { return map(UnaryOp.SYMEXP); }

    /** min(max(x, lo), hi). */
    public Tensor clamp(double lo, double hi) {
        if (lo > hi) throw new IllegalArgumentException("clamp: lo " + lo + " > hi " + hi);
        return map(UnaryOp.CLAMP, lo, hi);
    }

    public Tensor pow(double exponent) { return map(UnaryOp.POW, exponent, 0); }
    public Tensor add(double s) { return map(UnaryOp.AFFINE, 1, s); }
    public Tensor sub(double s) { return map(UnaryOp.AFFINE, 1, -s); }
    public Tensor mul(double s) { return map(UnaryOp.AFFINE, s, 0); }
    public Tensor div(double s) { return map(UnaryOp.AFFINE, 1.0 / s, 0); }
    /** s - x. */
    public Tensor rsub(double s) { return map(UnaryOp.AFFINE, -1, s); }
    public Tensor maximum(double s) { return map(UnaryOp.CLAMP, s, Double.POSITIVE_INFINITY); }
    public Tensor minimum(double s) { return map(UnaryOp.CLAMP, Double.NEGATIVE_INFINITY, s); }

    /** Applies a binary op with numpy broadcasting. */
    public Tensor zip(BinaryOp op, Tensor other) {
        String name = op.name().toLowerCase();
        checkCompatible(name, other);
        requireFloating(name);
        Shape s = Shape.broadcast(name, shape, other.shape);
        Tensor out = emptyLike(s);
        backend().binary(op, broadcastTo(s), other.broadcastTo(s), out);
        return out;
    }

    private void checkCompatible(String op, Tensor other) {
        if (other.dtype() != dtype())
            throw new IllegalArgumentException(op + ": dtype mismatch " + dtype() + " " + shape + " vs " + other.dtype() + " " + other.shape
                    + " (convert with toType)");
        if (!other.device().equals(device()))
            throw new IllegalArgumentException(op + ": device mismatch " + device() + " vs " + other.device() + " for shapes " + shape + " and " + other.shape);
    }

    public Tensor add(Tensor o) { return zip(BinaryOp.ADD, o); }
    public Tensor sub(Tensor o) { return zip(BinaryOp.SUB, o); }
    public Tensor mul(Tensor o) { return zip(BinaryOp.MUL, o); }
    public Tensor div(Tensor o) { return zip(BinaryOp.DIV, o); }
    public Tensor pow(Tensor o) { return zip(BinaryOp.POW, o); }
    public Tensor maximum(Tensor o) { return zip(BinaryOp.MAXIMUM, o); }
    public Tensor minimum(Tensor o) { return zip(BinaryOp.MINIMUM, o); }
    public Tensor eq(Tensor o) { return zip(BinaryOp.EQ, o); }
    public Tensor ne(Tensor o) { return zip(BinaryOp.NE, o); }
    public Tensor lt(Tensor o) { return zip(BinaryOp.LT, o); }
    public Tensor le(Tensor o) { return zip(BinaryOp.LE, o); }
    public Tensor gt(Tensor o) { return zip(BinaryOp.GT, o); }
    public Tensor ge(Tensor o) { return zip(BinaryOp.GE, o); }
    public Tensor lt(double s) { return zip(BinaryOp.LT, scalarLike(s)); }
    public Tensor le(double s) { return zip(BinaryOp.LE, scalarLike(s)); }
    public Tensor gt(double s) { return zip(BinaryOp.GT, scalarLike(s)); }
    public Tensor ge(double s) { return zip(BinaryOp.GE, scalarLike(s)); }
    public Tensor eq(double s) { return zip(BinaryOp.EQ, scalarLike(s)); }

    private Tensor scalarLike(double s) {
        return scalar(s, dtype(), device());
    }

    /** cond != 0 ? a : b, with all three broadcast together. */
    /**
     * The backward of {@code y = x.elu(alpha)} from its upstream gradient {@code g}: {@code g * (x > 0 ? 1 : y + alpha)},
     * equal to the composite {@code g.mul(where(x.gt(0), y.onesLike(), y.add(alpha)))} in one pass. {@code g}
     * broadcasts to x's shape; x and y have the same shape.
     */
    public static Tensor eluBackward(Tensor g, Tensor x, Tensor y, double alpha) {
        x.checkCompatible("eluBackward", y);
        x.checkCompatible("eluBackward", g);
        x.requireFloating("eluBackward");
        if (!x.shape.equals(y.shape)) throw new IllegalArgumentException("eluBackward: x " + x.shape + " and y " + y.shape + " differ");
        Tensor out = x.emptyLike(x.shape);
        x.backend().eluBackward(g.broadcastTo(x.shape), x, y, alpha, out);
        return out;
    }

    public static Tensor where(Tensor cond, Tensor a, Tensor b) {
        a.checkCompatible("where", b);
        if (!cond.device().equals(a.device()))
            throw new IllegalArgumentException("where: condition on " + cond.device() + ", values on " + a.device());
        Shape s = Shape.broadcast("where", Shape.broadcast("where", cond.shape, a.shape), b.shape);
        Tensor out = a.emptyLike(s);
        a.backend().where(cond.broadcastTo(s), a.broadcastTo(s), b.broadcastTo(s), out);
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // Reductions
    // ------------------------------------------------------------------------------------------------

    private int[] normalizeAxes(String op, int[] axes) {
        int[] a = new int[axes.length];
        for (int i = 0; i < axes.length; i++) a[i] = shape.axis(axes[i], op);
        Arrays.sort(a);
        for (int i = 1; i < a.length; i++)
            if (a[i] == a[i - 1]) throw new IllegalArgumentException(op + ": axis " + a[i] + " repeated in " + Arrays.toString(axes) + " for shape " + shape);
        return a;
    }

    private int[] allAxes() {
        int[] a = new int[rank()];
        for (int i = 0; i < a.length; i++) a[i] = i;
        return a;
    }

    /** Reduces {@code axes} with {@code op}; an empty axes array means all axes. */
    public Tensor reduce(ReduceOp op, int[] axes, boolean keepDim) {
        String name = op.name().toLowerCase();
        requireFloating(name);
        int[] a = axes.length == 0 ? allAxes() : normalizeAxes(name, axes);
        for (int ax : a)
            if (shape.raw()[ax] == 0 && (op == ReduceOp.MAX || op == ReduceOp.MIN))
                throw new IllegalArgumentException(name + ": cannot reduce empty axis " + ax + " of shape " + shape);
        Shape keep = shape.reduce(a, true);
        Tensor out = emptyLike(keep);
        backend().reduce(op, this, a, out);
        return keepDim ? out : out.reshape(shape.reduce(a, false).raw());
    }

    public Tensor sum() { return reduce(ReduceOp.SUM, new int[0], false); }
    public Tensor sum(int axis) { return reduce(ReduceOp.SUM, new int[] {axis}, false); }
    public Tensor sum(int axis, boolean keepDim) { return reduce(ReduceOp.SUM, new int[] {axis}, keepDim); }
    public Tensor sum(int[] axes, boolean keepDim) { return reduce(ReduceOp.SUM, axes, keepDim); }
    public Tensor mean() { return reduce(ReduceOp.MEAN, new int[0], false); }
    public Tensor mean(int axis) { return reduce(ReduceOp.MEAN, new int[] {axis}, false); }
    public Tensor mean(int axis, boolean keepDim) { return reduce(ReduceOp.MEAN, new int[] {axis}, keepDim); }
    public Tensor mean(int[] axes, boolean keepDim) { return reduce(ReduceOp.MEAN, axes, keepDim); }
    public Tensor max() { return reduce(ReduceOp.MAX, new int[0], false); }
    public Tensor max(int axis) { return reduce(ReduceOp.MAX, new int[] {axis}, false); }
    public Tensor max(int axis, boolean keepDim) { return reduce(ReduceOp.MAX, new int[] {axis}, keepDim); }
    public Tensor max(int[] axes, boolean keepDim) { return reduce(ReduceOp.MAX, axes, keepDim); }
    public Tensor min() { return reduce(ReduceOp.MIN, new int[0], false); }
    public Tensor min(int axis) { return reduce(ReduceOp.MIN, new int[] {axis}, false); }
    public Tensor min(int axis, boolean keepDim) { return reduce(ReduceOp.MIN, new int[] {axis}, keepDim); }
    public Tensor min(int[] axes, boolean keepDim) { return reduce(ReduceOp.MIN, axes, keepDim); }
    public Tensor logsumexp(int axis) { return reduce(ReduceOp.LOGSUMEXP, new int[] {axis}, false); }
    public Tensor logsumexp(int axis, boolean keepDim) { return reduce(ReduceOp.LOGSUMEXP, new int[] {axis}, keepDim); }
    public Tensor logsumexp(int[] axes, boolean keepDim) { return reduce(ReduceOp.LOGSUMEXP, axes, keepDim); }

    /** Variance over {@code axes} (all if empty); {@code unbiased} divides by n-1. */
    public Tensor var(int[] axes, boolean unbiased, boolean keepDim) {
        requireFloating("var");
        int[] a = axes.length == 0 ? allAxes() : normalizeAxes("var", axes);
        long n = 1;
        for (int ax : a) n *= shape.raw()[ax];
        if (unbiased && n < 2) throw new IllegalArgumentException("var: unbiased variance needs at least 2 elements, axes " + Arrays.toString(axes) + " of " + shape + " have " + n);
        Tensor centered = sub(mean(a, true));
        Tensor ss = centered.square().sum(a, keepDim);
        return ss.mul(1.0 / (unbiased ? n - 1 : n));
    }

    public Tensor var() {
        return var(new int[0], false, false);
    }

    /** Index of the maximum along {@code axis} (int32; ties to the lowest index). */
    public Tensor argmax(int axis, boolean keepDim) {
        return argReduce(true, axis, keepDim);
    }

    public Tensor argmin(int axis, boolean keepDim) {
        return argReduce(false, axis, keepDim);
    }

    private Tensor argReduce(boolean max, int axis, boolean keepDim) {
        String op = max ? "argmax" : "argmin";
        requireFloating(op);
        int a = shape.axis(axis, op);
        if (shape.raw()[a] == 0) throw new IllegalArgumentException(op + ": empty axis " + axis + " of shape " + shape);
        Shape keep = shape.with(a, 1);
        Tensor out = empty(DType.I32, keep, device());
        backend().argReduce(max, this, a, out);
        return keepDim ? out : out.squeeze(a);
    }

    // ------------------------------------------------------------------------------------------------
    // Linear algebra and convolution
    // ------------------------------------------------------------------------------------------------

    /**
     * Matrix product of the last two dims with the leading (batch) dims broadcast: [..., m, k] x [..., k, n]
     * -> [..., m, n]. Transposed views such as {@code b.t()} are multiplied without a copy.
     */
    /**
     * {@link #matmul} of 2-D matrices where {@code other} is a weight, read unchanged by many products (e.g. every
     * time step of a recurrent model between two optimizer steps): the backend may keep it packed for its GEMM
     * while its storage version is unchanged. Same result as {@code matmul}; other ranks fall back to it.
     */
    public Tensor matmulReusedB(Tensor other) {
        if (rank() != 2 || other.rank() != 2 || dtype() != DType.F32) return matmul(other);
        checkCompatible("matmul", other);
        if (dim(1) != other.dim(0))
            throw new IllegalArgumentException("matmul: inner dims differ: " + shape + " x " + other.shape + " (" + dim(1) + " vs " + other.dim(0) + ")");
        Tensor out = emptyLike(Shape.of(dim(0), other.dim(1)));
        backend().matmulReusedB(this, other, out);
        return out;
    }

    public Tensor matmul(Tensor other) {
        checkCompatible("matmul", other);
        requireFloating("matmul");
        if (rank() < 2 || other.rank() < 2)
            throw new IllegalArgumentException("matmul: both operands need rank >= 2, got " + shape + " and " + other.shape
                    + " (unsqueeze vectors first)");
        int m = dim(-2), k = dim(-1), k2 = other.dim(-2), n = other.dim(-1);
        if (k != k2) throw new IllegalArgumentException("matmul: inner dims differ: " + shape + " x " + other.shape + " (" + k + " vs " + k2 + ")");
        Shape batchA = Shape.of(Arrays.copyOf(shape.raw(), rank() - 2));
        Shape batchB = Shape.of(Arrays.copyOf(other.shape.raw(), other.rank() - 2));
        Shape batch = Shape.broadcast("matmul", batchA, batchB);
        int br = batch.rank();
        int[] da = Arrays.copyOf(batch.raw(), br + 2), db = Arrays.copyOf(batch.raw(), br + 2), dout = Arrays.copyOf(batch.raw(), br + 2);
        da[br] = m; da[br + 1] = k;
        db[br] = k; db[br + 1] = n;
        dout[br] = m; dout[br + 1] = n;
        Tensor out = emptyLike(Shape.of(dout));
        backend().matmul(expand(da), other.expand(db), out);
        return out;
    }

    private static void checkConvArgs(String op, Tensor x, Tensor w, Tensor bias, int stride, int pad, int biasSize) {
        x.checkCompatible(op, w);
        x.requireFloating(op);
        if (x.rank() != 4) throw new IllegalArgumentException(op + ": input must be [N, C, H, W], got " + x.shape);
        if (w.rank() != 4) throw new IllegalArgumentException(op + ": weight must be rank 4, got " + w.shape);
        if (stride < 1 || pad < 0) throw new IllegalArgumentException(op + ": stride " + stride + " must be >= 1 and padding " + pad + " >= 0");
        if (bias != null) {
            x.checkCompatible(op, bias);
            if (bias.rank() != 1 || bias.dim(0) != biasSize)
                throw new IllegalArgumentException(op + ": bias must be [" + biasSize + "], got " + bias.shape);
        }
    }

    /** Output size of a convolution along one spatial dim. */
    public static int convOutSize(int in, int k, int stride, int pad) {
        return (in + 2 * pad - k) / stride + 1;
    }

    /** Output size of a transposed convolution along one spatial dim. */
    public static int convTransposeOutSize(int in, int k, int stride, int pad) {
        return (in - 1) * stride - 2 * pad + k;
    }

    /** 2-D convolution: input [N, Cin, H, W], weight [Cout, Cin, kh, kw], bias [Cout] or null. */
    public Tensor conv2d(Tensor w, Tensor bias, int stride, int pad) {
        checkConvArgs("conv2d", this, w, bias, stride, pad, w.rank() == 4 ? w.dim(0) : -1);
        if (w.dim(1) != dim(1))
            throw new IllegalArgumentException("conv2d: input has " + dim(1) + " channels but weight " + w.shape + " expects " + w.dim(1));
        int oh = convOutSize(dim(2), w.dim(2), stride, pad), ow = convOutSize(dim(3), w.dim(3), stride, pad);
        if (oh <= 0 || ow <= 0)
            throw new IllegalArgumentException("conv2d: kernel " + w.dim(2) + "x" + w.dim(3) + " with padding " + pad + " does not fit input " + shape);
        Tensor out = emptyLike(Shape.of(dim(0), w.dim(0), oh, ow));
        backend().conv2d(this, w, bias, stride, pad, out);
        return out;
    }

    /** Gradient of {@link #conv2d} with respect to its input of shape {@code inputShape}. */
    public static Tensor conv2dBackwardInput(Tensor dy, Tensor w, Shape inputShape, int stride, int pad) {
        checkConvArgs("conv2dBackwardInput", dy, w, null, stride, pad, 0);
        Tensor out = dy.emptyLike(inputShape);
        dy.backend().conv2dBackwardInput(dy, w, stride, pad, out);
        return out;
    }

    /** Gradient of {@link #conv2d} with respect to its weight of shape {@code weightShape}. */
    public static Tensor conv2dBackwardWeight(Tensor x, Tensor dy, Shape weightShape, int stride, int pad) {
        checkConvArgs("conv2dBackwardWeight", x, dy, null, stride, pad, 0);
        Tensor out = x.emptyLike(weightShape);
        x.backend().conv2dBackwardWeight(x, dy, stride, pad, out);
        return out;
    }

    /** Transposed 2-D convolution: input [N, Cin, H, W], weight [Cin, Cout, kh, kw], bias [Cout] or null. */
    public Tensor convTranspose2d(Tensor w, Tensor bias, int stride, int pad) {
        checkConvArgs("convTranspose2d", this, w, bias, stride, pad, w.rank() == 4 ? w.dim(1) : -1);
        if (w.dim(0) != dim(1))
            throw new IllegalArgumentException("convTranspose2d: input has " + dim(1) + " channels but weight " + w.shape + " expects " + w.dim(0));
        int oh = convTransposeOutSize(dim(2), w.dim(2), stride, pad), ow = convTransposeOutSize(dim(3), w.dim(3), stride, pad);
        if (oh <= 0 || ow <= 0) throw new IllegalArgumentException("convTranspose2d: padding " + pad + " too large for input " + shape + " and weight " + w.shape);
        Tensor out = emptyLike(Shape.of(dim(0), w.dim(1), oh, ow));
        backend().convTranspose2d(this, w, bias, stride, pad, out);
        return out;
    }

    /** Gradient of {@link #convTranspose2d} with respect to its input of shape {@code inputShape}. */
    public static Tensor convTranspose2dBackwardInput(Tensor dy, Tensor w, Shape inputShape, int stride, int pad) {
        checkConvArgs("convTranspose2dBackwardInput", dy, w, null, stride, pad, 0);
        Tensor out = dy.emptyLike(inputShape);
        dy.backend().convTranspose2dBackwardInput(dy, w, stride, pad, out);
        return out;
    }

    /** Gradient of {@link #convTranspose2d} with respect to its weight of shape {@code weightShape}. */
    public static Tensor convTranspose2dBackwardWeight(Tensor x, Tensor dy, Shape weightShape, int stride, int pad) {
        checkConvArgs("convTranspose2dBackwardWeight", x, dy, null, stride, pad, 0);
        Tensor out = x.emptyLike(weightShape);
        x.backend().convTranspose2dBackwardWeight(x, dy, stride, pad, out);
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // Softmax, joining, indexing, scans
    // ------------------------------------------------------------------------------------------------

    public Tensor softmax(int axis) {
        return softmax(axis, false);
    }

    public Tensor logSoftmax(int axis) {
        return softmax(axis, true);
    }

    private Tensor softmax(int axis, boolean log) {
        String op = log ? "logSoftmax" : "softmax";
        requireFloating(op);
        int a = shape.axis(axis, op);
        if (a == rank() - 1) {
            Tensor x = contiguous();
            Tensor out = emptyLike(shape);
            backend().softmax(x, log, out);
            return out;
        }
        Tensor moved = movedim(a, -1).contiguous();
        Tensor out = emptyLike(moved.shape);
        backend().softmax(moved, log, out);
        return out.movedim(-1, a).contiguous();
    }

    /** Joins tensors along an existing axis. */
    public static Tensor concat(int axis, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("concat: no tensors");
        Tensor first = ts[0];
        int a = first.shape.axis(axis, "concat");
        int total = 0;
        for (Tensor t : ts) {
            first.checkCompatible("concat", t);
            boolean ok = t.rank() == first.rank();
            for (int i = 0; ok && i < t.rank(); i++) if (i != a && t.shape.raw()[i] != first.shape.raw()[i]) ok = false;
            if (!ok) throw new IllegalArgumentException("concat: shapes " + shapesOf(ts) + " differ outside axis " + axis);
            total += t.shape.raw()[a];
        }
        Tensor out = first.emptyLike(first.shape.with(a, total));
        int off = 0;
        for (Tensor t : ts) {
            int len = t.shape.raw()[a];
            if (len > 0) first.backend().copy(t, out.narrow(a, off, len));
            off += len;
        }
        return out;
    }

    public static Tensor concat(int axis, List<Tensor> ts) {
        return concat(axis, ts.toArray(new Tensor[0]));
    }

    /** Joins tensors of equal shape along a new axis. */
    public static Tensor stack(int axis, Tensor... ts) {
        if (ts.length == 0) throw new IllegalArgumentException("stack: no tensors");
        Tensor[] u = new Tensor[ts.length];
        for (int i = 0; i < ts.length; i++) {
            if (!ts[i].shape.equals(ts[0].shape)) throw new IllegalArgumentException("stack: shapes differ: " + shapesOf(ts));
            u[i] = ts[i].unsqueeze(axis);
        }
        return concat(axis, u);
    }

    public static Tensor stack(int axis, List<Tensor> ts) {
        return stack(axis, ts.toArray(new Tensor[0]));
    }

    private static String shapesOf(Tensor[] ts) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < ts.length; i++) sb.append(i > 0 ? ", " : "").append(ts[i].shape);
        return sb.append(']').toString();
    }

    private void checkIndex(String op, Tensor index) {
        if (index.dtype() != DType.I32) throw new IllegalArgumentException(op + ": index must be I32, got " + index.dtype() + " " + index.shape);
        if (!index.device().equals(device())) throw new IllegalArgumentException(op + ": index on " + index.device() + ", tensor on " + device());
    }

    /** out[i][j][k] = x[i][index[i][j][k]][k] for axis 1 (torch.gather); out has index's shape. */
    public Tensor gather(int axis, Tensor index) {
        checkIndex("gather", index);
        int a = shape.axis(axis, "gather");
        if (index.rank() != rank()) throw new IllegalArgumentException("gather: index " + index.shape + " must have the rank of " + shape);
        for (int i = 0; i < rank(); i++)
            if (i != a && index.shape.raw()[i] > shape.raw()[i])
                throw new IllegalArgumentException("gather: index " + index.shape + " larger than input " + shape + " at dim " + i);
        Tensor out = emptyLike(index.shape);
        backend().gather(this, a, index, out);
        return out;
    }

    /** A copy of this tensor with src added at the positions index gives along axis (torch.scatter_add). */
    public Tensor scatterAdd(int axis, Tensor index, Tensor src) {
        checkIndex("scatterAdd", index);
        checkCompatible("scatterAdd", src);
        int a = shape.axis(axis, "scatterAdd");
        if (!index.shape.equals(src.shape) || index.rank() != rank())
            throw new IllegalArgumentException("scatterAdd: index " + index.shape + " and src " + src.shape + " must match and have the rank of " + shape);
        for (int i = 0; i < rank(); i++)
            if (i != a && index.shape.raw()[i] > shape.raw()[i])
                throw new IllegalArgumentException("scatterAdd: index " + index.shape + " larger than target " + shape + " at dim " + i);
        Tensor out = copy();
        backend().scatterAdd(out, a, index, src);
        return out;
    }

    /** The slices at {@code index} (1-D I32) along axis. */
    public Tensor indexSelect(int axis, Tensor index) {
        checkIndex("indexSelect", index);
        if (index.rank() != 1) throw new IllegalArgumentException("indexSelect: index must be 1-D, got " + index.shape);
        int a = shape.axis(axis, "indexSelect");
        Tensor out = emptyLike(shape.with(a, index.numel()));
        backend().indexSelect(this, a, index, out);
        return out;
    }

    /** One-hot float32 encoding of an I32 tensor: shape index.shape + [classes]. */
    public static Tensor oneHot(Tensor index, int classes) {
        if (index.dtype() != DType.I32) throw new IllegalArgumentException("oneHot: index must be I32, got " + index.dtype());
        if (classes <= 0) throw new IllegalArgumentException("oneHot: classes must be positive, got " + classes);
        int[] d = Arrays.copyOf(index.shape.raw(), index.rank() + 1);
        d[index.rank()] = classes;
        Tensor out = full(0, DType.F32, Shape.of(d), index.device());
        Tensor idx = index.unsqueeze(-1);
        Tensor ones = full(1, DType.F32, idx.shape, index.device());
        out.backend().scatterAdd(out, index.rank(), idx, ones);
        return out;
    }

    /** Values and int32 indices of a top-k selection. */
    public record TopK(Tensor values, Tensor indices) {}

    /** The k largest (or smallest) entries along the last axis, sorted, ties to the lower index. */
    public TopK topk(int k, boolean largest) {
        requireFloating("topk");
        if (rank() < 1) throw new IllegalArgumentException("topk: needs rank >= 1, got a scalar");
        int n = dim(-1);
        if (k < 0 || k > n) throw new IllegalArgumentException("topk: k " + k + " out of range for last dim of " + shape);
        Shape s = shape.with(-1, k);
        Tensor values = emptyLike(s), indices = empty(DType.I32, s, device());
        backend().topk(this, k, largest, values, indices);
        return new TopK(values, indices);
    }

    /** Inclusive cumulative sum along axis; with {@code reverse} it sums from the end (a reverse scan). */
    public Tensor cumsum(int axis, boolean reverse) {
        requireFloating("cumsum");
        int a = shape.axis(axis, "cumsum");
        Tensor out = emptyLike(shape);
        backend().cumsum(this, a, reverse, out);
        return out;
    }

    // ------------------------------------------------------------------------------------------------
    // In-place
    // ------------------------------------------------------------------------------------------------

    /** Sets every element to {@code value}. */
    public Tensor fill(double value) {
        backend().fill(this, value);
        storage.bumpVersion();
        return this;
    }

    /** Copies {@code src} (broadcast to this shape) into this tensor. */
    public Tensor copyFrom(Tensor src) {
        if (!src.device().equals(device())) src = src.to(device());
        Shape s = Shape.broadcast("copyFrom", src.shape, shape);
        if (!s.equals(shape)) throw new IllegalArgumentException("copyFrom: source " + src.shape + " does not broadcast to " + shape);
        backend().copy(src.broadcastTo(shape), this);
        storage.bumpVersion();
        return this;
    }

    /** this += other (broadcast). */
    public Tensor addInPlace(Tensor other) {
        return zipInPlace(BinaryOp.ADD, other);
    }

    /** this -= other (broadcast). */
    public Tensor subInPlace(Tensor other) {
        return zipInPlace(BinaryOp.SUB, other);
    }

    /** this *= other (broadcast). */
    public Tensor mulInPlace(Tensor other) {
        return zipInPlace(BinaryOp.MUL, other);
    }

    /** this = this * a + b. */
    public Tensor affineInPlace(double a, double b) {
        requireFloating("affineInPlace");
        backend().unary(UnaryOp.AFFINE, this, a, b, this);
        storage.bumpVersion();
        return this;
    }

    private Tensor zipInPlace(BinaryOp op, Tensor other) {
        String name = op.name().toLowerCase() + "InPlace";
        checkCompatible(name, other);
        requireFloating(name);
        Shape s = Shape.broadcast(name, shape, other.shape);
        if (!s.equals(shape)) throw new IllegalArgumentException(name + ": " + other.shape + " does not broadcast to " + shape);
        backend().binary(op, this, other.broadcastTo(shape), this);
        storage.bumpVersion();
        return this;
    }

    /**
     * One fused Adam/AdamW update of this parameter in place, with moment buffers {@code m} and {@code v}
     * (updated in place). {@code step} is 1-based. With {@code decoupled} the weight decay is AdamW's
     * (p -= lr*wd*p), otherwise it is added to the gradient (L2, as in torch.optim.Adam).
     */
    public void adamStepInPlace(Tensor grad, Tensor m, Tensor v, double lr, double beta1, double beta2, double eps,
                                double weightDecay, boolean decoupled, long step) {
        for (Tensor t : new Tensor[] {grad, m, v}) {
            checkCompatible("adamStep", t);
            if (!t.shape.equals(shape) || !t.isContiguous())
                throw new IllegalArgumentException("adamStep: parameter " + shape + " needs contiguous grad/m/v of the same shape, got " + t.shape);
        }
        if (!isContiguous()) throw new IllegalArgumentException("adamStep: parameter " + shape + " must be contiguous");
        if (step < 1) throw new IllegalArgumentException("adamStep: step must be >= 1, got " + step);
        backend().adam(this, grad, m, v, lr, beta1, beta2, eps, weightDecay, decoupled, step);
        storage.bumpVersion();
        m.storage.bumpVersion();
        v.storage.bumpVersion();
    }

    /** this += a·b for matrices (this contiguous [m, n], a [m, k], b [k, n]; transposed views are fine). */
    public Tensor addMatmulInPlace(Tensor a, Tensor b) {
        checkCompatible("addMatmulInPlace", a);
        checkCompatible("addMatmulInPlace", b);
        requireFloating("addMatmulInPlace");
        if (rank() != 2 || a.rank() != 2 || b.rank() != 2 || a.dim(0) != dim(0) || b.dim(1) != dim(1) || a.dim(1) != b.dim(0))
            throw new IllegalArgumentException("addMatmulInPlace: " + shape + " += " + a.shape + " x " + b.shape + " does not fit");
        if (!isContiguous()) throw new IllegalArgumentException("addMatmulInPlace: target " + shape + " must be contiguous");
        backend().matmulAccumulate(a, b, this);
        storage.bumpVersion();
        return this;
    }

    // ------------------------------------------------------------------------------------------------
    // Fused recurrent cells
    // ------------------------------------------------------------------------------------------------

    /**
     * The pointwise part of a GRU cell (see {@link Backend#gruCellForward}): {@code gi}, {@code gh} are the
     * [B, 3H] gate pre-activations (gates r, z, n), {@code h} is [B, H]. Returns h'. If {@code saved} is not
     * null it must be a contiguous [B, 4H] tensor and receives what {@link #gruCellBackward} needs.
     */
    public static Tensor gruCell(Tensor gi, Tensor gh, Tensor h, Tensor saved) {
        checkGru("gruCell", gi, gh, h, saved);
        Tensor out = h.emptyLike(h.shape);
        h.backend().gruCellForward(gi, gh, h, out, saved);
        if (saved != null) saved.storage.bumpVersion();
        return out;
    }

    /** Backward of {@link #gruCell}: returns {dgi [B, 3H], dgh [B, 3H], dh [B, H] (the direct z * dhOut part)}. */
    public static Tensor[] gruCellBackward(Tensor dhOut, Tensor h, Tensor saved) {
        checkGru("gruCellBackward", null, null, h, saved);
        if (!dhOut.shape.equals(h.shape)) throw new IllegalArgumentException("gruCellBackward: dhOut " + dhOut.shape + " vs h " + h.shape);
        h.checkCompatible("gruCellBackward", dhOut);
        int b = h.dim(0), hid = h.dim(1);
        Tensor dgi = h.emptyLike(Shape.of(b, 3 * hid)), dgh = h.emptyLike(Shape.of(b, 3 * hid)), dh = h.emptyLike(h.shape);
        h.backend().gruCellBackward(dhOut, h, saved, dgi, dgh, dh);
        return new Tensor[] {dgi, dgh, dh};
    }

    private static void checkGru(String op, Tensor gi, Tensor gh, Tensor h, Tensor saved) {
        h.requireFloating(op);
        if (h.rank() != 2) throw new IllegalArgumentException(op + ": h must be [B, H], got " + h.shape);
        int b = h.dim(0), hid = h.dim(1);
        Shape gates = Shape.of(b, 3 * hid);
        for (Tensor t : new Tensor[] {gi, gh}) {
            if (t == null) continue;
            h.checkCompatible(op, t);
            if (!t.shape.equals(gates)) throw new IllegalArgumentException(op + ": gate pre-activations must be " + gates + " for h " + h.shape + ", got " + t.shape);
        }
        if (saved != null) {
            h.checkCompatible(op, saved);
            if (!saved.shape.equals(Shape.of(b, 4 * hid)) || !saved.isContiguous())
                throw new IllegalArgumentException(op + ": saved must be a contiguous [" + b + ", " + 4 * hid + "], got " + saved.shape);
        }
    }

    // ------------------------------------------------------------------------------------------------
    // Printing and comparison
    // ------------------------------------------------------------------------------------------------

    /** Whether shapes match and all elements are within atol + rtol*|other|. */
    public boolean allClose(Tensor other, double rtol, double atol) {
        if (!shape.equals(other.shape)) return false;
        double[] a = toDoubleArray(), b = other.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            if (Double.isNaN(a[i]) != Double.isNaN(b[i])) return false;
            if (Math.abs(a[i] - b[i]) > atol + rtol * Math.abs(b[i])) return false;
        }
        return true;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Tensor(").append(dtype()).append(' ').append(shape);
        if (!device().equals(Device.CPU)) sb.append(' ').append(device());
        if (storage.isReleased()) return sb.append(", released)").toString();
        if (numel() <= 64) {
            double[] v = toDoubleArray();
            sb.append(", ");
            format(sb, v, 0, 0);
        }
        return sb.append(')').toString();
    }

    private int format(StringBuilder sb, double[] v, int dimIdx, int pos) {
        if (dimIdx == rank()) {
            double x = v[pos];
            sb.append(dtype() == DType.I32 ? String.valueOf((long) x) : String.format(java.util.Locale.ROOT, "%.4g", x));
            return pos + 1;
        }
        sb.append('[');
        int n = shape.raw()[dimIdx];
        for (int i = 0; i < n; i++) {
            if (i > 0) sb.append(", ");
            pos = format(sb, v, dimIdx + 1, pos);
        }
        sb.append(']');
        return pos;
    }
}
