package somnium.rl.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import somnium.rl.train.Algorithm;
import somnium.rl.train.AlgorithmRegistry;
import somnium.rl.train.Checkpoint;
import somnium.rl.train.Checkpointer;
import somnium.rl.train.EnvCatalog;
import somnium.rl.train.EvalResult;
import somnium.rl.train.MetricsLog;
import somnium.rl.train.Plots;
import somnium.rl.train.ProgressSink;
import somnium.rl.train.RunContext;
import somnium.rl.train.RunDir;
import somnium.rl.train.Trainer;
import somnium.rl.train.config.Configs;
import somnium.tensor.Backends;
import somnium.tensor.Device;

/**
 * The Somnium command line: {@code train}, {@code resume}, {@code eval} and {@code list}. Algorithms and
 * environments are found through {@link AlgorithmRegistry#discover()} and {@link EnvCatalog#discover()}
 * (ServiceLoader); tests pass their own. User errors (unknown algorithm, env, preset or key, bad values) exit
 * with status 2 and a one-line message.
 */
@Command(name = "somnium", mixinStandardHelpOptions = true, version = "somnium 0.1.0",
        description = "Train and evaluate world-model agents (PlaNet, Dreamer).",
        subcommands = {Main.Train.class, Main.Resume.class, Main.Eval.class, Main.ListCommand.class, Main.PlotCommand.class})
public final class Main implements Runnable {
    final AlgorithmRegistry algorithms;
    final EnvCatalog envs;
    @Spec CommandLine.Model.CommandSpec spec;

    public Main() {
        this(AlgorithmRegistry.discover(), EnvCatalog.discover());
    }

