package somnium.rl.world;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import somnium.autograd.io.SafeTensors;
import somnium.autograd.nn.Module;
import somnium.autograd.optim.Optimizer;
import somnium.rl.train.Checkpoint;
import somnium.rl.train.Checkpointer;
import somnium.tensor.Tensor;

/** Checkpoint parts for modules and optimizers, in the safetensors format (PyTorch can open them). */
public final class Weights {
    private Weights() {}

    /** A part holding a module's parameters under their dotted names. */
    public static Checkpointer.Part of(Module module) {
        return out -> write(out, module.stateDict(), "somnium-module");
    }

    /** A part holding an optimizer's state (step count and moments). */
    public static Checkpointer.Part of(Optimizer optimizer) {
        return out -> write(out, optimizer.exportState(), "somnium-optimizer");
    }

    /** SafeTensors writes files; the checkpointer wants a stream, so go through a scratch file. */
    private static void write(OutputStream out, Map<String, Tensor> tensors, String format) throws IOException {
        Path tmp = Files.createTempFile("somnium-part", ".safetensors");
        try {
            SafeTensors.save(tmp, tensors, Map.of("format", format));
            Files.copy(tmp, out);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Loads part {@code name} into {@code module}; every missing or mis-shaped tensor is reported by name. */
    public static void restore(Checkpoint ckpt, String name, Module module) throws IOException {
        SafeTensors.loadInto(ckpt.path(name), module);
    }

    /** Loads part {@code name} into {@code optimizer}. */
    public static void restore(Checkpoint ckpt, String name, Optimizer optimizer) throws IOException {
        optimizer.importState(SafeTensors.load(ckpt.path(name)).tensors());
    }
}
