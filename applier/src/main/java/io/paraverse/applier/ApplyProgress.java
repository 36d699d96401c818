package io.paraverse.applier;

import io.paraverse.translator.SourcePosition;

import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * The applier's progress counters and row-rate samples. The apply thread writes them; {@link #snapshot} may run on
 * any thread, which is why the fields are volatile and the samples are guarded by their own lock.
 */
final class ApplyProgress {
    private static final long RATE_WINDOW_SECONDS = 10;

    volatile long rowsApplied;
    volatile long transactions;
    volatile long targetCommits;
    volatile long targetRowsWritten;
    volatile long retries;
    volatile long lastAppliedSeq;
    volatile SourcePosition lastPosition;
    volatile long lastCommitTimeMillis;
    volatile String lastError;
    volatile boolean caughtUp;
    private final ArrayDeque<long[]> rateSamples = new ArrayDeque<>();

    ApplierStats snapshot(boolean running) {
        long now = System.nanoTime();
        double rate;
        synchronized (rateSamples) {
            rate = rateOver(now);
        }
        long commitMs = lastCommitTimeMillis;
        boolean upToDate = caughtUp;
        double lag = upToDate ? 0 : commitMs == 0 ? -1 : Math.max(0, (System.currentTimeMillis() - commitMs) / 1000.0);
        return new ApplierStats(running, upToDate, rowsApplied, transactions, targetCommits, targetRowsWritten,
                rate, lastAppliedSeq, lastPosition, commitMs, lag, retries, lastError);
    }

    /** Counts a transient error that is being retried. */
    void retried(String error) {
        retries++;
        lastError = error;
    }

    /** Starts the rate over (a new run): the first sample is taken now. */
    void restartRate(long now) {
        synchronized (rateSamples) {
            rateSamples.clear();
        }
        sampleRate(now);
    }

    void sampleRate(long now) {
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
}
