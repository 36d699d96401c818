package io.paraverse.daemon.clone;

import io.paraverse.clone.CloneProgress;
import io.paraverse.clone.TableRef;
import me.tongfei.progressbar.DelegatingProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Copy progress per table (rows copied of the source's estimate, rows/s, ETA), kept for status output and drawn as
 * one progress bar over all tables: redrawn in place on a terminal, a line every few seconds otherwise (logs, CI).
 */
public final class CloneProgressView implements CloneProgress, AutoCloseable {
    /** One table's progress; {@code estimatedRows} is the source's estimate and may be below the real count. */
    public record TableProgress(TableRef table, long rowsCopied, long estimatedRows, double rowsPerSecond, Duration eta) { }

    private static final class Counter {
        final long startNanos = System.nanoTime();
        volatile long rows;
        volatile long estimate;
        volatile long lastNanos = startNanos;
    }

    private final Map<TableRef, Counter> tables = new ConcurrentHashMap<>();
    private final ProgressBar bar;

    /** @param out where the bar goes (stderr); null draws nothing */
    public CloneProgressView(PrintStream out, long totalEstimate) {
        if (out == null) {
            bar = null;
            return;
        }
        ProgressBarBuilder b = new ProgressBarBuilder().setTaskName("clone").setInitialMax(Math.max(1, totalEstimate))
                .setUnit(" rows", 1).showSpeed().setMaxRenderedLength(120).setStyle(ProgressBarStyle.ASCII);
        if (System.console() != null) {
            b.setConsumer(new me.tongfei.progressbar.ConsoleProgressBarConsumer(out)).setUpdateIntervalMillis(500);
        } else {
            b.setConsumer(new DelegatingProgressBarConsumer(out::println)).setUpdateIntervalMillis(5_000);
        }
        bar = b.build();
    }

    @Override
    public void progress(TableRef table, long rowsCopied, long estimatedRows) {
        Counter c = tables.computeIfAbsent(table, t -> new Counter());
        c.rows = rowsCopied;
        c.estimate = estimatedRows;
        c.lastNanos = System.nanoTime();
        if (bar != null) {
            long total = 0;
            long estimate = 0;
            for (Counter x : tables.values()) {
                total += x.rows;
                estimate += Math.max(x.rows, x.estimate);
            }
            if (estimate > bar.getMax()) {
                bar.maxHint(estimate);
            }
            bar.stepTo(total);
            bar.setExtraMessage(" " + table);
        }
    }

    /** Every table seen so far, with its rate and ETA. */
    public List<TableProgress> tables() {
        List<TableProgress> out = new ArrayList<>();
        tables.forEach((t, c) -> {
            double secs = Math.max(1e-3, (c.lastNanos - c.startNanos) / 1e9);
            double rate = c.rows / secs;
            long left = Math.max(0, c.estimate - c.rows);
            Duration eta = rate > 0 ? Duration.ofSeconds((long) Math.ceil(left / rate)) : null;
            out.add(new TableProgress(t, c.rows, c.estimate, rate, eta));
        });
        out.sort((a, b) -> a.table().toString().compareTo(b.table().toString()));
        return out;
    }

    @Override
    public void close() {
        if (bar != null) {
            bar.close();
        }
    }
}
