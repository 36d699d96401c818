package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.translator.Commit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;

/**
 * The coordinator side of parallel apply ({@code applyWorkers} &gt; 1): the apply thread reads and translates the
 * journal and forms batches as the single-threaded applier does; each batch is handed, with its write-set, to one
 * of N {@link ApplyWorker}s chosen by the {@link ApplyScheduler} (batches sharing a key run in journal order on the
 * same worker; disjoint ones commit concurrently), instead of being committed on the apply thread.
 *
 * <h2>Exactly once</h2>
 * A worker commits its batch with its own {@link WorkerCheckpoints} row: the low watermark L (every entry up to L
 * is committed) as last published, plus the ranges it committed above L. The checkpoint row
 * ({@code apply_checkpoint}) is moved to L at start and before every serial commit. On start
 * ({@link #consolidate}), the committed set is the union of those facts: resume from the highest watermark found
 * and skip the ranges committed above it ({@link CommittedRanges}). So nothing committed is applied again and
 * nothing uncommitted is skipped; and since batches sharing a key commit in journal order, the committed batches
 * writing any one key are a prefix of that key's batches: applying the rest in journal order gives the source's
 * final state.
 *
 * <h2>What stays serial</h2>
 * A batch is committed on the apply thread, after every dispatched batch committed (a drain), when it carries
 * state besides ops (id map and allocator changes, skip audits: {@link BatchPart#hasChangesUpTo}) or is a huge
 * source transaction written in pieces; the translators' target lookups and allocator seeds drain before reading.
 * Those keep exactly the single-threaded semantics.
 */
final class ParallelApply {
    private static final Logger log = LoggerFactory.getLogger(Applier.class);
    private static final long WAIT_POLL_MILLIS = 100;
    /** Batches per worker queue: one being written, one ready (more only holds memory). */
    private static final int MAX_QUEUED = 2;
    /** Dispatched batches not yet below the watermark, per worker (committed ones hold only their bookkeeping). */
    private static final int MAX_IN_FLIGHT_PER_WORKER = 16;

    private final ApplierOptions options;
    private final DataSource dataSource;
    private final CheckpointStore store;
    private final WorkerCheckpoints workerRows;
    private final SessionHolder sessions;
    private final Batch batch;
    private final ApplyProgress progress;
    private final BatchCommitter committer;
    private ApplyScheduler scheduler;
    private final LinkedBlockingQueue<WorkBatch> completions = new LinkedBlockingQueue<>();
    private final ArrayDeque<WorkBatch> inFlight = new ArrayDeque<>();
    private final List<ApplyWorker> workers = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile ApplyWorker.Watermark watermark = new ApplyWorker.Watermark(0, null);
    /** The journal seq the checkpoint row holds (the coordinator moves it). */
    private long checkpointRowSeq;
    private JournalEntry.TxCommit lastDispatched;
    /** The commit at the low watermark (null: none since the last serial commit or start). */
    private JournalEntry.TxCommit lowCommit;
    private long rowMovedNanos;
    private static final long ROW_MOVE_NANOS = TimeUnit.SECONDS.toNanos(1);

    ParallelApply(ApplierOptions options, DataSource dataSource, CheckpointStore store, WorkerCheckpoints workerRows,
                  SessionHolder sessions, Batch batch, ApplyProgress progress, BatchCommitter committer) {
        this.options = options;
        this.dataSource = dataSource;
        this.store = store;
        this.workerRows = workerRows;
        this.sessions = sessions;
        this.batch = batch;
        this.progress = progress;
        this.committer = committer;
        this.scheduler = new ApplyScheduler(options.applyWorkers(), MAX_QUEUED);
    }

    /** The checkpoint row's seq, which a transient-error check compares with (it lags the dispatched position). */
    long checkpointRowSeq() { return checkpointRowSeq; }

    /** Starts the workers; the checkpoint row is at {@code cp} (consolidated). */
    void start(ApplyCheckpoint cp) {
        checkpointRowSeq = cp.journalSeq();
        lastDispatched = null;
        lowCommit = null;
        rowMovedNanos = System.nanoTime();
        watermark = new ApplyWorker.Watermark(cp.journalSeq(),
                cp.binlogFile() == null ? null : new Commit(cp.position(), cp.sourceCommitTimeMillis()));
        for (int i = 1; i <= options.applyWorkers(); i++) {
            ApplyWorker w = new ApplyWorker(i, dataSource, options, workerRows, () -> watermark, completions);
            Thread t = new Thread(w, "paraverse-apply-" + options.pipeline() + "-w" + i);
            t.setDaemon(true);
            workers.add(w);
            threads.add(t);
            t.start();
        }
    }

