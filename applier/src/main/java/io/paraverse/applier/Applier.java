package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalReader;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.LongFunction;
import javax.sql.DataSource;

/**
 * Replays the journal through a {@link Translator} onto the target, exactly once.
 *
 * <h2>Exactly once</h2>
 * The checkpoint row ({@code <checkpointSchema>.apply_checkpoint}, one per pipeline) is updated in the same target
 * transaction as the ops it covers, and a target transaction commits only at a source commit (a
 * {@link JournalEntry.TxCommit}), so the target always holds a prefix of whole source transactions and the
 * checkpoint says exactly which. On start, entries at or below the checkpoint are skipped, never re-applied.
 *
 * <h2>Batching</h2>
 * Consecutive source transactions are buffered (translated ops, in journal order) and written as one target
 * transaction when the buffer reaches {@code maxTransactionRows} ops at a source commit, when the journal has had
 * nothing new for {@code idleFlushDelay}, or when the oldest buffered commit is {@code maxBatchDelay} old. The
 * writer ({@link BatchWriter}) compacts the batch to its net effect per key where that is safe and sends multi-row
 * statements. A source transaction with more ops than {@code maxTransactionRows} is written in pieces inside one
 * open target transaction that commits at its commit entry. Memory stays bounded by {@code maxTransactionRows}
 * ops whatever the backlog.
 *
 * <h2>Parallel apply</h2>
 * With {@code applyWorkers} &gt; 1 the batches formed here are committed by N worker connections, scheduled by
 * write-set so that batches sharing a target key commit in journal order; each worker records what it committed in
 * its own row, and a start folds those rows into the checkpoint and skips what they cover (exactly once, see
 * {@link ParallelApply}). Batches carrying id-map, allocator or skip-audit changes, huge source transactions and
 * target reads stay on this thread, after the workers drained.
 *
 * <h2>Translation context</h2>
 * The translator gets a {@link PersistentContext}: id maps and allocators kept on the target and written in the
 * same target transaction as the ops of the rows that changed them (dropped with a dropped batch, so a replay
 * sees the same ids), and lookups of target rows that first make the batch's buffered ops visible.
 *
 * <h2>Errors</h2>
 * A row that cannot become writable ops (translator failure, missing target table, NULL key) is found before
 * any op of its source transaction is written: the whole source transactions before it are committed, then the
 * applier stops with an {@link ApplyException} naming GTID, binlog position, source table and key, translator and
 * cause. A statement the target rejects rolls the target transaction back and stops the applier naming table,
 * key, journal seq, source position and SQL error; the checkpoint stays at the last good commit. Nothing is
 * skipped unless an operator asked for that transaction ({@link SkipRequests}, {@link TransactionSkipper}). Transient errors (deadlock, lock wait timeout,
 * lost connection) are retried with exponential backoff by replaying the target transaction from its first op,
 * which the buffer still holds. Before replaying, the checkpoint is read back: if the failure hit the COMMIT
 * itself and the commit did land, the batch is not applied twice. A huge source transaction that was already
 * partly written cannot be replayed from memory: with {@link #run(LongFunction, BooleanSupplier)} the applier
 * reopens the journal after its checkpoint; with {@link #run(JournalReader, BooleanSupplier)} it stops with a
 * retryable ApplyException, and starting again from the checkpoint replays it.
 *
 * <p>One thread runs the apply loop; {@link #stop()}, {@link #stats()} and {@link #checkpoint()} may be called
 * from any thread.
 *
 * <p>Parts: {@link RowTranslator} turns rows into ops, {@link Batch} holds them, {@link BatchCommitter} writes them
 * as target transactions, {@link TransientRecovery} retries transient errors, {@link ApplyProgress} counts.
 */
public final class Applier {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private static final long IDLE_POLL_MILLIS = 100;

    private final DataSource dataSource;
    private final ApplierOptions options;
    private final CheckpointStore store;
    private final long maxBatchDelayNanos;
    private final long idleFlushNanos;
    private final ShapeCache shapes;
    private final PersistentContext context;
    private final TransactionSkipper skipper;
    private final TargetReader targetReader;
    private final RowTranslator rows;
    private final ApplyProgress progress = new ApplyProgress();
    private final SessionHolder sessions;
    private final TransientRecovery recovery;
    private final BatchCommitter committer;
    private final WorkerCheckpoints workerRows;
    /** Parallel apply (applyWorkers > 1), else null: the apply thread commits every batch. */
    private final ParallelApply parallel;
    /** Ranges committed by parallel workers above the checkpoint before this run: skipped. */
    private CommittedRanges committedRanges = CommittedRanges.NONE;

    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopRequested;

