package io.paraverse.journal;

import io.paraverse.translator.TableDef;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;

/**
 * Brings a journal directory to a clean state on open. Only the last segment is scanned (plus the one before it
 * if the last holds no commit): older segments were complete and fsynced when the writer rolled past them.
 *
 * <p>In the last segment, a bad record with nothing valid after it is a torn tail from a crash and is cut off;
 * rows after the last commit are cut off too (capture resumes from that commit and re-sends them). A bad record
 * followed by valid data, or any bad record in an earlier segment, is corruption and stops the open.
 */
final class JournalRecovery {
    private static final Logger log = LoggerFactory.getLogger(JournalRecovery.class);

    /** Where writing continues and the last durable commit. */
    record Result(ActiveSegment active, long nextSeq, DurablePoint durable) {
    }

    /** What scanning one segment found. */
    private record Scan(DurablePoint lastCommit, List<TableDef> tablesAtCommit, long nextSeq, long tornAt,
                        String tornReason) {
    }

    private JournalRecovery() {
    }

    static Result recover(Path dir, SegmentIndex index, JournalOptions options) throws IOException {
        if (index.isEmpty()) {
            ActiveSegment first = ActiveSegment.create(dir, 1, options.writeBufferBytes());
            index.add(1, first.path());
            return new Result(first, 1, new DurablePoint(0, 1, SegmentFiles.HEADER_BYTES, null));
        }
        Map.Entry<Long, Path> last = index.last();
        long firstSeq = last.getKey();
        Path path = last.getValue();
        DurablePoint commit;
        List<TableDef> tables;
        long end;
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size < SegmentFiles.HEADER_BYTES) {
                log.warn("journal segment {} is {} bytes, shorter than its header: torn while being created;"
                        + " rewriting the header", path, size);
                ch.truncate(0);
                SegmentFiles.writeHeader(ch, firstSeq);
                ch.force(true);
                commit = null;
                tables = List.of();
            } else {
                SegmentFiles.checkHeader(path, ch, firstSeq);
                Scan scan = scan(path, ch, firstSeq, size, true);
                commit = scan.lastCommit();
                tables = scan.tablesAtCommit();
                cutTail(path, ch, firstSeq, size, scan);
            }
            end = commit == null ? SegmentFiles.HEADER_BYTES : commit.endOffset();
        }
        long nextSeq = commit == null ? firstSeq : commit.seq() + 1;
        DurablePoint durable = commit != null ? commit : commitBefore(index, firstSeq);
        ActiveSegment active = ActiveSegment.reopen(path, firstSeq, end, tables, options.writeBufferBytes());
        return new Result(active, nextSeq, durable);
    }

    /** Truncates the last segment after its last commit, saying what was dropped and why. */
    private static void cutTail(Path path, FileChannel ch, long firstSeq, long size, Scan scan) throws IOException {
        long keep = scan.lastCommit() == null ? SegmentFiles.HEADER_BYTES : scan.lastCommit().endOffset();
        if (keep == size) {
            return;
        }
        long validEnd = size;
        if (scan.tornAt() >= 0) {
            validEnd = scan.tornAt();
            log.warn("journal segment {}: torn tail at offset {} ({}), left by a crash while writing; dropping its"
                    + " last {} bytes", path, scan.tornAt(), scan.tornReason(), size - scan.tornAt());
        }
        if (validEnd > keep) {
            long firstDropped = scan.lastCommit() == null ? firstSeq : scan.lastCommit().seq() + 1;
            long rows = scan.nextSeq() - firstDropped;
            log.warn("journal segment {}: dropping {} bytes after the last commit{}, holding {} uncommitted row(s);"
                    + " capture resumes from the last commit and re-sends them", path, validEnd - keep,
                    scan.lastCommit() == null ? " (none in this segment)" : " (seq " + scan.lastCommit().seq() + ")",
                    rows);
        }
        ch.truncate(keep);
        ch.force(true);
    }

    /** The last commit of the segment before {@code firstSeq}, which must end right before it. */
    private static DurablePoint commitBefore(SegmentIndex index, long firstSeq) throws IOException {
        Map.Entry<Long, Path> prev = index.before(firstSeq);
        if (prev == null) {
            return new DurablePoint(firstSeq - 1, firstSeq, SegmentFiles.HEADER_BYTES, null);
        }
        Path path = prev.getValue();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            SegmentFiles.checkHeader(path, ch, prev.getKey());
            long size = ch.size();
            Scan scan = scan(path, ch, prev.getKey(), size, false);
            DurablePoint commit = scan.lastCommit();
            if (commit == null || commit.seq() != firstSeq - 1 || scan.nextSeq() != firstSeq) {
                throw new JournalCorruptException(path, size, "segment ends at seq " + (scan.nextSeq() - 1)
                        + (commit == null ? " without any commit" : " (last commit seq " + commit.seq() + ")")
                        + " but the next segment starts at seq " + firstSeq);
            }
            return commit;
        }
    }

    /**
     * Reads and decodes every record. With {@code tornTailAllowed}, a bad record that nothing valid follows ends
     * the scan (reported in the result); otherwise any bad record is corruption.
     */
    private static Scan scan(Path path, FileChannel ch, long firstSeq, long size, boolean tornTailAllowed)
            throws IOException {
        SegmentRecordReader records = new SegmentRecordReader(path, ch, SegmentFiles.HEADER_BYTES);
        SegmentDecoder decoder = new SegmentDecoder(path, firstSeq);
        DurablePoint lastCommit = null;
        int tablesAtCommit = 0;
        while (records.position() < size) {
            RawRecord r;
            try {
                r = records.next(size);
            } catch (FrameException e) {
                if (!tornTailAllowed) {
                    throw new JournalCorruptException(path, e.offset(), e.reason() + " in a segment that is not the"
                            + " last one, so it cannot be a torn tail");
                }
                long valid = TailProbe.findValidRecordAfter(ch, e.offset(), size, decoder.nextSeq());
                if (valid >= 0) {
                    throw new JournalCorruptException(path, e.offset(), e.reason() + ", and a valid record follows at"
                            + " offset " + valid + ", so this is damage rather than a torn tail");
                }
                return new Scan(lastCommit, List.copyOf(decoder.tables().subList(0, tablesAtCommit)),
                        decoder.nextSeq(), e.offset(), e.reason());
            }
            JournalEntry entry = decoder.decode(r, false);
            if (entry instanceof JournalEntry.TxCommit c) {
                lastCommit = new DurablePoint(c.seq(), firstSeq, r.end, c.commit());
                tablesAtCommit = decoder.tables().size();
            }
        }
        return new Scan(lastCommit, List.copyOf(decoder.tables().subList(0, tablesAtCommit)), decoder.nextSeq(),
                -1, null);
    }
}
