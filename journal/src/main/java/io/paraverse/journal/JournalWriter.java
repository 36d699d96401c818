package io.paraverse.journal;

import io.paraverse.translator.Commit;
import io.paraverse.translator.RowChange;

/**
 * Appends a transaction at a time: rows, then its commit. Durability is batched on transaction boundaries:
 * {@link #commit} fsyncs when the sync interval or byte threshold has passed, and a background flusher makes an
 * idle tail durable within the interval. Not thread-safe with itself: one capture thread writes.
 */
public interface JournalWriter {

    /** Appends a row change of the current (open) transaction; returns its sequence number. */
    long append(RowChange change);

    /** Ends the current transaction; returns the commit record's sequence number. */
    long commit(Commit commit);

    /** Drops rows appended since the last commit (capture lost its connection mid-transaction). */
    void discardUncommitted();

    /** Forces everything committed so far to disk and makes it visible to readers. */
    void sync();
}
