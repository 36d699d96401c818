package io.paraverse.daemon.verify;

import java.time.Duration;

/**
 * How a verification runs.
 *
 * @param rowsPerSecond     production rows read per second at most (default 5,000)
 * @param chunkRows         rows per FULL chunk (default 500; never above one second's worth at the rate)
 * @param recheckRounds     how often a differing key is compared again before it counts as unsettled (default 3)
 * @param recheckTimeout    how long to wait for the applier before each re-check (default 30 s)
 * @param findingsPerTable  findings listed per table and kind (counts are complete; default 1,000)
 * @param idMapSchema       where the applier keeps id maps on the clone (default "paraverse")
 * @param pipeline          the migration's pipeline name, whose id maps translators read
 * @param seed              random seed for SAMPLED (default: time)
 * @param statementTimeout  longest a read may run or wait for a lock on either side (default 60 s): a locked table
 *                          fails the verification with a clear error instead of hanging it
 */
public record VerifyOptions(long rowsPerSecond, int chunkRows, int recheckRounds, Duration recheckTimeout, int findingsPerTable,
                            String idMapSchema, String pipeline, long seed, Duration statementTimeout) {
    public static final long DEFAULT_ROWS_PER_SECOND = 5_000;

    public VerifyOptions {
        if (rowsPerSecond <= 0) {
            throw new IllegalArgumentException("rate must be above 0 rows per second, got " + rowsPerSecond);
        }
        if (chunkRows <= 0) {
            throw new IllegalArgumentException("chunk rows must be above 0, got " + chunkRows);
        }
        if (recheckRounds < 1) {
            throw new IllegalArgumentException("re-check rounds must be at least 1, got " + recheckRounds);
        }
    }

    public static VerifyOptions defaults(String pipeline) {
        return new VerifyOptions(DEFAULT_ROWS_PER_SECOND, 500, 3, Duration.ofSeconds(30), 1_000, "paraverse", pipeline,
                System.nanoTime(), Duration.ofSeconds(60));
    }

    public VerifyOptions rowsPerSecond(long v) {
        return new VerifyOptions(v, chunkRows, recheckRounds, recheckTimeout, findingsPerTable, idMapSchema, pipeline, seed, statementTimeout);
    }

    public VerifyOptions chunkRows(int v) {
        return new VerifyOptions(rowsPerSecond, v, recheckRounds, recheckTimeout, findingsPerTable, idMapSchema, pipeline, seed, statementTimeout);
    }

    public VerifyOptions recheck(int rounds, Duration timeout) {
        return new VerifyOptions(rowsPerSecond, chunkRows, rounds, timeout, findingsPerTable, idMapSchema, pipeline, seed, statementTimeout);
    }

    public VerifyOptions seed(long v) {
        return new VerifyOptions(rowsPerSecond, chunkRows, recheckRounds, recheckTimeout, findingsPerTable, idMapSchema, pipeline, v, statementTimeout);
    }

    /** Chunks never hold more than one second's worth of rows, so the rate holds over any second-long window. */
    int effectiveChunkRows() {
        return (int) Math.max(1, Math.min(chunkRows, rowsPerSecond));
    }

    public VerifyOptions statementTimeout(Duration v) {
        return new VerifyOptions(rowsPerSecond, chunkRows, recheckRounds, recheckTimeout, findingsPerTable, idMapSchema, pipeline, seed, v);
    }
}
