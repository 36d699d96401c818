package io.paraverse.journal;

import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import io.paraverse.translator.TableDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32C;

/**
 * The single writer of a {@link SegmentJournal}. Appends go to a buffer in front of the active segment; commit
 * only asks for an fsync when one is due (interval or bytes since the last), and the journal's background syncer
 * performs it, so the capture thread never waits for the disk. Segments roll only between transactions, so a
 * transaction never spans two files and discarding one only ever truncates the active segment.
 *
 * <p>All state is guarded by {@link #lock}. An fsync runs outside the lock (flagged by {@link #syncInProgress}) so
 * appends continue meanwhile; rolling and closing wait for it. After a failed write or fsync the writer refuses
 * further writes: what reached the disk is unknown, and reopening the journal recovers to the last durable commit.
 */
final class SegmentJournalWriter implements JournalWriter {
    private static final Logger log = LoggerFactory.getLogger(SegmentJournalWriter.class);
    private static final int SCRATCH_KEEP_BYTES = 1 << 20;

    private final Path dir;
    private final JournalOptions options;
    private final long syncIntervalNanos;
    private final SegmentIndex index;
    private final DurableWatermark watermark;
    private final ByteSink rowBytes = new ByteSink(1024);
    private final ByteSink tableBytes = new ByteSink(1024);
    private final CRC32C crc = new CRC32C();

    private final ReentrantLock lock = new ReentrantLock();
    /** The syncer waits here; commit signals when a sync became due. */
    private final Condition syncDue = lock.newCondition();
    private final Condition syncFinished = lock.newCondition();

    private ActiveSegment segment;
    private long nextSeq;
    private boolean txOpen;
    private long txStartSeq;
    private long txStartOffset;
    /** The last commit written, durable or not. */
    private DurablePoint lastCommit;
    /** Sequence number of the last commit an fsync has started for. */
    private long syncedSeq;
    private boolean syncInProgress;
    private boolean syncRequested;
    private long lastSyncNanos;
    private long bytesSinceSync;
    private boolean closed;
    private Exception failure;

    SegmentJournalWriter(Path dir, JournalOptions options, SegmentIndex index, DurableWatermark watermark,
                         ActiveSegment segment, long nextSeq) {
        this.dir = dir;
        this.options = options;
        this.syncIntervalNanos = options.syncInterval().toNanos();
        this.index = index;
        this.watermark = watermark;
        this.segment = segment;
        this.nextSeq = nextSeq;
        this.lastCommit = watermark.current();
        this.syncedSeq = lastCommit.seq();
        this.lastSyncNanos = System.nanoTime();
    }

