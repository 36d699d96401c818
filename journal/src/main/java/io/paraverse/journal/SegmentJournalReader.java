package io.paraverse.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Streams durable records from disk: scans each segment from its start (its TABLE records are needed to decode
 * its rows), skips rows up to the requested position without decoding them, follows into later segments and
 * waits on the durable watermark at the end. Reads only bytes below the watermark, never the writer's unsynced
 * tail. Holds one open segment, so retention deleting it does not disturb this reader.
 */
final class SegmentJournalReader implements JournalReader {
    private final SegmentIndex index;
    private final DurableWatermark watermark;
    private final long afterSeq;
    private SegmentRecordReader records;
    private SegmentDecoder decoder;
    private long segmentStart;
    /** Size of the current segment once the writer has moved past it; -1 while it may still grow. */
    private long completeSize = -1;
    private boolean closed;

    private SegmentJournalReader(SegmentIndex index, DurableWatermark watermark, long afterSeq) {
        this.index = index;
        this.watermark = watermark;
        this.afterSeq = afterSeq;
    }

    /** A reader of records after {@code afterSeq}, starting its scan at the segment that begins at {@code start}. */
    static SegmentJournalReader open(SegmentIndex index, DurableWatermark watermark, long afterSeq, long start,
                                     Path path) throws IOException {
        SegmentJournalReader reader = new SegmentJournalReader(index, watermark, afterSeq);
        reader.enter(start, path);
        return reader;
    }

    @Override
    public JournalEntry poll(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (true) {
            checkOpen();
            DurablePoint durable = watermark.current();
            long end = readableEnd(durable);
            if (records.position() < end) {
                JournalEntry entry = readNext(end);
                if (entry != null) {
                    return entry;
                }
            } else if (durable.segmentStart() > segmentStart) {
                enterNextSegment();
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                watermark.awaitMove(durable, left, TimeUnit.NANOSECONDS);
            }
        }
    }

    /** How far the current segment may be read: to the durable commit, or to its end once it is finished. */
    private long readableEnd(DurablePoint durable) {
        if (durable.segmentStart() == segmentStart) {
            return durable.endOffset();
        }
        if (durable.segmentStart() < segmentStart) {
            return SegmentFiles.HEADER_BYTES; // nothing in this segment is durable yet
        }
        if (completeSize < 0) {
            try {
                completeSize = records.fileSize();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read journal segment " + records.path() + ": " + e, e);
            }
        }
        return completeSize;
    }

    private JournalEntry readNext(long end) {
        RawRecord r;
        try {
            r = records.next(end);
        } catch (FrameException e) {
            throw new JournalCorruptException(records.path(), e.offset(), e.reason());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read journal segment " + records.path() + ": " + e, e);
        }
        return decoder.decode(r, r.seq <= afterSeq);
    }

    private void enterNextSegment() {
        long next = decoder.nextSeq();
        Path path = index.get(next);
        try {
            if (path == null) {
                throw missingSegment(next, null);
            }
            SegmentRecordReader previous = records;
            enter(next, path);
            previous.close();
        } catch (NoSuchFileException e) {
            throw missingSegment(next, e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open journal segment " + path + ": " + e, e);
        }
    }

    private void enter(long start, Path path) throws IOException {
        records = SegmentRecordReader.open(path, start);
        decoder = new SegmentDecoder(path, start);
        segmentStart = start;
        completeSize = -1;
    }

    private IllegalStateException missingSegment(long seq, Exception cause) {
        Map.Entry<Long, Path> first = index.first();
        if (first != null && first.getKey() > seq) {
            return new IllegalStateException("journal " + index.dir() + " no longer holds seq " + seq
                    + ": retention deleted it while this reader lagged behind; the oldest retained seq is "
                    + first.getKey(), cause);
        }
        return new IllegalStateException("journal " + index.dir() + " has no segment starting at seq " + seq
                + ", where " + records.path().getFileName() + " ends: a segment file is missing", cause);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("journal reader is closed");
        }
        if (watermark.isClosed()) {
            throw new IllegalStateException("journal " + index.dir() + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            records.close();
        } catch (IOException e) {
            // read-only file: nothing to lose
        }
    }
}
