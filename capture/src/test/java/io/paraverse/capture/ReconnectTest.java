package io.paraverse.capture;

import io.paraverse.capture.CaptureTestSupport.RecordingSink;
import io.paraverse.cloud.local.MariaDbOptions;
import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.translator.RowChange;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import static io.paraverse.capture.CaptureTestSupport.awaitCaughtUp;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Lost connections: the captured committed rows must equal the source's rows exactly (nothing lost, nothing twice),
 * with the sink dropping uncommitted rows when told to.
 */
class ReconnectTest {
    private static final Logger log = LoggerFactory.getLogger(ReconnectTest.class);
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** The ids of the table as the source has them. */
    private static Set<Long> sourceIds(MariaDbServer server) throws SQLException {
        Set<Long> ids = new TreeSet<>();
        try (Connection c = server.connect("r"); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT id FROM t")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    /** Inserted ids minus deleted ids, from the committed changes; fails on a duplicate insert. */
    private static Set<Long> capturedIds(RecordingSink sink) {
        Set<Long> ids = new TreeSet<>();
        for (RowChange r : sink.rows()) {
            long id = (Long) r.latest(0);
            switch (r.op()) {
                case INSERT -> assertTrue(ids.add(id), "row " + id + " inserted twice in the captured stream");
                case DELETE -> assertTrue(ids.remove(id), "row " + id + " deleted but never inserted");
                case UPDATE -> assertTrue(ids.contains(id), "row " + id + " updated but never inserted");
            }
        }
        return ids;
    }

    private static List<Long> binlogDumpThreads(MariaDbServer server) throws SQLException {
        List<Long> ids = new ArrayList<>();
        try (Connection c = server.connect(""); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT ID FROM information_schema.PROCESSLIST WHERE COMMAND = 'Binlog Dump'")) {
            while (rs.next()) {
                ids.add(rs.getLong(1));
            }
        }
        return ids;
    }

    private static void killBinlogDump(MariaDbServer server) throws SQLException {
        List<Long> ids = binlogDumpThreads(server);
        assertEquals(1, ids.size(), "binlog dump threads: " + ids);
        server.execute("KILL " + ids.get(0));
    }

    @Test
    void connectionKilledInsideALargeTransactionDropsItsRowsAndDeliversItOnce() throws Exception {
        try (MariaDbServer server = MariaDbServer.start(MariaDbOptions.source("cut"))) {
            server.execute("CREATE DATABASE r", "CREATE TABLE r.t (id BIGINT PRIMARY KEY, pad VARCHAR(200))");
            CountDownLatch blocked = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            AtomicBoolean once = new AtomicBoolean();
            RecordingSink sink = new RecordingSink() {
                @Override
                public void onRow(RowChange change) {
                    super.onRow(change);
                    // stall the stream on the first row of the big transaction, so the source is mid-send
                    if ((Long) change.latest(0) == 1L && once.compareAndSet(false, true)) {
                        blocked.countDown();
                        try {
                            release.await(60, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
            };
            try (BinlogCapture capture = new BinlogCapture(CaptureTestSupport.config(server).build(), sink)) {
                capture.start(null);
                server.execute("INSERT INTO r.t SELECT seq, REPEAT('x', 200) FROM r.seq_1_to_100000");
                assertTrue(blocked.await(60, TimeUnit.SECONDS), "the big transaction never arrived");
                Thread.sleep(300); // let the source fill the socket buffers and block in its write
                killBinlogDump(server);
                release.countDown();
                server.execute("INSERT INTO r.t VALUES (100001, 'after')");
                awaitCaughtUp(server, sink, WAIT);
                assertTrue(sink.discards() >= 1, "the sink was never told to discard");
                assertTrue(sink.discardedRows() > 0 && sink.discardedRows() < 100_000,
                        "rows discarded: " + sink.discardedRows());
                assertEquals(1, capture.stats().reconnects());
                assertEquals(100_001, capture.stats().rowsCaptured());
                log.info("mid-transaction cut: {} rows discarded and delivered again", sink.discardedRows());
            }
            assertEquals(sourceIds(server), capturedIds(sink));
            assertEquals(2, sink.transactions().size());
            assertEquals(100_000, sink.transactions().get(0).rows().size());
        }
    }

    @Test
    void killedConnectionsAndASourceRestartLoseAndDuplicateNothing() throws Exception {
        try (MariaDbServer server = MariaDbServer.start(MariaDbOptions.source("chaos"))) {
            server.execute("CREATE DATABASE r", "CREATE TABLE r.t (id BIGINT PRIMARY KEY, v INT)");
            RecordingSink sink = new RecordingSink();
            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicLong nextId = new AtomicLong(1);
            AtomicLong committedTxns = new AtomicLong();
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    try (Connection c = server.connect("r"); Statement st = c.createStatement()) {
                        c.setAutoCommit(false);
                        while (writing.get()) {
                            long base = nextId.getAndAdd(5);
                            for (long id = base; id < base + 5; id++) {
                                st.execute("INSERT INTO t VALUES (" + id + ", 0)");
                            }
                            st.execute("UPDATE t SET v = v + 1 WHERE id = " + base);
                            if (base % 3 == 0) {
                                st.execute("DELETE FROM t WHERE id = " + (base + 1));
                            }
                            c.commit();
                            committedTxns.incrementAndGet();
                        }
                    } catch (SQLException e) {
                        sleep(50); // source restarting or connection killed: open a new one
                    }
                }
            }, "writer");
            try (BinlogCapture capture = new BinlogCapture(CaptureTestSupport.config(server).build(), sink)) {
                capture.start(null);
                writer.start();
                CaptureTestSupport.await("writes", WAIT, () -> committedTxns.get() > 100);
                killBinlogDump(server);
                CaptureTestSupport.await("more writes", WAIT, () -> committedTxns.get() > 300);
                CaptureTestSupport.await("reconnect", WAIT, () -> capture.stats().connected());
                killBinlogDump(server);
                CaptureTestSupport.await("more writes", WAIT, () -> committedTxns.get() > 500);
                server.restart();
                long afterRestart = committedTxns.get();
                CaptureTestSupport.await("writes after the restart", WAIT, () -> committedTxns.get() > afterRestart + 200);
                writing.set(false);
                writer.join(30_000);
                awaitCaughtUp(server, sink, WAIT);
                CaptureStats stats = capture.stats();
                log.info("chaos: {} transactions, {} rows, {} reconnects, {} discards ({} rows)", stats.transactions(),
                        stats.rowsCaptured(), stats.reconnects(), sink.discards(), sink.discardedRows());
                assertTrue(stats.reconnects() >= 3, "reconnects: " + stats.reconnects());
                assertTrue(stats.connected());
            } finally {
                writing.set(false);
            }
            Set<Long> source = sourceIds(server);
            assertTrue(source.size() > 1000, "rows written: " + source.size());
            assertEquals(source, capturedIds(sink));
            // every committed transaction arrived exactly once
            Set<String> gtids = new HashSet<>();
            for (CaptureTestSupport.RecordingSink.Txn t : sink.transactions()) {
                assertTrue(gtids.add(t.commit().position().gtid()), "transaction twice: " + t.commit());
            }
        }
    }

    @Test
    void aSilentConnectionIsDetectedByTheReadTimeoutAndReopened() throws Exception {
        try (MariaDbServer server = MariaDbServer.start(MariaDbOptions.source("silent"))) {
            server.execute("CREATE DATABASE r", "CREATE TABLE r.t (id BIGINT PRIMARY KEY, v INT)");
            RecordingSink sink = new RecordingSink();
            CaptureConfig config = CaptureTestSupport.config(server).heartbeatInterval(Duration.ofMillis(300))
                    .keepAliveTimeout(Duration.ofSeconds(2)).connectTimeout(Duration.ofSeconds(1)).build();
            try (BinlogCapture capture = new BinlogCapture(config, sink)) {
                capture.start(null);
                server.execute("INSERT INTO r.t VALUES (1, 1)");
                awaitCaughtUp(server, sink, WAIT);
                // freeze the source: the TCP connection stays open, but nothing (not even heartbeats) arrives
                signal("STOP", server.pid());
                try {
                    CaptureTestSupport.await("the dead connection to be noticed", Duration.ofSeconds(15),
                            () -> capture.stats().reconnects() >= 1);
                } finally {
                    signal("CONT", server.pid());
                }
                server.execute("INSERT INTO r.t VALUES (2, 2)");
                awaitCaughtUp(server, sink, WAIT);
                assertTrue(capture.stats().lastError() != null, "no error recorded");
                log.info("silent connection: last error {}", capture.stats().lastError());
            }
            assertEquals(sourceIds(server), capturedIds(sink));
        }
    }

    private static void signal(String sig, long pid) throws Exception {
        Process p = new ProcessBuilder("kill", "-" + sig, Long.toString(pid)).inheritIO().start();
        assertEquals(0, p.waitFor(), "kill -" + sig + " " + pid);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
