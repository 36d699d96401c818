package io.paraverse.traffic.proxy;

import io.paraverse.traffic.Endpoint;
import io.paraverse.traffic.FenceResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A MySQL-protocol-aware TCP proxy: the application connects here instead of to the database. It follows packet
 * boundaries and each session's transaction state, so at cutover it can {@link #hold} new work while in-flight
 * transactions finish, {@link #switchTo} another server (moving idle sessions there without the client noticing) and
 * {@link #release} the held clients, who see latency, not errors. Clients connect in plaintext (TLS is stripped from
 * the greeting): put the listen address on loopback or a private network.
 *
 * <p>One platform thread per client session (blocking I/O), plus one acceptor thread and a small pool that moves idle
 * sessions at a switch; a few hundred sessions are fine.
 */
public final class MySqlProxy implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MySqlProxy.class);
    private static final int MOVERS = 4;
    private static final Duration MOVE_WAIT = Duration.ofSeconds(30);

    /** Where sessions go; the generation changes at every switch, so a session knows it must move. */
    record Backend(Endpoint endpoint, long generation) { }

    private final ServerSocket listener;
    private final ProxyCredentials credentials;
    private final Set<ProxySession> sessions = ConcurrentHashMap.newKeySet();
    private final ExecutorService movers;
    private final Thread acceptor;
    private final AtomicLong sessionIds = new AtomicLong();
    final LongAdder bytesToServers = new LongAdder();
    final LongAdder bytesToClients = new LongAdder();
    private final LongAdder moved = new LongAdder();
    private final LongAdder closedAtSwitch = new LongAdder();
    private volatile Backend backend;
    private volatile boolean closing;

    // guarded by this (the gate)
    private boolean holding;
    private int held;
    private long maxHoldNanos;

    private MySqlProxy(InetSocketAddress listen, Endpoint backend, ProxyCredentials credentials) throws IOException {
        this.backend = new Backend(Objects.requireNonNull(backend, "backend"), 0);
        this.credentials = Objects.requireNonNull(credentials, "credentials");
        this.listener = new ServerSocket();
        listener.setReuseAddress(true);
        listener.bind(listen, 200);
        this.movers = Executors.newFixedThreadPool(MOVERS, r -> daemon(r, "paraverse-proxy-mover"));
        this.acceptor = daemon(this::acceptLoop, "paraverse-proxy-accept-" + listener.getLocalPort());
        acceptor.start();
    }

    /**
     * Starts a proxy listening on {@code listen} (port 0 picks a free port) that forwards to {@code backend}.
     * {@code credentials} gives passwords of application users, so their sessions can be moved at a switch.
     */
    public static MySqlProxy start(InetSocketAddress listen, Endpoint backend, ProxyCredentials credentials) throws IOException {
        MySqlProxy proxy = new MySqlProxy(listen, backend, credentials);
        log.info("MySQL proxy listening on {} -> {}", proxy.listenAddress(), backend);
        return proxy;
    }

    /** The address clients connect to. */
    public InetSocketAddress listenAddress() {
        return (InetSocketAddress) listener.getLocalSocketAddress();
    }

    /** Where new sessions go now. */
    public Endpoint backend() {
        return backend.endpoint();
    }

    /**
     * From now on, new connections wait (no backend connection, no greeting yet) and sessions between transactions
     * that send a command wait; sessions inside a transaction continue until they leave it. Returns when no session
     * is inside a transaction or running a command, or at {@code drainTimeout} with the number still in flight. The
     * hold lasts until {@link #release}.
     */
    public synchronized FenceResult hold(Duration drainTimeout) throws InterruptedException {
        long start = System.nanoTime();
        if (!holding) {
            holding = true;
            log.info("proxy holding new work; waiting up to {} for {} in-flight session(s)", drainTimeout, inFlight());
        }
        long deadline = start + drainTimeout.toNanos();
        int inFlight;
        while ((inFlight = inFlight()) > 0) {
            long left = deadline - System.nanoTime();
            if (left <= 0) break;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        log.info("proxy hold: {} after {} ms", inFlight == 0 ? "drained" : inFlight + " session(s) still in a transaction",
                waited.toMillis());
        return new FenceResult(inFlight == 0, inFlight, waited, true);
    }

    /**
     * Routes new connections and held sessions to {@code target}, and moves every session that is between
     * transactions there now (sessions inside a transaction move when they leave it). A session that cannot be moved
     * (no password known for its user, state the proxy cannot carry) is closed instead, only between transactions.
     * Checks first that {@code target} accepts connections; if it does not, nothing changes.
     */
    public void switchTo(Endpoint target) throws IOException, InterruptedException {
        Objects.requireNonNull(target, "target");
        boolean already = target.equals(backend.endpoint()); // e.g. the rollback's switch back to production
        if (!already) {
            probe(target);
        }
        Backend previous;
        synchronized (this) {
            previous = backend;
            if (!already) backend = new Backend(target, previous.generation() + 1);
        }
        long start = System.nanoTime();
        List<Future<?>> moves = new ArrayList<>();
        for (ProxySession s : sessions) {
            moves.add(movers.submit(s::moveIfIdle));
        }
        long deadline = System.nanoTime() + MOVE_WAIT.toNanos();
        for (Future<?> f : moves) {
            try {
                f.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                log.warn("proxy switch: moving idle sessions took longer than {}; the rest move on their next command", MOVE_WAIT);
                break;
            } catch (java.util.concurrent.ExecutionException e) {
                log.warn("proxy switch: moving a session failed: {}", e.getCause().toString());
            }
        }
        log.info("proxy switched {} -> {}: {} session(s) moved, {} closed so far, in {} ms", previous.endpoint(), target,
                moved.sum(), closedAtSwitch.sum(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
    }

    /** Checks that {@code target} greets new connections, so a switch never points clients at a dead server. */
    private static void probe(Endpoint target) throws IOException {
        try (Socket probe = BackendConnector.connect(target)) {
            probe.setSoTimeout(BackendConnector.CONNECT_TIMEOUT_MS);
            if (probe.getInputStream().read() < 0) {
                throw new IOException("it closed the connection without a greeting");
            }
        } catch (IOException e) {
            throw new IOException("cannot switch the proxy to " + target + ": " + e.getMessage()
                    + "; check that the server runs and accepts connections from this host", e);
        }
    }

    /** Lets held connections and commands proceed, to whatever backend is current (without a switch: production). */
    public synchronized void release() {
        if (holding) {
            holding = false;
            notifyAll();
            log.info("proxy released held work to {}", backend.endpoint());
        }
    }

    public synchronized ProxyStats stats() {
        int inTx = inFlight();
        return new ProxyStats(backend.endpoint(), holding, sessions.size(), inTx, held, moved.sum(), closedAtSwitch.sum(),
                Duration.ofNanos(maxHoldNanos), bytesToServers.sum(), bytesToClients.sum());
    }

    @Override
    public void close() {
        closing = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        synchronized (this) {
            holding = false;
            notifyAll();
        }
        sessions.forEach(ProxySession::close);
        movers.shutdownNow();
    }

    // ---- called by sessions

    Backend currentBackend() {
        return backend;
    }

    ProxyCredentials credentials() {
        return credentials;
    }

    /** A new connection waits while the proxy holds. */
    synchronized void awaitNewConnection(ProxySession s) throws InterruptedException {
        waitWhileHeld(s, false);
    }

    /** Before a command: waits while the proxy holds and the session is between transactions; then marks it busy. */
    synchronized void awaitPassage(ProxySession s) throws InterruptedException {
        waitWhileHeld(s, true);
        s.commandInProgress = true;
    }

    private void waitWhileHeld(ProxySession s, boolean transactionsPass) throws InterruptedException {
        if (!holding || (transactionsPass && s.inTransaction) || closing) return;
        long start = System.nanoTime();
        held++;
        try {
            while (holding && !closing && !s.closed) {
                wait();
            }
        } finally {
            held--;
            maxHoldNanos = Math.max(maxHoldNanos, System.nanoTime() - start);
        }
    }

    synchronized void commandDone(ProxySession s, boolean inTransaction) {
        s.commandInProgress = false;
        s.inTransaction = inTransaction;
        notifyAll();
    }

    synchronized void handshakeDone(ProxySession s) {
        s.handshakeDone = true;
    }

    synchronized boolean isIdle(ProxySession s) {
        return s.handshakeDone && !s.inTransaction && !s.closed;
    }

    synchronized void sessionEnded(ProxySession s) {
        sessions.remove(s);
        s.commandInProgress = false;
        s.inTransaction = false;
        notifyAll();
    }

    void noteMoved() {
        moved.increment();
    }

    void noteClosed() {
        closedAtSwitch.increment();
    }

    private int inFlight() {
        int n = 0;
        for (ProxySession s : sessions) {
            if (s.inTransaction || s.commandInProgress) n++;
        }
        return n;
    }

    private void acceptLoop() {
        while (!closing) {
            Socket socket;
            try {
                socket = listener.accept();
            } catch (SocketException e) {
                if (!closing) log.warn("proxy stopped accepting connections: {}", e.getMessage());
                return;
            } catch (IOException e) {
                log.warn("proxy accept failed: {}", e.getMessage());
                continue;
            }
            try {
                socket.setTcpNoDelay(true);
                ProxySession session = new ProxySession(sessionIds.incrementAndGet(), this, socket);
                sessions.add(session);
                daemon(session, "paraverse-proxy-session-" + session.id).start();
            } catch (IOException | RuntimeException | Error e) {
                log.warn("proxy could not start a session for {}: {}", socket.getRemoteSocketAddress(), e.toString());
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // dropping it
                }
            }
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }
}
