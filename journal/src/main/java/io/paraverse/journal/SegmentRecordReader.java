package io.paraverse.journal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32C;

/**
 * Reads framed records one after another from a segment file through a bounded buffer, never looking at bytes
 * beyond the limit the caller allows (bytes past the durable point may still change).
 */
final class SegmentRecordReader implements Closeable {
    static final int DEFAULT_BUFFER_BYTES = 256 * 1024;

    private final Path path;
    private final FileChannel channel;
    private final boolean ownsChannel;
    private final CRC32C crc = new CRC32C();
    private final RawRecord record = new RawRecord();
    private ByteBuffer buf = ByteBuffer.allocate(DEFAULT_BUFFER_BYTES);
    /** File offset of {@code buf}'s byte 0; {@code buf}'s limit marks how much of the file it holds. */
    private long bufStart;
    private long position;

    /** Over an open channel (the caller closes it), starting at {@code position}. */
    SegmentRecordReader(Path path, FileChannel channel, long position) {
        this(path, channel, position, false);
    }

    private SegmentRecordReader(Path path, FileChannel channel, long position, boolean ownsChannel) {
        this.path = path;
        this.channel = channel;
        this.position = position;
        this.ownsChannel = ownsChannel;
        buf.limit(0);
    }

    /** Opens a segment for reading after checking its header. */
    static SegmentRecordReader open(Path path, long firstSeq) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            SegmentFiles.checkHeader(path, ch, firstSeq);
            return new SegmentRecordReader(path, ch, SegmentFiles.HEADER_BYTES, true);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    Path path() {
        return path;
    }

    /** File offset of the next record. */
    long position() {
        return position;
    }

    long fileSize() throws IOException {
        return channel.size();
    }

    /**
     * The record at {@link #position()}, which must be below {@code limit}; advances past it.
     * Throws FrameException if the record runs past {@code limit} or its length or checksum is wrong.
     */
    RawRecord next(long limit) throws FrameException, IOException {
        long pos = position;
        long available = limit - pos;
        if (available < RecordFormat.FRAME_BYTES) {
            throw new FrameException(pos, "incomplete record header (" + available + " of "
                    + RecordFormat.FRAME_BYTES + " bytes)");
        }
        fill(pos, RecordFormat.FRAME_BYTES, limit);
        int at = (int) (pos - bufStart);
        int length = buf.getInt(at);
        int storedCrc = buf.getInt(at + 4);
        if (length < RecordFormat.MIN_PAYLOAD) {
            throw new FrameException(pos, "record length " + length + " is below the minimum of "
                    + RecordFormat.MIN_PAYLOAD);
        }
        if (length > available - RecordFormat.FRAME_BYTES) {
            throw new FrameException(pos, "record of " + length + " bytes runs past the end ("
                    + (available - RecordFormat.FRAME_BYTES) + " bytes left)");
        }
        fill(pos, RecordFormat.FRAME_BYTES + length, limit);
        at = (int) (pos - bufStart);
        ByteBuffer payload = buf.duplicate();
        payload.limit(at + RecordFormat.FRAME_BYTES + length).position(at + RecordFormat.FRAME_BYTES);
        crc.reset();
        crc.update(payload.duplicate());
        if ((int) crc.getValue() != storedCrc) {
            throw new FrameException(pos, "checksum mismatch in a record of " + length + " bytes");
        }
        record.offset = pos;
        record.end = pos + RecordFormat.FRAME_BYTES + length;
        record.type = payload.get();
        record.seq = payload.getLong();
        record.body = payload.slice();
        position = record.end;
        return record;
    }

    /** Makes file bytes {@code [pos, pos + n)} available in {@code buf}, reading at most up to {@code limit}. */
    private void fill(long pos, int n, long limit) throws IOException, FrameException {
        if (pos >= bufStart && pos + n <= bufStart + buf.limit()) {
            return;
        }
        if (n > buf.capacity()) {
            buf = ByteBuffer.allocate(n); // one oversized record; shrinks back on the next refill
        } else if (buf.capacity() > DEFAULT_BUFFER_BYTES && n <= DEFAULT_BUFFER_BYTES) {
            buf = ByteBuffer.allocate(DEFAULT_BUFFER_BYTES);
        }
        buf.clear();
        buf.limit((int) Math.min(buf.capacity(), limit - pos));
        bufStart = pos;
        while (buf.position() < n) {
            if (channel.read(buf, pos + buf.position()) < 0) {
                buf.flip();
                throw new FrameException(pos, "file ends " + buf.limit() + " bytes into a " + n + "-byte record");
            }
        }
        buf.flip();
    }

    @Override
    public void close() throws IOException {
        if (ownsChannel) {
            channel.close();
        }
    }
}
