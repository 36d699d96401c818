package io.paraverse.traffic.proxy;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The client's HandshakeResponse41: what the client negotiated (capabilities, collation, packet size, user, database,
 * connection attributes). The proxy rebuilds it, with a new authentication response, to open a session for the same
 * client on another server.
 */
final class HandshakeResponse {
    final long capabilities;
    final long maxPacketSize;
    final int collation;
    final byte[] filler; // 23 bytes; MariaDB clients put their extended capabilities in the last 4
    final String user;
    final String database;
    final String authPlugin;
    final byte[] attributes; // raw connection attributes block (lenenc length + data), or null

    private HandshakeResponse(long capabilities, long maxPacketSize, int collation, byte[] filler, String user,
                              String database, String authPlugin, byte[] attributes) {
        this.capabilities = capabilities;
        this.maxPacketSize = maxPacketSize;
        this.collation = collation;
        this.filler = filler;
        this.user = user;
        this.database = database;
        this.authPlugin = authPlugin;
        this.attributes = attributes;
    }

    /** Whether this is only an SSLRequest (the client wants TLS before sending its credentials). */
    static boolean isSslRequest(byte[] payload) {
        return payload.length == 32 && (Protocol.u32(payload, 0) & Protocol.CLIENT_SSL) != 0;
    }

    static HandshakeResponse parse(byte[] p) {
        long caps = Protocol.u32(p, 0);
        if ((caps & Protocol.CLIENT_PROTOCOL_41) == 0) {
            throw new IllegalArgumentException("client uses the pre-4.1 protocol");
        }
        long maxPacket = Protocol.u32(p, 4);
        int collation = p[8] & 0xFF;
        byte[] filler = Arrays.copyOfRange(p, 9, 32);
        int off = 32;
        int end = Protocol.indexOfNul(p, off);
        String user = new String(p, off, end - off, StandardCharsets.UTF_8);
        off = end + 1;
        if ((caps & Protocol.CLIENT_PLUGIN_AUTH_LENENC_DATA) != 0) {
            long n = Protocol.lenenc(p, off);
            off += Protocol.lenencSize(p, off) + (int) n;
        } else if ((caps & Protocol.CLIENT_SECURE_CONNECTION) != 0) {
            off += 1 + (p[off] & 0xFF);
        } else {
            off = Protocol.indexOfNul(p, off) + 1;
        }
        String db = null;
        if ((caps & Protocol.CLIENT_CONNECT_WITH_DB) != 0 && off < p.length) {
            end = Protocol.indexOfNul(p, off);
            if (end < 0) end = p.length;
            db = new String(p, off, end - off, StandardCharsets.UTF_8);
            off = end + 1;
            if (db.isEmpty()) db = null;
        }
        String plugin = null;
        if ((caps & Protocol.CLIENT_PLUGIN_AUTH) != 0 && off < p.length) {
            end = Protocol.indexOfNul(p, off);
            if (end < 0) end = p.length;
            plugin = new String(p, off, end - off, StandardCharsets.UTF_8);
            off = end + 1;
        }
        byte[] attrs = null;
        if ((caps & Protocol.CLIENT_CONNECT_ATTRS) != 0 && off < p.length) {
            long n = Protocol.lenenc(p, off);
            int size = Protocol.lenencSize(p, off) + (int) n;
            attrs = Arrays.copyOfRange(p, off, Math.min(p.length, off + size));
        }
        return new HandshakeResponse(caps, maxPacket, collation, filler, user, db, plugin, attrs);
    }

    /** MariaDB extended capabilities the client asked for (0 for MySQL clients). */
    long mariaDbCapabilities() {
        return (capabilities & Protocol.CLIENT_MYSQL) != 0 ? 0 : Protocol.u32(filler, 19);
    }

    /** This response for another server: same negotiation, {@code database} as the default database, a new auth response. */
    byte[] rebuild(String database, String plugin, byte[] authResponse) {
        long caps = capabilities | Protocol.CLIENT_PLUGIN_AUTH;
        caps = database == null ? caps & ~Protocol.CLIENT_CONNECT_WITH_DB : caps | Protocol.CLIENT_CONNECT_WITH_DB;
        ByteArrayOutputStream out = new ByteArrayOutputStream(128);
        byte[] head = new byte[32];
        Protocol.putU32(head, 0, caps);
        Protocol.putU32(head, 4, maxPacketSize);
        head[8] = (byte) collation;
        System.arraycopy(filler, 0, head, 9, 23);
        out.writeBytes(head);
        out.writeBytes(user.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        if ((caps & Protocol.CLIENT_PLUGIN_AUTH_LENENC_DATA) != 0 || (caps & Protocol.CLIENT_SECURE_CONNECTION) != 0) {
            out.write(authResponse.length); // < 251 bytes: a one-byte length in both encodings
            out.writeBytes(authResponse);
        } else {
            out.writeBytes(authResponse);
            out.write(0);
        }
        if (database != null) {
            out.writeBytes(database.getBytes(StandardCharsets.UTF_8));
            out.write(0);
        }
        out.writeBytes(plugin.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        if ((caps & Protocol.CLIENT_CONNECT_ATTRS) != 0) {
            if (attributes != null) {
                out.writeBytes(attributes);
            } else {
                out.write(0);
            }
        }
        return out.toByteArray();
    }
}
