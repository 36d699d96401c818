package io.paraverse.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * Tells a torn tail from corruption: after a bad record in the last segment, looks for any valid record further
 * on. A crash only tears the end of the file, so a valid record after the bad one means the bad one is damage
 * in the middle. A candidate must have a plausible length, a known type, a sequence number in the range that
 * could follow, and a matching CRC32C, so random bytes of a torn record practically never pass.
 */
final class TailProbe {
    private static final int WINDOW = 1 << 20;
    private static final int MIN_RECORD = RecordFormat.FRAME_BYTES + RecordFormat.MIN_PAYLOAD;

    private TailProbe() {
    }

    /**
     * Offset of the first valid-looking record that starts after {@code badOffset} and ends by {@code end}, or -1.
     * {@code nextSeq} is the sequence number the bad record should have had.
     */
    static long findValidRecordAfter(FileChannel ch, long badOffset, long end, long nextSeq) throws IOException {
        long maxSeq = nextSeq + (end - badOffset) / MIN_RECORD + 1;
        ByteBuffer win = ByteBuffer.allocate((int) Math.min(WINDOW, Math.max(MIN_RECORD, end - badOffset)));
        CRC32C crc = new CRC32C();
        long start = badOffset + 1;
        while (end - start >= MIN_RECORD) {
            win.clear();
            win.limit((int) Math.min(win.capacity(), end - start));
            readFully(ch, win, start);
            win.flip();
            int n = win.limit();
            for (int i = 0; i + MIN_RECORD <= n; i++) {
                long at = start + i;
                int length = win.getInt(i);
                if (length < RecordFormat.MIN_PAYLOAD || length > end - at - RecordFormat.FRAME_BYTES) {
                    continue;
                }
                int type = win.get(i + RecordFormat.FRAME_BYTES);
                long seq = win.getLong(i + RecordFormat.FRAME_BYTES + 1);
                if (!RecordFormat.isKnownType(type) || seq < nextSeq || seq > maxSeq) {
                    continue;
                }
                if (crcMatches(ch, crc, at, length, win.getInt(i + 4))) {
                    return at;
                }
            }
            start += n - (MIN_RECORD - 1); // re-examine the positions too close to the window's end to judge
        }
        return -1;
    }

    private static boolean crcMatches(FileChannel ch, CRC32C crc, long at, int length, int expected)
            throws IOException {
        ByteBuffer payload = ByteBuffer.allocate(length);
        readFully(ch, payload, at + RecordFormat.FRAME_BYTES);
        payload.flip();
        crc.reset();
        crc.update(payload);
        return (int) crc.getValue() == expected;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, long pos) throws IOException {
        long p = pos;
        while (b.hasRemaining()) {
            int r = ch.read(b, p);
            if (r < 0) {
                throw new IOException("file ended while probing at offset " + p);
            }
            p += r;
        }
    }
}
