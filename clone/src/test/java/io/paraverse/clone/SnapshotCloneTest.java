package io.paraverse.clone;

import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class SnapshotCloneTest {
    private static MariaDbServer source;
    private static MariaDbServer target;

    private static SourceAndTarget servers;

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("snap");
        source = servers.source();
        target = servers.target();
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    static CloneEndpoint endpoint(MariaDbServer s) {
        return new CloneEndpoint(s.host(), s.port(), s.user(), s.password());
    }

    static long checksum(MariaDbServer s, String table) throws SQLException {
        try (Connection c = s.connect(""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("CHECKSUM TABLE " + table + " EXTENDED")) {
            rs.next();
            return rs.getLong(2);
        }
    }

    static long longQuery(MariaDbServer s, String sql) throws SQLException {
        try (Connection c = s.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void cloneOfQuiescentSourceIsEqualByChecksumAndTypesRoundTrip() throws Exception {
        source.execute("CREATE DATABASE q CHARACTER SET utf8mb4",
                "CREATE TABLE q.types (id INT NOT NULL AUTO_INCREMENT PRIMARY KEY, ti TINYINT, ui BIGINT UNSIGNED, dec1 DECIMAL(30,10),"
                        + " f FLOAT, d DOUBLE, b1 BIT(1), b64 BIT(64), dt DATETIME, dt6 DATETIME(6), ts TIMESTAMP(3) NULL, dd DATE,"
                        + " tm TIME(2), yr YEAR, c CHAR(10), vc VARCHAR(100), l1 VARCHAR(50) CHARACTER SET latin1,"
                        + " tx TEXT, bin BINARY(8), vb VARBINARY(64), bl BLOB, js JSON, en ENUM('a','b','c'), st SET('x','y','z'),"
                        + " g GEOMETRY, gen INT AS (ti * 2) VIRTUAL, gens VARCHAR(120) AS (CONCAT(vc, '!')) STORED,"
                        + " u UUID, ip INET6)",
                "SET SESSION time_zone='+05:30'",
                "SET SESSION sql_mode='NO_ENGINE_SUBSTITUTION'",
                "INSERT INTO q.types (id, ti, ui, dec1, f, d, b1, b64, dt, dt6, ts, dd, tm, yr, c, vc, l1, tx, bin, vb, bl, js, en, st, g, u, ip) VALUES"
                        + " (0, -128, 18446744073709551615, -12345678901234567890.0123456789, 0.1, 0.1, b'1', b'1111111111111111111111111111111111111111111111111111111111111111',"
                        + " '0000-00-00 00:00:00', '2024-02-29 23:59:59.999999', '2024-03-31 02:30:00.123', '0000-00-00', '-838:59:59.99', 1901,"
                        + " 'pad  ', 'emoji \\u00e9 😀', 'caf\u00e9 \u00fc', REPEAT('long ', 1000), 0x00ff00ff00ff00ff, 0x00, 0xdeadbeef00,"
                        + " '{\"k\": [1, 2.5, \"x\"]}', 'b', 'x,z', ST_GeomFromText('POINT(1.5 -2.25)'), 'f8e1c2b4-0000-4000-8000-00000000abcd', '::1'),"
                        + " (NULL, 127, 0, 0, 3.40282e38, 1.7976931348623157e308, b'0', b'0', '9999-12-31 23:59:59', '1000-01-01 00:00:00.000001',"
                        + " '1970-01-01 05:30:01', '9999-12-31', '838:59:59', 2155, '', '', '', '', '', '', '', NULL, NULL, '', NULL, NULL, NULL),"
                        + " (NULL, NULL, NULL, NULL, -1e-30, 5e-324, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,"
                        + " NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)",
                // composite string key with a case-insensitive collation: keyset order must follow the collation
                "CREATE TABLE q.composite (region VARCHAR(20) NOT NULL, code VARCHAR(20) COLLATE utf8mb4_general_ci NOT NULL,"
                        + " n INT NOT NULL, v VARCHAR(200), PRIMARY KEY (region, code, n))",
                "CREATE TABLE q.empty (id BIGINT PRIMARY KEY)");
        try (Connection c = source.connect("q")) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO composite VALUES (?,?,?,?)")) {
                Random r = new Random(7);
                for (int i = 0; i < 3000; i++) {
                    ps.setString(1, "r" + r.nextInt(5));
                    ps.setString(2, (r.nextBoolean() ? "A" : "a") + Integer.toString(r.nextInt(200), 36) + (i % 2 == 0 ? "é" : "E"));
                    ps.setInt(3, i);
                    ps.setString(4, "v" + r.nextLong());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            c.commit();
        }
        List<long[]> progress = new ArrayList<>();
        CloneResult result = SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("q")
                .withChunkRows(97).withReaders(2).withWriters(3)
                .withProgress((t, n, est) -> { synchronized (progress) { progress.add(new long[] {n, est}); } }));
        assertEquals(source.gtidBinlogPos(), result.clonePoint().gtidPosition(), "quiescent source: clone point = current position");
        assertEquals(3L, result.rowsCopied().get(new TableRef("q", "types")));
        assertEquals(3000L, result.rowsCopied().get(new TableRef("q", "composite")));
        assertEquals(0L, result.rowsCopied().get(new TableRef("q", "empty")));
        assertFalse(progress.isEmpty());
        for (String t : List.of("q.types", "q.composite", "q.empty")) {
            assertEquals(checksum(source, t), checksum(target, t), t);
            assertEquals(longQuery(source, "SELECT COUNT(*) FROM " + t), longQuery(target, "SELECT COUNT(*) FROM " + t), t);
        }
        // column by column in hex, including the generated columns the target computed
        String hex = "SELECT GROUP_CONCAT(CONCAT_WS('|', id, HEX(ti), HEX(ui), dec1, HEX(f), HEX(d), HEX(b1), HEX(b64), dt, dt6,"
                + " UNIX_TIMESTAMP(ts), dd, tm, yr, HEX(c), HEX(vc), HEX(l1), MD5(tx), HEX(bin), HEX(vb), HEX(bl), js, en, st, HEX(g),"
                + " gen, gens, u, ip) ORDER BY id SEPARATOR '\\n') FROM q.types";
        try (Connection s = source.connect(""); Connection t = target.connect("");
             Statement ss = s.createStatement(); Statement ts = t.createStatement();
             ResultSet a = ss.executeQuery(hex); ResultSet b = ts.executeQuery(hex)) {
            a.next();
            b.next();
            assertNotNull(a.getString(1));
            assertEquals(a.getString(1), b.getString(1));
        }
        assertEquals(SchemaCopierTest.showCreate(source, "q.types"), SchemaCopierTest.showCreate(target, "q.types"));
    }

    @Test
    void largeRowsAreSplitIntoStatementsUnderTheSizeCapAndProgressIsReported() throws Exception {
        source.execute("CREATE DATABASE big", "USE big",
                "CREATE TABLE big.blobs (id INT PRIMARY KEY, payload LONGBLOB, txt MEDIUMTEXT)",
                "INSERT INTO big.blobs SELECT seq, RANDOM_BYTES(1024) , REPEAT(CHAR(65 + seq % 26), 700000) FROM seq_1_to_30",
                "UPDATE big.blobs SET payload = REPEAT(payload, 900)");
        java.util.Map<TableRef, Long> last = new ConcurrentHashMap<>();
        CloneResult r = SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("big.blobs")
                .withChunkRows(25).withProgress((t, n, est) -> last.merge(t, n, Math::max)));
        assertEquals(30L, r.rowsCopied().get(new TableRef("big", "blobs")));
        assertEquals(30L, last.get(new TableRef("big", "blobs")));
        assertEquals(checksum(source, "big.blobs"), checksum(target, "big.blobs"));
    }

    @Test
    void tableWithoutPrimaryKeyIsStreamedWhenAllowed() throws Exception {
        source.execute("CREATE DATABASE heap", "CREATE TABLE heap.log (at DATETIME(6), msg VARCHAR(50))");
        try (Connection c = source.connect("heap"); Statement st = c.createStatement()) {
            st.execute("INSERT INTO log SELECT NOW(6) - INTERVAL seq SECOND, CONCAT('m', seq) FROM seq_1_to_1234");
            st.execute("INSERT INTO log VALUES (NULL, NULL), (NULL, NULL)");
        }
        CloneException e = assertThrows(CloneException.class,
                () -> SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("heap")));
        assertTrue(e.getMessage().contains("heap.log has no primary key"), e.getMessage());
        CloneResult r = SnapshotClone.run(endpoint(source), endpoint(target),
                SnapshotClone.Options.of(SchemaCopier.Options.of("heap").withAllowNoPrimaryKey(true)).withChunkRows(100));
        assertEquals(1236L, r.rowsCopied().get(new TableRef("heap", "log")));
        assertEquals(checksum(source, "heap.log"), checksum(target, "heap.log"));
    }

    /**
     * Writers move money between rows of two tables in single transactions; the total never changes. A clone taken
     * while they run must hold exactly the total: both readers saw one snapshot, and no transaction is half in it.
     */
    @Test
    void cloneUnderConcurrentTransfersSeesExactlyTheInvariant() throws Exception {
        int rows = 400;
        long perRow = 1_000;
        source.execute("CREATE DATABASE bank",
                "CREATE TABLE bank.checking (id INT PRIMARY KEY, balance BIGINT NOT NULL, note VARCHAR(40))",
                "CREATE TABLE bank.savings (id INT PRIMARY KEY, balance BIGINT NOT NULL, note VARCHAR(40))",
                "USE bank",
                "INSERT INTO bank.checking SELECT seq, " + perRow + ", 'c' FROM seq_1_to_" + rows,
                "INSERT INTO bank.savings SELECT seq, " + perRow + ", 's' FROM seq_1_to_" + rows);
        long invariant = 2L * rows * perRow;
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicReference<Throwable> writerError = new AtomicReference<>();
        AtomicLong transfers = new AtomicLong();
        List<Thread> writers = new ArrayList<>();
        for (int w = 0; w < 3; w++) {
            int seed = w;
            Thread t = new Thread(() -> {
                Random r = new Random(seed);
                try (Connection c = source.connect("bank")) {
                    c.setAutoCommit(false);
                    try (PreparedStatement out = c.prepareStatement("UPDATE checking SET balance = balance - ? WHERE id = ?");
                         PreparedStatement in = c.prepareStatement("UPDATE savings SET balance = balance + ? WHERE id = ?")) {
                        while (running.get()) {
                            long amount = r.nextInt(100) - 50;
                            out.setLong(1, amount);
                            out.setInt(2, 1 + r.nextInt(rows));
                            in.setLong(1, amount);
                            in.setInt(2, 1 + r.nextInt(rows));
                            if (r.nextBoolean()) {
                                out.executeUpdate();
                                in.executeUpdate();
                            } else {
                                in.executeUpdate();
                                out.executeUpdate();
                            }
                            c.commit();
                            transfers.incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    writerError.compareAndSet(null, e);
                }
            }, "transfer-" + w);
            t.start();
            writers.add(t);
        }
        try {
            while (transfers.get() < 300) {
                Thread.sleep(10);
            }
            java.util.Map<TableRef, Long> seen = new ConcurrentHashMap<>();
            CloneResult r = SnapshotClone.run(endpoint(source), endpoint(target), SnapshotClone.Options.of("bank")
                    .withChunkRows(7).withReaders(2).withWriters(2).withProgressInterval(Duration.ofMillis(200))
                    .withProgress((t, n, est) -> seen.put(t, n)));
            long during = transfers.get();
            assertTrue(during > 300, "writers kept committing during the clone");
            assertEquals(rows, r.rowsCopied().get(new TableRef("bank", "checking")));
            assertEquals(rows, r.rowsCopied().get(new TableRef("bank", "savings")));
            assertEquals(invariant, longQuery(target, "SELECT (SELECT SUM(balance) FROM bank.checking) + (SELECT SUM(balance) FROM bank.savings)"));
            assertNotNull(r.clonePoint().gtidPosition());
            assertFalse(r.clonePoint().gtidPosition().isEmpty());
        } finally {
            running.set(false);
            for (Thread t : writers) {
                t.join(10_000);
            }
        }
        assertNull(writerError.get(), () -> "writer failed: " + writerError.get());
        assertEquals(invariant, longQuery(source, "SELECT (SELECT SUM(balance) FROM bank.checking) + (SELECT SUM(balance) FROM bank.savings)"));
    }


}