    // apply-thread state
    private final Batch batch = new Batch();
    private long lastEntryNanos;

    public Applier(DataSource target, Translator translator, TranslationContext context, ApplierOptions options) {
        this.dataSource = Objects.requireNonNull(target, "target");
        Objects.requireNonNull(translator, "translator");
        Objects.requireNonNull(context, "context");
        this.options = Objects.requireNonNull(options, "options");
        this.store = new CheckpointStore(options.checkpointSchema(), options.pipeline());
        this.maxBatchDelayNanos = options.maxBatchDelay().toNanos();
        this.idleFlushNanos = options.idleFlushDelay().toNanos();
        this.shapes = new ShapeCache(options.maxStatementRows());
        this.sessions = new SessionHolder(target, options.sqlMode());
        this.recovery = new TransientRecovery(options, store, sessions, batch, progress);
        this.committer = new BatchCommitter(options, store, sessions, recovery, batch, progress);
        this.targetReader = new TargetReader(sessions, recovery, batch);
        IdMapStore ids = new IdMapStore(options.checkpointSchema(), options.pipeline());
        SkipRequests skips = new SkipRequests(options.checkpointSchema(), options.pipeline());
        recovery.addSetup(ids::ensureOnce);
        recovery.addSetup(skips::ensureOnce);
        this.context = new PersistentContext(context, ids, targetReader, new RowLookup(), this::flushForRead);
        this.skipper = new TransactionSkipper(skips, options.pipeline());
        batch.parts.add(this.context);
        batch.parts.add(skipper);
        this.rows = new RowTranslator(translator, this.context, shapes, targetReader, options.pipeline());
        this.workerRows = new WorkerCheckpoints(options.checkpointSchema(), options.pipeline());
        if (options.applyWorkers() > 1) {
            recovery.addSetup(workerRows::ensureOnce);
            this.parallel = new ParallelApply(options, target, store, workerRows, sessions, batch, progress, committer);
            recovery.expectedRowSeq = parallel::checkpointRowSeq;
        } else {
            this.parallel = null;
        }
    }

    public ApplierOptions options() { return options; }

    /** Called on the apply thread after each target commit (e.g. to release the journal up to it). */
    public void onCommit(Consumer<ApplyCheckpoint> listener) {
        committer.onCommit(listener);
    }

    /**
     * The pipeline's checkpoint on the target, creating the checkpoint schema, table and row if absent, with the
     * progress parallel workers recorded folded in (when the applier is not running).
     * Open the journal reader after {@code checkpoint().journalSeq()}.
     */
    public ApplyCheckpoint checkpoint() {
        try (Connection c = dataSource.getConnection()) {
            store.ensureOnce(c);
            if (parallel != null) {
                workerRows.ensureOnce(c);
            }
            if (running.get()) {
                // the workers are writing their rows: report the checkpoint row, fold nothing in
                ApplyCheckpoint cp = store.read(c);
                if (!c.getAutoCommit()) {
                    c.rollback();
                }
                return cp;
            }
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                // parallel workers' progress folded in: the journal may be released up to their low watermark
                return ParallelApply.consolidate(c, store, workerRows, store.read(c), parallel != null).checkpoint();
            } finally {
                c.rollback();
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new ApplyException("cannot read the apply checkpoint", store.tableName(), null, 0, null, e,
                    Failures.isTransient(e));
        }
    }

    /** Asks a running loop to stop; it commits what it has buffered up to the last source commit and returns. */
    public void stop() {
        stopRequested = true;
    }

    public boolean isRunning() {
        return running.get();
    }

    public ApplierStats stats() {
        return progress.snapshot(running.get());
    }
    /**
     * Applies entries from {@code reader} (opened by the caller after {@link #checkpoint()}'s journal seq, or
     * earlier: entries at or below the checkpoint are skipped) while {@code keepRunning} is true and {@link #stop()}
     * was not called, then commits what is complete and returns. Throws {@link ApplyException} when it cannot go on.
     * Does not close the reader.
     */
    public void run(JournalReader reader, BooleanSupplier keepRunning) {
        Objects.requireNonNull(reader, "reader");
        loop(reader, null, keepRunning);
    }

    /**
     * Like {@link #run(JournalReader, BooleanSupplier)}, opening the journal itself with
     * {@code openAfter.apply(checkpointSeq)} (e.g. {@code journal::readAfter}), so it can also replay a huge source
     * transaction from the journal after a transient error. Closes the readers it opens.
     */
    public void run(LongFunction<JournalReader> openAfter, BooleanSupplier keepRunning) {
        Objects.requireNonNull(openAfter, "openAfter");
        loop(null, openAfter, keepRunning);
    }

