package io.paraverse.capture;

import com.github.shyiko.mysql.binlog.BinaryLogClient;
import com.github.shyiko.mysql.binlog.event.Event;

import java.io.IOException;
import java.net.Socket;
import java.util.concurrent.CountDownLatch;

/**
 * One connection: a fresh binlog client starting at the last committed position, whose events go to a
 * {@link TransactionAssembler}. {@link #stream()} blocks the capture thread until the connection ends.
 */
final class BinlogSession implements BinaryLogClient.EventListener, BinaryLogClient.LifecycleListener {
    private final CaptureConfig config;
    private final CaptureStatus status;
    private final TransactionAssembler assembler;
    /** Counted down at the first event of the first connection, which ends {@link BinlogCapture#start}; or null. */
    private final CountDownLatch ready;
    private volatile Socket socket;
    private volatile boolean aborted;
    private volatile boolean streaming;
    private volatile Exception communicationFailure;

    BinlogSession(CaptureConfig config, CaptureStatus status, TransactionAssembler assembler, CountDownLatch ready) {
        this.config = config;
        this.status = status;
        this.assembler = assembler;
        this.ready = ready;
    }

    /** Whether events arrived on this connection. */
    boolean streaming() {
        return streaming;
    }

    /** Why the connection broke, as reported by the client, or null. */
    Exception communicationFailure() {
        return communicationFailure;
    }

    /** See {@link TransactionAssembler#dropPendingRows()}. */
    boolean dropPendingRows() {
        return assembler.dropPendingRows();
    }

    void stream() throws IOException {
        BinaryLogClient c = newClient();
        c.registerEventListener(this);
        c.registerLifecycleListener(this);
        if (status.stopping) {
            return;
        }
        c.connect();
    }

    private BinaryLogClient newClient() {
        BinaryLogClient c = new Client(config.host(), config.port(), config.user(), config.password());
        c.setServerId(config.serverId());
        c.setKeepAlive(false); // liveness: read timeout over heartbeats; reconnects: the capture loop
        c.setHeartbeatInterval(config.heartbeatInterval().toMillis());
        c.setConnectTimeout(config.connectTimeout().toMillis());
        c.setBlocking(true);
        c.setUseSendAnnotateRowsEvent(false);
        c.setEventDeserializer(new CaptureEventDeserializer());
        c.setGtidSet(status.resumePosition);
        c.setThreadFactory(r -> {
            Thread t = new Thread(r);
            t.setDaemon(true);
            return t;
        });
        int readTimeout = (int) config.keepAliveTimeout().toMillis();
        c.setSocketFactory(() -> {
            Socket s = new Socket();
            s.setSoTimeout(readTimeout);
            s.setKeepAlive(true);
            s.setTcpNoDelay(true);
            s.setReceiveBufferSize(1 << 20);
            socket = s;
            return s;
        });
        return c;
    }

    /** Ends the connection from any thread: events still buffered are ignored. */
    void abort() {
        aborted = true;
        Socket s = socket;
        if (s != null) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    @Override
    public void onConnect(BinaryLogClient client) {
        if (status.stopping) {
            abort();
        }
    }

    @Override
    public void onCommunicationFailure(BinaryLogClient client, Exception ex) {
        if (!aborted) {
            communicationFailure = ex;
        }
    }

    @Override
    public void onEventDeserializationFailure(BinaryLogClient client, Exception ex) {
        // the client would skip the event and go on; a gap is not acceptable: reconnect from the last commit
        if (!aborted) {
            communicationFailure = ex;
            abort();
        }
    }

    @Override
    public void onDisconnect(BinaryLogClient client) {
    }

    @Override
    public void onEvent(Event event) {
        if (aborted || status.stopping) {
            if (status.stopping) {
                abort();
            }
            return;
        }
        try {
            if (!streaming) {
                streaming = true;
                status.connected = true;
                status.state = BinlogCapture.State.STREAMING;
                if (ready != null) {
                    ready.countDown();
                }
            }
            assembler.handle(event);
        } catch (Throwable t) {
            status.fail(t);
            abort();
        }
    }

    /** The library's client without its own GTID bookkeeping: capture tracks positions itself. */
    private static final class Client extends BinaryLogClient {
        Client(String host, int port, String user, String password) {
            super(host, port, user, password);
        }

        @Override
        protected void updateGtidSet(Event event) {
            // not needed: every connection starts from capture's own committed position
        }
    }
}
