package io.paraverse.capture.debezium;

import com.zaxxer.hikari.HikariDataSource;
import io.paraverse.applier.Applier;
import io.paraverse.applier.ApplierOptions;
import io.paraverse.applier.TargetDataSource;
import io.paraverse.capture.ChangeSink;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.journal.JournalWriter;
import io.paraverse.journal.SegmentJournal;
import io.paraverse.journal.kafka.EmbeddedKafka;
import io.paraverse.translator.Commit;
import io.paraverse.translator.IdentityTranslator;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TranslationContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Source writers → Debezium → our journal → applier → target: the target converges to the source (data compared
 * row by row), with a capture restart from the journal's last commit in the middle of the writes.
 */
class DebeziumEndToEndTest {
    static {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    private static final String[] SCHEMA = {
            "CREATE DATABASE app",
            "CREATE TABLE app.accounts (id BIGINT UNSIGNED NOT NULL PRIMARY KEY, owner VARCHAR(40) CHARACTER SET latin1,"
                    + " balance DECIMAL(20,4) NOT NULL, opened DATETIME(6), touched TIMESTAMP(3) NULL, flags BIT(5),"
                    + " kind ENUM('a','b','c'), tags SET('x','y'), note BLOB, doc JSON) ENGINE=InnoDB",
            "CREATE TABLE app.transfers (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, src BIGINT UNSIGNED, dst BIGINT UNSIGNED,"
                    + " amount DECIMAL(20,4), at TIME(6)) ENGINE=InnoDB"};

    private static MariaDbServer source;
    private static MariaDbServer target;
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void start() {
        List<MariaDbServer> s = MariaDbServer.startAll(MariaDbOptions.source("dbz-e2e-src"),
                MariaDbOptions.target("dbz-e2e-tgt"));
        source = s.get(0);
        target = s.get(1);
        source.execute(SCHEMA);
        target.execute(SCHEMA);
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) {
            kafka.close();
        }
        if (source != null) {
            source.close();
        }
        if (target != null) {
            target.close();
        }
    }

    /** The daemon's JournalSink, minus its DDL gate: rows then commit into the journal. */
    record JournalSink(JournalWriter writer) implements ChangeSink {
        @Override
        public void onRow(RowChange change) {
            writer.append(change);
        }

        @Override
        public void onCommit(Commit commit) {
            writer.commit(commit);
        }

        @Override
        public void discardUncommitted() {
            writer.discardUncommitted();
        }
    }

    @Test
    void embeddedEngineToJournalToTargetConverges(@TempDir Path dir) throws Exception {
        String from = source.gtidBinlogPos();
        DebeziumEngineConfig ec = DebeziumTypeMatrixTestSupport.engine(source, dir.resolve("debezium"), "e2e", 5201, "app");
        run(dir, from, sink -> new DebeziumEngineCapture(ec, sink));
    }

    @Test
    void connectTopicsToJournalToTargetConverges(@TempDir Path dir) throws Exception {
        String from = source.gtidBinlogPos();
        DebeziumEngineConfig ec = DebeziumTypeMatrixTestSupport.engine(source, dir.resolve("connect"), "e2et", 5202, "app");
        try (ConnectLikeWriter writer = new ConnectLikeWriter(ec, false, kafka.bootstrap(), List::of)) {
            writer.start(from);
            writeOnce(new Random(1)); // creates the topics, as a running deployment has them
            DebeziumTypeMatrixTestSupport.await("topics to exist", Duration.ofSeconds(60), () -> writer.written() > 3);
            DebeziumTopicConfig tc = DebeziumTopicConfig.of(kafka.bootstrap(), "e2et", source.host(), source.port(),
                    source.user(), source.password(), dir.resolve("capture"));
            run(dir, from, sink -> new DebeziumTopicCapture(tc, sink));
            assertNull(writer.failure());
        }
    }

