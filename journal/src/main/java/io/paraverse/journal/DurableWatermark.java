package io.paraverse.journal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/** The last commit known to be on disk, published by whoever fsynced it; readers wait here for it to move. */
final class DurableWatermark {
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition moved = lock.newCondition();
    private volatile DurablePoint current;
    private volatile boolean closed;

    DurableWatermark(DurablePoint initial) {
        this.current = initial;
    }

    DurablePoint current() {
        return current;
    }

    boolean isClosed() {
        return closed;
    }

    /** Publishes a newly durable commit; ignores one that is not newer. */
    void advance(DurablePoint point) {
        lock.lock();
        try {
            if (point.seq() > current.seq()) {
                current = point;
                moved.signalAll();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the watermark is no longer {@code seen}, the journal closes, or the time is up. */
    void awaitMove(DurablePoint seen, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lock();
        try {
            while (current == seen && !closed && nanos > 0) {
                nanos = moved.awaitNanos(nanos);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Wakes every waiting reader so it can see the journal closed. */
    void close() {
        lock.lock();
        try {
            closed = true;
            moved.signalAll();
        } finally {
            lock.unlock();
        }
    }
}
