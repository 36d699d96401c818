package io.paraverse.capture;

import io.paraverse.capture.CaptureTestSupport.RecordingSink;
import io.paraverse.capture.CaptureTestSupport.RecordingSink.Txn;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.ServerSocket;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.paraverse.capture.CaptureTestSupport.awaitCaughtUp;
import static io.paraverse.capture.CaptureTestSupport.gtidBinlogPos;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Transactions, positions, resume, "now", filters, DDL and start-up errors against a real MariaDB. */
class BinlogCaptureTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static MariaDbServer server;

    @BeforeAll
    static void startServer() {
        server = MariaDbServer.start(MariaDbOptions.source("capture"));
    }

    @AfterAll
    static void stopServer() {
        if (server != null) {
            server.close();
        }
    }

    private static CaptureConfig.Builder config() {
        return CaptureTestSupport.config(server);
    }

    private static List<Long> ids(List<RowChange> rows) {
        return rows.stream().map(r -> (Long) r.latest(0)).collect(Collectors.toList());
    }

    @Test
    void multiStatementTransactionsArriveAsRowsThenOneCommitAndPositionsAdvance() throws Exception {
        server.execute("CREATE DATABASE tx", "CREATE TABLE tx.t (id BIGINT PRIMARY KEY, v VARCHAR(20))");
        RecordingSink sink = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("tx.*").build(), sink)) {
            capture.start(null);
            String before = gtidBinlogPos(server);
            try (Connection c = server.connect("tx"); Statement st = c.createStatement()) {
                c.setAutoCommit(false);
                st.execute("INSERT INTO t VALUES (1, 'a'), (2, 'b')");
                st.execute("INSERT INTO t VALUES (3, 'c')");
                st.execute("UPDATE t SET v = 'B' WHERE id = 2");
                st.execute("DELETE FROM t WHERE id = 1");
                c.commit();
                st.execute("INSERT INTO t VALUES (4, 'd')");
                c.commit();
            }
            awaitCaughtUp(server, sink, WAIT);

            List<Txn> txns = sink.transactions();
            assertEquals(2, txns.size(), "transactions: " + txns);
            Txn first = txns.get(0);
            assertEquals(List.of(RowChange.Op.INSERT, RowChange.Op.INSERT, RowChange.Op.INSERT, RowChange.Op.UPDATE,
                    RowChange.Op.DELETE), first.rows().stream().map(RowChange::op).toList());
            assertEquals(List.of(1L, 2L, 3L, 2L, 1L), ids(first.rows()));
            assertEquals("b", first.rows().get(3).before("v"));
            assertEquals("B", first.rows().get(3).after("v"));
            Commit c1 = first.commit();
            Commit c2 = txns.get(1).commit();
            for (RowChange r : first.rows()) {
                assertEquals(c1.position().gtid(), r.transactionId());
                assertEquals(c1.position().gtidPosition(), r.position().gtidPosition());
            }
            // GTIDs are domain-server-seq with the source's server id and consecutive sequence numbers; the
            // position after a transaction is the one before with its domain advanced
            String domain0 = java.util.Arrays.stream(before.split(",")).filter(g -> g.startsWith("0-")).findFirst()
                    .orElseThrow();
            long seqBefore = Long.parseLong(domain0.substring(domain0.lastIndexOf('-') + 1));
            String g1 = "0-" + server.serverId() + "-" + (seqBefore + 1);
            String g2 = "0-" + server.serverId() + "-" + (seqBefore + 2);
            assertEquals(g1, c1.position().gtid());
            assertEquals(g2, c2.position().gtid());
            assertTrue(CaptureTestSupport.samePosition(before.replace(domain0, g1), c1.position().gtidPosition()));
            assertTrue(CaptureTestSupport.samePosition(before.replace(domain0, g2), c2.position().gtidPosition()));
            assertTrue(CaptureTestSupport.samePosition(gtidBinlogPos(server), c2.position().gtidPosition()));
            assertTrue(c2.position().binlogPos() > c1.position().binlogPos());
            assertTrue(c1.position().binlogFile().startsWith("mariadb-bin."), c1.position().binlogFile());
            assertTrue(Math.abs(c1.commitTimeMillis() - System.currentTimeMillis()) < 60_000);

            CaptureStats stats = capture.stats();
            assertEquals(6, stats.rowsCaptured());
            assertEquals(c2.position(), stats.lastCommitted());
            assertEquals(c2.position().gtidPosition(), capture.resumePosition());
            assertTrue(stats.connected());
            assertEquals(BinlogCapture.State.STREAMING, stats.state());
            // idle for longer than a second: only the source's heartbeats tell capture it is still caught up
            Thread.sleep(2500);
            assertEquals(0, capture.stats().secondsBehindSource());
        }
    }

    @Test
    void secondsBehindSourceGrowsWhileTheSinkLags() throws Exception {
        server.execute("CREATE DATABASE lag", "CREATE TABLE lag.t (id BIGINT PRIMARY KEY)");
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        RecordingSink sink = new RecordingSink() {
            @Override
            public void onRow(RowChange change) {
                super.onRow(change);
                try {
                    release.await(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        try (BinlogCapture capture = new BinlogCapture(config().include("lag.*").build(), sink)) {
            capture.start(null);
            server.execute("INSERT INTO lag.t VALUES (1)");
            try {
                CaptureTestSupport.await("lag to show", WAIT, () -> capture.stats().secondsBehindSource() >= 2);
            } finally {
                release.countDown();
            }
            awaitCaughtUp(server, sink, WAIT);
            CaptureTestSupport.await("lag to clear", WAIT, () -> capture.stats().secondsBehindSource() == 0);
        }
    }

    @Test
    void resumingFromACommitPositionDeliversExactlyTheLaterTransactions() throws Exception {
        server.execute("CREATE DATABASE resume", "CREATE TABLE resume.t (id BIGINT PRIMARY KEY)");
        RecordingSink all = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("resume.*").build(), all)) {
            capture.start(null);
            try (Connection c = server.connect("resume"); Statement st = c.createStatement()) {
                for (int i = 1; i <= 10; i++) {
                    st.execute("INSERT INTO t VALUES (" + (i * 10) + "), (" + (i * 10 + 1) + ")");
                }
            }
            awaitCaughtUp(server, all, WAIT);
        }
        List<Txn> txns = all.transactions();
        assertEquals(10, txns.size());
        String resumeFrom = txns.get(3).commit().position().gtidPosition();

        RecordingSink later = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("resume.*").build(), later)) {
            capture.start(resumeFrom);
            try (Connection c = server.connect("resume"); Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (1000)");
            }
            awaitCaughtUp(server, later, WAIT);
        }
        List<Txn> got = later.transactions();
        List<String> expectedGtids = new ArrayList<>();
        for (Txn t : txns.subList(4, 10)) {
            expectedGtids.add(t.commit().position().gtid());
        }
        List<String> gotGtids = got.stream().map(t -> t.commit().position().gtid()).toList();
        assertEquals(expectedGtids, gotGtids.subList(0, 6));
        assertEquals(7, got.size(), "6 old transactions after the resume point, then the new one");
        List<Long> expectedIds = new ArrayList<>();
        for (int i = 5; i <= 10; i++) {
            expectedIds.add(i * 10L);
            expectedIds.add(i * 10L + 1);
        }
        expectedIds.add(1000L);
        assertEquals(expectedIds, ids(later.rows()));
        // same transactions, same positions, same values as the first capture saw
        for (int i = 0; i < 6; i++) {
            assertEquals(txns.get(4 + i).commit(), got.get(i).commit());
            assertEquals(txns.get(4 + i).rows(), got.get(i).rows());
        }
    }

    @Test
    void startingNowSkipsEarlierHistory() throws Exception {
        server.execute("CREATE DATABASE nowdb", "CREATE TABLE nowdb.t (id BIGINT PRIMARY KEY)",
                "INSERT INTO nowdb.t VALUES (1), (2), (3)");
        RecordingSink sink = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("nowdb.*").build(), sink)) {
            capture.start(null);
            server.execute("INSERT INTO nowdb.t VALUES (4)", "DELETE FROM nowdb.t WHERE id = 1");
            awaitCaughtUp(server, sink, WAIT);
        }
        assertEquals(List.of(4L, 1L), ids(sink.rows()));
        assertEquals(List.of(RowChange.Op.INSERT, RowChange.Op.DELETE), sink.rows().stream().map(RowChange::op).toList());
    }

    @Test
    void startingFromTheFirstBinlogSeesHistory() throws Exception {
        server.execute("CREATE DATABASE histdb", "CREATE TABLE histdb.t (id BIGINT PRIMARY KEY)",
                "INSERT INTO histdb.t VALUES (7)");
        RecordingSink sink = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("histdb.*").build(), sink)) {
            capture.start("");
            awaitCaughtUp(server, sink, WAIT);
        }
        assertEquals(List.of(7L), ids(sink.rows()));
    }

    @Test
    void includeAndExcludeFiltersAndSystemSchemas() throws Exception {
        server.execute("CREATE DATABASE fa", "CREATE DATABASE fb", "CREATE DATABASE paraverse",
                "CREATE TABLE fa.orders (id INT PRIMARY KEY)", "CREATE TABLE fa.secret (id INT PRIMARY KEY)",
                "CREATE TABLE fa.items (id INT PRIMARY KEY)", "CREATE TABLE fb.orders (id INT PRIMARY KEY)",
                "CREATE TABLE paraverse.checkpoint (id INT PRIMARY KEY)");
        RecordingSink sink = new RecordingSink();
        RecordingSink everything = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("fa.*", "fb.orders")
                .exclude("fa.secret").build(), sink);
             BinlogCapture all = new BinlogCapture(config().build(), everything)) {
            capture.start(null);
            all.start(null);
            server.execute("INSERT INTO fa.orders VALUES (1)", "INSERT INTO fa.secret VALUES (2)",
                    "INSERT INTO fa.items VALUES (3)", "INSERT INTO fb.orders VALUES (4)",
                    "INSERT INTO paraverse.checkpoint VALUES (5)",
                    "CREATE USER IF NOT EXISTS 'someone'@'127.0.0.1' IDENTIFIED BY 'x'",
                    "INSERT INTO fa.orders VALUES (6)");
            awaitCaughtUp(server, sink, WAIT);
            awaitCaughtUp(server, everything, WAIT);
        }
        assertEquals(List.of("fa.orders", "fa.items", "fb.orders", "fa.orders"),
                sink.rows().stream().map(r -> r.table().qualifiedName()).toList());
        assertEquals(List.of(1L, 3L, 4L, 6L), ids(sink.rows()));
        // with no patterns, everything but the system schemas and paraverse (CREATE USER writes to mysql.*)
        assertEquals(List.of("fa.orders", "fa.secret", "fa.items", "fb.orders", "fa.orders"),
                everything.rows().stream().map(r -> r.table().qualifiedName()).toList());
        // every transaction still produced a commit, so positions advance through excluded ones too
        assertEquals(sink.transactions().size(), everything.transactions().size());
    }

    @Test
    void ddlIsReportedCommittedAndAlterYieldsANewTableDef() throws Exception {
        server.execute("CREATE DATABASE ddl", "CREATE TABLE ddl.t (id INT PRIMARY KEY, a INT)",
                "CREATE DATABASE other", "CREATE TABLE other.x (id INT PRIMARY KEY)");
        RecordingSink sink = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("ddl.*").build(), sink)) {
            capture.start(null);
            server.execute("INSERT INTO ddl.t VALUES (1, 10)",
                    "ALTER TABLE ddl.t ADD COLUMN b VARCHAR(10) DEFAULT 'x'",
                    "ALTER TABLE other.x ADD COLUMN y INT",
                    "INSERT INTO ddl.t VALUES (2, 20, 'y')",
                    "UPDATE ddl.t SET a = 11 WHERE id = 1");
            awaitCaughtUp(server, sink, WAIT);
        }
        List<Txn> txns = sink.transactions();
        // insert, ALTER ddl.t, ALTER other.x (a commit without rows, not reported as DDL), insert, update
        assertEquals(5, txns.size(), "transactions: " + txns);
        assertTrue(txns.get(1).rows().isEmpty());
        assertEquals(1, sink.ddl().size(), "DDL events: " + sink.ddl());
        DdlEvent ddl = sink.ddl().get(0);
        assertTrue(ddl.sql().contains("ADD COLUMN b"), ddl.sql());
        assertEquals(txns.get(1).commit().position().gtid(), ddl.position().gtid());
        RowChange first = txns.get(0).rows().get(0);
        RowChange afterAlter = txns.get(3).rows().get(0);
        assertEquals(List.of("id", "a"), first.table().columns().stream().map(c -> c.name()).toList());
        assertEquals(List.of("id", "a", "b"), afterAlter.table().columns().stream().map(c -> c.name()).toList());
        assertEquals("y", afterAlter.after("b"));
        RowChange update = txns.get(4).rows().get(0);
        assertEquals("x", update.before("b"));
        assertEquals(11L, update.after("a"));
    }

    @Test
    void xaAndNonTransactionalTransactionsEndWithACommit() throws Exception {
        server.execute("CREATE DATABASE xa", "CREATE TABLE xa.t (id INT PRIMARY KEY)",
                "CREATE TABLE xa.m (id INT PRIMARY KEY) ENGINE=MyISAM");
        RecordingSink sink = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("xa.*").build(), sink)) {
            capture.start(null);
            server.execute("XA START 'x1'", "INSERT INTO xa.t VALUES (1)", "XA END 'x1'", "XA PREPARE 'x1'",
                    "XA COMMIT 'x1'",
                    "XA START 'x2'", "INSERT INTO xa.t VALUES (2)", "XA END 'x2'", "XA COMMIT 'x2' ONE PHASE",
                    "INSERT INTO xa.m VALUES (3)",
                    "INSERT INTO xa.t VALUES (4)");
            awaitCaughtUp(server, sink, WAIT);
        }
        // prepare (with its row), XA COMMIT (no rows), one-phase XA, MyISAM (ends with a COMMIT query), InnoDB
        List<Txn> txns = sink.transactions();
        assertEquals(List.of(1, 0, 1, 1, 1), txns.stream().map(t -> t.rows().size()).toList());
        assertEquals(List.of(1L, 2L, 3L, 4L), ids(sink.rows()));
        assertEquals(txns.size(), txns.stream().map(t -> t.commit().position().gtid()).distinct().count());
    }

    @Test
    void positionsCarryEveryReplicationDomain() throws Exception {
        server.execute("CREATE DATABASE dom", "CREATE TABLE dom.t (id INT PRIMARY KEY)");
        RecordingSink sink = new RecordingSink();
        String resumeFrom;
        try (BinlogCapture capture = new BinlogCapture(config().include("dom.*").build(), sink)) {
            capture.start(null);
            try (Connection c = server.connect("dom"); Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (1)");
                st.execute("SET SESSION gtid_domain_id = 7");
                st.execute("INSERT INTO t VALUES (2)");
                st.execute("SET SESSION gtid_domain_id = 0");
                st.execute("INSERT INTO t VALUES (3)");
            }
            String target = gtidBinlogPos(server);
            CaptureTestSupport.await("both domains", WAIT, () -> sink.lastPosition() != null
                    && java.util.Set.of(sink.lastPosition().split(",")).equals(java.util.Set.of(target.split(","))));
            List<Txn> txns = sink.transactions();
            assertTrue(txns.get(1).commit().position().gtid().startsWith("7-" + server.serverId() + "-"));
            resumeFrom = txns.get(1).commit().position().gtidPosition();
            assertEquals(2, resumeFrom.split(",").length, resumeFrom);
        }
        RecordingSink later = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("dom.*").build(), later)) {
            capture.start(resumeFrom);
            CaptureTestSupport.await("the last transaction", WAIT, () -> later.rows().size() >= 1);
            Thread.sleep(300);
        }
        assertEquals(List.of(3L), ids(later.rows()));
    }

    @Test
    void rowsLargerThanOneProtocolPacketArriveWhole() throws Exception {
        server.execute("SET GLOBAL max_allowed_packet = 67108864", "CREATE DATABASE big",
                "CREATE TABLE big.t (id INT PRIMARY KEY, body LONGTEXT, data LONGBLOB)");
        RecordingSink sink = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("big.*").build(), sink)) {
            capture.start(null);
            server.execute("INSERT INTO big.t VALUES (1, REPEAT('é', 9000000), REPEAT(x'00FF', 1000000))");
            awaitCaughtUp(server, sink, WAIT);
        }
        RowChange r = sink.rows().get(0);
        assertEquals("é".repeat(9_000_000), r.after("body"));
        assertEquals(2_000_000, ((byte[]) r.after("data")).length);
    }

    @Test
    void positionsFollowBinlogRotation() throws Exception {
        server.execute("CREATE DATABASE rot", "CREATE TABLE rot.t (id INT PRIMARY KEY)");
        RecordingSink sink = new RecordingSink();
        try (BinlogCapture capture = new BinlogCapture(config().include("rot.*").build(), sink)) {
            capture.start(null);
            server.execute("INSERT INTO rot.t VALUES (1)", "FLUSH BINARY LOGS", "INSERT INTO rot.t VALUES (2)");
            awaitCaughtUp(server, sink, WAIT);
        }
        List<Txn> txns = sink.transactions();
        String file1 = txns.get(0).commit().position().binlogFile();
        String file2 = txns.get(txns.size() - 1).commit().position().binlogFile();
        assertTrue(file2.compareTo(file1) > 0, file1 + " then " + file2);
        assertEquals(file2, txns.get(txns.size() - 1).rows().get(0).position().binlogFile());
        String status;
        try (Connection c = server.connect(""); Statement st = c.createStatement();
             java.sql.ResultSet rs = st.executeQuery("SHOW MASTER STATUS")) {
            rs.next();
            status = rs.getString(1);
        }
        assertEquals(status, file2);
    }

    @Test
    void missingFullRowMetadataFailsWithAClearError() throws Exception {
        server.execute("CREATE DATABASE meta", "CREATE TABLE meta.t (id INT PRIMARY KEY)");
        RecordingSink sink = new RecordingSink();
        BinlogCapture capture = new BinlogCapture(config().include("meta.*").build(), sink);
        try {
            capture.start(null);
            server.execute("SET GLOBAL binlog_row_metadata = 'MINIMAL'");
            try (Connection c = server.connect("meta"); Statement st = c.createStatement()) {
                st.execute("INSERT INTO t VALUES (1)");
            } finally {
                server.execute("SET GLOBAL binlog_row_metadata = 'FULL'");
            }
            CaptureTestSupport.await("capture to fail", WAIT, () -> capture.state() == BinlogCapture.State.FAILED);
            assertNotNull(capture.failure());
            assertTrue(capture.failure().getMessage().contains("binlog_row_metadata=FULL"),
                    capture.failure().getMessage());
            assertTrue(capture.failure().getMessage().contains("meta.t"), capture.failure().getMessage());
            assertTrue(sink.rows().isEmpty());
            assertFalse(capture.isRunning());
        } finally {
            capture.close();
        }
    }

    @Test
    void startFailsClearlyWhenTheSourceCannotBeReachedOrRefuses() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        CaptureException unreachable = assertThrows(CaptureException.class, () ->
                new BinlogCapture(config().port(closedPort).password("s3cret-pw").build(), new RecordingSink())
                        .start(null));
        assertTrue(unreachable.getMessage().contains("127.0.0.1:" + closedPort), unreachable.getMessage());
        assertTrue(unreachable.getMessage().contains("root"), unreachable.getMessage());
        assertFalse(unreachable.getMessage().contains("s3cret-pw"), unreachable.getMessage());

        CaptureException denied = assertThrows(CaptureException.class, () ->
                new BinlogCapture(config().password("wrong-pw").build(), new RecordingSink()).start(null));
        assertTrue(denied.getMessage().contains("Access denied"), denied.getMessage());
        assertFalse(denied.getMessage().contains("wrong-pw"), denied.getMessage());

        // a position the binlog does not hold: the server's own error, from start()
        CaptureException badPosition = assertThrows(CaptureException.class, () ->
                new BinlogCapture(config().build(), new RecordingSink()).start("0-" + server.serverId() + "-999999"));
        assertTrue(badPosition.getMessage().contains("999999"), badPosition.getMessage());

        CaptureException sameId = assertThrows(CaptureException.class, () ->
                new BinlogCapture(config().serverId(server.serverId()).build(), new RecordingSink()).start(null));
        assertTrue(sameId.getMessage().contains("server id"), sameId.getMessage());

        BinlogCapture neverStarted = new BinlogCapture(config().build(), new RecordingSink());
        neverStarted.close();
        assertEquals(BinlogCapture.State.STOPPED, neverStarted.state());
        assertNull(neverStarted.failure());
    }
}