    /**
     * Hands the batch up to the boundary to a worker and marks it taken; false if it must be committed serially
     * on the apply thread (call {@link #drain()} first, then {@link #serialCommitted()}).
     */
    boolean dispatch() {
        collect();
        long seq = batch.boundaryCommit.seq();
        if (batch.spilled) {
            return false;
        }
        for (BatchPart p : batch.parts) {
            if (p.hasChangesUpTo(seq)) {
                return false;
            }
        }
        checkShapes();
        List<PendingOp> ops = new ArrayList<>(batch.buffer.subList(0, batch.boundary));
        Set<Object> keys = WriteSet.of(ops, ops.size());
        WorkBatch b = new WorkBatch(batch.checkpointSeq, batch.boundaryCommit, ops, keys, batch.boundaryRows, batch.boundaryTx);
        while (inFlight.size() >= MAX_IN_FLIGHT_PER_WORKER * options.applyWorkers()) {
            awaitCompletion(); // a slow batch holds the watermark: bound what the workers' rows must list meanwhile
        }
        int w;
        while ((w = scheduler.assign(keys)) == ApplyScheduler.WAIT) {
            awaitCompletion();
        }
        b.worker = w;
        inFlight.addLast(b);
        workers.get(w).queue.add(b);
        lastDispatched = batch.boundaryCommit;
        batch.committed();
        for (BatchPart p : batch.parts) {
            p.committed(seq);
        }
        return true;
    }

    /**
     * Waits until every dispatched batch committed, then moves the checkpoint row to the low watermark (now the
     * apply thread's position), so a serial commit or a read of the target that follows sees all of it.
     */
    void drain() {
        while (!inFlight.isEmpty()) {
            awaitCompletion();
        }
        if (batch.spilled) {
            return; // drained before the first piece was written: nothing is in flight
        }
        if (checkpointRowSeq == batch.checkpointSeq || lastDispatched == null) {
            sessions.rollbackQuietly(); // reads that follow take a fresh snapshot
            return;
        }
        moveCheckpointRow(lastDispatched);
    }

    /**
     * Moves the checkpoint row to the commit {@code to} (the low watermark) in its own transaction on the apply
     * thread's session; no worker writes that row, so this takes no lock a worker waits for.
     */
    private void moveCheckpointRow(JournalEntry.TxCommit to) {
        int attempt = 0;
        while (true) {
            try {
                TargetSession s = sessions.get(batch.lastSeenSeq);
                if (!store.advance(s, checkpointRowSeq, to.seq(), to.commit())) {
                    sessions.rollbackQuietly();
                    throw new ApplyException("the checkpoint of pipeline " + options.pipeline() + " is no longer at journal seq "
                            + checkpointRowSeq + ": another applier is writing this pipeline, or the row was changed by hand",
                            store.tableName(), null, 0, null, null, false);
                }
                s.commit();
                checkpointRowSeq = to.seq();
                rowMovedNanos = System.nanoTime();
                committer.announce(to); // a restart resumes at or after it: the journal may be released up to here
                return;
            } catch (SQLException | TransientFailure e) {
                SQLException sql = e instanceof SQLException x ? x : ((TransientFailure) e).sql();
                sessions.close();
                if (!Failures.isTransient(sql) || ++attempt > options.maxRetries()) {
                    throw new ApplyException("cannot move the checkpoint to the low watermark", store.tableName(), null,
                            to.seq(), to.commit().position(), sql, Failures.isTransient(sql));
                }
                sleep(Math.min(options.maxRetryBackoff().toMillis(), options.retryBackoff().toMillis() << Math.min(20, attempt - 1)));
            }
        }
    }

    /** A serial commit moved the checkpoint row to the apply thread's position. */
    void serialCommitted() {
        checkpointRowSeq = batch.checkpointSeq;
        lastDispatched = null;
        lowCommit = null;
        watermark = new ApplyWorker.Watermark(batch.checkpointSeq, progress.lastPosition == null ? null
                : new Commit(progress.lastPosition, progress.lastCommitTimeMillis));
    }

    /** Nothing dispatched is still uncommitted. */
    boolean idle() {
        collect();
        return inFlight.isEmpty();
    }

    /**
     * Takes in the batches the workers finished (no waiting); about once a second moves the checkpoint row up to
     * the low watermark, so progress readers (status, verify) and the journal's release see it.
     */
    void collect() {
        WorkBatch b;
        while ((b = completions.poll()) != null) {
            finished(b);
        }
        if (lowCommit != null && lowCommit.seq() > checkpointRowSeq && !batch.spilled
                && System.nanoTime() - rowMovedNanos >= ROW_MOVE_NANOS) {
            moveCheckpointRow(lowCommit);
        }
    }

