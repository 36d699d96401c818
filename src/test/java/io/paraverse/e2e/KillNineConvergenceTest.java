package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.pipeline.Pipeline;
import io.paraverse.daemon.pipeline.PipelineConfig;
import io.paraverse.daemon.verify.TableComparison;
import io.paraverse.daemon.workload.SysbenchWorkload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The pipeline runs in a child JVM that is killed with SIGKILL at random moments while writers hammer the source;
 * after the last restart catches up, every table on the target equals the source: no loss, no duplicate.
 */
class KillNineConvergenceTest {
    private static final int KILLS = 6;

    /** Parallel apply workers of the pipeline under test (1: the default applier). */
    int workers() {
        return 1;
    }

    private static MariaDbServer source;
    private static MariaDbServer target;

    @TempDir
    Path work;

    private static SourceAndTarget servers;

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("kill");
        source = servers.source();
        target = servers.target();
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    @Test
    void targetEqualsSourceAfterRepeatedKillNine() throws Exception {
        SysbenchWorkload sysbench = new SysbenchWorkload("e2e", 2, 2_000);
        List<String> ddl = new ArrayList<>(sysbench.ddl());
        ddl.add("CREATE TABLE e2e.orders (id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(40) NOT NULL,"
                + " amount DECIMAL(12,2) NOT NULL, note TEXT, placed DATETIME(6) NOT NULL, status ENUM('new','paid','shipped') NOT NULL,"
                + " UNIQUE KEY uq_customer_placed (customer, placed))");
        for (MariaDbServer s : List.of(source, target)) {
            s.execute(ddl.toArray(String[]::new));
        }
        try (Connection c = source.connect("e2e")) {
            sysbench.prepare(c);
        }
        // the target starts as a copy of the source at the current position (the clone is another component)
        copyTables(source, target, sysbench.tableNames());
        String startGtid = source.gtidBinlogPos();

        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        AtomicLong rowChanges = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            writers.add(start("sysbench-" + i, () -> {
                try (Connection c = source.connect("e2e")) {
                    sysbench.run(c, Long.MAX_VALUE, writing::get, rowChanges);
                }
            }, writerError));
        }
        writers.add(start("orders", () -> ordersWriter(writing, rowChanges), writerError));

