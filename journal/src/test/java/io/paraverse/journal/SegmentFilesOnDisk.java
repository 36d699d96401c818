package io.paraverse.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Test-side view of the files: segment list, record offsets, and crash snapshots. */
final class SegmentFilesOnDisk {
    /** One record's frame as found in the file. */
    record Frame(long offset, int length, int type, long seq) {
        long end() {
            return offset + 8 + length;
        }
    }

    private SegmentFilesOnDisk() {
    }

    static List<Path> segments(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".seg")).sorted().toList();
        }
    }

    static List<String> segmentNames(Path dir) throws IOException {
        return segments(dir).stream().map(p -> p.getFileName().toString()).toList();
    }

    /** Walks the frames of a well-formed segment, independently of the production reader. */
    static List<Frame> frames(Path segment) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(segment));
        List<Frame> out = new ArrayList<>();
        int pos = 16;
        while (pos + 8 <= b.limit()) {
            int len = b.getInt(pos);
            out.add(new Frame(pos, len, b.get(pos + 8), b.getLong(pos + 9)));
            pos += 8 + len;
        }
        return out;
    }

    /** What a crash right now would leave: the segment files as they are on disk (page cache), without LOCK. */
    static Path crashCopy(Path dir, Path target) throws IOException {
        Files.createDirectories(target);
        for (Path p : segments(dir)) {
            Files.copy(p, target.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
        }
        return target;
    }

    static void flipByte(Path file, long offset) throws IOException {
        byte[] all = Files.readAllBytes(file);
        all[(int) offset] ^= 0x5A;
        Files.write(file, all);
    }

    static void truncate(Path file, long size) throws IOException {
        try (var ch = java.nio.channels.FileChannel.open(file, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(size);
        }
    }
}
