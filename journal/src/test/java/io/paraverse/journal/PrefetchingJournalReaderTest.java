package io.paraverse.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class PrefetchingJournalReaderTest {
    @TempDir
    Path dir;

    @Test
    void deliversExactlyTheInnerReadersEntriesInOrderAndFollowsTheTail() throws Exception {
        try (SegmentJournal journal = SegmentJournal.open(dir, JournalOptions.defaults().withSegmentBytes(64 * 1024))) {
            List<JournalEntry> written = new ArrayList<>(TestChanges.writeTxs(journal.writer(), 1, 300));
            journal.writer().sync();
            try (PrefetchingJournalReader reader = new PrefetchingJournalReader(journal.readAfter(0), 16)) {
                List<JournalEntry> read = new ArrayList<>();
                for (JournalEntry e; read.size() < written.size() && (e = reader.poll(5, TimeUnit.SECONDS)) != null; ) {
                    read.add(e);
                }
                assertEquals(written, read);
                assertNull(reader.poll(50, TimeUnit.MILLISECONDS), "nothing more yet");
                written = TestChanges.writeTxs(journal.writer(), 301, 302);
                journal.writer().sync();
                assertEquals(written.get(0), reader.poll(5, TimeUnit.SECONDS), "a later commit reaches the consumer");
            }
        }
    }

    @Test
    void anInnerFailureReachesTheConsumerAfterTheEntriesBeforeIt() throws Exception {
        JournalEntry first = new JournalEntry.TxCommit(1, TestChanges.commit(1));
        JournalReader failing = new JournalReader() {
            int calls;

            @Override
            public JournalEntry poll(long timeout, TimeUnit unit) {
                if (calls++ == 0) {
                    return first;
                }
                throw new JournalCorruptException(Path.of("00000000000000000001.seg"), 123, "bad checksum");
            }

            @Override
            public void close() { }
        };
        try (PrefetchingJournalReader reader = new PrefetchingJournalReader(failing, 4)) {
            assertEquals(first, reader.poll(5, TimeUnit.SECONDS));
            JournalCorruptException e = assertThrows(JournalCorruptException.class, () -> reader.poll(5, TimeUnit.SECONDS));
            assertEquals(123, e.offset());
        }
    }
}
