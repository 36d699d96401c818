package io.paraverse.clone;

import ch.qos.logback.classic.Level;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.paraverse.clone.SnapshotCloneTest.checksum;
import static io.paraverse.clone.SnapshotCloneTest.endpoint;
import static io.paraverse.clone.SnapshotCloneTest.longQuery;
import static org.junit.jupiter.api.Assertions.*;

/** Issue #3: key-range splitting, the global-read-lock method, grants checked first, objects after the data. */
class SnapshotCloneHardeningTest {
    private static MariaDbServer source;
    private static MariaDbServer target;
    private static SourceAndTarget servers;

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("hard");
        source = servers.source();
        target = servers.target();
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    /**
     * One large table, split into key ranges read by three readers: copied exactly once (a duplicate would fail the
     * plain INSERT, a gap shows in the content) and exactly as of the clone point while writers change it.
     */
    @Test
    void largeTableIsSplitIntoKeyRangesAndCopiedExactlyAtTheClonePointUnderWrites() throws Exception {
        int rows = 150_000;
        ClockWriters.create(source, "split", rows);
        CloneResult r;
        try (ClockWriters writers = new ClockWriters(source, "split", rows, 2); LogCapture logs = new LogCapture()) {
            writers.awaitCommits(200);
            r = SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("split")
                    .withReaders(3).withWriters(3).withChunkRows(2_000).withSplitRows(20_000));
            long afterClone = writers.committed.get();
            assertTrue(logs.at(Level.INFO).stream().anyMatch(m -> m.matches("splitting split\\.data \\(~\\d+ rows\\) into [3-9] key ranges on id")),
                    logs.at(Level.INFO).toString());
            // balanced by row quantiles despite the writers' outlying keys (10,000,000+): no range holds most rows
            List<Long> perRange = logs.at(Level.DEBUG).stream().filter(m -> m.startsWith("copied split.data key range"))
                    .map(m -> Long.parseLong(m.replaceAll(".*: (\\d+) rows$", "$1"))).toList();
            assertTrue(perRange.size() >= 3 && perRange.stream().allMatch(n -> n < rows / 2), perRange.toString());
            long c = ClockWriters.clock(target, "split");
            assertTrue(c >= 200 && afterClone > c, "writers committed during the clone: clock " + c + ", committed " + afterClone);
            Map<Long, Long> expected = writers.expectedAt(c);
            Map<Long, Long> actual = ClockWriters.content(target, "split");
            assertEquals(expected.size(), actual.size(), "rows at the clone point");
            assertEquals(expected, new java.util.HashMap<>(actual));
            assertEquals(expected.size(), r.rowsCopied().get(new TableRef("split", "data")));
            // only the writers commit on the source meanwhile: the clone point is the GTID of transaction c
            assertEquals(writers.gtidOf(c), r.clonePoint().gtidPosition());
        }
        // quiescent: the same split copy, compared with the source by count and checksum
        CloneResult q = SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of(
                SchemaCopier.Options.of("split").withOverwrite(true)).withReaders(4).withChunkRows(1_000).withSplitRows(10_000));
        assertEquals(longQuery(source, "SELECT COUNT(*) FROM split.data"), q.rowsCopied().get(new TableRef("split", "data")));
        assertEquals(longQuery(source, "SELECT COUNT(*) FROM split.data"), longQuery(target, "SELECT COUNT(*) FROM split.data"));
        assertEquals(checksum(source, "split.data"), checksum(target, "split.data"));
        assertEquals(source.gtidBinlogPos(), q.clonePoint().gtidPosition());
    }

    @Test
    void keyRangesCoverSignedBigintExtremesWithoutOverflow() throws Exception {
        source.execute("CREATE DATABASE ext", "CREATE TABLE ext.t (id BIGINT PRIMARY KEY, v INT)",
                "INSERT INTO ext.t VALUES (-9223372036854775808, 1), (9223372036854775807, 2), (0, 3), (-1, 4), (1, 5),"
                        + " (9007199254740993, 6), (9007199254740992, 7), (-9007199254740993, 8)",
                "INSERT INTO ext.t SELECT seq * 1000003, seq FROM mysql.seq_1_to_5000",
                "ANALYZE TABLE ext.t");
        CloneResult r = SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("ext")
                .withReaders(3).withChunkRows(100).withSplitRows(500));
        assertEquals(5008L, r.rowsCopied().get(new TableRef("ext", "t")));
        assertEquals(checksum(source, "ext.t"), checksum(target, "ext.t"));
    }

    /** InnoDB only: the global read lock is held only while the snapshots open; writers go on during the copy. */
    @Test
    void globalReadLockMethodReleasesTheLockAtOnceForInnoDbAndCopiesTheClonePoint() throws Exception {
        int rows = 60_000;
        ClockWriters.create(source, "grl", rows);
        try (ClockWriters writers = new ClockWriters(source, "grl", rows, 2); LogCapture logs = new LogCapture()) {
            writers.awaitCommits(100);
            CloneResult r = SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("grl")
                    .withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK).withReaders(2).withChunkRows(500));
            long afterClone = writers.committed.get();
            long c = ClockWriters.clock(target, "grl");
            assertTrue(afterClone > c + 5, "writers were not blocked during the copy: clock " + c + ", committed " + afterClone);
            assertTrue(logs.contains(Level.INFO, "global read lock held only while 2 reader(s) opened their snapshots"));
            assertFalse(logs.contains(Level.WARN, "holding the global read lock"));
            assertEquals(writers.expectedAt(c), new java.util.HashMap<>(ClockWriters.content(target, "grl")));
            assertEquals(writers.gtidOf(c), r.clonePoint().gtidPosition(), "the clone point is where the copied data ends");
            assertTrue(r.clonePoint().binlogFile().startsWith("mariadb-bin"), r.clonePoint().toString());
            assertFalse(r.clonePoint().gtidPosition().isEmpty());
        }
    }

    /**
     * A MyISAM table: refused by the default method (naming the option), copied under the global read lock held
     * for the whole copy. A writer appends k to the MyISAM table, then to an InnoDB table: at any instant the MyISAM
     * table is at most one row ahead. Read without the lock, the MyISAM table (copied last, by the one reader)
     * would be far ahead of the InnoDB one read in the snapshot.
     */
    @Test
    void globalReadLockIsHeldForTheWholeCopyWhenAMyIsamTableIsIncluded() throws Exception {
        int rows = 80_000;
        ClockWriters.create(source, "gm", rows, "CREATE TABLE gm.m (k INT PRIMARY KEY) ENGINE=MyISAM",
                "CREATE TABLE gm.i (k INT PRIMARY KEY) ENGINE=InnoDB");
        CloneException refused = assertThrows(CloneException.class,
                () -> SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("gm")));
        assertTrue(refused.getMessage().contains("gm.m uses engine MyISAM, not InnoDB")
                && refused.getMessage().contains("withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK)"), refused.getMessage());
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicLong appended = new AtomicLong();
        AtomicReference<Throwable> appendError = new AtomicReference<>();
        Thread appender = new Thread(() -> {
            try (Connection c = source.connect("gm"); Statement st = c.createStatement()) {
                for (int k = 1; running.get(); k++) {
                    st.execute("INSERT INTO m VALUES (" + k + ")");
                    st.execute("INSERT INTO i VALUES (" + k + ")");
                    appended.set(k);
                }
            } catch (Throwable e) {
                appendError.compareAndSet(null, e);
            }
        }, "myisam-appender");
        appender.start();
        try (ClockWriters writers = new ClockWriters(source, "gm", rows, 1); LogCapture logs = new LogCapture()) {
            writers.awaitCommits(50);
            while (appended.get() < 50) {
                Thread.sleep(5);
            }
            SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("gm")
                    .withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK).withReaders(1).withChunkRows(500));
            assertTrue(logs.at(Level.WARN).stream().anyMatch(m -> m.contains("holding the global read lock") && m.contains("gm.m (MyISAM)")),
                    logs.at(Level.WARN).toString());
            long c = ClockWriters.clock(target, "gm");
            assertEquals(writers.expectedAt(c), new java.util.HashMap<>(ClockWriters.content(target, "gm")));
            long copied = longQuery(target, "SELECT COUNT(*) FROM gm.m");
            long deadline = System.currentTimeMillis() + 20_000;
            while (appended.get() <= copied + 10 && System.currentTimeMillis() < deadline) {
                Thread.sleep(10);
            }
            assertTrue(appended.get() > copied + 10, "the lock was released after the copy: appended " + appended.get() + " vs " + copied);
        } finally {
            running.set(false);
            appender.join(30_000);
        }
        assertNull(appendError.get(), () -> "appender failed: " + appendError.get());
        long m = longQuery(target, "SELECT COUNT(*) FROM gm.m");
        long i = longQuery(target, "SELECT COUNT(*) FROM gm.i");
        assertEquals(m, longQuery(target, "SELECT COALESCE(MAX(k), 0) FROM gm.m"), "MyISAM rows are a prefix 1..n");
        assertTrue(m >= 50 && (m == i || m == i + 1), "MyISAM table copied at the clone point: m=" + m + ", i=" + i
                + " (appended " + appended.get() + " by the end)");
    }

    /**
     * A user with SELECT only is refused before anything happens, with the GRANT statements to run; after running
     * them the same user clones, views and routines are created after the data and the trigger and event deferred.
     */
    @Test
    void missingGrantsAreListedAsGrantStatementsAndObjectsFollowTheData() throws Exception {
        source.execute("CREATE DATABASE gr", "CREATE TABLE gr.t (id INT PRIMARY KEY, v INT)", "INSERT INTO gr.t VALUES (1, 10), (2, 20)",
                "CREATE VIEW gr.v AS SELECT id FROM gr.t",
                "CREATE TRIGGER gr.t_bi BEFORE INSERT ON gr.t FOR EACH ROW SET NEW.v = NEW.v + 1",
                "CREATE PROCEDURE gr.p() SELECT 1",
                "CREATE EVENT gr.e ON SCHEDULE EVERY 1 HOUR DISABLE DO DELETE FROM gr.t",
                "CREATE USER 'lim'@'127.0.0.1' IDENTIFIED BY 'pw'", "GRANT SELECT ON gr.* TO 'lim'@'127.0.0.1'");
        CloneEndpoint limited = new CloneEndpoint(source.host(), source.port(), "lim", "pw");
        SnapshotClone.Options options = SnapshotClone.Options.of("gr").withSnapshotMethod(SnapshotMethod.GLOBAL_READ_LOCK);
        CloneException e = assertThrows(CloneException.class, () -> SnapshotClone.run(limited, endpoint(target), options));
        String msg = e.getMessage();
        assertTrue(msg.contains("GRANT SHOW VIEW, TRIGGER, EVENT ON `gr`.* TO 'lim'@'127.0.0.1';"), msg);
        assertTrue(msg.contains("GRANT SELECT ON `mysql`.`proc` TO 'lim'@'127.0.0.1';"), msg);
        assertTrue(msg.contains("GRANT RELOAD, BINLOG MONITOR ON *.* TO 'lim'@'127.0.0.1';"), msg);
        assertFalse(msg.contains("GRANT SELECT ON `gr`"), "SELECT on gr is held: " + msg);
        assertEquals(0L, longQuery(target, "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME='gr'"),
                "refused before creating anything");
        Matcher grants = Pattern.compile("GRANT [^;]+;").matcher(msg.substring(msg.indexOf("Run on the source:")));
        while (grants.find()) {
            source.execute(grants.group());
        }
        CloneResult r = SnapshotClone.run(limited, endpoint(target), options);
        assertEquals(2L, r.rowsCopied().get(new TableRef("gr", "t")));
        assertTrue(r.objects().contains("created: procedure gr.p"), r.objects().toString());
        assertTrue(r.objects().contains("created: view gr.v"), r.objects().toString());
        assertTrue(r.objects().contains("deferred: trigger gr.t_bi (created at cutover)"), r.objects().toString());
        assertTrue(r.objects().contains("deferred: event gr.e (created at cutover)"), r.objects().toString());
        assertEquals(List.of(), r.skipped());
        assertEquals(List.of("trigger gr.t_bi", "event gr.e"), r.deferred().stream().map(Object::toString).toList());
        assertEquals(0L, longQuery(target, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='gr'"));
        assertEquals(0L, longQuery(target, "SELECT COUNT(*) FROM information_schema.EVENTS WHERE EVENT_SCHEMA='gr'"));
        assertEquals(2L, longQuery(target, "SELECT COUNT(*) FROM gr.v"));
        // the same user with the default method: no RELOAD or BINLOG MONITOR needed, but still checked for the rest
        source.execute("REVOKE RELOAD, BINLOG MONITOR ON *.* FROM 'lim'@'127.0.0.1'");
        CloneResult again = SnapshotClone.run(limited, endpoint(target),
                SnapshotClone.Options.of(SchemaCopier.Options.of("gr").withOverwrite(true)));
        assertEquals(2L, again.rowsCopied().get(new TableRef("gr", "t")));
        assertEquals(2, again.deferred().size());
    }

    @Test
    void tableWithoutPrimaryKeyIsCopiedWithAWarningWhenAllowed() throws Exception {
        source.execute("CREATE DATABASE nopkw", "CREATE TABLE nopkw.log (msg VARCHAR(20))",
                "INSERT INTO nopkw.log VALUES ('a'), ('a'), ('b')");
        try (LogCapture logs = new LogCapture()) {
            CloneResult r = SnapshotClone.run(endpoint(source), endpoint(target),
                    SnapshotClone.Options.of(SchemaCopier.Options.of("nopkw").withAllowNoPrimaryKey(true)));
            String w = "table nopkw.log has no primary key: copied, but catch-up cannot apply updates/deletes to it reliably";
            assertEquals(List.of(w), r.warnings());
            assertTrue(logs.contains(Level.WARN, w), logs.at(Level.WARN).toString());
            assertEquals(3L, r.rowsCopied().get(new TableRef("nopkw", "log")));
        }
        assertEquals(checksum(source, "nopkw.log"), checksum(target, "nopkw.log"));
    }
}
