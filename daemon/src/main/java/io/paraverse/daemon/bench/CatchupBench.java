package io.paraverse.daemon.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.paraverse.applier.Applier;
import io.paraverse.applier.ApplierOptions;
import io.paraverse.applier.TargetDataSource;
import io.paraverse.capture.BinlogCapture;
import io.paraverse.capture.CaptureConfig;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.WorkDirs;
import io.paraverse.daemon.pipeline.GtidPosition;
import io.paraverse.daemon.pipeline.JournalSink;
import io.paraverse.daemon.verify.TableComparison;
import io.paraverse.daemon.workload.SysbenchWorkload;
import io.paraverse.journal.JournalOptions;
import io.paraverse.journal.PrefetchingJournalReader;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.journal.SegmentJournal;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.TranslationContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * Catch-up rate on one backlog, measured in the same run for: a native MariaDB replica (1 SQL thread, and 4
 * optimistic parallel threads) and Paraverse (binlog → journal, then journal → target). Every target starts from
 * the same copy of the source's datadir and uses the same server settings; each is checked equal to the source.
 */
@Command(name = "catchup", mixinStandardHelpOptions = true,
        description = "Catch-up rate on the same backlog: Paraverse vs native MariaDB replication (1 and 4 threads).")
public final class CatchupBench implements Callable<Integer> {

    @Option(names = "--events", defaultValue = "400000", description = "row changes in the backlog (default ${DEFAULT-VALUE})")
    long events;
    @Option(names = "--table-rows", defaultValue = "100000", description = "rows per table before the backlog (default ${DEFAULT-VALUE})")
    int tableRows;
    @Option(names = "--tables", defaultValue = "4") int tables;
    @Option(names = "--writers", defaultValue = "4", description = "source connections building the backlog (default ${DEFAULT-VALUE})")
    int writers;
    @Option(names = "--relaxed", description = "targets with innodb_flush_log_at_trx_commit=2 instead of the durable default 1")
    boolean relaxed;
    @Option(names = "--skip-native", description = "measure Paraverse only")
    boolean skipNative;
    @Option(names = "--json", description = "print the figures as JSON on stdout (progress goes to stderr)")
    boolean json;
    @Option(names = "--workers", split = ",", defaultValue = "1", paramLabel = "N[,N...]",
            description = "parallel apply workers; several values are measured one after the other on the same journal"
                    + " (default ${DEFAULT-VALUE})")
    List<Integer> workers;

