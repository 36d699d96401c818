package io.paraverse.applier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * One parallel apply worker: its own target session; takes {@link WorkBatch}es in the order the scheduler queued
 * them and writes each as one target transaction together with its {@link WorkerCheckpoints} row (the low watermark
 * as the coordinator last published it, and the ranges this worker committed above it). Transient errors are
 * retried from the batch (it holds its ops); before a retry the worker's row is read back, so a commit that landed
 * is not applied twice. A failure for good is handed back to the coordinator, and the worker stops.
 */
final class ApplyWorker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    /** The low watermark: every journal entry up to {@code seq} is committed; {@code commit} is the commit there. */
    record Watermark(long seq, io.paraverse.translator.Commit commit) { }

    final int id;
    private final ApplierOptions options;
    private final SessionHolder sessions;
    private final BatchWriter writer;
    private final WorkerCheckpoints rows;
    private final Supplier<Watermark> watermark;
    private final BlockingQueue<WorkBatch> done;
    final LinkedBlockingQueue<WorkBatch> queue = new LinkedBlockingQueue<>();
    /** Ranges (from, to] this worker committed above the last watermark it wrote. */
    private final ArrayList<long[]> ranges = new ArrayList<>();
    private TargetSession isolated;

    ApplyWorker(int id, DataSource target, ApplierOptions options, WorkerCheckpoints rows, Supplier<Watermark> watermark,
                BlockingQueue<WorkBatch> done) {
        this.id = id;
        this.options = options;
        this.sessions = new SessionHolder(target, options.sqlMode());
        this.writer = new BatchWriter(options.maxStatementRows(), options.compaction());
        this.rows = rows;
        this.watermark = watermark;
        this.done = done;
    }

    @Override
    public void run() {
        try {
            while (true) {
                WorkBatch b = queue.take();
                if (b == WorkBatch.STOP) {
                    return;
                }
                try {
                    apply(b);
                } catch (RuntimeException e) {
                    b.failure = e;
                    done.add(b);
                    return;
                }
                done.add(b);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // stopping: what is not committed is re-read from the checkpoints
        } finally {
            sessions.close();
        }
    }

    private void apply(WorkBatch b) {
        Watermark wm = watermark.get();
        ranges.removeIf(r -> r[1] <= wm.seq());
        long[] mine = {b.from, b.to()};
        ranges.add(mine);
        int attempt = 0;
        while (true) {
            try {
                TargetSession s = session(b);
                writer.resetCounters();
                writer.write(s, b.ops, 0, b.ops.size());
                try {
                    rows.write(s, id, wm.seq(), wm.commit(), ranges);
                    s.commit();
                } catch (SQLException e) {
                    if (Failures.isTransient(e)) {
                        throw new TransientFailure("committing journal entries " + b.from + "-" + b.to() + " (worker " + id + ")", e);
                    }
                    throw new ApplyException("cannot commit (parallel apply worker " + id + ")", rows.tableName(), null,
                            b.to(), b.commit.commit().position(), e, false);
                }
                b.rowsWritten = writer.rowsWritten;
                return;
            } catch (TransientFailure t) {
                if (++attempt > options.maxRetries()) {
                    ranges.remove(mine);
                    throw new ApplyException("giving up after " + options.maxRetries() + " retries of a transient error while "
                            + t.getMessage(), null, null, b.to(), null, t.sql(), true);
                }
                sessions.close();
                isolated = null;
                long backoff = Math.min(options.maxRetryBackoff().toMillis(),
                        options.retryBackoff().toMillis() << Math.min(20, attempt - 1));
                log.warn("applier {} worker {}: transient error (attempt {} of {}), retrying in {} ms: {}", options.pipeline(),
                        id, attempt, options.maxRetries(), backoff, t.getMessage());
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ApplyException("interrupted while waiting to retry", null, null, b.to(), null, e, true);
                }
                if (landed(b)) {
                    log.info("applier {} worker {}: the commit up to journal seq {} had landed before the error",
                            options.pipeline(), id, b.to());
                    b.rowsWritten = 0;
                    return;
                }
            } catch (ApplyException e) {
                ranges.remove(mine);
                sessions.rollbackQuietly();
                throw e;
            }
        }
    }

    /** The worker's session, in READ COMMITTED (no gap locks between workers writing neighbouring keys). */
    private TargetSession session(WorkBatch b) {
        TargetSession s = sessions.get(b.to());
        if (s != isolated) {
            try {
                s.connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED);
            } catch (SQLException e) {
                if (Failures.isTransient(e)) {
                    throw new TransientFailure("opening a session", e);
                }
                throw new ApplyException("cannot set the isolation level of a worker session", null, null, b.to(), null, e, false);
            }
            isolated = s;
        }
        return s;
    }

    /** Whether this worker's row says batch {@code b} committed (false if it cannot be read now). */
    private boolean landed(WorkBatch b) {
        try {
            TargetSession s = session(b);
            List<WorkerCheckpoints.Row> all = rows.read(s.connection);
            s.rollbackQuietly();
            for (WorkerCheckpoints.Row r : all) {
                if (r.worker() != id) {
                    continue;
                }
                if (r.lowWatermark() >= b.to()) {
                    return true;
                }
                for (long[] range : r.ranges()) {
                    if (range[0] == b.from && range[1] == b.to()) {
                        return true;
                    }
                }
            }
            return false;
        } catch (SQLException | RuntimeException e) {
            sessions.close();
            isolated = null;
            return false;
        }
    }
}