    public Main(AlgorithmRegistry algorithms, EnvCatalog envs) {
        this.algorithms = algorithms;
        this.envs = envs;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** A CommandLine whose user errors print one line and exit 2. */
    public static CommandLine commandLine(Main main) {
        CommandLine cl = new CommandLine(main);
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof IllegalArgumentException || ex instanceof IllegalStateException || ex instanceof IOException) {
                cmd.getErr().println("error: " + ex.getMessage());
                return 2;
            }
            throw ex;
        });
        return cl;
    }

    public static void main(String[] args) {
        System.exit(commandLine(new Main()).execute(args));
    }

    static Device device(String name) {
        if (name.equalsIgnoreCase("auto")) return Device.CPU; // until the algorithms place tensors on CUDA
        Device d = Device.parse(name);
        if (!Backends.isAvailable(d.kind())) {
            String why = "device " + d + " is not available";
            try {
                Backends.get(d);
            } catch (IllegalStateException e) {
                why = e.getMessage(); // names the reason, e.g. no driver
            }
            throw new IllegalArgumentException(why + " (use --device cpu or auto)");
        }
        if (d.kind() != Device.Kind.CPU)
            throw new IllegalArgumentException("device " + d + " is available, but PlaNet and Dreamer do not place their tensors on it yet"
                    + " (the CUDA backend is tested on its own; see kernels/README.md); use --device cpu");
        return d;
    }

    static <C extends Record> C resolve(Algorithm<C> a, String preset, List<String> sets) {
        return Configs.withOverrides(AlgorithmRegistry.preset(a, preset), sets);
    }

    static <C extends Record> C fromJson(Algorithm<C> a, String json, List<String> sets) {
        return Configs.withOverrides(Configs.fromJson(AlgorithmRegistry.preset(a, "default"), json), sets);
    }

    /** Trains with a Ctrl-C hook that stops at the next safe point and waits for the final checkpoint. */
    static void trainWithShutdownHook(Trainer trainer, ProgressSink progress, PrintWriter err) throws IOException {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            System.err.println("\nstopping: finishing the current step and writing a checkpoint (Ctrl-C again to abort)...");
            trainer.requestStop();
            try {
                done.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
        }, "somnium-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try (progress) {
            trainer.train(progress);
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting: the hook is running and now returns
            }
        }
    }

    /** Trains a new run, or with {@code resume} continues it (recording {@code sets}, its overrides, in resumes.jsonl). */
    static void run(Main m, RunDir dir, RunDir.Info info, Algorithm<?> algo, Record config, Device device, int keep, boolean resume,
                    List<String> sets, boolean noProgress, PrintWriter out) throws IOException {
        Checkpointer ck = new Checkpointer(dir.checkpoints(), keep);
        try (MetricsLog metrics = new MetricsLog(dir.metrics())) {
            RunContext ctx = new RunContext(dir, algo.name(), info.env(), config, info.seed(), device, m.envs, metrics, ck);
            Trainer trainer = algo.create(ctx);
            if (resume) {
                Checkpoint c = ck.latest().orElse(null);
                dir.recordResume(c == null ? 0 : c.step(), sets);
                if (c != null) {
                    trainer.load(c);
                    out.println("resuming " + dir.root() + " from step " + c.step());
                } else out.println("no checkpoint in " + dir.checkpoints() + ": starting " + dir.root() + " from scratch");
            } else out.println("training " + algo.name() + " on " + info.env() + " (preset " + info.preset() + ", seed " + info.seed()
                    + ", " + device + ") in " + dir.root());
            out.flush();
            trainWithShutdownHook(trainer, noProgress ? ProgressSink.NONE : new ConsoleProgress(), out);
        }
        Plots.write(dir.metrics(), dir.plots());
        Checkpoint last = ck.latest().orElseThrow();
        out.println("checkpoint " + last.dir() + " (step " + last.step() + "); plots in " + dir.plots());
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Start a new training run.")
    static final class Train implements java.util.concurrent.Callable<Integer> {
        @ParentCommand Main main;
        @Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "ALGO", description = "algorithm (see 'list')") String algorithm;
        @Option(names = "--env", required = true, paramLabel = "ID", description = "environment id (see 'list')") String env;
        @Option(names = "--preset", paramLabel = "P", description = "config preset (default: the algorithm's choice for the env)") String preset;
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable)") List<String> sets = new ArrayList<>();
        @Option(names = "--seed", defaultValue = "0", description = "random seed (default: ${DEFAULT-VALUE})") long seed;
        @Option(names = "--run-dir", paramLabel = "DIR", description = "run directory (default: runs/<algo>-<env>-s<seed>-<time>)") Path runDir;
        @Option(names = "--device", defaultValue = "auto", description = "cpu, cuda[:N] or auto (default: ${DEFAULT-VALUE})") String device;
        @Option(names = "--keep", defaultValue = "3", description = "checkpoints to keep (default: ${DEFAULT-VALUE})") int keep;
        @Option(names = "--no-progress", description = "no progress bar") boolean noProgress;

        @Override
        public Integer call() throws IOException {
            Algorithm<?> algo = main.algorithms.get(algorithm);
            main.envs.require(env);
            String p = preset != null ? preset : algo.defaultPreset(env);
            Record config = resolve(algo, p, sets);
            Device dev = device(device);
            Path root = runDir != null ? runDir : RunDir.defaultPath(algo.name(), env, seed);
            RunDir.Info info = new RunDir.Info(algo.name(), env, p, seed, dev.toString(), RunDir.now());
            RunDir dir = RunDir.create(root, info, Configs.toJson(config));
            run(main, dir, info, algo, config, dev, keep, false, sets, noProgress, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a run from its latest checkpoint.")
    static final class Resume implements java.util.concurrent.Callable<Integer> {
        @ParentCommand Main main;
        @Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "RUN_DIR") Path runDir;
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "change a config key, e.g. steps to train longer (repeatable)") List<String> sets = new ArrayList<>();
        @Option(names = "--device", defaultValue = "auto", description = "cpu, cuda[:N] or auto (default: ${DEFAULT-VALUE})") String device;
        @Option(names = "--keep", defaultValue = "3", description = "checkpoints to keep (default: ${DEFAULT-VALUE})") int keep;
        @Option(names = "--no-progress", description = "no progress bar") boolean noProgress;

        @Override
        public Integer call() throws IOException {
            RunDir dir = RunDir.open(runDir);
            RunDir.Info info = dir.readInfo();
            Algorithm<?> algo = main.algorithms.get(info.algorithm());
            main.envs.require(info.env());
            Record config = fromJson(algo, dir.readConfigJson(), sets);
            if (!sets.isEmpty()) dir.writeConfigJson(Configs.toJson(config));
            run(main, dir, info, algo, config, device(device), keep, true, sets, noProgress, spec.commandLine().getOut());
            return 0;
        }
    }

    @Command(name = "eval", mixinStandardHelpOptions = true, description = "Evaluate a run's latest checkpoint.")
    static final class Eval implements java.util.concurrent.Callable<Integer> {
        @ParentCommand Main main;
        @Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", paramLabel = "RUN_DIR") Path runDir;
        @Option(names = "--episodes", defaultValue = "10", description = "episodes (default: ${DEFAULT-VALUE})") int episodes;
        @Option(names = "--gif", paramLabel = "FILE", description = "write the first episode as an animated GIF") Path gif;
        @Option(names = "--device", defaultValue = "auto", description = "cpu, cuda[:N] or auto (default: ${DEFAULT-VALUE})") String device;

        @Override
        public Integer call() throws IOException {
            if (episodes < 1) throw new IllegalArgumentException("--episodes must be >= 1, got " + episodes);
            RunDir dir = RunDir.open(runDir);
            RunDir.Info info = dir.readInfo();
            Algorithm<?> algo = main.algorithms.get(info.algorithm());
            main.envs.require(info.env());
            Record config = fromJson(algo, dir.readConfigJson(), List.of());
            Checkpointer ck = new Checkpointer(dir.checkpoints(), Integer.MAX_VALUE);
            Checkpoint c = ck.latest().orElseThrow(() -> new IllegalStateException("run " + runDir + " has no checkpoint to evaluate"));
            RunContext ctx = new RunContext(dir, algo.name(), info.env(), config, info.seed(), device(device), main.envs, null, ck);
            Trainer trainer = algo.create(ctx);
            trainer.load(c);
            EvalResult r = trainer.evaluate(episodes, gif);
            PrintWriter out = spec.commandLine().getOut();
            out.println("eval " + info.algorithm() + " on " + info.env() + " at step " + c.step() + ": return " + r);
            if (gif != null) out.println("wrote " + gif);
            return 0;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List algorithms, presets and environments; with ALGO, its config keys.")
    static final class ListCommand implements java.util.concurrent.Callable<Integer> {
        @ParentCommand Main main;
        @Spec CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", arity = "0..1", paramLabel = "ALGO", description = "show this algorithm's config keys and defaults") String algorithm;

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            if (algorithm != null) {
                Algorithm<?> a = main.algorithms.get(algorithm);
                out.println(a.name() + " config keys (default preset values):");
                Record d = a.presets().get("default");
                for (Configs.Key k : Configs.keys(a.configType()))
                    out.printf("  %-22s %-10s %-12s %s%n", k.name(), k.typeName(), Configs.get(d, k.name()), k.doc());
                out.println("presets: " + String.join(", ", a.presets().keySet()));
                return 0;
            }
            out.println("algorithms:");
            if (main.algorithms.names().isEmpty()) out.println("  (none registered)");
            for (Algorithm<?> a : main.algorithms.all()) {
                out.printf("  %-10s %s%n", a.name(), a.description());
                out.println("             presets: " + String.join(", ", a.presets().keySet()));
            }
            out.println("environments:");
            if (main.envs.ids().isEmpty()) out.println("  (none registered)");
            for (String id : main.envs.ids()) out.println("  " + id);
            return 0;
        }
    }

    @Command(name = "plot", mixinStandardHelpOptions = true,
            description = "Plot a metric of several runs as learning curves: the mean per group, with min and max over its runs.")
    static final class PlotCommand implements java.util.concurrent.Callable<Integer> {
        @Spec CommandLine.Model.CommandSpec spec;
        @Option(names = "--key", defaultValue = "eval/return", description = "metric to plot (default: ${DEFAULT-VALUE})") String key;
        @Option(names = "--title", defaultValue = "", description = "chart title (default: the metric)") String title;
        @Option(names = "--out", required = true, description = "PNG file to write") Path out;
        @Parameters(arity = "1..*", paramLabel = "LABEL=RUN[,RUN...]", description = "a group label and its run directories") List<String> groups;

        @Override
        public Integer call() throws Exception {
            java.util.LinkedHashMap<String, List<Path>> g = new java.util.LinkedHashMap<>();
            for (String arg : groups) {
                int eq = arg.indexOf('=');
                if (eq <= 0) throw new CommandLine.ParameterException(spec.commandLine(), "expected LABEL=RUN[,RUN...], got '" + arg + "'");
                List<Path> runs = new ArrayList<>();
                for (String r : arg.substring(eq + 1).split(",")) {
                    Path m = Path.of(r).resolve("metrics.jsonl");
                    if (!java.nio.file.Files.isRegularFile(m))
                        throw new CommandLine.ParameterException(spec.commandLine(), "no metrics.jsonl in run directory '" + r + "'");
                    runs.add(m);
                }
                g.put(arg.substring(0, eq), runs);
            }
            if (!Plots.compare(g, key, title.isEmpty() ? key : title, out))
                throw new CommandLine.ParameterException(spec.commandLine(), "none of the runs logged '" + key + "'");
            spec.commandLine().getOut().println("wrote " + out);
            return 0;
        }
    }
}
