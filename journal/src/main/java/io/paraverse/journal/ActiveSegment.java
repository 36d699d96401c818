package io.paraverse.journal;

import io.paraverse.translator.TableDef;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * The segment being written: its file, the write buffer in front of it and its table ids. Records go into the
 * buffer and reach the file when it fills or on {@link #flush}; {@link #size} counts both. Not thread-safe: the
 * journal writer guards it with its lock.
 */
final class ActiveSegment implements Closeable {
    private final Path path;
    private final long firstSeq;
    private final FileChannel channel;
    private final ByteBuffer buffer;
    private final ByteBuffer frame = ByteBuffer.allocate(RecordFormat.FRAME_BYTES);
    private final TableIds tables;
    /** Bytes already in the file; the buffer's content follows them. */
    private long flushed;

    private ActiveSegment(Path path, long firstSeq, FileChannel channel, long end, List<TableDef> tables,
                          int bufferBytes) {
        this.path = path;
        this.firstSeq = firstSeq;
        this.channel = channel;
        this.flushed = end;
        this.tables = new TableIds(tables);
        this.buffer = ByteBuffer.allocateDirect(bufferBytes); // direct: the JDK would copy a heap buffer anyway
    }

    /** Creates a new, empty segment file. */
    static ActiveSegment create(Path dir, long firstSeq, int bufferBytes) throws IOException {
        FileChannel ch = SegmentFiles.create(dir, firstSeq);
        return new ActiveSegment(SegmentFiles.path(dir, firstSeq), firstSeq, ch, SegmentFiles.HEADER_BYTES,
                List.of(), bufferBytes);
    }

    /** Continues a recovered segment whose valid content ends at {@code end} and defines {@code tables}. */
    static ActiveSegment reopen(Path path, long firstSeq, long end, List<TableDef> tables, int bufferBytes)
            throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        return new ActiveSegment(path, firstSeq, ch, end, tables, bufferBytes);
    }

    Path path() {
        return path;
    }

    long firstSeq() {
        return firstSeq;
    }

    TableIds tables() {
        return tables;
    }

    /** Logical size: file content plus buffered records. */
    long size() {
        return flushed + buffer.position();
    }

    /** Appends one framed record whose payload is {@code payload[0, length)} with checksum {@code crc}. */
    void append(byte[] payload, int length, int crc) throws IOException {
        int framed = RecordFormat.FRAME_BYTES + length;
        if (framed > buffer.remaining()) {
            flush();
        }
        if (framed <= buffer.remaining()) {
            buffer.putInt(length).putInt(crc).put(payload, 0, length);
            return;
        }
        frame.clear();
        frame.putInt(length).putInt(crc).flip(); // larger than the buffer: straight to the file
        writeFully(frame);
        writeFully(ByteBuffer.wrap(payload, 0, length));
    }

    /** Writes the buffer to the file (no fsync). */
    void flush() throws IOException {
        buffer.flip();
        writeFully(buffer);
        buffer.clear();
    }

    private void writeFully(ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            flushed += channel.write(b, flushed);
        }
    }

    /** Forces file content (written by {@link #flush}) to disk. */
    void force() throws IOException {
        channel.force(false);
    }

    /** Drops everything from logical offset {@code offset} on, buffered or already in the file. */
    void truncateTo(long offset) throws IOException {
        if (offset >= flushed) {
            buffer.position((int) (offset - flushed));
        } else {
            buffer.clear();
            channel.truncate(offset);
            flushed = offset;
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
