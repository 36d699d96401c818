package io.paraverse.journal;

import java.util.concurrent.TimeUnit;

/** Sequential reader over durable journal records. One thread per reader. */
public interface JournalReader extends AutoCloseable {

    /**
     * The next record, waiting up to the timeout for one to become durable; null on timeout.
     * Throws {@link JournalCorruptException} naming segment and offset if a record in the middle is damaged.
     */
    JournalEntry poll(long timeout, TimeUnit unit) throws InterruptedException;

    @Override
    void close();
}
