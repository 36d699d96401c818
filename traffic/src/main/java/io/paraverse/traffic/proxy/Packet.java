package io.paraverse.traffic.proxy;

import java.io.IOException;

/**
 * One physical protocol packet as read from a {@link PacketIo}: header fields, the first bytes of the payload
 * ({@link #head}, the whole payload unless it is larger than {@link PacketIo#HEAD_LIMIT}) and, for large packets, the
 * rest still unread in the source stream. A large packet must be written or discarded before the next read.
 */
final class Packet {
    final int length;
    final int seq;
    final byte[] head;
    private final PacketIo source;
    long unread;

    Packet(int length, int seq, byte[] head, PacketIo source) {
        this.length = length;
        this.seq = seq;
        this.head = head;
        this.source = source;
        this.unread = length - head.length;
    }

    /** The first payload byte (the packet type of responses, the command of requests), -1 for an empty payload. */
    int first() {
        return head.length == 0 ? -1 : head[0] & 0xFF;
    }

    /** Whether the whole payload is in {@link #head}. */
    boolean complete() {
        return head.length == length;
    }

    /** Whether the next physical packet continues this one's payload. */
    boolean continued() {
        return length == Protocol.MAX_PAYLOAD;
    }

    PacketIo source() {
        return source;
    }

    void discardRest() throws IOException {
        if (unread > 0) {
            source.skip(unread);
            unread = 0;
        }
    }
}
