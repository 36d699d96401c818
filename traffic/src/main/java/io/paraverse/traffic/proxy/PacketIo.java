package io.paraverse.traffic.proxy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.concurrent.atomic.LongAdder;

/** Reads and writes protocol packets on one socket; large payloads are streamed through, not buffered whole. */
final class PacketIo implements Closeable {
    /** Payloads up to this size are read whole; the proxy reads statements and prepared SQL from them. */
    static final int HEAD_LIMIT = 1 << 20;

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final LongAdder bytesWritten;
    private final byte[] copyBuffer = new byte[64 * 1024];

    PacketIo(Socket socket, LongAdder bytesWritten) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
        this.bytesWritten = bytesWritten;
    }

    Socket socket() {
        return socket;
    }

    /** The next packet, or null when the peer closed the connection cleanly before a new packet. */
    Packet read() throws IOException {
        int b0 = in.read();
        if (b0 < 0) {
            return null;
        }
        byte[] h = new byte[3];
        readFully(h, 0, 3);
        int length = b0 | (h[0] & 0xFF) << 8 | (h[1] & 0xFF) << 16;
        int seq = h[2] & 0xFF;
        byte[] head = new byte[Math.min(length, HEAD_LIMIT)];
        readFully(head, 0, head.length);
        return new Packet(length, seq, head, this);
    }

    /** The next packet; a closed connection is an error here (a response or continuation was expected). */
    Packet readRequired(String what) throws IOException {
        Packet p = read();
        if (p == null) {
            throw new EOFException("connection closed while reading " + what);
        }
        return p;
    }

    /** Writes {@code p} (header, head and any unread rest streamed from its source); does not flush. */
    void write(Packet p) throws IOException {
        writeHeader(p.length, p.seq);
        out.write(p.head);
        long rest = p.unread;
        InputStream src = p.source().in;
        while (rest > 0) {
            int n = src.read(copyBuffer, 0, (int) Math.min(copyBuffer.length, rest));
            if (n < 0) throw new EOFException("connection closed in the middle of a packet");
            out.write(copyBuffer, 0, n);
            rest -= n;
        }
        p.unread = 0;
        bytesWritten.add(4L + p.length);
    }

    /** Writes a packet the proxy made itself (payload below 16 MB); does not flush. */
    void write(int seq, byte[] payload) throws IOException {
        writeHeader(payload.length, seq);
        out.write(payload);
        bytesWritten.add(4L + payload.length);
    }

    void flush() throws IOException {
        out.flush();
    }

    /** Whether bytes are already buffered or readable without blocking. */
    boolean hasBufferedInput() throws IOException {
        return in.available() > 0;
    }

    void skip(long n) throws IOException {
        while (n > 0) {
            long k = in.skip(n);
            if (k <= 0) {
                if (in.read() < 0) throw new EOFException("connection closed in the middle of a packet");
                k = 1;
            }
            n -= k;
        }
    }

    private void writeHeader(int length, int seq) throws IOException {
        out.write(length & 0xFF);
        out.write((length >>> 8) & 0xFF);
        out.write((length >>> 16) & 0xFF);
        out.write(seq & 0xFF);
    }

    private void readFully(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            int n = in.read(b, off, len);
            if (n < 0) throw new EOFException("connection closed in the middle of a packet");
            off += n;
            len -= n;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
