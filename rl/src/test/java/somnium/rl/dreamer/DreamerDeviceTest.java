package somnium.rl.dreamer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import somnium.autograd.Var;
import somnium.rl.replay.Batch;
import somnium.tensor.Backends;
import somnium.tensor.Device;
import somnium.tensor.Rng;
import somnium.tensor.Tensor;

/**
 * Dreamer on a device: the agent's parameters and optimizer state move there, batches follow inside the update,
 * and one update gives the CPU's numbers. The CUDA half is skipped (JUnit assumption) without a GPU; the
 * noise is the same Philox stream on both devices (uniform bits identical, normals within a few ulps).
 */
class DreamerDeviceTest {
    @Test
    void movingToTheCpuChangesNothingAndOnlyLeavesMove() {
        Dreamer.Agent a = new Dreamer.Agent(DreamerLearnerTest.tiny(), 2, 1, new Rng(1));
        Tensor w = a.model.parameters().get(0).value();
        a.model.to(Device.CPU);
        assertSame(w, a.model.parameters().get(0).value(), "already there: the same tensor");
        assertEquals(Device.CPU, a.model.device());
        Batch b = DreamerLearnerTest.batch(3, 5, 2, 1, 7);
        assertSame(b, b.to(Device.CPU));
        Var out = a.model.parameters().get(0).mul(2);
        assertThrows(IllegalStateException.class, () -> out.moveTo(Device.CPU));
    }

    @Test
    void oneUpdateOnCudaMatchesTheCpu() {
        Assumptions.assumeTrue(Backends.isAvailable(Device.Kind.CUDA), "no CUDA device");
        Device cuda = Device.cuda(0);
        DreamerConfig cfg = DreamerLearnerTest.tiny();
        Batch batch = DreamerLearnerTest.batch(3, 5, 2, 1, 7);
        Dreamer.Agent cpu = new Dreamer.Agent(cfg, 2, 1, new Rng(1));
        Dreamer.Agent gpu = new Dreamer.Agent(cfg, 2, 1, new Rng(1), cuda);
        assertEquals(cuda, gpu.model.device());
        assertEquals(cuda, gpu.behavior.device());
        Map<String, Double> mc = new Dreamer.Learner(cpu, null, cfg, new Rng(9)).update(batch);
        Map<String, Double> mg = new Dreamer.Learner(gpu, null, cfg, new Rng(9)).update(batch);
        for (String k : new String[] {"model_loss", "actor_loss", "value_loss"})
            assertEquals(mc.get(k), mg.get(k), 1e-3 * (1 + Math.abs(mc.get(k))), k);
        // Adam's first step moves each weight by about lr * sign(g): a gradient within rounding of zero may take
        // the other sign on the other device, so single weights may differ by up to 2 lr; on average they agree.
        Map<String, Var> pc = cpu.model.namedParameters(), pg = gpu.model.namedParameters();
        long total = 0, off = 0;
        for (String k : pc.keySet()) {
            assertEquals(cuda, pg.get(k).value().device(), k);
            float[] d = pc.get(k).value().sub(pg.get(k).value().to(Device.CPU)).abs().toFloatArray();
            for (float x : d) {
                assertTrue(x <= 2 * cfg.modelLr() + 1e-6, k + " differs by " + x);
                if (x > 1e-4) off++;
            }
            total += d.length;
        }
        assertTrue(off <= total / 100, off + " of " + total + " weights differ by more than 1e-4");
        // A second update starts from the moved parameters and optimizer state.
        Map<String, Double> mc2 = new Dreamer.Learner(cpu, null, cfg, new Rng(10)).update(batch);
        Map<String, Double> mg2 = new Dreamer.Learner(gpu, null, cfg, new Rng(10)).update(batch);
        assertEquals(mc2.get("model_loss"), mg2.get("model_loss"), 1e-3 * (1 + Math.abs(mc2.get("model_loss"))));
    }
}
