package somnium.kernels;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectPackage;

import java.io.PrintWriter;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;

/**
 * Runs every test of {@code somnium.kernels} (and its reference package), or the package or class named by the
 * first argument, without Maven: the GPU machines have no
 * JDK or Maven, so scripts/bundle-gpu.sh ships a jlink'd runtime and the test jars, and its run script calls this.
 * Prints JUnit's summary and a closing line "N passed, N failed, N skipped"; exits 1 on any failure.
 */
public final class GpuTestMain {
    private GpuTestMain() {}

    public static void main(String[] args) {
        System.setProperty("somnium.cuda.sync", System.getProperty("somnium.cuda.sync", "true"));
        String target = args.length > 0 ? args[0] : "somnium.kernels";
        LauncherDiscoveryRequestBuilder b = LauncherDiscoveryRequestBuilder.request();
        try {
            b.selectors(selectClass(Class.forName(target)));   // a test class
        } catch (ClassNotFoundException e) {
            b.selectors(selectPackage(target));                // else a package (and its subpackages)
        }
        LauncherDiscoveryRequest request = b.build();
        Launcher launcher = LauncherFactory.create();
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        launcher.execute(request, listener);
        TestExecutionSummary s = listener.getSummary();
        PrintWriter out = new PrintWriter(System.out, true);
        s.printFailuresTo(out, 40);
        s.printTo(out);
        long failed = s.getTestsFailedCount() + s.getContainersFailedCount();
        out.println(s.getTestsSucceededCount() + " passed, " + failed + " failed, "
                + (s.getTestsSkippedCount() + s.getTestsAbortedCount()) + " skipped");
        System.exit(failed == 0 ? 0 : 1);
    }
}