    @Override
    public long append(RowChange change) {
        lock.lock();
        try {
            checkWritable();
            if (!txOpen) {
                beginTransaction();
            }
            TableIds tables = segment.tables();
            TableDef def = change.table();
            int tableId = tables.idOf(def);
            boolean newTable = tableId < 0;
            if (newTable) {
                tableId = tables.nextId();
            }
            long seq = nextSeq;
            // encode the row first: an unsupported value must leave nothing behind
            rowBytes.reset();
            rowBytes.put(RecordFormat.ROW);
            rowBytes.putLong(seq);
            RowChangeCodec.encodeRow(change, tableId, rowBytes);
            if (newTable) {
                tableBytes.reset();
                tableBytes.put(RecordFormat.TABLE);
                tableBytes.putLong(seq);
                tableBytes.putVarLong(tableId);
                RowChangeCodec.encodeTableDef(def, tableBytes);
                write(tableBytes);
                tables.register(def);
            }
            write(rowBytes);
            nextSeq = seq + 1;
            return seq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public long commit(Commit commit) {
        lock.lock();
        try {
            checkWritable();
            if (!txOpen) {
                beginTransaction(); // a transaction without rows
            }
            long seq = nextSeq;
            rowBytes.reset();
            rowBytes.put(RecordFormat.COMMIT);
            rowBytes.putLong(seq);
            RowChangeCodec.encodeCommit(commit, rowBytes);
            write(rowBytes);
            nextSeq = seq + 1;
            lastCommit = new DurablePoint(seq, segment.firstSeq(), segment.size(), commit);
            segment.tables().commit();
            txOpen = false;
            if (!syncRequested && (bytesSinceSync >= options.syncBytes()
                    || System.nanoTime() - lastSyncNanos >= syncIntervalNanos)) {
                syncRequested = true;
                syncDue.signal();
            }
            return seq;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void discardUncommitted() {
        lock.lock();
        try {
            checkWritable();
            if (!txOpen) {
                return;
            }
            long rows = nextSeq - txStartSeq;
            try {
                segment.truncateTo(txStartOffset);
            } catch (IOException e) {
                throw fail("truncating uncommitted rows of " + segment.path(), e);
            }
            segment.tables().rollback();
            nextSeq = txStartSeq;
            txOpen = false;
            log.debug("journal {}: discarded {} uncommitted rows from seq {}", dir, rows, txStartSeq);
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void sync() {
        lock.lock();
        try {
            checkWritable();
        } finally {
            lock.unlock();
        }
        syncCommitted();
    }

    private void beginTransaction() {
        if (segment.size() >= options.segmentBytes()) {
            roll();
        }
        txOpen = true;
        txStartSeq = nextSeq;
        txStartOffset = segment.size();
    }

    private void write(ByteSink payload) {
        crc.reset();
        crc.update(payload.array(), 0, payload.size());
        try {
            segment.append(payload.array(), payload.size(), (int) crc.getValue());
        } catch (IOException e) {
            throw fail("writing to " + segment.path(), e);
        }
        bytesSinceSync += RecordFormat.FRAME_BYTES + payload.size();
        payload.shrinkTo(SCRATCH_KEEP_BYTES); // one huge blob must not pin its size in memory for good
    }

    /**
     * Makes every commit written so far durable and visible to readers. Called by the background syncer, by
     * {@link #sync} and on close; one fsync at a time.
     */
    void syncCommitted() {
        DurablePoint point;
        ActiveSegment target;
        lock.lock();
        try {
            awaitNoSyncInProgress();
            if (failure != null) {
                throw failedError();
            }
            if (closed) {
                return; // close() synced already; the file is closed
            }
            point = lastCommit;
            if (point.seq() <= syncedSeq) {
                return;
            }
            try {
                segment.flush();
            } catch (IOException e) {
                throw fail("writing to " + segment.path(), e);
            }
            target = segment;
            syncInProgress = true;
            syncedSeq = point.seq();
            syncRequested = false;
            bytesSinceSync = 0;
            lastSyncNanos = System.nanoTime();
        } finally {
            lock.unlock();
        }
        IOException error = null;
        try {
            target.force();
            watermark.advance(point);
        } catch (IOException e) {
            error = e;
        } finally {
            lock.lock();
            try {
                syncInProgress = false;
                syncFinished.signalAll();
            } finally {
                lock.unlock();
            }
        }
        if (error != null) {
            lock.lock();
            try {
                throw fail("fsync of " + target.path(), error);
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * For the background syncer: blocks until a commit is waiting for an fsync that is due (true), or the writer
     * closed or failed (false).
     */
    boolean awaitSyncDue() throws InterruptedException {
        lock.lock();
        try {
            while (!closed && failure == null) {
                if (lastCommit.seq() > syncedSeq) {
                    long wait = syncRequested ? 0 : lastSyncNanos + syncIntervalNanos - System.nanoTime();
                    if (wait <= 0) {
                        return true;
                    }
                    syncDue.awaitNanos(wait);
                } else {
                    syncDue.awaitNanos(syncIntervalNanos); // idle; a commit that finds a sync due signals us
                }
            }
            return false;
        } finally {
            lock.unlock();
        }
    }

    /** Closes the active segment to new records and starts the next one, named by the next sequence number. */
    private void roll() {
        awaitNoSyncInProgress();
        ActiveSegment old = segment;
        try {
            old.flush();
            old.force(); // a finished segment is entirely durable: readers read it to its end
            if (lastCommit.seq() > syncedSeq) {
                syncedSeq = lastCommit.seq();
                watermark.advance(lastCommit);
            }
            lastSyncNanos = System.nanoTime();
            bytesSinceSync = 0;
            old.close();
            segment = ActiveSegment.create(dir, nextSeq, options.writeBufferBytes());
        } catch (IOException e) {
            throw fail("rolling from segment " + old.path() + " to a new one", e);
        }
        index.add(nextSeq, segment.path());
        log.debug("journal {}: rolled to segment {}", dir, segment.path().getFileName());
    }

    /**
     * Syncs what is committed, drops an open transaction (capture re-sends it after a restart) and closes the
     * file; idempotent. The background syncer sees {@code closed} and stops.
     */
    void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
        } finally {
            lock.unlock();
        }
        try {
            if (failure == null) {
                syncCommitted();
            }
        } finally {
            lock.lock();
            try {
                awaitNoSyncInProgress();
                closed = true;
                syncDue.signalAll();
                if (txOpen && failure == null) {
                    log.info("journal {}: closing with {} uncommitted rows from seq {}; dropping them (capture"
                            + " re-sends them from the last commit)", dir, nextSeq - txStartSeq, txStartSeq);
                    segment.truncateTo(txStartOffset);
                    segment.flush();
                    txOpen = false;
                }
                segment.close();
            } catch (IOException e) {
                log.warn("journal {}: error closing segment {}: {}", dir, segment.path(), e.toString());
            } finally {
                lock.unlock();
            }
        }
    }

    private void awaitNoSyncInProgress() {
        while (syncInProgress) {
            syncFinished.awaitUninterruptibly();
        }
    }

    private void checkWritable() {
        if (closed) {
            throw new IllegalStateException("journal " + dir + " is closed; reopen it to write");
        }
        if (failure != null) {
            throw failedError();
        }
    }

    private RuntimeException fail(String what, IOException e) {
        if (failure == null) {
            failure = e;
            log.error("journal {}: {} failed; the writer stops accepting changes", dir, what, e);
        }
        return new UncheckedIOException("journal " + dir + ": " + what + " failed (" + e.getMessage() + "). The"
                + " writer accepts no more changes; fix the disk problem and restart paraverse: reopening the journal"
                + " recovers to its last durable commit and capture resumes from there", e);
    }

    private IllegalStateException failedError() {
        return new IllegalStateException("journal " + dir + ": the writer failed earlier (" + failure + ") and accepts"
                + " no more changes; restart paraverse to recover to the last durable commit", failure);
    }
}
