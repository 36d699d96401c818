package io.paraverse.journal;

import java.util.Arrays;

/**
 * A growable byte array that encoders append to; reused across records so encoding allocates nothing once warm.
 * Multi-byte integers are big-endian; variable-length integers are LEB128 (7 bits per byte, low bits first).
 */
public final class ByteSink {
    private byte[] bytes;
    private int size;

    public ByteSink() {
        this(256);
    }

    public ByteSink(int initialCapacity) {
        bytes = new byte[Math.max(16, initialCapacity)];
    }

    /** Forgets the content, keeping the capacity. */
    public void reset() {
        size = 0;
    }

    public int size() {
        return size;
    }

    /** The backing array: valid bytes are {@code [0, size())}. */
    public byte[] array() {
        return bytes;
    }

    /** Empties the sink and gives back memory if it grew beyond {@code maxCapacity}. */
    public void shrinkTo(int maxCapacity) {
        size = 0;
        if (bytes.length > maxCapacity) {
            bytes = new byte[Math.max(16, maxCapacity)];
        }
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(bytes, size);
    }

    public void put(int b) {
        ensure(1);
        bytes[size++] = (byte) b;
    }

    public void putInt(int v) {
        ensure(4);
        bytes[size++] = (byte) (v >>> 24);
        bytes[size++] = (byte) (v >>> 16);
        bytes[size++] = (byte) (v >>> 8);
        bytes[size++] = (byte) v;
    }

    public void putLong(long v) {
        putInt((int) (v >>> 32));
        putInt((int) v);
    }

    /** Unsigned LEB128: 1 byte below 128, at most 10 bytes. */
    public void putVarLong(long v) {
        ensure(10);
        while ((v & ~0x7FL) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
    }

    /** Zig-zag then LEB128, so small negative numbers stay short too. */
    public void putZigZagLong(long v) {
        putVarLong((v << 1) ^ (v >> 63));
    }

    public void putBytes(byte[] b) {
        putBytes(b, 0, b.length);
    }

    public void putBytes(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, size, len);
        size += len;
    }

    private void ensure(int more) {
        if (size + more > bytes.length) {
            long want = Math.max((long) bytes.length * 2, (long) size + more);
            if (want > Integer.MAX_VALUE - 16) {
                throw new IllegalArgumentException("record too large to encode: over 2 GiB");
            }
            bytes = Arrays.copyOf(bytes, (int) want);
        }
    }
}
