package io.paraverse.e2e;

import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * `paraverse clone --method chunked` runs in a child JVM that is SIGKILLed several times mid-copy while writers insert,
 * update and delete rows everywhere (also in the chunks being copied and past the end of the tables). Each rerun
 * resumes from its checkpoint; the last one finishes, catches up, and every table equals the source.
 */
class ChunkedCloneKillNineTest {
    private static final int KILLS = 4;
    private static SourceAndTarget servers;
    private static MariaDbServer source;
    private static MariaDbServer target;

    @TempDir
    Path work;

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("ckill");
        source = servers.source();
        target = servers.target();
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    @Test
    void chunkedCloneKilledRepeatedlyResumesAndConverges() throws Exception {
        SysbenchWorkload sysbench = new SysbenchWorkload("ck", 3, 40_000);
        try (Connection c = source.connect("")) {
            sysbench.prepare(c);
        }
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        AtomicLong rowChanges = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            writers.add(start("sysbench-" + i, () -> {
                try (Connection c = source.connect("ck")) {
                    sysbench.run(c, Long.MAX_VALUE, writing::get, rowChanges);
                }
            }, writerError));
        }
        writers.add(start("grow-and-shrink", () -> growAndShrink(writing, rowChanges), writerError));

        Path journal = work.resolve("journal");
        Random random = new Random();
        long before = 0;
        List<Long> progress = new ArrayList<>();
        for (int k = 0; k < KILLS; k++) {
            Path log = work.resolve("clone-" + k + ".log");
            Process child = startClone(journal, log);
            long deadline = System.currentTimeMillis() + 60_000;
            while (rowsCopied() <= before && child.isAlive() && System.currentTimeMillis() < deadline) {
                Thread.sleep(20);
            }
            Thread.sleep(random.nextInt(600));
            assertTrue(child.isAlive(), "clone child ended before it could be killed (make the tables bigger?); log:\n" + Files.readString(log));
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            long now = rowsCopied();
            assertTrue(now > before, "run " + k + " made no copy progress: " + now + "; log:\n" + Files.readString(log));
            progress.add(now);
            before = now;
        }
        assertTrue(before < 120_000, "the copy finished before the last kill; the kills prove nothing: " + progress);
        writing.set(false);
        for (Thread t : writers) {
            t.join();
        }
        assertNull(writerError.get(), () -> "writer failed: " + writerError.get());
        assertTrue(rowChanges.get() > 2_000, "workload too small to prove anything: " + rowChanges.get());

        Path last = work.resolve("clone-final.log");
        Process finish = startClone(journal, last);
        assertTrue(finish.waitFor(240, TimeUnit.SECONDS), "final clone run did not finish");
        String out = Files.readString(last);
        assertEquals(0, finish.exitValue(), "final clone run failed:\n" + out);
        assertTrue(out.contains("\"resumed\" : false") || out.contains("\"resumed\" : true"), out);
        for (int k = 0; k < KILLS; k++) {
            String log = Files.readString(work.resolve("clone-" + k + ".log"));
            assertFalse(log.contains(source.password()) || log.contains(target.password()), "a password appears in the clone's log");
        }
        assertFalse(out.contains(source.password()) || out.contains(target.password()));

        List<String> tables = new ArrayList<>(sysbench.tableNames());
        try (Connection s = source.connect("ck"); Connection t = target.connect("ck")) {
            List<TableComparison.TableResult> results = TableComparison.compare(s, t, "ck", tables);
            assertTrue(TableComparison.allEqual(results), "target differs from source after " + KILLS + " kills (progress " + progress
                    + "):\n" + results);
        }
    }

    /** Inserts rows past the tables' ends and deletes rows for good, so the copy meets rows that come and go. */
    private static void growAndShrink(AtomicBoolean writing, AtomicLong rowChanges) throws SQLException {
        try (Connection c = source.connect("ck");
             PreparedStatement ins = c.prepareStatement("INSERT INTO sbtest1 (k, c, pad) VALUES (?, 'grown', 'tail')");
             PreparedStatement del = c.prepareStatement("DELETE FROM sbtest2 WHERE id BETWEEN ? AND ?");
             PreparedStatement upd = c.prepareStatement("UPDATE sbtest3 SET pad = CONCAT('u', ?) WHERE id BETWEEN ? AND ?")) {
            ThreadLocalRandom r = ThreadLocalRandom.current();
            while (writing.get()) {
                ins.setInt(1, r.nextInt(1000));
                rowChanges.addAndGet(ins.executeUpdate());
                int at = 1 + r.nextInt(40_000);
                del.setInt(1, at);
                del.setInt(2, at + 2);
                rowChanges.addAndGet(del.executeUpdate());
                upd.setInt(1, r.nextInt(1000));
                upd.setInt(2, at);
                upd.setInt(3, at + 20);
                rowChanges.addAndGet(upd.executeUpdate());
                sleepQuietly(2);
            }
        }
    }

    private static void sleepQuietly(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long rowsCopied() throws SQLException {
        try (Connection c = target.connect(""); Statement st = c.createStatement();
             var rs = st.executeQuery("SELECT COALESCE(SUM(rows_copied), 0) FROM paraverse.copy_progress WHERE pipeline = 'ck'")) {
            return rs.next() ? rs.getLong(1) : 0;
        } catch (SQLException e) {
            if (e.getErrorCode() == 1146 || e.getErrorCode() == 1049) {
                return 0;
            }
            throw e;
        }
    }

    private Process startClone(Path journal, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                "io.paraverse.daemon.Main", "clone", "--method", "chunked", "--name", "ck", "--include", "ck",
                "--source", "127.0.0.1:" + source.port(), "--source-user", "root", "--source-password-env", "PV_SOURCE_PASSWORD",
                "--target", "127.0.0.1:" + target.port(), "--target-user", "root", "--target-password-env", "PV_TARGET_PASSWORD",
                "--journal", journal.toString(), "--chunk-rows", "300", "--copiers", "2", "--json", "--quiet")
                .redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PV_SOURCE_PASSWORD", source.password());
        pb.environment().put("PV_TARGET_PASSWORD", target.password());
        pb.environment().put("PARAVERSE_LOG_LEVEL", "INFO");
        return pb.start();
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
