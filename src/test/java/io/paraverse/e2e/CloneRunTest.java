package io.paraverse.e2e;

import io.paraverse.clone.ChunkedCopy;
import io.paraverse.clone.CloneEndpoint;
import io.paraverse.clone.CloneException;
import io.paraverse.clone.CloneProgress;
import io.paraverse.clone.CloneResult;
import io.paraverse.clone.SchemaCopier;
import io.paraverse.clone.SnapshotClone;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import io.paraverse.daemon.clone.CloneRun;
import io.paraverse.daemon.pipeline.Endpoint;
import io.paraverse.daemon.verify.TableComparison;
import io.paraverse.daemon.workload.SysbenchWorkload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The clone phase as the product runs it ({@link CloneRun}): copy or verify, then catch up through the pipeline.
 * Snapshot with writers running (and a rerun that resumes catch-up only), and bring-your-own-clone: a target restored
 * at a known GTID position is verified, caught up and equal; a wrong GTID or a different table is refused by name.
 */
class CloneRunTest {
    private static SourceAndTarget servers;
    private static MariaDbServer source;
    private static MariaDbServer target;

    @TempDir
    Path work;

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("clonerun");
        source = servers.source();
        target = servers.target();
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    private static Endpoint endpoint(MariaDbServer s) {
        return new Endpoint("127.0.0.1", s.port(), "root", s.password());
    }

    private CloneRun.Config config(String name, String schema, MariaDbServer to, CloneRun.Method method, String gtid) {
        SchemaCopier.Options so = SchemaCopier.Options.of(schema);
        return new CloneRun.Config(name, endpoint(source), endpoint(to), List.of(schema), method, work.resolve(name + "-journal"),
                so, SnapshotClone.Options.of(so), ChunkedCopy.Options.defaults(), gtid, Duration.ofMinutes(3));
    }

    private static CloneRun.Result run(CloneRun.Config c, List<String> status) throws Exception {
        return new CloneRun(c, CloneProgress.NONE, status::add).run();
    }

    private static void assertEqual(String schema, List<String> tables, MariaDbServer to) throws Exception {
        try (Connection s = source.connect(schema); Connection t = to.connect(schema)) {
            List<TableComparison.TableResult> r = TableComparison.compare(s, t, schema, tables);
            assertTrue(TableComparison.allEqual(r), "target differs from source:\n" + r);
        }
    }

