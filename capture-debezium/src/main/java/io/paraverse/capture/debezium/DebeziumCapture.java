package io.paraverse.capture.debezium;

/**
 * A capture fed by Debezium that a pipeline can run in place of {@code io.paraverse.capture.BinlogCapture}: it
 * delivers the same {@link io.paraverse.translator.RowChange}s and {@link io.paraverse.translator.Commit}s (with
 * MariaDB GTID positions) to its {@link io.paraverse.capture.ChangeSink}, from one thread, each committed source
 * transaction once after {@link #start(String)}.
 */
public interface DebeziumCapture extends AutoCloseable {

    /**
     * Starts delivering after {@code gtidPosition} (a {@link io.paraverse.translator.Commit}'s
     * {@code position().gtidPosition()}, e.g. the journal's last commit): transactions it covers are skipped. Null:
     * see the implementation. Returns once the capture runs, or throws {@link DebeziumCaptureException}.
     */
    void start(String gtidPosition);

    /** Stops; no sink call happens after this returns. */
    void stop();

    @Override
    default void close() {
        stop();
    }

    /** The error that stopped the capture, or null. */
    Throwable failure();

    boolean isRunning();

    /** The GTID position after the last delivered commit (what a restart would pass to {@link #start}). */
    String resumePosition();

    long rowsCaptured();

    long transactions();

    /** Now minus the source time of the last delivered commit, in seconds; -1 before the first. */
    long secondsBehindSource();

    static long secondsSince(long lastCommitMillis) {
        return lastCommitMillis <= 0 ? -1 : Math.max(0, (System.currentTimeMillis() - lastCommitMillis) / 1000);
    }
}
