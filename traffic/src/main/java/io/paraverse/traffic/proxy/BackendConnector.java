package io.paraverse.traffic.proxy;

import io.paraverse.traffic.Endpoint;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * Opens, for a client session that authenticated to one server, an equivalent session on another server: the same
 * user (mysql_native_password, the password from {@link ProxyCredentials}), capabilities, collation and connection
 * attributes, the same default database, the session settings replayed and the server-side prepared statements
 * prepared again. The client sees none of this traffic.
 */
final class BackendConnector {
    static final int CONNECT_TIMEOUT_MS = 5_000;
    private static final int READ_TIMEOUT_MS = 10_000;
    private static final String NATIVE = "mysql_native_password";

    /** The new session: its packet stream, the new server's ids of the re-prepared statements (in order), its status. */
    record Opened(PacketIo io, List<Long> statementIds, int status) { }

    /** The move is impossible or failed; the message says why (never contains a password). */
    static final class MoveFailed extends Exception {
        MoveFailed(String message) {
            super(message);
        }
    }

    private BackendConnector() { }

    static Socket connect(Endpoint endpoint) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(endpoint.host(), endpoint.port()), CONNECT_TIMEOUT_MS);
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    static Opened open(Endpoint endpoint, HandshakeResponse client, long negotiated, long mariaDbNegotiated,
                       String password, String database, List<String> settings, List<byte[]> preparedSql,
                       int wantedStatus, LongAdder bytesToServer) throws MoveFailed {
        PacketIo io = null;
        try {
            Socket socket = connect(endpoint);
            socket.setSoTimeout(READ_TIMEOUT_MS);
            io = new PacketIo(socket, bytesToServer);
            Packet g = io.readRequired("the server greeting");
            if (g.first() == Protocol.ERR) {
                throw new MoveFailed(endpoint + " refused the connection: " + Protocol.errMessage(g));
            }
            ServerGreeting greeting = ServerGreeting.parse(g.head).stripped();
            long missing = negotiated & ~greeting.capabilities & ~Protocol.CLIENT_CONNECT_WITH_DB;
            long missingMaria = mariaDbNegotiated & ~greeting.mariaDbCapabilities;
            if (missing != 0 || missingMaria != 0) {
                throw new MoveFailed(endpoint + " lacks protocol capabilities the client negotiated (0x"
                        + Long.toHexString(missing) + ", MariaDB 0x" + Long.toHexString(missingMaria) + ")");
            }
            io.write(g.seq + 1, client.rebuild(database, NATIVE, NativePassword.scramble(password, greeting.seed)));
            io.flush();
            int status = authenticate(io, client.user, password, endpoint);
            boolean deprecateEof = (negotiated & Protocol.CLIENT_DEPRECATE_EOF) != 0;
            for (int i = 0; i < settings.size(); i++) {
                ResponseRelay r = command(io, Protocol.COM_QUERY, settings.get(i).getBytes(StandardCharsets.UTF_8), deprecateEof);
                r.results();
                if (r.error() != null) {
                    throw new MoveFailed("replaying session setting #" + (i + 1) + " on " + endpoint + " failed: " + r.error());
                }
                if (r.status() >= 0) status = r.status();
            }
            List<Long> ids = new ArrayList<>();
            for (byte[] sql : preparedSql) {
                ResponseRelay r = command(io, Protocol.COM_STMT_PREPARE, sql, deprecateEof);
                long id = r.prepared(x -> x);
                if (id < 0) {
                    throw new MoveFailed("preparing a statement again on " + endpoint + " failed: " + r.error());
                }
                ids.add(id);
            }
            boolean wantAutocommit = (wantedStatus & Protocol.SERVER_STATUS_AUTOCOMMIT) != 0;
            if (wantedStatus >= 0 && wantAutocommit != ((status & Protocol.SERVER_STATUS_AUTOCOMMIT) != 0)) {
                ResponseRelay r = command(io, Protocol.COM_QUERY,
                        ("SET autocommit=" + (wantAutocommit ? 1 : 0)).getBytes(StandardCharsets.UTF_8), deprecateEof);
                r.results();
                if (r.error() != null) throw new MoveFailed("setting autocommit on " + endpoint + " failed: " + r.error());
                status = r.status();
            }
            socket.setSoTimeout(0);
            return new Opened(io, ids, status);
        } catch (IOException e) {
            if (io != null) io.close();
            throw new MoveFailed("talking to " + endpoint + " failed: " + e.getMessage());
        } catch (MoveFailed | RuntimeException e) {
            if (io != null) io.close();
            throw e instanceof MoveFailed m ? m : new MoveFailed("unexpected reply from " + endpoint + ": " + e);
        }
    }

    /** Finishes authentication as {@code user}; returns the status flags of the final OK. */
    private static int authenticate(PacketIo io, String user, String password, Endpoint endpoint) throws IOException, MoveFailed {
        for (int round = 0; round < 4; round++) {
            Packet p = io.readRequired("the authentication result");
            switch (p.first()) {
                case Protocol.OK:
                    return Protocol.statusOf(p);
                case Protocol.ERR:
                    throw new MoveFailed("authenticating user '" + user + "' on " + endpoint + " failed: " + Protocol.errMessage(p));
                case Protocol.EOF: { // AuthSwitchRequest: plugin name, then that plugin's seed
                    int end = Protocol.indexOfNul(p.head, 1);
                    String plugin = Protocol.nulString(p.head, 1);
                    if (!NATIVE.equals(plugin)) {
                        throw new MoveFailed("user '" + user + "' authenticates with " + plugin + " on " + endpoint
                                + "; the proxy can only re-authenticate mysql_native_password users");
                    }
                    byte[] seed = Arrays.copyOfRange(p.head, end + 1, p.head.length);
                    if (seed.length > 0 && seed[seed.length - 1] == 0) seed = Arrays.copyOf(seed, seed.length - 1);
                    io.write(p.seq + 1, NativePassword.scramble(password, seed));
                    io.flush();
                    break;
                }
                default:
                    throw new MoveFailed("unsupported authentication exchange for user '" + user + "' on " + endpoint);
            }
        }
        throw new MoveFailed("authentication for user '" + user + "' on " + endpoint + " did not finish");
    }

    /** Sends a command the proxy makes itself; returns a relay that reads (and discards) its response. */
    static ResponseRelay command(PacketIo io, int command, byte[] argument, boolean deprecateEof) throws IOException {
        byte[] payload = new byte[1 + argument.length];
        payload[0] = (byte) command;
        System.arraycopy(argument, 0, payload, 1, argument.length);
        io.write(0, payload);
        io.flush();
        return new ResponseRelay(io, null, deprecateEof);
    }
}
