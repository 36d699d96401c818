package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalReader;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.SourcePosition;
import io.paraverse.translator.TargetOp;
import io.paraverse.translator.TargetTable;
import io.paraverse.translator.TranslationContext;
import io.paraverse.translator.Translator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
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
 * <h2>Errors</h2>
 * A translation failure or a statement the target rejects rolls the target transaction back and stops the
 * applier with an {@link ApplyException} naming table, key, journal seq, source position and SQL error; the
 * checkpoint stays at the last good commit and nothing is skipped. Transient errors (deadlock, lock wait timeout,
 * lost connection) are retried with exponential backoff by replaying the target transaction from its first op,
 * which the buffer still holds. Before replaying, the checkpoint is read back: if the failure hit the COMMIT
 * itself and the commit did land, the batch is not applied twice. A huge source transaction that was already
 * partly written cannot be replayed from memory: with {@link #run(LongFunction, BooleanSupplier)} the applier
 * reopens the journal after its checkpoint; with {@link #run(JournalReader, BooleanSupplier)} it stops with a
 * retryable ApplyException, and starting again from the checkpoint replays it.
 *
 * <p>One thread runs the apply loop; {@link #stop()}, {@link #stats()} and {@link #checkpoint()} may be called
 * from any thread.
 */
public final class Applier {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private static final long IDLE_POLL_MILLIS = 100;
    private static final long SESSION_MAX_AGE_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final int IDENTITY_CACHE_LIMIT = 4096;
    private static final long RATE_WINDOW_SECONDS = 10;

    private final DataSource dataSource;
    private final Translator translator;
    private final TranslationContext context;
    private final ApplierOptions options;
    private final CheckpointStore store;
    private final BatchWriter writer;
    private final long maxBatchDelayNanos;
    private final long idleFlushNanos;

    private final IdentityHashMap<TargetTable, Shape> shapesByIdentity = new IdentityHashMap<>();
    private final HashMap<TargetTable, Shape> shapes = new HashMap<>();
    private final HashMap<List<String>, PhysicalTable> tables = new HashMap<>();

    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean stopRequested;
    private volatile boolean checkpointEnsured;
    private volatile Consumer<ApplyCheckpoint> commitListener;

    // statistics: written by the apply thread only
    private volatile long rowsApplied;
    private volatile long transactions;
    private volatile long targetCommits;
    private volatile long targetRowsWritten;
    private volatile long retries;
    private volatile long lastAppliedSeq;
    private volatile SourcePosition lastPosition;
    private volatile long lastCommitTimeMillis;
    private volatile String lastError;
    private volatile boolean caughtUp;
    private final ArrayDeque<long[]> rateSamples = new ArrayDeque<>();

    // apply-thread state
    private TargetSession session;
    private final ArrayList<PendingOp> buffer = new ArrayList<>();
    /** Ops in the buffer up to the last buffered source commit. */
    private int boundary;
    private JournalEntry.TxCommit boundaryCommit;
    private long boundaryNanos;
    private long pendingRows;
    private long pendingTx;
    private long boundaryRows;
    private long boundaryTx;
    /** Part of the open target transaction was written already (a source transaction above the row limit). */
    private boolean spilled;
    private long spilledRowsWritten;
    private long checkpointSeq;
    private long lastSeenSeq;
    private boolean sawEntry;
    private long lastEntryNanos;
    private int replays;

    public Applier(DataSource target, Translator translator, TranslationContext context, ApplierOptions options) {
        this.dataSource = Objects.requireNonNull(target, "target");
        this.translator = Objects.requireNonNull(translator, "translator");
        this.context = Objects.requireNonNull(context, "context");
        this.options = Objects.requireNonNull(options, "options");
        this.store = new CheckpointStore(options.checkpointSchema(), options.pipeline());
        this.writer = new BatchWriter(options.maxStatementRows(), options.compaction());
        this.maxBatchDelayNanos = options.maxBatchDelay().toNanos();
        this.idleFlushNanos = options.idleFlushDelay().toNanos();
    }

    public ApplierOptions options() { return options; }

    /** Called on the apply thread after each target commit (e.g. to release the journal up to it). */
    public void onCommit(Consumer<ApplyCheckpoint> listener) {
        this.commitListener = listener;
    }

    /**
     * The pipeline's checkpoint on the target, creating the checkpoint schema, table and row if absent.
     * Open the journal reader after {@code checkpoint().journalSeq()}.
     */
    public ApplyCheckpoint checkpoint() {
        try (Connection c = dataSource.getConnection()) {
            if (!checkpointEnsured) {
                store.ensure(c);
                checkpointEnsured = true;
            }
            ApplyCheckpoint cp = store.read(c);
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            return cp;
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
        long now = System.nanoTime();
        double rate;
        synchronized (rateSamples) {
            rate = rateOver(now);
        }
        long commitMs = lastCommitTimeMillis;
        boolean upToDate = caughtUp;
        double lag = upToDate ? 0 : commitMs == 0 ? -1 : Math.max(0, (System.currentTimeMillis() - commitMs) / 1000.0);
        return new ApplierStats(running.get(), upToDate, rowsApplied, transactions, targetCommits, targetRowsWritten,
                rate, lastAppliedSeq, lastPosition, commitMs, lag, retries, lastError);
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
        run(reader, () -> !caughtUp);
    }

    private void loop(JournalReader given, LongFunction<JournalReader> openAfter, BooleanSupplier keepRunning) {
        Objects.requireNonNull(keepRunning, "keepRunning");
        if (!running.compareAndSet(false, true)) {
            throw new IllegalStateException("applier " + options.pipeline() + " is already running");
        }
        stopRequested = false;
        caughtUp = false;
        forgetTargetMetadata(); // the target's tables may have changed since the last run (an upgrade, a fix)
        JournalReader reader = given;
        boolean interrupted = false;
        try {
            ApplyCheckpoint cp = startCheckpoint();
            log.info("applier {} starting after {}", options.pipeline(), cp);
            checkpointSeq = cp.journalSeq();
            lastAppliedSeq = checkpointSeq;
            if (cp.binlogFile() != null) {
                lastPosition = cp.position();
                lastCommitTimeMillis = cp.sourceCommitTimeMillis();
            }
            resetBatch();
            synchronized (rateSamples) {
                rateSamples.clear();
            }
            sampleRate(System.nanoTime());
            if (reader == null) {
                reader = openAfter.apply(checkpointSeq);
            }
            while (keepRunning.getAsBoolean() && !stopRequested) {
                try {
                    step(reader);
                } catch (ReplayFromCheckpoint r) {
                    if (openAfter == null) {
                        throw new ApplyException("a transient error hit a source transaction larger than maxTransactionRows ("
                                + options.maxTransactionRows() + ") after part of it was written; it cannot be replayed from"
                                + " memory: start the applier again from its checkpoint", null, null, lastSeenSeq, null,
                                r.getCause(), true);
                    }
                    log.warn("applier {}: replaying from the journal after checkpoint seq {}", options.pipeline(), checkpointSeq);
                    reader.close();
                    reader = null;
                    reader = openAfter.apply(checkpointSeq);
                }
            }
            if (boundaryCommit != null) {
                commitBoundary();
            }
        } catch (InterruptedException e) {
            interrupted = true;
            Thread.currentThread().interrupt();
            log.info("applier {} interrupted; uncommitted work is discarded and re-read on restart", options.pipeline());
        } catch (ApplyException e) {
            lastError = e.getMessage();
            log.error("applier {} stopped: {}", options.pipeline(), e.getMessage());
            throw e;
        } catch (RuntimeException | Error e) {
            lastError = e.toString();
            log.error("applier {} failed", options.pipeline(), e);
            throw e;
        } finally {
            closeSession();
            resetBatch();
            if (given == null && reader != null) {
                reader.close();
            }
            running.set(false);
            if (!interrupted) {
                log.info("applier {} stopped at journal seq {}", options.pipeline(), checkpointSeq);
            }
        }
    }

    private void step(JournalReader reader) throws InterruptedException {
        long timeoutNanos = TimeUnit.MILLISECONDS.toNanos(IDLE_POLL_MILLIS); // short: stop() stays responsive
        if (boundaryCommit != null) {
            long idleLeft = idleFlushNanos - (System.nanoTime() - lastEntryNanos);
            timeoutNanos = Math.max(0, Math.min(timeoutNanos, idleLeft));
        }
        JournalEntry e = reader.poll(timeoutNanos, TimeUnit.NANOSECONDS);
        if (e == null) {
            if (boundaryCommit != null && System.nanoTime() - lastEntryNanos >= idleFlushNanos) {
                commitBoundary(); // the journal has been quiet for idleFlushDelay: commit what is complete
            }
            // everything complete is committed; a trailing partial transaction waits for its commit entry
            caughtUp = boundaryCommit == null;
            return;
        }
        lastEntryNanos = System.nanoTime();
        caughtUp = false;
        long seq = e.seq();
        if (seq <= checkpointSeq) {
            return; // applied before: never again
        }
        if (seq != lastSeenSeq + 1 && (sawEntry || checkpointSeq > 0)) {
            throw new ApplyException(seq <= lastSeenSeq
                    ? "the journal went backwards: entry " + seq + " after " + lastSeenSeq
                    : "gap in the journal: entry " + seq + " follows " + lastSeenSeq
                    + " (entries in between are missing; refusing to skip them)", null, null, seq, null, null, false);
        }
        if (!sawEntry && checkpointSeq == 0 && seq != 1) {
            log.info("applier {}: nothing applied yet; starting at journal seq {}", options.pipeline(), seq);
        }
        sawEntry = true;
        lastSeenSeq = seq;
        if (e instanceof JournalEntry.Row r) {
            addRow(r);
        } else {
            addCommit((JournalEntry.TxCommit) e);
        }
    }

    private void addRow(JournalEntry.Row r) {
        RowChange ch = r.change();
        List<TargetOp> ops;
        try {
            ops = translator.translate(ch, context);
        } catch (RuntimeException ex) {
            throw new ApplyException("translator " + translatorName() + " failed on " + ch.op() + " of source table",
                    ch.table().qualifiedName(), sourceKey(ch), r.seq(), ch.position(), ex, false);
        }
        if (ops == null) {
            throw new ApplyException("translator " + translatorName() + " returned null for " + ch.op() + " of source table",
                    ch.table().qualifiedName(), sourceKey(ch), r.seq(), ch.position(), null, false);
        }
        for (int i = 0, n = ops.size(); i < n; i++) {
            TargetOp op = ops.get(i);
            if (op == null) {
                throw new ApplyException("translator " + translatorName() + " returned a null op for " + ch.op()
                        + " of source table", ch.table().qualifiedName(), sourceKey(ch), r.seq(), ch.position(), null, false);
            }
            Shape shape = shape(op.table());
            buffer.add(new PendingOp(op, shape, validatedKey(op, shape, r.seq(), ch.position()), r.seq(), ch.position()));
        }
        pendingRows++;
        if (buffer.size() >= options.maxTransactionRows()) {
            if (boundaryCommit != null) {
                commitBoundary(); // what is complete goes first, so only one huge source transaction is ever split
            }
            if (buffer.size() >= options.maxTransactionRows()) {
                spill();
            }
        }
    }

    private void addCommit(JournalEntry.TxCommit c) {
        pendingTx++;
        boundary = buffer.size();
        boundaryCommit = c;
        boundaryRows = pendingRows;
        boundaryTx = pendingTx;
        long now = System.nanoTime();
        if (boundaryNanos == 0) {
            boundaryNanos = now;
        }
        if (spilled || buffer.size() >= options.maxTransactionRows() || now - boundaryNanos >= maxBatchDelayNanos) {
            commitBoundary();
        }
    }

    /** Checks value classes and that key values are present; returns the op's key identity. */
    private static Object validatedKey(TargetOp op, Shape shape, long seq, SourcePosition pos) {
        TargetTable t = op.table();
        if (op instanceof TargetOp.Upsert u) {
            List<Object> values = u.values();
            for (int c = 0, n = values.size(); c < n; c++) {
                Object v = values.get(c);
                try {
                    Values.check(v);
                } catch (Values.UnsupportedValueException e) {
                    throw new ApplyException("column " + t.columns().get(c) + ": " + e.getMessage(), t.qualifiedName(),
                            op.keyValues(), seq, pos, null, false);
                }
            }
            for (int k : shape.keyIndexes) {
                if (values.get(k) == null) {
                    throw new ApplyException("upsert with NULL in key column " + t.columns().get(k), t.qualifiedName(),
                            op.keyValues(), seq, pos, null, false);
                }
            }
            return Values.key(values, shape.keyIndexes);
        }
        List<Object> key = op.keyValues();
        for (int k = 0; k < key.size(); k++) {
            Object v = key.get(k);
            if (v == null) {
                throw new ApplyException("delete with NULL in key column " + t.key().get(k), t.qualifiedName(), key, seq,
                        pos, null, false);
            }
            try {
                Values.check(v);
            } catch (Values.UnsupportedValueException e) {
                throw new ApplyException("key column " + t.key().get(k) + ": " + e.getMessage(), t.qualifiedName(), key,
                        seq, pos, null, false);
            }
        }
        return Values.key(key);
    }

    private String translatorName() {
        String n = translator.name();
        return "'" + (n == null || n.isEmpty() ? translator.getClass().getName() : n) + "'";
    }

    private static List<Object> sourceKey(RowChange ch) {
        try {
            int[] idx = ch.table().keyIndexes();
            if (idx.length == 0) {
                return null;
            }
            Object[] k = new Object[idx.length];
            for (int i = 0; i < idx.length; i++) {
                k[i] = ch.latest(idx[i]);
            }
            return Arrays.asList(k);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private void forgetTargetMetadata() {
        shapesByIdentity.clear();
        shapes.clear();
        tables.clear();
    }

    private Shape shape(TargetTable t) {
        Shape s = shapesByIdentity.get(t);
        if (s != null) {
            return s;
        }
        s = shapes.get(t);
        if (s == null) {
            PhysicalTable phys = tables.computeIfAbsent(List.of(t.schema(), t.table()),
                    k -> new PhysicalTable(t.schema(), t.table()));
            s = new Shape(t, phys, options.maxStatementRows());
            shapes.put(t, s);
        }
        if (shapesByIdentity.size() >= IDENTITY_CACHE_LIMIT) {
            shapesByIdentity.clear(); // a translator that makes a new TargetTable per op: do not grow without bound
        }
        shapesByIdentity.put(t, s);
        return s;
    }

    // ---------------------------------------------------------------- writing

    /** Writes and commits the buffered ops up to the last buffered source commit, with the checkpoint. */
    private void commitBoundary() {
        JournalEntry.TxCommit c = boundaryCommit;
        int attempt = 0;
        while (true) {
            try {
                TargetSession s = session();
                writer.resetCounters();
                writer.write(s, buffer, 0, boundary);
                boolean moved;
                try {
                    moved = !store.advance(s, checkpointSeq, c.seq(), c.commit());
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
                    throw checkpointMoved(currentCheckpointSeq());
                }
                break;
            } catch (TransientFailure t) {
                if (recover(t, ++attempt, c.seq())) {
                    break; // the commit had landed before the error reached us
                }
            } catch (ApplyException e) {
                rollbackAfterFailure();
                throw e;
            }
        }
        // committed
        long written = writer.rowsWritten + spilledRowsWritten;
        buffer.subList(0, boundary).clear();
        rowsApplied += boundaryRows;
        transactions += boundaryTx;
        targetCommits++;
        targetRowsWritten += written;
        pendingRows -= boundaryRows;
        pendingTx -= boundaryTx;
        checkpointSeq = c.seq();
        lastAppliedSeq = c.seq();
        lastPosition = c.commit().position();
        lastCommitTimeMillis = c.commit().commitTimeMillis();
        boundary = 0;
        boundaryCommit = null;
        boundaryNanos = 0;
        spilled = false;
        spilledRowsWritten = 0;
        replays = 0;
        long now = System.nanoTime();
        sampleRate(now);
        if (session != null && now - session.openedNanos > SESSION_MAX_AGE_NANOS) {
            closeSession(); // let the pool retire connections on its schedule
        }
        Consumer<ApplyCheckpoint> listener = commitListener;
        if (listener != null) {
            try {
                listener.accept(new ApplyCheckpoint(options.pipeline(), c.seq(), c.commit().position().gtid(),
                        c.commit().position().gtidPosition(), c.commit().position().binlogFile(),
                        c.commit().position().binlogPos(), c.commit().commitTimeMillis(), java.time.Instant.now()));
            } catch (RuntimeException e) {
                log.warn("applier {}: commit listener failed: {}", options.pipeline(), e.toString());
            }
        }
    }

    /** Writes the buffer (one open source transaction) into the open target transaction without committing. */
    private void spill() {
        int attempt = 0;
        while (true) {
            try {
                writer.resetCounters();
                writer.write(session(), buffer, 0, buffer.size());
                break;
            } catch (TransientFailure t) {
                recover(t, ++attempt, -1);
            } catch (ApplyException e) {
                rollbackAfterFailure();
                throw e;
            }
        }
        if (!spilled) {
            log.info("applier {}: source transaction at journal seq {} has more than {} ops; writing it in pieces",
                    options.pipeline(), lastSeenSeq, options.maxTransactionRows());
        }
        spilled = true;
        spilledRowsWritten += writer.rowsWritten;
        buffer.clear();
        boundary = 0;
    }

    /**
     * After a transient failure: roll back, back off, and find out whether the target transaction committed after
     * all (true: nothing to replay). Returns false when the caller should replay from the buffer; throws
     * {@link ReplayFromCheckpoint} when the open target transaction was partly written from ops no longer buffered,
     * and a retryable {@link ApplyException} when retries are exhausted.
     */
    private boolean recover(TransientFailure t, int attempt, long committingSeq) {
        retries++;
        lastError = t.getMessage();
        SQLException cause = t.sql();
        if (session != null) {
            if (Failures.connectionLost(cause)) {
                closeSession();
            } else {
                session.rollbackQuietly();
            }
        }
        while (true) {
            if (attempt > options.maxRetries()) {
                throw new ApplyException("giving up after " + options.maxRetries() + " retries of a transient error while "
                        + t.getMessage(), null, null, lastSeenSeq, null, cause, true);
            }
            long backoff = Math.min(options.maxRetryBackoff().toMillis(),
                    options.retryBackoff().toMillis() << Math.min(20, attempt - 1));
            log.warn("applier {}: transient error (attempt {} of {}), retrying in {} ms: {}", options.pipeline(), attempt,
                    options.maxRetries(), backoff, t.getMessage());
            sleep(backoff);
            long seqNow;
            try {
                TargetSession s = session();
                seqNow = store.read(s.connection).journalSeq();
                s.rollbackQuietly();
            } catch (SQLException e) {
                if (!Failures.isTransient(e)) {
                    throw new ApplyException("cannot read the checkpoint after a transient error", store.tableName(), null,
                            lastSeenSeq, null, e, false);
                }
                closeSession();
                lastError = e.getMessage();
                retries++;
                attempt++;
                continue;
            } catch (TransientFailure again) {
                closeSession();
                lastError = again.getMessage();
                retries++;
                attempt++;
                continue;
            }
            if (committingSeq > 0 && seqNow == committingSeq) {
                log.info("applier {}: the commit up to journal seq {} had landed before the error", options.pipeline(),
                        committingSeq);
                return true;
            }
            if (seqNow != checkpointSeq) {
                throw checkpointMoved(seqNow);
            }
            if (spilled) {
                if (++replays > options.maxRetries()) {
                    throw new ApplyException("giving up after " + options.maxRetries() + " replays from the checkpoint",
                            null, null, lastSeenSeq, null, cause, true);
                }
                resetBatch();
                throw new ReplayFromCheckpoint(t);
            }
            return false;
        }
    }

    /** The checkpoint seq on the target as seen now, -1 if it cannot be read (for messages only). */
    private long currentCheckpointSeq() {
        try {
            session.rollbackQuietly();
            return store.read(session.connection).journalSeq();
        } catch (SQLException | RuntimeException e) {
            return -1;
        }
    }

    private ApplyException checkpointMoved(long seenSeq) {
        rollbackAfterFailure();
        return new ApplyException("the checkpoint of pipeline " + options.pipeline() + " is no longer at journal seq "
                + checkpointSeq + (seenSeq >= 0 ? " (found " + seenSeq + ")" : "")
                + ": another applier is writing this pipeline, or the row was changed by hand", store.tableName(),
                null, 0, null, null, false);
    }

    private ApplyCheckpoint startCheckpoint() {
        int attempt = 0;
        while (true) {
            try {
                TargetSession s = session();
                if (!checkpointEnsured) {
                    store.ensure(s.connection);
                    checkpointEnsured = true;
                }
                ApplyCheckpoint cp = store.read(s.connection);
                s.rollbackQuietly();
                return cp;
            } catch (SQLException e) {
                closeSession();
                if (!Failures.isTransient(e) || ++attempt > options.maxRetries()) {
                    throw new ApplyException("cannot read the apply checkpoint", store.tableName(), null, 0, null, e,
                            Failures.isTransient(e));
                }
                retries++;
                lastError = e.getMessage();
                log.warn("applier {}: cannot read the checkpoint (attempt {}): {}", options.pipeline(), attempt, e.getMessage());
                sleep(Math.min(options.maxRetryBackoff().toMillis(), options.retryBackoff().toMillis() << Math.min(20, attempt - 1)));
            } catch (TransientFailure t) {
                if (++attempt > options.maxRetries()) {
                    throw new ApplyException("cannot connect to the target", null, null, 0, null, t.sql(), true);
                }
                retries++;
                lastError = t.getMessage();
                sleep(Math.min(options.maxRetryBackoff().toMillis(), options.retryBackoff().toMillis() << Math.min(20, attempt - 1)));
            }
        }
    }

    private TargetSession session() {
        if (session == null) {
            try {
                session = TargetSession.open(dataSource, options.sqlMode());
            } catch (SQLException e) {
                if (Failures.isTransient(e)) {
                    throw new TransientFailure("connecting to the target", e);
                }
                throw new ApplyException("cannot open a target session", null, null, lastSeenSeq, null, e, false);
            }
        }
        return session;
    }

    private void rollbackAfterFailure() {
        if (session != null) {
            session.rollbackQuietly();
        }
    }

    private void closeSession() {
        if (session != null) {
            session.close();
            session = null;
        }
    }

    private void resetBatch() {
        buffer.clear();
        boundary = 0;
        boundaryCommit = null;
        boundaryNanos = 0;
        pendingRows = 0;
        pendingTx = 0;
        boundaryRows = 0;
        boundaryTx = 0;
        spilled = false;
        spilledRowsWritten = 0;
        lastSeenSeq = checkpointSeq;
        sawEntry = false;
    }

    /** Rows per second since the last sample older than the window (or the oldest sample). */
    private double rateOver(long now) {
        long window = TimeUnit.SECONDS.toNanos(RATE_WINDOW_SECONDS);
        long[] base = null;
        for (long[] sample : rateSamples) {
            if (base == null || now - sample[0] > window) {
                base = sample;
            } else {
                break;
            }
        }
        long[] last = rateSamples.peekLast();
        if (base == null || now <= base[0]) {
            return 0;
        }
        return (last[1] - base[1]) * 1e9 / (now - base[0]);
    }

    private void sampleRate(long now) {
        synchronized (rateSamples) {
            rateSamples.addLast(new long[] {now, rowsApplied});
            long window = TimeUnit.SECONDS.toNanos(RATE_WINDOW_SECONDS);
            while (rateSamples.size() > 2) {
                long[] first = rateSamples.pollFirst();
                if (now - rateSamples.peekFirst()[0] <= window) {
                    rateSamples.addFirst(first); // keep one sample older than the window as the base
                    break;
                }
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException("interrupted while waiting to retry", null, null, 0, null, e, true);
        }
    }

    /** Unwinds to the loop, which reopens the journal after the checkpoint. */
    private static final class ReplayFromCheckpoint extends RuntimeException {
        ReplayFromCheckpoint(Throwable cause) {
            super(cause.getMessage(), cause, false, false);
        }
    }
}
