package somnium.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the nvcc step put on the classpath: every .cu compiled for both targets, every kernel the Java side
 * launches present as an {@code .entry}, and PTX ISA no newer than 9.0 (what the GPU machines' driver accepts).
 * Runs without a GPU; skipped only on a machine with no nvcc (where the build had nothing to compile).
 */
class PtxResourcesTest {
    /** Every entry point the Java side launches, by family. */
    static final Map<String, List<String>> EXPECTED = Map.ofEntries(
            Map.entry("elementwise", List.of("fill_f32", "fill_f64", "fill_i32",
                    "copy_f32_f32", "copy_f32_f64", "copy_f32_i32", "copy_f64_f32", "copy_f64_f64", "copy_f64_i32",
                    "copy_i32_f32", "copy_i32_f64", "copy_i32_i32", "copy_contig_b32",
                    "unary_f32", "unary_f64", "unary_contig_f32", "binary_f32", "binary_f64", "binary_contig_f32",
                    "where_f32_f32", "where_f32_f64", "where_f32_i32", "where_f64_f32", "where_f64_f64", "where_f64_i32",
                    "where_i32_f32", "where_i32_f64", "where_i32_i32")),
            Map.entry("reduce", List.of("reduce_rows_f32", "reduce_rows_f64", "reduce_cols_f32", "reduce_split_f32", "reduce_split_f64",
                    "reduce_finish_f32", "reduce_finish_f64", "arg_rows_f32", "arg_rows_f64",
                    "arg_rows_i32", "cumsum_rows_f32", "cumsum_rows_f64", "cumsum_rows_i32")),
            Map.entry("softmax", List.of("softmax_f32", "softmax_f64")),
            Map.entry("gemm", List.of("sgemm_tiled", "dgemm_tiled", "sgemm_tf32", "sgemm_large", "splitk_sum_f32", "splitk_sum_f64")),
            Map.entry("conv", List.of("im2col_f32", "im2col_f64", "col2im_f32", "col2im_f64", "nchw_from_cnp_f32",
                    "nchw_from_cnp_f64", "cnp_from_nchw_f32", "cnp_from_nchw_f64", "add_channel_bias_f32", "add_channel_bias_f64")),
            Map.entry("index", List.of("gather_f32", "gather_f64", "gather_i32", "scatter_add_f32", "scatter_add_f64",
                    "index_select_f32", "index_select_f64", "index_select_i32", "topk_sort_f32", "topk_sort_f64",
                    "topk_rank_f32", "topk_rank_f64")),
            Map.entry("random", List.of("philox_words", "uniform_f32", "uniform_f64", "normal_f32", "normal_f64", "philox_ints",
                    "normal_rsample_f32", "normal_rsample_backward_f32", "categorical_st_f32", "categorical_st_backward_f32")),
            Map.entry("gru", List.of("gru_cell_forward_f32", "gru_cell_backward_f32")),
            Map.entry("layernorm", List.of("layernorm_forward_f32", "layernorm_backward_dx_f32", "layernorm_backward_params_f32")),
            Map.entry("adam", List.of("adam_f32", "adam_f64")),
            Map.entry("lambda_return", List.of("lambda_return_f32", "lambda_return_backward_f32")),
            Map.entry("cem", List.of("cem_sample", "cem_refit")));

    static boolean nvccExists() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) if (new File(dir, "nvcc").canExecute()) return true;
        return new File("/usr/local/cuda/bin/nvcc").canExecute() || new File("/usr/local/bin/nvcc").canExecute();
    }

    static Set<String> cuFamilies() throws Exception {
        try (Stream<Path> s = Files.list(Path.of("src/main/cuda"))) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".cu"))
                    .map(n -> n.substring(0, n.length() - 3)).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    @Test
    void everyCuFileCompiledForBothTargets() throws Exception {
        if (!Ptx.present()) {
            assertFalse(nvccExists() && !Boolean.getBoolean("somnium.ptx.skip"),
                    "nvcc exists on this machine but the build produced no PTX");
            Assumptions.abort("no nvcc on this machine: no PTX in this build");
        }
        assertEquals(cuFamilies(), Ptx.families(), "PTX families vs src/main/cuda/*.cu");
        assertEquals(cuFamilies(), new TreeSet<>(EXPECTED.keySet()), "families this test knows vs src/main/cuda/*.cu");
        for (String f : Ptx.families())
            for (String arch : new String[] {Ptx.ARCH_SM90, Ptx.ARCH_PORTABLE})
                assertNotNull(Ptx.load(f, arch), f + "." + arch + ".ptx");
    }

    @Test
    void everyKernelTheBackendLaunchesIsAnEntry() {
        Assumptions.assumeTrue(Ptx.present(), "no PTX in this build");
        for (var e : EXPECTED.entrySet()) {
            for (String arch : new String[] {Ptx.ARCH_SM90, Ptx.ARCH_PORTABLE}) {
                Set<String> entries = Ptx.entries(Ptx.load(e.getKey(), arch));
                for (String k : e.getValue()) assertTrue(entries.contains(k), e.getKey() + "." + arch + " lacks .entry " + k + ": " + entries);
            }
        }
    }

    @Test
    void ptxVersionIsAtMostWhatTheDriverAccepts() {
        Assumptions.assumeTrue(Ptx.present(), "no PTX in this build");
        for (String file : Ptx.files()) {
            String f = file.substring(0, file.indexOf('.')), arch = file.substring(file.indexOf('.') + 1, file.lastIndexOf('.'));
            String ptx = Ptx.load(f, arch);
            int[] v = Ptx.version(ptx);
            assertTrue(v[0] < Ptx.MAX_VERSION_MAJOR || (v[0] == Ptx.MAX_VERSION_MAJOR && v[1] <= Ptx.MAX_VERSION_MINOR),
                    file + " has PTX ISA " + v[0] + "." + v[1] + ", newer than the 580 driver's 9.0");
            String target = arch.equals(Ptx.ARCH_SM90) ? "sm_90" : "sm_75";
            assertTrue(ptx.contains(".target " + target), file + " should target " + target);
        }
    }

    @Test
    void parsersReadEntriesAndVersion() {
        String ptx = "//\n.version 9.0\n.target sm_90\n.address_size 64\n"
                + ".visible .entry fill_f32(\n .param .align 4 .b8 fill_f32_param_0[180]\n)\n{ ret; }\n"
                + ".visible .entry copy_f32_f64 (\n)\n{ ret; }\n.func helper(\n)\n";
        assertEquals(Set.of("fill_f32", "copy_f32_f64"), Ptx.entries(ptx));
        assertEquals(9, Ptx.version(ptx)[0]);
        assertEquals(0, Ptx.version(ptx)[1]);
        assertEquals(Ptx.ARCH_SM90, Ptx.archFor(9, 0));
        assertEquals(Ptx.ARCH_SM90, Ptx.archFor(10, 0));
        assertEquals(Ptx.ARCH_PORTABLE, Ptx.archFor(8, 9));
    }

    @Test
    void stridedStructHasTheSizeTheKernelsExpect() {
        Assumptions.assumeTrue(Ptx.present(), "no PTX in this build");
        // fill_f32's first parameter is the Strided struct: 45 ints = 180 bytes.
        String ptx = Ptx.load("elementwise", Ptx.ARCH_SM90);
        assertTrue(ptx.contains("fill_f32_param_0[" + StridedParams.INTS * 4 + "]"),
                "Strided should be " + StridedParams.INTS * 4 + " bytes in the PTX");
    }
}