    private void awaitCompletion() {
        try {
            WorkBatch b = completions.poll(WAIT_POLL_MILLIS, TimeUnit.MILLISECONDS);
            if (b != null) {
                finished(b);
                collect();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException("interrupted while waiting for the apply workers", null, null, batch.lastSeenSeq,
                    null, e, true);
        }
    }

    private void finished(WorkBatch b) {
        if (b.failure != null) {
            throw b.failure;
        }
        scheduler.finished(b.worker, b.keys);
        b.done = true;
        b.ops = null; // committed: only its range and counts are still needed
        b.keys = null;
        progress.rowsApplied += b.rows;
        progress.transactions += b.transactions;
        progress.targetCommits++;
        progress.targetRowsWritten += b.rowsWritten;
        WorkBatch last = null;
        while (!inFlight.isEmpty() && inFlight.peekFirst().done) {
            last = inFlight.pollFirst();
        }
        if (last != null) {
            Commit c = last.commit.commit();
            lowCommit = last.commit;
            watermark = new ApplyWorker.Watermark(last.to(), c);
            progress.lastAppliedSeq = last.to();
            progress.lastPosition = c.position();
            progress.lastCommitTimeMillis = c.commitTimeMillis();
            progress.sampleRate(System.nanoTime());
            // not announced yet: the journal may be released only up to what a restart resumes after (the row)
        }
    }

    /** Checks the shapes of the batch's ops on the apply thread's session, so workers share checked shapes. */
    private void checkShapes() {
        int attempt = 0;
        while (true) {
            try {
                boolean read = false;
                for (int i = 0; i < batch.boundary; i++) {
                    PendingOp p = batch.buffer.get(i);
                    if (!p.shape.checked()) {
                        BatchWriter.checkShapes(sessions.get(batch.lastSeenSeq), p.shape.phys, List.of(p));
                        read = true;
                    }
                }
                if (read) {
                    sessions.rollbackQuietly();
                }
                return;
            } catch (TransientFailure t) {
                sessions.close();
                if (++attempt > options.maxRetries()) {
                    throw new ApplyException("giving up after " + options.maxRetries() + " retries of a transient error while "
                            + t.getMessage(), null, null, batch.lastSeenSeq, null, t.sql(), true);
                }
                sleep(Math.min(options.maxRetryBackoff().toMillis(), options.retryBackoff().toMillis() << Math.min(20, attempt - 1)));
            }
        }
    }

    /** Stops the workers; batches not committed are abandoned (re-read from the checkpoints on the next run). */
    void close() {
        for (ApplyWorker w : workers) {
            w.queue.clear();
            w.queue.add(WorkBatch.STOP);
        }
        for (Thread t : threads) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(30));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        workers.clear();
        threads.clear();
        inFlight.clear();
        completions.clear();
        scheduler = new ApplyScheduler(options.applyWorkers(), MAX_QUEUED);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApplyException("interrupted while waiting to retry", null, null, 0, null, e, true);
        }
    }

    /**
     * Folds the worker rows into the checkpoint row, inside one transaction on {@code c} (autocommit off): the
     * checkpoint moves to the highest watermark any row recorded, ranges committed above it are kept in one row
     * (worker 0, which no worker writes), the other rows go. Rows of an earlier attempt (the checkpoint row was
     * created anew: applied_at NULL) are deleted. Returns the checkpoint and the ranges to skip.
     */
    static Consolidated consolidate(Connection c, CheckpointStore store, WorkerCheckpoints rows, ApplyCheckpoint cp,
                                    boolean parallel) throws SQLException {
        List<WorkerCheckpoints.Row> found = rows.read(c);
        if (found.isEmpty() && !(parallel && cp.appliedAt() == null)) {
            return new Consolidated(cp, CommittedRanges.NONE);
        }
        if (cp.appliedAt() == null) {
            // a checkpoint row never written: worker rows are an earlier attempt's; mark the row as this attempt's
            rows.deleteAll(c);
            store.touch(c);
            c.commit();
            return new Consolidated(store.read(c), CommittedRanges.NONE);
        }
        long low = cp.journalSeq();
        Commit at = cp.binlogFile() == null ? null : new Commit(cp.position(), cp.sourceCommitTimeMillis());
        for (WorkerCheckpoints.Row r : found) {
            if (r.lowWatermark() > low && r.commit() != null) {
                low = r.lowWatermark();
                at = r.commit();
            }
        }
        List<long[]> above = new ArrayList<>();
        for (WorkerCheckpoints.Row r : found) {
            for (long[] range : r.ranges()) {
                if (range[1] > low) {
                    above.add(range);
                }
            }
        }
        above.sort(Comparator.comparingLong(r -> r[0]));
        if (low > cp.journalSeq() && !store.advance(c, cp.journalSeq(), low, at)) {
            c.rollback();
            throw new SQLException("the checkpoint of pipeline " + cp.pipeline() + " moved while reading it");
        }
        rows.deleteAll(c);
        if (!above.isEmpty()) {
            rows.write(c, 0, low, at, above);
        }
        c.commit();
        ApplyCheckpoint now = store.read(c);
        c.rollback();
        if (!above.isEmpty() || low > cp.journalSeq()) {
            log.info("applier {}: parallel apply progress folded in: checkpoint at journal seq {}, {} committed range(s) above it"
                    + " skipped", cp.pipeline(), low, above.size());
        }
        return new Consolidated(now, new CommittedRanges(above));
    }

    record Consolidated(ApplyCheckpoint checkpoint, CommittedRanges ranges) { }
}
