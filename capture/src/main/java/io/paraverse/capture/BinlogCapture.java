package io.paraverse.capture;

import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Streams a MariaDB source's row-based binlog into a {@link ChangeSink}: one {@link RowChange} per changed row,
 * then one {@link Commit} per source transaction, in binlog order, from one thread.
 *
 * <p>Positions are MariaDB GTID positions. Each commit carries the position to resume from after it; after a lost
 * connection capture tells the sink to {@linkplain ChangeSink#discardUncommitted() drop the rows of the unfinished
 * transaction} and resumes from the last commit's position, so the sink sees every committed transaction exactly
 * once. It reconnects forever, with exponential backoff; only errors that a reconnect cannot cure (the binlog lacks
 * {@code binlog_row_metadata=FULL}, an unsupported column type, a sink that throws) stop it, with
 * {@link State#FAILED} and {@link #failure()}.
 *
 * <p>Uses mysql-binlog-connector-java for the protocol; its own keep-alive/reconnect and position tracking are
 * switched off: a fresh client per connection starts at the last committed position, and a read timeout
 * ({@link CaptureConfig#keepAliveTimeout()}) over server heartbeats detects dead connections.
 *
 * <p>This class is the lifecycle façade; the work is done by {@link ReconnectLoop} (the capture thread),
 * {@link BinlogSession} (one connection), {@link TransactionAssembler} (events to sink calls) and
 * {@link SourceQueries} (JDBC), which share a {@link CaptureStatus}.
 */
public final class BinlogCapture implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BinlogCapture.class);

    /** Lifecycle of a capture. */
    public enum State { NEW, CONNECTING, STREAMING, RECONNECTING, FAILED, STOPPED }

    private final CaptureConfig config;
    private final ChangeSink sink;
    private final CaptureStatus status;
    private final SourceQueries source;
    private Thread thread;

    public BinlogCapture(CaptureConfig config, ChangeSink sink) {
        this.config = Objects.requireNonNull(config, "config");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.status = new CaptureStatus(config.address());
        this.source = new SourceQueries(config);
    }

    /**
     * Connects and starts streaming on a capture thread; returns once the source streams (or throws).
     *
     * @param gtidPosition the MariaDB GTID position to resume from (as a {@link Commit}'s
     *                     {@code position().gtidPosition()} or {@code @@gtid_binlog_pos}: "0-1-42", several domains
     *                     comma-separated); null means "now" (the source's current {@code @@gtid_binlog_pos}, or the
     *                     first binlog when that is empty); "" means the first binlog
     * @throws CaptureException if the source cannot be reached, refuses the login or the position
     */
    public void start(String gtidPosition) {
        synchronized (status.lock) {
            if (status.state != State.NEW) {
                throw new IllegalStateException("capture was already started (state " + status.state + ")");
            }
            status.state = State.CONNECTING;
        }
        try {
            if (gtidPosition != null && !GtidState.isPosition(gtidPosition)) {
                throw new IllegalArgumentException("not a MariaDB GTID position (domain-server-seq[,...]): '"
                        + gtidPosition + "'");
            }
            String position = source.inspect(gtidPosition);
            status.gtids = GtidState.parse(position);
            status.resumePosition = status.gtids.render();
            CountDownLatch ready = new CountDownLatch(1);
            Throwable[] startFailure = new Throwable[1];
            Thread t = new Thread(new ReconnectLoop(config, sink, source, status, ready, startFailure),
                    "paraverse-capture-" + config.address());
            t.setDaemon(true);
            thread = t;
            t.start();
            long waitMs = config.connectTimeout().toMillis() * 3 + 30_000;
            boolean done;
            try {
                done = ready.await(waitMs, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop();
                throw new CaptureException("interrupted while connecting to the binlog of " + config.address());
            }
            if (!done) {
                stop();
                throw new CaptureException("the binlog of " + config.address() + " did not start streaming within "
                        + waitMs / 1000 + " s (user " + config.user() + ")");
            }
            if (startFailure[0] == null && status.failure != null) {
                throw new CaptureException("capture of " + config.address() + " failed at once: "
                        + status.failure.getMessage(), status.failure);
            }
            if (startFailure[0] != null) {
                joinThread();
                status.state = State.FAILED;
                Throwable f = startFailure[0];
                if (f instanceof CaptureException ce) {
                    throw ce;
                }
                throw new CaptureException("cannot stream the binlog of " + config.address() + " as user "
                        + config.user() + ": " + describe(f), f);
            }
            log.info("capturing the binlog of {} from GTID position '{}' (server id {}, {})", config.address(),
                    position, config.serverId(), config.filter());
        } catch (RuntimeException e) {
            status.state = State.FAILED;
            status.failure = e;
            status.lastError = e.getMessage();
            throw e;
        }
    }

    /** Stops streaming and waits for the capture thread to end; no sink call happens after this returns. */
    public void stop() {
        BinlogSession s;
        synchronized (status.lock) {
            if (status.state == State.NEW) {
                status.state = State.STOPPED;
                return;
            }
            status.stopping = true;
            s = status.session;
            status.lock.notifyAll();
        }
        if (s != null) {
            s.abort();
        }
        joinThread();
        if (status.state != State.FAILED) {
            status.state = State.STOPPED;
        }
    }

    @Override
    public void close() {
        stop();
    }

    public State state() {
        return status.state;
    }

    /** Whether the capture thread is alive (connected or reconnecting). */
    public boolean isRunning() {
        Thread t = thread;
        return t != null && t.isAlive() && status.state != State.FAILED && status.state != State.STOPPED;
    }

    /** The error that stopped capture for good, or null. */
    public Throwable failure() {
        return status.failure;
    }

    /** The GTID position a restart would resume from (after the last commit delivered). */
    public String resumePosition() {
        return status.resumePosition;
    }

    public CaptureStats stats() {
        return status.stats();
    }

    public CaptureConfig config() {
        return config;
    }

    @Override
    public String toString() {
        return "BinlogCapture{" + config.address() + ", " + status.state + ", at '" + status.resumePosition + "'}";
    }

    private void joinThread() {
        Thread t = thread;
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(60_000);
                if (t.isAlive()) {
                    log.warn("capture thread for {} did not stop within 60 s", config.address());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A one-line account of an error for logs and {@link CaptureStats#lastError()}. */
    static String describe(Throwable t) {
        if (t == null) {
            return "the source closed the connection";
        }
        String m = t.getMessage();
        Throwable c = t.getCause();
        String s = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        if (c != null && c != t && c.getMessage() != null && (m == null || !m.contains(c.getMessage()))) {
            s += " (" + c.getClass().getSimpleName() + ": " + c.getMessage() + ")";
        }
        return s;
    }
}
