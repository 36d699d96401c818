package io.paraverse.capture;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The capture thread's body: one {@link BinlogSession} per connection, each resuming from the last committed
 * position, reconnecting with exponential backoff until stopped or failed for good.
 */
final class ReconnectLoop implements Runnable {
    // logged under the façade's name, as before the classes were split
    private static final Logger log = LoggerFactory.getLogger(BinlogCapture.class);

    private final CaptureConfig config;
    private final ChangeSink sink;
    private final SourceQueries source;
    private final CaptureStatus status;
    /** Counted down once the first connection streams, fails or the loop ends. */
    private final CountDownLatch ready;
    /** Where the first connection's error goes when it never streamed: {@link BinlogCapture#start} throws it. */
    private final Throwable[] startFailure;
    /** Table maps by table id, kept across connections. */
    private final Map<Long, TableMapping> tables = new HashMap<>();

    ReconnectLoop(CaptureConfig config, ChangeSink sink, SourceQueries source, CaptureStatus status,
                  CountDownLatch ready, Throwable[] startFailure) {
        this.config = config;
        this.sink = sink;
        this.source = source;
        this.status = status;
        this.ready = ready;
        this.startFailure = startFailure;
    }

    @Override
    public void run() {
        long backoff = config.reconnectBackoffInitial().toMillis();
        boolean first = true;
        int attempt = 0;
        try {
            while (!status.stopping) {
                BinlogSession s = new BinlogSession(config, status,
                        new TransactionAssembler(config, sink, source, tables, status), first ? ready : null);
                synchronized (status.lock) {
                    if (status.stopping) {
                        break;
                    }
                    status.session = s;
                }
                Throwable error = null;
                try {
                    s.stream();
                } catch (Throwable e) {
                    error = e;
                }
                status.connected = false;
                if (error == null) {
                    error = s.communicationFailure();
                }
                if (s.dropPendingRows()) {
                    discardQuietly();
                }
                if (status.failure != null) {
                    break;
                }
                if (purged(error)) {
                    // retrying cannot help: what production wrote after the resume position is gone
                    CaptureException gone = new CaptureException("production (" + config.address() + ") no longer has the"
                            + " binlogs after GTID position '" + status.resumePosition + "': they were purged ("
                            + BinlogCapture.describe(error) + "). The changes since then cannot be captured, so this"
                            + " migration cannot continue without losing them: abort it and start a new one, which clones"
                            + " again; keep binlogs longer than the upgrade and catch-up take (binlog_expire_logs_seconds)");
                    if (first && !s.streaming()) {
                        startFailure[0] = gone;
                        ready.countDown();
                        return;
                    }
                    status.fail(gone);
                    break;
                }
                if (first && !s.streaming()) {
                    startFailure[0] = error != null ? error : new CaptureException("the connection closed at once");
                    ready.countDown();
                    return;
                }
                first = false;
                if (status.stopping) {
                    break;
                }
                if (s.streaming()) {
                    backoff = config.reconnectBackoffInitial().toMillis();
                    attempt = 0;
                }
                attempt++;
                status.reconnects++;
                status.lastError = BinlogCapture.describe(error);
                status.state = BinlogCapture.State.RECONNECTING;
                log.warn("binlog stream from {} (user {}) {}: {}; reconnect attempt {} in {} ms, resuming from GTID"
                                + " position '{}'", config.address(), config.user(),
                        s.streaming() ? "was lost" : "could not be opened", status.lastError, attempt, backoff,
                        status.resumePosition);
                waitBeforeReconnect(backoff);
                backoff = Math.min(backoff * 2, config.reconnectBackoffMax().toMillis());
            }
        } catch (Throwable t) {
            status.fail(t);
        } finally {
            status.connected = false;
            status.session = null;
            if (status.failure != null) {
                status.state = BinlogCapture.State.FAILED;
            } else if (status.stopping) {
                status.state = BinlogCapture.State.STOPPED;
            }
            ready.countDown();
        }
    }

    /** The server's answer when the binlogs a replica asks for were purged (error 1236, MariaDB's and MySQL's wording). */
    static boolean purged(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.contains("have been purged") || m.contains("Could not find GTID state requested by slave")
                    || m.contains("purged binary logs containing GTIDs"))) {
                return true;
            }
        }
        return false;
    }

    /** Sleeps for the backoff; {@link BinlogCapture#stop} cuts it short. */
    private void waitBeforeReconnect(long backoff) {
        synchronized (status.lock) {
            long until = System.currentTimeMillis() + backoff;
            while (!status.stopping) {
                long left = until - System.currentTimeMillis();
                if (left <= 0) {
                    break;
                }
                try {
                    status.lock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    status.stopping = true;
                }
            }
        }
    }

    private void discardQuietly() {
        try {
            sink.discardUncommitted();
        } catch (RuntimeException e) {
            status.fail(e);
        }
    }
}