    @Override
    public Integer call() throws Exception {
        PrintStream out = json ? System.err : System.out;
        Path work = WorkDirs.createRemovedOnExit("paraverse-bench-");
        String flush = relaxed ? "2" : "1";
        SysbenchWorkload sysbench = new SysbenchWorkload("sbtest", tables, tableRows);
        Map<String, Object> figures = new LinkedHashMap<>();
        try (MariaDbServer source = MariaDbServer.start(serverOptions(MariaDbOptions.source("bench-source"), work, "1"))) {
            out.printf("preparing %d tables x %,d rows on the source ...%n", tables, tableRows);
            try (Connection c = source.connect("")) {
                sysbench.prepare(c);
            }
            Path base = work.resolve("base");
            source.shutdown();
            copy(source.datadir(), base);
            source.restart();
            String p0 = source.gtidBinlogPos();
            NativeReplicaRun.BinlogPos b0 = NativeReplicaRun.masterStatus(source);
            out.printf("building a backlog of %,d row changes with %d writers (sysbench oltp_write_only mix) ...%n", events, writers);
            long backlogStart = System.nanoTime();
            long written = backlog(source, sysbench);
            double backlogSecs = (System.nanoTime() - backlogStart) / 1e9;
            String p1 = source.gtidBinlogPos();
            NativeReplicaRun.BinlogPos b1 = NativeReplicaRun.masterStatus(source);
            out.printf("backlog: %,d row changes in %.1f s (source wrote %,.0f rows/s)%n", written, backlogSecs, written / backlogSecs);
            figures.put("events", written);
            figures.put("innodb_flush_log_at_trx_commit", Integer.parseInt(flush));
            figures.put("source_rows_per_s", Math.round(written / backlogSecs));

            List<String[]> rows = new ArrayList<>();
            boolean allEqual = true;
            double nativeSingle = 0;
            double nativeParallel = 0;
            if (!skipNative) {
                for (int threads : new int[] {0, 4}) {
                    MariaDbOptions o = serverOptions(MariaDbOptions.target("native-" + threads), work, flush).copyDatadirFrom(base)
                            .option("slave-parallel-threads", String.valueOf(threads)).option("slave-parallel-mode", "optimistic")
                            .option("skip-slave-start", "ON").option("relay-log", "relay");
                    try (MariaDbServer replica = MariaDbServer.start(o)) {
                        out.printf("native replica, %s: applying ...%n", threads == 0 ? "1 thread" : threads + " threads optimistic");
                        double secs = NativeReplicaRun.applySeconds(replica, source, b0, b1);
                        double rate = written / secs;
                        boolean eq = equal(source, replica, sysbench);
                        allEqual &= eq;
                        if (threads == 0) {
                            nativeSingle = rate;
                        } else {
                            nativeParallel = rate;
                        }
                        rows.add(new String[] {threads == 0 ? "native replica, 1 SQL thread" : "native replica, 4 threads optimistic",
                                fmt(secs), fmt0(rate), eq ? "yes" : "NO"});
                    }
                }
            }
            try (SegmentJournal journal = SegmentJournal.open(work.resolve("journal"), JournalOptions.defaults())) {
                out.println("paraverse: capturing the backlog into the journal ...");
                double captureSecs = capture(source, journal, p0, p1);
                rows.add(new String[] {"paraverse capture (binlog -> journal)", fmt(captureSecs), fmt0(written / captureSecs), ""});
                figures.put("paraverse_capture_rows_per_s", Math.round(written / captureSecs));
                if (nativeSingle > 0) {
                    figures.put("native_single_rows_per_s", Math.round(nativeSingle));
                    figures.put("native_parallel_rows_per_s", Math.round(nativeParallel));
                }
                for (int n : workers) {
                    // every worker count applies the same journal to its own copy of the same base
                    try (MariaDbServer target = MariaDbServer.start(serverOptions(MariaDbOptions.target("paraverse-w" + n), work, flush)
                            .copyDatadirFrom(base))) {
                        out.printf("paraverse apply, %d worker(s): applying ...%n", n);
                        double applySecs = apply(target, journal, p1, n);
                        boolean eq = equal(source, target, sysbench);
                        allEqual &= eq;
                        rows.add(new String[] {"paraverse apply (journal -> target), " + n + " worker" + (n == 1 ? "" : "s"),
                                fmt(applySecs), fmt0(written / applySecs), eq ? "yes" : "NO"});
                        String suffix = n == 1 ? "" : "_w" + n;
                        figures.put("paraverse_rows_per_s" + suffix, Math.round(written / applySecs));
                        if (nativeSingle > 0) {
                            figures.put("ratio_vs_native_single" + suffix, round2(written / applySecs / nativeSingle));
                            figures.put("ratio_vs_native_parallel" + suffix, round2(written / applySecs / nativeParallel));
                        }
                    }
                }
            }
            figures.put("verified", allEqual);
            out.println();
            out.printf("catch-up of %,d row changes, %d tables x %,d rows, targets at innodb_flush_log_at_trx_commit=%s%n",
                    written, tables, tableRows, flush);
            out.printf("%-50s %9s %12s %12s %12s %8s%n", "applier", "seconds", "rows/s", "vs native 1", "vs native 4", "equal");
            for (String[] r : rows) {
                double rate = Double.parseDouble(r[2].replace(",", ""));
                out.printf("%-50s %9s %12s %12s %12s %8s%n", r[0], r[1], r[2],
                        nativeSingle > 0 ? String.format("%.2fx", rate / nativeSingle) : "-",
                        nativeParallel > 0 ? String.format("%.2fx", rate / nativeParallel) : "-", r[3]);
            }
            if (json) {
                System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(figures));
            }
            return allEqual ? 0 : 1;
        } finally {
            WorkDirs.delete(work);
        }
    }

    /** Same server settings for every target (and the source), durable unless --relaxed. */
    private static MariaDbOptions serverOptions(MariaDbOptions o, Path work, String flush) {
        return o.baseDir(work).option("innodb-buffer-pool-size", "1G").option("innodb-log-file-size", "512M")
                .option("innodb-flush-log-at-trx-commit", flush);
    }

    private long backlog(MariaDbServer source, SysbenchWorkload sysbench) throws Exception {
        AtomicLong rowChanges = new AtomicLong();
        AtomicReference<Throwable> error = new AtomicReference<>();
        long txPerWriter = Math.max(1, events / SysbenchWorkload.ROW_CHANGES_PER_TRANSACTION / writers);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = source.connect("")) {
                    sysbench.run(c, txPerWriter, () -> error.get() == null, rowChanges);
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
            t.start();
            threads.add(t);
        }
        for (Thread t : threads) {
            t.join();
        }
        if (error.get() != null) {
            throw new IllegalStateException("building the backlog failed: " + error.get().getMessage(), error.get());
        }
        return rowChanges.get();
    }

    /** Captures the backlog (p0, p1] into the journal; returns the seconds it took. */
    private static double capture(MariaDbServer source, SegmentJournal journal, String p0, String p1) throws Exception {
        GtidPosition goal = GtidPosition.parse(p1);
        CaptureConfig cc = CaptureConfig.builder().host("127.0.0.1").port(source.port()).user("root").password(source.password())
                .include(List.of("sbtest.*")).build();
        long t0 = System.nanoTime();
        try (BinlogCapture capture = new BinlogCapture(cc, new JournalSink(journal.writer()))) {
            capture.start(p0);
            waitFor(() -> journal.lastCommit().map(c -> GtidPosition.parse(c.position().gtidPosition()).covers(goal)).orElse(false),
                    capture::failure, "capture");
        }
        return (System.nanoTime() - t0) / 1e9;
    }

    /** Applies the whole journal to {@code target} with {@code workers} apply workers; returns the seconds it took. */
    private static double apply(MariaDbServer target, SegmentJournal journal, String p1, int workers) throws Exception {
        GtidPosition goal = GtidPosition.parse(p1);
        try (var pool = TargetDataSource.create(target.jdbcUrl(""), "root", target.password(), workers + 2)) {
            Applier applier = new Applier(pool, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()),
                    ApplierOptions.builder("bench").applyWorkers(workers).build());
            long after = applier.checkpoint().journalSeq();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            long t1 = System.nanoTime();
            Thread apply = new Thread(() -> {
                try (var reader = new PrefetchingJournalReader(journal.readAfter(after), Pipeline.PREFETCH_ENTRIES)) {
                    applier.run(reader, () -> true);
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "bench-apply");
            apply.start();
            waitFor(() -> {
                var pos = applier.stats().lastPosition();
                return pos != null && GtidPosition.parse(pos.gtidPosition()).covers(goal);
            }, failure::get, "apply");
            double applySecs = (System.nanoTime() - t1) / 1e9;
            applier.stop();
            apply.join(30_000);
            return applySecs;
        }
    }

    private static void waitFor(BooleanSupplier done, java.util.function.Supplier<Throwable> failure, String what) throws Exception {
        long deadline = System.currentTimeMillis() + 3_600_000;
        while (!done.getAsBoolean()) {
            Throwable f = failure.get();
            if (f != null) {
                throw new IllegalStateException(what + " failed: " + f.getMessage(), f);
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException(what + " did not finish within an hour");
            }
            Thread.sleep(5);
        }
    }

    private static boolean equal(MariaDbServer source, MariaDbServer target, SysbenchWorkload sysbench) throws Exception {
        try (Connection s = source.connect(""); Connection t = target.connect("")) {
            return TableComparison.allEqual(TableComparison.compare(s, t, sysbench.schema(), sysbench.tableNames()));
        }
    }


    private static void copy(Path from, Path to) throws Exception {
        Process p = new ProcessBuilder("cp", "-a", from.toString(), to.toString()).inheritIO().start();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("cannot copy " + from + " to " + to);
        }
    }


    private static String fmt(double v) { return String.format("%.2f", v); }
    private static String fmt0(double v) { return String.format("%,.0f", v); }
    private static double round2(double v) { return Math.round(v * 100) / 100.0; }
}
