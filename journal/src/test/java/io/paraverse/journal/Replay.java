package io.paraverse.journal;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Reads journal entries for assertions. */
final class Replay {
    private Replay() {
    }

    /** Reads exactly {@code count} entries after {@code afterSeq}, then checks nothing more is readable. */
    static List<JournalEntry> read(Journal journal, long afterSeq, int count) throws InterruptedException {
        try (JournalReader r = journal.readAfter(afterSeq)) {
            List<JournalEntry> out = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                JournalEntry e = r.poll(5, TimeUnit.SECONDS);
                assertNotNull(e, "entry " + (i + 1) + " of " + count + " after seq " + afterSeq + " never came");
                out.add(e);
            }
            // callers read durable data only: a zero timeout still reads everything durable before giving up
            assertNull(r.poll(0, TimeUnit.MILLISECONDS), "more entries than expected after seq " + afterSeq);
            return out;
        }
    }

    /** The expected entries with seq greater than {@code afterSeq}. */
    static List<JournalEntry> after(List<JournalEntry> all, long afterSeq) {
        return all.stream().filter(e -> e.seq() > afterSeq).toList();
    }

    static void assertReads(List<JournalEntry> expected, Journal journal, long afterSeq) throws InterruptedException {
        List<JournalEntry> want = after(expected, afterSeq);
        assertEquals(want, read(journal, afterSeq, want.size()), "entries after seq " + afterSeq);
    }
}
