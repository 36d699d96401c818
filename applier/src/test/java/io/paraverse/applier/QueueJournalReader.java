package io.paraverse.applier;

import io.paraverse.journal.JournalEntry;
import io.paraverse.journal.JournalReader;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A live journal reader: the test offers entries while the applier polls (waiting like the real journal). */
final class QueueJournalReader implements JournalReader {
    private final LinkedBlockingQueue<JournalEntry> queue = new LinkedBlockingQueue<>();

    void offer(Iterable<JournalEntry> entries) {
        entries.forEach(queue::add);
    }

    @Override
    public JournalEntry poll(long timeout, TimeUnit unit) throws InterruptedException {
        return queue.poll(timeout, unit);
    }

    @Override
    public void close() { }
}
