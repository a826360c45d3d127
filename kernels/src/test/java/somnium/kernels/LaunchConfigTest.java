package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Grid/block arithmetic of the launches (no GPU needed). */
class LaunchConfigTest {
    @Test
    void elementwiseCoversEveryElementOnceOrLoops() {
        for (long n : new long[] {1, 255, 256, 257, 100_000, 1L << 31}) {
            LaunchConfig c = LaunchConfig.elementwise(n);
            assertEquals(256, c.block());
            assertTrue(c.gridX() >= 1 && c.gridX() <= LaunchConfig.MAX_GRID_STRIDE_BLOCKS);
            assertEquals(Math.min((n + 255) / 256, LaunchConfig.MAX_GRID_STRIDE_BLOCKS), c.gridX(), "n = " + n);
        }
        assertEquals(1, LaunchConfig.elementwise(0).gridX(), "an empty launch still has one block (kernels loop zero times)");
    }

    @Test
    void rowsUseWarpMultiplesUpToTheCap() {
        assertEquals(32, LaunchConfig.rows(10, 1, 256).block());
        assertEquals(32, LaunchConfig.rows(10, 32, 256).block());
        assertEquals(64, LaunchConfig.rows(10, 33, 256).block());
        assertEquals(224, LaunchConfig.rows(10, 200, 256).block());
        assertEquals(256, LaunchConfig.rows(10, 100_000, 256).block());
        assertEquals(10, LaunchConfig.rows(10, 5, 256).gridX());
        assertTrue(LaunchConfig.rows(50_000_000, 5, 256).gridX() < 50_000_000, "many rows: the kernel loops");
    }

    @Test
    void gemmTilesCoverTheOutput() {
        LaunchConfig c = LaunchConfig.gemm(50, 600, 3, 64, 256);
        assertEquals(10, c.gridX());   // ceil(600 / 64)
        assertEquals(1, c.gridY());    // ceil(50 / 64)
        assertEquals(3, c.gridZ());
        assertEquals(256, c.block());
        assertEquals(16, LaunchConfig.gemm(1000, 1, 1, 64, 256).gridY());
    }

    @Test
    void limitsAreEnforced() {
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(1, 1, 65536, 256));
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(1, 1, 1, 2048));
        assertThrows(IllegalArgumentException.class, () -> new LaunchConfig(0, 1, 1, 256));
        assertThrows(IllegalArgumentException.class, () -> LaunchConfig.ceilDiv(1L << 40, 1));
        assertEquals(3, LaunchConfig.ceilDiv(9, 4));
    }
}
