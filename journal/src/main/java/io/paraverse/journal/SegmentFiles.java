package io.paraverse.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Naming and header of segment files. A segment is named by the first sequence number it holds, zero-padded to
 * 20 digits so lexical order is numeric order, and starts with a 16-byte header: magic "PVJL", format version,
 * and that first sequence number again (so a renamed or misplaced file is detected).
 */
final class SegmentFiles {
    static final String SUFFIX = ".seg";
    static final int HEADER_BYTES = 16;
    static final int MAGIC = 0x50564A4C; // "PVJL"
    static final int VERSION = 1;

    private static final Pattern NAME = Pattern.compile("(\\d{20})\\.seg");

    private SegmentFiles() {
    }

    static String name(long firstSeq) {
        return String.format("%020d%s", firstSeq, SUFFIX);
    }

    static Path path(Path dir, long firstSeq) {
        return dir.resolve(name(firstSeq));
    }

    /** The first sequence number a segment file name announces, or empty if the name is not a segment's. */
    static OptionalLong firstSeqOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        return m.matches() ? OptionalLong.of(Long.parseLong(m.group(1))) : OptionalLong.empty();
    }

    /** Creates a new segment holding only its header, durable together with its directory entry. */
    static FileChannel create(Path dir, long firstSeq) throws IOException {
        Path path = path(dir, firstSeq);
        FileChannel ch = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            writeHeader(ch, firstSeq);
            ch.force(true);
            fsyncDirectory(dir);
            return ch;
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    static void writeHeader(FileChannel ch, long firstSeq) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        h.putInt(MAGIC).putInt(VERSION).putLong(firstSeq).flip();
        while (h.hasRemaining()) {
            ch.write(h, h.position());
        }
    }

    /** Throws {@link JournalCorruptException} unless the file starts with a valid header for {@code firstSeq}. */
    static void checkHeader(Path path, FileChannel ch, long firstSeq) throws IOException {
        ByteBuffer h = ByteBuffer.allocate(HEADER_BYTES);
        while (h.hasRemaining()) {
            if (ch.read(h, h.position()) < 0) {
                throw new JournalCorruptException(path, 0, "segment is " + h.position() + " bytes long, shorter than"
                        + " its " + HEADER_BYTES + "-byte header");
            }
        }
        h.flip();
        int magic = h.getInt();
        int version = h.getInt();
        long seq = h.getLong();
        if (magic != MAGIC) {
            throw new JournalCorruptException(path, 0, String.format("not a paraverse journal segment (magic 0x%08x,"
                    + " expected 0x%08x)", magic, MAGIC));
        }
        if (version != VERSION) {
            throw new JournalCorruptException(path, 4, "segment format version " + version + " is not supported"
                    + " by this paraverse (it reads version " + VERSION + ")");
        }
        if (seq != firstSeq) {
            throw new JournalCorruptException(path, 8, "header says the segment starts at seq " + seq
                    + " but its file name says " + firstSeq + " (was the file renamed?)");
        }
    }

    /** Makes a created or renamed file's directory entry durable; not supported on every platform. */
    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            if (Files.isDirectory(dir) && System.getProperty("os.name", "").startsWith("Windows")) {
                return; // Windows cannot open directories; NTFS journals metadata itself
            }
            throw e;
        }
    }
}
