package io.paraverse.capture;

import io.paraverse.translator.SourcePosition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a capture's thread shares with its callers: the lifecycle (state, stop request, the connection to abort, the
 * fatal failure) and the position and statistics that {@link BinlogCapture#stats()} reports. Fields without
 * {@code volatile} are written before the capture thread starts or by that thread only.
 */
final class CaptureStatus {
    // logged under the façade's name, as before the classes were split
    private static final Logger log = LoggerFactory.getLogger(BinlogCapture.class);

    private final String address;

    /** Guards the state transitions of start/stop, {@link #session} and the reconnect wait. */
    final Object lock = new Object();
    volatile BinlogCapture.State state = BinlogCapture.State.NEW;
    volatile boolean stopping;
    volatile Throwable failure;
    volatile BinlogSession session;

    // position and statistics (written by the capture thread only)
    GtidState gtids = new GtidState();
    volatile String resumePosition;
    volatile SourcePosition lastCommitted;
    volatile long rowsCaptured;
    volatile long transactions;
    volatile long reconnects;
    volatile String lastError;
    volatile boolean connected;
    volatile long lastEventTimestamp;
    volatile boolean caughtUp;

    CaptureStatus(String address) {
        this.address = address;
    }

    /** Records the error that stops capture for good; only the first one counts. */
    void fail(Throwable t) {
        if (failure == null) {
            failure = t;
            lastError = BinlogCapture.describe(t);
            state = BinlogCapture.State.FAILED;
            if (t instanceof CaptureException) {
                log.error("binlog capture from {} stopped: {}", address, t.getMessage());
            } else {
                log.error("binlog capture from {} stopped: {}", address, lastError, t);
            }
        }
    }

    CaptureStats stats() {
        long behind;
        if (!connected) {
            behind = -1;
        } else if (caughtUp || lastEventTimestamp == 0) {
            behind = 0;
        } else {
            behind = Math.max(0, (System.currentTimeMillis() - lastEventTimestamp) / 1000);
        }
        return new CaptureStats(state, rowsCaptured, transactions, lastCommitted, resumePosition, connected, behind,
                reconnects, lastError);
    }
}
