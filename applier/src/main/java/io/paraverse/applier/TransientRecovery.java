package io.paraverse.applier;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;

/**
 * The retry policy for transient target errors: roll back, back off exponentially, read the checkpoint back to
 * learn whether the failed commit landed after all, and decide whether the target transaction can be replayed
 * from the buffer or must be replayed from the checkpoint (see {@link ReplayFromCheckpoint}). Apply thread only.
 */
final class TransientRecovery {
    // the applier's log category, so logging configuration keeps covering these messages
    private static final Logger log = LoggerFactory.getLogger(Applier.class);

    private final ApplierOptions options;
    private final CheckpointStore store;
    private final SessionHolder sessions;
    private final Batch batch;
    private final ApplyProgress progress;
    /** The seq the checkpoint row should hold (parallel apply: it lags the apply thread's position). */
    java.util.function.LongSupplier expectedRowSeq;
    /** Replays from the checkpoint since the last target commit. */
    private int replays;
    /** Creates the applier's other tables at start (DDL, outside apply transactions). */
    private final java.util.List<Setup> setup = new java.util.ArrayList<>();

    interface Setup {
        void ensureOnce(java.sql.Connection c) throws SQLException;
    }

    void addSetup(Setup s) {
        setup.add(s);
    }

    TransientRecovery(ApplierOptions options, CheckpointStore store, SessionHolder sessions, Batch batch,
                      ApplyProgress progress) {
        this.options = options;
        this.store = store;
        this.sessions = sessions;
        this.batch = batch;
        this.progress = progress;
        this.expectedRowSeq = () -> batch.checkpointSeq;
    }

    /** A target transaction committed: the replay budget starts over. */
    void committed() {
        replays = 0;
    }

    /**
     * The checkpoint to start from, creating the checkpoint schema, table and row if absent; transient errors are
     * retried.
     */
    ApplyCheckpoint startCheckpoint() {
        int attempt = 0;
        while (true) {
            try {
                TargetSession s = sessions.get(batch.lastSeenSeq);
                store.ensureOnce(s.connection);
                for (Setup t : setup) {
                    t.ensureOnce(s.connection);
                }
                ApplyCheckpoint cp = store.read(s.connection);
                s.rollbackQuietly();
                return cp;
            } catch (SQLException e) {
                sessions.close();
                if (!Failures.isTransient(e) || ++attempt > options.maxRetries()) {
                    throw new ApplyException("cannot read the apply checkpoint", store.tableName(), null, 0, null, e,
                            Failures.isTransient(e));
                }
                progress.retried(e.getMessage());
                log.warn("applier {}: cannot read the checkpoint (attempt {}): {}", options.pipeline(), attempt, e.getMessage());
                sleep(backoffMillis(attempt));
            } catch (TransientFailure t) {
                if (++attempt > options.maxRetries()) {
                    throw new ApplyException("cannot connect to the target", null, null, 0, null, t.sql(), true);
                }
                progress.retried(t.getMessage());
                sleep(backoffMillis(attempt));
            }
        }
    }

    /**
     * After a transient failure: roll back, back off, and find out whether the target transaction committed after
     * all (true: nothing to replay). Returns false when the caller should replay from the buffer; throws
     * {@link ReplayFromCheckpoint} when the open target transaction was partly written from ops no longer buffered,
     * and a retryable {@link ApplyException} when retries are exhausted.
     */
    boolean recover(TransientFailure t, int attempt, long committingSeq) {
        progress.retried(t.getMessage());
        SQLException cause = t.sql();
        if (sessions.current() != null) {
            if (Failures.connectionLost(cause)) {
                sessions.close();
            } else {
                sessions.rollbackQuietly();
            }
        }
        while (true) {
            if (attempt > options.maxRetries()) {
                throw new ApplyException("giving up after " + options.maxRetries() + " retries of a transient error while "
                        + t.getMessage(), null, null, batch.lastSeenSeq, null, cause, true);
            }
            long backoff = backoffMillis(attempt);
            log.warn("applier {}: transient error (attempt {} of {}), retrying in {} ms: {}", options.pipeline(), attempt,
                    options.maxRetries(), backoff, t.getMessage());
            sleep(backoff);
            long seqNow;
            try {
                TargetSession s = sessions.get(batch.lastSeenSeq);
                seqNow = store.read(s.connection).journalSeq();
                s.rollbackQuietly();
            } catch (SQLException e) {
                if (!Failures.isTransient(e)) {
                    throw new ApplyException("cannot read the checkpoint after a transient error", store.tableName(), null,
                            batch.lastSeenSeq, null, e, false);
                }
                sessions.close();
                progress.retried(e.getMessage());
                attempt++;
                continue;
            } catch (TransientFailure again) {
                sessions.close();
                progress.retried(again.getMessage());
                attempt++;
                continue;
            }
            if (committingSeq > 0 && seqNow == committingSeq) {
                log.info("applier {}: the commit up to journal seq {} had landed before the error", options.pipeline(),
                        committingSeq);
                return true;
            }
            if (seqNow != expectedRowSeq.getAsLong()) {
                throw checkpointMoved(seqNow);
            }
            if (batch.spilled) {
                if (++replays > options.maxRetries()) {
                    throw new ApplyException("giving up after " + options.maxRetries() + " replays from the checkpoint",
                            null, null, batch.lastSeenSeq, null, cause, true);
                }
                batch.reset();
                throw new ReplayFromCheckpoint(t);
            }
            return false;
        }
    }

    /** The checkpoint seq on the target as seen now, -1 if it cannot be read (for messages only). */
    long currentCheckpointSeq() {
        try {
            TargetSession s = sessions.current();
            s.rollbackQuietly();
            return store.read(s.connection).journalSeq();
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    /** Rolls back and describes a checkpoint row that is not where this applier left it. */
    ApplyException checkpointMoved(long seenSeq) {
        sessions.rollbackQuietly();
        return new ApplyException("the checkpoint of pipeline " + options.pipeline() + " is no longer at journal seq "
                + batch.checkpointSeq + (seenSeq >= 0 ? " (found " + seenSeq + ")" : "")
                + ": another applier is writing this pipeline, or the row was changed by hand", store.tableName(),
                null, 0, null, null, false);
    }

    private long backoffMillis(int attempt) {
        return Math.min(options.maxRetryBackoff().toMillis(), options.retryBackoff().toMillis() << Math.min(20, attempt - 1));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException("interrupted while waiting to retry", null, null, 0, null, e, true);
        }
    }
}