    /**
     * Applies until the reader has nothing more and every complete transaction read is committed (tests, drains).
     * Rows of a transaction whose commit entry has not arrived stay uncommitted and are re-read on the next run.
     */
    public void runUntilCaughtUp(JournalReader reader) {
        run(reader, () -> !progress.caughtUp);
    }

    private void loop(JournalReader given, LongFunction<JournalReader> openAfter, BooleanSupplier keepRunning) {
        Objects.requireNonNull(keepRunning, "keepRunning");
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("applier " + options.pipeline() + " is already running");
        }
        stopRequested = false;
        progress.caughtUp = false;
        shapes.clear(); // the target's tables may have changed since the last run (an upgrade, a fix)
        context.clear(); // and its id maps (read again on first use)
        JournalReader reader = given;
        boolean interrupted = false;
        try {
            ApplyCheckpoint cp = consolidate(recovery.startCheckpoint());
            log.info("applier {} starting after {}", options.pipeline(), cp);
            batch.checkpointSeq = cp.journalSeq();
            progress.lastAppliedSeq = batch.checkpointSeq;
            if (cp.binlogFile() != null) {
                progress.lastPosition = cp.position();
                progress.lastCommitTimeMillis = cp.sourceCommitTimeMillis();
            }
            batch.reset();
            skipper.reload(targetReader);
            progress.restartRate(System.nanoTime());
            if (parallel != null) {
                parallel.start(cp);
            }
            if (reader == null) {
                reader = openAfter.apply(batch.checkpointSeq);
            }
            while (keepRunning.getAsBoolean() && !stopRequested) {
                try {
                    step(reader);
                } catch (ReplayFromCheckpoint r) {
                    if (openAfter == null) {
                        throw new ApplyException("a transient error hit a source transaction after part of it was written"
                                + " (it is larger than maxTransactionRows, " + options.maxTransactionRows() + ", or the"
                                + " translator's reads needed it written); it cannot be replayed from memory: start the"
                                + " applier again from its checkpoint", null, null, batch.lastSeenSeq,
                                null, r.getCause(), true);
                    }
                    log.warn("applier {}: replaying from the journal after checkpoint seq {}", options.pipeline(),
                            batch.checkpointSeq);
                    reader.close();
                    reader = null;
                    reader = openAfter.apply(batch.checkpointSeq);
                }
            }
            if (batch.boundaryCommit != null) {
                commitBoundary();
            }
            if (parallel != null) {
                parallel.drain();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            Thread.currentThread().interrupt();
            log.info("applier {} interrupted; uncommitted work is discarded and re-read on restart", options.pipeline());
        } catch (ApplyException e) {
            progress.lastError = e.getMessage();
            log.error("applier {} stopped: {}", options.pipeline(), e.getMessage());
            throw e;
        } catch (RuntimeException | Error e) {
            progress.lastError = e.toString();
            log.error("applier {} failed", options.pipeline(), e);
            throw e;
        } finally {
            if (parallel != null) {
                parallel.close();
            }
            sessions.close();
            batch.reset();
            if (given == null && reader != null) {
                reader.close();
            }
            running.set(false);
            if (!interrupted) {
                log.info("applier {} stopped at journal seq {}", options.pipeline(), progress.lastAppliedSeq);
            }
        }
    }

