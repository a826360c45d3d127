package somnium.kernels;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The PTX the build put on the classpath ({@code somnium/kernels/ptx/<family>.<arch>.ptx}, listed in
 * {@code index.txt} by {@code scripts/build-ptx.sh}), and small parsers of PTX text used by the backend and by the
 * tests that run without a GPU (entry names, the {@code .version} header).
 */
public final class Ptx {
    public static final String DIR = "somnium/kernels/ptx/";
    /** The two targets every family is compiled for. */
    public static final String ARCH_SM90 = "sm_90", ARCH_PORTABLE = "compute_75";
    /** The newest PTX ISA the GPU machines' driver (580, CUDA 13.0) accepts. */
    public static final int MAX_VERSION_MAJOR = 9, MAX_VERSION_MINOR = 0;

    private static final Pattern ENTRY = Pattern.compile("\\.entry\\s+([A-Za-z_][A-Za-z0-9_$]*)\\s*\\(");
    private static final Pattern VERSION = Pattern.compile("(?m)^\\s*\\.version\\s+(\\d+)\\.(\\d+)");

    private Ptx() {}

    /** The PTX file names in this build (empty when it was built without nvcc). */
    public static List<String> files() {
        String idx = resource("index.txt");
        List<String> out = new ArrayList<>();
        if (idx == null) return out;
        for (String line : idx.split("\\R")) if (!line.isBlank()) out.add(line.trim());
        return out;
    }

    /** Whether this build has PTX for every family. */
    public static boolean present() {
        return !files().isEmpty();
    }

    /** Kernel families (the .cu file names) present in this build. */
    public static Set<String> families() {
        Set<String> f = new TreeSet<>();
        for (String file : files()) f.add(file.substring(0, file.indexOf('.')));
        return f;
    }

    /** The PTX text of {@code family} for {@code arch}, or null when absent. */
    public static String load(String family, String arch) {
        return resource(family + "." + arch + ".ptx");
    }

    /** The arch to load for a device of compute capability major.minor: sm_90 PTX from 9.0 on, else compute_75. */
    public static String archFor(int major, int minor) {
        return major >= 9 ? ARCH_SM90 : ARCH_PORTABLE;
    }

    /** The {@code .entry} names in a PTX text, in order. */
    public static Set<String> entries(String ptx) {
        Set<String> out = new LinkedHashSet<>();
        Matcher m = ENTRY.matcher(ptx);
        while (m.find()) out.add(m.group(1));
        return out;
    }

    /** {major, minor} of the {@code .version} directive. */
    public static int[] version(String ptx) {
        Matcher m = VERSION.matcher(ptx);
        if (!m.find()) throw new IllegalArgumentException("no .version directive in PTX");
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }

    private static String resource(String name) {
        try (InputStream in = Ptx.class.getClassLoader().getResourceAsStream(DIR + name)) {
            return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read PTX resource " + name, e);
        }
    }
}
