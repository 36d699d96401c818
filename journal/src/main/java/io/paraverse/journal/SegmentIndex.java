package io.paraverse.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;

/**
 * The journal's segment files by first sequence number, built from file names alone (no file is opened).
 * Thread-safe: the writer adds segments, retention removes them, readers look them up.
 */
final class SegmentIndex {
    private final Path dir;
    private final ConcurrentSkipListMap<Long, Path> segments = new ConcurrentSkipListMap<>();

    private SegmentIndex(Path dir) {
        this.dir = dir;
    }

    static SegmentIndex load(Path dir) throws IOException {
        SegmentIndex index = new SegmentIndex(dir);
        try (Stream<Path> files = Files.list(dir)) {
            files.forEach(f -> {
                OptionalLong seq = SegmentFiles.firstSeqOf(f);
                if (seq.isPresent()) {
                    index.segments.put(seq.getAsLong(), f);
                }
            });
        }
        return index;
    }

    Path dir() {
        return dir;
    }

    boolean isEmpty() {
        return segments.isEmpty();
    }

    void add(long firstSeq, Path path) {
        segments.put(firstSeq, path);
    }

    void remove(long firstSeq) {
        segments.remove(firstSeq);
    }

    /** The segment whose first sequence number is exactly {@code firstSeq}, or null. */
    Path get(long firstSeq) {
        return segments.get(firstSeq);
    }

    /** The segment that would hold {@code seq}: the last one starting at or before it; null if none. */
    Map.Entry<Long, Path> holding(long seq) {
        return segments.floorEntry(seq);
    }

    Map.Entry<Long, Path> first() {
        return segments.firstEntry();
    }

    Map.Entry<Long, Path> last() {
        return segments.lastEntry();
    }

    Map.Entry<Long, Path> before(long firstSeq) {
        return segments.lowerEntry(firstSeq);
    }

    /** First sequence number of the segment after the one starting at {@code firstSeq}, or null. */
    Long nextStart(long firstSeq) {
        return segments.higherKey(firstSeq);
    }

    /** A consistent-enough view for iteration (weakly consistent under concurrent change). */
    NavigableMap<Long, Path> view() {
        return segments;
    }
}
