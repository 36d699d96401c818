package io.paraverse.traffic.proxy;

import java.nio.charset.StandardCharsets;

/** MySQL/MariaDB client/server protocol constants and little-endian helpers the proxy needs. */
final class Protocol {
    private Protocol() { }

    /** A physical packet of this payload length is continued by the next one. */
    static final int MAX_PAYLOAD = 0xFFFFFF;

    // capability flags
    static final long CLIENT_CONNECT_WITH_DB = 0x8;
    static final long CLIENT_COMPRESS = 0x20;
    static final long CLIENT_PROTOCOL_41 = 0x200;
    static final long CLIENT_SSL = 0x800;
    static final long CLIENT_SECURE_CONNECTION = 0x8000;
    static final long CLIENT_PLUGIN_AUTH = 0x80000;
    static final long CLIENT_CONNECT_ATTRS = 0x100000;
    static final long CLIENT_PLUGIN_AUTH_LENENC_DATA = 0x200000;
    static final long CLIENT_DEPRECATE_EOF = 0x1000000;
    static final long CLIENT_ZSTD_COMPRESSION = 0x4000000;
    static final long CLIENT_QUERY_ATTRIBUTES = 0x8000000;
    /** Set by MySQL servers/clients; when clear, the 4 bytes before the greeting's scramble part 2 are MariaDB extended capabilities. */
    static final long CLIENT_MYSQL = 0x1;
    /** Capabilities the proxy removes from the greeting: it must read every packet in the clear and uncompressed. */
    static final long STRIPPED_CAPABILITIES = CLIENT_SSL | CLIENT_COMPRESS | CLIENT_ZSTD_COMPRESSION | CLIENT_QUERY_ATTRIBUTES;

    // MariaDB extended capabilities (the high 32 bits, sent separately)
    static final long MARIADB_CLIENT_PROGRESS = 0x1;
    static final long MARIADB_CLIENT_CACHE_METADATA = 0x10;
    /** Progress packets arrive mid-response; cached metadata changes the result-set layout: the proxy turns both off. */
    static final long STRIPPED_MARIADB_CAPABILITIES = MARIADB_CLIENT_PROGRESS | MARIADB_CLIENT_CACHE_METADATA;

    // server status flags
    static final int SERVER_STATUS_IN_TRANS = 0x0001;
    static final int SERVER_STATUS_AUTOCOMMIT = 0x0002;
    static final int SERVER_MORE_RESULTS_EXISTS = 0x0008;
    static final int SERVER_STATUS_CURSOR_EXISTS = 0x0040;

    // commands
    static final int COM_QUIT = 0x01;
    static final int COM_INIT_DB = 0x02;
    static final int COM_QUERY = 0x03;
    static final int COM_FIELD_LIST = 0x04;
    static final int COM_STATISTICS = 0x09;
    static final int COM_CHANGE_USER = 0x11;
    static final int COM_BINLOG_DUMP = 0x12;
    static final int COM_STMT_PREPARE = 0x16;
    static final int COM_STMT_EXECUTE = 0x17;
    static final int COM_STMT_SEND_LONG_DATA = 0x18;
    static final int COM_STMT_CLOSE = 0x19;
    static final int COM_STMT_RESET = 0x1A;
    static final int COM_STMT_FETCH = 0x1C;
    static final int COM_BINLOG_DUMP_GTID = 0x1E;
    static final int COM_RESET_CONNECTION = 0x1F;
    static final int COM_STMT_BULK_EXECUTE = 0xFA;

    static final int OK = 0x00;
    static final int ERR = 0xFF;
    static final int EOF = 0xFE;
    static final int LOCAL_INFILE = 0xFB;

    /** Commands whose payload starts (after the command byte) with a 4-byte statement id. */
    static boolean carriesStatementId(int command) {
        return command == COM_STMT_EXECUTE || command == COM_STMT_SEND_LONG_DATA || command == COM_STMT_CLOSE
                || command == COM_STMT_RESET || command == COM_STMT_FETCH || command == COM_STMT_BULK_EXECUTE;
    }

    static int u16(byte[] b, int off) {
        return (b[off] & 0xFF) | (b[off + 1] & 0xFF) << 8;
    }

    static long u32(byte[] b, int off) {
        return (b[off] & 0xFFL) | (b[off + 1] & 0xFFL) << 8 | (b[off + 2] & 0xFFL) << 16 | (b[off + 3] & 0xFFL) << 24;
    }

    static void putU32(byte[] b, int off, long v) {
        b[off] = (byte) v;
        b[off + 1] = (byte) (v >>> 8);
        b[off + 2] = (byte) (v >>> 16);
        b[off + 3] = (byte) (v >>> 24);
    }

    /** Length of a length-encoded integer starting at {@code off}. */
    static int lenencSize(byte[] b, int off) {
        int f = b[off] & 0xFF;
        if (f < 0xFB) return 1;
        if (f == 0xFC) return 3;
        if (f == 0xFD) return 4;
        if (f == 0xFE) return 9;
        return 1; // 0xFB (NULL)
    }

    static long lenenc(byte[] b, int off) {
        int f = b[off] & 0xFF;
        if (f < 0xFB) return f;
        if (f == 0xFC) return u16(b, off + 1);
        if (f == 0xFD) return (b[off + 1] & 0xFFL) | (b[off + 2] & 0xFFL) << 8 | (b[off + 3] & 0xFFL) << 16;
        if (f == 0xFE) return u32(b, off + 1) | u32(b, off + 5) << 32;
        return -1;
    }

    static int indexOfNul(byte[] b, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == 0) return i;
        }
        return -1;
    }

    static String nulString(byte[] b, int from) {
        int end = indexOfNul(b, from);
        return new String(b, from, (end < 0 ? b.length : end) - from, StandardCharsets.UTF_8);
    }

    /**
     * Server status flags of an OK packet (also an OK-format result-set terminator) or of a 5-byte EOF packet;
     * -1 when the packet carries none.
     */
    static int statusOf(Packet p) {
        byte[] h = p.head;
        if (h.length == 5 && (h[0] & 0xFF) == EOF) {
            return u16(h, 3); // EOF: header, warnings(2), status(2)
        }
        if (h.length < 3) return -1;
        int off = 1;
        off += lenencSize(h, off);
        if (off >= h.length) return -1;
        off += lenencSize(h, off);
        if (off + 2 > h.length) return -1;
        return u16(h, off);
    }

    /** An OK/EOF packet ends a result set: header 0xFE and not a (≥16 MB) row that starts with 0xFE. */
    static boolean isTerminator(Packet p) {
        return p.first() == EOF && p.length < MAX_PAYLOAD;
    }

    /** An ERR packet a proxy sends to a client itself (SQL state HY000). */
    static byte[] errPayload(int code, String message) {
        byte[] msg = ("#HY000" + message).getBytes(StandardCharsets.UTF_8);
        byte[] p = new byte[3 + msg.length];
        p[0] = (byte) 0xFF;
        p[1] = (byte) code;
        p[2] = (byte) (code >>> 8);
        System.arraycopy(msg, 0, p, 3, msg.length);
        return p;
    }

    /** The message text of an ERR packet (for logs and errors; never carries a password). */
    static String errMessage(Packet p) {
        byte[] h = p.head;
        if (h.length < 3) return "(empty error)";
        int code = u16(h, 1);
        int off = 3;
        if (h.length > 3 && h[3] == '#') off = 9;
        return "error " + code + ": " + new String(h, Math.min(off, h.length), Math.max(0, h.length - off), StandardCharsets.UTF_8);
    }
}
