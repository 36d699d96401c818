package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalReader;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** An in-memory journal reader over a list of entries, starting after a sequence number. */
final class ListJournalReader implements JournalReader {
    private final List<JournalEntry> entries;
    private int next;
    private boolean closed;

    ListJournalReader(List<JournalEntry> entries, long afterSeq) {
        this.entries = entries;
        while (next < entries.size() && entries.get(next).seq() <= afterSeq) {
            next++;
        }
    }

    ListJournalReader(List<JournalEntry> entries) {
        this(entries, 0);
    }

    @Override
    public JournalEntry poll(long timeout, TimeUnit unit) {
        if (closed) {
            throw new IllegalStateException("reader closed");
        }
        return next < entries.size() ? entries.get(next++) : null;
    }

    boolean closed() { return closed; }

    @Override
    public void close() {
        closed = true;
    }
}
