package io.paraverse.traffic.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One client connection through the proxy, served by its own thread: it relays the handshake, then one command and
 * its complete response at a time (the protocol is request/response, so this is what the server does too), tracking
 * whether the session is inside a transaction. Between commands it is where the cutover acts: a command can be held,
 * and the session can be moved to another server or closed.
 */
final class ProxySession implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(ProxySession.class);
    private static final int MAX_REPLAYED_SETTINGS = 256;

    final long id;
    private final MySqlProxy proxy;
    private final PacketIo client;
    /** Held while the session thread uses the server connection, and while a mover moves it. */
    final ReentrantLock lock = new ReentrantLock();

    private PacketIo server;
    private long generation;
    private HandshakeResponse handshake;
    private long negotiated;
    private long mariaDbNegotiated;
    private boolean deprecateEof;
    private int status = -1;
    private String database;
    private final Set<String> sessionSettings = new LinkedHashSet<>();
    /** Open server-side prepared statements by the id the client knows, in preparation order. */
    private final Map<Long, PreparedStatementRef> statements = new LinkedHashMap<>();
    /** Why this session cannot be moved to another server (null: it can). */
    private String unmovable;

    // guarded by the proxy's gate monitor
    boolean handshakeDone;
    boolean inTransaction;
    boolean commandInProgress;
    volatile boolean closed;

    private record PreparedStatementRef(byte[] sql, long serverId) { }

    ProxySession(long id, MySqlProxy proxy, Socket clientSocket) throws IOException {
        this.id = id;
        this.proxy = proxy;
        this.client = new PacketIo(clientSocket, proxy.bytesToClients);
    }

    @Override
    public void run() {
        try {
            proxy.awaitNewConnection(this);
            if (!connectAndHandshake()) {
                return;
            }
            while (!closed) {
                Packet command = client.read();
                if (command == null || command.first() == Protocol.COM_QUIT) {
                    quit();
                    return;
                }
                proxy.awaitPassage(this);
                lock.lock();
                try {
                    if (closed) return;
                    if (!onCurrentBackend()) return;
                    execute(command);
                } finally {
                    lock.unlock();
                    proxy.commandDone(this, status >= 0 && (status & Protocol.SERVER_STATUS_IN_TRANS) != 0);
                }
                moveIfIdle(); // a session that just left a transaction follows a switch at once
            }
        } catch (IOException e) {
            if (!closed) log.debug("proxy session {} ended: {}", id, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("proxy session {} failed; closing it: {}", id, e.toString(), e);
        } finally {
            close();
            proxy.sessionEnded(this);
        }
    }

    private boolean connectAndHandshake() throws IOException {
        lock.lock();
        try {
            MySqlProxy.Backend backend = proxy.currentBackend();
            try {
                server = new PacketIo(BackendConnector.connect(backend.endpoint()), proxy.bytesToServers);
            } catch (IOException e) {
                log.warn("proxy session {}: cannot connect to backend {}: {}", id, backend.endpoint(), e.getMessage());
                refuse(0, "Paraverse proxy cannot reach the database at " + backend.endpoint() + ": " + e.getMessage());
                return false;
            }
            generation = backend.generation();
            Packet g = server.readRequired("the server greeting");
            if (g.first() == Protocol.ERR) {
                client.write(g);
                client.flush();
                return false;
            }
            ServerGreeting greeting = ServerGreeting.parse(g.head).stripped();
            client.write(g.seq, greeting.payload);
            client.flush();
            Packet r = client.read();
            if (r == null) return false;
            if (HandshakeResponse.isSslRequest(r.head)) {
                refuse(r.seq + 1, "the Paraverse proxy does not support TLS between client and proxy; connect "
                        + "without TLS (e.g. sslMode=disable) and keep the proxy on loopback or a private network");
                return false;
            }
            handshake = HandshakeResponse.parse(r.head);
            negotiated = handshake.capabilities & greeting.capabilities;
            mariaDbNegotiated = handshake.mariaDbCapabilities() & greeting.mariaDbCapabilities;
            deprecateEof = (negotiated & Protocol.CLIENT_DEPRECATE_EOF) != 0;
            database = handshake.database;
            server.write(r);
            server.flush();
            if (!relayAuthentication()) return false;
            proxy.handshakeDone(this);
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Relays the authentication exchange until the server's OK (true) or ERR (false). */
    private boolean relayAuthentication() throws IOException {
        while (true) {
            Packet p = server.readRequired("the authentication result");
            client.write(p);
            client.flush();
            int t = p.first();
            if (t == Protocol.OK) {
                status = Protocol.statusOf(p);
                return true;
            }
            if (t == Protocol.ERR) {
                return false;
            }
            if (t == 0x01 && p.length == 2 && p.head[1] == 3) {
                continue; // caching_sha2 fast authentication succeeded: the OK follows without a client reply
            }
            Packet reply = client.readRequired("authentication data");
            server.write(reply);
            server.flush();
        }
    }

    private void execute(Packet command) throws IOException {
        int c = command.first();
        boolean wasInTransaction = status >= 0 && (status & Protocol.SERVER_STATUS_IN_TRANS) != 0;
        byte[] text = (c == Protocol.COM_QUERY || c == Protocol.COM_STMT_PREPARE || c == Protocol.COM_INIT_DB)
                && command.complete() && !command.continued() ? Arrays.copyOfRange(command.head, 1, command.head.length) : null;
        if (Protocol.carriesStatementId(c) && command.head.length >= 5) {
            long clientId = Protocol.u32(command.head, 1);
            PreparedStatementRef ref = c == Protocol.COM_STMT_CLOSE ? statements.remove(clientId) : statements.get(clientId);
            if (ref != null && ref.serverId != clientId) {
                Protocol.putU32(command.head, 1, ref.serverId);
            }
        }
        server.write(command);
        Packet p = command;
        while (p.continued()) {
            p = client.readRequired("a continued command packet");
            server.write(p);
        }
        server.flush();
        ResponseRelay relay = new ResponseRelay(server, client, deprecateEof);
        switch (c) {
            case Protocol.COM_STMT_CLOSE, Protocol.COM_STMT_SEND_LONG_DATA -> { } // no response
            case Protocol.COM_STMT_PREPARE -> {
                long[] clientId = {-1};
                long serverId = relay.prepared(sid -> clientId[0] = clientIdFor(sid));
                if (serverId >= 0) {
                    if (text == null) {
                        unmovable = "a prepared statement is larger than " + PacketIo.HEAD_LIMIT + " bytes";
                    }
                    statements.put(clientId[0], new PreparedStatementRef(text, serverId));
                }
            }
            case Protocol.COM_STMT_FETCH -> relay.fetched();
            case Protocol.COM_FIELD_LIST -> relay.fieldList();
            case Protocol.COM_STATISTICS -> relay.single();
            case Protocol.COM_CHANGE_USER -> {
                unmovable = "it ran COM_CHANGE_USER";
                statements.clear();
                if (relayAuthentication()) {
                    // status set by the OK
                } else {
                    throw new IOException("COM_CHANGE_USER failed");
                }
            }
            case Protocol.COM_BINLOG_DUMP, Protocol.COM_BINLOG_DUMP_GTID ->
                    throw new IOException("binlog dump through the proxy is not supported; connect replicas to the server directly");
            default -> relay.results();
        }
        if (relay.status() >= 0) status = relay.status();
        if (c == Protocol.COM_RESET_CONNECTION && relay.error() == null) {
            sessionSettings.clear(); // the server reset variables, prepared statements and temporary tables
            statements.clear();
            if (!"it ran COM_CHANGE_USER".equals(unmovable)) unmovable = null;
        }
        if (relay.error() == null && text != null) {
            if (c == Protocol.COM_INIT_DB) {
                database = new String(text, StandardCharsets.UTF_8);
            } else if (c == Protocol.COM_QUERY) {
                noteQuery(new String(text, StandardCharsets.UTF_8), wasInTransaction);
            }
        } else if (c == Protocol.COM_QUERY && text == null) {
            noteLargeQuery(command);
        }
    }

    /** The id the client sees for a statement the server prepared as {@code serverId}: the same unless taken. */
    private long clientIdFor(long serverId) {
        if (!statements.containsKey(serverId)) return serverId;
        long id = statements.keySet().stream().mapToLong(Long::longValue).max().orElse(0) + 1;
        if (id >= 0xFFFFFFFFL) id = 1; // 0xFFFFFFFF means "the last prepared statement"
        while (statements.containsKey(id)) id++;
        return id;
    }

    /** Remembers what a statement changed in the session that a move must carry, or cannot carry. */
    private void noteQuery(String sql, boolean wasInTransaction) {
        String s = sql.strip().toLowerCase(Locale.ROOT);
        if (s.contains("temporary table")) {
            unmovable = "it created a temporary table";
        } else if (s.contains("get_lock(")) {
            unmovable = "it used GET_LOCK";
        } else if (s.startsWith("prepare ")) {
            unmovable = "it used SQL PREPARE";
        }
        boolean inTransactionNow = status >= 0 && (status & Protocol.SERVER_STATUS_IN_TRANS) != 0;
        if (!wasInTransaction && !inTransactionNow && isSessionSetting(s)) {
            sessionSettings.remove(sql);
            sessionSettings.add(sql);
            if (sessionSettings.size() > MAX_REPLAYED_SETTINGS) {
                unmovable = "it ran more than " + MAX_REPLAYED_SETTINGS + " different SET statements";
            }
        }
    }

    private void noteLargeQuery(Packet command) {
        String start = new String(command.head, 1, Math.min(64, command.head.length - 1), StandardCharsets.UTF_8)
                .strip().toLowerCase(Locale.ROOT);
        if (isSessionSetting(start) || start.contains("temporary")) {
            unmovable = "it ran a session statement larger than " + PacketIo.HEAD_LIMIT + " bytes";
        }
    }

    /** A SET that changes this session for the statements after it (not global, not one-shot). */
    static boolean isSessionSetting(String lower) {
        if (!lower.startsWith("set ") && !lower.startsWith("set\t") && !lower.startsWith("set\n")) return false;
        String rest = lower.substring(4).strip();
        if (rest.startsWith("global ") || rest.startsWith("@@global.") || rest.startsWith("transaction ")
                || rest.startsWith("statement ") || rest.startsWith("password") || rest.startsWith("default role")) {
            return false;
        }
        if (lower.contains("@@global.")) return false;
        int semicolon = lower.indexOf(';');
        return semicolon < 0 || lower.substring(semicolon + 1).isBlank(); // a multi-statement text would run its other statements again
    }

    /**
     * Makes sure the session talks to the current backend before a command: moves it when it is between transactions
     * and the backend changed. Returns false when the session had to be closed instead. Caller holds {@link #lock}.
     */
    private boolean onCurrentBackend() {
        MySqlProxy.Backend current = proxy.currentBackend();
        if (current.generation() == generation || inTransactionNow()) {
            return true; // a transaction finishes where it started
        }
        return moveTo(current);
    }

    /** Moves the session now if it is between transactions on an old backend and nobody is using it. */
    void moveIfIdle() {
        if (!lock.tryLock()) return; // busy: the session thread moves it after its command
        try {
            MySqlProxy.Backend current = proxy.currentBackend();
            if (closed || server == null || current.generation() == generation || !proxy.isIdle(this)) return;
            moveTo(current);
        } finally {
            lock.unlock();
        }
    }

    private boolean inTransactionNow() {
        return status >= 0 && (status & Protocol.SERVER_STATUS_IN_TRANS) != 0;
    }

    /** Caller holds {@link #lock} and the session is between transactions. */
    private boolean moveTo(MySqlProxy.Backend target) {
        String reason = unmovable;
        Optional<String> password = Optional.empty();
        if (reason == null) {
            password = proxy.credentials().passwordFor(handshake.user);
            if (password.isEmpty()) reason = "no password is known for user '" + handshake.user + "'";
        }
        if (reason != null) {
            log.info("proxy session {} closed between transactions at the switch to {}: {}", id, target.endpoint(), reason);
            proxy.noteClosed();
            close();
            return false;
        }
        String db = currentDatabase();
        List<byte[]> sqls = new ArrayList<>();
        statements.values().forEach(s -> sqls.add(s.sql));
        try {
            BackendConnector.Opened opened = BackendConnector.open(target.endpoint(), handshake, negotiated, mariaDbNegotiated,
                    password.get(), db, new ArrayList<>(sessionSettings), sqls, status, proxy.bytesToServers);
            PacketIo old = server;
            server = opened.io();
            generation = target.generation();
            Iterator<Long> ids = opened.statementIds().iterator();
            statements.replaceAll((clientId, ref) -> new PreparedStatementRef(ref.sql, ids.next()));
            if (opened.status() >= 0) {
                status = (opened.status() & ~Protocol.SERVER_STATUS_IN_TRANS) | (status & Protocol.SERVER_STATUS_IN_TRANS);
            }
            quietly(old);
            proxy.noteMoved();
            log.debug("proxy session {} moved to {} ({} settings, {} prepared statements)", id, target.endpoint(),
                    sessionSettings.size(), sqls.size());
            return true;
        } catch (BackendConnector.MoveFailed e) {
            log.warn("proxy session {} closed between transactions: moving it to {} failed: {}", id, target.endpoint(), e.getMessage());
            proxy.noteClosed();
            close();
            return false;
        }
    }

    /** The default database: asked of the old server (the session is idle there), else what the proxy saw set. */
    private String currentDatabase() {
        try {
            server.socket().setSoTimeout(2_000);
            ResponseRelay r = BackendConnector.command(server, Protocol.COM_QUERY,
                    "SELECT DATABASE()".getBytes(StandardCharsets.UTF_8), deprecateEof);
            String db = r.singleValue();
            server.socket().setSoTimeout(0);
            if (r.error() == null) return db;
        } catch (IOException e) {
            log.debug("proxy session {}: old server did not say its database ({}); using the tracked one", id, e.getMessage());
        }
        return database;
    }

    /** Sends COM_QUIT to the server and ends the session. */
    private void quit() {
        lock.lock();
        try {
            if (server != null) {
                try {
                    server.write(0, new byte[] {Protocol.COM_QUIT});
                    server.flush();
                } catch (IOException ignored) {
                    // closing anyway
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private void refuse(int seq, String message) throws IOException {
        client.write(seq, Protocol.errPayload(1045, message));
        client.flush();
    }

    private static void quietly(PacketIo old) {
        try {
            old.write(0, new byte[] {Protocol.COM_QUIT});
            old.flush();
        } catch (IOException ignored) {
            // the old server may be gone
        }
        old.close();
    }

    void close() {
        closed = true;
        client.close();
        if (server != null) server.close();
    }
}