    /** Writers on the source until the returned flag is cleared; errors land in the reference. */
    private static List<Thread> writers(SysbenchWorkload sb, AtomicBoolean writing, AtomicReference<Throwable> error, AtomicLong changes) {
        List<Thread> out = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = source.connect(sb.schema())) {
                    sb.run(c, Long.MAX_VALUE, writing::get, changes);
                } catch (Throwable e) {
                    error.compareAndSet(null, e);
                }
            });
            t.start();
            out.add(t);
        }
        return out;
    }

    private static long count(MariaDbServer s, String sql) throws Exception {
        try (Connection c = s.connect(""); var st = c.createStatement(); var rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void snapshotCloneCatchesUpWhileWritersRunAndARerunOnlyCatchesUp() throws Exception {
        SysbenchWorkload sb = new SysbenchWorkload("crsnap", 2, 15_000);
        try (Connection c = source.connect("")) {
            sb.prepare(c);
        }
        // a trigger whose effects reach the target as row events: created on the clone now, it would double them
        source.execute("CREATE TABLE crsnap.audit (id BIGINT AUTO_INCREMENT PRIMARY KEY, row_id INT, k INT)",
                "CREATE TRIGGER crsnap.t_audit AFTER UPDATE ON crsnap.sbtest2 FOR EACH ROW INSERT INTO crsnap.audit (row_id, k) VALUES (NEW.id, NEW.k)",
                "CREATE VIEW crsnap.v_keys AS SELECT id, k FROM crsnap.sbtest1");
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicReference<Throwable> error = new AtomicReference<>();
        AtomicLong changes = new AtomicLong();
        List<Thread> ws = writers(sb, writing, error, changes);
        List<String> status = new ArrayList<>();
        CloneRun.Result first = run(config("crsnap", "crsnap", target, CloneRun.Method.SNAPSHOT, null), status);
        assertFalse(first.resumed());
        assertEquals(30_000, first.totalRows() - first.rowsCopied().entrySet().stream()
                .filter(e -> e.getKey().table().equals("audit")).mapToLong(java.util.Map.Entry::getValue).sum(),
                "the snapshot holds exactly the prepared rows (writers delete+insert the same ids)");
        assertEquals(List.of("trigger crsnap.t_audit"), first.deferred().stream().map(Object::toString).toList());
        assertTrue(first.objects().stream().anyMatch(o -> o.contains("v_keys")), first.objects().toString());
        assertEquals(0L, count(target, "SELECT COUNT(*) FROM information_schema.TRIGGERS WHERE TRIGGER_SCHEMA='crsnap'"),
                "triggers wait for cutover");
        assertEquals(1L, count(target, "SELECT COUNT(*) FROM information_schema.VIEWS WHERE TABLE_SCHEMA='crsnap' AND TABLE_NAME='v_keys'"));
        writing.set(false);
        for (Thread t : ws) {
            t.join();
        }
        assertNull(error.get());
        assertTrue(changes.get() > 500, "writers did too little to prove catch-up: " + changes.get());
        CloneRun.Result second = run(config("crsnap", "crsnap", target, CloneRun.Method.SNAPSHOT, null), status);
        assertTrue(second.resumed(), "the rerun must not copy again");
        assertEquals(first.clonePointGtid(), second.clonePointGtid());
        assertTrue(status.stream().anyMatch(s -> s.contains("copy finished earlier")), status.toString());
        assertEquals(first.deferred(), second.deferred(), "the deferred trigger is kept on the target for cutover");
        List<String> tables = new ArrayList<>(sb.tableNames());
        tables.add("audit");
        assertTrue(count(source, "SELECT COUNT(*) FROM crsnap.audit") > 0, "the trigger fired on the source");
        assertEqual("crsnap", tables, target);
    }

    @Test
    void bringYourOwnCloneIsVerifiedThenCaughtUp() throws Exception {
        SysbenchWorkload sb = new SysbenchWorkload("crbyo", 2, 10_000);
        try (Connection c = source.connect("")) {
            sb.prepare(c);
        }
        try (MariaDbServer restored = MariaDbServer.start(MariaDbOptions.target("clonerun-byo"))) {
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> error = new AtomicReference<>();
            AtomicLong changes = new AtomicLong();
            List<Thread> ws = writers(sb, writing, error, changes);
            // "the operator restored a backup": a snapshot copy whose GTID position we are told
            CloneResult backup = SnapshotClone.run(new CloneEndpoint("127.0.0.1", source.port(), "root", source.password()),
                    new CloneEndpoint("127.0.0.1", restored.port(), "root", restored.password()), SnapshotClone.Options.of("crbyo"));
            String gtid = backup.clonePoint().gtidPosition();
            Thread.sleep(500); // the source moves on past the backup
            writing.set(false);
            for (Thread t : ws) {
                t.join();
            }
            assertNull(error.get());

            CloneException ahead = assertThrows(CloneException.class,
                    () -> run(config("byo-bad", "crbyo", restored, CloneRun.Method.EXISTING, "0-1-999999999"), new ArrayList<>()));
            assertTrue(ahead.getMessage().contains("ahead of the source"), ahead.getMessage());

            CloneRun.Result r = run(config("byo", "crbyo", restored, CloneRun.Method.EXISTING, gtid), new ArrayList<>());
            assertEquals(gtid, r.clonePointGtid());
            assertEqual("crbyo", sb.tableNames(), restored);

            restored.execute("ALTER TABLE crbyo.sbtest2 MODIFY pad VARCHAR(60)");
            CloneException differs = assertThrows(CloneException.class,
                    () -> run(config("byo-2", "crbyo", restored, CloneRun.Method.EXISTING, gtid), new ArrayList<>()));
            assertTrue(differs.getMessage().contains("crbyo.sbtest2 differs") && differs.getMessage().contains("pad"), differs.getMessage());

            restored.execute("ALTER TABLE crbyo.sbtest2 MODIFY pad CHAR(60) NOT NULL DEFAULT ''",
                    "CREATE TRIGGER crbyo.t AFTER INSERT ON crbyo.sbtest1 FOR EACH ROW SET @x = 1");
            CloneException trigger = assertThrows(CloneException.class,
                    () -> run(config("byo-3", "crbyo", restored, CloneRun.Method.EXISTING, gtid), new ArrayList<>()));
            assertTrue(trigger.getMessage().contains("triggers in crbyo [t]"), trigger.getMessage());
        }
    }

    @Test
    void cliClonesIntoALocalTargetThatTheMigrationCanStartAgain() throws Exception {
        SysbenchWorkload sb = new SysbenchWorkload("crlocal", 2, 3_000);
        try (Connection c = source.connect("")) {
            sb.prepare(c);
        }
        Path pw = work.resolve("source.pw");
        java.nio.file.Files.writeString(pw, source.password());
        Path state = work.resolve("state");
        java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        int code;
        System.setOut(new java.io.PrintStream(captured, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            code = io.paraverse.daemon.Main.commandLine().execute("clone", "--name", "crlocal", "--method", "chunked",
                    "--include", "crlocal", "--source", "127.0.0.1:" + source.port(), "--source-user", "root",
                    "--source-password-file", pw.toString(), "--target", "local", "--state-dir", state.toString(),
                    "--journal", work.resolve("crlocal-journal").toString(), "--json"); // progress bar on stderr
        } finally {
            System.setOut(old);
        }
        String out = captured.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("\"total_rows\" : 6000"), out);
        assertFalse(out.contains(source.password()), "the source password appears in the output");
        try (io.paraverse.cloud.LocalProvisioner again = new io.paraverse.cloud.LocalProvisioner(state)) {
            io.paraverse.cloud.ProvisionedServer s = again.provision("crlocal");
            try (Connection src = source.connect("crlocal");
                 Connection t = java.sql.DriverManager.getConnection(s.jdbcUrl() + "crlocal", s.user(), s.password())) {
                List<TableComparison.TableResult> r = TableComparison.compare(src, t, "crlocal", sb.tableNames());
                assertTrue(TableComparison.allEqual(r), "the restarted local target differs:\n" + r);
            }
            again.teardown("crlocal");
        }
    }

    @Test
    void existingMethodNeedsTheBackupsGtid() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> config("x", "crx", target, CloneRun.Method.EXISTING, null));
        assertTrue(e.getMessage().contains("--gtid"), e.getMessage());
    }
}
