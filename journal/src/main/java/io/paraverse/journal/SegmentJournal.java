package io.paraverse.journal;

import io.paraverse.translator.Commit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The journal as segment files in one local directory.
 *
 * <p><b>Sequence numbers.</b> Only row and commit records carry them: they start at 1 and increase by exactly one
 * per row or commit, across segments and restarts. After a crash, rows after the last durable commit are cut off
 * and their numbers are handed out again to the rows capture re-sends (no reader ever saw them: readers see only
 * durable commits). TABLE records, which make every segment self-contained, consume no sequence numbers.
 *
 * <p><b>On disk.</b> Segment {@code <first seq, 20 digits>.seg}: a 16-byte header (magic "PVJL", version,
 * first seq), then records {@code int length | int crc32c(payload) | payload}, payload
 * {@code byte type | long seq | body}, encoded by {@link RowChangeCodec}. Before a table's first row in a
 * segment comes one TABLE record defining the table's small per-segment id; rows carry only that id. A new
 * segment starts at the first transaction after the current one reached {@link JournalOptions#segmentBytes},
 * so transactions never span segments and every finished segment ends with a commit. {@code LOCK} holds the
 * process lock.
 *
 * <p><b>Durability.</b> See {@link SegmentJournalWriter}; readers see records up to the last fsynced commit.
 * Opening recovers as {@link JournalRecovery} describes. Memory stays bounded by buffers whatever the backlog:
 * readers stream from disk.
 */
public final class SegmentJournal implements Journal {
    private static final Logger log = LoggerFactory.getLogger(SegmentJournal.class);

    private final Path dir;
    private final JournalLock lock;
    private final SegmentIndex index;
    private final DurableWatermark watermark;
    private final SegmentJournalWriter writer;
    private final Thread syncer;
    private final Object retention = new Object();
    private final AtomicBoolean closed = new AtomicBoolean();

    private SegmentJournal(Path dir, JournalOptions options, JournalLock lock, SegmentIndex index,
                           JournalRecovery.Result recovered) {
        this.dir = dir;
        this.lock = lock;
        this.index = index;
        this.watermark = new DurableWatermark(recovered.durable());
        this.writer = new SegmentJournalWriter(dir, options, index, watermark, recovered.active(),
                recovered.nextSeq());
        this.syncer = BackgroundSyncer.start(writer, "journal-sync-" + dir.getFileName());
    }

    /**
     * Opens (creating if needed) the journal in {@code dir}, recovering from a crash: a torn tail and rows after
     * the last commit are cut off. Throws IllegalStateException if another process has it open, and
     * {@link JournalCorruptException} if a record other than the torn tail is damaged.
     */
    public static SegmentJournal open(Path dir, JournalOptions options) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create journal directory " + dir + ": " + e, e);
        }
        JournalLock lock = JournalLock.acquire(dir);
        try {
            SegmentIndex index = SegmentIndex.load(dir);
            JournalRecovery.Result recovered = JournalRecovery.recover(dir, index, options);
            SegmentJournal journal = new SegmentJournal(dir, options, lock, index, recovered);
            log.info("journal {} open: seqs {}..{}, last durable commit seq {}, {} segment(s)", dir,
                    journal.oldestRetainedSeq(), recovered.nextSeq() - 1, recovered.durable().seq(),
                    index.view().size());
            return journal;
        } catch (IOException | RuntimeException e) {
            closeQuietly(lock);
            if (e instanceof IOException io) {
                throw new UncheckedIOException("cannot open journal " + dir + ": " + io, io);
            }
            throw (RuntimeException) e;
        }
    }

    public static SegmentJournal open(Path dir) {
        return open(dir, JournalOptions.defaults());
    }

    public Path directory() {
        return dir;
    }

    @Override
    public JournalWriter writer() {
        return writer;
    }

    /**
     * {@inheritDoc}
     * <p>Throws IllegalStateException if retention already deleted seq {@code afterSeq + 1} (the message names the
     * oldest retained seq). {@code afterSeq} may lie beyond what is written: the reader waits for it.
     */
    @Override
    public JournalReader readAfter(long afterSeq) {
        if (afterSeq < 0) {
            throw new IllegalArgumentException("readAfter needs a seq >= 0, got " + afterSeq);
        }
        checkOpen();
        for (int attempt = 0; ; attempt++) {
            Map.Entry<Long, Path> first = index.first();
            if (afterSeq > 0 && afterSeq + 1 < first.getKey()) {
                throw deleted(afterSeq + 1, first.getKey());
            }
            Map.Entry<Long, Path> start = afterSeq == 0 ? first : index.holding(afterSeq + 1);
            try {
                return SegmentJournalReader.open(index, watermark, afterSeq, start.getKey(), start.getValue());
            } catch (NoSuchFileException e) {
                if (attempt > 0) {
                    throw new IllegalStateException("journal " + dir + ": segment " + start.getValue()
                            + " vanished while opening a reader after seq " + afterSeq, e);
                }
                // retention deleted it just now: look again
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read journal segment " + start.getValue() + ": " + e, e);
            }
        }
    }

    private IllegalStateException deleted(long seq, long oldest) {
        return new IllegalStateException("journal " + dir + " no longer holds seq " + seq + ": retention deleted it"
                + " after it was released; the oldest retained seq is " + oldest + ". Read from a retained seq, or"
                + " start over from a fresh clone of the source");
    }

    @Override
    public long lastDurableSeq() {
        return watermark.current().seq();
    }

    @Override
    public Optional<Commit> lastCommit() {
        return Optional.ofNullable(watermark.current().commit());
    }

    /** The oldest sequence number still on disk (the first segment's first seq). */
    public long oldestRetainedSeq() {
        return index.first().getKey();
    }

    /**
     * {@inheritDoc}
     * <p>Deletes, oldest first, each segment whose every record is at most {@code seq}. Never deletes the segment
     * being written, nor the one holding the last durable commit (needed to resume capture after a restart).
     */
    @Override
    public void releaseUpTo(long seq) {
        synchronized (retention) {
            for (Map.Entry<Long, Path> segment : index.view().entrySet()) {
                Long next = index.nextStart(segment.getKey());
                if (next == null || next - 1 > seq || next > watermark.current().seq()) {
                    return;
                }
                index.remove(segment.getKey());
                try {
                    Files.deleteIfExists(segment.getValue());
                    log.debug("journal {}: released segment {} (seqs {}..{})", dir, segment.getValue().getFileName(),
                            segment.getKey(), next - 1);
                } catch (IOException e) {
                    index.add(segment.getKey(), segment.getValue());
                    log.warn("journal {}: cannot delete released segment {} ({}); will retry at the next release",
                            dir, segment.getValue(), e.toString());
                    return;
                }
            }
        }
    }

    @Override
    public long sizeBytes() {
        long total = 0;
        for (Path p : index.view().values()) {
            try {
                total += Files.size(p);
            } catch (NoSuchFileException e) {
                // released meanwhile
            } catch (IOException e) {
                throw new UncheckedIOException("cannot stat journal segment " + p + ": " + e, e);
            }
        }
        return total;
    }

    /** Syncs what is committed, stops the background syncer, wakes waiting readers, releases the lock. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            writer.close();
            syncer.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            watermark.close();
            closeQuietly(lock);
            log.info("journal {} closed at durable seq {}", dir, lastDurableSeq());
        }
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("journal " + dir + " is closed");
        }
    }

    private static void closeQuietly(JournalLock lock) {
        try {
            lock.close();
        } catch (IOException e) {
            log.warn("cannot release journal lock: {}", e.toString());
        }
    }
}
