package io.paraverse.capture;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Catch-up throughput: builds a binlog backlog on a private MariaDB, then measures how fast {@link BinlogCapture}
 * turns it into RowChanges for a sink that does nothing. Not a unit test (surefire does not run it):
 *
 * <pre>
 * ./mvnw -o -q -pl capture test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp capture/target/classes:capture/target/test-classes:$(cat capture/target/cp.txt) \
 *      io.paraverse.capture.CaptureBench [rowChanges=500000] [runs=3] [singleRowTxns=0]
 * </pre>
 *
 * The backlog is 60% inserts (1,000-row INSERT ... SELECT transactions) and 40% updates (both images), over a
 * table mixing integer, string, DATETIME(3), DECIMAL and DOUBLE columns; optionally followed by single-row
 * autocommit transactions (one table map, GTID and XID per row).
 */
public final class CaptureBench {

    public static void main(String[] args) throws Exception {
        CaptureTestSupport.init();
        long target = args.length > 0 ? Long.parseLong(args[0]) : 500_000;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        long singles = args.length > 2 ? Long.parseLong(args[2]) : 0;
        try (MariaDbServer server = MariaDbServer.start(MariaDbOptions.source("bench")
                .option("innodb-flush-log-at-trx-commit", "2").option("sync-binlog", "0")
                .option("innodb-buffer-pool-size", "512M"))) {
            long t0 = System.nanoTime();
            long inserts = target * 6 / 10;
            long updates = target - inserts;
            server.execute("CREATE DATABASE bench",
                    "CREATE TABLE bench.t (id BIGINT PRIMARY KEY, a INT NOT NULL, b VARCHAR(64), c DATETIME(3),"
                            + " d DECIMAL(12,2), e DOUBLE, f INT UNSIGNED)");
            List<String> sql = new ArrayList<>();
            for (long from = 1; from <= inserts; from += 1000) {
                long to = Math.min(inserts, from + 999);
                sql.add("INSERT INTO bench.t SELECT seq, seq % 1000, CONCAT('name-', seq), '2024-02-29 13:45:00.123'"
                        + " + INTERVAL seq SECOND, seq / 100, seq * 1.5, seq FROM bench.seq_" + from + "_to_" + to);
            }
            for (long from = 1; from <= updates; from += 1000) {
                long to = Math.min(updates, from + 999);
                sql.add("UPDATE bench.t SET a = a + 1, b = CONCAT(b, '!') WHERE id BETWEEN " + from + " AND " + to);
            }
            server.execute(sql.toArray(new String[0]));
            if (singles > 0) {
                server.execute("CREATE TABLE bench.s (id BIGINT PRIMARY KEY, v VARCHAR(32))",
                        "CREATE PROCEDURE bench.fill(n INT) BEGIN DECLARE i INT DEFAULT 0; WHILE i < n DO"
                                + " INSERT INTO bench.s VALUES (i, CONCAT('v', i)); SET i = i + 1; END WHILE; END",
                        "CALL bench.fill(" + singles + ")");
            }
            long expected = target + singles;
            System.out.printf("backlog: %,d row changes (%,d inserts, %,d updates, %,d single-row transactions)"
                            + " built in %.1f s; binlog at %s%n", expected, inserts, updates, singles,
                    (System.nanoTime() - t0) / 1e9, CaptureTestSupport.gtidBinlogPos(server));

            List<Double> rates = new ArrayList<>();
            for (int run = 1; run <= runs; run++) {
                AtomicLong rows = new AtomicLong();
                AtomicLong commits = new AtomicLong();
                Object done = new Object();
                ChangeSink sink = new ChangeSink() {
                    private long pending;
                    private long committed;

                    @Override
                    public void onRow(RowChange change) {
                        pending++;
                    }

                    @Override
                    public void onCommit(Commit commit) {
                        committed += pending;
                        pending = 0;
                        commits.incrementAndGet();
                        if (committed == expected) {
                            rows.set(committed);
                            synchronized (done) {
                                done.notifyAll();
                            }
                        }
                    }

                    @Override
                    public void discardUncommitted() {
                        pending = 0;
                    }
                };
                CaptureConfig config = CaptureTestSupport.config(server).include("bench.*").build();
                long start = System.nanoTime();
                try (BinlogCapture capture = new BinlogCapture(config, sink)) {
                    capture.start("");
                    synchronized (done) {
                        while (rows.get() < expected) {
                            done.wait(1000);
                            if (capture.failure() != null) {
                                throw new IllegalStateException("capture failed", capture.failure());
                            }
                        }
                    }
                    double secs = (System.nanoTime() - start) / 1e9;
                    double rate = expected / secs;
                    rates.add(rate);
                    System.out.printf("run %d: %,d row changes in %.2f s = %,.0f rows/s (start and connect"
                            + " included)%n", run, expected, secs, rate);
                }
            }
            Collections.sort(rates);
            System.out.printf("best %,.0f rows/s, median %,.0f rows/s over %d runs%n", rates.get(rates.size() - 1),
                    rates.get(rates.size() / 2), runs);
        }
    }
}
