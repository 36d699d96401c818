package io.paraverse.journal.kafka;

import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalReader;
import io.paraverse.journal.JournalWriter;
import io.paraverse.translator.Commit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

import static io.paraverse.journal.kafka.Changes.commit;
import static io.paraverse.journal.kafka.Changes.order;
import static io.paraverse.journal.kafka.Changes.readAll;
import static io.paraverse.journal.kafka.Changes.writeTx;
import static io.paraverse.journal.kafka.Changes.writeTxs;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The Kafka journal against a real single-node broker (KRaft, in this JVM); each test on a topic of its own. */
class KafkaJournalTest {
    private static EmbeddedKafka kafka;

    @BeforeAll
    static void startBroker() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stopBroker() {
        if (kafka != null) {
            kafka.close();
        }
    }

    private static KafkaJournalOptions options(TestInfo test) {
        String topic = "journal-" + test.getTestMethod().orElseThrow().getName();
        return KafkaJournalOptions.of(kafka.bootstrap(), topic);
    }

    @Test
    void roundTripKeepsEveryValueExactlyWithContiguousSeqs(TestInfo test) throws Exception {
        try (KafkaJournal j = KafkaJournal.open(options(test))) {
            assertEquals(0, j.lastDurableSeq());
            assertTrue(j.lastCommit().isEmpty());
            List<JournalEntry> written = writeTxs(j.writer(), 1, 40);
            j.writer().sync();
            List<JournalEntry> read = readAll(j, 0, 500);
            assertEquals(written, read);
            for (int i = 0; i < read.size(); i++) {
                assertEquals(i + 1, read.get(i).seq(), "seqs start at 1 and increase by one");
            }
            assertEquals(written.get(written.size() - 1).seq(), j.lastDurableSeq());
            assertEquals(commit(40), j.lastCommit().orElseThrow());
            assertTrue(j.sizeBytes() > 0, "the partition's size on the broker");
        }
    }