    private void run(Path dir, String from, java.util.function.Function<ChangeSink, DebeziumCapture> captures)
            throws Exception {
        try (SegmentJournal journal = SegmentJournal.open(dir.resolve("journal"));
             HikariDataSource pool = TargetDataSource.create(target.jdbcUrl(""), target.user(), target.password(), 2)) {
            Applier applier = new Applier(pool, new IdentityTranslator(), TranslationContext.of(Map.of(), Map.of()),
                    ApplierOptions.builder("dbz-e2e-" + dir.getFileName()).build());
            AtomicReference<Throwable> applyFailure = new AtomicReference<>();
            Thread apply = new Thread(() -> {
                try {
                    applier.run(journal::readAfter, () -> true);
                } catch (Throwable t) {
                    applyFailure.set(t);
                }
            }, "apply");
            apply.start();

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicReference<Throwable> writeFailure = new AtomicReference<>();
            List<Thread> writers = new ArrayList<>();
            for (int w = 0; w < 2; w++) {
                Random rnd = new Random(42 + w);
                Thread t = new Thread(() -> {
                    try {
                        while (writing.get()) {
                            writeOnce(rnd);
                        }
                    } catch (Throwable e) {
                        writeFailure.set(e);
                    }
                }, "writer-" + w);
                writers.add(t);
                t.start();
            }
            DebeziumCapture capture = captures.apply(new JournalSink(journal.writer()));
            capture.start(from);
            Thread.sleep(2500);
            // restart mid-stream from the journal's last commit, as the pipeline does after a crash or a pause
            capture.stop();
            journal.writer().discardUncommitted();
            String resume = journal.lastCommit().map(c -> c.position().gtidPosition()).orElse(from);
            capture = captures.apply(new JournalSink(journal.writer()));
            capture.start(resume);
            Thread.sleep(2500);
            writing.set(false);
            for (Thread t : writers) {
                t.join(30_000);
            }
            assertNull(writeFailure.get(), () -> "writer failed: " + writeFailure.get());
            String end = source.gtidBinlogPos();
            DebeziumCapture c = capture;
            DebeziumTypeMatrixTestSupport.await("the target to apply " + end, Duration.ofSeconds(90), () -> {
                assertNull(c.failure(), () -> "capture failed: " + c.failure());
                assertNull(applyFailure.get(), () -> "apply failed: " + applyFailure.get());
                var pos = applier.stats().lastPosition();
                return pos != null && end.equals(pos.gtidPosition());
            });
            capture.stop();
            applier.stop();
            apply.join(30_000);
            assertTrue(applier.stats().transactions() > 50, "applied only " + applier.stats().transactions());
            for (String table : List.of("app.accounts", "app.transfers")) {
                List<List<Object>> want = rows(source, table);
                List<List<Object>> got = rows(target, table);
                assertTrue(want.size() > 10, table + " has only " + want.size() + " rows");
                assertEquals(want.size(), got.size(), table + " row count");
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i), got.get(i), table + " row " + i);
                }
            }
        }
    }

    private static void writeOnce(Random rnd) throws SQLException {
        try (Connection c = source.connect("app")) {
            c.setAutoCommit(false);
            long id = rnd.nextInt(200);
            int op = rnd.nextInt(10);
            try (Statement st = c.createStatement()) {
                st.execute("SET time_zone = '+00:00'");
            }
            if (op < 6) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO accounts VALUES (?, ?, ?, ?, NOW(3), ?, ?, ?, ?, ?)"
                        + " ON DUPLICATE KEY UPDATE balance = balance + VALUES(balance), touched = NOW(3), flags = VALUES(flags)")) {
                    ps.setString(1, unsignedId(id, rnd.nextBoolean())); // half above 2^63: BIGINT UNSIGNED
                    ps.setString(2, "owner é " + id);
                    ps.setBigDecimal(3, new java.math.BigDecimal(rnd.nextInt(1_000_000)).movePointLeft(4));
                    ps.setString(4, "2024-01-0" + (1 + rnd.nextInt(9)) + " 10:00:00." + (100000 + rnd.nextInt(900000)));
                    ps.setInt(5, rnd.nextInt(32));
                    ps.setString(6, new String[]{"a", "b", "c"}[rnd.nextInt(3)]);
                    ps.setString(7, rnd.nextBoolean() ? "x,y" : "");
                    byte[] note = new byte[rnd.nextInt(20)];
                    rnd.nextBytes(note);
                    ps.setBytes(8, note);
                    ps.setString(9, "{\"n\": " + rnd.nextInt(100) + "}");
                    ps.executeUpdate();
                }
            } else if (op < 8) {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO transfers (src, dst, amount, at) VALUES (?, ?, ?, ?)")) {
                    for (int k = 0; k < 1 + rnd.nextInt(4); k++) {
                        ps.setLong(1, id);
                        ps.setLong(2, rnd.nextInt(200));
                        ps.setBigDecimal(3, new java.math.BigDecimal(rnd.nextInt(100_000) - 50_000).movePointLeft(4));
                        ps.setString(4, "-" + rnd.nextInt(800) + ":00:00." + rnd.nextInt(999999));
                        ps.executeUpdate();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE accounts SET balance = balance - 1 WHERE id = ?")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM accounts WHERE id = ? OR id = ?")) {
                    ps.setLong(1, id);
                    ps.setString(2, unsignedId(id, true));
                    ps.executeUpdate();
                }
            }
            c.commit();
        }
    }

    private static String unsignedId(long id, boolean high) {
        return java.math.BigInteger.valueOf(id).add(high ? java.math.BigInteger.ONE.shiftLeft(63) : java.math.BigInteger.ZERO)
                .toString();
    }

    private static List<List<Object>> rows(MariaDbServer s, String table) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Connection c = s.connect(""); Statement st = c.createStatement()) {
            st.execute("SET time_zone = '+00:00'");
            try (ResultSet rs = st.executeQuery("SELECT * FROM " + table + " ORDER BY id")) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        Object v = rs.getObject(i);
                        row.add(v instanceof byte[] b ? Arrays.toString(b) : v == null ? null : v.toString());
                    }
                    out.add(row);
                }
            }
        }
        return out;
    }
}
