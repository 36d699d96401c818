package io.paraverse.journal;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of a {@link SegmentJournal}.
 *
 * @param segmentBytes     roll to a new segment file at the first transaction that starts once the current one
 *                         has reached this size (segments slightly exceed it by at most one transaction)
 * @param syncInterval     committed data becomes durable (fsync) at most this long after its commit
 * @param syncBytes        ... or as soon as this many bytes have been written since the last fsync
 * @param writeBufferBytes the writer's buffer: records are written to the file when it fills, or on sync
 */
public record JournalOptions(long segmentBytes, Duration syncInterval, long syncBytes, int writeBufferBytes) {
    public static final long DEFAULT_SEGMENT_BYTES = 64L * 1024 * 1024;
    public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMillis(20);
    public static final long DEFAULT_SYNC_BYTES = 4L * 1024 * 1024;
    public static final int DEFAULT_WRITE_BUFFER_BYTES = 256 * 1024;

    public JournalOptions {
        Objects.requireNonNull(syncInterval, "syncInterval");
        if (segmentBytes < 1024) {
            throw new IllegalArgumentException("journal segmentBytes must be at least 1024, got " + segmentBytes);
        }
        if (syncInterval.isNegative() || syncInterval.isZero()) {
            throw new IllegalArgumentException("journal syncInterval must be positive, got " + syncInterval);
        }
        if (syncBytes < 1) {
            throw new IllegalArgumentException("journal syncBytes must be positive, got " + syncBytes);
        }
        if (writeBufferBytes < 4096) {
            throw new IllegalArgumentException("journal writeBufferBytes must be at least 4096, got " + writeBufferBytes);
        }
    }

    public static JournalOptions defaults() {
        return new JournalOptions(DEFAULT_SEGMENT_BYTES, DEFAULT_SYNC_INTERVAL, DEFAULT_SYNC_BYTES,
                DEFAULT_WRITE_BUFFER_BYTES);
    }

    public JournalOptions withSegmentBytes(long bytes) {
        return new JournalOptions(bytes, syncInterval, syncBytes, writeBufferBytes);
    }

    public JournalOptions withSyncInterval(Duration interval) {
        return new JournalOptions(segmentBytes, interval, syncBytes, writeBufferBytes);
    }

    public JournalOptions withSyncBytes(long bytes) {
        return new JournalOptions(segmentBytes, syncInterval, bytes, writeBufferBytes);
    }

    public JournalOptions withWriteBufferBytes(int bytes) {
        return new JournalOptions(segmentBytes, syncInterval, syncBytes, bytes);
    }
}