    /** Takes in one journal entry, or commits what is complete when the journal has been quiet long enough. */
    private void step(JournalReader reader) throws InterruptedException {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MILLIS); // short: stop() stays responsive
        if (batch.boundaryCommit != null) {
            long idleLeft = idleFlushNanos - (System.nanoTime() - lastEntryNanos);
            timeoutNanos = Math.max(0, Math.min(timeoutNanos, idleLeft));
        }
        JournalEntry e = reader.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (e == null) {
            if (batch.boundaryCommit != null && System.nanoTime() - lastEntryNanos >= idleFlushNanos) {
                commitBoundary(); // the journal has been quiet for idleFlushDelay: commit what is complete
            }
            // everything complete is committed; a trailing partial transaction waits for its commit entry
            progress.caughtUp = batch.boundaryCommit == null && (parallel == null || parallel.idle());
            return;
        }
        lastEntryNanos = System.nanoTime();
        progress.caughtUp = false;
        long seq = e.seq();
        if (seq <= batch.checkpointSeq) {
            return; // applied before: never again
        }
        if (parallel != null) {
            parallel.collect();
        }
        if (seq != batch.lastSeenSeq + 1 && (batch.sawEntry || batch.checkpointSeq > 0)) {
            throw new ApplyException(seq <= batch.lastSeenSeq
                    ? "the journal went backwards: entry " + seq + " after " + batch.lastSeenSeq
                    : "gap in the journal: entry " + seq + " follows " + batch.lastSeenSeq
                    + " (entries in between are missing; refusing to skip them)", null, null, seq, null, null, false);
        }
        if (!batch.sawEntry && batch.checkpointSeq == 0 && seq != 1) {
            log.info("applier {}: nothing applied yet; starting at journal seq {}", options.pipeline(), seq);
        }
        batch.sawEntry = true;
        batch.lastSeenSeq = seq;
        if (!committedRanges.isEmpty() && committedRanges.contains(seq)) {
            return; // committed by a parallel worker before the restart: never again
        }
        if (e instanceof JournalEntry.Row r) {
            addRow(r);
        } else {
            addCommit((JournalEntry.TxCommit) e);
        }
    }

    private void addRow(JournalEntry.Row r) {
        if (skipper.skipRow(r)) {
            return; // an operator asked to skip its transaction: none of its rows is applied
        }
        try {
            rows.translate(r, batch.buffer);
        } catch (SourceRowException e) {
            stopBefore(e);
            return; // not thrown: the transaction is skipped on request
        }
        batch.pendingRows++;
        if (batch.buffer.size() >= options.maxTransactionRows()) {
            if (batch.boundaryCommit != null) {
                commitBoundary(); // what is complete goes first, so only one huge source transaction is ever split
            }
            if (batch.buffer.size() >= options.maxTransactionRows()) {
                spill(false);
            }
        }
    }

    /**
     * A row of the current source transaction cannot be applied: commits the whole source transactions before it,
     * so the target and checkpoint end just before it, then stops, unless a skip request for it exists by now.
     */
    private void stopBefore(SourceRowException e) {
        if (batch.boundaryCommit != null) {
            try {
                commitBoundary();
                if (parallel != null) {
                    parallel.drain(); // the checkpoint ends just before the failing transaction
                }
            } catch (RuntimeException c) {
                c.addSuppressed(e);
                throw c;
            }
        }
        if (batch.spilled || !skipper.skipCurrent(targetReader)) {
            throw e; // part of it was written (a huge transaction): the run loop rolls that back
        }
        log.warn("applier {}: a skip request exists for the failing source transaction; skipping it: {}",
                options.pipeline(), e.getMessage());
        batch.buffer.clear(); // only ops of this transaction are left after the commit above
        batch.boundary = 0;
        batch.pendingRows = 0;
        context.discardAfter(batch.checkpointSeq);
    }

    /**
     * Makes every buffered op visible to reads in the apply transaction (lookups, allocator seeds): commits the
     * whole source transactions, then writes the open one's ops without committing.
     */
    private void flushForRead() {
        if (batch.boundaryCommit != null) {
            commitBoundary();
        }
        if (parallel != null) {
            parallel.drain(); // the read must see every dispatched batch
        }
        if (!batch.buffer.isEmpty()) {
            spill(true);
        }
    }

    /**
     * Commits the buffer up to the last source commit: hands it to a parallel worker when it can, else commits it
     * on this thread (after the workers drained, so the checkpoint row is at the low watermark).
     */
    private void commitBoundary() {
        if (parallel == null) {
            committer.commitBoundary();
            return;
        }
        if (parallel.dispatch()) {
            return;
        }
        parallel.drain();
        committer.commitBoundary();
        parallel.serialCommitted();
    }

    /** Writes the open source transaction's ops into this thread's open target transaction (workers drained first). */
    private void spill(boolean forRead) {
        if (parallel != null) {
            parallel.drain();
        }
        committer.spill(forRead);
    }

    /** Folds parallel workers' progress into the checkpoint (see {@link ParallelApply#consolidate}). */
    private ApplyCheckpoint consolidate(ApplyCheckpoint cp) {
        int attempt = 0;
        while (true) {
            try {
                TargetSession s = sessions.get(0);
                ParallelApply.Consolidated c = ParallelApply.consolidate(s.connection, store, workerRows, cp, parallel != null);
                committedRanges = c.ranges();
                return c.checkpoint();
            } catch (SQLException e) {
                sessions.close();
                if (!Failures.isTransient(e) || ++attempt > options.maxRetries()) {
                    throw new ApplyException("cannot read the parallel apply progress", workerRows.tableName(), null, 0,
                            null, e, Failures.isTransient(e));
                }
                progress.retried(e.getMessage());
                cp = recovery.startCheckpoint();
            }
        }
    }

    private void addCommit(JournalEntry.TxCommit c) {
        skipper.commit(c);
        long now = System.nanoTime();
        batch.markCommit(c, now);
        if (batch.spilled || batch.buffer.size() >= options.maxTransactionRows()
                || now - batch.boundaryNanos >= maxBatchDelayNanos) {
            commitBoundary();
        }
    }
}
