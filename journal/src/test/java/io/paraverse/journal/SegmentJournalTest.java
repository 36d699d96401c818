package io.paraverse.journal;

import io.paraverse.translator.RowChange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.paraverse.journal.TestChanges.commit;
import static io.paraverse.journal.TestChanges.item;
import static io.paraverse.journal.TestChanges.order;
import static io.paraverse.journal.TestChanges.writeTx;
import static io.paraverse.journal.TestChanges.writeTxs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SegmentJournalTest {
    /** Tiny segments so a few dozen transactions span many files. */
    static final JournalOptions SMALL = JournalOptions.defaults().withSegmentBytes(1024).withWriteBufferBytes(4096);
    /** Never syncs on its own within a test: durability only through sync() and close(). */
    static final JournalOptions MANUAL_SYNC = JournalOptions.defaults().withSyncInterval(Duration.ofHours(1))
            .withSyncBytes(Long.MAX_VALUE);

    @TempDir
    Path dir;

    @Test
    void readsBackEverythingWithContiguousSeqs() throws Exception {
        try (SegmentJournal j = SegmentJournal.open(dir, JournalOptions.defaults())) {
            List<JournalEntry> written = writeTxs(j.writer(), 1, 20);
            j.writer().sync();
            List<JournalEntry> read = Replay.read(j, 0, written.size());
            assertEquals(written, read);
            for (int i = 0; i < read.size(); i++) {
                assertEquals(i + 1, read.get(i).seq(), "seqs start at 1 and increase by one");
            }
            assertEquals(written.get(written.size() - 1).seq(), j.lastDurableSeq());
            assertEquals(commit(20), j.lastCommit().orElseThrow());
        }
    }

    @Test
    void replaysFromAnySeqAcrossManySegmentsAndRestarts() throws Exception {
        List<JournalEntry> written = new ArrayList<>();
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL)) {
            written.addAll(writeTxs(j.writer(), 1, 40));
            // a second table appearing mid-stream must be defined again in every later segment
            for (long tx = 41; tx <= 60; tx++) {
                RowChange a = item(tx, tx, 1);
                written.add(new JournalEntry.Row(j.writer().append(a), a));
                RowChange b = order(tx, tx);
                written.add(new JournalEntry.Row(j.writer().append(b), b));
                written.add(new JournalEntry.TxCommit(j.writer().commit(commit(tx)), commit(tx)));
            }
        }
        List<String> segments = SegmentFilesOnDisk.segmentNames(dir);
        assertTrue(segments.size() >= 10, "expected many segments, got " + segments);
        assertEquals("00000000000000000001.seg", segments.get(0));
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL)) {
            assertEquals(written.size(), j.lastDurableSeq());
            for (long after = 0; after <= written.size(); after++) {
                Replay.assertReads(written, j, after);
            }
            // seqs continue after the restart, readable together with the old ones
            written.addAll(writeTxs(j.writer(), 61, 70));
            j.writer().sync();
            Replay.assertReads(written, j, 0);
            Replay.assertReads(written, j, 100);
        }
        for (String name : SegmentFilesOnDisk.segmentNames(dir)) {
            long first = Long.parseLong(name.substring(0, 20));
            assertTrue(written.stream().anyMatch(e -> e.seq() == first), name + " is named by a seq it should hold");
        }
    }

    @Test
    void readerSeesATransactionOnlyOnceItsCommitIsDurable() throws Exception {
        try (SegmentJournal j = SegmentJournal.open(dir, MANUAL_SYNC); JournalReader r = j.readAfter(0)) {
            RowChange row1 = order(1, 1);
            RowChange row2 = order(1, 2);
            j.writer().append(row1);
            j.writer().append(row2);
            assertNull(r.poll(50, TimeUnit.MILLISECONDS), "rows of an open transaction are invisible");
            j.writer().commit(commit(1));
            assertNull(r.poll(50, TimeUnit.MILLISECONDS), "a commit that is not durable yet is invisible");
            assertEquals(0, j.lastDurableSeq());

            CompletableFuture<JournalEntry> blocked = CompletableFuture.supplyAsync(() -> poll(r, 10));
            assertThrows(TimeoutException.class, () -> blocked.get(100, TimeUnit.MILLISECONDS), "reader waits");
            j.writer().sync();
            assertEquals(new JournalEntry.Row(1, row1), blocked.get(5, TimeUnit.SECONDS));
            assertEquals(new JournalEntry.Row(2, row2), r.poll(1, TimeUnit.SECONDS));
            assertEquals(new JournalEntry.TxCommit(3, commit(1)), r.poll(1, TimeUnit.SECONDS));
            assertEquals(3, j.lastDurableSeq());
        }
    }

    private static JournalEntry poll(JournalReader r, int seconds) {
        try {
            return r.poll(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void readersTailingALiveWriterSeeEveryEntryInOrderAcrossRolls() throws Exception {
        JournalOptions opts = JournalOptions.defaults().withSegmentBytes(8192).withWriteBufferBytes(4096)
                .withSyncInterval(Duration.ofMillis(2));
        try (SegmentJournal j = SegmentJournal.open(dir, opts)) {
            List<CompletableFuture<List<JournalEntry>>> readers = new ArrayList<>();
            int txs = 3000;
            int expectedCount = 0;
            for (long tx = 1; tx <= txs; tx++) {
                expectedCount += (int) (tx % 4) + 2;
            }
            for (long after : new long[] {0, 0, 0}) {
                int n = expectedCount;
                JournalReader r = j.readAfter(after);
                readers.add(CompletableFuture.supplyAsync(() -> {
                    List<JournalEntry> got = new ArrayList<>();
                    try (r) {
                        while (got.size() < n) {
                            JournalEntry e = poll(r, 10);
                            if (e == null) {
                                throw new AssertionError("reader stalled after " + got.size() + " entries");
                            }
                            got.add(e);
                        }
                    }
                    return got;
                }));
            }
            List<JournalEntry> written = writeTxs(j.writer(), 1, txs); // while the readers tail it
            j.writer().sync();
            assertEquals(expectedCount, written.size());
            for (CompletableFuture<List<JournalEntry>> f : readers) {
                assertEquals(written, f.get(60, TimeUnit.SECONDS));
            }
            assertTrue(SegmentFilesOnDisk.segments(dir).size() > 20, "test premise: many rolls happened");
        }
    }

    @Test
    void readerNeverReadsPastTheWatermarkEvenWhenBytesAreOnDisk() throws Exception {
        try (SegmentJournal j = SegmentJournal.open(dir, MANUAL_SYNC); JournalReader r = j.readAfter(0)) {
            List<JournalEntry> first = writeTx(j.writer(), 1, 2);
            j.writer().sync();
            long before = java.nio.file.Files.size(SegmentFilesOnDisk.segments(dir).get(0));
            writeTx(j.writer(), 2, 3000); // far more than the write buffer: most of it is written to the file
            long after = java.nio.file.Files.size(SegmentFilesOnDisk.segments(dir).get(0));
            assertTrue(after > before + 100_000, "test premise: the unsynced transaction reached the file");
            for (JournalEntry e : first) {
                assertEquals(e, r.poll(1, TimeUnit.SECONDS));
            }
            assertNull(r.poll(100, TimeUnit.MILLISECONDS), "nothing beyond the durable commit");
        }
    }

    @Test
    void backgroundSyncerMakesAnIdleCommittedTailDurable() throws Exception {
        JournalOptions fast = JournalOptions.defaults().withSyncInterval(Duration.ofMillis(20));
        try (SegmentJournal j = SegmentJournal.open(dir, fast); JournalReader r = j.readAfter(0)) {
            writeTx(j.writer(), 1, 1);
            Thread.sleep(30); // the next commit arrives after the interval: commit itself asks for a sync
            List<JournalEntry> second = writeTx(j.writer(), 2, 1);
            List<JournalEntry> third = writeTx(j.writer(), 3, 1); // right after: left to the syncer's timer
            List<JournalEntry> seen = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                JournalEntry e = r.poll(5, TimeUnit.SECONDS);
                assertTrue(e != null, "entry " + (i + 1) + " never became durable without an explicit sync");
                seen.add(e);
            }
            assertEquals(second.get(1), seen.get(3));
            assertEquals(third.get(1), seen.get(5));
            assertEquals(6, j.lastDurableSeq());
        }
    }

    @Test
    void commitAsksForASyncOnceSyncBytesHaveBeenWritten() throws Exception {
        JournalOptions bytesOnly = MANUAL_SYNC.withSyncBytes(2048); // the interval (1 h) never fires in a test
        try (SegmentJournal j = SegmentJournal.open(dir, bytesOnly); JournalReader r = j.readAfter(0)) {
            List<JournalEntry> small = writeTx(j.writer(), 1, 1);
            assertNull(r.poll(100, TimeUnit.MILLISECONDS), "below syncBytes: nothing forces a sync yet");
            List<JournalEntry> big = writeTx(j.writer(), 2, 40); // well over 2 KiB since the last sync
            List<JournalEntry> all = new ArrayList<>(small);
            all.addAll(big);
            for (JournalEntry e : all) {
                assertEquals(e, r.poll(5, TimeUnit.SECONDS), "durable without an explicit sync");
            }
        }
    }

    @Test
    void discardUncommittedDropsTheOpenTransaction() throws Exception {
        List<JournalEntry> expected = new ArrayList<>();
        try (SegmentJournal j = SegmentJournal.open(dir, MANUAL_SYNC.withWriteBufferBytes(4096))) {
            JournalWriter w = j.writer();
            expected.addAll(writeTx(w, 1, 2));
            // the discarded transaction introduces a table (its TABLE record goes too) and outgrows the buffer
            w.append(item(2, 1, 1));
            for (int i = 0; i < 200; i++) {
                w.append(order(2, i));
            }
            w.discardUncommitted();
            w.discardUncommitted(); // nothing open: no-op
            RowChange again = item(3, 1, 1);
            assertEquals(4, w.append(again), "seqs resume right after the last commit");
            expected.add(new JournalEntry.Row(4, again));
            expected.add(new JournalEntry.TxCommit(w.commit(commit(3)), commit(3)));
            w.sync();
            Replay.assertReads(expected, j, 0);
        }
        try (SegmentJournal j = SegmentJournal.open(dir, MANUAL_SYNC)) {
            Replay.assertReads(expected, j, 0);
            assertEquals(5, j.lastDurableSeq());
        }
    }

    /** Appends one row of a new transaction; repeats (discarding) until that append opened a new segment. */
    static List<JournalEntry> appendUntilItRolls(JournalWriter w, Path dir) throws Exception {
        List<JournalEntry> committed = new ArrayList<>();
        for (long tx = 1; ; tx++) {
            int before = SegmentFilesOnDisk.segments(dir).size();
            w.append(order(9000 + tx, 1));
            if (SegmentFilesOnDisk.segments(dir).size() > before && before > 1) {
                return committed;
            }
            w.discardUncommitted();
            committed.addAll(writeTx(w, tx, 3));
        }
    }

    @Test
    void discardRightAfterARollLeavesAnEmptySegmentThatStillWorks() throws Exception {
        List<JournalEntry> expected;
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL.withSyncInterval(Duration.ofHours(1)))) {
            JournalWriter w = j.writer();
            expected = new ArrayList<>(appendUntilItRolls(w, dir));
            w.discardUncommitted(); // the new segment is empty again
            long next = expected.size() + 1;
            assertEquals(next, w.append(order(5001, 1)), "seqs resume after the last commit");
            w.discardUncommitted();
        }
        List<java.nio.file.Path> segments = SegmentFilesOnDisk.segments(dir);
        assertEquals(16, java.nio.file.Files.size(segments.get(segments.size() - 1)), "last segment holds its header only");
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL)) {
            assertEquals(expected.size(), j.lastDurableSeq());
            assertEquals(((JournalEntry.TxCommit) expected.get(expected.size() - 1)).commit(),
                    j.lastCommit().orElseThrow(), "found in the segment before the empty one");
            expected.addAll(writeTx(j.writer(), 6000, 2));
            j.writer().sync();
            Replay.assertReads(expected, j, 0);
            Replay.assertReads(expected, j, expected.size() - 3);
        }
    }

    @Test
    void retentionDeletesOnlyFullyReleasedSegments() throws Exception {
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL)) {
            List<JournalEntry> written = writeTxs(j.writer(), 1, 60);
            j.writer().sync();
            List<String> all = SegmentFilesOnDisk.segmentNames(dir);
            long secondStart = Long.parseLong(all.get(1).substring(0, 20));
            long thirdStart = Long.parseLong(all.get(2).substring(0, 20));
            long sizeBefore = j.sizeBytes();

            j.releaseUpTo(secondStart - 2); // the first segment's last record is still needed
            assertEquals(all, SegmentFilesOnDisk.segmentNames(dir));
            j.releaseUpTo(thirdStart - 2); // the first is done; the second is not
            assertEquals(all.subList(1, all.size()), SegmentFilesOnDisk.segmentNames(dir));
            assertTrue(j.sizeBytes() < sizeBefore);
            assertEquals(secondStart, j.oldestRetainedSeq());

            IllegalStateException gone = assertThrows(IllegalStateException.class, () -> j.readAfter(secondStart - 2));
            assertTrue(gone.getMessage().contains("seq " + (secondStart - 1)), gone.getMessage());
            assertTrue(gone.getMessage().contains("oldest retained seq is " + secondStart), gone.getMessage());
            Replay.assertReads(written, j, secondStart - 1);
            Replay.assertReads(Replay.after(written, secondStart - 1), j, 0); // 0 = from the oldest retained

            // releasing everything keeps the segment being written (and with it the last commit)
            j.releaseUpTo(Long.MAX_VALUE);
            List<String> left = SegmentFilesOnDisk.segmentNames(dir);
            assertEquals(List.of(all.get(all.size() - 1)), left);
        }
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL)) {
            assertEquals(commit(60), j.lastCommit().orElseThrow(), "capture can still resume after retention");
        }
    }

    @Test
    void retentionKeepsTheSegmentHoldingTheLastCommitWhenTheActiveOneHasNone() throws Exception {
        List<JournalEntry> committed;
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL.withSyncInterval(Duration.ofHours(1)))) {
            committed = appendUntilItRolls(j.writer(), dir); // rolling synced everything before the new segment
            long lastCommitSeq = committed.get(committed.size() - 1).seq();
            assertEquals(lastCommitSeq, j.lastDurableSeq());
            j.releaseUpTo(lastCommitSeq);
            assertEquals(2, SegmentFilesOnDisk.segments(dir).size(), "kept the active segment and the last commit's");
        }
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL)) {
            assertEquals(((JournalEntry.TxCommit) committed.get(committed.size() - 1)).commit(),
                    j.lastCommit().orElseThrow(), "capture can resume after a restart");
        }
    }

    @Test
    void aLaggingReaderKeepsReadingTheSegmentRetentionDeletes() throws Exception {
        try (SegmentJournal j = SegmentJournal.open(dir, SMALL)) {
            List<JournalEntry> written = writeTxs(j.writer(), 1, 30);
            j.writer().sync();
            try (JournalReader r = j.readAfter(0)) {
                assertEquals(written.get(0), r.poll(1, TimeUnit.SECONDS));
                j.releaseUpTo(written.get(written.size() - 1).seq());
                assertEquals(written.get(1), r.poll(1, TimeUnit.SECONDS), "its open segment is still readable");
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> {
                    while (r.poll(1, TimeUnit.SECONDS) != null) {
                        // drain until the next segment turns out to be gone
                    }
                });
                assertTrue(e.getMessage().contains("retention deleted it"), e.getMessage());
            }
        }
    }

    @Test
    void lockKeepsASecondOpenerOut() throws Exception {
        try (SegmentJournal j = SegmentJournal.open(dir, JournalOptions.defaults())) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SegmentJournal.open(dir, JournalOptions.defaults()));
            assertTrue(e.getMessage().contains("journal " + dir + " is in use by another process"), e.getMessage());
            writeTx(j.writer(), 1, 1); // the first opener is undisturbed
        }
        try (SegmentJournal j = SegmentJournal.open(dir, JournalOptions.defaults())) {
            assertEquals(2, j.lastDurableSeq(), "closing released the lock");
        }
    }

    @Test
    void lockKeepsAnotherProcessOut() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process holder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                JournalLockHolder.class.getName(), dir.toString()).redirectErrorStream(true).start();
        try {
            var out = new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream()));
            String line;
            do {
                line = out.readLine(); // skips the helper's log lines
            } while (line != null && !line.equals("locked"));
            assertEquals("locked", line, "the helper process should have opened the journal");
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> SegmentJournal.open(dir, JournalOptions.defaults()));
            assertTrue(e.getMessage().contains("journal " + dir + " is in use by another process (pid "
                    + holder.pid() + ")"), e.getMessage());
        } finally {
            holder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        SegmentJournal.open(dir, JournalOptions.defaults()).close(); // the dead process's lock is gone
    }

    @Test
    void closeIsIdempotentAndStopsWritersAndReaders() throws Exception {
        SegmentJournal j = SegmentJournal.open(dir, JournalOptions.defaults());
        writeTx(j.writer(), 1, 1);
        JournalReader r = j.readAfter(0);
        CompletableFuture<Object> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                while (true) {
                    r.poll(30, TimeUnit.SECONDS);
                }
            } catch (RuntimeException | InterruptedException e) {
                return e;
            }
        });
        j.close();
        j.close();
        assertInstanceOf(IllegalStateException.class, waiting.get(5, TimeUnit.SECONDS), "a waiting reader wakes up");
        assertThrows(IllegalStateException.class, () -> j.writer().append(order(2, 1)));
        assertThrows(IllegalStateException.class, () -> j.readAfter(0));
        assertFalse(Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals("journal-sync-" + dir.getFileName()) && t.isAlive()),
                "the background syncer stopped");
        try (SegmentJournal again = SegmentJournal.open(dir, JournalOptions.defaults())) {
            assertEquals(2, again.lastDurableSeq(), "close synced the last commit");
        }
    }

    @Test
    void unsupportedValueLeavesTheJournalUntouched() throws Exception {
        try (SegmentJournal j = SegmentJournal.open(dir, JournalOptions.defaults())) {
            List<JournalEntry> ok = writeTx(j.writer(), 1, 1);
            RowChange bad = new RowChange(TestChanges.ITEMS, RowChange.Op.INSERT, null,
                    new Object[] {1L, 2L, java.util.UUID.randomUUID()}, TestChanges.position(2, 1), 0L);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> j.writer().append(bad));
            assertTrue(e.getMessage().contains("shop.items.sku"), e.getMessage());
            List<JournalEntry> expected = new ArrayList<>(ok);
            expected.addAll(writeTx(j.writer(), 2, 1));
            j.writer().sync();
            Replay.assertReads(expected, j, 0);
        }
    }

    @Test
    void recordsLargerThanTheWriteAndReadBuffersRoundTrip() throws Exception {
        byte[] blob = new byte[1 << 20]; // 1 MiB: four times the 256 KiB buffers
        new java.util.Random(7).nextBytes(blob);
        List<JournalEntry> expected = new ArrayList<>();
        try (SegmentJournal j = SegmentJournal.open(dir, JournalOptions.defaults())) {
            expected.addAll(writeTx(j.writer(), 1, 2));
            RowChange big = new RowChange(TestChanges.ITEMS, RowChange.Op.INSERT, null, new Object[] {1L, 1L, blob},
                    TestChanges.position(2, 1), 0L);
            expected.add(new JournalEntry.Row(j.writer().append(big), big));
            expected.add(new JournalEntry.TxCommit(j.writer().commit(commit(2)), commit(2)));
            expected.addAll(writeTx(j.writer(), 3, 2));
            j.writer().sync();
            Replay.assertReads(expected, j, 0);
        }
        try (SegmentJournal j = SegmentJournal.open(dir, JournalOptions.defaults())) {
            Replay.assertReads(expected, j, 0);
        }
    }

    @Test
    void optionsRejectNonsense() {
        assertThrows(IllegalArgumentException.class, () -> JournalOptions.defaults().withSegmentBytes(10));
        assertThrows(IllegalArgumentException.class, () -> JournalOptions.defaults().withSyncInterval(Duration.ZERO));
        try (SegmentJournal j = SegmentJournal.open(dir)) {
            assertThrows(IllegalArgumentException.class, () -> j.readAfter(-1));
        }
    }
}
