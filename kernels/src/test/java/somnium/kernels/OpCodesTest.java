package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import somnium.tensor.BinaryOp;
import somnium.tensor.ReduceOp;
import somnium.tensor.UnaryOp;

/** The op codes in common.cuh and {@link OpCodes} agree for every enum constant (no GPU needed). */
class OpCodesTest {
    static Map<String, Integer> defines() throws Exception {
        String src = Files.readString(Path.of("src/main/cuda/common.cuh"));
        Map<String, Integer> m = new HashMap<>();
        Matcher x = Pattern.compile("(?m)^#define ([UBR]OP_[A-Z0-9_]+) (\\d+)").matcher(src);
        while (x.find()) m.put(x.group(1), Integer.parseInt(x.group(2)));
        return m;
    }

    @Test
    void everyOpHasTheSameCodeInJavaAndCuda() throws Exception {
        Map<String, Integer> d = defines();
        for (UnaryOp op : UnaryOp.values()) {
            assertNotNull(d.get("UOP_" + op.name()), "common.cuh lacks UOP_" + op.name());
            assertEquals(d.get("UOP_" + op.name()), OpCodes.of(op), op.name());
        }
        for (BinaryOp op : BinaryOp.values()) {
            assertNotNull(d.get("BOP_" + op.name()), "common.cuh lacks BOP_" + op.name());
            assertEquals(d.get("BOP_" + op.name()), OpCodes.of(op), op.name());
        }
        for (ReduceOp op : ReduceOp.values()) {
            assertNotNull(d.get("ROP_" + op.name()), "common.cuh lacks ROP_" + op.name());
            assertEquals(d.get("ROP_" + op.name()), OpCodes.of(op), op.name());
        }
        assertEquals(UnaryOp.values().length + BinaryOp.values().length + ReduceOp.values().length, d.size(),
                "common.cuh defines codes for ops Java does not have");
    }
}
