package somnium.kernels;

/**
 * Grid and block sizes for the kernels' launch shapes. Pure arithmetic, tested without a GPU.
 *
 * @param gridX  blocks along x (at most 2^31 - 1)
 * @param gridY  blocks along y (at most 65535)
 * @param gridZ  blocks along z (at most 65535)
 * @param block  threads per block (x only; at most 1024)
 */
public record LaunchConfig(int gridX, int gridY, int gridZ, int block) {
    /** CUDA's limits on grid dimensions. */
    public static final int MAX_GRID_X = Integer.MAX_VALUE, MAX_GRID_YZ = 65535, MAX_BLOCK = 1024;
    /** Threads per block of the elementwise kernels. */
    public static final int ELEMENTWISE_BLOCK = 256;
    /**
     * Upper bound on the grid of grid-stride kernels: enough blocks to fill any current GPU many times over
     * (132 SMs x 16 resident blocks of 256 on an H100), beyond which more blocks only add scheduling overhead.
     */
    public static final int MAX_GRID_STRIDE_BLOCKS = 132 * 32;

    public LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || block < 1)
            throw new IllegalArgumentException("empty launch " + gridX + "x" + gridY + "x" + gridZ + " of " + block);
        if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ || block > MAX_BLOCK)
            throw new IllegalArgumentException("launch " + gridX + "x" + gridY + "x" + gridZ + " of " + block + " exceeds CUDA's limits");
    }

    /** A grid-stride launch over {@code n >= 1} elements: 256 threads, ceil(n / 256) blocks capped. */
    public static LaunchConfig elementwise(long n) {
        return gridStride(n, ELEMENTWISE_BLOCK);
    }

    public static LaunchConfig gridStride(long n, int block) {
        long blocks = ceilDiv(Math.max(n, 1), block);
        return new LaunchConfig((int) Math.min(blocks, MAX_GRID_STRIDE_BLOCKS), 1, 1, block);
    }

    /**
     * One block per row (rows >= 1) for a row of {@code rowLength} elements: the block is the row length rounded up
     * to a warp multiple, between 32 and {@code maxBlock}; kernels loop when rows exceed the grid.
     */
    public static LaunchConfig rows(int rows, int rowLength, int maxBlock) {
        int b = (int) Math.min(maxBlock, Math.max(32, ceilDiv(rowLength, 32) * 32));
        return new LaunchConfig(Math.max(1, Math.min(rows, 65535 * 16)), 1, 1, b);
    }

    /** The tiled GEMM: 64 x 64 output tiles, one batch entry per grid.z (callers split batches over 65535). */
    public static LaunchConfig gemm(int m, int n, int batch, int tile, int threads) {
        return new LaunchConfig(ceilDiv(Math.max(n, 1), tile), ceilDiv(Math.max(m, 1), tile), batch, threads);
    }

    public static int ceilDiv(long a, long b) {
        long q = (a + b - 1) / b;
        if (q > Integer.MAX_VALUE) throw new IllegalArgumentException(a + " / " + b + " overflows int");
        return (int) q;
    }

    public long threads() {
        return (long) gridX * gridY * gridZ * block;
    }
}
