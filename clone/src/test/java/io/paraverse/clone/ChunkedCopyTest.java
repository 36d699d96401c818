package io.paraverse.clone;

import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.cloud.local.SourceAndTarget;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.paraverse.clone.SnapshotCloneTest.checksum;
import static io.paraverse.clone.SnapshotCloneTest.endpoint;
import static io.paraverse.clone.SnapshotCloneTest.longQuery;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The chunked copy on its own (no binlog pipeline: the source is quiet or the test controls it): chunks, checkpoints,
 * resume, lock waits, a lost source, a full target.
 */
class ChunkedCopyTest {
    private static SourceAndTarget servers;
    private static MariaDbServer source;
    private static MariaDbServer target;

    @BeforeAll
    static void servers() {
        servers = SourceAndTarget.start("chunk");
        source = servers.source();
        target = servers.target();
    }

    @AfterAll
    static void stop() {
        if (servers != null) servers.close();
    }

    private static void createBoth(String db, String... ddl) throws SQLException {
        for (MariaDbServer s : List.of(source, target)) {
            s.execute("DROP DATABASE IF EXISTS " + db, "CREATE DATABASE " + db);
            try (Connection c = s.connect(db); Statement st = c.createStatement()) {
                for (String d : ddl) {
                    st.execute(d);
                }
            }
        }
    }

    private static void fill(String table, int rows) throws SQLException {
        source.execute("INSERT INTO " + table + " (id, k, c) SELECT seq, seq % 97, CONCAT('row-', seq, REPEAT('x', seq % 50))"
                + " FROM mysql.seq_1_to_" + rows);
    }

    private static CopyCheckpointStore register(String pipeline, TableRef... tables) throws SQLException {
        CopyCheckpointStore store = new CopyCheckpointStore(pipeline);
        try (Connection t = target.connect("")) {
            store.createTables(t);
            store.reset(t);
            store.register(t, List.of(tables));
        }
        return store;
    }

    @Test
    void copiesEveryTableAndMarksItDone() throws Exception {
        createBoth("cc1", "CREATE TABLE a (id INT PRIMARY KEY, k INT, c VARCHAR(100), KEY (k))",
                "CREATE TABLE b (id INT, k INT, c VARCHAR(100), PRIMARY KEY (k, id))");
        fill("cc1.a", 5_003);
        fill("cc1.b", 2_500);
        CopyCheckpointStore store = register("p1", new TableRef("cc1", "a"), new TableRef("cc1", "b"));
        Map<TableRef, Long> rows = new ChunkedCopy(endpoint(source), endpoint(target), store,
                ChunkedCopy.Options.defaults().withChunkRows(700)).run();
        assertEquals(5_003L, rows.get(new TableRef("cc1", "a")));
        assertEquals(2_500L, rows.get(new TableRef("cc1", "b")));
        for (String t : List.of("cc1.a", "cc1.b")) {
            assertEquals(checksum(source, t), checksum(target, t), t);
        }
        try (Connection t = target.connect("")) {
            assertTrue(store.load(t).values().stream().allMatch(CopyCheckpoint::done));
        }
    }

