package somnium.rl.cli;

import java.util.Locale;
import java.util.Map;

import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import somnium.rl.train.ProgressSink;

/** A terminal progress bar (me.tongfei:progressbar) on stderr: env steps, steps/s, latest return and losses. */
final class ConsoleProgress implements ProgressSink {
    private ProgressBar bar;

    @Override
    public void start(long current, long total) {
        bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(total).setStyle(ProgressBarStyle.ASCII)
                .setUnit(" steps", 1).showSpeed().setUpdateIntervalMillis(500).continuousUpdate()
                .setConsumer(new ConsoleProgressBarConsumer(System.err)).startsFrom(current, java.time.Duration.ZERO).build();
    }

    @Override
    public void update(long current, Map<String, Double> latest) {
        if (bar == null) return;
        bar.stepTo(current);
        StringBuilder b = new StringBuilder();
        append(b, "ret", latest.get("train/return"));
        append(b, "eval", latest.get("eval/return"));
        for (Map.Entry<String, Double> e : latest.entrySet()) if (e.getKey().contains("loss")) append(b, e.getKey(), e.getValue());
        bar.setExtraMessage(" | " + b.toString().trim());
    }

    private static void append(StringBuilder b, String name, Double v) {
        if (v != null) b.append(' ').append(name).append(' ').append(String.format(Locale.ROOT, Math.abs(v) >= 100 ? "%.0f" : "%.3g", v));
    }

    @Override
    public void message(String text) {
        System.err.println();
        System.err.println(text);
    }

    @Override
    public void close() {
        if (bar != null) bar.close();
    }
}
