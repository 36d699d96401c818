package io.paraverse.daemon.verify;

/**
 * Keeps reads of production at or under a number of rows per second, averaged from the first read: after each read
 * the caller sleeps until {@code rows so far / rate} seconds have passed since the start. Never faster than the rate
 * over any run longer than one chunk (the verifier keeps chunks at or under one second's worth of rows).
 */
final class RowRateLimiter {
    private final long rowsPerSecond;
    private long start = -1;
    private long rows;

    RowRateLimiter(long rowsPerSecond) {
        if (rowsPerSecond <= 0) {
            throw new IllegalArgumentException("rate limit must be above 0 rows per second, got " + rowsPerSecond);
        }
        this.rowsPerSecond = rowsPerSecond;
    }

    long rowsPerSecond() {
        return rowsPerSecond;
    }

    /** Counts {@code n} rows just read from production and sleeps as long as the rate requires. */
    synchronized void read(long n) throws InterruptedException {
        long now = System.nanoTime();
        if (start < 0) {
            start = now;
        }
        rows += Math.max(1, n); // an empty read still costs production a query
        long due = start + (long) (rows * 1e9 / rowsPerSecond);
        long wait = due - now;
        if (wait > 0) {
            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
    }

    /** Rows counted so far. */
    synchronized long rows() {
        return rows;
    }
}