    @Test
    void readersSeeOnlyWholeTransactions(TestInfo test) throws Exception {
        // a small buffer: the second transaction streams its rows to Kafka before its commit
        KafkaJournalOptions o = options(test).withBufferBytes(2_000);
        try (KafkaJournal j = KafkaJournal.open(o); JournalReader reader = j.readAfter(0)) {
            JournalWriter w = j.writer();
            List<JournalEntry> first = writeTx(w, 1, 3);
            w.sync();
            for (JournalEntry e : first) {
                assertEquals(e, reader.poll(5, TimeUnit.SECONDS));
            }
            List<JournalEntry> open = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                var c = order(2, 2000 + i);
                open.add(new JournalEntry.Row(w.append(c), c));
            }
            assertNull(reader.poll(1500, TimeUnit.MILLISECONDS), "rows of an uncommitted transaction stay invisible");
            Commit c = commit(2);
            open.add(new JournalEntry.TxCommit(w.commit(c), c));
            w.sync();
            for (JournalEntry e : open) {
                assertEquals(e, reader.poll(5, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void aConcurrentReaderOnlyEverEndsAtTransactionBoundaries(TestInfo test) throws Exception {
        try (KafkaJournal j = KafkaJournal.open(options(test).withBufferBytes(3_000))) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            List<JournalEntry> seen = new ArrayList<>();
            List<Integer> visibleEnds = new ArrayList<>();
            Thread t = new Thread(() -> {
                try (JournalReader r = j.readAfter(0)) {
                    while (seen.size() < 2000) {
                        JournalEntry e = r.poll(100, TimeUnit.MILLISECONDS);
                        if (e == null) {
                            visibleEnds.add(seen.size()); // everything visible was read: it must end with a commit
                        } else {
                            seen.add(e);
                        }
                        if (seen.size() > 0 && e == null && !(seen.get(seen.size() - 1) instanceof JournalEntry.TxCommit)) {
                            throw new AssertionError("reader saw part of a transaction: ends at " + seen.get(seen.size() - 1));
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            List<JournalEntry> written = new ArrayList<>();
            for (long tx = 1; written.size() < 2000; tx++) {
                written.addAll(writeTx(j.writer(), tx, (int) (tx % 40)));
                if (tx % 7 == 0) {
                    Thread.sleep(30); // let the committer publish mid-stream
                }
            }
            j.writer().sync();
            t.join(60_000);
            if (failure.get() != null) {
                throw new AssertionError(failure.get());
            }
            assertEquals(written.subList(0, seen.size()), seen);
        }
    }

    @Test
    void reopeningRecoversTheLastCommitAndContinuesTheSeqs(TestInfo test) throws Exception {
        KafkaJournalOptions o = options(test);
        List<JournalEntry> written;
        try (KafkaJournal j = KafkaJournal.open(o)) {
            written = new ArrayList<>(writeTxs(j.writer(), 1, 10));
            // an open transaction at close is dropped: capture re-sends it from the last commit
            j.writer().append(order(11, 11_000));
        }
        try (KafkaJournal j = KafkaJournal.open(o)) {
            assertEquals(written.get(written.size() - 1).seq(), j.lastDurableSeq());
            assertEquals(commit(10), j.lastCommit().orElseThrow());
            written.addAll(writeTxs(j.writer(), 11, 15));
        }
        try (KafkaJournal j = KafkaJournal.open(o)) {
            assertEquals(commit(15), j.lastCommit().orElseThrow());
            List<JournalEntry> read = readAll(j, 0, 500);
            assertEquals(written, read);
            for (int i = 0; i < read.size(); i++) {
                assertEquals(i + 1, read.get(i).seq(), "seqs stay contiguous across restarts");
            }
        }
    }

    @Test
    void aWriterKilledMidTransactionLeavesNothingPartialVisible(TestInfo test) throws Exception {
        KafkaJournalOptions o = options(test);
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        Process child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                KilledWriter.class.getName(), kafka.bootstrap(), o.topic()).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            boolean ready = false;
            while ((line = out.readLine()) != null) {
                if (line.equals(KilledWriter.READY)) {
                    ready = true;
                    break;
                }
            }
            assertTrue(ready, "the child writer reached the middle of its large transaction");
            child.destroyForcibly(); // SIGKILL: no close, no abort; its Kafka transaction stays open
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        } finally {
            child.destroyForcibly();
        }
        try (KafkaJournal j = KafkaJournal.open(o)) {
            // opening fences the dead writer and aborts its open transaction
            List<JournalEntry> read = readAll(j, 0, 500);
            List<JournalEntry> expected = KilledWriter.committedEntries();
            assertEquals(expected, read);
            assertEquals(commit(KilledWriter.COMPLETE_TXS), j.lastCommit().orElseThrow());
            assertEquals(expected.get(expected.size() - 1).seq(), j.lastDurableSeq());
            // the writer goes on after the aborted transaction: same seqs re-used, readers see no gap
            List<JournalEntry> more = writeTxs(j.writer(), KilledWriter.COMPLETE_TXS + 1, KilledWriter.COMPLETE_TXS + 3);
            j.writer().sync();
            assertEquals(more, readAll(j, j.lastDurableSeq() - more.size(), 500));
        }
    }

    @Test
    void readAfterResumesExactlyAfterAnySeqAcrossAbortedTransactions(TestInfo test) throws Exception {
        try (KafkaJournal j = KafkaJournal.open(options(test).withBufferBytes(1_000))) {
            JournalWriter w = j.writer();
            List<JournalEntry> written = new ArrayList<>(writeTxs(w, 1, 20));
            for (int i = 0; i < 50; i++) {
                w.append(order(21, 21_000 + i)); // streamed to Kafka, then aborted: offsets that carry no seq
            }
            w.discardUncommitted();
            written.addAll(writeTxs(w, 21, 40));
            w.sync();
            long last = written.get(written.size() - 1).seq();
            for (long after : new long[] {0, 1, 2, 7, 30, last / 2, last - 1, last}) {
                List<JournalEntry> read = readAll(j, after, 300);
                assertEquals(written.subList((int) after, written.size()), read, "readAfter(" + after + ")");
            }
            // a reader after the end waits for what comes next
            try (JournalReader r = j.readAfter(last)) {
                assertNull(r.poll(300, TimeUnit.MILLISECONDS));
                List<JournalEntry> next = writeTx(w, 41, 2);
                w.sync();
                for (JournalEntry e : next) {
                    assertEquals(e, r.poll(5, TimeUnit.SECONDS));
                }
            }
        }
    }

    @Test
    void releaseDeletesAppliedRecordsButKeepsTheLastCommitForRestart(TestInfo test) throws Exception {
        KafkaJournalOptions o = options(test);
        List<JournalEntry> written;
        try (KafkaJournal j = KafkaJournal.open(o)) {
            written = writeTxs(j.writer(), 1, 30);
            j.writer().sync();
            long last = j.lastDurableSeq();
            long applied = written.get(40).seq();
            j.releaseUpTo(applied);
            IllegalStateException gone = assertThrows(IllegalStateException.class, () -> readAll(j, 1, 300));
            assertTrue(gone.getMessage().contains("no longer holds seq 2"), gone.getMessage());
            assertEquals(written.subList((int) applied, written.size()), readAll(j, applied, 300));
            assertEquals(written.subList((int) applied - 1, written.size()), readAll(j, applied - 1, 300),
                    "the released seq itself is kept");
            assertEquals(last, j.lastDurableSeq());
        }
        try (KafkaJournal j = KafkaJournal.open(o.withDeleteApplied(true))) {
            assertEquals(commit(30), j.lastCommit().orElseThrow());
            j.releaseUpTo(j.lastDurableSeq()); // everything applied: the last commit entry still stays
        }
        try (KafkaJournal j = KafkaJournal.open(o)) {
            assertEquals(commit(30), j.lastCommit().orElseThrow());
            assertEquals(written.get(written.size() - 1).seq(), j.lastDurableSeq());
        }
    }

    @Test
    void idleCommittedTailBecomesVisibleWithinTheCommitInterval(TestInfo test) throws Exception {
        try (KafkaJournal j = KafkaJournal.open(options(test).withCommitInterval(Duration.ofMillis(50)));
             JournalReader r = j.readAfter(0)) {
            List<JournalEntry> tx = writeTx(j.writer(), 1, 2); // no sync: the background committer publishes it
            for (JournalEntry e : tx) {
                assertEquals(e, r.poll(5, TimeUnit.SECONDS));
            }
            assertEquals(tx.get(2).seq(), j.lastDurableSeq());
            assertFalse(j.lastCommit().isEmpty());
        }
    }
}
