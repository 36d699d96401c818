package io.paraverse.traffic.proxy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.LongUnaryOperator;

/**
 * Reads one command's complete response from a server, packet by packet, forwarding it to the client (or discarding
 * it when the proxy sent the command itself), and remembers the last server status flags and whether it ended in an
 * error. Knows where each kind of response ends: OK / ERR / EOF, text and binary result sets with or without
 * CLIENT_DEPRECATE_EOF, multi-results, prepare responses, cursors, LOCAL INFILE.
 */
final class ResponseRelay {
    private final PacketIo server;
    private final PacketIo client; // null: the proxy's own command, the response is discarded
    private final boolean deprecateEof;
    private int status = -1;
    private String error;

    ResponseRelay(PacketIo server, PacketIo client, boolean deprecateEof) {
        this.server = server;
        this.client = client;
        this.deprecateEof = deprecateEof;
    }

    /** Server status flags of the last OK/EOF in the response, -1 if there was none. */
    int status() {
        return status;
    }

    /** The server's error message when the response ended with ERR, else null. */
    String error() {
        return error;
    }

    /** The response to COM_QUERY, COM_STMT_EXECUTE, COM_INIT_DB, COM_PING and other OK/ERR/result-set commands. */
    void results() throws IOException {
        while (true) {
            Packet p = next();
            int t = p.first();
            if (t == Protocol.ERR) {
                error = Protocol.errMessage(p);
                break;
            }
            if (t == Protocol.OK || (t == Protocol.EOF && p.length < 9)) {
                noteStatus(p);
                if (moreResults()) continue;
                break;
            }
            if (t == Protocol.LOCAL_INFILE) {
                sendLocalFile();
                continue; // the server answers the file with OK or ERR
            }
            long columns = Protocol.lenenc(p.head, 0);
            for (long i = 0; i < columns; i++) {
                next();
            }
            boolean cursorOnly = false;
            if (!deprecateEof) {
                Packet eof = next();
                noteStatus(eof);
                cursorOnly = (status & Protocol.SERVER_STATUS_CURSOR_EXISTS) != 0;
            }
            if (!cursorOnly && !rows()) {
                break;
            }
            if (!moreResults()) break;
        }
        flush();
    }

    /** The response to COM_STMT_FETCH: rows, then a terminator or ERR. */
    void fetched() throws IOException {
        rows();
        flush();
    }

    /** Rows until the terminator (true) or an ERR (false). */
    private boolean rows() throws IOException {
        while (true) {
            Packet r = next();
            if (r.first() == Protocol.ERR) {
                error = Protocol.errMessage(r);
                return false;
            }
            if (Protocol.isTerminator(r)) {
                noteStatus(r);
                return true;
            }
        }
    }

    /** The response to COM_FIELD_LIST: column definitions until EOF, or ERR. */
    void fieldList() throws IOException {
        rows();
        flush();
    }

    /** A one-packet response (COM_STATISTICS). */
    void single() throws IOException {
        next();
        flush();
    }

    /**
     * The response to COM_STMT_PREPARE. {@code clientIdFor} maps the server's statement id to the id the client
     * will see (the packet is rewritten before it is forwarded). Returns the server's statement id, or -1 on ERR.
     */
    long prepared(LongUnaryOperator clientIdFor) throws IOException {
        Packet p = server.readRequired("a prepare response");
        if (p.first() == Protocol.ERR) {
            error = Protocol.errMessage(p);
            pass(p);
            flush();
            return -1;
        }
        if (p.first() != Protocol.OK || p.length < 9) {
            throw new IOException("unexpected prepare response (type 0x" + Integer.toHexString(p.first()) + ")");
        }
        long serverId = Protocol.u32(p.head, 1);
        int columns = Protocol.u16(p.head, 5);
        int params = Protocol.u16(p.head, 7);
        Protocol.putU32(p.head, 1, clientIdFor.applyAsLong(serverId));
        pass(p);
        for (int i = 0; i < params; i++) next();
        if (params > 0 && !deprecateEof) next();
        for (int i = 0; i < columns; i++) next();
        if (columns > 0 && !deprecateEof) next();
        flush();
        return serverId;
    }

    /** The single value of a one-row, one-column text result (the proxy's own query); null for SQL NULL. */
    String singleValue() throws IOException {
        Packet p = next();
        if (p.first() == Protocol.ERR) {
            error = Protocol.errMessage(p);
            return null;
        }
        long columns = Protocol.lenenc(p.head, 0);
        for (long i = 0; i < columns; i++) next();
        if (!deprecateEof) noteStatus(next());
        String value = null;
        while (true) {
            Packet r = next();
            if (r.first() == Protocol.ERR) {
                error = Protocol.errMessage(r);
                return null;
            }
            if (Protocol.isTerminator(r)) {
                noteStatus(r);
                return value;
            }
            if (r.first() != 0xFB) {
                int n = (int) Protocol.lenenc(r.head, 0);
                value = new String(r.head, Protocol.lenencSize(r.head, 0), n, StandardCharsets.UTF_8);
            }
        }
    }

    /** LOCAL INFILE: the client sends the file's packets, ending with an empty one. */
    private void sendLocalFile() throws IOException {
        if (client == null) {
            throw new IOException("the server asked the proxy for a local file");
        }
        client.flush();
        while (true) {
            Packet c = client.readRequired("LOCAL INFILE data");
            server.write(c);
            if (c.length == 0) break;
        }
        server.flush();
    }

    private boolean moreResults() {
        return status >= 0 && (status & Protocol.SERVER_MORE_RESULTS_EXISTS) != 0;
    }

    private void noteStatus(Packet p) {
        int s = Protocol.statusOf(p);
        if (s >= 0) status = s;
    }

    /** One logical packet (a 16 MB-1 packet is continued by the next), forwarded; returns its first physical packet. */
    private Packet next() throws IOException {
        Packet first = server.readRequired("a server response");
        pass(first);
        Packet p = first;
        while (p.continued()) {
            p = server.readRequired("a continued server packet");
            pass(p);
        }
        return first;
    }

    private void pass(Packet p) throws IOException {
        if (client == null) {
            p.discardRest();
            return;
        }
        client.write(p);
        if (!server.hasBufferedInput()) {
            client.flush(); // nothing more to read right now: let the client have what arrived
        }
    }

    private void flush() throws IOException {
        if (client != null) client.flush();
    }
}
