package io.paraverse.traffic.proxy;

import java.util.Arrays;

/** The server's initial handshake packet (protocol 10): its capabilities and authentication seed. */
final class ServerGreeting {
    final byte[] payload;
    final long capabilities;
    final long mariaDbCapabilities;
    final byte[] seed;
    final String authPlugin;
    private final int capsLowOffset;
    private final int capsHighOffset;
    private final int mariaDbCapsOffset;

    private ServerGreeting(byte[] payload) {
        this.payload = payload;
        if (payload.length < 1 || payload[0] != 10) {
            throw new IllegalArgumentException("not a protocol-10 server greeting");
        }
        int off = Protocol.indexOfNul(payload, 1) + 1; // after the server version
        off += 4; // connection id
        byte[] seed1 = Arrays.copyOfRange(payload, off, off + 8);
        off += 9; // seed part 1 + filler
        capsLowOffset = off;
        long caps = Protocol.u16(payload, off);
        off += 2;
        byte[] seed2 = new byte[0];
        String plugin = "mysql_native_password";
        long mariaCaps = 0;
        int highOff = -1;
        int mariaOff = -1;
        if (off < payload.length) {
            off += 3; // charset, status
            highOff = off;
            caps |= (long) Protocol.u16(payload, off) << 16;
            off += 2;
            int seedLength = payload[off] & 0xFF;
            off += 1 + 6;
            if ((caps & Protocol.CLIENT_MYSQL) == 0) {
                mariaOff = off;
                mariaCaps = Protocol.u32(payload, off);
            }
            off += 4;
            if ((caps & Protocol.CLIENT_SECURE_CONNECTION) != 0) {
                int n = Math.max(13, seedLength - 8);
                seed2 = Arrays.copyOfRange(payload, off, Math.min(payload.length, off + n));
                if (seed2.length > 0 && seed2[seed2.length - 1] == 0) {
                    seed2 = Arrays.copyOf(seed2, seed2.length - 1);
                }
                off += n;
            }
            if ((caps & Protocol.CLIENT_PLUGIN_AUTH) != 0 && off < payload.length) {
                plugin = Protocol.nulString(payload, off);
            }
        }
        this.capabilities = caps;
        this.mariaDbCapabilities = mariaCaps;
        this.capsHighOffset = highOff;
        this.mariaDbCapsOffset = mariaOff;
        this.authPlugin = plugin;
        this.seed = new byte[seed1.length + seed2.length];
        System.arraycopy(seed1, 0, seed, 0, seed1.length);
        System.arraycopy(seed2, 0, seed, seed1.length, seed2.length);
    }

    static ServerGreeting parse(byte[] payload) {
        return new ServerGreeting(payload);
    }

    /** The greeting with TLS, compression, query attributes, progress reports and metadata caching turned off. */
    ServerGreeting stripped() {
        byte[] p = payload.clone();
        long caps = capabilities & ~Protocol.STRIPPED_CAPABILITIES;
        p[capsLowOffset] = (byte) caps;
        p[capsLowOffset + 1] = (byte) (caps >>> 8);
        if (capsHighOffset >= 0) {
            p[capsHighOffset] = (byte) (caps >>> 16);
            p[capsHighOffset + 1] = (byte) (caps >>> 24);
        }
        if (mariaDbCapsOffset >= 0) {
            Protocol.putU32(p, mariaDbCapsOffset, mariaDbCapabilities & ~Protocol.STRIPPED_MARIADB_CAPABILITIES);
        }
        return new ServerGreeting(p);
    }
}
