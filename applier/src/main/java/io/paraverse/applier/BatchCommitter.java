package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Assembles target transactions from the {@link Batch}: writes the buffered ops with the {@link BatchWriter} and
 * commits them together with the checkpoint, or spills an oversized source transaction into the open target
 * transaction. Transient failures go to {@link TransientRecovery} and the write is replayed. Apply thread only,
 * except {@link #onCommit}.
 */
final class BatchCommitter {
    // the applier's log category, so logging configuration keeps covering these messages
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private static final long SESSION_MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(10);

    private final ApplierOptions options;
    private final CheckpointStore store;
    private final BatchWriter writer;
    private final SessionHolder sessions;
    private final TransientRecovery recovery;
    private final Batch batch;
    private final ApplyProgress progress;
    private volatile Consumer<ApplyCheckpoint> commitListener;

    BatchCommitter(ApplierOptions options, CheckpointStore store, SessionHolder sessions, TransientRecovery recovery,
                   Batch batch, ApplyProgress progress) {
        this.options = options;
        this.store = store;
        this.writer = new BatchWriter(options.maxStatementRows(), options.compaction());
        this.sessions = sessions;
        this.recovery = recovery;
        this.batch = batch;
        this.progress = progress;
    }

    void onCommit(Consumer<ApplyCheckpoint> listener) {
        this.commitListener = listener;
    }

    /** Writes and commits the buffered ops up to the last buffered source commit, with the checkpoint. */
    void commitBoundary() {
        JournalEntry.TxCommit c = batch.boundaryCommit;
        int attempt = 0;
        while (true) {
            try {
                TargetSession s = sessions.get(batch.lastSeenSeq);
                writer.resetCounters();
                writer.write(s, batch.buffer, 0, batch.boundary);
                boolean moved;
                try {
                    for (BatchPart p : batch.parts) {
                        p.write(s, c.seq());
                    }
                    moved = !store.advance(s, batch.checkpointSeq, c.seq(), c.commit());
                    if (!moved) {
                        s.commit();
                    }
                } catch (SQLException e) {
                    if (Failures.isTransient(e)) {
                        throw new TransientFailure("committing up to journal seq " + c.seq(), e);
                    }
                    throw new ApplyException("cannot commit", store.tableName(), null, c.seq(), c.commit().position(), e,
                            false);
                }
                if (moved) {
                    throw recovery.checkpointMoved(recovery.currentCheckpointSeq());
                }
                break;
            } catch (TransientFailure t) {
                if (recovery.recover(t, ++attempt, c.seq())) {
                    break; // the commit had landed before the error reached us
                }
            } catch (ApplyException e) {
                sessions.rollbackQuietly();
                throw e;
            }
        }
        committed(c);
    }

    private void committed(JournalEntry.TxCommit c) {
        progress.rowsApplied += batch.boundaryRows;
        progress.transactions += batch.boundaryTx;
        progress.targetCommits++;
        progress.targetRowsWritten += writer.rowsWritten + batch.spilledRowsWritten;
        progress.lastAppliedSeq = c.seq();
        progress.lastPosition = c.commit().position();
        progress.lastCommitTimeMillis = c.commit().commitTimeMillis();
        batch.committed();
        for (BatchPart p : batch.parts) {
            p.committed(c.seq());
        }
        recovery.committed();
        long now = System.nanoTime();
        progress.sampleRate(now);
        sessions.closeIfOlder(now, SESSION_MAX_AGE_NANOS); // let the pool retire connections on its schedule
        announce(c);
    }

    /** Tells the commit listener that everything up to {@code c} is committed on the target. */
    void announce(JournalEntry.TxCommit c) {
        Consumer<ApplyCheckpoint> listener = commitListener;
        if (listener != null) {
            try {
                listener.accept(new ApplyCheckpoint(options.pipeline(), c.seq(), c.commit().position().gtid(),
                        c.commit().position().gtidPosition(), c.commit().position().binlogFile(),
                        c.commit().position().binlogPos(), c.commit().commitTimeMillis(), Instant.now()));
            } catch (RuntimeException e) {
                log.warn("applier {}: commit listener failed: {}", options.pipeline(), e.toString());
            }
        }
    }

    /**
     * Writes the buffer (one open source transaction) into the open target transaction without committing:
     * because it is larger than maxTransactionRows, or ({@code forRead}) so that a read of the target sees it.
     */
    void spill(boolean forRead) {
        int attempt = 0;
        while (true) {
            try {
                writer.resetCounters();
                writer.write(sessions.get(batch.lastSeenSeq), batch.buffer, 0, batch.buffer.size());
                break;
            } catch (TransientFailure t) {
                recovery.recover(t, ++attempt, -1);
            } catch (ApplyException e) {
                sessions.rollbackQuietly();
                throw e;
            }
        }
        if (!batch.spilled && !forRead) {
            log.info("applier {}: source transaction at journal seq {} has more than {} ops; writing it in pieces",
                    options.pipeline(), batch.lastSeenSeq, options.maxTransactionRows());
        }
        batch.spilled(writer.rowsWritten);
    }
}
