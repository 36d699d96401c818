package io.paraverse.journal;

import io.paraverse.translator.Commit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.paraverse.journal.TestChanges.commit;
import static io.paraverse.journal.TestChanges.order;
import static io.paraverse.journal.TestChanges.writeTx;
import static io.paraverse.journal.TestChanges.writeTxs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalRecoveryTest {
    static final JournalOptions OPTIONS = JournalOptions.defaults();

    @TempDir
    Path tmp;

    private Path dir(String name) {
        return tmp.resolve(name);
    }

    private static Commit lastCommitOf(List<JournalEntry> entries) {
        return ((JournalEntry.TxCommit) entries.get(entries.size() - 1)).commit();
    }

    /** After recovery: the given entries and nothing else, lastCommit matches, and writing continues right after. */
    private static void assertRecoveredTo(Path dir, List<JournalEntry> expected) throws Exception {
        try (SegmentJournal j = SegmentJournal.open(dir, OPTIONS)) {
            long lastSeq = expected.get(expected.size() - 1).seq();
            assertEquals(lastSeq, j.lastDurableSeq());
            assertEquals(lastCommitOf(expected), j.lastCommit().orElseThrow());
            Replay.assertReads(expected, j, 0);
            List<JournalEntry> more = new ArrayList<>(expected);
            more.addAll(writeTx(j.writer(), 77, 2));
            assertEquals(lastSeq + 1, more.get(expected.size()).seq(), "seqs continue after the kept commit");
            j.writer().sync();
            Replay.assertReads(more, j, lastSeq - 1);
        }
    }

    @Test
    void tornTailAtEveryByteOfTheLastTransactionRecoversToThePreviousCommit() throws Exception {
        Path original = dir("original");
        List<JournalEntry> kept;
        long keptEnd;
        long fullEnd;
        try (SegmentJournal j = SegmentJournal.open(original, OPTIONS)) {
            kept = writeTxs(j.writer(), 1, 5);
            j.writer().sync();
        }
        Path segment = SegmentFilesOnDisk.segments(original).get(0);
        keptEnd = Files.size(segment);
        try (SegmentJournal j = SegmentJournal.open(original, OPTIONS)) {
            writeTx(j.writer(), 6, 3); // the transaction the crash tears: 3 rows + commit
        }
        fullEnd = Files.size(segment);
        assertTrue(fullEnd - keptEnd > 4 * 17, "test premise: four records after the kept commit");

        for (long cut = keptEnd; cut < fullEnd; cut++) {
            Path crashed = dir("cut-" + cut);
            SegmentFilesOnDisk.crashCopy(original, crashed);
            Path seg = SegmentFilesOnDisk.segments(crashed).get(0);
            SegmentFilesOnDisk.truncate(seg, cut);
            try {
                try (SegmentJournal j = SegmentJournal.open(crashed, OPTIONS)) {
                    assertEquals(kept.get(kept.size() - 1).seq(), j.lastDurableSeq(), "cut at " + cut);
                    assertEquals(lastCommitOf(kept), j.lastCommit().orElseThrow(), "cut at " + cut);
                    Replay.assertReads(kept, j, 0);
                }
                assertEquals(keptEnd, Files.size(seg), "cut at " + cut + ": truncated back to the last commit");
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("recovery of a segment torn at offset " + cut + " failed: " + e, e);
            }
        }
        assertRecoveredTo(SegmentFilesOnDisk.crashCopy(original, dir("whole")), withTx6(kept));
    }

    private static List<JournalEntry> withTx6(List<JournalEntry> kept) {
        List<JournalEntry> all = new ArrayList<>(kept);
        long seq = kept.get(kept.size() - 1).seq();
        for (int i = 0; i < 3; i++) {
            all.add(new JournalEntry.Row(++seq, order(6, 600 + i)));
        }
        all.add(new JournalEntry.TxCommit(++seq, commit(6)));
        return all;
    }

    @Test
    void garbageInTheLastRecordIsATornTail() throws Exception {
        Path original = dir("original");
        List<JournalEntry> kept;
        try (SegmentJournal j = SegmentJournal.open(original, OPTIONS)) {
            kept = writeTxs(j.writer(), 1, 5);
            writeTx(j.writer(), 6, 1);
        }
        List<SegmentFilesOnDisk.Frame> frames = SegmentFilesOnDisk.frames(SegmentFilesOnDisk.segments(original).get(0));
        SegmentFilesOnDisk.Frame last = frames.get(frames.size() - 1);
        for (long at = last.offset(); at < last.end(); at++) {
            Path crashed = SegmentFilesOnDisk.crashCopy(original, dir("flip-" + at));
            SegmentFilesOnDisk.flipByte(SegmentFilesOnDisk.segments(crashed).get(0), at);
            try (SegmentJournal j = SegmentJournal.open(crashed, OPTIONS)) {
                assertEquals(lastCommitOf(kept), j.lastCommit().orElseThrow(), "byte flipped at " + at);
            }
        }
        // a zero-filled tail (space allocated, data never written) is torn too
        Path zeros = SegmentFilesOnDisk.crashCopy(original, dir("zeros"));
        Files.write(SegmentFilesOnDisk.segments(zeros).get(0), new byte[4096], java.nio.file.StandardOpenOption.APPEND);
        assertRecoveredTo(zeros, withTx6OneRow(kept));
    }

    private static List<JournalEntry> withTx6OneRow(List<JournalEntry> kept) {
        List<JournalEntry> all = new ArrayList<>(kept);
        long seq = kept.get(kept.size() - 1).seq();
        all.add(new JournalEntry.Row(seq + 1, order(6, 600)));
        all.add(new JournalEntry.TxCommit(seq + 2, commit(6)));
        return all;
    }

    @Test
    void uncommittedTrailingRowsAreDroppedOnReopen() throws Exception {
        Path live = dir("live");
        try (SegmentJournal j = SegmentJournal.open(live, OPTIONS.withWriteBufferBytes(4096))) {
            List<JournalEntry> committed = writeTxs(j.writer(), 1, 3);
            j.writer().sync();
            for (int i = 0; i < 300; i++) {
                j.writer().append(order(4, i)); // outgrows the buffer: mostly on disk, never committed
            }
            Path crashed = SegmentFilesOnDisk.crashCopy(live, dir("crashed"));
            long committedEnd = SegmentFilesOnDisk.frames(SegmentFilesOnDisk.segments(live).get(0)).stream()
                    .filter(f -> f.seq() == committed.get(committed.size() - 1).seq()).findFirst().orElseThrow().end();
            assertTrue(Files.size(SegmentFilesOnDisk.segments(crashed).get(0)) > committedEnd + 10_000,
                    "test premise: uncommitted rows are on disk");
            assertRecoveredTo(crashed, committed);
        }
    }

    @Test
    void uncommittedRowsAloneInANewSegmentFallBackToThePreviousSegmentsCommit() throws Exception {
        Path live = dir("live");
        JournalOptions small = SegmentJournalTest.SMALL;
        try (SegmentJournal j = SegmentJournal.open(live, small)) {
            List<JournalEntry> committed = SegmentJournalTest.appendUntilItRolls(j.writer(), live);
            for (int i = 0; i < 100; i++) {
                j.writer().append(order(500, i)); // fills the new segment past the 4 KiB buffer
            }
            Path crashed = SegmentFilesOnDisk.crashCopy(live, dir("crashed"));
            List<Path> segs = SegmentFilesOnDisk.segments(crashed);
            assertTrue(Files.size(segs.get(segs.size() - 1)) > 4096, "test premise: uncommitted rows on disk");
            assertRecoveredTo(crashed, committed);
            assertEquals(segs.size(), SegmentFilesOnDisk.segments(crashed).size(), "the emptied segment is reused");
        }
    }

    @Test
    void segmentTornWhileBeingCreatedIsRebuilt() throws Exception {
        Path original = dir("original");
        List<JournalEntry> committed;
        try (SegmentJournal j = SegmentJournal.open(original, SegmentJournalTest.SMALL)) {
            committed = SegmentJournalTest.appendUntilItRolls(j.writer(), original);
        }
        List<Path> segs = SegmentFilesOnDisk.segments(original);
        SegmentFilesOnDisk.truncate(segs.get(segs.size() - 1), 7);
        assertRecoveredTo(original, committed);
    }

    @Test
    void flippedByteInAnEarlierRecordIsCorruptionNamingSegmentAndOffset() throws Exception {
        Path original = dir("original");
        try (SegmentJournal j = SegmentJournal.open(original, OPTIONS)) {
            writeTxs(j.writer(), 1, 10);
        }
        Path segment = SegmentFilesOnDisk.segments(original).get(0);
        List<SegmentFilesOnDisk.Frame> frames = SegmentFilesOnDisk.frames(segment);
        SegmentFilesOnDisk.Frame victim = frames.get(frames.size() / 2);
        // payload, checksum and length field: every kind of damage in the middle is reported, never skipped
        long[] targets = {victim.offset() + 8 + victim.length() / 2, victim.offset() + 5, victim.offset() + 1,
                victim.offset() + 3};
        for (long at : targets) {
            Path damaged = SegmentFilesOnDisk.crashCopy(original, dir("damaged-" + at));
            Path seg = SegmentFilesOnDisk.segments(damaged).get(0);
            SegmentFilesOnDisk.flipByte(seg, at);
            JournalCorruptException e = assertThrows(JournalCorruptException.class,
                    () -> SegmentJournal.open(damaged, OPTIONS), "byte flipped at " + at);
            assertEquals(seg, e.segment());
            assertEquals(victim.offset(), e.offset(), "offset of the damaged record (byte flipped at " + at + ")");
            assertTrue(e.getMessage().contains(seg.toString()) && e.getMessage().contains("offset " + victim.offset()),
                    e.getMessage());
            assertEquals(frames.get(frames.size() - 1).end(), Files.size(seg), "the damaged file is left untouched");
        }
    }

    @Test
    void damageInAnOlderSegmentSurfacesWhenReadNamingSegmentAndOffset() throws Exception {
        Path d = dir("journal");
        try (SegmentJournal j = SegmentJournal.open(d, SegmentJournalTest.SMALL)) {
            writeTxs(j.writer(), 1, 30);
        }
        Path second = SegmentFilesOnDisk.segments(d).get(1);
        SegmentFilesOnDisk.Frame victim = SegmentFilesOnDisk.frames(second).get(2);
        SegmentFilesOnDisk.flipByte(second, victim.offset() + 12);
        try (SegmentJournal j = SegmentJournal.open(d, SegmentJournalTest.SMALL);
             JournalReader r = j.readAfter(0)) {
            JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> {
                while (r.poll(1, TimeUnit.SECONDS) != null) {
                    // read up to the damage
                }
            });
            assertEquals(second, e.segment());
            assertEquals(victim.offset(), e.offset());
        }
    }

    @Test
    void wrongFileUnderASegmentNameIsCorruption() throws Exception {
        Path d = dir("journal");
        try (SegmentJournal j = SegmentJournal.open(d, OPTIONS)) {
            writeTxs(j.writer(), 1, 2);
        }
        Path seg = SegmentFilesOnDisk.segments(d).get(0);
        Files.move(seg, d.resolve("00000000000000000005.seg"));
        JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> SegmentJournal.open(d, OPTIONS));
        assertTrue(e.getMessage().contains("renamed"), e.getMessage());
    }
}
