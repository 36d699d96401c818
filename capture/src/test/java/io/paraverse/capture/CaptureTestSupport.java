package io.paraverse.capture;

import io.paraverse.cloud.local.MariaDbServer;
import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import org.slf4j.bridge.SLF4JBridgeHandler;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/** Shared helpers for capture tests against local MariaDB servers. */
final class CaptureTestSupport {
    static {
        SLF4JBridgeHandler.removeHandlersForRootLogger();
        SLF4JBridgeHandler.install();
    }

    private CaptureTestSupport() { }

    static void init() {
        // runs the static initializer (JUL → SLF4J bridge, so the binlog client's logging obeys logback-test.xml)
    }

    /** Capture settings for a local server as root, with fast reconnects. */
    static CaptureConfig.Builder config(MariaDbServer s) {
        init();
        return CaptureConfig.builder().host(s.host()).port(s.port()).user(s.user()).password(s.password())
                .heartbeatInterval(Duration.ofMillis(500)).keepAliveTimeout(Duration.ofSeconds(5))
                .reconnectBackoff(Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    static String query(MariaDbServer s, String sql) {
        try (Connection c = s.connect(""); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            return rs.next() ? rs.getString(1) : null;
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }

    static String gtidBinlogPos(MariaDbServer s) {
        return query(s, "SELECT @@gtid_binlog_pos");
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout + " waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    /** Waits until the sink has committed the source's current GTID position. */
    static void awaitCaughtUp(MariaDbServer s, RecordingSink sink, Duration timeout) {
        String target = gtidBinlogPos(s);
        await("capture to reach GTID " + target, timeout, () -> samePosition(target, sink.lastPosition()));
    }

    /** Whether two GTID positions hold the same GTIDs (domain order may differ). */
    static boolean samePosition(String a, String b) {
        return a != null && b != null && java.util.Set.of(a.split(",")).equals(java.util.Set.of(b.split(",")));
    }

    /**
     * A sink that models the journal's contract: rows are pending until their commit; discardUncommitted drops the
     * pending ones. Committed transactions are kept in order.
     */
    static class RecordingSink implements ChangeSink {
        record Txn(List<RowChange> rows, Commit commit) { }

        private final List<RowChange> pending = new ArrayList<>();
        private final List<Txn> committed = new ArrayList<>();
        private final List<DdlEvent> ddl = new ArrayList<>();
        private int discards;
        private int discardedRows;

        @Override
        public synchronized void onRow(RowChange change) {
            pending.add(change);
        }

        @Override
        public synchronized void onCommit(Commit commit) {
            committed.add(new Txn(List.copyOf(pending), commit));
            pending.clear();
        }

        @Override
        public synchronized void discardUncommitted() {
            discards++;
            discardedRows += pending.size();
            pending.clear();
        }

        @Override
        public synchronized void onDdl(DdlEvent event) {
            ddl.add(event);
        }

        synchronized List<Txn> transactions() {
            return List.copyOf(committed);
        }

        synchronized List<RowChange> rows() {
            List<RowChange> all = new ArrayList<>();
            for (Txn t : committed) {
                all.addAll(t.rows());
            }
            return all;
        }

        synchronized List<RowChange> pendingRows() {
            return List.copyOf(pending);
        }

        synchronized List<DdlEvent> ddl() {
            return List.copyOf(ddl);
        }

        synchronized int discards() {
            return discards;
        }

        synchronized int discardedRows() {
            return discardedRows;
        }

        synchronized String lastPosition() {
            return committed.isEmpty() ? null : committed.get(committed.size() - 1).commit().position().gtidPosition();
        }
    }
}
