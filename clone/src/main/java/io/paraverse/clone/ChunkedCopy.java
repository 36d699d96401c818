package io.paraverse.clone;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The resumable chunked copy (Shopify ghostferry's row-copy algorithm): copies tables that already exist on the target
 * in primary-key chunks while a separate binlog pipeline, started <em>before</em> this copy, applies the source's
 * changes to the same target with upsert/delete semantics.
 * <p>
 * Each chunk: in a source transaction, {@code SELECT … WHERE key > last ORDER BY key LIMIT n FOR UPDATE} (the rows
 * are locked, so no source transaction can change them until we are done); write them to the target with
 * {@code INSERT … ON DUPLICATE KEY UPDATE} and the table's {@link CopyCheckpoint} in one target transaction; commit
 * the target, then end the source transaction. Any later change to those rows commits on the source after the chunk
 * is on the target, so its binlog event is applied after it. A table's copy stops at the largest key present when it
 * started (as ghostferry does), so an append-heavy table is not chased forever: rows inserted later are the
 * binlog's. docs/CLONE.md gives the whole argument.
 * <p>
 * Progress survives kill -9: a table resumes after the last committed chunk. Lock waits and deadlocks retry the
 * chunk (the source session waits at most {@link Options#lockWaitSeconds}: production wins, we retry); a lost source
 * or target connection is retried for {@link Options#reconnectFor}, then the copy fails with a message saying how
 * to resume. A full target stops the copy with the checkpoint intact.
 */
public final class ChunkedCopy {
    private static final Logger log = LoggerFactory.getLogger(ChunkedCopy.class);
    private static final String SOURCE_SESSION = "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED";
    private static final String SOURCE_SETTINGS = "SET SESSION time_zone='+00:00', SESSION sql_mode='NO_ENGINE_SUBSTITUTION'";
    // unique_checks stay on: chunks upsert into tables the applier is writing too
    private static final String TARGET_SETTINGS = "SET SESSION foreign_key_checks=0,"
            + " SESSION sql_mode='NO_AUTO_VALUE_ON_ZERO,NO_ENGINE_SUBSTITUTION', SESSION time_zone='+00:00'";
    private static final int MAX_LOCK_RETRIES = 50;

    /** Options; immutable, use the {@code with...} methods. */
    public record Options(int copiers, int chunkRows, int lockWaitSeconds, Duration reconnectFor, CloneProgress progress,
                          String resumeHint) {
        public Options {
            Objects.requireNonNull(reconnectFor, "reconnectFor");
            Objects.requireNonNull(progress, "progress");
            Objects.requireNonNull(resumeHint, "resumeHint");
            if (copiers < 1 || chunkRows < 1 || lockWaitSeconds < 1) {
                throw new IllegalArgumentException("copiers, chunkRows and lockWaitSeconds must be at least 1");
            }
        }

        /** Defaults: 2 tables at a time, 1,000-row chunks (rows stay locked for one chunk), 5 s lock waits, 60 s reconnect. */
        public static Options defaults() {
            return new Options(2, 1_000, 5, Duration.ofSeconds(60), CloneProgress.NONE, "run the same clone command again");
        }

        public Options withCopiers(int v) { return new Options(v, chunkRows, lockWaitSeconds, reconnectFor, progress, resumeHint); }
        public Options withChunkRows(int v) { return new Options(copiers, v, lockWaitSeconds, reconnectFor, progress, resumeHint); }
        public Options withLockWaitSeconds(int v) { return new Options(copiers, chunkRows, v, reconnectFor, progress, resumeHint); }
        public Options withReconnectFor(Duration v) { return new Options(copiers, chunkRows, lockWaitSeconds, v, progress, resumeHint); }
        public Options withProgress(CloneProgress v) { return new Options(copiers, chunkRows, lockWaitSeconds, reconnectFor, v, resumeHint); }
        /** What the operator should run to resume (named in failure messages). */
        public Options withResumeHint(String v) { return new Options(copiers, chunkRows, lockWaitSeconds, reconnectFor, progress, v); }
    }

    private final CloneEndpoint source;
    private final CloneEndpoint target;
    private final CopyCheckpointStore store;
    private final Options options;
    private final AtomicBoolean stopping = new AtomicBoolean();

    public ChunkedCopy(CloneEndpoint source, CloneEndpoint target, CopyCheckpointStore store, Options options) {
        this.source = Objects.requireNonNull(source, "source");
        this.target = Objects.requireNonNull(target, "target");
        this.store = Objects.requireNonNull(store, "store");
        this.options = Objects.requireNonNull(options, "options");
    }

    /**
     * Copies every table registered in the store that is not done yet; returns the rows copied per table (including
     * rows copied before a resume). The tables must exist on the target and the binlog pipeline must already be running.
     */
    public Map<TableRef, Long> run() {
        Map<TableRef, CopyCheckpoint> progress;
        List<TableCopyPlan> plans = new ArrayList<>();
        try (Connection s = source.connect(); Connection t = target.connect()) {
            progress = store.load(t);
            for (CopyCheckpoint cp : progress.values()) {
                TableCopyPlan plan = TableCopyPlan.of(s, cp.table());
                if (plan.primaryKey().isEmpty()) {
                    throw new CloneException("table " + cp.table() + " has no primary key: the resumable copy needs one to"
                            + " checkpoint chunks and to upsert; use the snapshot clone method for it");
                }
                if (!cp.done()) {
                    plans.add(plan);
                }
            }
        } catch (SQLException e) {
            throw new CloneException("preparing the copy " + source + " -> " + target + ": " + e.getMessage(), e);
        }
        Map<TableRef, Long> rows = new ConcurrentHashMap<>();
        progress.forEach((t, cp) -> rows.put(t, cp.rowsCopied()));
        plans.sort(Comparator.comparingLong(TableCopyPlan::estimatedRows).reversed());
        ConcurrentLinkedQueue<TableCopyPlan> queue = new ConcurrentLinkedQueue<>(plans);
        int threads = Math.max(1, Math.min(options.copiers(), plans.size()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "chunked-copy");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                futures.add(pool.submit(() -> {
                    TableCopyPlan p;
                    while (!stopping.get() && (p = queue.poll()) != null) {
                        CopyCheckpoint done = new TableCopier(p, progress.get(p.table())).copy();
                        rows.put(p.table(), done.rowsCopied());
                    }
                    return null;
                }));
            }
            for (Future<?> f : futures) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    stopping.set(true);
                    Throwable c = e.getCause();
                    throw c instanceof CloneException ce ? ce : new CloneException("copy failed: " + c, c);
                }
            }
        } catch (InterruptedException e) {
            stopping.set(true);
            Thread.currentThread().interrupt();
            throw new CloneException("copy interrupted; " + options.resumeHint() + " to resume", e);
        } finally {
            pool.shutdownNow();
        }
        Map<TableRef, Long> ordered = new LinkedHashMap<>();
        progress.keySet().forEach(t -> ordered.put(t, rows.getOrDefault(t, 0L)));
        return ordered;
    }

    /** Asks running copiers to stop after their current chunk. */
    public void stop() {
        stopping.set(true);
    }

    /** Copies one table chunk by chunk on its own source and target connections. */
    private final class TableCopier {
        private final TableCopyPlan plan;
        private final KeysetQuery query;
        private final RowWriter writer;
        private CopyCheckpoint at;
        /** The largest first-key value when this table's copy (re)started: rows above it were inserted after capture began. */
        private Object upperBound;
        private boolean boundRead;
        private Connection src;
        private Connection tgt;

        TableCopier(TableCopyPlan plan, CopyCheckpoint from) {
            this.plan = plan;
            this.query = new KeysetQuery(plan, options.chunkRows(), " FOR UPDATE");
            this.writer = new RowWriter(plan, true);
            this.at = from;
        }

        CopyCheckpoint copy() throws InterruptedException {
            log.info("copying {} in chunks of {} ({}; ~{} rows on the source)", plan.table(), options.chunkRows(), at.describeKey(),
                    plan.estimatedRows());
            long lockRetries = 0;
            long outageStarted = 0;
            try {
                while (!at.done()) {
                    if (stopping.get()) {
                        throw new CloneException("copy of " + plan.table() + " stopped " + at.describeKey());
                    }
                    try {
                        connect();
                        copyChunk();
                        options.progress().progress(plan.table(), at.rowsCopied(), Math.max(plan.estimatedRows(), at.rowsCopied()));
                        lockRetries = 0;
                        outageStarted = 0;
                    } catch (SQLException e) {
                        rollbackQuietly();
                        if (isOutOfSpace(e)) {
                            throw new CloneException("the target ran out of space writing " + plan.table() + " (" + e.getMessage()
                                    + "); the copy is checkpointed " + at.describeKey() + ": free space on the target, then "
                                    + options.resumeHint() + " to resume", e);
                        }
                        if (isLockConflict(e) && ++lockRetries <= MAX_LOCK_RETRIES) {
                            log.debug("{}: lock conflict ({}), retrying the chunk {}", plan.table(), e.getMessage(), at.describeKey());
                            Thread.sleep(Math.min(1_000, 20L * lockRetries));
                            continue;
                        }
                        if (isConnectionLoss(e)) {
                            closeQuietly();
                            long now = System.nanoTime();
                            outageStarted = outageStarted == 0 ? now : outageStarted;
                            if (now - outageStarted < options.reconnectFor().toNanos()) {
                                log.warn("{}: connection lost ({}); reconnecting and retrying the chunk {}", plan.table(),
                                        e.getMessage(), at.describeKey());
                                Thread.sleep(500);
                                continue;
                            }
                            throw new CloneException("copying " + plan.table() + ": a server stayed unreachable for "
                                    + options.reconnectFor().toSeconds() + " s (" + e.getMessage() + "); the copy is checkpointed "
                                    + at.describeKey() + ": " + options.resumeHint() + " to resume once it is back", e);
                        }
                        throw new CloneException("copying " + plan.table() + " " + at.describeKey() + ": " + e.getMessage()
                                + " (the copy is checkpointed; " + options.resumeHint() + " to resume after fixing this)", e);
                    }
                }
                log.info("copied {}: {} rows", plan.table(), at.rowsCopied());
                return at;
            } finally {
                closeQuietly();
            }
        }

        private void copyChunk() throws SQLException {
            if (!boundRead) {
                upperBound = largestFirstKey();
                boundRead = true;
                if (upperBound == null) { // empty now: every later row arrives through the binlog
                    at = new CopyCheckpoint(plan.table(), at.lastKey(), at.rowsCopied(), true);
                    store.save(tgt, at);
                    tgt.commit();
                    src.commit();
                    return;
                }
            }
            List<Object[]> rows = query.readUpTo(src, at.lastKey(), upperBound); // rows now locked on the source
            boolean last = rows.size() < options.chunkRows();
            Object[] lastKey = rows.isEmpty() ? at.lastKey() : query.keyOf(rows.get(rows.size() - 1));
            CopyCheckpoint next = new CopyCheckpoint(plan.table(), lastKey, at.rowsCopied() + rows.size(), last);
            writer.write(tgt, rows);
            store.save(tgt, next);
            tgt.commit();
            at = next;
            src.commit(); // releases the row locks only now that the rows are on the target
        }

        private Object largestFirstKey() throws SQLException {
            String first = TableRef.quote(plan.primaryKey().get(0));
            try (Statement st = src.createStatement();
                 java.sql.ResultSet rs = st.executeQuery("SELECT MAX(" + first + ") FROM " + plan.table().quoted())) {
                rs.next();
                return rs.getObject(1);
            }
        }

        private void connect() throws SQLException {
            if (src == null) {
                src = source.connect();
                try (Statement st = src.createStatement()) {
                    st.execute(SOURCE_SESSION);
                    st.execute(SOURCE_SETTINGS + ", SESSION innodb_lock_wait_timeout=" + options.lockWaitSeconds());
                }
                src.setAutoCommit(false);
            }
            if (tgt == null) {
                tgt = target.connectForWrites();
                try (Statement st = tgt.createStatement()) {
                    st.execute(TARGET_SETTINGS);
                }
                tgt.setAutoCommit(false);
            }
        }

        private void rollbackQuietly() {
            for (Connection c : new Connection[] {tgt, src}) {
                try {
                    if (c != null) {
                        c.rollback();
                    }
                } catch (SQLException e) {
                    log.debug("rollback: {}", e.toString());
                }
            }
        }

        private void closeQuietly() {
            for (Connection c : new Connection[] {tgt, src}) {
                try {
                    if (c != null) {
                        c.close();
                    }
                } catch (SQLException e) {
                    log.debug("close: {}", e.toString());
                }
            }
            src = null;
            tgt = null;
        }
    }

    static boolean isLockConflict(SQLException e) {
        return e.getErrorCode() == 1205 || e.getErrorCode() == 1213 || "40001".equals(e.getSQLState());
    }

    static boolean isConnectionLoss(SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return e instanceof SQLNonTransientConnectionException || e instanceof SQLTransientConnectionException
                || state.startsWith("08") || e.getErrorCode() == 1927 /* connection killed */ || e.getErrorCode() == 2013;
    }

    /** ER_RECORD_FILE_FULL (1114), ER_DISK_FULL (1021), or an OS "No space left on device" (errno 28). */
    static boolean isOutOfSpace(SQLException e) {
        String m = e.getMessage() == null ? "" : e.getMessage().toLowerCase(Locale.ROOT);
        return e.getErrorCode() == 1114 || e.getErrorCode() == 1021 || m.contains("no space left") || m.contains("errno: 28");
    }
}
