package io.paraverse.daemon.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.daemon.WorkDirs;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.pipeline.PipelineStatus;
import io.paraverse.daemon.verify.TableComparison;
import io.paraverse.daemon.workload.ShopWorkload;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Starts a local source and target MariaDB, streams a shop workload across while it runs, proves the target equals
 * the source, and cleans up. Exit 0 only when the data was proven equal.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The product's main job on local MariaDB servers (--example upgrade, the default): a shop application",
                "writes through Paraverse's proxy while a migration clones production, upgrades the clone to an incompatible",
                "schema, translates the live changes onto it and cuts the application over; proof: no failed transaction,",
                "no lost order, the new database equals production translated.",
                "--example replication: stream a live shop workload from a source into a target and prove them equal.",
                "--example mediawiki: upgrade a live MediaWiki 1.4 to the incompatible 1.5 schema on a clone, translate",
                "production's edits onto it until it catches up, and prove it equals a fresh upgrade of production."})
public final class DemoCommand implements Callable<Integer> {

    @Option(names = "--seconds", defaultValue = "15", description = "how long the workload writes (default ${DEFAULT-VALUE})")
    int seconds;
    @Option(names = "--writers", defaultValue = "3", description = "concurrent application connections (default ${DEFAULT-VALUE})")
    int writers;
    @Option(names = "--json", description = "print a machine-readable summary at the end (progress goes to stderr)")
    boolean json;
    @Option(names = "--keep", description = "keep the servers' data directories (printed at the end)")
    boolean keep;
    @Option(names = "--example", defaultValue = "upgrade",
            description = "upgrade (migration and cutover), replication (same schema) or mediawiki (1.4 -> 1.5) (default ${DEFAULT-VALUE})")
    String example;