        Path journal = work.resolve("journal");
        Random random = new Random();
        List<Long> checkpoints = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
            Process child = startPipelineChild(journal, startGtid, work.resolve("child-" + k + ".log"));
            // kill at a random moment once this run is applying (its start-up time varies with machine load)
            long before = checkpoints.isEmpty() ? 0 : checkpoints.get(checkpoints.size() - 1);
            long deadline = System.currentTimeMillis() + 60_000;
            while (appliedJournalSeq() <= before && child.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(1_500));
            assertTrue(child.isAlive(), "pipeline child died by itself; log:\n" + Files.readString(work.resolve("child-" + k + ".log")));
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            checkpoints.add(appliedJournalSeq());
        }
        // each killed run must have made progress, or the kills prove nothing
        long advanced = checkpoints.get(0) > 0 ? 1 : 0;
        for (int k = 1; k < checkpoints.size(); k++) {
            if (checkpoints.get(k) > checkpoints.get(k - 1)) {
                advanced++;
            }
        }
        for (int k = 0; k < KILLS; k++) {
            String log = Files.readString(work.resolve("child-" + k + ".log"));
            assertFalse(log.contains(source.password()) || log.contains(target.password()), "a password appears in the pipeline's log");
        }
        if (workers() > 1) {
            // restarts found the workers' own progress rows ahead of the checkpoint row and resumed from them
            long folded = 0;
            for (int k = 1; k < KILLS; k++) {
                if (Files.readString(work.resolve("child-" + k + ".log")).contains("parallel apply progress folded in")) {
                    folded++;
                }
            }
            assertTrue(folded > 0, "no restart resumed from the parallel workers' progress rows");
        }
        assertEquals(KILLS, advanced, "killed runs did not advance the target checkpoint: " + checkpoints
                + "; last child's log:\n" + Files.readString(work.resolve("child-" + (KILLS - 1) + ".log")));
        writing.set(false);
        for (Thread t : writers) {
            t.join();
        }
        assertNull(writerError.get(), () -> "writer failed: " + writerError.get());
        assertTrue(rowChanges.get() > 5_000, "workload too small to prove anything: " + rowChanges.get());

        // last run in-process: catch up to the source's final position and compare data
        String finalGtid = source.gtidBinlogPos();
        try (Pipeline p = Pipeline.start(config(journal, startGtid))) {
            p.awaitCaughtUp(finalGtid, Duration.ofMinutes(3));
        }
        List<String> tables = new ArrayList<>(sysbench.tableNames());
        tables.add("orders");
        try (Connection s = source.connect("e2e"); Connection t = target.connect("e2e")) {
            List<TableComparison.TableResult> results = TableComparison.compare(s, t, "e2e", tables);
            assertTrue(TableComparison.allEqual(results), "target differs from source after " + KILLS + " kills:\n" + results);
        }
    }

    private static long appliedJournalSeq() throws SQLException {
        try (Connection c = target.connect(""); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT journal_seq FROM paraverse.apply_checkpoint WHERE pipeline = 'e2e'")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) { // no checkpoint table yet: nothing applied
                return 0;
            }
            throw e;
        }
    }

    private PipelineConfig config(Path journal, String startGtid) {
        return PipelineConfig.builder()
                .name("e2e")
                .source(new Endpoint("127.0.0.1", source.port(), "root", source.password()))
                .target(new Endpoint("127.0.0.1", target.port(), "root", target.password()))
                .journalDir(journal)
                .include(List.of("e2e.*"))
                .startGtid(startGtid)
                .applyWorkers(workers())
                .build();
    }

    private Process startPipelineChild(Path journal, String startGtid, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.paraverse.daemon.Main", "replicate",
                "--name", "e2e",
                "--source", "127.0.0.1:" + source.port(), "--source-user", "root", "--source-password-env", "PV_SOURCE_PASSWORD",
                "--target", "127.0.0.1:" + target.port(), "--target-user", "root", "--target-password-env", "PV_TARGET_PASSWORD",
                "--journal", journal.toString(), "--include", "e2e.*", "--start-gtid", startGtid,
                "--workers", String.valueOf(workers()))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PV_SOURCE_PASSWORD", source.password());
        pb.environment().put("PV_TARGET_PASSWORD", target.password());
        return pb.start();
    }

    /** Inserts, updates and deletes orders, sometimes several in one transaction, sometimes multi-row. */
    private static void ordersWriter(AtomicBoolean writing, AtomicLong rowChanges) throws SQLException {
        Random r = new Random();
        try (Connection c = source.connect("e2e")) {
            c.setAutoCommit(false);
            long n = 0;
            while (writing.get()) {
                n++;
                try (Statement st = c.createStatement()) {
                    int op = r.nextInt(10);
                    if (op < 5) {
                        int rows = 1 + r.nextInt(5);
                        StringBuilder sql = new StringBuilder("INSERT INTO orders (customer, amount, note, placed, status) VALUES ");
                        for (int i = 0; i < rows; i++) {
                            sql.append(i > 0 ? "," : "").append("('c").append(r.nextInt(50)).append("',")
                                    .append(r.nextInt(100000) / 100.0).append(",'note ").append(n).append(" ☃',NOW(6) + INTERVAL ")
                                    .append(n * 10 + i).append(" MICROSECOND,'new')");
                        }
                        rowChanges.addAndGet(st.executeUpdate(sql.toString()));
                    } else if (op < 8) {
                        rowChanges.addAndGet(st.executeUpdate("UPDATE orders SET status='paid', amount=amount+1 WHERE id % 7 = " + r.nextInt(7)
                                + " ORDER BY id DESC LIMIT 3"));
                        rowChanges.addAndGet(st.executeUpdate("UPDATE orders SET note=NULL WHERE status='paid' ORDER BY id LIMIT 1"));
                    } else {
                        rowChanges.addAndGet(st.executeUpdate("DELETE FROM orders WHERE status <> 'new' ORDER BY id LIMIT 2"));
                    }
                }
                c.commit();
            }
        }
    }

    private static void copyTables(MariaDbServer from, MariaDbServer to, List<String> tables) throws SQLException {
        try (Connection s = from.connect("e2e"); Connection t = to.connect("e2e")) {
            t.setAutoCommit(false);
            for (String table : tables) {
                try (Statement del = t.createStatement()) {
                    del.execute("DELETE FROM " + table);
                }
                try (Statement q = s.createStatement(); var rs = q.executeQuery("SELECT id,k,c,pad FROM " + table);
                     PreparedStatement ins = t.prepareStatement("INSERT INTO " + table + " (id,k,c,pad) VALUES (?,?,?,?)")) {
                    while (rs.next()) {
                        ins.setInt(1, rs.getInt(1));
                        ins.setInt(2, rs.getInt(2));
                        ins.setString(3, rs.getString(3));
                        ins.setString(4, rs.getString(4));
                        ins.addBatch();
                    }
                    ins.executeBatch();
                }
            }
            t.commit();
        }
    }


    private interface Work {
        void run() throws Exception;
    }

    private static Thread start(String name, Work w, AtomicReference<Throwable> error) {
        Thread t = new Thread(() -> {
            try {
                w.run();
            } catch (Throwable e) {
                error.compareAndSet(null, e);
            }
        }, name);
        t.start();
        return t;
    }
}