    @Test
    void resumesAfterTheLastCommittedChunkWithoutStartingOver() throws Exception {
        createBoth("cc2", "CREATE TABLE a (id INT PRIMARY KEY, k INT, c VARCHAR(100))");
        fill("cc2.a", 10_000);
        TableRef a = new TableRef("cc2", "a");
        CopyCheckpointStore store = register("p2", a);
        AtomicInteger chunks = new AtomicInteger();
        ChunkedCopy[] first = new ChunkedCopy[1];
        first[0] = new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults().withChunkRows(1_000)
                .withProgress((t, n, e) -> {
                    if (chunks.incrementAndGet() == 4) {
                        first[0].stop();
                    }
                }));
        CloneException stopped = assertThrows(CloneException.class, first[0]::run);
        assertTrue(stopped.getMessage().contains("cc2.a") && stopped.getMessage().contains("after key (4000)"), stopped.getMessage());
        CopyCheckpoint cp;
        try (Connection t = target.connect("")) {
            cp = store.load(t).get(a);
        }
        assertEquals(4_000, cp.rowsCopied());
        assertEquals(4_000L, longQuery(target, "SELECT COUNT(*) FROM cc2.a"));
        // rows the first run already copied are not read again: delete one on the target, it must stay missing
        target.execute("DELETE FROM cc2.a WHERE id = 10");
        // a source change behind the checkpoint is invisible to the copy (the binlog pipeline's job)
        source.execute("UPDATE cc2.a SET c = 'changed' WHERE id = 20");
        AtomicInteger resumedChunks = new AtomicInteger();
        Map<TableRef, Long> rows = new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults()
                .withChunkRows(1_000).withProgress((t, n, e) -> resumedChunks.incrementAndGet())).run();
        assertEquals(10_000L, rows.get(a));
        assertEquals(7, resumedChunks.get(), "6 chunks of rows after key 4000 plus the empty read that ends the table");
        assertEquals(9_999L, longQuery(target, "SELECT COUNT(*) FROM cc2.a"));
        assertEquals(0L, longQuery(target, "SELECT COUNT(*) FROM cc2.a WHERE id = 10"));
        assertEquals(0L, longQuery(target, "SELECT COUNT(*) FROM cc2.a WHERE c = 'changed'"));
    }

    @Test
    void waitsOutARowLockHeldByProduction() throws Exception {
        createBoth("cc3", "CREATE TABLE a (id INT PRIMARY KEY, k INT, c VARCHAR(100))");
        fill("cc3.a", 3_000);
        CopyCheckpointStore store = register("p3", new TableRef("cc3", "a"));
        try (Connection prod = source.connect("cc3"); Statement st = prod.createStatement()) {
            prod.setAutoCommit(false);
            st.execute("UPDATE a SET c = 'held' WHERE id = 1500"); // holds the row lock for 2.5 s
            Thread release = new Thread(() -> {
                try {
                    Thread.sleep(2_500);
                    prod.commit();
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            });
            release.start();
            long t0 = System.nanoTime();
            new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults().withChunkRows(500)
                    .withLockWaitSeconds(1)).run();
            release.join();
            assertTrue(System.nanoTime() - t0 > 2_000_000_000L, "the chunk with the locked row had to wait for the commit");
        }
        assertEquals(checksum(source, "cc3.a"), checksum(target, "cc3.a"));
        assertEquals(1L, longQuery(target, "SELECT COUNT(*) FROM cc3.a WHERE c = 'held'"), "the committed value was copied");
    }

    @Test
    void keyEncodingRoundTripsEveryKeyType() {
        Object[] key = {"a:b", new BigDecimal("18446744073709551615"), new byte[] {0, (byte) 0xff, 58}, null, ""};
        Object[] back = CopyCheckpoint.decodeKey(CopyCheckpoint.encodeKey(key));
        assertEquals(key.length, back.length);
        assertEquals("a:b", back[0]);
        assertEquals(new BigDecimal("18446744073709551615"), back[1]);
        assertArrayEquals(new byte[] {0, (byte) 0xff, 58}, (byte[]) back[2]);
        assertNull(back[3]);
        assertEquals("", back[4]);
        assertThrows(CloneException.class, () -> CopyCheckpoint.decodeKey("x3:abc"));
    }

    @Test
    void binaryAndCompositeKeysResumeExactly() throws Exception {
        createBoth("cc4", "CREATE TABLE a (h VARBINARY(16), n VARCHAR(20) COLLATE utf8mb4_unicode_ci, v INT, PRIMARY KEY (h, n))");
        source.execute("INSERT INTO cc4.a SELECT UNHEX(LPAD(HEX(seq % 37), 4, '0')), CONCAT(IF(seq % 2, 'A', 'a'), seq), seq FROM mysql.seq_1_to_3000");
        TableRef a = new TableRef("cc4", "a");
        CopyCheckpointStore store = register("p4", a);
        AtomicInteger chunks = new AtomicInteger();
        ChunkedCopy[] first = new ChunkedCopy[1];
        first[0] = new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults().withChunkRows(250)
                .withProgress((t, n, e) -> {
                    if (chunks.incrementAndGet() == 5) {
                        first[0].stop();
                    }
                }));
        assertThrows(CloneException.class, first[0]::run);
        new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults().withChunkRows(250)).run();
        assertEquals(3_000L, longQuery(target, "SELECT COUNT(*) FROM cc4.a"));
        assertEquals(checksum(source, "cc4.a"), checksum(target, "cc4.a"));
    }

    @Test
    void negativeAndZeroKeysAreCopied() throws Exception {
        // ghostferry#305: a copy that starts at "key > 0" silently misses these rows
        createBoth("cc8", "CREATE TABLE a (id BIGINT PRIMARY KEY, k INT, c VARCHAR(100))");
        source.execute("INSERT INTO cc8.a VALUES (-9223372036854775808, 1, 'min'), (-5, 2, 'neg'), (0, 3, 'zero'), (1, 4, 'one'),"
                + " (9223372036854775807, 5, 'max')");
        CopyCheckpointStore store = register("p8", new TableRef("cc8", "a"));
        new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults().withChunkRows(2)).run();
        assertEquals(5L, longQuery(target, "SELECT COUNT(*) FROM cc8.a"));
        assertEquals(checksum(source, "cc8.a"), checksum(target, "cc8.a"));
    }

    @Test
    void bigintKeysAbove2To53AndExtremeFloatsRoundTrip() throws Exception {
        // bound as strings, MariaDB would compare these keys as doubles: 2^53+1 == 2^53+2, and a chunk boundary repeats or skips rows
        createBoth("cc9", "CREATE TABLE a (id BIGINT UNSIGNED PRIMARY KEY, v FLOAT)");
        source.execute("INSERT INTO cc9.a SELECT 9007199254740992 + seq, 3.4028234e38 / seq FROM mysql.seq_1_to_50",
                "INSERT INTO cc9.a VALUES (18446744073709551615, -3.4028234e38), (18446744073709551614, 1.17549435e-38)");
        CopyCheckpointStore store = register("p9", new TableRef("cc9", "a"));
        new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults().withChunkRows(3)).run();
        assertEquals(52L, longQuery(target, "SELECT COUNT(*) FROM cc9.a"));
        assertEquals(checksum(source, "cc9.a"), checksum(target, "cc9.a"), "keys and FLOAT values round-trip exactly");
    }

    @Test
    void rowsAppendedAfterATableStartedAreLeftToTheBinlog() throws Exception {
        // without an upper bound, a table that grows as fast as we copy would be chased forever
        createBoth("cc10", "CREATE TABLE a (id INT AUTO_INCREMENT PRIMARY KEY, k INT, c VARCHAR(100))");
        fill("cc10.a", 3_000);
        CopyCheckpointStore store = register("p10", new TableRef("cc10", "a"));
        AtomicInteger chunks = new AtomicInteger();
        Map<TableRef, Long> rows = new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults()
                .withChunkRows(500).withProgress((t, n, e) -> {
                    if (chunks.incrementAndGet() == 1) {
                        try {
                            source.execute("INSERT INTO cc10.a (k, c) SELECT seq, 'appended' FROM mysql.seq_1_to_2000");
                        } catch (Exception ex) {
                            throw new RuntimeException(ex);
                        }
                    }
                })).run();
        assertEquals(3_000L, rows.get(new TableRef("cc10", "a")));
        assertEquals(0L, longQuery(target, "SELECT COUNT(*) FROM cc10.a WHERE c = 'appended'"));
        assertEquals(5_000L, longQuery(source, "SELECT COUNT(*) FROM cc10.a"));
    }

    @Test
    void aTableWithoutPrimaryKeyIsRefusedByName() throws Exception {
        createBoth("cc5", "CREATE TABLE nokey (a INT, b INT)");
        CopyCheckpointStore store = register("p5", new TableRef("cc5", "nokey"));
        CloneException e = assertThrows(CloneException.class,
                () -> new ChunkedCopy(endpoint(source), endpoint(target), store, ChunkedCopy.Options.defaults()).run());
        assertTrue(e.getMessage().contains("cc5.nokey") && e.getMessage().contains("primary key"), e.getMessage());
    }

    @Test
    void aFullTargetStopsWithTheCheckpointKeptAndResumesAfterSpaceIsAdded() throws Exception {
        // a target whose shared tablespace cannot grow past 24 MiB: the copy hits "table is full" (1114), like a full disk
        MariaDbServer small = MariaDbServer.start(MariaDbOptions.target("chunk-full").keepData(true)
                .option("innodb_file_per_table", "0").option("innodb_data_file_path", "ibdata1:12M:autoextend:max:24M"));
        java.nio.file.Path dir = small.directory();
        CopyCheckpointStore store = new CopyCheckpointStore("p6");
        TableRef big = new TableRef("cc6", "big");
        long copied;
        try {
            createBoth("cc6", "CREATE TABLE big (id INT PRIMARY KEY, k INT, c VARCHAR(1000))");
            small.execute("CREATE DATABASE cc6", "CREATE TABLE cc6.big (id INT PRIMARY KEY, k INT, c VARCHAR(1000))");
            source.execute("INSERT INTO cc6.big SELECT seq, seq, REPEAT(CHAR(65 + seq % 26), 900) FROM mysql.seq_1_to_16000");
            try (Connection t = small.connect("")) {
                store.createTables(t);
                store.register(t, List.of(big));
            }
            CloneEndpoint smallEp = endpoint(small);
            CloneException full = assertThrows(CloneException.class, () -> new ChunkedCopy(endpoint(source), smallEp, store,
                    ChunkedCopy.Options.defaults().withChunkRows(500).withResumeHint("rerun clone X")).run());
            assertTrue(full.getMessage().contains("ran out of space") && full.getMessage().contains("cc6.big")
                    && full.getMessage().contains("rerun clone X"), full.getMessage());
            try (Connection t = small.connect("")) {
                copied = store.load(t).get(big).rowsCopied();
            }
            assertTrue(copied > 0 && copied < 16_000, "some chunks were committed before the space ran out: " + copied);
            assertEquals(copied, longQuery(small, "SELECT COUNT(*) FROM cc6.big"), "the checkpoint matches the rows on the target");
        } finally {
            small.close(); // keeps the datadir: the operator adds space and restarts the server
        }
        try (MariaDbServer grown = MariaDbServer.start(MariaDbOptions.target("chunk-full").restartIn(dir)
                .option("innodb_file_per_table", "0").option("innodb_data_file_path", "ibdata1:12M:autoextend:max:128M"))) {
            AtomicInteger chunks = new AtomicInteger();
            new ChunkedCopy(endpoint(source), endpoint(grown), store, ChunkedCopy.Options.defaults().withChunkRows(500)
                    .withProgress((t, n, e) -> chunks.incrementAndGet())).run();
            assertEquals(checksum(source, "cc6.big"), checksum(grown, "cc6.big"));
            assertTrue(chunks.get() <= (16_000 - copied) / 500 + 2, "resumed after the checkpoint, not from the start: " + chunks.get());
        } finally {
            deleteTree(dir);
        }
    }

    private static void deleteTree(java.nio.file.Path dir) throws java.io.IOException {
        if (!java.nio.file.Files.exists(dir)) {
            return;
        }
        try (var walk = java.nio.file.Files.walk(dir)) {
            for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void aSourceThatStaysGoneFailsWithTheResumeCommand() throws Exception {
        try (MariaDbServer doomed = MariaDbServer.start(MariaDbOptions.source("chunk-gone"))) {
            doomed.execute("CREATE DATABASE cc7", "CREATE TABLE cc7.a (id INT PRIMARY KEY, k INT, c VARCHAR(100))",
                    "INSERT INTO cc7.a SELECT seq, seq, REPEAT('z', 90) FROM mysql.seq_1_to_20000");
            target.execute("DROP DATABASE IF EXISTS cc7", "CREATE DATABASE cc7", "CREATE TABLE cc7.a (id INT PRIMARY KEY, k INT, c VARCHAR(100))");
            CopyCheckpointStore store = register("p7", new TableRef("cc7", "a"));
            AtomicInteger chunks = new AtomicInteger();
            CloneException e = assertThrows(CloneException.class, () -> new ChunkedCopy(endpoint(doomed), endpoint(target), store,
                    ChunkedCopy.Options.defaults().withChunkRows(200).withReconnectFor(Duration.ofSeconds(2))
                            .withResumeHint("rerun clone Y").withProgress((t, n, est) -> {
                                if (chunks.incrementAndGet() == 3) {
                                    doomed.kill();
                                }
                            })).run());
            assertTrue(e.getMessage().contains("cc7.a") && e.getMessage().contains("unreachable")
                    && e.getMessage().contains("rerun clone Y") && e.getMessage().contains("after key (600)"), e.getMessage());
        }
    }
}