    @Override
    public Integer call() throws Exception {
        PrintStream out = json ? System.err : System.out;
        Map<String, Object> summary = new LinkedHashMap<>();
        boolean verified = false;
        Path work = keep ? WorkDirs.create("paraverse-demo-") : WorkDirs.createRemovedOnExit("paraverse-demo-");
        long t0 = System.nanoTime();
        if (example.equals("mediawiki") || example.equals("upgrade")) {
            try {
                verified = example.equals("upgrade") ? UpgradeDemo.run(work, keep, seconds, writers, out, summary)
                        : MediaWikiDemo.run(work, keep, seconds, writers, out, summary);
                if (keep) {
                    out.println("data kept in " + work);
                }
            } finally {
                if (!keep) {
                    WorkDirs.delete(work);
                }
            }
            return finish(summary, verified, t0);
        }
        if (!example.equals("replication") && !example.equals("shop")) {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                    "--example: unknown example '" + example + "'; choose upgrade, replication or mediawiki");
        }
        out.println("Paraverse demo: a shop application writes to a source MariaDB; Paraverse captures its binlog into a");
        out.println("journal and applies every row change to a target MariaDB, then proves both hold the same data.");
        out.println();
        out.print("1. starting two local MariaDB servers ... ");
        List<MariaDbServer> servers = MariaDbServer.startAll(
                MariaDbOptions.source("demo-source").baseDir(work).keepData(keep),
                MariaDbOptions.target("demo-target").baseDir(work).keepData(keep));
        try (MariaDbServer source = servers.get(0); MariaDbServer target = servers.get(1)) {
            out.printf("source on 127.0.0.1:%d (binlog on), target on 127.0.0.1:%d (%.1f s)%n", source.port(), target.port(), secs(t0));
            ShopWorkload shop = new ShopWorkload();
            out.println("2. creating the shop schema on both (customers, orders, order_lines)");
            for (MariaDbServer s : servers) {
                s.execute(shop.ddl().toArray(String[]::new));
            }
            String start = source.gtidBinlogPos();
            PipelineConfig cfg = PipelineConfig.builder().name("demo")
                    .source(new Endpoint("127.0.0.1", source.port(), "root", source.password()))
                    .target(new Endpoint("127.0.0.1", target.port(), "root", target.password()))
                    .journalDir(work.resolve("journal")).include(List.of("shop.*")).startGtid(start).build();
            out.println("3. starting the pipeline: binlog capture -> journal (" + cfg.journalDir() + ") -> apply");
            try (Pipeline pipeline = Pipeline.start(cfg)) {
                out.printf("4. %d application connections write for %d s; streaming:%n", writers, seconds);
                AtomicLong written = new AtomicLong();
                long writeStart = System.nanoTime();
                runWorkload(source, shop, written, pipeline, out);
                double writeSecs = secs(writeStart);
                String end = source.gtidBinlogPos();
                out.println("5. workload stopped; waiting for the target to apply the last changes ...");
                long drainStart = System.nanoTime();
                pipeline.awaitCaughtUp(end, Duration.ofMinutes(5));
                double drainSecs = secs(drainStart);
                PipelineStatus st = pipeline.status();
                out.printf("   caught up %.2f s after the last write: %,d row changes in %,d transactions applied%n",
                        drainSecs, st.rowsApplied(), st.transactionsApplied());
                out.println("6. comparing every table (row count and CHECKSUM TABLE on both servers):");
                List<TableComparison.TableResult> results;
                try (Connection s = source.connect(ShopWorkload.SCHEMA); Connection t = target.connect(ShopWorkload.SCHEMA)) {
                    results = TableComparison.compare(s, t, ShopWorkload.SCHEMA, ShopWorkload.TABLES);
                }
                results.forEach(r -> out.println("   " + r));
                verified = TableComparison.allEqual(results);
                out.println(verified ? "VERIFIED: the target equals the source." : "NOT VERIFIED: the target differs from the source.");
                summary.put("rowChangesWritten", written.get());
                summary.put("rowChangesApplied", st.rowsApplied());
                summary.put("transactionsApplied", st.transactionsApplied());
                summary.put("writeSeconds", round(writeSecs));
                summary.put("sourceRowChangesPerSecond", Math.round(written.get() / writeSecs));
                summary.put("catchUpSecondsAfterLastWrite", round(drainSecs));
                List<Map<String, Object>> tables = new ArrayList<>();
                for (TableComparison.TableResult r : results) {
                    tables.add(Map.of("table", r.table(), "sourceRows", r.sourceRows(), "targetRows", r.targetRows(), "equal", r.equal()));
                }
                summary.put("tables", tables);
            }
            if (keep) {
                out.println("data kept in " + work);
            }
        } finally {
            if (!keep) {
                WorkDirs.delete(work);
            }
        }
        return finish(summary, verified, t0);
    }

    private int finish(Map<String, Object> summary, boolean verified, long t0) throws Exception {
        summary.put("verified", verified);
        summary.put("totalSeconds", round(secs(t0)));
        if (json) {
            System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(summary));
        }
        return verified ? 0 : 1;
    }

    private void runWorkload(MariaDbServer source, ShopWorkload shop, AtomicLong written, Pipeline pipeline, PrintStream out)
            throws Exception {
        AtomicBoolean go = new AtomicBoolean(true);
        AtomicReference<Throwable> error = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = source.connect(ShopWorkload.SCHEMA)) {
                    shop.run(c, go::get, written);
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            }, "shop-writer-" + i);
            t.start();
            threads.add(t);
        }
        long prevWritten = 0;
        long prevApplied = 0;
        for (int s = 1; s <= seconds && error.get() == null; s++) {
            Thread.sleep(1000);
            PipelineStatus st = pipeline.status();
            if (st.failure() != null) {
                go.set(false);
                throw new IllegalStateException("pipeline failed: " + st.failure().getMessage(), st.failure());
            }
            long w = written.get();
            out.printf("   %3d s  source writes %,7d rows/s | captured %,9d | applied %,9d (%,7d rows/s) | behind %,6d rows | journal %,7d KiB%n",
                    s, w - prevWritten, st.rowsCaptured(), st.rowsApplied(), st.rowsApplied() - prevApplied,
                    Math.max(0, w - st.rowsApplied()), st.journalBytes() / 1024);
            prevWritten = w;
            prevApplied = st.rowsApplied();
        }
        go.set(false);
        for (Thread t : threads) {
            t.join();
        }
        if (error.get() != null) {
            throw new IllegalStateException("workload failed: " + error.get().getMessage(), error.get());
        }
    }


    private static double secs(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static double round(double v) {
        return Math.round(v * 100) / 100.0;
    }

}
